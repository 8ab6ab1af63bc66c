"""Coaching sessions: the extension API that makes them, and what the reads then show."""

from __future__ import annotations

from datetime import timedelta

import pytest

from podium import clock
from podium.text_guard import UNSTORABLE
from tests.coaching.builders import api_with_user_token, at, new_point, new_session, new_todo
from tests.factories import create_agent, create_user

SESSION_KEYS = [
    "id", "name", "createdAt", "updatedAt", "agentId", "agentName", "coachId", "coachName",
    "creatorId", "agentNotes", "coachNotes", "coachPrivateNotes", "sessionContents",
    "coachingTemplateId", "meetingFormat", "agentConfirmed", "coachConfirmed",
]


def test_create_answers_201_with_the_read_shape(world):
    api = world.api
    clock.freeze(at("2023-07-13T16:02:42.255Z"))
    r = api.post(api.ext + "/coaching-sessions", json={
        "name": "Sample Coaching Session", "agentId": world.agent_id, "coachId": world.user_id,
        "agentNotes": "Agent's notes", "coachNotes": "Coach's notes",
        "coachPrivateNotes": "Private notes", "sessionContents": "Overview",
        "coachingTemplateId": "16906fb5ce9d57646fa38362", "meetingFormat": "virtual",
        "agentConfirmed": True, "coachConfirmed": False,
    })
    assert r.status_code == 201, r.text
    body = r.json()
    assert list(body) == SESSION_KEYS
    assert len(body["id"]) == 17
    assert body | {"id": None} == {
        "id": None,
        "name": "Sample Coaching Session",
        "createdAt": "2023-07-13T16:02:42.255Z",
        "updatedAt": "2023-07-13T16:02:42.255Z",
        "agentId": world.agent_id,
        "agentName": "Harrison Charles",
        "coachId": world.user_id,
        "coachName": "Charlie Smith",
        "creatorId": world.user_id,
        "agentNotes": "Agent's notes",
        "coachNotes": "Coach's notes",
        "coachPrivateNotes": "Private notes",
        "sessionContents": "Overview",
        "coachingTemplateId": "16906fb5ce9d57646fa38362",
        "meetingFormat": "virtual",
        "agentConfirmed": True,
        "coachConfirmed": False,
    }
    assert api.get(api.v1 + "/coaching-sessions/" + body["id"]).json() == body


def test_defaults_of_a_minimal_session(world):
    s = new_session(world.api, agent_id=world.agent_id, coach_id=world.user_id, creatorId=None)
    assert (s["agentNotes"], s["coachNotes"], s["coachPrivateNotes"], s["sessionContents"]) == (
        "", "", "", "")
    assert s["coachingTemplateId"] is None
    assert s["meetingFormat"] == "inPerson"
    assert (s["agentConfirmed"], s["coachConfirmed"]) == (False, False)
    # a token without a user: the creator is the coach
    assert s["creatorId"] == world.user_id


def test_creator_defaults_to_the_tokens_user(world, settings):
    caller = create_user(world.api, name="Caller")
    as_caller = api_with_user_token(settings, world.api, caller["id"])
    try:
        r = as_caller.post(as_caller.ext + "/coaching-sessions", json={
            "name": "s", "agentId": world.agent_id, "coachId": world.user_id})
        assert r.status_code == 201, r.text
        assert r.json()["creatorId"] == caller["id"]
        assert r.json()["coachId"] == world.user_id
    finally:
        as_caller.close()


def test_numeric_agent_id_is_accepted(api):
    create_agent(api, agentId="72999")
    coach = create_user(api)
    r = api.post(api.ext + "/coaching-sessions",
                 json={"name": "s", "agentId": 72999, "coachId": coach["id"]})
    assert r.status_code == 201, r.text
    assert r.json()["agentId"] == "72999"


