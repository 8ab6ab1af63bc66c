"""Agents and agent groups: the rules. No HTTP, no commit; raises domain errors."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from podium import clock, ids
from podium.agents import repository
from podium.agents.models import Agent, AgentGroup, AgentGroupMember, AgentHelpdeskId
from podium.agents.schemas import (
    AgentCreate,
    AgentGroupCreate,
    AgentGroupUpdate,
    AgentUpdate,
    AgentView,
)
from podium.audit import service as audit
from podium.audit.service import Actor
from podium.errors import Conflict, Invalid, NotFound
from podium.pagination import PageParams


def _email_taken(email: str) -> Conflict:
    return Conflict(
        f"an agent with email {email!r} already exists", [("email", f"{email!r} is in use")]
    )


def _agent_id_taken(agent_id: str) -> Conflict:
    return Conflict(
        f"agentId {agent_id!r} already belongs to an agent",
        [("agentId", f"{agent_id!r} is in use")],
    )


def _group_name_taken(name: str) -> Conflict:
    return Conflict(
        f"an agent group named {name!r} already exists", [("name", f"{name!r} is in use")]
    )


async def view(session: AsyncSession, *, account_id: str, agent: Agent) -> AgentView:
    """Builds the read view of one agent (its helpdesk ids and groups)."""
    return (await views(session, account_id=account_id, agents=[agent]))[0]


async def views(
    session: AsyncSession, *, account_id: str, agents: Sequence[Agent]
) -> list[AgentView]:
    """Builds the read views of several agents in two queries."""
    pks = [a.id for a in agents]
    hids = await repository.helpdesk_ids_of(session, account_id=account_id, agent_pks=pks)
    groups = await repository.group_ids_of(session, account_id=account_id, agent_pks=pks)
    return [AgentView(a, hids.get(a.id, []), groups.get(a.id, [])) for a in agents]


async def create(session: AsyncSession, *, actor: Actor, data: AgentCreate) -> AgentView:
    """Creates an agent with one helpdesk id, in a group if one is named."""
    account_id = actor.account_id
    group = None
    if data.agentGroupId:  # "" is taken as "no group", as null is
        group = await repository.get_group(
            session, account_id=account_id, group_id=data.agentGroupId
        )
        if group is None:
            raise Invalid.param(
                "agentGroupId", f"no agent group {data.agentGroupId!r} in this account"
            )
    conflicts = []
    if await repository.get_by_email(session, account_id=account_id, email=data.email):
        conflicts.append(_email_taken(data.email))
    if data.agentId is not None and await repository.helpdesk_id_owner(
        session, account_id=account_id, helpdesk_id=data.agentId
    ):
        conflicts.append(_agent_id_taken(data.agentId))
    if conflicts:
        raise Conflict(
            "; ".join(c.message for c in conflicts), [e for c in conflicts for e in c.errors]
        )

    agent = Agent(account_id=account_id, name=data.name, email=data.email, available=data.available)
    session.add(agent)
    # flushed one row at a time so a race lost to another request names the right value
    try:
        await session.flush()
    except IntegrityError as exc:
        raise _email_taken(data.email) from exc
    helpdesk_id = data.agentId if data.agentId is not None else ids.new_id()
    session.add(
        AgentHelpdeskId(account_id=account_id, agent_pk=agent.id, helpdesk_id=helpdesk_id)
    )
    try:
        await session.flush()
    except IntegrityError as exc:
        raise _agent_id_taken(helpdesk_id) from exc
    group_ids = []
    if group is not None:
        session.add(AgentGroupMember(account_id=account_id, group_id=group.id, agent_pk=agent.id))
        try:
            await session.flush()
        except IntegrityError as exc:  # the group was deleted while this request ran
            raise Invalid.param(
                "agentGroupId", f"no agent group {group.id!r} in this account"
            ) from exc
        group_ids.append(group.id)
    in_group = f' in agent group "{group.name}"' if group is not None else ""
    audit.record(
        session,
        actor=actor,
        item_type=audit.AGENTS,
        action_type=audit.ADD,
        description=f'Added agent "{agent.name}" ({agent.email}), agentId "{helpdesk_id}"'
        f"{in_group}",
    )
    return AgentView(agent, [helpdesk_id], group_ids)


async def _by_email(session: AsyncSession, *, account_id: str, email: str) -> Agent:
    agent = await repository.get_by_email(session, account_id=account_id, email=email)
    if agent is None:
        raise NotFound(f"no agent with email {email!r} in this account")
    return agent


async def add_helpdesk_id(
    session: AsyncSession, *, actor: Actor, email: str, helpdesk_id: str
) -> AgentView:
    """Adds a helpdesk id to the agent with `email`; a no-op if it already holds it."""
    account_id = actor.account_id
    agent = await _by_email(session, account_id=account_id, email=email)
    owner = await repository.helpdesk_id_owner(
        session, account_id=account_id, helpdesk_id=helpdesk_id
    )
    if owner is not None and owner != agent.id:
        raise _agent_id_taken(helpdesk_id)
    if owner is None:
        position = await repository.next_helpdesk_position(
            session, account_id=account_id, agent_pk=agent.id
        )
        session.add(
            AgentHelpdeskId(
                account_id=account_id,
                agent_pk=agent.id,
                helpdesk_id=helpdesk_id,
                position=position,
            )
        )
        agent.updated_at = clock.now()
        try:
            await session.flush()
        except IntegrityError as exc:
            raise _agent_id_taken(helpdesk_id) from exc
        audit.record(
            session,
            actor=actor,
            item_type=audit.AGENTS,
            action_type=audit.UPDATE,
            description=f'Added agentId "{helpdesk_id}" to agent {agent.email}',
        )
    return await view(session, account_id=account_id, agent=agent)


async def set_availability(
    session: AsyncSession, *, actor: Actor, email: str, available: bool
) -> AgentView:
    """Sets the availability of the agent with `email`."""
    account_id = actor.account_id
    agent = await _by_email(session, account_id=account_id, email=email)
    if agent.available != available:
        agent.available = available
        await session.flush()
        _record_availability(session, actor=actor, agent=agent)
    return await view(session, account_id=account_id, agent=agent)


def _record_availability(session: AsyncSession, *, actor: Actor, agent: Agent) -> None:
    state = "available" if agent.available else "unavailable"
    audit.record(
        session,
        actor=actor,
        item_type=audit.AGENTS,
        action_type=audit.AVAILABILITY_CHANGE,
        description=f"Made agent {agent.email} {state}",
    )


async def _find(session: AsyncSession, *, account_id: str, ref: str) -> Agent:
    agent = await repository.find(session, account_id=account_id, ref=ref)
    if agent is None:
        raise NotFound(f"no agent {ref!r} in this account")
    return agent


async def get(session: AsyncSession, *, account_id: str, ref: str) -> AgentView:
    """Gets an agent by `_id`, helpdesk id or email."""
    agent = await _find(session, account_id=account_id, ref=ref)
    return await view(session, account_id=account_id, agent=agent)


async def list_page(
    session: AsyncSession,
    *,
    account_id: str,
    page: PageParams,
    available: bool | None = None,
    email: str | None = None,
) -> tuple[int, list[AgentView]]:
    """Lists agents in `_id` order, optionally filtered."""
    total, rows = await repository.list_agents(
        session,
        account_id=account_id,
        page=page,
        available=available,
        email=email.strip().lower() if email is not None else None,
    )
    return total, await views(session, account_id=account_id, agents=rows)


async def update(
    session: AsyncSession, *, actor: Actor, ref: str, data: AgentUpdate
) -> AgentView:
    """Updates an agent's name, email or availability; the activity log gets an `update` entry
    for a new name or email and an `availability change` entry for a new availability."""
    account_id = actor.account_id
    agent = await _find(session, account_id=account_id, ref=ref)
    changed: list[str] = []
    if data.email is not None and data.email != agent.email:
        if await repository.get_by_email(session, account_id=account_id, email=data.email):
            raise _email_taken(data.email)
        changed.append(f"email from {agent.email} to {data.email}")
        agent.email = data.email
    if data.name is not None and data.name != agent.name:
        changed.append(f'name from "{agent.name}" to "{data.name}"')
        agent.name = data.name
    availability_changed = data.available is not None and data.available != agent.available
    if data.available is not None:
        agent.available = data.available
    try:
        await session.flush()
    except IntegrityError as exc:
        raise _email_taken(agent.email) from exc
    if changed:
        audit.record(
            session,
            actor=actor,
            item_type=audit.AGENTS,
            action_type=audit.UPDATE,
            description=f"Changed agent {agent.email}: " + ", ".join(changed),
        )
    if availability_changed:
        _record_availability(session, actor=actor, agent=agent)
    return await view(session, account_id=account_id, agent=agent)


# --- agent groups ---


async def _resolve_members(
    session: AsyncSession, *, account_id: str, refs: Sequence[str]
) -> list[Agent]:
    """The agents named by `refs`, in order without repeats; 422 naming every unknown ref."""
    found = await repository.find_many(session, account_id=account_id, refs=refs)
    unknown = [
        (f"agentIds[{i}]", f"no agent with agentId, email or _id {ref!r} in this account")
        for i, ref in enumerate(refs)
        if ref not in found
    ]
    if unknown:
        raise Invalid.params(unknown)
    return list({found[ref].id: found[ref] for ref in refs}.values())


async def _add_members(
    session: AsyncSession,
    *,
    account_id: str,
    group: AgentGroup,
    agents: Sequence[Agent],
    touch: bool = True,
) -> int:
    """Adds the agents not yet in the group; returns how many were added."""
    present = await repository.member_pks(
        session, account_id=account_id, group_id=group.id, agent_pks=[a.id for a in agents]
    )
    new = [a for a in agents if a.id not in present]
    now = clock.now()
    for i, agent in enumerate(new):
        # members are listed in the order they joined; a microsecond apart keeps the order
        # they were given in within one request
        session.add(
            AgentGroupMember(
                account_id=account_id,
                group_id=group.id,
                agent_pk=agent.id,
                created_at=now + timedelta(microseconds=i),
            )
        )
    if new:
        if touch:
            group.updated_at = clock.now()
        try:
            await session.flush()
        except IntegrityError as exc:
            # another request added one of them at the same moment
            raise Conflict(
                "the group's members changed during this request; retry it",
                [("agentIds", "changed concurrently")],
            ) from exc
    return len(new)


async def _group(session: AsyncSession, *, account_id: str, group_id: str) -> AgentGroup:
    group = await repository.get_group(session, account_id=account_id, group_id=group_id)
    if group is None:
        raise NotFound(f"no agent group {group_id!r} in this account")
    return group


async def group_detail(
    session: AsyncSession, *, account_id: str, group: AgentGroup
) -> tuple[AgentGroup, list[AgentView]]:
    """A group and its members' views."""
    members = await repository.members_of(session, account_id=account_id, group_id=group.id)
    return group, await views(session, account_id=account_id, agents=members)


