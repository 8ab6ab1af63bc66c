"""Queries for coaching sessions, coaching points and to-dos; every one scoped to an account."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, DateTime, Select, and_, delete, insert, select, type_coerce
from sqlalchemy.ext.asyncio import AsyncSession

from podium import counts
from podium.agents.models import Agent
from podium.auth.models import User
from podium.coaching.models import (
    CoachingPoint,
    CoachingPointSession,
    CoachingSession,
    Todo,
    TodoSession,
)
from podium.coaching.schemas import CoachingFilters
from podium.pagination import PageParams, paginate

M = TypeVar("M", CoachingSession, CoachingPoint, Todo)

# each link table: (the column naming the point or to-do, the column naming the session)
_LINKS: dict[type, tuple[Any, Any]] = {
    CoachingPoint: (CoachingPointSession.point_id, CoachingPointSession.session_id),
    Todo: (TodoSession.todo_id, TodoSession.session_id),
}


def _naive(column: Any) -> Any:
    """A UTC time column read as the database holds it (naive, UTC): the read shapes turn it
    into text with `wire.format_naive_utc`, skipping the aware datetime made on the way."""
    return type_coerce(column, DateTime()).label(column.key)


# What the read endpoints return, as plain columns: lists build no ORM objects. A session's agent
# and coach names come in the same statement (outer joins: a name is never a reason to drop a row).
SESSION_ROWS: Select[Any] = (
    select(
        CoachingSession.id,
        CoachingSession.name,
        _naive(CoachingSession.created_at),
        _naive(CoachingSession.updated_at),
        CoachingSession.agent_id,
        Agent.name.label("agent_name"),
        CoachingSession.coach_id,
        User.name.label("coach_name"),
        CoachingSession.creator_id,
        CoachingSession.agent_notes,
        CoachingSession.coach_notes,
        CoachingSession.coach_private_notes,
        CoachingSession.session_contents,
        CoachingSession.coaching_template_id,
        CoachingSession.meeting_format,
        CoachingSession.agent_confirmed,
        CoachingSession.coach_confirmed,
    )
    .select_from(CoachingSession)
    .outerjoin(
        Agent,
        and_(Agent.id == CoachingSession.agent_pk, Agent.account_id == CoachingSession.account_id),
    )
    .outerjoin(
        User,
        and_(User.id == CoachingSession.coach_id, User.account_id == CoachingSession.account_id),
    )
)
POINT_ROWS: Select[Any] = select(
    CoachingPoint.id,
    _naive(CoachingPoint.created_at),
    _naive(CoachingPoint.updated_at),
    CoachingPoint.agent_id,
    CoachingPoint.creator_id,
    CoachingPoint.criteria_id,
    CoachingPoint.rubric_id,
    CoachingPoint.answer_id,
    CoachingPoint.type,
    CoachingPoint.classification,
    CoachingPoint.coach_notes,
    CoachingPoint.text_content,
)
TO_DO_ROWS: Select[Any] = select(
    Todo.id,
    Todo.title,
    _naive(Todo.created_at),
    _naive(Todo.updated_at),
    Todo.agent_id,
    Todo.creator_id,
    Todo.status,
    Todo.type,
    Todo.description,
    Todo.answer_id,
)
_ROWS: dict[type, Select[Any]] = {
    CoachingSession: SESSION_ROWS,
    CoachingPoint: POINT_ROWS,
    Todo: TO_DO_ROWS,
}


def scoped(model: Any, account_id: str) -> ColumnElement[bool]:
    """The one account-scoping condition every query of this domain starts from."""
    return model.account_id == account_id


def list_conditions(
    model: Any, *, account_id: str, filters: CoachingFilters, agent_pk: str | None
) -> list[ColumnElement[bool]]:
    where = [scoped(model, account_id)]
    if agent_pk is not None:
        where.append(model.agent_pk == agent_pk)
    if filters.creator_id is not None:
        where.append(model.creator_id == filters.creator_id)
    if filters.coach_id is not None:
        where.append(model.coach_id == filters.coach_id)
    if filters.start is not None:
        where.append(model.created_at >= filters.start)
    if filters.end is not None:
        where.append(model.created_at < filters.end)
    return where


async def page_of(
    session: AsyncSession,
    model: type[M],
    *,
    account_id: str,
    filters: CoachingFilters,
    agent_pk: str | None,
    page: PageParams,
) -> tuple[int, list[Any]]:
    """(total matching rows, this page's read rows in id order: see `SESSION_ROWS`)."""
    where = list_conditions(model, account_id=account_id, filters=filters, agent_pk=agent_pk)
    total = None
    if len(where) == 1:  # the whole account: its count is kept, not counted
        total = await counts.total(session, model=model, account_id=account_id)
    return await paginate(
        session, model=model, where=where, page=page, total=total, columns=_ROWS[model]
    )


async def read_row(session: AsyncSession, model: type[M], *, account_id: str, id: str) -> Any:
    """The read row of one item (see `SESSION_ROWS`), None when the account has no such item."""
    stmt = _ROWS[model].where(scoped(model, account_id), model.id == id)
    return (await session.execute(stmt)).one_or_none()


async def get(session: AsyncSession, model: type[M], *, account_id: str, id: str) -> M | None:
    stmt = select(model).where(scoped(model, account_id), model.id == id)
    return (await session.execute(stmt)).scalar_one_or_none()


async def delete_one(session: AsyncSession, model: type[M], *, account_id: str, id: str) -> bool:
    """Deletes a row (its links go with it, by the foreign keys); False when there was none."""
    stmt = delete(model).where(scoped(model, account_id), model.id == id)
    result = await session.execute(stmt)
    if not result.rowcount:  # type: ignore[attr-defined]
        return False
    await counts.bump(session, model=model, account_id=account_id, delta=-1)
    return True


async def add(session: AsyncSession, row: Any) -> None:
    """Inserts a new session, point or to-do and counts it."""
    session.add(row)
    await session.flush()
    await counts.bump(session, model=type(row), account_id=row.account_id, delta=1)


async def session_ids_of(
    session: AsyncSession, model: type[CoachingPoint | Todo], *, ids: Iterable[str]
) -> dict[str, list[str]]:
    """point or to-do id -> the ids of its coaching sessions, in id order; one query."""
    owner, session_col = _LINKS[model]
    wanted = list(ids)
    out: dict[str, list[str]] = {i: [] for i in wanted}
    if not wanted:
        return out
    stmt = select(owner, session_col).where(owner.in_(wanted)).order_by(owner, session_col)
    for owner_id, session_id in (await session.execute(stmt)).all():
        out[owner_id].append(session_id)
    return out


async def set_session_ids(
    session: AsyncSession, model: type[CoachingPoint | Todo], *, id: str, session_ids: Sequence[str]
) -> None:
    """Replaces the coaching sessions a point or to-do belongs to."""
    owner, session_col = _LINKS[model]
    table = owner.table
    await session.execute(delete(table).where(owner == id))
    if session_ids:
        await session.execute(
            insert(table),
            [{owner.key: id, session_col.key: sid} for sid in session_ids],
        )


async def existing_session_ids(
    session: AsyncSession, *, account_id: str, ids: Iterable[str]
) -> set[str]:
    wanted = list(set(ids))
    if not wanted:
        return set()
    stmt = select(CoachingSession.id).where(
        scoped(CoachingSession, account_id), CoachingSession.id.in_(wanted)
    )
    return set((await session.execute(stmt)).scalars().all())


async def agent_names(
    session: AsyncSession, *, account_id: str, agent_pks: Iterable[str]
) -> dict[str, str]:
    pks = list(set(agent_pks))
    if not pks:
        return {}
    stmt = select(Agent.id, Agent.name).where(scoped(Agent, account_id), Agent.id.in_(pks))
    return {pk: name for pk, name in (await session.execute(stmt)).all()}


async def user_names(
    session: AsyncSession, *, account_id: str, user_ids: Iterable[str]
) -> dict[str, str]:
    ids = list(set(user_ids))
    if not ids:
        return {}
    stmt = select(User.id, User.name).where(scoped(User, account_id), User.id.in_(ids))
    return {uid: name for uid, name in (await session.execute(stmt)).all()}
