"""HTTP <-> service for tickets, comments and custom ticket attributes."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Path, Query, Response

from podium.auth.dependencies import CurrentPrincipal
from podium.db import SessionDep
from podium.errors import ERROR_RESPONSES, ErrorBody, Invalid
from podium.pagination import PageDep
from podium.tickets import service
from podium.tickets.schemas import (
    MAX_TICKET_IDS,
    CommentBatch,
    CommentBatchRead,
    CommentCreate,
    CommentRead,
    TicketAttributeCreate,
    TicketAttributeDeleted,
    TicketAttributeRead,
    TicketCreate,
    TicketDeleted,
    TicketList,
    TicketRead,
    TicketUpdate,
    TimelineItem,
)
from podium.wire import Page

router = APIRouter()
ext_router = APIRouter()


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    out = {code: ERROR_RESPONSES[code] for code in codes if code in ERROR_RESPONSES}
    if 403 in codes:
        out[403] = {"model": ErrorBody, "description": "The ticket is synced from an integration"}
    return out


TicketIdPath = Annotated[str, Path(description="The ticket's `ticket_id`")]


# MaestroQA API


@router.post(
    "/tickets",
    status_code=201,
    response_model=TicketRead,
    tags=["tickets"],
    summary="Create a ticket",
    responses=_errors(400, 409, 422),
)
async def create_ticket(
    principal: CurrentPrincipal, session: SessionDep, data: TicketCreate
) -> TicketRead:
    """Creates a ticket. Answers **201** (what real clients check for).

    - `agents`: agent ids or emails; each unknown one is a 422 naming `agents[i]`. An email shows
      as the agent's first id in the response. An agent named twice is kept once.
    - `ticket_id` in use in the account: 409 naming it.
    - `attributes`: keys not defined in the account are ignored (dropped, not stored); a defined
      key with a value of the wrong type is a 422 naming `attributes.<key>` and the type expected.
      Numbers, booleans and dates are also accepted as strings holding one.
    - `first_seen` / `last_seen` default to now; `tags` may also be a list of strings (joined with
      commas); a numeric `ticket_id` is read as a string.
    """
    return await service.create_ticket(session, actor=principal.actor, data=data)


@router.get(
    "/tickets",
    response_model=TicketList,
    tags=["tickets"],
    summary="Get several tickets",
    responses=_errors(422),
)
async def get_tickets(
    principal: CurrentPrincipal,
    session: SessionDep,
    ticket_ids: Annotated[
        list[str] | None,
        Query(description=f"Comma-separated ticket ids (at most {MAX_TICKET_IDS})"),
    ] = None,
) -> TicketList:
    """Gets up to 100 tickets by `ticket_id`: `?ticket_ids=a,b,c` (the parameter may also be
    repeated). Answers `{"results": [tickets found, in the order asked], "notFound": [ids with no
    ticket in this account]}`; a missing or empty `ticket_ids`, or more than 100, is a 422."""
    wanted = [t.strip() for value in ticket_ids or [] for t in value.split(",") if t.strip()]
    if not wanted:
        raise Invalid.param("ticket_ids", "is required: comma-separated ticket ids")
    if len(set(wanted)) > MAX_TICKET_IDS:
        raise Invalid.param(
            "ticket_ids", f"at most {MAX_TICKET_IDS} ids per request, got {len(set(wanted))}"
        )
    return await service.get_tickets(session, account_id=principal.account_id, ticket_ids=wanted)


@router.get(
    "/tickets/{ticket_id:path}",
    response_model=TicketRead,
    tags=["tickets"],
    summary="Get a ticket",
    responses=_errors(404),
)
async def get_ticket(
    principal: CurrentPrincipal, session: SessionDep, ticket_id: TicketIdPath
) -> TicketRead:
    """Gets one ticket by its `ticket_id`; 404 if the account has no such ticket."""
    return await service.get_ticket(session, account_id=principal.account_id, ticket_id=ticket_id)


@router.patch(
    "/tickets/{ticket_id:path}",
    response_model=TicketRead,
    tags=["tickets"],
    summary="Update a ticket",
    responses=_errors(400, 403, 404, 422),
)
async def update_ticket(
    principal: CurrentPrincipal, session: SessionDep, ticket_id: TicketIdPath, data: TicketUpdate
) -> TicketRead:
    """Updates the fields given (validated as on create) and answers the whole ticket.

    - Unknown ticket: 404. A ticket synced from a helpdesk integration: **403** (the reference
      says such tickets cannot be updated; it does not say with which status).
    - `agents` replaces the ticket's agents. `attributes` is merged: keys given are set, a key
      set to null is removed, other keys keep their values.
    - `tags`, `status`, `csat_score` may be null (cleared); other fields may not. A `ticket_id`
      in the body is ignored (the ticket keeps its id).
    """
    return await service.update_ticket(
        session, actor=principal.actor, ticket_id=ticket_id, data=data
    )


@router.delete(
    "/tickets/{ticket_id:path}",
    response_model=TicketDeleted,
    tags=["tickets"],
    summary="Delete a ticket",
    responses=_errors(403, 404),
)
async def delete_ticket(
    principal: CurrentPrincipal, session: SessionDep, ticket_id: TicketIdPath
) -> TicketDeleted:
    """Deletes a ticket and its comments. Answers 200 with `{"deleted": true, "ticket_id": ...}`
    (the reference documents only the 200). 404 if unknown; **403** for a ticket synced from a
    helpdesk integration."""
    await service.delete_ticket(session, actor=principal.actor, ticket_id=ticket_id)
    return TicketDeleted(ticket_id=ticket_id)


@router.post(
    "/comments",
    response_model=CommentRead,
    tags=["comments"],
    summary="Create a ticket comment",
    responses=_errors(400, 404, 422),
)
async def create_comment(
    principal: CurrentPrincipal, session: SessionDep, data: CommentCreate
) -> dict[str, Any]:
    """Adds a comment to a ticket. Answers **200** (nothing shows the real service answers 201)
    with the comment as the reference's example: `body, author_id, role, channel, public, time,
    ticket_id, id`. `public` defaults to true, `time` to now; 404 if the ticket is unknown."""
    return await service.create_comment(session, actor=principal.actor, data=data)


@router.post(
    "/comments-batch",
    response_model=CommentBatchRead,
    tags=["comments"],
    summary="Create many ticket comments",
    responses=_errors(400, 422),
)
async def create_comments(
    principal: CurrentPrincipal, session: SessionDep, data: CommentBatch
) -> Response:
    """Adds 1 to 500 comments, on one or more tickets, all or none. Answers **200** with
    `{"results": [...]}` in the order sent. Any invalid comment (a field, or a ticket the account
    does not have) rejects the whole batch with a 422 naming it, e.g.
    `batch[3].ticket_id: no ticket 'x' in this account`, and nothing is stored."""
    results = await service.create_comments(
        session, actor=principal.actor, batch=data.batch
    )
    # built directly: validating 500 comments again on the way out would cost more than the insert
    return Response(orjson.dumps({"results": results}), media_type="application/json")


# extension API


@ext_router.post(
    "/ticket-attributes",
    status_code=201,
    response_model=TicketAttributeRead,
    tags=["ticket attributes"],
    summary="Define a custom ticket attribute",
    responses=_errors(400, 409, 422),
)
async def create_ticket_attribute(
    principal: CurrentPrincipal, session: SessionDep, data: TicketAttributeCreate
) -> TicketAttributeRead:
    """Defines a custom ticket attribute: tickets' `attributes` keep values only for defined keys,
    checked against `valueType` (`string`, `number`, `boolean` or `date`). 409 if the key is
    defined already; `label` defaults to the key."""
    return await service.create_attribute(session, actor=principal.actor, data=data)


@ext_router.get(
    "/ticket-attributes",
    response_model=Page[TicketAttributeRead],
    tags=["ticket attributes"],
    summary="List custom ticket attributes",
    responses=_errors(422),
)
async def list_ticket_attributes(
    principal: CurrentPrincipal, session: SessionDep, page: PageDep
) -> Page[TicketAttributeRead]:
    """A page of the account's custom ticket attributes, in a stable order (by id)."""
    return await service.list_attributes(session, account_id=principal.account_id, page=page)


@ext_router.delete(
    "/ticket-attributes/{key:path}",
    response_model=TicketAttributeDeleted,
    tags=["ticket attributes"],
    summary="Remove a custom ticket attribute",
    responses=_errors(404),
)
async def delete_ticket_attribute(
    principal: CurrentPrincipal, session: SessionDep, key: str
) -> TicketAttributeDeleted:
    """Removes the definition: new values for the key are ignored from now on. Values already
    stored on tickets stay. 404 if the key is not defined."""
    await service.delete_attribute(session, actor=principal.actor, key=key)
    return TicketAttributeDeleted(key=key)


@ext_router.get(
    "/tickets",
    response_model=Page[TicketRead],
    tags=["tickets"],
    summary="List tickets",
    responses=_errors(422),
)
async def list_tickets(
    principal: CurrentPrincipal,
    session: SessionDep,
    page: PageDep,
    agentId: Annotated[
        str | None, Query(description="Only tickets with this agent (an agent id or email)")
    ] = None,
    status: Annotated[str | None, Query(description="Only tickets with this status")] = None,
) -> Page[TicketRead]:
    """A page of the account's tickets in a stable order (by `_id`). An `agentId` that names no
    agent gives an empty page."""
    return await service.list_tickets(
        session, account_id=principal.account_id, page=page, agent_id=agentId, status=status
    )


@ext_router.get(
    "/tickets/{ticket_id:path}/comments",
    response_model=Page[TimelineItem],
    tags=["tickets"],
    summary="List a ticket's comments and attachments",
    responses=_errors(404, 422),
)
async def list_ticket_comments(
    principal: CurrentPrincipal, session: SessionDep, ticket_id: TicketIdPath, page: PageDep
) -> Page[TimelineItem]:
    """A page of the ticket's timeline: comments and attachments (`kind`) ordered by `time`, then
    `id`. 404 if the ticket is unknown."""
    return await service.list_timeline(
        session, account_id=principal.account_id, ticket_id=ticket_id, page=page
    )
