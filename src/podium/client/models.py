"""Request and response models of the MaestroQA API (`/api/v1`) and Podium's extension API
(`/api/podium/v1`).

Attributes are snake_case; on the wire each model uses the API's own names (`agentId`,
`ticket_id`, `_id`, `Resources`), and accepts either when built: `CoachingSession(agent_id=...)`
and `CoachingSession.model_validate({"agentId": ...})` are the same.

Response models keep fields they do not know (`model_extra`, and `to_dict()`), so an answer
from a newer server loses nothing, and leave out no field the server may omit (every field has
a default). Request models are checked before anything is sent (`ValidationError` with `status`
None names the bad fields) and send only the fields that were given.

Dates in requests may be `datetime` (naive ones are taken as UTC), `date` (midnight UTC) or ISO
8601 text; they are sent as `2024-01-31T00:00:00.000Z`. Dates in responses are aware
`datetime`s in UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer
from pydantic.alias_generators import to_camel


def format_timestamp(value: datetime) -> str:
    """UTC with milliseconds and `Z`, as the API writes dates."""
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def to_utc(value: Any) -> Any:
    """A date given to the client as a UTC `datetime`: text is read as ISO 8601, a naive
    datetime is taken as UTC, a `date` as its midnight UTC."""
    if isinstance(value, str):
        text = value.strip()
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(
                f"{text!r} is not an ISO 8601 date (e.g. 2017-12-13T05:00:00Z or 2017-12-13)"
            ) from None
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
    return value


#: A date sent to the API.
DateIn = Annotated[
    datetime, BeforeValidator(to_utc), PlainSerializer(format_timestamp, return_type=str)
]
#: A date read from the API (written back in the API's own format by `to_dict()`).
DateOut = Annotated[datetime, PlainSerializer(format_timestamp, return_type=str, when_used="json")]


class ApiModel(BaseModel):
    """Base of every model: unknown fields kept, built by attribute name or wire name."""

    model_config = ConfigDict(
        extra="allow", validate_by_name=True, validate_by_alias=True, serialize_by_alias=True
    )

    def to_dict(self) -> dict[str, Any]:
        """The model as the API wrote it: wire names, ISO dates, the fields the answer had
        (unknown ones included)."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)

    def payload(self) -> dict[str, Any]:
        """The request body: wire names, only the fields that were set."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)


class CamelModel(ApiModel):
    """A model whose wire names are camelCase (`agentId`)."""

    model_config = ConfigDict(alias_generator=to_camel)


T = TypeVar("T")


class Page(CamelModel, Generic[T]):
    """One page of a list: `{startIndex, totalResults, itemsPerPage, Resources}`."""

    start_index: int = 0
    total_results: int = 0
    items_per_page: int = 0
    resources: list[T] = Field(default_factory=list, alias="Resources")


class Deleted(CamelModel):
    """What an extension-API DELETE answers."""

    id: str | None = None
    deleted: bool = True


# --- tickets and comments (/api/v1, snake_case on the wire) -------------------------------


class TicketCreate(ApiModel):
    """`POST /api/v1/tickets`."""

    ticket_id: str
    type: str
    subject: str
    agents: list[str]
    link: str
    body: str
    tags: str | list[str] | None = None
    status: str | None = None
    csat_score: int | float | None = None
    first_seen: DateIn | None = None
    last_seen: DateIn | None = None
    attributes: dict[str, Any] | None = None


class TicketUpdate(ApiModel):
    """`PATCH /api/v1/tickets/{ticket_id}`: the fields given are changed. In `attributes`, a
    key set to None is removed (Podium)."""

    type: str | None = None
    subject: str | None = None
    agents: list[str] | None = None
    link: str | None = None
    body: str | None = None
    tags: str | list[str] | None = None
    status: str | None = None
    csat_score: int | float | None = None
    first_seen: DateIn | None = None
    last_seen: DateIn | None = None
    attributes: dict[str, Any] | None = None


class Ticket(ApiModel):
    id: str | None = Field(default=None, alias="_id")
    ticket_id: str = ""
    type: str | None = None
    subject: str | None = None
    link: str | None = None
    body: str | None = None
    status: str | None = None
    agents: list[str] = Field(default_factory=list)
    tags: str | None = None
    csat_score: int | float | None = None
    first_seen: DateOut | None = None
    last_seen: DateOut | None = None
    attributes: dict[str, Any] = Field(default_factory=dict)


class TicketDeleted(ApiModel):
    deleted: bool = True
    ticket_id: str | None = None


class TicketLookup(CamelModel):
    """`GET /api/v1/tickets?ticket_ids=...`: the tickets found, in the order asked."""

    results: list[Ticket] = Field(default_factory=list)
    not_found: list[str] = Field(default_factory=list)


class UpsertResult(ApiModel):
    """`tickets.upsert`: the ticket, and whether it was created (else patched)."""

    ticket: Ticket
    created: bool


class CommentCreate(ApiModel):
    """`POST /api/v1/comments`, and each item of `comments-batch`."""

    body: str
    ticket_id: str
    author_id: str | None = None
    role: Literal["customer", "agent"] | None = None
    channel: str | None = None
    public: bool | None = None
    time: DateIn | None = None


class Comment(ApiModel):
    id: str = ""
    body: str | None = None
    ticket_id: str | None = None
    author_id: str | None = None
    role: str | None = None
    channel: str | None = None
    public: bool | None = None
    time: DateOut | None = None


class CommentBatch(ApiModel):
    results: list[Comment] = Field(default_factory=list)


class TimelineAttachment(ApiModel):
    id: str
    content_type: str | None = None


class TimelineItem(Comment):
    """A comment or an attachment comment on a ticket's timeline (extension API)."""

    kind: str = "comment"
    attachment: TimelineAttachment | None = None


