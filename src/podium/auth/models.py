"""Accounts, users and API tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from podium import clock, ids
from podium.db import Base, IdString, UTCDateTime
from podium.models_base import AccountScoped, IdPk, Timestamps

ROLES = ("admin", "limitedAdmin", "manager", "grader", "agent", "limited_agent")


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[str] = mapped_column(IdString(24), primary_key=True, default=ids.new_account_id)
    name: Mapped[str] = mapped_column(String(200), unique=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, nullable=False)


class User(IdPk, AccountScoped, Timestamps, Base):
    """A login of the account: admins, managers, graders, coaches. Not an agent (see agents)."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("account_id", "email"),)

    email: Mapped[str] = mapped_column(String(320), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    role: Mapped[str] = mapped_column(String(20), nullable=False, default="grader")
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)


class ApiToken(IdPk, AccountScoped, Base):
    """Only an HMAC-SHA256 of the token is stored; the token itself is shown once."""

    __tablename__ = "api_tokens"
    __table_args__ = (Index("ix_api_tokens_account_id_created_at", "account_id", "created_at"),)

    name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    # the first characters of the token, to recognise it in lists ("pdm_3kQ9…")
    hint: Mapped[str] = mapped_column(String(16), nullable=False)
    user_id: Mapped[str | None] = mapped_column(
        IdString(), ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, nullable=False)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
