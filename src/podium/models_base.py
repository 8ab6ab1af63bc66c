"""Columns every table shares."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from podium import clock, ids
from podium.db import IdString, UTCDateTime


class IdPk:
    id: Mapped[str] = mapped_column(IdString(), primary_key=True, default=ids.new_id)


class AccountScoped:
    """Every row belongs to an account."""

    @declared_attr
    def account_id(cls) -> Mapped[str]:
        return mapped_column(
            IdString(24), ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False
        )


def _same_as_created(context: DefaultExecutionContext) -> datetime:
    """A new row's `updated_at` equals its `created_at` (one clock reading, not two)."""
    created = context.get_current_parameters().get("created_at")
    return created if created is not None else clock.now()


class Timestamps:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=_same_as_created, onupdate=clock.now, nullable=False
    )
