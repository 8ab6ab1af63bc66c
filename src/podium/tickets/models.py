"""Tickets, the agents on them, custom ticket attributes, and comments."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from podium import clock
from podium.db import Base, IdString, UTCDateTime
from podium.models_base import AccountScoped, IdPk, Timestamps

ATTRIBUTE_TYPES = ("string", "number", "boolean", "date")
TICKET_SOURCES = ("api", "integration")


class Ticket(IdPk, AccountScoped, Timestamps, Base):
    """`id` is Podium's document id (`_id`); `ticket_id` is the helpdesk's id (unique)."""

    __tablename__ = "tickets"
    __table_args__ = (UniqueConstraint("account_id", "ticket_id"),)

    ticket_id: Mapped[str] = mapped_column(String(255), nullable=False)
    type: Mapped[str] = mapped_column(String(255), nullable=False)
    subject: Mapped[str] = mapped_column(Text, nullable=False)
    link: Mapped[str] = mapped_column(Text, nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    tags: Mapped[str | None] = mapped_column(Text, nullable=True)
    status: Mapped[str | None] = mapped_column(String(255), nullable=True)
    csat_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    # "integration": synced from a helpdesk; the API may not update or delete it
    source: Mapped[str] = mapped_column(String(20), nullable=False, default="api")


class TicketAgent(AccountScoped, Base):
    """An agent on a ticket, by the id (or the email resolved to an id) the client gave."""

    __tablename__ = "ticket_agents"
    __table_args__ = (Index("ix_ticket_agents_agent_pk", "agent_pk"),)

    ticket_pk: Mapped[str] = mapped_column(
        IdString(), ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    agent_pk: Mapped[str] = mapped_column(
        IdString(), ForeignKey("agents.id", ondelete="CASCADE"), nullable=False
    )
    agent_id: Mapped[str] = mapped_column(String(200), nullable=False)


class TicketAttribute(IdPk, AccountScoped, Timestamps, Base):
    """A custom ticket attribute definition: `key` and the type its values must have."""

    __tablename__ = "ticket_attributes"
    __table_args__ = (UniqueConstraint("account_id", "key"),)

    key: Mapped[str] = mapped_column(String(200), nullable=False)
    label: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    value_type: Mapped[str] = mapped_column(String(20), nullable=False)


class Comment(AccountScoped, Base):
    """A comment (dialogue) on a ticket. Attachments will appear here as `kind="attachment"`."""

    __tablename__ = "comments"
    __table_args__ = (Index("ix_comments_ticket_pk_time", "ticket_pk", "time"),)

    id: Mapped[str] = mapped_column(String(320), primary_key=True)
    ticket_pk: Mapped[str] = mapped_column(
        IdString(), ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False
    )
    body: Mapped[str] = mapped_column(Text, nullable=False)
    author_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    role: Mapped[str | None] = mapped_column(String(20), nullable=True)
    channel: Mapped[str | None] = mapped_column(String(255), nullable=True)
    public: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    time: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False, default="comment")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, nullable=False)
