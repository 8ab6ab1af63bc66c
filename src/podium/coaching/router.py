"""Coaching sessions, coaching points and to-dos over HTTP.

`router` (under /api/v1) serves the reference's read endpoints; `ext_router` (under
/api/podium/v1) lets an account create, change and delete what those endpoints return.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from podium.auth.dependencies import CurrentPrincipal
from podium.coaching import service
from podium.coaching.schemas import (
    CoachingFilters,
    CoachingPointCreate,
    CoachingPointRead,
    CoachingPointUpdate,
    CoachingSessionCreate,
    CoachingSessionRead,
    CoachingSessionUpdate,
    Deleted,
    TodoCreate,
    TodoRead,
    TodoUpdate,
)
from podium.db import SessionDep
from podium.errors import ERROR_RESPONSES, Invalid
from podium.pagination import PageDep
from podium.wire import Page, UtcIn, json_response

TAG = "coaching"
EXT_TAG = "coaching (extension)"

router = APIRouter(tags=[TAG])
ext_router = APIRouter(tags=[EXT_TAG])

READ_ERRORS = {k: ERROR_RESPONSES[k] for k in (404,)}
LIST_ERRORS = {k: ERROR_RESPONSES[k] for k in (422,)}
CREATE_ERRORS = {k: ERROR_RESPONSES[k] for k in (400, 413, 422)}
WRITE_ERRORS = {k: ERROR_RESPONSES[k] for k in (400, 404, 413, 422)}


AgentIdQuery = Annotated[
    str | None, Query(description="Only items for this agent (any of the agent's helpdesk ids)")
]
CreatorIdQuery = Annotated[str | None, Query(description="Only items created by this user id")]
CoachIdQuery = Annotated[
    str | None, Query(description="Only sessions where this user id is the coach")
]
StartDateQuery = Annotated[
    UtcIn | None, Query(description="Only items created at or after this time (inclusive)")
]
EndDateQuery = Annotated[
    UtcIn | None, Query(description="Only items created before this time (exclusive)")
]


async def coaching_filters(
    agentId: AgentIdQuery = None,
    creatorId: CreatorIdQuery = None,
    startDate: StartDateQuery = None,
    endDate: EndDateQuery = None,
) -> CoachingFilters:
    return _filters(agentId, creatorId, None, startDate, endDate)


async def session_filters(
    agentId: AgentIdQuery = None,
    creatorId: CreatorIdQuery = None,
    coachId: CoachIdQuery = None,
    startDate: StartDateQuery = None,
    endDate: EndDateQuery = None,
) -> CoachingFilters:
    return _filters(agentId, creatorId, coachId, startDate, endDate)


def _filters(
    agent_id: str | None,
    creator_id: str | None,
    coach_id: str | None,
    start: datetime | None,
    end: datetime | None,
) -> CoachingFilters:
    if start is not None and end is not None and start > end:
        raise Invalid.param("startDate", "must not be after endDate")
    return CoachingFilters(
        agent_id=agent_id, creator_id=creator_id, coach_id=coach_id, start=start, end=end
    )


Filters = Annotated[CoachingFilters, Depends(coaching_filters)]
SessionFilters = Annotated[CoachingFilters, Depends(session_filters)]


# -- the reference's read endpoints (also served under the extension prefix) ---------------------


@router.get(
    "/coaching-sessions",
    summary="Retrieve coaching sessions",
    response_model=Page[CoachingSessionRead],
    responses=LIST_ERRORS,
)
@ext_router.get(
    "/coaching-sessions",
    summary="Retrieve coaching sessions",
    response_model=Page[CoachingSessionRead],
    responses=LIST_ERRORS,
)
async def list_coaching_sessions(
    principal: CurrentPrincipal, session: SessionDep, page: PageDep, filters: SessionFilters
) -> Response:
    """Coaching sessions matching every filter given, ordered by id.

    `agentId` is a helpdesk agent id; it matches the sessions of the agent holding it, whichever
    of the agent's ids they were made with. An `agentId` no agent holds gives an empty page.
    `startDate` is inclusive and `endDate` exclusive, both on the creation time.
    """
    return json_response(
        await service.list_coaching_sessions(
            session, account_id=principal.account_id, filters=filters, page=page
        )
    )


@router.get(
    "/coaching-sessions/{id}",
    summary="Retrieve a single coaching session",
    response_model=CoachingSessionRead,
    responses=READ_ERRORS,
)
@ext_router.get(
    "/coaching-sessions/{id}",
    summary="Retrieve a single coaching session",
    response_model=CoachingSessionRead,
    responses=READ_ERRORS,
)
async def get_coaching_session(
    principal: CurrentPrincipal, session: SessionDep, id: str
) -> Response:
    """One coaching session by id; 404 when this account has none with that id."""
    return json_response(
        await service.get_coaching_session(session, account_id=principal.account_id, id=id)
    )


@router.get(
    "/coaching-points",
    summary="Retrieve coaching points",
    response_model=Page[CoachingPointRead],
    responses=LIST_ERRORS,
)
@ext_router.get(
    "/coaching-points",
    summary="Retrieve coaching points",
    response_model=Page[CoachingPointRead],
    responses=LIST_ERRORS,
)
async def list_coaching_points(
    principal: CurrentPrincipal, session: SessionDep, page: PageDep, filters: Filters
) -> Response:
    """Coaching points matching every filter given, ordered by id.

    `agentId` matches the points of the agent holding that helpdesk id (an unknown one gives an
    empty page); `startDate` is inclusive and `endDate` exclusive, both on the creation time.
    `criteriaId`, `rubricId` and `answerId` are always present, `null` when not set.
    """
    return json_response(
        await service.list_coaching_points(
            session, account_id=principal.account_id, filters=filters, page=page
        )
    )


@router.get(
    "/coaching-points/{id}",
    summary="Retrieve a single coaching point",
    response_model=CoachingPointRead,
    responses=READ_ERRORS,
)
@ext_router.get(
    "/coaching-points/{id}",
    summary="Retrieve a single coaching point",
    response_model=CoachingPointRead,
    responses=READ_ERRORS,
)
async def get_coaching_point(principal: CurrentPrincipal, session: SessionDep, id: str) -> Response:
    """One coaching point by id; 404 when this account has none with that id."""
    return json_response(
        await service.get_coaching_point(session, account_id=principal.account_id, id=id)
    )


@router.get(
    "/todos", summary="Retrieve to-dos", response_model=Page[TodoRead], responses=LIST_ERRORS
)
@ext_router.get(
    "/todos", summary="Retrieve to-dos", response_model=Page[TodoRead], responses=LIST_ERRORS
)
async def list_todos(
    principal: CurrentPrincipal, session: SessionDep, page: PageDep, filters: Filters
) -> Response:
    """To-dos matching every filter given, ordered by id.

    `agentId` matches the to-dos of the agent holding that helpdesk id (an unknown one gives an
    empty page); `startDate` is inclusive and `endDate` exclusive, both on the creation time.
    Every to-do carries `coachingSessionIds` and `answerId` (`null` when not set), though each of
    the reference's examples leaves one of them out.
    """
    return json_response(
        await service.list_todos(
            session, account_id=principal.account_id, filters=filters, page=page
        )
    )


@router.get(
    "/todos/{id}",
    summary="Retrieve a single to-do",
    response_model=TodoRead,
    responses=READ_ERRORS,
)
@ext_router.get(
    "/todos/{id}",
    summary="Retrieve a single to-do",
    response_model=TodoRead,
    responses=READ_ERRORS,
)
async def get_todo(principal: CurrentPrincipal, session: SessionDep, id: str) -> Response:
    """One to-do by id; 404 when this account has none with that id."""
    return json_response(await service.get_todo(session, account_id=principal.account_id, id=id))


# -- extension: writes ---------------------------------------------------------------------------


@ext_router.post(
    "/coaching-sessions",
    status_code=201,
    summary="Create a coaching session",
    response_model=CoachingSessionRead,
    responses=CREATE_ERRORS,
)
async def create_coaching_session(
    principal: CurrentPrincipal, session: SessionDep, body: CoachingSessionCreate
) -> CoachingSessionRead:
    """Creates a coaching session and answers 201 with it, in the shape the read endpoints use.

    `agentId` must be a helpdesk id of an agent of this account, `coachId` a user of this
    account. `creatorId` defaults to the token's user when the token has one, else to `coachId`.
    """
    return await service.create_coaching_session(session, principal=principal, data=body)


@ext_router.patch(
    "/coaching-sessions/{id}",
    summary="Update a coaching session",
    response_model=CoachingSessionRead,
    responses=WRITE_ERRORS,
)
async def update_coaching_session(
    principal: CurrentPrincipal, session: SessionDep, id: str, body: CoachingSessionUpdate
) -> CoachingSessionRead:
    """Changes only the fields sent and moves `updatedAt` to now.

    `coachingTemplateId` may be set to `null`; other fields may not.
    """
    return await service.update_coaching_session(session, principal=principal, id=id, data=body)


@ext_router.delete(
    "/coaching-sessions/{id}",
    summary="Delete a coaching session",
    response_model=Deleted,
    responses=READ_ERRORS,
)
async def delete_coaching_session(
    principal: CurrentPrincipal, session: SessionDep, id: str
) -> Deleted:
    """Deletes a coaching session (200 `{"id", "deleted": true}`).

    Coaching points and to-dos in it remain; the session leaves their `coachingSessionIds`.
    """
    return await service.delete_coaching_session(session, principal=principal, id=id)


@ext_router.post(
    "/coaching-points",
    status_code=201,
    summary="Create a coaching point",
    response_model=CoachingPointRead,
    responses=CREATE_ERRORS,
)
async def create_coaching_point(
    principal: CurrentPrincipal, session: SessionDep, body: CoachingPointCreate
) -> CoachingPointRead:
    """Creates a coaching point and answers 201 with it.

    `agentId` must be a helpdesk id of an agent of this account; `coachingSessionIds` must name
    coaching sessions of this account. `creatorId` defaults to the token's user; a token with no
    user must send it.
    """
    return await service.create_coaching_point(session, principal=principal, data=body)


@ext_router.patch(
    "/coaching-points/{id}",
    summary="Update a coaching point",
    response_model=CoachingPointRead,
    responses=WRITE_ERRORS,
)
async def update_coaching_point(
    principal: CurrentPrincipal, session: SessionDep, id: str, body: CoachingPointUpdate
) -> CoachingPointRead:
    """Changes only the fields sent and moves `updatedAt` to now.

    `coachingSessionIds`, when sent, replaces the list. `coachNotes`, `criteriaId`, `rubricId`
    and `answerId` may be set to `null`; other fields may not.
    """
    return await service.update_coaching_point(session, principal=principal, id=id, data=body)


@ext_router.delete(
    "/coaching-points/{id}",
    summary="Delete a coaching point",
    response_model=Deleted,
    responses=READ_ERRORS,
)
async def delete_coaching_point(
    principal: CurrentPrincipal, session: SessionDep, id: str
) -> Deleted:
    """Deletes a coaching point (200 `{"id", "deleted": true}`)."""
    return await service.delete_coaching_point(session, principal=principal, id=id)


@ext_router.post(
    "/todos",
    status_code=201,
    summary="Create a to-do",
    response_model=TodoRead,
    responses=CREATE_ERRORS,
)
async def create_todo(
    principal: CurrentPrincipal, session: SessionDep, body: TodoCreate
) -> TodoRead:
    """Creates a to-do and answers 201 with it.

    `agentId` must be a helpdesk id of an agent of this account; `coachingSessionIds` must name
    coaching sessions of this account. `creatorId` defaults to the token's user; a token with no
    user must send it.
    """
    return await service.create_todo(session, principal=principal, data=body)


@ext_router.patch(
    "/todos/{id}", summary="Update a to-do", response_model=TodoRead, responses=WRITE_ERRORS
)
async def update_todo(
    principal: CurrentPrincipal, session: SessionDep, id: str, body: TodoUpdate
) -> TodoRead:
    """Changes only the fields sent and moves `updatedAt` to now.

    `coachingSessionIds`, when sent, replaces the list. `answerId` may be set to `null`; other
    fields may not.
    """
    return await service.update_todo(session, principal=principal, id=id, data=body)


@ext_router.delete(
    "/todos/{id}", summary="Delete a to-do", response_model=Deleted, responses=READ_ERRORS
)
async def delete_todo(principal: CurrentPrincipal, session: SessionDep, id: str) -> Deleted:
    """Deletes a to-do (200 `{"id", "deleted": true}`)."""
    return await service.delete_todo(session, principal=principal, id=id)