# --- agents, users, groups ------------------------------------------------------------------


class AgentCreate(CamelModel):
    """`POST /api/v1/agents`."""

    name: str
    available: bool
    email: str
    agent_group_id: str | None = None
    agent_id: str | None = None


class AgentUpdate(CamelModel):
    """`PATCH /api/podium/v1/agents/{ref}`."""

    name: str | None = None
    email: str | None = None
    available: bool | None = None


class Agent(CamelModel):
    """An agent. `agent_ids` (all its helpdesk ids) and the group and date fields come with
    the answers that have them (add-id, availability, extension API)."""

    id: str | None = Field(default=None, alias="_id")
    name: str | None = None
    agent_id: str | None = None
    available: bool | None = None
    email: str | None = None
    agent_group_id: str | None = None
    agent_ids: list[str] | None = None
    agent_group_ids: list[str] | None = None
    created_at: DateOut | None = None
    updated_at: DateOut | None = None


Role = Literal["admin", "limitedAdmin", "manager", "grader", "agent", "limited_agent"]


class UserCreate(CamelModel):
    email: str
    name: str
    role: Role


class UserUpdate(CamelModel):
    name: str | None = None
    role: Role | None = None
    active: bool | None = None


class User(CamelModel):
    id: str = ""
    email: str | None = None
    name: str | None = None
    role: str | None = None
    active: bool | None = None
    created_at: DateOut | None = None
    updated_at: DateOut | None = None


class AgentGroupCreate(CamelModel):
    name: str
    agent_ids: list[str] | None = None


class AgentGroupUpdate(CamelModel):
    name: str | None = None


class AgentGroupMember(CamelModel):
    id: str | None = Field(default=None, alias="_id")
    agent_id: str | None = None
    name: str | None = None
    email: str | None = None
    available: bool | None = None


class AgentGroup(CamelModel):
    """An agent group; `members` only in the answers about one group."""

    id: str = ""
    name: str | None = None
    member_count: int | None = None
    created_at: DateOut | None = None
    updated_at: DateOut | None = None
    members: list[AgentGroupMember] | None = None


class TicketAttributeCreate(CamelModel):
    key: str
    value_type: Literal["string", "number", "boolean", "date"]
    label: str | None = None


class TicketAttribute(CamelModel):
    id: str = ""
    key: str | None = None
    label: str | None = None
    value_type: str | None = None
    created_at: DateOut | None = None


