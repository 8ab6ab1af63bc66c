"""Queries of the activity log, scoped to an account."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from podium.audit.models import ActivityLog
from podium.pagination import PageParams


async def page_entries(
    session: AsyncSession,
    *,
    account_id: str,
    page: PageParams,
    start: datetime | None = None,
    end: datetime | None = None,
    item_type: str | None = None,
    action_type: str | None = None,
) -> tuple[int, list[ActivityLog]]:
    """(total, a page of entries in (created_at, id) order). The page's ids come from the
    (account_id, created_at, id) index first; only those rows are loaded."""
    where: list[ColumnElement[bool]] = [ActivityLog.account_id == account_id]
    if start is not None:
        where.append(ActivityLog.created_at >= start)
    if end is not None:
        where.append(ActivityLog.created_at < end)
    if item_type is not None:
        where.append(ActivityLog.item_type == item_type)
    if action_type is not None:
        where.append(ActivityLog.action_type == action_type)
    total = (
        await session.execute(select(func.count()).select_from(ActivityLog).where(*where))
    ).scalar_one()
    if page.count == 0 or page.start_index >= total:
        return total, []
    order = (ActivityLog.created_at, ActivityLog.id)
    ids = (
        select(ActivityLog.id)
        .where(*where)
        .order_by(*order)
        .offset(page.start_index)
        .limit(page.count)
        .scalar_subquery()
    )
    rows = (
        await session.execute(select(ActivityLog).where(ActivityLog.id.in_(ids)).order_by(*order))
    ).scalars().all()
    return total, list(rows)
