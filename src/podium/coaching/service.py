"""Coaching sessions, coaching points and to-dos: the rules.

`agentId` is a helpdesk agent id. It is resolved to the agent it belongs to, so a filter on any of
an agent's helpdesk ids finds everything made for that agent; the item keeps (and shows) the id it
was made with. `coachId` and `creatorId` are user ids of the account.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from podium import clock
from podium.agents import repository as agents_repository
from podium.agents.models import Agent
from podium.audit import service as audit
from podium.auth.service import Principal
from podium.coaching import repository
from podium.coaching.models import CoachingPoint, CoachingSession, Todo
from podium.coaching.schemas import (
    CoachingFilters,
    CoachingPointCreate,
    CoachingPointUpdate,
    CoachingSessionCreate,
    CoachingSessionUpdate,
    Deleted,
    TodoCreate,
    TodoUpdate,
)
from podium.errors import Invalid, NotFound
from podium.pagination import PageParams
from podium.wire import format_naive_utc

_NOUNS = {CoachingSession: "coaching session", CoachingPoint: "coaching point", Todo: "to-do"}
_ITEM_TYPES = {
    CoachingSession: audit.COACHING_SESSIONS,
    CoachingPoint: audit.COACHING_POINTS,
    Todo: audit.TODOS,
}

# wire name -> column, for the fields an update copies as they are
_SESSION_FIELDS = {
    "name": "name",
    "agentNotes": "agent_notes",
    "coachNotes": "coach_notes",
    "coachPrivateNotes": "coach_private_notes",
    "sessionContents": "session_contents",
    "coachingTemplateId": "coaching_template_id",
    "meetingFormat": "meeting_format",
    "agentConfirmed": "agent_confirmed",
    "coachConfirmed": "coach_confirmed",
}
_POINT_FIELDS = {
    "type": "type",
    "classification": "classification",
    "coachNotes": "coach_notes",
    "textContent": "text_content",
    "criteriaId": "criteria_id",
    "rubricId": "rubric_id",
    "answerId": "answer_id",
}
_TODO_FIELDS = {
    "title": "title",
    "description": "description",
    "status": "status",
    "type": "type",
    "answerId": "answer_id",
}
# the only fields an update may set to null
_NULLABLE = {"coachingTemplateId", "criteriaId", "rubricId", "answerId", "coachNotes"}


# -- reading -------------------------------------------------------------------------------------


# The read shapes are built as plain dicts, already in wire form (dates as text): a page of a
# hundred items is encoded straight to JSON, not validated again on the way out. The response
# models in schemas.py document the same shapes, and the API tests check them against the spec.


def _session_read(r: Any) -> dict[str, Any]:
    # unpacked by position (the order of repository.SESSION_ROWS): a hundred rows a page
    (
        id_, name, created_at, updated_at, agent_id, agent_name, coach_id, coach_name,
        creator_id, agent_notes, coach_notes, coach_private_notes, session_contents,
        coaching_template_id, meeting_format, agent_confirmed, coach_confirmed,
    ) = r  # fmt: skip
    return {
        "id": id_,
        "name": name,
        "createdAt": format_naive_utc(created_at),
        "updatedAt": format_naive_utc(updated_at),
        "agentId": agent_id,
        "agentName": agent_name or "",
        "coachId": coach_id,
        "coachName": coach_name or "",
        "creatorId": creator_id,
        "agentNotes": agent_notes,
        "coachNotes": coach_notes,
        "coachPrivateNotes": coach_private_notes,
        "sessionContents": session_contents,
        "coachingTemplateId": coaching_template_id,
        "meetingFormat": meeting_format,
        "agentConfirmed": agent_confirmed,
        "coachConfirmed": coach_confirmed,
    }


def _point_read(r: Any, session_ids: list[str]) -> dict[str, Any]:
    return {
        "id": r.id,
        "createdAt": format_naive_utc(r.created_at),
        "updatedAt": format_naive_utc(r.updated_at),
        "agentId": r.agent_id,
        "creatorId": r.creator_id,
        "criteriaId": r.criteria_id,
        "rubricId": r.rubric_id,
        "answerId": r.answer_id,
        "type": r.type,
        "classification": r.classification,
        "coachNotes": r.coach_notes,
        "coachingSessionIds": session_ids,
        "textContent": r.text_content,
    }


def _todo_read(r: Any, session_ids: list[str]) -> dict[str, Any]:
    return {
        "id": r.id,
        "title": r.title,
        "createdAt": format_naive_utc(r.created_at),
        "updatedAt": format_naive_utc(r.updated_at),
        "agentId": r.agent_id,
        "creatorId": r.creator_id,
        "status": r.status,
        "type": r.type,
        "coachingSessionIds": session_ids,
        "description": r.description,
        "answerId": r.answer_id,
    }


async def _reads(session: AsyncSession, *, model: Any, rows: Sequence[Any]) -> list[dict[str, Any]]:
    """The read shapes of read rows (`repository.SESSION_ROWS` and the like); points and to-dos
    take their sessions' ids in one more query for all of them."""
    if not rows:
        return []
    if model is CoachingSession:
        return [_session_read(r) for r in rows]
    links = await repository.session_ids_of(session, model, ids=(r.id for r in rows))
    build = _point_read if model is CoachingPoint else _todo_read
    return [build(r, links[r.id]) for r in rows]


