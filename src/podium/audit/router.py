"""The activity log over HTTP (extension API, `/api/podium/v1`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from podium.audit import service
from podium.audit.schemas import ActivityRead
from podium.auth.dependencies import CurrentPrincipal
from podium.db import SessionDep
from podium.errors import ERROR_RESPONSES, Invalid
from podium.pagination import PageDep
from podium.wire import Page, UtcIn

ext_router = APIRouter(tags=["activity log"])

ITEM_TYPES = ", ".join(
    f"`{t}`"
    for t in (
        service.AGENTS,
        service.AGENT_GROUPS,
        service.USERS,
        service.TICKETS,
        service.COMMENTS,
        service.TICKET_ATTRIBUTES,
        service.COACHING_SESSIONS,
        service.COACHING_POINTS,
        service.TODOS,
        service.API_TOKENS,
        service.ACCOUNTS,
        service.RUBRIC,
        service.SCORES,
        service.CALIBRATIONS,
        service.EXPORTS,
        service.ATTACHMENTS,
    )
)
ACTION_TYPES = ", ".join(
    f"`{t}`"
    for t in (
        service.ADD,
        service.UPDATE,
        service.DELETE,
        service.AVAILABILITY_CHANGE,
        service.MEMBERSHIP_CHANGE,
        service.ROLE_CHANGE,
        service.ACTIVATE,
        service.DEACTIVATE,
        service.SEED,
        service.SUBMIT,
        service.START_GRADING,
    )
)


@ext_router.get(
    "/activity-log",
    response_model=Page[ActivityRead],
    summary="List the activity log",
    responses={code: ERROR_RESPONSES[code] for code in (422,)},
)
async def list_activity(
    principal: CurrentPrincipal,
    session: SessionDep,
    page: PageDep,
    startDate: Annotated[
        UtcIn | None, Query(description="Only entries at or after this time (inclusive)")
    ] = None,
    endDate: Annotated[
        UtcIn | None, Query(description="Only entries before this time (exclusive)")
    ] = None,
    itemType: Annotated[
        str | None,
        Query(max_length=40, description=f"Only entries of this item type: {ITEM_TYPES}"),
    ] = None,
    actionType: Annotated[
        str | None,
        Query(max_length=40, description=f"Only entries of this action type: {ACTION_TYPES}"),
    ] = None,
) -> Page[ActivityRead]:
    """Every change made to the account's data, through the API, the extension API or the
    `podium` command, oldest first (by time, then id), a page at a time. An entry is written in
    the same transaction as its change, so a change that failed has none. Reads are not logged.
    `ipAddress` is the client address the server saw (behind a proxy, the proxy's unless the
    server is told to trust its forwarded headers); it is null for the `podium` command.
    A change of several kinds (a user's role and active flag in one request) has one entry per
    kind; a comments batch has one entry for the whole batch."""
    if startDate is not None and endDate is not None and startDate > endDate:
        raise Invalid.param("startDate", "must not be after endDate")
    total, rows = await service.list_entries(
        session,
        account_id=principal.account_id,
        page=page,
        start=startDate,
        end=endDate,
        item_type=itemType,
        action_type=actionType,
    )
    return Page[ActivityRead](
        startIndex=page.start_index,
        totalResults=total,
        itemsPerPage=len(rows),
        Resources=[ActivityRead.of(r) for r in rows],
    )
