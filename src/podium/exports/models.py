"""The exports table: one row per export asked for, whatever its kind."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from podium import ids
from podium.db import Base, IdString, UTCDateTime
from podium.models_base import AccountScoped

KINDS = ("raw", "groups", "audit_log")
STATUSES = ("requested", "in_progress", "complete", "errored")
EXPORT_ID_PREFIX = "id_"
EXPORT_ID_LENGTH = len(EXPORT_ID_PREFIX) + ids.ID_LENGTH


def new_export_id() -> str:
    """`id_` + 17 characters, like the real service's `id_z3A4qrYyYqcC5vMQ9`."""
    return EXPORT_ID_PREFIX + ids.new_id()


class Export(AccountScoped, Base):
    """An export: what was asked for, where it stands, and where its file is once complete.

    `blob_key` is None until the file is stored, and stays None for an export that found
    nothing to export (complete with an empty `dataUrl`).
    """

    __tablename__ = "exports"
    # the extension API lists an account's exports by id
    __table_args__ = (Index("ix_exports_account_id_id", "account_id", "id"),)

    id: Mapped[str] = mapped_column(
        IdString(EXPORT_ID_LENGTH), primary_key=True, default=new_export_id
    )
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="requested")
    # the window (raw: grades last updated in it; audit log: entries made in it); None for groups
    start_date: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    end_date: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # the other parameters, as resolved (defaults filled in): singleFileExport,
    # includeCalibrations, includeGraderQA, includeDeleted, includeUnavailable
    options: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    # who asked (the activity log's label: a user's email, "API token pdm_…", "cli")
    requested_by: Mapped[str] = mapped_column(String(400), nullable=False, default="")
    job_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # the stored file: key in the blob store, and the name and type a download gets
    blob_key: Mapped[str | None] = mapped_column(String(1024), nullable=True)
    filename: Mapped[str | None] = mapped_column(String(255), nullable=True)
    content_type: Mapped[str | None] = mapped_column(String(100), nullable=True)
    size_bytes: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    # data rows written per CSV file (headers not counted)
    row_counts: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
