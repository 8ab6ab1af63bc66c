"""HTTP <-> service for agents and agent groups.

`router` is the MaestroQA API (`/api/v1`); `ext_router` is the extension API (`/api/podium/v1`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from podium.agents import service
from podium.agents.schemas import (
    AgentAvailabilityUpdate,
    AgentCreate,
    AgentDetail,
    AgentGroupCreate,
    AgentGroupDetail,
    AgentGroupMembersAdd,
    AgentGroupRead,
    AgentGroupUpdate,
    AgentIdAdd,
    AgentRead,
    AgentUpdate,
    AgentWithIds,
)
from podium.auth.dependencies import CurrentPrincipal
from podium.db import SessionDep
from podium.errors import ERROR_RESPONSES
from podium.pagination import PageDep
from podium.wire import Page


def _errors(*codes: int) -> dict[int | str, dict]:
    return {code: ERROR_RESPONSES[code] for code in (400, 401, *codes)}


router = APIRouter(tags=["agents"])
ext_router = APIRouter()


# --- MaestroQA API ---


@router.post(
    "/agents",
    response_model=AgentRead,
    status_code=200,
    summary="Create an agent",
    responses=_errors(409, 422),
)
async def create_agent(
    body: AgentCreate, principal: CurrentPrincipal, session: SessionDep
) -> AgentRead:
    """Creates an agent, with the helpdesk id `agentId` (generated when absent), in the agent
    group `agentGroupId` when one is given.

    Answers **200**: the reference documents no status, and the real service is only known to
    answer 201 for `POST /tickets`. `email` and `agentId` must be unique in the account (409
    naming the value); an unknown `agentGroupId` is a 422. Emails are stored in lower case.
    """
    view = await service.create(session, actor=principal.actor, data=body)
    return AgentRead.of(view)


@router.post(
    "/agents/add-id-to-agent",
    response_model=AgentWithIds,
    summary="Update an agent (add agent id to agent)",
    responses=_errors(404, 409, 422),
)
async def add_id_to_agent(
    body: AgentIdAdd, principal: CurrentPrincipal, session: SessionDep
) -> AgentWithIds:
    """Adds another helpdesk id to the agent with `email` (an agent may hold several, one per
    helpdesk). 404 for an unknown email, 409 when another agent holds `agentId`; adding an id
    the agent already holds changes nothing and answers 200.

    `agentId` in the answer stays the agent's first id; `agentIds` lists all of them.
    """
    view = await service.add_helpdesk_id(
        session, actor=principal.actor, email=body.email, helpdesk_id=body.agentId
    )
    return AgentWithIds.of(view)


async def update_agent_availability(
    body: AgentAvailabilityUpdate, principal: CurrentPrincipal, session: SessionDep
) -> AgentWithIds:
    """Sets the availability of the agent with `email` (404 when there is none) and answers the
    updated agent. Served at the reference's path and, for symmetry, under `/agents` too."""
    view = await service.set_availability(
        session, actor=principal.actor, email=body.email, available=body.available
    )
    return AgentWithIds.of(view)


for _path in ("/update-agent-availability", "/agents/update-agent-availability"):
    router.add_api_route(
        _path,
        update_agent_availability,
        methods=["POST"],
        response_model=AgentWithIds,
        summary="Update an agent (update agent availability)",
        responses=_errors(404, 422),
        operation_id=f"update_agent_availability{_path.replace('/', '_').replace('-', '_')}",
    )


# --- extension API: agents ---


@ext_router.get(
    "/agents",
    response_model=Page[AgentDetail],
    tags=["agents"],
    summary="List agents",
    responses=_errors(422),
)
async def list_agents(
    principal: CurrentPrincipal,
    session: SessionDep,
    page: PageDep,
    available: Annotated[
        bool | None, Query(description="Only agents with this availability")
    ] = None,
    email: Annotated[str | None, Query(description="Only the agent with this email")] = None,
) -> Page[AgentDetail]:
    """Lists the account's agents in `_id` order, a page at a time (`startIndex`, `count`)."""
    total, views = await service.list_page(
        session, account_id=principal.account_id, page=page, available=available, email=email
    )
    return Page[AgentDetail](
        startIndex=page.start_index,
        totalResults=total,
        itemsPerPage=len(views),
        Resources=[AgentDetail.of(v) for v in views],
    )


@ext_router.get(
    "/agents/{agent_ref}",
    response_model=AgentDetail,
    tags=["agents"],
    summary="Get an agent",
    responses=_errors(404),
)
async def get_agent(
    agent_ref: str, principal: CurrentPrincipal, session: SessionDep
) -> AgentDetail:
    """Gets an agent by its `_id`, any of its helpdesk ids (`agentId`), or its email."""
    view = await service.get(session, account_id=principal.account_id, ref=agent_ref)
    return AgentDetail.of(view)