class TicketAttributeDeleted(CamelModel):
    deleted: bool = True
    key: str | None = None


# --- coaching -------------------------------------------------------------------------------

MeetingFormat = Literal["inPerson", "virtual", "async"]


class CoachingSession(CamelModel):
    id: str = ""
    name: str | None = None
    created_at: DateOut | None = None
    updated_at: DateOut | None = None
    agent_id: str | None = None
    agent_name: str | None = None
    coach_id: str | None = None
    coach_name: str | None = None
    creator_id: str | None = None
    agent_notes: str | None = None
    coach_notes: str | None = None
    coach_private_notes: str | None = None
    session_contents: str | None = None
    coaching_template_id: str | None = None
    meeting_format: str | None = None
    agent_confirmed: bool | None = None
    coach_confirmed: bool | None = None


class CoachingSessionCreate(CamelModel):
    name: str
    agent_id: str
    coach_id: str
    creator_id: str | None = None
    agent_notes: str | None = None
    coach_notes: str | None = None
    coach_private_notes: str | None = None
    session_contents: str | None = None
    coaching_template_id: str | None = None
    meeting_format: MeetingFormat | None = None
    agent_confirmed: bool | None = None
    coach_confirmed: bool | None = None


class CoachingSessionUpdate(CamelModel):
    name: str | None = None
    agent_id: str | None = None
    coach_id: str | None = None
    creator_id: str | None = None
    agent_notes: str | None = None
    coach_notes: str | None = None
    coach_private_notes: str | None = None
    session_contents: str | None = None
    coaching_template_id: str | None = None
    meeting_format: MeetingFormat | None = None
    agent_confirmed: bool | None = None
    coach_confirmed: bool | None = None


PointType = Literal["strengths", "opportunities", "n/a"]
PointClassification = Literal["general", "qa", "csat", "productivity"]


class CoachingPoint(CamelModel):
    id: str = ""
    created_at: DateOut | None = None
    updated_at: DateOut | None = None
    agent_id: str | None = None
    creator_id: str | None = None
    criteria_id: str | None = None
    rubric_id: str | None = None
    answer_id: str | None = None
    type: str | None = None
    classification: str | None = None
    coach_notes: str | None = None
    coaching_session_ids: list[str] = Field(default_factory=list)
    text_content: str | None = None


class CoachingPointCreate(CamelModel):
    agent_id: str
    creator_id: str | None = None
    type: PointType | None = None
    classification: PointClassification | None = None
    coach_notes: str | None = None
    text_content: str | None = None
    criteria_id: str | None = None
    rubric_id: str | None = None
    answer_id: str | None = None
    coaching_session_ids: list[str] | None = None


class CoachingPointUpdate(CamelModel):
    agent_id: str | None = None
    creator_id: str | None = None
    type: PointType | None = None
    classification: PointClassification | None = None
    coach_notes: str | None = None
    text_content: str | None = None
    criteria_id: str | None = None
    rubric_id: str | None = None
    answer_id: str | None = None
    coaching_session_ids: list[str] | None = None


class Todo(CamelModel):
    id: str = ""
    title: str | None = None
    created_at: DateOut | None = None
    updated_at: DateOut | None = None
    agent_id: str | None = None
    creator_id: str | None = None
    status: str | None = None
    type: str | None = None
    coaching_session_ids: list[str] = Field(default_factory=list)
    description: str | None = None
    answer_id: str | None = None


class TodoCreate(CamelModel):
    title: str
    agent_id: str
    description: str | None = None
    creator_id: str | None = None
    status: Literal["incomplete", "complete"] | None = None
    type: str | None = None
    answer_id: str | None = None
    coaching_session_ids: list[str] | None = None


class TodoUpdate(CamelModel):
    title: str | None = None
    description: str | None = None
    agent_id: str | None = None
    creator_id: str | None = None
    status: Literal["incomplete", "complete"] | None = None
    type: str | None = None
    answer_id: str | None = None
    coaching_session_ids: list[str] | None = None