async def create_group(
    session: AsyncSession, *, actor: Actor, data: AgentGroupCreate
) -> tuple[AgentGroup, list[AgentView]]:
    """Creates an agent group, with members if given (all of them or none)."""
    account_id = actor.account_id
    if await repository.get_group_by_name(session, account_id=account_id, name=data.name):
        raise _group_name_taken(data.name)
    agents = await _resolve_members(session, account_id=account_id, refs=data.agentIds)
    group = AgentGroup(account_id=account_id, name=data.name)
    session.add(group)
    try:
        await session.flush()
    except IntegrityError as exc:
        raise _group_name_taken(data.name) from exc
    added = await _add_members(
        session, account_id=account_id, group=group, agents=agents, touch=False
    )
    audit.record(
        session,
        actor=actor,
        item_type=audit.AGENT_GROUPS,
        action_type=audit.ADD,
        description=f'Created agent group "{group.name}" with {audit.plural(added, "agent")}',
    )
    return await group_detail(session, account_id=account_id, group=group)


async def get_group(
    session: AsyncSession, *, account_id: str, group_id: str
) -> tuple[AgentGroup, list[AgentView]]:
    """Gets a group with its members."""
    group = await _group(session, account_id=account_id, group_id=group_id)
    return await group_detail(session, account_id=account_id, group=group)


