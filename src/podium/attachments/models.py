"""The attachments table: a file on a ticket, shown on its timeline as an attachment comment."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from podium.db import Base, IdString, UTCDateTime
from podium.models_base import AccountScoped, IdPk

SOURCES = ("upload", "url")
# awaiting_upload: presigned flow, no file yet; pending: URL flow, not fetched yet;
# stored: the file is in the blob store; failed: it could not be had (`error` says why)
STATUSES = ("awaiting_upload", "pending", "stored", "failed")


class Attachment(IdPk, AccountScoped, Base):
    """`id` is Podium's; `attachment_id` is the client's (the wire's `id`), unique per ticket.

    The file is stored under `blob_key`, built from Podium's id only: nothing the client sends
    becomes part of a path.
    """

    __tablename__ = "attachments"
    __table_args__ = (
        UniqueConstraint("account_id", "ticket_pk", "attachment_id"),
        Index("ix_attachments_ticket_pk_timestamp", "ticket_pk", "timestamp", "id"),
    )

    attachment_id: Mapped[str] = mapped_column(String(255), nullable=False)
    ticket_pk: Mapped[str] = mapped_column(
        IdString(), ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False
    )
    # the attachment comment on the ticket's timeline
    comment_id: Mapped[str] = mapped_column(
        String(320), ForeignKey("comments.id", ondelete="CASCADE"), nullable=False, unique=True
    )
    content_type: Mapped[str] = mapped_column(String(255), nullable=False)
    author_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    public: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    timestamp: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    source: Mapped[str] = mapped_column(String(10), nullable=False)
    url: Mapped[str | None] = mapped_column(Text, nullable=True)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    job_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    blob_key: Mapped[str] = mapped_column(String(1024), nullable=False)
    size_bytes: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    # presigned flow: the upload URL is valid until then
    upload_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    stored_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
