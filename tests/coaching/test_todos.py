"""To-dos: the extension API that makes them, what the reads show, and pages at volume."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import pytest

from podium import clock, ids
from podium.coaching.models import Todo
from podium.db import create_engine, create_sessionmaker
from tests.coaching.builders import api_with_user_token, at, new_session, new_todo
from tests.factories import create_user

TODO_KEYS = [
    "id", "title", "createdAt", "updatedAt", "agentId", "creatorId", "status", "type",
    "coachingSessionIds", "description", "answerId",
]


def test_create_answers_201_with_the_read_shape(world):
    api = world.api
    clock.freeze(at("2023-06-28T16:03:21.089Z"))
    s = new_session(api, agent_id=world.agent_id, coach_id=world.user_id)
    r = api.post(api.ext + "/todos", json={
        "title": "A Todo", "description": "This todo's description text",
        "agentId": world.agent_id, "creatorId": world.user_id, "type": "guru",
        "answerId": "ans_1", "coachingSessionIds": [s["id"]]})
    assert r.status_code == 201, r.text
    body = r.json()
    assert list(body) == TODO_KEYS
    assert body | {"id": None} == {
        "id": None,
        "title": "A Todo",
        "createdAt": "2023-06-28T16:03:21.089Z",
        "updatedAt": "2023-06-28T16:03:21.089Z",
        "agentId": world.agent_id,
        "creatorId": world.user_id,
        "status": "incomplete",
        "type": "guru",
        "coachingSessionIds": [s["id"]],
        "description": "This todo's description text",
        "answerId": "ans_1",
    }
    assert api.get(api.v1 + "/todos/" + body["id"]).json() == body


def test_defaults_of_a_minimal_todo(world):
    t = new_todo(world.api, agent_id=world.agent_id, creator_id=world.user_id)
    assert (t["status"], t["type"], t["description"], t["answerId"], t["coachingSessionIds"]) == (
        "incomplete", "general", "", None, [])


@pytest.mark.parametrize(
    ("change", "param"),
    [
        ({"title": ""}, "title"),
        ({"status": "done"}, "status"),
        ({"type": ""}, "type"),
        ({"agentId": "no-such-agent"}, "agentId"),
        ({"creatorId": "NoSuchUser0000000"}, "creatorId"),
        ({"creatorId": "x" * 18}, "creatorId"),
        ({"coachingSessionIds": ["NoSuchSession0000"]}, "coachingSessionIds"),
        ({"description": "\ud800"}, "description"),
    ],
)
def test_create_validation_names_the_parameter(world, change, param):
    body = {"title": "t", "agentId": world.agent_id, "creatorId": world.user_id} | change
    # json.dumps escapes a lone surrogate as `\ud800`, as a client in another language might send
    r = world.api.post(world.api.ext + "/todos", content=json.dumps(body),
                       headers={"content-type": "application/json"})
    assert r.status_code == 422, r.text
    assert [e["param"] for e in r.json()["errors"]] == [param]
    assert world.api.get(world.api.v1 + "/todos").json()["totalResults"] == 0


def test_title_and_agent_are_required(world):
    r = world.api.post(world.api.ext + "/todos", json={"creatorId": world.user_id})
    assert r.status_code == 422
    assert r.json()["errors"] == [
        {"param": "title", "message": "is required"},
        {"param": "agentId", "message": "is required"},
    ]


def test_creator_is_required_without_a_user_token_and_defaults_with_one(world, settings):
    r = world.api.post(world.api.ext + "/todos", json={"title": "t", "agentId": world.agent_id})
    assert r.status_code == 422
    assert r.json()["errors"] == [{"param": "creatorId", "message": "is required"}]
    caller = create_user(world.api)
    as_caller = api_with_user_token(settings, world.api, caller["id"])
    try:
        r = as_caller.post(as_caller.ext + "/todos",
                           json={"title": "t", "agentId": world.agent_id})
        assert r.status_code == 201, r.text
        assert r.json()["creatorId"] == caller["id"]
    finally:
        as_caller.close()


def test_completing_a_todo_bumps_updated_at(world):
    api = world.api
    clock.freeze(at("2023-06-28T16:03:21.089Z"))
    t = new_todo(api, agent_id=world.agent_id, creator_id=world.user_id, answerId="a1")
    clock.advance(timedelta(seconds=9, milliseconds=715))
    r = api.patch(api.ext + "/todos/" + t["id"], json={"status": "complete", "answerId": None})
    assert r.status_code == 200, r.text
    assert r.json() == t | {
        "status": "complete", "answerId": None, "updatedAt": "2023-06-28T16:03:30.804Z"}
    assert api.get(api.v1 + "/todos/" + t["id"]).json() == r.json()


def test_changing_only_the_sessions_bumps_updated_at(world):
    api = world.api
    clock.freeze(at("2023-06-28T16:03:21.089Z"))
    t = new_todo(api, agent_id=world.agent_id, creator_id=world.user_id)
    s = new_session(api, agent_id=world.agent_id, coach_id=world.user_id)
    clock.advance(timedelta(seconds=1))
    r = api.patch(api.ext + "/todos/" + t["id"], json={"coachingSessionIds": [s["id"]]})
    assert r.json()["coachingSessionIds"] == [s["id"]]
    assert r.json()["updatedAt"] == "2023-06-28T16:03:22.089Z"


@pytest.mark.parametrize(
    ("change", "param"),
    [({"title": None}, "title"), ({"status": None}, "status"), ({"status": "done"}, "status"),
     ({"agentId": "nobody"}, "agentId"), ({"coachingSessionIds": None}, "coachingSessionIds")],
)
def test_patch_validation_changes_nothing(world, change, param):
    api = world.api
    t = new_todo(api, agent_id=world.agent_id, creator_id=world.user_id)
    r = api.patch(api.ext + "/todos/" + t["id"], json=change)
    assert r.status_code == 422, r.text
    assert [e["param"] for e in r.json()["errors"]] == [param]
    assert api.get(api.v1 + "/todos/" + t["id"]).json() == t


def test_delete(world, make_api):
    api = world.api
    t = new_todo(api, agent_id=world.agent_id, creator_id=world.user_id)
    other = make_api()
    assert other.delete(other.ext + "/todos/" + t["id"]).status_code == 404
    assert other.patch(other.ext + "/todos/" + t["id"], json={"title": "x"}).status_code == 404
    r = api.delete(api.ext + "/todos/" + t["id"])
    assert (r.status_code, r.json()) == (200, {"id": t["id"], "deleted": True})
    assert api.get(api.v1 + "/todos/" + t["id"]).status_code == 404
    assert api.delete(api.ext + "/todos/" + t["id"]).status_code == 404


def _insert_todos(settings, *, account_id, agent_pk, agent_id, creator_id, n):
    """Bulk rows straight into the database: volume the HTTP API would take long to make."""

    async def run():
        engine = create_engine(settings)
        try:
            async with create_sessionmaker(engine)() as session:
                now = clock.now()
                session.add_all(
                    Todo(id=ids.new_id(), account_id=account_id, title=f"t{i}", agent_pk=agent_pk,
                         agent_id=agent_id, creator_id=creator_id, created_at=now, updated_at=now)
                    for i in range(n)
                )
                await session.commit()
        finally:
            await engine.dispose()

    asyncio.run(run())


def test_count_defaults_to_100_and_is_clamped_to_1000(world, settings):
    api = world.api
    _insert_todos(settings, account_id=api.account_id, agent_pk=world.agent["_id"],
                  agent_id=world.agent_id, creator_id=world.user_id, n=1005)
    page = api.get(api.v1 + "/todos").json()
    assert (page["totalResults"], page["itemsPerPage"]) == (1005, 100)
    page = api.get(api.v1 + "/todos", params={"count": 5000}).json()
    assert (page["totalResults"], page["itemsPerPage"]) == (1005, 1000)
    ids_seen = [t["id"] for t in page["Resources"]]
    assert ids_seen == sorted(ids_seen)
    tail = api.get(api.v1 + "/todos", params={"count": 1000, "startIndex": 1000}).json()
    assert tail["itemsPerPage"] == 5
    assert set(ids_seen).isdisjoint(t["id"] for t in tail["Resources"])
    assert tail["Resources"][0]["id"] > ids_seen[-1]