async def list_groups(
    session: AsyncSession, *, account_id: str, page: PageParams
) -> tuple[int, list[tuple[AgentGroup, int]]]:
    """Lists groups in id order with their member counts."""
    total, groups = await repository.list_groups(session, account_id=account_id, page=page)
    counts = await repository.member_counts(
        session, account_id=account_id, group_ids=[g.id for g in groups]
    )
    return total, [(g, counts.get(g.id, 0)) for g in groups]


async def rename_group(
    session: AsyncSession, *, actor: Actor, group_id: str, data: AgentGroupUpdate
) -> tuple[AgentGroup, list[AgentView]]:
    """Renames a group."""
    account_id = actor.account_id
    group = await _group(session, account_id=account_id, group_id=group_id)
    if data.name is not None and data.name != group.name:
        if await repository.get_group_by_name(session, account_id=account_id, name=data.name):
            raise _group_name_taken(data.name)
        old_name, group.name = group.name, data.name
        try:
            await session.flush()
        except IntegrityError as exc:
            raise _group_name_taken(data.name) from exc
        audit.record(
            session,
            actor=actor,
            item_type=audit.AGENT_GROUPS,
            action_type=audit.UPDATE,
            description=f'Renamed agent group "{old_name}" to "{group.name}"',
        )
    return await group_detail(session, account_id=account_id, group=group)


