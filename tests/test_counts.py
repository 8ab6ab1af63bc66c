"""Kept list counts: `totalResults` of an unfiltered list stays exact through every change."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from podium import clock, counts, ids
from podium.coaching.models import Todo
from podium.counts import ListCount
from podium.db import create_engine, create_sessionmaker
from tests.factories import create_agent, create_user


def _run(settings, fn):
    async def go():
        engine = create_engine(settings)
        try:
            async with create_sessionmaker(engine)() as session:
                result = await fn(session)
                await session.commit()
                return result
        finally:
            await engine.dispose()

    return asyncio.run(go())


def _kept(settings, account_id):
    async def read(session):
        stmt = select(ListCount.n).where(
            ListCount.account_id == account_id, ListCount.kind == "todos"
        )
        return (await session.execute(stmt)).scalar_one_or_none()

    return _run(settings, read)


def _bulk_todos(settings, api, agent, user, n):
    async def insert(session):
        now = clock.now()
        session.add_all(
            Todo(id=ids.new_id(), account_id=api.account_id, title="bulk", agent_pk=agent["_id"],
                 agent_id=agent["agentId"], creator_id=user["id"], created_at=now, updated_at=now)
            for _ in range(n)
        )

    _run(settings, insert)


def _todo(api, agent, user):
    r = api.post(api.ext + "/todos",
                 json={"title": "t", "agentId": agent["agentId"], "creatorId": user["id"]})
    assert r.status_code == 201, r.text
    return r.json()


def _total(api, **params):
    return api.get(api.v1 + "/todos", params=params).json()["totalResults"]


def test_creates_and_deletes_keep_the_count_exact(api, settings):
    agent, user = create_agent(api), create_user(api)
    made = [_todo(api, agent, user) for _ in range(3)]
    assert _total(api) == 3 and _kept(settings, api.account_id) == 3
    assert api.delete(api.ext + f"/todos/{made[0]['id']}").status_code == 200
    assert api.delete(api.ext + f"/todos/{made[0]['id']}").status_code == 404
    assert _total(api) == 2 and _kept(settings, api.account_id) == 2
    # a filtered list is counted from the rows, and agrees
    assert _total(api, agentId=agent["agentId"]) == 2


def test_the_first_count_comes_from_the_rows(api, settings):
    agent, user = create_agent(api), create_user(api)
    _bulk_todos(settings, api, agent, user, 7)  # rows without a kept count
    assert _kept(settings, api.account_id) is None
    assert _total(api) == 7  # counted while there is no kept count
    _todo(api, agent, user)
    assert _kept(settings, api.account_id) == 8
    assert _total(api) == 8


def test_recount_after_a_bulk_load(api, settings):
    agent, user = create_agent(api), create_user(api)
    _todo(api, agent, user)
    _bulk_todos(settings, api, agent, user, 5)
    n = _run(settings, lambda s: counts.recount(s, model=Todo, account_id=api.account_id))
    assert n == 6 and _total(api) == 6


def test_concurrent_creates_are_all_counted(make_api, settings):
    api = make_api()
    agent, user = create_agent(api), create_user(api)
    with ThreadPoolExecutor(10) as pool:
        list(pool.map(lambda _: _todo(api, agent, user), range(20)))
    assert _kept(settings, api.account_id) == 20
    assert _total(api) == 20
