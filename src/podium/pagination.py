"""One pagination helper for every list endpoint.

Pages are ordered by id. The page's ids are found first (from an index that ends in `id`), then
only those rows are loaded: a deep `startIndex` walks index entries, never full rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from podium.errors import Invalid


class PageParams:
    def __init__(self, count: int, start_index: int):
        self.count = count
        self.start_index = start_index


async def page_params(
    request: Request,
    count: Annotated[
        int | None,
        Query(description="The number of results to return (default 100, at most 1000)"),
    ] = None,
    startIndex: Annotated[
        int | None, Query(description="Offset to start pagination search results (default 0)")
    ] = None,
) -> PageParams:
    settings = request.app.state.settings
    errors = []
    if count is not None and count < 0:
        errors.append(("count", "must be 0 or more"))
    if startIndex is not None and startIndex < 0:
        errors.append(("startIndex", "must be 0 or more"))
    if errors:
        raise Invalid.params(errors)
    effective = settings.page_default_count if count is None else count
    return PageParams(min(effective, settings.page_max_count), startIndex or 0)


PageDep = Annotated[PageParams, Depends(page_params)]


async def paginate(
    session: AsyncSession,
    *,
    model: Any,
    where: Sequence[ColumnElement[bool]],
    page: PageParams,
    total: int | None = None,
    columns: Select[Any] | None = None,
) -> tuple[int, list[Any]]:
    """Returns (total matching rows, the rows of this page in id order).

    Pass `total` when it is known without counting (see podium.counts). The rows are `model`
    objects, or with `columns` (a select of plain columns from `model`, joins allowed) result
    rows of those columns: no ORM objects are built for them, which is what a list endpoint
    serving hundreds of rows per request wants.
    """
    if total is None:
        total = (
            await session.execute(select(func.count()).select_from(model).where(*where))
        ).scalar_one()
    if page.count == 0 or page.start_index >= total:
        return total, []
    end = min(page.start_index + page.count, total)
    if total - end < page.start_index:
        # a page nearer the end is found walking the index backwards: the last page of a
        # million rows costs what the first does
        ids = (
            select(model.id)
            .where(*where)
            .order_by(model.id.desc())
            .offset(total - end)
            .limit(end - page.start_index)
        )
    else:
        ids = (
            select(model.id)
            .where(*where)
            .order_by(model.id)
            .offset(page.start_index)
            .limit(page.count)
        )
    stmt = (select(model) if columns is None else columns).where(model.id.in_(ids))
    result = await session.execute(stmt.order_by(model.id))
    return total, list(result.scalars().all() if columns is None else result.all())
