"""Row counts per account for the big lists, kept in the same transaction as every change.

`totalResults` of an unfiltered list (every coaching session of an account) would otherwise be a
`count(*)` over up to millions of index entries on every page request. Writers bump the count in
their transaction; readers of an unfiltered list read one row. A missing count row is never
guessed: the first bump creates it from a real `count(*)`, which already sees the change being
made, and readers fall back to `count(*)` until it exists.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, ForeignKey, String, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from podium.db import Base, IdString


class ListCount(Base):
    __tablename__ = "list_counts"

    account_id: Mapped[str] = mapped_column(
        IdString(24), ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    n: Mapped[int] = mapped_column(BigInteger, nullable=False)


def _insert(session: AsyncSession) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def _real_count(model: Any, account_id: str) -> Any:
    return (
        select(func.count()).select_from(model).where(model.account_id == account_id)
    ).scalar_subquery()


async def bump(session: AsyncSession, *, model: Any, account_id: str, delta: int) -> None:
    """Record that `delta` rows of `model` were added (or removed) in this transaction.

    Call it after the change has been flushed.
    """
    insert = _insert(session)
    stmt = insert(ListCount).values(
        account_id=account_id, kind=model.__tablename__, n=_real_count(model, account_id)
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=[ListCount.account_id, ListCount.kind],
        set_={"n": ListCount.n + delta},
    )
    await session.execute(stmt)


async def recount(session: AsyncSession, *, model: Any, account_id: str) -> int:
    """Set the count from the rows themselves (after bulk loads that bypass `bump`)."""
    insert = _insert(session)
    stmt = insert(ListCount).values(
        account_id=account_id, kind=model.__tablename__, n=_real_count(model, account_id)
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=[ListCount.account_id, ListCount.kind], set_={"n": stmt.excluded.n}
    )
    await session.execute(stmt)
    return await total(session, model=model, account_id=account_id)


# built once: every unfiltered list request reads it
_KEPT = select(ListCount.n).where(
    ListCount.account_id == bindparam("account_id"), ListCount.kind == bindparam("kind")
)


async def total(session: AsyncSession, *, model: Any, account_id: str) -> int:
    """The number of `model` rows of the account."""
    params = {"account_id": account_id, "kind": model.__tablename__}
    n = (await session.execute(_KEPT, params)).scalar_one_or_none()
    if n is None:
        n = (await session.execute(select(_real_count(model, account_id)))).scalar_one()
    return int(n)
