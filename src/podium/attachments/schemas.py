"""Attachments on the wire: `POST /api/v1/attachments` as the reference has it (snake_case),
and the extension API's read shape (camelCase, like the rest of the extension API)."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, BeforeValidator, Field, StrictStr

from podium.tickets.schemas import TicketId
from podium.wire import UtcIn, UtcOut, Wire

MAX_URL_LENGTH = 8192  # presigned URLs of other clouds run to a few thousand characters
MAX_ID_LENGTH = 255

# RFC 6838 type/subtype names, with RFC 9110 parameters (`; charset=utf-8`)
_NAME = r"[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}"
_TOKEN = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_MEDIA_TYPE = re.compile(rf'({_NAME})/({_NAME})(; ?{_TOKEN}=({_TOKEN}|"[ !#-\[\]-~]*"))*')
TOP_LEVEL_TYPES = (
    "application",
    "audio",
    "example",
    "font",
    "haptics",
    "image",
    "message",
    "model",
    "multipart",
    "text",
    "video",
)


def _media_type(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if len(value) > 255:
        raise ValueError("must be at most 255 characters")
    match = _MEDIA_TYPE.fullmatch(value)
    if match is None:
        raise ValueError("must be a MIME type like audio/mp3 or image/png")
    if match.group(1).lower() not in TOP_LEVEL_TYPES:
        raise ValueError(
            f"{match.group(1)!r} is not a MIME top-level type ({', '.join(TOP_LEVEL_TYPES)})"
        )
    return value


def _attachment_id(value: Any) -> Any:
    # like ticket ids, numbers sent unquoted are read as text
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str):
        if not value.strip():
            raise ValueError("must not be empty")
        if len(value) > MAX_ID_LENGTH:
            raise ValueError(f"must be at most {MAX_ID_LENGTH} characters")
        if any(c in "/\\" or ord(c) < 32 or ord(c) == 127 for c in value):
            raise ValueError("must not contain /, \\ or control characters")
        if value.strip() in (".", ".."):
            raise ValueError("must not be . or ..")
    return value


def _url(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if len(value) > MAX_URL_LENGTH:
        raise ValueError(f"must be at most {MAX_URL_LENGTH} characters")
    try:
        parts = urlsplit(value.strip())
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        raise ValueError("must be an absolute http or https URL") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError(
            "must be an absolute http or https URL (leave it out for the presigned URL flow)"
        )
    if any(ord(c) < 33 or ord(c) == 127 for c in value.strip()):
        raise ValueError("must not contain spaces or control characters (percent-encode them)")
    return value.strip()


def _author_id(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str) and len(value) > 255:
        raise ValueError("must be at most 255 characters")
    return value


MediaType = Annotated[StrictStr, BeforeValidator(_media_type)]
AttachmentId = Annotated[StrictStr, BeforeValidator(_attachment_id)]
FetchUrl = Annotated[StrictStr, BeforeValidator(_url)]
AuthorId = Annotated[StrictStr, BeforeValidator(_author_id)]


class AttachmentCreate(Wire):
    """An attachment: without `url`, a presigned upload URL is returned (presigned URL flow);
    with `url`, Podium fetches the file from it (URL flow)."""

    url: FetchUrl | None = Field(
        default=None,
        description="Where Podium fetches the file (URL flow). Leave it out for the presigned "
        "URL flow.",
        examples=["https://helpdesk.example/recordings/call-1.png"],
    )
    ticket_id: TicketId = Field(
        description="The ticket to attach the file to (its `ticket_id`)",
        examples=["your_ticket_id"],
    )
    content_type: MediaType = Field(
        description="The MIME type of the file, e.g. audio/mp3. The presigned PUT must send "
        "exactly this `Content-Type`; downloads are served with it.",
        examples=["audio/mp3"],
    )
    id: AttachmentId | None = Field(
        default=None,
        description="The attachment's id, unique within the ticket (409 if taken); generated "
        "when left out. Also the download's file name.",
        examples=["call-recording-1"],
    )
    author_id: AuthorId | None = Field(
        default=None, description="The agent or customer the attachment is from"
    )
    public: bool | None = Field(
        default=None, description="A public or private attachment comment; defaults to true"
    )
    timestamp: UtcIn | None = Field(
        default=None,
        description="The time the attachment's comment shows on the ticket's timeline; "
        "defaults to now",
    )


class AttachmentCreated(BaseModel):
    """The reference's response: the attachment's `id`, and `presigned_url` in the presigned
    URL flow (left out in the URL flow)."""

    id: str = Field(examples=["call-recording-1"])
    presigned_url: str | None = Field(
        default=None,
        description="PUT the file here within 10 minutes, with the `Content-Type` given and "
        "`x-amz-server-side-encryption: AES256`",
    )


Status = Literal["awaiting_upload", "pending", "stored", "failed"]


class AttachmentRead(BaseModel):
    """An attachment as the extension API shows it."""

    id: str = Field(description="The attachment's id (the client's, or generated)")
    ticketId: str
    commentId: str = Field(description="The attachment comment on the ticket's timeline")
    contentType: str
    authorId: str | None
    public: bool
    timestamp: UtcOut
    source: Literal["upload", "url"] = Field(
        description="`upload`: presigned URL flow; `url`: fetched from `url`"
    )
    url: str | None = Field(description="URL flow: the URL given (a password in it is masked)")
    status: Status = Field(
        description="`awaiting_upload` (no file PUT yet), `pending` (not fetched yet), "
        "`stored`, or `failed` (see `error`)"
    )
    error: str | None = Field(
        description="Why the file could not be had (`failed`), or why the last fetch attempt "
        "failed (`pending`, to be tried again)"
    )
    attempts: int = Field(description="URL flow: fetch attempts made so far")
    sizeBytes: int | None
    fileName: str = Field(description="The name downloads are given")
    uploadExpiresAt: UtcOut | None = Field(
        description="Presigned URL flow: the upload URL is valid until then"
    )
    createdAt: UtcOut
    storedAt: UtcOut | None
    downloadUrl: str | None = Field(
        description="When stored: a signed link anyone can GET (no token) for an hour, "
        "served with the attachment's content type and file name"
    )