def _page(start_index: int, total: int, items: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "startIndex": start_index,
        "totalResults": total,
        "itemsPerPage": len(items),
        "Resources": items,
    }


async def _list(
    session: AsyncSession, *, model: Any, account_id: str, filters: CoachingFilters,
    page: PageParams,
) -> dict[str, Any]:
    agent_pk = None
    if filters.agent_id is not None:
        agent = await agents_repository.get_by_helpdesk_id(
            session, account_id=account_id, helpdesk_id=filters.agent_id
        )
        if agent is None:
            # an agentId nobody has matches nothing; it is not an error
            return _page(page.start_index, 0, [])
        agent_pk = agent.id
    total, rows = await repository.page_of(
        session, model, account_id=account_id, filters=filters, agent_pk=agent_pk, page=page
    )
    items = await _reads(session, model=model, rows=rows)
    return _page(page.start_index, total, items)


def _not_found(model: Any, id: str) -> NotFound:
    return NotFound(f"no {_NOUNS[model]} {id!r} in this account")


def _plausible_id(id: str) -> bool:
    # ids are 17 characters; anything longer names nothing
    return len(id) <= 17


async def _get_row(session: AsyncSession, *, model: Any, account_id: str, id: str) -> Any:
    row = None
    if _plausible_id(id):
        row = await repository.get(session, model, account_id=account_id, id=id)
    if row is None:
        raise _not_found(model, id)
    return row


async def _read_one(session: AsyncSession, *, account_id: str, row: Any) -> dict[str, Any]:
    """The read shape of an item just written (flushed first: the read is a new query)."""
    await session.flush()
    return await _get(session, model=type(row), account_id=account_id, id=row.id)


async def _get(session: AsyncSession, *, model: Any, account_id: str, id: str) -> dict[str, Any]:
    found = None
    if _plausible_id(id):
        found = await repository.read_row(session, model, account_id=account_id, id=id)
    if found is None:
        raise _not_found(model, id)
    return (await _reads(session, model=model, rows=[found]))[0]


async def list_coaching_sessions(
    session: AsyncSession, *, account_id: str, filters: CoachingFilters, page: PageParams
) -> dict[str, Any]:
    """A page of coaching sessions matching the filters, in id order."""
    return await _list(
        session, model=CoachingSession, account_id=account_id, filters=filters, page=page
    )


async def get_coaching_session(
    session: AsyncSession, *, account_id: str, id: str
) -> dict[str, Any]:
    """One coaching session; 404 when the account has no such session."""
    return await _get(session, model=CoachingSession, account_id=account_id, id=id)


async def list_coaching_points(
    session: AsyncSession, *, account_id: str, filters: CoachingFilters, page: PageParams
) -> dict[str, Any]:
    """A page of coaching points matching the filters, in id order."""
    return await _list(
        session, model=CoachingPoint, account_id=account_id, filters=filters, page=page
    )


async def get_coaching_point(
    session: AsyncSession, *, account_id: str, id: str
) -> dict[str, Any]:
    """One coaching point; 404 when the account has no such point."""
    return await _get(session, model=CoachingPoint, account_id=account_id, id=id)


async def list_todos(
    session: AsyncSession, *, account_id: str, filters: CoachingFilters, page: PageParams
) -> dict[str, Any]:
    """A page of to-dos matching the filters, in id order."""
    return await _list(session, model=Todo, account_id=account_id, filters=filters, page=page)


async def get_todo(session: AsyncSession, *, account_id: str, id: str) -> dict[str, Any]:
    """One to-do; 404 when the account has no such to-do."""
    return await _get(session, model=Todo, account_id=account_id, id=id)


# -- validation shared by writes -----------------------------------------------------------------


async def _agent(session: AsyncSession, *, account_id: str, agent_id: str) -> Agent:
    agent = await agents_repository.get_by_helpdesk_id(
        session, account_id=account_id, helpdesk_id=agent_id
    )
    if agent is None:
        raise Invalid.param("agentId", f"no agent with agentId {agent_id!r} in this account")
    return agent


