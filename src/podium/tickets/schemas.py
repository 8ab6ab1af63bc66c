"""Tickets, comments and custom ticket attributes on the wire.

The MaestroQA shapes (`TicketCreate`, `TicketRead`, `CommentCreate`, `CommentRead`, ...) follow the
reference's tables and examples field for field (snake_case); the extension shapes
(`TicketAttribute*`, `TimelineItem`) are camelCase like the rest of the extension API.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictStr,
    field_validator,
    model_serializer,
)

from podium.tickets.models import ATTRIBUTE_TYPES, Comment, TicketAttribute
from podium.wire import UtcIn, UtcOut, Wire, format_utc

MAX_BATCH = 500
MAX_TICKET_IDS = 100


def _int_to_str(value: Any) -> Any:
    # helpdesk ids are numbers in many helpdesks (Zendesk `427406478143`); clients that read them
    # from JSON send them unquoted
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _ticket_id(value: Any) -> Any:
    value = _int_to_str(value)
    if isinstance(value, str):
        value = value.strip()
        if not value:
            raise ValueError("must not be empty")
        if len(value) > 255:
            raise ValueError("must be at most 255 characters")
    return value


def _agent_ref(value: Any) -> Any:
    value = _int_to_str(value)
    if isinstance(value, str):
        value = value.strip()
        if not value:
            raise ValueError("must not be empty")
        if len(value) > 320:
            raise ValueError("must be at most 320 characters")
    return value


def _number(value: Any) -> Any:
    # JSON true/false is not a number, although Python would treat it as one
    if isinstance(value, bool):
        raise ValueError("expected a number")
    if isinstance(value, str):
        value = value.strip()
    return value


def _finite(value: float | None) -> float | None:
    if value is not None and not math.isfinite(value):
        raise ValueError("expected a finite number")
    return value


def _tags(value: Any) -> Any:
    # the reference says a comma-separated string; helpdesks keep tags as lists, and clients that
    # copy them over send the list: join it the way the reference writes tags
    if isinstance(value, list) and all(isinstance(t, str) for t in value):
        return ",".join(t.strip() for t in value if t.strip())
    return value


def _short(limit: int) -> Any:
    def check(value: Any) -> Any:
        if isinstance(value, str) and len(value) > limit:
            raise ValueError(f"must be at most {limit} characters")
        return value

    return BeforeValidator(check)


TicketId = Annotated[
    StrictStr, BeforeValidator(_ticket_id), Field(examples=["unique_ticket_id"])
]
AgentRef = Annotated[StrictStr, BeforeValidator(_agent_ref)]
Short = Annotated[StrictStr, _short(255)]
Number = Annotated[float, BeforeValidator(_number)]
Tags = Annotated[
    StrictStr,
    BeforeValidator(_tags),
    Field(description="Comma-separated tags (a list of strings is joined with commas)"),
]
ValueType = Literal["string", "number", "boolean", "date"]
assert set(ValueType.__args__) == set(ATTRIBUTE_TYPES)  # type: ignore[attr-defined]

_ATTRIBUTES_DOC = (
    "Custom attributes. Keys must be defined in the account (extension API "
    "`POST /api/podium/v1/ticket-attributes`); unknown keys are ignored and not stored. Values are "
    "checked against the key's type; numbers, booleans and dates may also be sent as strings "
    '(`"5"`, `"true"`, `"2025-09-09"`, `"9/9/2025"`) and are stored as numbers, booleans and '
    "ISO 8601 UTC dates."
)


class TicketFields(Wire):
    """The fields a ticket is created or updated with (all optional here)."""

    type: Short | None = Field(default=None, examples=["custom helpdesk"])
    subject: StrictStr | None = Field(default=None, examples=["New ticket"])
    agents: list[AgentRef] | None = Field(
        default=None,
        description="Agent ids or agent emails; each must name an agent of the account",
        examples=[["this_agent_id"]],
    )
    link: StrictStr | None = Field(default=None, examples=["http://www.mynewticket.com"])
    body: StrictStr | None = Field(default=None, examples=["The text content of this ticket"])
    tags: Tags | None = Field(default=None, examples=["login,support,escalated"])
    status: Short | None = Field(default=None, examples=["open"])
    csat_score: Number | None = Field(default=None, examples=[5])
    first_seen: UtcIn | None = Field(default=None, description="Defaults to the current time")
    last_seen: UtcIn | None = Field(default=None, description="Defaults to the current time")
    attributes: dict[str, Any] | None = Field(
        default=None,
        description=_ATTRIBUTES_DOC,
        examples=[{"group": "Support", "public_comment_count": 5}],
    )

    @field_validator("csat_score", mode="after")
    @classmethod
    def _csat_finite(cls, value: float | None) -> float | None:
        return _finite(value)


class TicketCreate(TicketFields):
    ticket_id: TicketId
    type: Short = Field(examples=["custom helpdesk"])
    subject: StrictStr = Field(examples=["New ticket"])
    agents: list[AgentRef] = Field(
        description="Agent ids or agent emails; each must name an agent of the account",
        examples=[["this_agent_id"]],
    )
    link: StrictStr = Field(examples=["http://www.mynewticket.com"])
    body: StrictStr = Field(examples=["The text content of this ticket"])


# fields a PATCH may set to null: they are optional on the ticket
CLEARABLE = frozenset({"tags", "status", "csat_score"})


class TicketUpdate(TicketFields):
    """A partial update: absent fields are left alone. `tags`, `status` and `csat_score` may be
    set to null to clear them; in `attributes`, a key set to null is removed and keys left out
    keep their values. `ticket_id` cannot be changed (it is ignored in the body)."""

    @field_validator(
        "type", "subject", "agents", "link", "body", "first_seen", "last_seen", "attributes",
        mode="before",
    )
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("must not be null (leave the field out to keep its value)")
        return value


def wire_number(value: float | None) -> float | int | None:
    """`5`, not `5.0`, for whole numbers, as the reference's examples print them."""
    if value is not None and float(value).is_integer():
        return int(value)
    return value


