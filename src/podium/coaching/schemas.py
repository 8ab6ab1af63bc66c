"""Wire shapes of coaching sessions, coaching points and to-dos.

Read shapes carry the reference's camelCase names exactly. Create/update bodies use the same
names; an update changes only the fields it sends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, Field

from podium.wire import UtcOut, Wire


def _int_to_str(value: Any) -> Any:
    # helpdesk ids are numbers in many helpdesks; clients that read them from JSON send them bare
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


Name = Annotated[str, Field(min_length=1, max_length=500)]
HelpdeskId = Annotated[str, BeforeValidator(_int_to_str), Field(min_length=1, max_length=200)]
DocId = Annotated[str, Field(min_length=1, max_length=17)]
ShortRef = Annotated[str, Field(max_length=100)]
AnswerRef = Annotated[str, Field(max_length=300)]
SessionIds = Annotated[list[DocId], Field(max_length=1000)]

MeetingFormat = Literal["inPerson", "virtual", "async"]
PointType = Literal["strengths", "opportunities", "n/a"]
PointClassification = Literal["general", "qa", "csat", "productivity"]
TodoStatus = Literal["incomplete", "complete"]
TodoType = Annotated[str, Field(min_length=1, max_length=50)]


@dataclass(frozen=True)
class CoachingFilters:
    """The list filters every coaching list shares (coachId applies to sessions only)."""

    agent_id: str | None = None
    creator_id: str | None = None
    coach_id: str | None = None
    start: datetime | None = None
    end: datetime | None = None


# -- coaching sessions ---------------------------------------------------------------------------


class CoachingSessionRead(BaseModel):
    id: str
    name: str
    createdAt: UtcOut
    updatedAt: UtcOut
    agentId: str
    agentName: str
    coachId: str
    coachName: str
    creatorId: str
    agentNotes: str
    coachNotes: str
    coachPrivateNotes: str
    sessionContents: str
    coachingTemplateId: str | None
    meetingFormat: str
    agentConfirmed: bool
    coachConfirmed: bool


class CoachingSessionCreate(Wire):
    name: Name
    agentId: HelpdeskId = Field(description="A helpdesk agent id of an existing agent")
    coachId: DocId = Field(description="The user id of the coach (a user of this account)")
    creatorId: DocId | None = Field(
        default=None,
        description="The user id of the creator; defaults to the token's user, else to coachId",
    )
    agentNotes: str = ""
    coachNotes: str = ""
    coachPrivateNotes: str = ""
    sessionContents: str = ""
    coachingTemplateId: ShortRef | None = None
    meetingFormat: MeetingFormat = "inPerson"
    agentConfirmed: bool = False
    coachConfirmed: bool = False


class CoachingSessionUpdate(Wire):
    name: Name | None = None
    agentId: HelpdeskId | None = None
    coachId: DocId | None = None
    creatorId: DocId | None = None
    agentNotes: str | None = None
    coachNotes: str | None = None
    coachPrivateNotes: str | None = None
    sessionContents: str | None = None
    coachingTemplateId: ShortRef | None = None
    meetingFormat: MeetingFormat | None = None
    agentConfirmed: bool | None = None
    coachConfirmed: bool | None = None


# -- coaching points -----------------------------------------------------------------------------


class CoachingPointRead(BaseModel):
    id: str
    createdAt: UtcOut
    updatedAt: UtcOut
    agentId: str
    creatorId: str
    criteriaId: str | None
    rubricId: str | None
    answerId: str | None
    type: str
    classification: str
    coachNotes: str | None
    coachingSessionIds: list[str]
    textContent: str


class CoachingPointCreate(Wire):
    agentId: HelpdeskId = Field(description="A helpdesk agent id of an existing agent")
    creatorId: DocId | None = Field(
        default=None, description="The user id of the creator; defaults to the token's user"
    )
    type: PointType = "n/a"
    classification: PointClassification = "general"
    coachNotes: str | None = None
    textContent: str = ""
    criteriaId: ShortRef | None = None
    rubricId: ShortRef | None = None
    answerId: AnswerRef | None = None
    coachingSessionIds: SessionIds = Field(
        default_factory=list, description="Ids of coaching sessions of this account"
    )


class CoachingPointUpdate(Wire):
    agentId: HelpdeskId | None = None
    creatorId: DocId | None = None
    type: PointType | None = None
    classification: PointClassification | None = None
    coachNotes: str | None = None
    textContent: str | None = None
    criteriaId: ShortRef | None = None
    rubricId: ShortRef | None = None
    answerId: AnswerRef | None = None
    coachingSessionIds: SessionIds | None = None


# -- to-dos --------------------------------------------------------------------------------------


class TodoRead(BaseModel):
    id: str
    title: str
    createdAt: UtcOut
    updatedAt: UtcOut
    agentId: str
    creatorId: str
    status: str
    type: str
    coachingSessionIds: list[str]
    description: str
    answerId: str | None


class TodoCreate(Wire):
    title: Name
    description: str = ""
    agentId: HelpdeskId = Field(description="A helpdesk agent id of an existing agent")
    creatorId: DocId | None = Field(
        default=None, description="The user id of the creator; defaults to the token's user"
    )
    status: TodoStatus = "incomplete"
    type: TodoType = "general"
    answerId: AnswerRef | None = None
    coachingSessionIds: SessionIds = Field(
        default_factory=list, description="Ids of coaching sessions of this account"
    )


class TodoUpdate(Wire):
    title: Name | None = None
    description: str | None = None
    agentId: HelpdeskId | None = None
    creatorId: DocId | None = None
    status: TodoStatus | None = None
    type: TodoType | None = None
    answerId: AnswerRef | None = None
    coachingSessionIds: SessionIds | None = None


class Deleted(BaseModel):
    """What a DELETE answers."""

    id: str
    deleted: bool = True