@ext_router.patch(
    "/agents/{agent_ref}",
    response_model=AgentDetail,
    tags=["agents"],
    summary="Update an agent",
    responses=_errors(404, 409, 422),
)
async def update_agent(
    agent_ref: str, body: AgentUpdate, principal: CurrentPrincipal, session: SessionDep
) -> AgentDetail:
    """Changes an agent's `name`, `email` (unique in the account) or `available`. Fields left
    out keep their value. Agents are never deleted: QA data keeps pointing at them; mark one
    unavailable instead."""
    view = await service.update(session, actor=principal.actor, ref=agent_ref, data=body)
    return AgentDetail.of(view)


# --- extension API: agent groups ---


@ext_router.post(
    "/agent-groups",
    response_model=AgentGroupDetail,
    status_code=201,
    tags=["agent groups"],
    summary="Create an agent group",
    responses=_errors(409, 422),
)
async def create_agent_group(
    body: AgentGroupCreate, principal: CurrentPrincipal, session: SessionDep
) -> AgentGroupDetail:
    """Creates an agent group (name unique in the account, else 409) with the agents named in
    `agentIds` (helpdesk ids, emails or `_id`s). Any unknown agent is a 422 naming it, and
    nothing is created."""
    group, members = await service.create_group(
        session, actor=principal.actor, data=body
    )
    return AgentGroupDetail.with_members(group, members)


@ext_router.get(
    "/agent-groups",
    response_model=Page[AgentGroupRead],
    tags=["agent groups"],
    summary="List agent groups",
    responses=_errors(422),
)
async def list_agent_groups(
    principal: CurrentPrincipal, session: SessionDep, page: PageDep
) -> Page[AgentGroupRead]:
    """Lists the account's agent groups in id order, with member counts."""
    total, rows = await service.list_groups(session, account_id=principal.account_id, page=page)
    return Page[AgentGroupRead](
        startIndex=page.start_index,
        totalResults=total,
        itemsPerPage=len(rows),
        Resources=[AgentGroupRead.of(group, count) for group, count in rows],
    )


@ext_router.get(
    "/agent-groups/{group_id}",
    response_model=AgentGroupDetail,
    tags=["agent groups"],
    summary="Get an agent group",
    responses=_errors(404),
)
async def get_agent_group(
    group_id: str, principal: CurrentPrincipal, session: SessionDep
) -> AgentGroupDetail:
    """Gets an agent group with its members, in the order they joined."""
    group, members = await service.get_group(
        session, account_id=principal.account_id, group_id=group_id
    )
    return AgentGroupDetail.with_members(group, members)


@ext_router.patch(
    "/agent-groups/{group_id}",
    response_model=AgentGroupDetail,
    tags=["agent groups"],
    summary="Rename an agent group",
    responses=_errors(404, 409, 422),
)
async def update_agent_group(
    group_id: str, body: AgentGroupUpdate, principal: CurrentPrincipal, session: SessionDep
) -> AgentGroupDetail:
    """Renames an agent group (name unique in the account, else 409)."""
    group, members = await service.rename_group(
        session, actor=principal.actor, group_id=group_id, data=body
    )
    return AgentGroupDetail.with_members(group, members)


@ext_router.delete(
    "/agent-groups/{group_id}",
    status_code=204,
    tags=["agent groups"],
    summary="Delete an agent group",
    responses=_errors(404),
)
async def delete_agent_group(
    group_id: str, principal: CurrentPrincipal, session: SessionDep
) -> Response:
    """Deletes an agent group and its memberships; the agents themselves stay."""
    await service.delete_group(session, actor=principal.actor, group_id=group_id)
    return Response(status_code=204)


@ext_router.post(
    "/agent-groups/{group_id}/members",
    response_model=AgentGroupDetail,
    tags=["agent groups"],
    summary="Add agents to an agent group",
    responses=_errors(404, 409, 422),
)
async def add_agent_group_members(
    group_id: str, body: AgentGroupMembersAdd, principal: CurrentPrincipal, session: SessionDep
) -> AgentGroupDetail:
    """Adds the agents named in `agentIds` (helpdesk ids, emails or `_id`s). All or nothing: any
    unknown agent is a 422 naming it and no one is added. Agents already in the group are left
    as they are. Answers the group with its members."""
    group, members = await service.add_members(
        session, actor=principal.actor, group_id=group_id, refs=body.agentIds
    )
    return AgentGroupDetail.with_members(group, members)


@ext_router.delete(
    "/agent-groups/{group_id}/members/{agent_ref}",
    status_code=204,
    tags=["agent groups"],
    summary="Remove an agent from an agent group",
    responses=_errors(404),
)
async def remove_agent_group_member(
    group_id: str, agent_ref: str, principal: CurrentPrincipal, session: SessionDep
) -> Response:
    """Removes the agent (a helpdesk id, email or `_id`) from the group; 404 when the group or
    agent is unknown or the agent is not a member."""
    await service.remove_member(
        session, actor=principal.actor, group_id=group_id, ref=agent_ref
    )
    return Response(status_code=204)
