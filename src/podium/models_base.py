"""Columns every table shares."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
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


class Timestamps:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=clock.now, onupdate=clock.now, nullable=False
    )