async def _check_users(session: AsyncSession, *, account_id: str, users: dict[str, str]) -> None:
    """`users` maps a parameter name to a user id; 422 naming each one that is not a user."""
    found = await repository.user_names(session, account_id=account_id, user_ids=users.values())
    missing = [
        (param, f"no user {uid!r} in this account")
        for param, uid in users.items()
        if uid not in found
    ]
    if missing:
        raise Invalid.params(missing)


async def _check_sessions(session: AsyncSession, *, account_id: str, ids: list[str]) -> list[str]:
    """The ids, deduplicated in order; 422 naming those that are not sessions of the account."""
    ids = list(dict.fromkeys(ids))
    found = await repository.existing_session_ids(session, account_id=account_id, ids=ids)
    missing = [i for i in ids if i not in found]
    if missing:
        names = ", ".join(map(repr, missing))
        raise Invalid.param("coachingSessionIds", f"no coaching session {names} in this account")
    return ids


def _creator(principal: Principal, given: str | None, fallback: str | None = None) -> str:
    creator = given or principal.user_id or fallback
    if creator is None:
        raise Invalid.param("creatorId", "is required")
    return creator


def _reject_nulls(body: BaseModel) -> None:
    nulls = [
        (f, "must not be null")
        for f in sorted(body.model_fields_set)
        if getattr(body, f) is None and f not in _NULLABLE
    ]
    if nulls:
        raise Invalid.params(nulls)


def _copy(row: Any, body: BaseModel, fields: dict[str, str]) -> None:
    for wire, column in fields.items():
        if wire in body.model_fields_set:
            setattr(row, column, getattr(body, wire))


def _describe(row: Any) -> str:
    """`coaching session "Weekly 1:1" (id)`, `to-do "Read the guide" (id)`, `coaching point id`."""
    title = getattr(row, "name", None) or getattr(row, "title", None)
    noun = _NOUNS[type(row)]
    return f'{noun} "{title}" ({row.id})' if title else f"{noun} {row.id}"


def _record(
    session: AsyncSession, *, principal: Principal, model: Any, action_type: str, what: str
) -> None:
    audit.record(
        session,
        actor=principal.actor,
        item_type=_ITEM_TYPES[model],
        action_type=action_type,
        description=what,
    )


# -- coaching sessions ---------------------------------------------------------------------------


async def create_coaching_session(
    session: AsyncSession, *, principal: Principal, data: CoachingSessionCreate
) -> dict[str, Any]:
    """Creates a coaching session for an agent with a coach."""
    account_id = principal.account_id
    agent = await _agent(session, account_id=account_id, agent_id=data.agentId)
    creator = _creator(principal, data.creatorId, data.coachId)
    users = {"coachId": data.coachId}
    if data.creatorId is not None or creator != data.coachId:
        users["creatorId"] = creator
    await _check_users(session, account_id=account_id, users=users)
    row = CoachingSession(
        account_id=account_id,
        agent_pk=agent.id,
        agent_id=data.agentId,
        coach_id=data.coachId,
        creator_id=creator,
    )
    _copy(row, data, _SESSION_FIELDS)
    await repository.add(session, row)
    _record(
        session,
        principal=principal,
        model=CoachingSession,
        action_type=audit.ADD,
        what=f"Created {_describe(row)} for agent {row.agent_id}",
    )
    return await _read_one(session, account_id=account_id, row=row)


async def update_coaching_session(
    session: AsyncSession, *, principal: Principal, id: str, data: CoachingSessionUpdate
) -> dict[str, Any]:
    """Changes the fields the body sends; updatedAt moves to now."""
    account_id = principal.account_id
    row = await _get_row(session, model=CoachingSession, account_id=account_id, id=id)
    _reject_nulls(data)
    if data.agentId is not None:
        agent = await _agent(session, account_id=account_id, agent_id=data.agentId)
        row.agent_pk, row.agent_id = agent.id, data.agentId
    users = {p: getattr(data, p) for p in ("coachId", "creatorId") if getattr(data, p)}
    if users:
        await _check_users(session, account_id=account_id, users=users)
        row.coach_id = data.coachId or row.coach_id
        row.creator_id = data.creatorId or row.creator_id
    _copy(row, data, _SESSION_FIELDS)
    row.updated_at = clock.now()
    await session.flush()
    _record_update(session, principal=principal, row=row, data=data)
    return await _read_one(session, account_id=account_id, row=row)


def _record_update(session: AsyncSession, *, principal: Principal, row: Any, data: Any) -> None:
    fields = ", ".join(sorted(data.model_fields_set)) or "nothing"
    _record(
        session,
        principal=principal,
        model=type(row),
        action_type=audit.UPDATE,
        what=f"Updated {_describe(row)}: {fields}",
    )


