"""HTTP <-> service for the account's users (extension API, `/api/podium/v1`).

Users are logins (admins, managers, graders, coaches), not agents; MaestroQA manages them only in
its web app, so they have no `/api/v1` routes.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from podium.auth import service
from podium.auth.dependencies import CurrentPrincipal
from podium.auth.schemas import Role, UserCreate, UserRead, UserUpdate
from podium.db import SessionDep
from podium.errors import ERROR_RESPONSES
from podium.pagination import PageDep
from podium.wire import Page


def _errors(*codes: int) -> dict[int | str, dict]:
    return {code: ERROR_RESPONSES[code] for code in (400, 401, *codes)}


router = APIRouter()
ext_router = APIRouter(tags=["users"])


@ext_router.post(
    "/users",
    response_model=UserRead,
    status_code=201,
    summary="Create a user",
    responses=_errors(409, 422),
)
async def create_user(
    body: UserCreate, principal: CurrentPrincipal, session: SessionDep
) -> UserRead:
    """Creates a user with a role: `admin`, `limitedAdmin`, `manager`, `grader`, `agent` or
    `limited_agent` (MaestroQA's role strings). The email is unique in the account (409) and is
    stored in lower case."""
    user = await service.create_user(session, actor=principal.actor, data=body)
    return UserRead.of(user)


@ext_router.get(
    "/users",
    response_model=Page[UserRead],
    summary="List users",
    responses=_errors(422),
)
async def list_users(
    principal: CurrentPrincipal,
    session: SessionDep,
    page: PageDep,
    role: Annotated[Role | None, Query(description="Only users with this role")] = None,
    active: Annotated[bool | None, Query(description="Only active (or inactive) users")] = None,
) -> Page[UserRead]:
    """Lists the account's users in id order, a page at a time (`startIndex`, `count`)."""
    total, users = await service.list_users(
        session, account_id=principal.account_id, page=page, role=role, active=active
    )
    return Page[UserRead](
        startIndex=page.start_index,
        totalResults=total,
        itemsPerPage=len(users),
        Resources=[UserRead.of(u) for u in users],
    )


@ext_router.get(
    "/users/{user_id}",
    response_model=UserRead,
    summary="Get a user",
    responses=_errors(404),
)
async def get_user(user_id: str, principal: CurrentPrincipal, session: SessionDep) -> UserRead:
    """Gets one user of the account."""
    return UserRead.of(
        await service.get_user(session, account_id=principal.account_id, user_id=user_id)
    )


@ext_router.patch(
    "/users/{user_id}",
    response_model=UserRead,
    summary="Update a user",
    responses=_errors(404, 422),
)
async def update_user(
    user_id: str, body: UserUpdate, principal: CurrentPrincipal, session: SessionDep
) -> UserRead:
    """Changes a user's `name`, `role` or `active`. There is no delete: `"active": false` is how
    a user is removed, and the grades, coaching and activity that point at them stay intact."""
    user = await service.update_user(
        session, actor=principal.actor, user_id=user_id, data=body
    )
    return UserRead.of(user)
