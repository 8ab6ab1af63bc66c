"""The activity log table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from podium import clock
from podium.db import Base, IdString, UTCDateTime
from podium.models_base import AccountScoped, IdPk


class ActivityLog(IdPk, AccountScoped, Base):
    """One change: who made it, through which token and from where, and what it was.

    The actor columns hold ids without foreign keys: an entry is history and stays as written,
    whatever happens to the user or token later.
    """

    __tablename__ = "activity_log"
    # the list (and the export to come) walks an account's entries by time
    __table_args__ = (
        Index("ix_activity_log_account_id_created_at_id", "account_id", "created_at", "id"),
    )

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, nullable=False)
    actor_user_id: Mapped[str | None] = mapped_column(IdString(), nullable=True)
    actor_token_id: Mapped[str | None] = mapped_column(IdString(), nullable=True)
    # the user's email, "API token pdm_abcd…" for a token of no user, or "cli"
    actor_label: Mapped[str] = mapped_column(String(400), nullable=False)
    item_type: Mapped[str] = mapped_column(String(40), nullable=False)
    action_type: Mapped[str] = mapped_column(String(40), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False)
    ip_address: Mapped[str | None] = mapped_column(String(64), nullable=True)