@pytest.mark.parametrize(
    ("change", "param"),
    [
        ({"agentId": "no-such-agent"}, "agentId"),
        ({"coachId": "NoSuchUser0000000"}, "coachId"),
        ({"creatorId": "NoSuchUser0000000"}, "creatorId"),
        ({"meetingFormat": "zoom"}, "meetingFormat"),
        ({"name": ""}, "name"),
        ({"name": "x" * 501}, "name"),
        ({"agentConfirmed": "maybe"}, "agentConfirmed"),
        ({"agentNotes": "a\x00b"}, "agentNotes"),
        ({"coachingTemplateId": "t" * 101}, "coachingTemplateId"),
    ],
)
def test_create_validation_names_the_parameter(world, change, param):
    body = {"name": "s", "agentId": world.agent_id, "coachId": world.user_id} | change
    r = world.api.post(world.api.ext + "/coaching-sessions", json=body)
    assert r.status_code == 422, r.text
    assert [e["param"] for e in r.json()["errors"]] == [param]
    assert world.api.get(world.api.v1 + "/coaching-sessions").json()["totalResults"] == 0


@pytest.mark.parametrize("missing", ["name", "agentId", "coachId"])
def test_required_fields(world, missing):
    body = {"name": "s", "agentId": world.agent_id, "coachId": world.user_id}
    del body[missing]
    r = world.api.post(world.api.ext + "/coaching-sessions", json=body)
    assert r.status_code == 422
    assert r.json()["errors"] == [{"param": missing, "message": "is required"}]


def test_another_accounts_coach_or_agent_is_rejected(world, make_api):
    other = make_api()
    their_user = create_user(other)
    their_agent = create_agent(other)
    api = world.api
    r = api.post(api.ext + "/coaching-sessions",
                 json={"name": "s", "agentId": world.agent_id, "coachId": their_user["id"]})
    assert r.status_code == 422
    assert r.json()["errors"][0]["param"] == "coachId"
    r = api.post(api.ext + "/coaching-sessions",
                 json={"name": "s", "agentId": their_agent["agentId"], "coachId": world.user_id})
    assert r.status_code == 422
    assert r.json()["errors"][0]["param"] == "agentId"


def test_malformed_json_is_400(world):
    r = world.api.post(world.api.ext + "/coaching-sessions", content=b"{not json",
                       headers={"content-type": "application/json"})
    assert r.status_code == 400


def test_patch_changes_only_what_is_sent_and_bumps_updated_at(world):
    api = world.api
    clock.freeze(at("2023-07-13T16:02:42.255Z"))
    s = new_session(api, agent_id=world.agent_id, coach_id=world.user_id, coachNotes="keep",
                    coachingTemplateId="tpl")
    clock.advance(timedelta(seconds=11, milliseconds=367))
    new_coach = create_user(api, name="Matthew Chuck")
    r = api.patch(api.ext + "/coaching-sessions/" + s["id"], json={
        "name": "Renamed", "coachId": new_coach["id"], "coachConfirmed": True,
        "coachingTemplateId": None, "meetingFormat": "async"})
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["createdAt"] == "2023-07-13T16:02:42.255Z"
    assert got["updatedAt"] == "2023-07-13T16:02:53.622Z"
    assert got == s | {
        "name": "Renamed", "coachId": new_coach["id"], "coachName": "Matthew Chuck",
        "coachConfirmed": True, "coachingTemplateId": None, "meetingFormat": "async",
        "updatedAt": "2023-07-13T16:02:53.622Z",
    }
    assert api.get(api.v1 + "/coaching-sessions/" + s["id"]).json() == got


def test_patch_agent_moves_the_session_to_that_agent(world):
    api = world.api
    s = new_session(api, agent_id=world.agent_id, coach_id=world.user_id)
    other = create_agent(api, name="Automated Process")
    r = api.patch(api.ext + "/coaching-sessions/" + s["id"], json={"agentId": other["agentId"]})
    assert r.status_code == 200
    assert (r.json()["agentId"], r.json()["agentName"]) == (other["agentId"], "Automated Process")
    ids = lambda agent_id: [  # noqa: E731
        i["id"] for i in api.get(api.v1 + "/coaching-sessions",
                                 params={"agentId": agent_id}).json()["Resources"]]
    assert ids(other["agentId"]) == [s["id"]]
    assert ids(world.agent_id) == []


