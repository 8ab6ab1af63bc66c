"""`defer(session, name, **kwargs)`: queue a job in the caller's transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession


async def defer(session: AsyncSession, name: str, /, **kwargs: Any) -> str:
    """Queue task `name` with JSON keyword arguments; the job commits or rolls back with
    `session`'s transaction. Returns the job's id."""
    from podium.jobs.backends import defer_in_session

    return await defer_in_session(session, name, kwargs)
