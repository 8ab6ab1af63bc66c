"""Queries for attachments; every one scoped to an account."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from podium.attachments.models import Attachment
from podium.pagination import PageParams


def scoped(account_id: str) -> ColumnElement[bool]:
    """The one account-scoping condition every query of this domain starts from."""
    return Attachment.account_id == account_id


async def get(
    session: AsyncSession, *, account_id: str, pk: str, lock: bool = False
) -> Attachment | None:
    """By Podium's id; `lock` holds the row until the transaction ends (PostgreSQL)."""
    stmt = select(Attachment).where(scoped(account_id), Attachment.id == pk)
    if lock:
        stmt = stmt.with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


async def get_on_ticket(
    session: AsyncSession, *, account_id: str, ticket_pk: str, attachment_id: str
) -> Attachment | None:
    """By the client's id, on one ticket."""
    stmt = select(Attachment).where(
        scoped(account_id),
        Attachment.ticket_pk == ticket_pk,
        Attachment.attachment_id == attachment_id,
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def page_on_ticket(
    session: AsyncSession, *, account_id: str, ticket_pk: str, page: PageParams
) -> tuple[int, list[Attachment]]:
    """A page of the ticket's attachments in timeline order (timestamp, then id)."""
    where = [scoped(account_id), Attachment.ticket_pk == ticket_pk]
    total = (
        await session.execute(select(func.count()).select_from(Attachment).where(*where))
    ).scalar_one()
    if page.count == 0 or page.start_index >= total:
        return total, []
    stmt = (
        select(Attachment)
        .where(*where)
        .order_by(Attachment.timestamp, Attachment.id)
        .offset(page.start_index)
        .limit(page.count)
    )
    return total, list((await session.execute(stmt)).scalars().all())


async def by_comment_ids(
    session: AsyncSession, *, account_id: str, comment_ids: Iterable[str]
) -> dict[str, Attachment]:
    """comment id -> its attachment, for the ids that are attachment comments."""
    wanted = list(set(comment_ids))
    if not wanted:
        return {}
    stmt = select(Attachment).where(scoped(account_id), Attachment.comment_id.in_(wanted))
    return {a.comment_id: a for a in (await session.execute(stmt)).scalars().all()}


async def blob_keys_on_ticket(
    session: AsyncSession, *, account_id: str, ticket_pk: str
) -> list[str]:
    stmt = select(Attachment.blob_key).where(scoped(account_id), Attachment.ticket_pk == ticket_pk)
    return list((await session.execute(stmt)).scalars().all())


async def set_values(
    session: AsyncSession, *, account_id: str, pk: str, values: dict[str, Any]
) -> None:
    await session.execute(
        update(Attachment).where(scoped(account_id), Attachment.id == pk).values(**values)
    )
