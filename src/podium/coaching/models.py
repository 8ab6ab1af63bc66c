"""Coaching sessions, coaching points and to-dos.

Lists are ordered by id (as the reference's examples are); each filter has an index that ends in
`id`, so a page is read from the index and deep pages never scan full rows.
"""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from podium.db import Base, IdString
from podium.models_base import AccountScoped, IdPk, Timestamps

MEETING_FORMATS = ("inPerson", "virtual", "async")
POINT_TYPES = ("strengths", "opportunities", "n/a")
POINT_CLASSIFICATIONS = ("general", "qa", "csat", "productivity")
TODO_STATUSES = ("incomplete", "complete")


def _list_indexes(table: str, *filters: str) -> tuple[Index, ...]:
    out = [Index(f"ix_{table}_account_id_id", "account_id", "id")]
    for col in filters:
        out.append(Index(f"ix_{table}_account_id_{col}_id", "account_id", col, "id"))
    return tuple(out)


class CoachingSession(IdPk, AccountScoped, Timestamps, Base):
    __tablename__ = "coaching_sessions"
    __table_args__ = _list_indexes(
        "coaching_sessions", "agent_pk", "creator_id", "coach_id", "created_at"
    )

    name: Mapped[str] = mapped_column(String(500), nullable=False)
    agent_pk: Mapped[str] = mapped_column(
        IdString(), ForeignKey("agents.id", ondelete="CASCADE"), nullable=False
    )
    # the helpdesk agent id the session was made for (`agentId` on the wire)
    agent_id: Mapped[str] = mapped_column(String(200), nullable=False)
    coach_id: Mapped[str] = mapped_column(IdString(), ForeignKey("users.id"), nullable=False)
    creator_id: Mapped[str] = mapped_column(IdString(), ForeignKey("users.id"), nullable=False)
    agent_notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    coach_notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    coach_private_notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    session_contents: Mapped[str] = mapped_column(Text, nullable=False, default="")
    coaching_template_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    meeting_format: Mapped[str] = mapped_column(String(20), nullable=False, default="inPerson")
    agent_confirmed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    coach_confirmed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


class CoachingPoint(IdPk, AccountScoped, Timestamps, Base):
    __tablename__ = "coaching_points"
    __table_args__ = _list_indexes("coaching_points", "agent_pk", "creator_id", "created_at")

    agent_pk: Mapped[str] = mapped_column(
        IdString(), ForeignKey("agents.id", ondelete="CASCADE"), nullable=False
    )
    agent_id: Mapped[str] = mapped_column(String(200), nullable=False)
    creator_id: Mapped[str] = mapped_column(IdString(), ForeignKey("users.id"), nullable=False)
    criteria_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    rubric_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    answer_id: Mapped[str | None] = mapped_column(String(300), nullable=True)
    type: Mapped[str] = mapped_column(String(20), nullable=False, default="n/a")
    classification: Mapped[str] = mapped_column(String(20), nullable=False, default="general")
    coach_notes: Mapped[str | None] = mapped_column(Text, nullable=True)
    text_content: Mapped[str] = mapped_column(Text, nullable=False, default="")


class CoachingPointSession(Base):
    __tablename__ = "coaching_point_sessions"
    __table_args__ = (Index("ix_coaching_point_sessions_session_id", "session_id"),)

    point_id: Mapped[str] = mapped_column(
        IdString(), ForeignKey("coaching_points.id", ondelete="CASCADE"), primary_key=True
    )
    session_id: Mapped[str] = mapped_column(
        IdString(), ForeignKey("coaching_sessions.id", ondelete="CASCADE"), primary_key=True
    )


class Todo(IdPk, AccountScoped, Timestamps, Base):
    __tablename__ = "todos"
    __table_args__ = _list_indexes("todos", "agent_pk", "creator_id", "created_at")

    title: Mapped[str] = mapped_column(String(500), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    agent_pk: Mapped[str] = mapped_column(
        IdString(), ForeignKey("agents.id", ondelete="CASCADE"), nullable=False
    )
    agent_id: Mapped[str] = mapped_column(String(200), nullable=False)
    creator_id: Mapped[str] = mapped_column(IdString(), ForeignKey("users.id"), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="incomplete")
    type: Mapped[str] = mapped_column(String(50), nullable=False, default="general")
    answer_id: Mapped[str | None] = mapped_column(String(300), nullable=True)


class TodoSession(Base):
    __tablename__ = "todo_sessions"
    __table_args__ = (Index("ix_todo_sessions_session_id", "session_id"),)

    todo_id: Mapped[str] = mapped_column(
        IdString(), ForeignKey("todos.id", ondelete="CASCADE"), primary_key=True
    )
    session_id: Mapped[str] = mapped_column(
        IdString(), ForeignKey("coaching_sessions.id", ondelete="CASCADE"), primary_key=True
    )
