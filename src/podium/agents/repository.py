"""Queries for agents, their helpdesk ids and agent groups; every one scoped to an account."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from podium.agents.models import Agent, AgentGroup, AgentGroupMember, AgentHelpdeskId
from podium.pagination import PageParams, paginate


async def get_by_helpdesk_id(
    session: AsyncSession, *, account_id: str, helpdesk_id: str
) -> Agent | None:
    stmt = (
        select(Agent)
        .join(AgentHelpdeskId, AgentHelpdeskId.agent_pk == Agent.id)
        .where(AgentHelpdeskId.account_id == account_id, AgentHelpdeskId.helpdesk_id == helpdesk_id)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def get_by_email(session: AsyncSession, *, account_id: str, email: str) -> Agent | None:
    stmt = select(Agent).where(Agent.account_id == account_id, Agent.email == email)
    return (await session.execute(stmt)).scalar_one_or_none()


async def get_by_pk(session: AsyncSession, *, account_id: str, agent_pk: str) -> Agent | None:
    stmt = select(Agent).where(Agent.account_id == account_id, Agent.id == agent_pk)
    return (await session.execute(stmt)).scalar_one_or_none()


async def helpdesk_ids_of(
    session: AsyncSession, *, account_id: str, agent_pks: Iterable[str]
) -> dict[str, list[str]]:
    """agent pk -> its helpdesk ids, the one it was created with first."""
    pks = list(set(agent_pks))
    if not pks:
        return {}
    stmt = (
        select(AgentHelpdeskId.agent_pk, AgentHelpdeskId.helpdesk_id)
        .where(AgentHelpdeskId.account_id == account_id, AgentHelpdeskId.agent_pk.in_(pks))
        .order_by(AgentHelpdeskId.agent_pk, AgentHelpdeskId.position, AgentHelpdeskId.id)
    )
    out: dict[str, list[str]] = {pk: [] for pk in pks}
    for pk, hid in (await session.execute(stmt)).all():
        out[pk].append(hid)
    return out


async def resolve_refs(
    session: AsyncSession, *, account_id: str, refs: Sequence[str]
) -> dict[str, tuple[Agent, str]]:
    """Resolve agent references (a helpdesk id, or an email) in one round trip per kind.

    Returns ref -> (agent, the helpdesk id to show for it). A ref given as an email resolves to the
    agent's first helpdesk id. Unresolved refs are absent from the result.
    """
    refs = list(dict.fromkeys(refs))
    out: dict[str, tuple[Agent, str]] = {}
    if not refs:
        return out
    stmt = (
        select(AgentHelpdeskId.helpdesk_id, Agent)
        .join(Agent, Agent.id == AgentHelpdeskId.agent_pk)
        .where(AgentHelpdeskId.account_id == account_id, AgentHelpdeskId.helpdesk_id.in_(refs))
    )
    for hid, agent in (await session.execute(stmt)).all():
        out[hid] = (agent, hid)
    # emails are stored in lower case; a ref may be written in any case
    missing: dict[str, list[str]] = {}
    for r in refs:
        if r not in out and "@" in r:
            missing.setdefault(r.lower(), []).append(r)
    if missing:
        stmt2 = select(Agent).where(Agent.account_id == account_id, Agent.email.in_(missing))
        agents = list((await session.execute(stmt2)).scalars().all())
        ids_by_pk = await helpdesk_ids_of(
            session, account_id=account_id, agent_pks=[a.id for a in agents]
        )
        for agent in agents:
            first = ids_by_pk.get(agent.id) or [agent.id]
            for ref in missing.get(agent.email, []):
                out[ref] = (agent, first[0])
    return out


async def get_group(session: AsyncSession, *, account_id: str, group_id: str) -> AgentGroup | None:
    stmt = select(AgentGroup).where(AgentGroup.account_id == account_id, AgentGroup.id == group_id)
    return (await session.execute(stmt)).scalar_one_or_none()


# --- agents: lookups and writes used by the agents service ---


async def find(session: AsyncSession, *, account_id: str, ref: str) -> Agent | None:
    """The agent whose `_id`, helpdesk id or email is `ref` (tried in that order)."""
    agent = await get_by_pk(session, account_id=account_id, agent_pk=ref)
    if agent is None:
        agent = await get_by_helpdesk_id(session, account_id=account_id, helpdesk_id=ref)
    if agent is None and "@" in ref:
        agent = await get_by_email(session, account_id=account_id, email=ref.lower())
    return agent


async def find_many(
    session: AsyncSession, *, account_id: str, refs: Sequence[str]
) -> dict[str, Agent]:
    """ref -> agent for each ref that names an agent by helpdesk id, email or `_id`."""
    refs = list(dict.fromkeys(refs))
    resolved = await resolve_refs(session, account_id=account_id, refs=refs)
    out = {ref: agent for ref, (agent, _) in resolved.items()}
    rest = [r for r in refs if r not in out]
    if rest:
        stmt = select(Agent).where(Agent.account_id == account_id, Agent.id.in_(rest))
        for agent in (await session.execute(stmt)).scalars():
            out[agent.id] = agent
    return out


async def helpdesk_id_owner(
    session: AsyncSession, *, account_id: str, helpdesk_id: str
) -> str | None:
    """The `_id` of the agent holding `helpdesk_id`, if any."""
    stmt = select(AgentHelpdeskId.agent_pk).where(
        AgentHelpdeskId.account_id == account_id, AgentHelpdeskId.helpdesk_id == helpdesk_id
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def next_helpdesk_position(session: AsyncSession, *, account_id: str, agent_pk: str) -> int:
    stmt = select(func.max(AgentHelpdeskId.position)).where(
        AgentHelpdeskId.account_id == account_id, AgentHelpdeskId.agent_pk == agent_pk
    )
    last = (await session.execute(stmt)).scalar_one_or_none()
    return 0 if last is None else last + 1


async def group_ids_of(
    session: AsyncSession, *, account_id: str, agent_pks: Iterable[str]
) -> dict[str, list[str]]:
    """agent pk -> the groups it belongs to, the one it joined first first."""
    pks = list(set(agent_pks))
    if not pks:
        return {}
    stmt = (
        select(AgentGroupMember.agent_pk, AgentGroupMember.group_id)
        .where(AgentGroupMember.account_id == account_id, AgentGroupMember.agent_pk.in_(pks))
        .order_by(AgentGroupMember.created_at, AgentGroupMember.group_id)
    )
    out: dict[str, list[str]] = {pk: [] for pk in pks}
    for pk, gid in (await session.execute(stmt)).all():
        out[pk].append(gid)
    return out


async def list_agents(
    session: AsyncSession,
    *,
    account_id: str,
    page: PageParams,
    available: bool | None = None,
    email: str | None = None,
) -> tuple[int, list[Agent]]:
    where: list[ColumnElement[bool]] = [Agent.account_id == account_id]
    if available is not None:
        where.append(Agent.available.is_(available))
    if email is not None:
        where.append(Agent.email == email)
    return await paginate(session, model=Agent, where=where, page=page)


# --- agent groups ---


async def get_group_by_name(
    session: AsyncSession, *, account_id: str, name: str
) -> AgentGroup | None:
    stmt = select(AgentGroup).where(AgentGroup.account_id == account_id, AgentGroup.name == name)
    return (await session.execute(stmt)).scalar_one_or_none()


async def list_groups(
    session: AsyncSession, *, account_id: str, page: PageParams
) -> tuple[int, list[AgentGroup]]:
    return await paginate(
        session, model=AgentGroup, where=[AgentGroup.account_id == account_id], page=page
    )


async def member_counts(
    session: AsyncSession, *, account_id: str, group_ids: Iterable[str]
) -> dict[str, int]:
    ids = list(set(group_ids))
    if not ids:
        return {}
    stmt = (
        select(AgentGroupMember.group_id, func.count())
        .where(AgentGroupMember.account_id == account_id, AgentGroupMember.group_id.in_(ids))
        .group_by(AgentGroupMember.group_id)
    )
    counts = dict.fromkeys(ids, 0)
    counts.update({gid: n for gid, n in (await session.execute(stmt)).all()})
    return counts


async def members_of(session: AsyncSession, *, account_id: str, group_id: str) -> list[Agent]:
    """The group's agents, in the order they joined."""
    stmt = (
        select(Agent)
        .join(AgentGroupMember, AgentGroupMember.agent_pk == Agent.id)
        .where(AgentGroupMember.account_id == account_id, AgentGroupMember.group_id == group_id)
        .order_by(AgentGroupMember.created_at, Agent.id)
    )
    return list((await session.execute(stmt)).scalars().all())


