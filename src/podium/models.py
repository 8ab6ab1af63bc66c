"""Import every domain's tables so the metadata (and Alembic) sees them all."""

from podium.agents.models import Agent, AgentGroup, AgentGroupMember, AgentHelpdeskId
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
from podium.tickets.models import Comment, Ticket, TicketAgent, TicketAttribute

__all__ = [
    "Account",
    "Agent",
    "AgentGroup",
    "AgentGroupMember",
    "AgentHelpdeskId",
    "ApiToken",
    "Base",
    "CoachingPoint",
    "CoachingPointSession",
    "CoachingSession",
    "Comment",
    "ListCount",
    "Ticket",
    "TicketAgent",
    "TicketAttribute",
    "Todo",
    "TodoSession",
    "User",
]