class ActivityEntry(CamelModel):
    """One entry of the activity log (extension API)."""

    id: str = ""
    timestamp: DateOut | None = None
    user_email: str | None = None
    actor_token_id: str | None = None
    item_type: str | None = None
    action_type: str | None = None
    description: str | None = None
    ip_address: str | None = None


# --- exports --------------------------------------------------------------------------------

ExportStatus = Literal["requested", "in_progress", "complete", "errored"]
SingleFile = Literal["individual_answers", "section_scores", "total_scores", "annotations", "csat"]


class RawExportRequest(CamelModel):
    """`POST /api/v1/request-raw-export`."""

    start_date: DateIn
    end_date: DateIn
    name: str | None = None
    single_file_export: SingleFile | None = None
    include_calibrations: Literal["all", "none", "only"] | None = None
    include_grader_qa: bool | None = Field(default=None, alias="includeGraderQA")
    include_deleted: bool | None = None


class GroupsExportRequest(CamelModel):
    """`POST /api/v1/request-groups-export`."""

    name: str | None = None
    include_unavailable: bool | None = None


class AuditLogExportRequest(CamelModel):
    """`POST /api/v1/request-audit-log-export`."""

    start_date: DateIn
    end_date: DateIn
    name: str | None = None


class ExportRequested(CamelModel):
    export_id: str


class ExportData(CamelModel):
    """A poll's answer. `data_url` is `""` until complete, and when there was nothing to
    export (a server that leaves it out is read the same way)."""

    status: str
    data_url: str = ""

    @property
    def done(self) -> bool:
        return self.status in ("complete", "errored")


class Export(CamelModel):
    """An export as the extension API describes it."""

    id: str = ""
    kind: str | None = None
    name: str | None = None
    status: str | None = None
    start_date: DateOut | None = None
    end_date: DateOut | None = None
    options: dict[str, Any] = Field(default_factory=dict)
    requested_by: str | None = None
    row_counts: dict[str, int] = Field(default_factory=dict)
    size_bytes: int | None = None
    file_name: str | None = None
    error: str | None = None
    attempts: int | None = None
    created_at: DateOut | None = None
    started_at: DateOut | None = None
    completed_at: DateOut | None = None
    data_url: str = ""


# --- attachments ----------------------------------------------------------------------------


class AttachmentCreate(ApiModel):
    """`POST /api/v1/attachments`: without `url`, the presigned flow."""

    ticket_id: str
    content_type: str
    url: str | None = None
    id: str | None = None
    author_id: str | None = None
    public: bool | None = None
    timestamp: DateIn | None = None


class AttachmentCreated(ApiModel):
    id: str
    presigned_url: str | None = None


class Attachment(CamelModel):
    """An attachment as the extension API describes it."""

    id: str = ""
    ticket_id: str | None = None
    comment_id: str | None = None
    content_type: str | None = None
    author_id: str | None = None
    public: bool | None = None
    timestamp: DateOut | None = None
    source: str | None = None
    url: str | None = None
    status: str | None = None
    error: str | None = None
    attempts: int | None = None
    size_bytes: int | None = None
    file_name: str | None = None
    upload_expires_at: DateOut | None = None
    created_at: DateOut | None = None
    stored_at: DateOut | None = None
    download_url: str | None = None


# --- rubrics --------------------------------------------------------------------------------


class FeedbackOptionInput(CamelModel):
    id: str | None = None
    label: str


class OptionInput(CamelModel):
    id: str | None = None
    label: str
    points: int | float | None = None
    auto_fail: bool | None = None
    feedback: Literal["no_change", "show", "require"] | None = None
    feedback_options: list[FeedbackOptionInput] | None = None


class CriterionInput(CamelModel):
    id: str | None = None
    text: str
    kind: Literal["multiple_choice", "dropdown", "linear_scale", "checkbox"]
    description: str | None = None
    min_points: int | float | None = None
    max_points: int | float | None = None
    required: bool | None = None
    feedback_mode: Literal["none", "general", "per_option"] | None = None
    options: list[OptionInput] | None = None
    feedback_options: list[FeedbackOptionInput] | None = None


