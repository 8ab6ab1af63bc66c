"""Coaching points: the extension API that makes them, and what the reads then show."""

from __future__ import annotations

from datetime import timedelta

import pytest

from podium import clock
from tests.coaching.builders import api_with_user_token, at, new_point, new_session
from tests.factories import create_agent, create_user

POINT_KEYS = [
    "id", "createdAt", "updatedAt", "agentId", "creatorId", "criteriaId", "rubricId", "answerId",
    "type", "classification", "coachNotes", "coachingSessionIds", "textContent",
]


def test_create_answers_201_with_the_read_shape(world):
    api = world.api
    clock.freeze(at("2023-06-21T17:52:36.687Z"))
    answer = "16906fb5ce9d57646fa38362_5310985_AatxWWtXWKcfiN34E_542897_GRADER_grading"
    r = api.post(api.ext + "/coaching-points", json={
        "agentId": world.agent_id, "creatorId": world.user_id, "rubricId": "AatxWWtXWKcfiN34E",
        "answerId": answer, "type": "opportunities", "classification": "qa",
        "coachNotes": "Let's talk about greeting ", "unknownField": 1})
    assert r.status_code == 201, r.text
    body = r.json()
    assert list(body) == POINT_KEYS
    assert body | {"id": None} == {
        "id": None,
        "createdAt": "2023-06-21T17:52:36.687Z",
        "updatedAt": "2023-06-21T17:52:36.687Z",
        "agentId": world.agent_id,
        "creatorId": world.user_id,
        "criteriaId": None,
        "rubricId": "AatxWWtXWKcfiN34E",
        "answerId": answer,
        "type": "opportunities",
        "classification": "qa",
        "coachNotes": "Let's talk about greeting ",
        "coachingSessionIds": [],
        "textContent": "",
    }
    assert api.get(api.v1 + "/coaching-points/" + body["id"]).json() == body


def test_defaults_of_a_minimal_point(world):
    p = new_point(world.api, agent_id=world.agent_id, creator_id=world.user_id, type="n/a")
    assert (p["type"], p["classification"], p["coachNotes"], p["textContent"]) == (
        "n/a", "general", None, "")
    assert (p["criteriaId"], p["rubricId"], p["answerId"]) == (None, None, None)


def test_coaching_session_ids_round_trip(world):
    api = world.api
    sessions = sorted(
        new_session(api, agent_id=world.agent_id, coach_id=world.user_id)["id"] for _ in range(3)
    )
    # given in any order and with a repeat: stored once each, shown in id order
    given = [sessions[2], sessions[0], sessions[2]]
    p = new_point(api, agent_id=world.agent_id, creator_id=world.user_id,
                  coachingSessionIds=given)
    assert p["coachingSessionIds"] == [sessions[0], sessions[2]]
    assert api.get(api.v1 + "/coaching-points/" + p["id"]).json()["coachingSessionIds"] == [
        sessions[0], sessions[2]]
    listed = api.get(api.v1 + "/coaching-points").json()["Resources"]
    assert listed[0]["coachingSessionIds"] == [sessions[0], sessions[2]]

    r = api.patch(api.ext + "/coaching-points/" + p["id"],
                  json={"coachingSessionIds": [sessions[1]]})
    assert r.json()["coachingSessionIds"] == [sessions[1]]
    r = api.patch(api.ext + "/coaching-points/" + p["id"], json={"textContent": "x"})
    assert r.json()["coachingSessionIds"] == [sessions[1]]  # not sent: unchanged
    r = api.patch(api.ext + "/coaching-points/" + p["id"], json={"coachingSessionIds": []})
    assert r.json()["coachingSessionIds"] == []


def test_a_page_shows_each_points_own_sessions(world):
    api = world.api
    s1, s2 = (new_session(api, agent_id=world.agent_id, coach_id=world.user_id)["id"]
              for _ in range(2))
    expected = {}
    for ids in ([s1], [], [s1, s2], [s2]):
        p = new_point(api, agent_id=world.agent_id, creator_id=world.user_id,
                      coachingSessionIds=ids)
        expected[p["id"]] = sorted(ids)
    page = api.get(api.v1 + "/coaching-points").json()["Resources"]
    assert {p["id"]: p["coachingSessionIds"] for p in page} == expected