class TicketRead(BaseModel):
    """A ticket as the reference's examples show it; `_id` is Podium's document id."""

    model_config = ConfigDict(populate_by_name=True)

    id: str = Field(serialization_alias="_id", examples=["js6LYgg4Ey3EqYhfi"])
    ticket_id: str = Field(examples=["unique_ticket_id"])
    type: str
    subject: str
    link: str
    body: str
    status: str | None
    agents: list[str] = Field(description="The agents' ids (an email given shows the agent's id)")
    tags: str | None
    csat_score: float | int | None
    first_seen: UtcOut
    last_seen: UtcOut
    attributes: dict[str, Any]


class TicketList(BaseModel):
    """`GET /tickets?ticket_ids=...`: the tickets found (in the order asked), the ids not found."""

    results: list[TicketRead]
    notFound: list[str] = Field(description="Requested ticket ids with no ticket in this account")


class TicketDeleted(BaseModel):
    deleted: Literal[True] = True
    ticket_id: str


class CommentCreate(Wire):
    """A comment."""

    body: StrictStr = Field(examples=["Hi, can I get some help?"])
    ticket_id: TicketId = Field(examples=["427406478143"])
    author_id: Annotated[StrictStr, BeforeValidator(_int_to_str), _short(255)] | None = Field(
        default=None, examples=["customer_12345"]
    )
    role: Literal["customer", "agent"] | None = Field(default=None, examples=["customer"])
    channel: Short | None = Field(default=None, examples=["chat"])
    public: bool | None = Field(default=None, description="Defaults to true")
    time: UtcIn | None = Field(default=None, description="Defaults to the current time")