class SectionInput(CamelModel):
    id: str | None = None
    name: str
    criteria: list[CriterionInput]
    kind: Literal["standard", "bonus", "auto_fail"] | None = None
    weight: int | float | None = None
    default_answer: Literal["na", "max"] | None = None


class RubricCreate(CamelModel):
    """`POST /rubrics` and `PUT /rubrics/{id}` (the whole rubric)."""

    name: str
    sections: list[SectionInput]
    description: str | None = None
    weighted: bool | None = None
    bonus_weighted: bool | None = None
    active: bool | None = None


class RubricUpdate(CamelModel):
    """`PATCH /rubrics/{id}`: `sections`, when sent, is the whole new structure."""

    name: str | None = None
    description: str | None = None
    weighted: bool | None = None
    bonus_weighted: bool | None = None
    active: bool | None = None
    sections: list[SectionInput] | None = None


class FeedbackOption(CamelModel):
    id: str = ""
    label: str | None = None


class RubricOption(CamelModel):
    id: str = ""
    label: str | None = None
    points: int | float | None = None
    auto_fail: bool | None = None
    feedback: str | None = None
    feedback_options: list[FeedbackOption] = Field(default_factory=list)


class RubricCriterion(CamelModel):
    id: str = ""
    text: str | None = None
    description: str | None = None
    kind: str | None = None
    min_points: int | float | None = None
    max_points: int | float | None = None
    required: bool | None = None
    feedback_mode: str | None = None
    options: list[RubricOption] = Field(default_factory=list)
    feedback_options: list[FeedbackOption] = Field(default_factory=list)


class RubricSection(CamelModel):
    id: str = ""
    name: str | None = None
    kind: str | None = None
    weight: int | float | None = None
    default_answer: str | None = None
    criteria: list[RubricCriterion] = Field(default_factory=list)


class RubricVersion(CamelModel):
    version: int
    created_at: DateOut | None = None
    in_use: bool | None = None


class Rubric(CamelModel):
    """A rubric; `sections` and `versions` only when reading one rubric."""

    id: str = ""
    name: str | None = None
    description: str | None = None
    weighted: bool | None = None
    bonus_weighted: bool | None = None
    active: bool | None = None
    current_version: int | None = None
    created_at: DateOut | None = None
    updated_at: DateOut | None = None
    deleted_at: DateOut | None = None
    version: int | None = None
    versions: list[RubricVersion] | None = None
    sections: list[RubricSection] | None = None


class RubricSaved(Rubric):
    """The answer to an edit: whether it made a new version, and why."""

    version_created: bool = False
    version_changes: list[str] = Field(default_factory=list)


# --- grades and calibrations ----------------------------------------------------------------


class AnswerInput(CamelModel):
    option_ids: list[str] | None = None
    value: int | float | None = None
    na: bool | None = None
    feedback_option_ids: list[str] | None = None
    comment: str | None = None


class AnnotationInput(CamelModel):
    id: str | None = None
    kind: Literal["text", "audio"] | None = None
    criterion_id: str | None = None
    highlight: str | None = None
    start_word: str | None = None
    end_word: str | None = None
    start_occurrence: int | None = None
    end_occurrence: int | None = None
    recording_timestamp: int | float | None = None
    feedback: str | None = None


class _GradeInput(CamelModel):
    grader_id: str | None = None
    grader_email: str | None = None
    answers: dict[str, AnswerInput] | None = None
    general_notes: str | None = None
    annotations: list[AnnotationInput] | None = None
    state: Literal["draft", "submitted"] | None = None
    grading_seconds: int | None = None
    started_at: DateIn | None = None
    reported_at: DateIn | None = None


class GradeCreate(_GradeInput):
    ticket_id: str
    rubric_id: str
    agent_id: str | None = None


class GraderQaCreate(_GradeInput):
    """`POST /grades/{id}/grader-qa`: the benchmark re-grade."""


class CalibrationGradeCreate(_GradeInput):
    """`POST /calibrations/{id}/grades`; `final` for the final calibrator's grade."""

    final: bool | None = None


