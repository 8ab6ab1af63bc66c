"""What a task receives besides its keyword arguments."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

    from podium.config import Settings
    from podium.storage import BlobStore


@dataclass(frozen=True, slots=True)
class JobContext:
    """The worker's settings, a sessionmaker for the job's own transactions, the blob store,
    the 1-based attempt number and the job's id."""

    settings: Settings
    sessionmaker: async_sessionmaker[AsyncSession]
    store: BlobStore
    attempt: int
    job_id: str