def test_unknown_or_foreign_session_ids_are_422(world, make_api):
    api = world.api
    other = make_api()
    theirs = new_session(other, agent_id=create_agent(other)["agentId"],
                         coach_id=create_user(other)["id"])
    mine = new_session(api, agent_id=world.agent_id, coach_id=world.user_id)
    for bad in ("NoSuchSession0000", theirs["id"]):
        r = api.post(api.ext + "/coaching-points", json={
            "agentId": world.agent_id, "creatorId": world.user_id,
            "coachingSessionIds": [mine["id"], bad]})
        assert r.status_code == 422, r.text
        assert r.json()["errors"] == [{
            "param": "coachingSessionIds", "message": f"no coaching session {bad!r} in this account"
        }]
    assert api.get(api.v1 + "/coaching-points").json()["totalResults"] == 0


@pytest.mark.parametrize(
    ("change", "param"),
    [
        ({"agentId": "no-such-agent"}, "agentId"),
        ({"creatorId": "NoSuchUser0000000"}, "creatorId"),
        ({"type": "strength"}, "type"),
        ({"classification": "other"}, "classification"),
        ({"coachingSessionIds": "abc"}, "coachingSessionIds"),
        ({"coachingSessionIds": [5]}, "coachingSessionIds[0]"),
        ({"answerId": "a" * 301}, "answerId"),
        ({"textContent": 5}, "textContent"),
    ],
)
def test_create_validation_names_the_parameter(world, change, param):
    body = {"agentId": world.agent_id, "creatorId": world.user_id} | change
    r = world.api.post(world.api.ext + "/coaching-points", json=body)
    assert r.status_code == 422, r.text
    assert [e["param"] for e in r.json()["errors"]] == [param]


def test_creator_is_required_when_the_token_has_no_user(world):
    r = world.api.post(world.api.ext + "/coaching-points", json={"agentId": world.agent_id})
    assert r.status_code == 422
    assert r.json()["message"] == "creatorId: is required"


def test_creator_defaults_to_the_tokens_user(world, settings):
    caller = create_user(world.api)
    as_caller = api_with_user_token(settings, world.api, caller["id"])
    try:
        r = as_caller.post(as_caller.ext + "/coaching-points", json={"agentId": world.agent_id})
        assert r.status_code == 201, r.text
        assert r.json()["creatorId"] == caller["id"]
    finally:
        as_caller.close()


def test_patch_bumps_updated_at_and_may_clear_nullable_fields(world):
    api = world.api
    clock.freeze(at("2023-06-21T17:52:36.687Z"))
    p = new_point(api, agent_id=world.agent_id, creator_id=world.user_id, coachNotes="n",
                  criteriaId="c1", rubricId="r1", answerId="a1")
    clock.advance(timedelta(days=2, hours=11, minutes=49, seconds=41, milliseconds=912))
    r = api.patch(api.ext + "/coaching-points/" + p["id"], json={
        "coachNotes": None, "criteriaId": None, "type": "opportunities", "classification": "csat"})
    assert r.status_code == 200, r.text
    assert r.json() == p | {
        "coachNotes": None, "criteriaId": None, "type": "opportunities",
        "classification": "csat", "updatedAt": "2023-06-24T05:42:18.599Z",
    }


@pytest.mark.parametrize(
    ("change", "param"),
    [({"type": None}, "type"), ({"textContent": None}, "textContent"),
     ({"agentId": None}, "agentId"), ({"creatorId": "NoSuchUser0000000"}, "creatorId"),
     ({"coachingSessionIds": ["NoSuchSession0000"]}, "coachingSessionIds")],
)
def test_patch_validation_changes_nothing(world, change, param):
    api = world.api
    p = new_point(api, agent_id=world.agent_id, creator_id=world.user_id)
    r = api.patch(api.ext + "/coaching-points/" + p["id"], json=change)
    assert r.status_code == 422, r.text
    assert [e["param"] for e in r.json()["errors"]] == [param]
    assert api.get(api.v1 + "/coaching-points/" + p["id"]).json() == p


def test_delete(world, make_api):
    api = world.api
    p = new_point(api, agent_id=world.agent_id, creator_id=world.user_id)
    other = make_api()
    assert other.delete(other.ext + "/coaching-points/" + p["id"]).status_code == 404
    assert other.patch(other.ext + "/coaching-points/" + p["id"], json={}).status_code == 404
    r = api.delete(api.ext + "/coaching-points/" + p["id"])
    assert r.status_code == 200
    assert r.json() == {"id": p["id"], "deleted": True}
    assert api.get(api.v1 + "/coaching-points/" + p["id"]).status_code == 404
    assert api.get(api.v1 + "/coaching-points").json()["totalResults"] == 0
    assert api.delete(api.ext + "/coaching-points/" + p["id"]).status_code == 404