async def delete_group(session: AsyncSession, *, actor: Actor, group_id: str) -> None:
    """Deletes a group; its agents stay."""
    account_id = actor.account_id
    group = await _group(session, account_id=account_id, group_id=group_id)
    name = group.name
    await repository.delete_group(session, account_id=account_id, group_id=group_id)
    audit.record(
        session,
        actor=actor,
        item_type=audit.AGENT_GROUPS,
        action_type=audit.DELETE,
        description=f'Deleted agent group "{name}"',
    )


async def add_members(
    session: AsyncSession, *, actor: Actor, group_id: str, refs: Sequence[str]
) -> tuple[AgentGroup, list[AgentView]]:
    """Adds agents to a group: all of them or, if any is unknown, none."""
    account_id = actor.account_id
    group = await _group(session, account_id=account_id, group_id=group_id)
    agents = await _resolve_members(session, account_id=account_id, refs=refs)
    added = await _add_members(session, account_id=account_id, group=group, agents=agents)
    if added:
        audit.record(
            session,
            actor=actor,
            item_type=audit.AGENT_GROUPS,
            action_type=audit.MEMBERSHIP_CHANGE,
            description=f'Added {audit.plural(added, "agent")} to agent group "{group.name}"',
        )
    return await group_detail(session, account_id=account_id, group=group)


async def remove_member(
    session: AsyncSession, *, actor: Actor, group_id: str, ref: str
) -> None:
    """Removes an agent (by helpdesk id, email or `_id`) from a group."""
    account_id = actor.account_id
    group = await _group(session, account_id=account_id, group_id=group_id)
    agent = await _find(session, account_id=account_id, ref=ref)
    removed = await repository.remove_member(
        session, account_id=account_id, group_id=group.id, agent_pk=agent.id
    )
    if not removed:
        raise NotFound(f"agent {ref!r} is not a member of agent group {group_id!r}")
    group.updated_at = clock.now()
    audit.record(
        session,
        actor=actor,
        item_type=audit.AGENT_GROUPS,
        action_type=audit.MEMBERSHIP_CHANGE,
        description=f'Removed agent {agent.email} from agent group "{group.name}"',
    )