async def delete_coaching_session(
    session: AsyncSession, *, principal: Principal, id: str
) -> Deleted:
    """Deletes a coaching session; points and to-dos stay, without it in coachingSessionIds."""
    return await _delete(session, model=CoachingSession, principal=principal, id=id)


async def _delete(session: AsyncSession, *, model: Any, principal: Principal, id: str) -> Deleted:
    if not (
        _plausible_id(id)
        and await repository.delete_one(session, model, account_id=principal.account_id, id=id)
    ):
        raise _not_found(model, id)
    _record(
        session,
        principal=principal,
        model=model,
        action_type=audit.DELETE,
        what=f"Deleted {_NOUNS[model]} {id}",
    )
    return Deleted(id=id)


# -- coaching points and to-dos ------------------------------------------------------------------


async def _create_linked(
    session: AsyncSession, *, model: Any, principal: Principal, data: Any, fields: dict[str, str]
) -> Any:
    account_id = principal.account_id
    agent = await _agent(session, account_id=account_id, agent_id=data.agentId)
    creator = _creator(principal, data.creatorId)
    await _check_users(session, account_id=account_id, users={"creatorId": creator})
    session_ids = await _check_sessions(
        session, account_id=account_id, ids=data.coachingSessionIds
    )
    row = model(account_id=account_id, agent_pk=agent.id, agent_id=data.agentId,
                creator_id=creator)
    _copy(row, data, fields)
    await repository.add(session, row)
    await repository.set_session_ids(session, model, id=row.id, session_ids=session_ids)
    _record(
        session,
        principal=principal,
        model=model,
        action_type=audit.ADD,
        what=f"Created {_describe(row)} for agent {row.agent_id}",
    )
    return await _read_one(session, account_id=account_id, row=row)


async def _update_linked(
    session: AsyncSession, *, model: Any, principal: Principal, id: str, data: Any,
    fields: dict[str, str],
) -> Any:
    account_id = principal.account_id
    row = await _get_row(session, model=model, account_id=account_id, id=id)
    _reject_nulls(data)
    if data.agentId is not None:
        agent = await _agent(session, account_id=account_id, agent_id=data.agentId)
        row.agent_pk, row.agent_id = agent.id, data.agentId
    if data.creatorId is not None:
        await _check_users(session, account_id=account_id, users={"creatorId": data.creatorId})
        row.creator_id = data.creatorId
    if data.coachingSessionIds is not None:
        session_ids = await _check_sessions(
            session, account_id=account_id, ids=data.coachingSessionIds
        )
        await repository.set_session_ids(session, model, id=row.id, session_ids=session_ids)
    _copy(row, data, fields)
    row.updated_at = clock.now()
    await session.flush()
    _record_update(session, principal=principal, row=row, data=data)
    return await _read_one(session, account_id=account_id, row=row)


async def create_coaching_point(
    session: AsyncSession, *, principal: Principal, data: CoachingPointCreate
) -> dict[str, Any]:
    """Creates a coaching point for an agent, optionally in coaching sessions."""
    return await _create_linked(
        session, model=CoachingPoint, principal=principal, data=data, fields=_POINT_FIELDS
    )


async def update_coaching_point(
    session: AsyncSession, *, principal: Principal, id: str, data: CoachingPointUpdate
) -> dict[str, Any]:
    """Changes the fields the body sends; coachingSessionIds, when sent, replaces the list."""
    return await _update_linked(
        session, model=CoachingPoint, principal=principal, id=id, data=data, fields=_POINT_FIELDS
    )


async def delete_coaching_point(
    session: AsyncSession, *, principal: Principal, id: str
) -> Deleted:
    """Deletes a coaching point."""
    return await _delete(session, model=CoachingPoint, principal=principal, id=id)


async def create_todo(
    session: AsyncSession, *, principal: Principal, data: TodoCreate
) -> dict[str, Any]:
    """Creates a to-do for an agent, optionally in coaching sessions."""
    return await _create_linked(
        session, model=Todo, principal=principal, data=data, fields=_TODO_FIELDS
    )


async def update_todo(
    session: AsyncSession, *, principal: Principal, id: str, data: TodoUpdate
) -> dict[str, Any]:
    """Changes the fields the body sends; coachingSessionIds, when sent, replaces the list."""
    return await _update_linked(
        session, model=Todo, principal=principal, id=id, data=data, fields=_TODO_FIELDS
    )


async def delete_todo(session: AsyncSession, *, principal: Principal, id: str) -> Deleted:
    """Deletes a to-do."""
    return await _delete(session, model=Todo, principal=principal, id=id)