async def member_pks(
    session: AsyncSession, *, account_id: str, group_id: str, agent_pks: Iterable[str]
) -> set[str]:
    """Which of `agent_pks` are already in the group."""
    pks = list(set(agent_pks))
    if not pks:
        return set()
    stmt = select(AgentGroupMember.agent_pk).where(
        AgentGroupMember.account_id == account_id,
        AgentGroupMember.group_id == group_id,
        AgentGroupMember.agent_pk.in_(pks),
    )
    return set((await session.execute(stmt)).scalars().all())


async def remove_member(
    session: AsyncSession, *, account_id: str, group_id: str, agent_pk: str
) -> bool:
    """Removes one membership; False if there was none."""
    stmt = delete(AgentGroupMember).where(
        AgentGroupMember.account_id == account_id,
        AgentGroupMember.group_id == group_id,
        AgentGroupMember.agent_pk == agent_pk,
    )
    result = await session.execute(stmt)
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def delete_group(session: AsyncSession, *, account_id: str, group_id: str) -> None:
    """Deletes a group and its memberships (the agents stay)."""
    await session.execute(
        delete(AgentGroupMember).where(
            AgentGroupMember.account_id == account_id, AgentGroupMember.group_id == group_id
        )
    )
    await session.execute(
        delete(AgentGroup).where(AgentGroup.account_id == account_id, AgentGroup.id == group_id)
    )
