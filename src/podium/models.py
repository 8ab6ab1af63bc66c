"""Import every domain's tables so the metadata (and Alembic) sees them all."""

from podium.agents.models import Agent, AgentGroup, AgentGroupMember, AgentHelpdeskId
from podium.attachments.models import Attachment
from podium.audit.models import ActivityLog
from podium.auth.models import Account, ApiToken, User
from podium.coaching.models import (
    CoachingPoint,
    CoachingPointSession,
    CoachingSession,
    Todo,
    TodoSession,
)
from podium.counts import ListCount
from podium.db import Base
from podium.exports.models import Export
from podium.grading.models import (
    Annotation,
    Calibration,
    Grade,
    GradeAnswer,
    GradeSection,
    Rubric,
    RubricCriterion,
    RubricFeedbackOption,
    RubricOption,
    RubricSection,
    RubricVersion,
)
from podium.jobs.models import Job
from podium.tickets.models import Comment, Ticket, TicketAgent, TicketAttribute

__all__ = [
    "Account",
    "ActivityLog",
    "Agent",
    "AgentGroup",
    "AgentGroupMember",
    "AgentHelpdeskId",
    "Annotation",
    "ApiToken",
    "Attachment",
    "Base",
    "Calibration",
    "CoachingPoint",
    "CoachingPointSession",
    "CoachingSession",
    "Comment",
    "Export",
    "Grade",
    "GradeAnswer",
    "GradeSection",
    "Job",
    "ListCount",
    "Rubric",
    "RubricCriterion",
    "RubricFeedbackOption",
    "RubricOption",
    "RubricSection",
    "RubricVersion",
    "Ticket",
    "TicketAgent",
    "TicketAttribute",
    "Todo",
    "TodoSession",
    "User",
]
