"""The embedded backend's queue table (PostgreSQL deployments use procrastinate's tables)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from podium import clock
from podium.db import Base, IdString, UTCDateTime
from podium.ids import new_id

# status: queued -> running -> succeeded | failed (running -> queued again for a retry)
QUEUED = "queued"
RUNNING = "running"
SUCCEEDED = "succeeded"
FAILED = "failed"


class Job(Base):
    """One run of a task: its JSON keyword arguments, where it stands, and who holds it.

    A job is the queue's, not an account's: the rows it works on carry the account (an export's
    job holds the export's id). `lease_expires_at` is renewed while a worker runs the job; a job
    whose lease ran out belongs to a worker that stopped, and is handed to another.
    """

    __tablename__ = "jobs"
    __table_args__ = (
        # the claim: the oldest due job of a status
        Index("ix_jobs_status_scheduled_at_id", "status", "scheduled_at", "id"),
        Index("ix_jobs_status_lease_expires_at", "status", "lease_expires_at"),
    )

    id: Mapped[str] = mapped_column(IdString(), primary_key=True, default=new_id)
    task_name: Mapped[str] = mapped_column(String(128), nullable=False)
    args: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default=QUEUED)
    # attempts started so far (the running one included)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    scheduled_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=clock.now)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    worker: Mapped[str | None] = mapped_column(String(200), nullable=True)
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