class CommentBatch(Wire):
    batch: list[CommentCreate] = Field(
        min_length=1, max_length=MAX_BATCH, description=f"1 to {MAX_BATCH} comments"
    )

    @field_validator("batch", mode="before")
    @classmethod
    def _size_first(cls, value: Any) -> Any:
        # refuse an oversized batch before validating hundreds of items
        if isinstance(value, list) and len(value) > MAX_BATCH:
            raise ValueError(f"at most {MAX_BATCH} comments per batch, got {len(value)}")
        if isinstance(value, list) and not value:
            raise ValueError("must hold at least one comment")
        return value


class CommentRead(BaseModel):
    """A comment exactly as the reference's example shows it."""

    body: str
    author_id: str | None
    role: str | None
    channel: str | None
    public: bool
    time: UtcOut
    ticket_id: str
    id: str = Field(examples=["16906fb5ce9d57646fa38362_427406478143_W7OU22JH4Q"])


def comment_wire(row: dict[str, Any], ticket_id: str) -> dict[str, Any]:
    """The JSON of a comment from its column values (fast path for batches)."""
    return {
        "body": row["body"],
        "author_id": row["author_id"],
        "role": row["role"],
        "channel": row["channel"],
        "public": row["public"],
        "time": format_utc(row["time"]),
        "ticket_id": ticket_id,
        "id": row["id"],
    }


class CommentBatchRead(BaseModel):
    results: list[CommentRead] = Field(description="The comments created, in the order sent")


class TimelineAttachment(BaseModel):
    """The attachment an attachment comment shows."""

    id: str = Field(description="The attachment's `id`")
    content_type: str


class TimelineItem(CommentRead):
    """A comment or an attachment on a ticket's timeline."""

    kind: Literal["comment", "attachment"]
    attachment: TimelineAttachment | None = Field(
        default=None,
        description="Only on `kind: attachment`: the attachment's `id` and `content_type`; its "
        "status, size and download link are at `/tickets/{ticket_id}/attachments/{id}`",
    )

    @model_serializer(mode="wrap")
    def _attachment_only_on_attachments(self, handler: Any) -> Any:
        # a comment keeps exactly the fields it always had
        data = handler(self)
        if isinstance(data, dict) and data.get("attachment") is None:
            data.pop("attachment", None)
        return data

    @classmethod
    def of(
        cls, comment: Comment, ticket_id: str, attachment: TimelineAttachment | None = None
    ) -> TimelineItem:
        return cls(
            attachment=attachment,
            body=comment.body,
            author_id=comment.author_id,
            role=comment.role,
            channel=comment.channel,
            public=comment.public,
            time=comment.time,
            ticket_id=ticket_id,
            id=comment.id,
            kind=comment.kind,  # type: ignore[arg-type]
        )


def _attribute_key(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        if not value:
            raise ValueError("must not be empty")
        if len(value) > 200:
            raise ValueError("must be at most 200 characters")
    return value


class TicketAttributeCreate(Wire):
    key: Annotated[StrictStr, BeforeValidator(_attribute_key)] = Field(
        examples=["public_comment_count"], description="The key clients use in `attributes`"
    )
    label: Annotated[StrictStr, _short(200)] | None = Field(
        default=None, examples=["Public comments"], description="Defaults to the key"
    )
    valueType: ValueType = Field(examples=["number"])


class TicketAttributeRead(BaseModel):
    id: str = Field(examples=["Wq3m9bT8kLrS2vXyZ"])
    key: str
    label: str
    valueType: ValueType
    createdAt: UtcOut

    @classmethod
    def of(cls, row: TicketAttribute) -> TicketAttributeRead:
        return cls(
            id=row.id,
            key=row.key,
            label=row.label,
            valueType=row.value_type,  # type: ignore[arg-type]
            createdAt=row.created_at,
        )


class TicketAttributeDeleted(BaseModel):
    deleted: Literal[True] = True
    key: str