class GradeUpdate(CamelModel):
    """`PATCH /grades/{id}`: an answer set to None clears it (drafts only)."""

    grader_id: str | None = None
    grader_email: str | None = None
    agent_id: str | None = None
    answers: dict[str, AnswerInput | None] | None = None
    general_notes: str | None = None
    annotations: list[AnnotationInput] | None = None
    state: Literal["draft", "submitted"] | None = None
    grading_seconds: int | None = None
    reported_at: DateIn | None = None


class SectionScore(CamelModel):
    section_id: str = ""
    name: str | None = None
    kind: str | None = None
    earned: int | float | None = None
    max_points: int | float | None = None
    normalized: int | float | None = None
    weight: int | float | None = None
    effective_weight: int | float | None = None


class Answer(CamelModel):
    criterion_id: str = ""
    section_id: str | None = None
    text: str | None = None
    status: str | None = None
    na: bool | None = None
    option_ids: list[str] = Field(default_factory=list)
    value: int | float | None = None
    feedback_option_ids: list[str] = Field(default_factory=list)
    answer_label: str | None = None
    feedback_label: str | None = None
    comment: str | None = None
    earned: int | float | None = None
    max_points: int | float | None = None
    auto_failed: bool | None = None
    alignment: int | float | None = None


class Annotation(CamelModel):
    id: str = ""
    kind: str | None = None
    criterion_id: str | None = None
    highlight: str | None = None
    start_word: str | None = None
    end_word: str | None = None
    start_occurrence: int | None = None
    end_occurrence: int | None = None
    recording_timestamp: int | float | None = None
    feedback: str | None = None
    created_at: DateOut | None = None
    updated_at: DateOut | None = None


class Grade(CamelModel):
    """A grade; `sections`, `answers` and `annotations` only when reading one grade."""

    id: str = ""
    grade_type: str | None = None
    state: str | None = None
    ticket_id: str | None = None
    agent_id: str | None = None
    agent_name: str | None = None
    agent_email: str | None = None
    rubric_id: str | None = None
    rubric_name: str | None = None
    rubric_version: int | None = None
    grader_id: str | None = None
    grader_email: str | None = None
    calibration_id: str | None = None
    target_grade_id: str | None = None
    general_notes: str | None = None
    source: str | None = None
    rubric_score: int | float | None = None
    max_rubric_score: int | float | None = None
    earned_points: int | float | None = None
    bonus_score: int | float | None = None
    auto_failed: bool | None = None
    alignment_score: int | float | None = None
    csat_score: int | float | None = None
    grading_seconds: int | None = None
    started_at: DateOut | None = None
    first_graded_at: DateOut | None = None
    submitted_at: DateOut | None = None
    reported_at: DateOut | None = None
    created_at: DateOut | None = None
    updated_at: DateOut | None = None
    deleted_at: DateOut | None = None
    sections: list[SectionScore] | None = None
    answers: list[Answer] | None = None
    annotations: list[Annotation] | None = None


class CalibrationCreate(CamelModel):
    ticket_id: str
    rubric_id: str
    agent_id: str | None = None
    name: str | None = None
    kind: Literal["team", "benchmark"] | None = None
    final_calibrator_id: str | None = None
    final_calibrator_email: str | None = None
    scheduled_for: DateIn | None = None


class CalibrationUpdate(CamelModel):
    name: str | None = None
    kind: Literal["team", "benchmark"] | None = None
    final_calibrator_id: str | None = None
    final_calibrator_email: str | None = None
    scheduled_for: DateIn | None = None


class CalibratorAlignment(CamelModel):
    grade_id: str = ""
    grader_id: str | None = None
    grader_email: str | None = None
    state: str | None = None
    alignment_score: int | float | None = None


class Calibration(CamelModel):
    id: str = ""
    name: str | None = None
    kind: str | None = None
    ticket_id: str | None = None
    agent_id: str | None = None
    rubric_id: str | None = None
    final_calibrator_id: str | None = None
    scheduled_for: DateOut | None = None
    final_grade_id: str | None = None
    calibrators: list[CalibratorAlignment] = Field(default_factory=list)
    created_at: DateOut | None = None
    updated_at: DateOut | None = None
    deleted_at: DateOut | None = None