@pytest.mark.parametrize(
    ("change", "param"),
    [({"name": None}, "name"), ({"agentId": "nobody"}, "agentId"),
     ({"coachId": "NoSuchUser0000000"}, "coachId"), ({"meetingFormat": None}, "meetingFormat"),
     ({"agentConfirmed": None}, "agentConfirmed")],
)
def test_patch_validation(world, change, param):
    api = world.api
    s = new_session(api, agent_id=world.agent_id, coach_id=world.user_id)
    r = api.patch(api.ext + "/coaching-sessions/" + s["id"], json=change)
    assert r.status_code == 422, r.text
    assert [e["param"] for e in r.json()["errors"]] == [param]
    assert api.get(api.v1 + "/coaching-sessions/" + s["id"]).json() == s


def test_patch_and_delete_of_unknown_or_foreign_sessions_are_404(world, make_api):
    api = world.api
    other = make_api()
    theirs = new_session(other, agent_id=create_agent(other)["agentId"],
                         coach_id=create_user(other)["id"])
    for sid in ("NoSuchSession0000", theirs["id"]):
        r = api.patch(api.ext + "/coaching-sessions/" + sid, json={"name": "x"})
        assert r.status_code == 404
        assert api.delete(api.ext + "/coaching-sessions/" + sid).status_code == 404
    assert other.get(other.v1 + "/coaching-sessions/" + theirs["id"]).json() == theirs


def test_delete_removes_the_session_from_points_and_todos(world):
    api = world.api
    keep = new_session(api, agent_id=world.agent_id, coach_id=world.user_id)
    gone = new_session(api, agent_id=world.agent_id, coach_id=world.user_id)
    point = new_point(api, agent_id=world.agent_id, creator_id=world.user_id,
                      coachingSessionIds=[gone["id"], keep["id"]])
    todo = new_todo(api, agent_id=world.agent_id, creator_id=world.user_id,
                    coachingSessionIds=[gone["id"]])
    r = api.delete(api.ext + "/coaching-sessions/" + gone["id"])
    assert r.status_code == 200
    assert r.json() == {"id": gone["id"], "deleted": True}
    assert api.get(api.v1 + "/coaching-sessions/" + gone["id"]).status_code == 404
    assert api.delete(api.ext + "/coaching-sessions/" + gone["id"]).status_code == 404
    assert api.get(api.v1 + "/coaching-points/" + point["id"]).json()["coachingSessionIds"] == [
        keep["id"]]
    assert api.get(api.v1 + "/todos/" + todo["id"]).json()["coachingSessionIds"] == []
    page = api.get(api.v1 + "/coaching-sessions").json()
    assert [s["id"] for s in page["Resources"]] == [keep["id"]]


def test_coach_filter(world):
    api = world.api
    other_coach = create_user(api)
    mine = [new_session(api, agent_id=world.agent_id, coach_id=world.user_id) for _ in range(2)]
    # created by my coach, coached by the other: only the coach counts
    theirs = new_session(api, agent_id=world.agent_id, coach_id=other_coach["id"],
                         creatorId=world.user_id)

    def ids(**params):
        return [s["id"] for s in
                api.get(api.v1 + "/coaching-sessions", params=params).json()["Resources"]]

    assert ids(coachId=world.user_id) == sorted(s["id"] for s in mine)
    assert ids(coachId=other_coach["id"]) == [theirs["id"]]
    assert ids(creatorId=world.user_id) == sorted(s["id"] for s in [*mine, theirs])
    assert ids(coachId=other_coach["id"], creatorId=other_coach["id"]) == []
    assert ids(coachId="NoSuchUser0000000") == []
    r = api.get(api.v1 + "/coaching-sessions", params={"coachId": "x\x00"})
    assert r.status_code == 422
    assert r.json()["errors"] == [{"param": "coachId", "message": UNSTORABLE}]


def test_a_page_names_each_sessions_agent_and_coach(world):
    api = world.api
    agents = [create_agent(api, name=f"Agent {n}") for n in range(3)]
    coaches = [create_user(api, name=f"Coach {n}") for n in range(3)]
    made = {}
    for n in range(3):
        s = new_session(api, agent_id=agents[n]["agentId"], coach_id=coaches[2 - n]["id"])
        made[s["id"]] = (f"Agent {n}", f"Coach {2 - n}")
    page = api.get(api.v1 + "/coaching-sessions").json()
    assert {s["id"]: (s["agentName"], s["coachName"]) for s in page["Resources"]} == made
