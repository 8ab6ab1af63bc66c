"""Agents (the people who are graded), their helpdesk ids, and agent groups."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from podium import clock
from podium.db import Base, IdString, UTCDateTime
from podium.models_base import AccountScoped, IdPk, Timestamps


class Agent(IdPk, AccountScoped, Timestamps, Base):
    """An agent profile. `id` is the document id (`_id` on the wire)."""

    __tablename__ = "agents"
    __table_args__ = (UniqueConstraint("account_id", "email"),)

    name: Mapped[str] = mapped_column(String(200), nullable=False)
    email: Mapped[str] = mapped_column(String(320), nullable=False)
    available: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)


class AgentHelpdeskId(AccountScoped, Base):
    """An `agentId`: one agent may hold several (one per helpdesk); each is unique per account."""

    __tablename__ = "agent_helpdesk_ids"
    __table_args__ = (
        UniqueConstraint("account_id", "helpdesk_id"),
        Index("ix_agent_helpdesk_ids_agent_pk_position", "agent_pk", "position"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    agent_pk: Mapped[str] = mapped_column(
        IdString(), ForeignKey("agents.id", ondelete="CASCADE"), nullable=False
    )
    helpdesk_id: Mapped[str] = mapped_column(String(200), nullable=False)
    # 0 is the id the agent was created with; it is the one `agentId` shows
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, nullable=False)


class AgentGroup(IdPk, AccountScoped, Timestamps, Base):
    __tablename__ = "agent_groups"
    __table_args__ = (UniqueConstraint("account_id", "name"),)

    name: Mapped[str] = mapped_column(String(200), nullable=False)


class AgentGroupMember(AccountScoped, Base):
    __tablename__ = "agent_group_members"
    __table_args__ = (Index("ix_agent_group_members_agent_pk", "agent_pk"),)

    group_id: Mapped[str] = mapped_column(
        IdString(), ForeignKey("agent_groups.id", ondelete="CASCADE"), primary_key=True
    )
    agent_pk: Mapped[str] = mapped_column(
        IdString(), ForeignKey("agents.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, nullable=False)
