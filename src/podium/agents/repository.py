"""Queries for agents, their helpdesk ids and agent groups; every one scoped to an account."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from podium.agents.models import Agent, AgentGroup, AgentHelpdeskId


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
    missing = [r for r in refs if r not in out and "@" in r]
    if missing:
        stmt2 = select(Agent).where(Agent.account_id == account_id, Agent.email.in_(missing))
        agents = list((await session.execute(stmt2)).scalars().all())
        ids_by_pk = await helpdesk_ids_of(
            session, account_id=account_id, agent_pks=[a.id for a in agents]
        )
        for agent in agents:
            first = ids_by_pk.get(agent.id) or [agent.id]
            out[agent.email] = (agent, first[0])
    return out


async def get_group(session: AsyncSession, *, account_id: str, group_id: str) -> AgentGroup | None:
    stmt = select(AgentGroup).where(AgentGroup.account_id == account_id, AgentGroup.id == group_id)
    return (await session.execute(stmt)).scalar_one_or_none()
