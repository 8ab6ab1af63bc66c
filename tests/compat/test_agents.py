"""The reference's agent endpoints, example by example and error row by error row:
`POST /agents`, `POST /agents/add-id-to-agent`, `POST /update-agent-availability`."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from podium.ids import ID_ALPHABET
from tests.agents.helpers import assert_error, create_group
from tests.factories import create_agent, unique
from tests.helpers import Api

AGENT_KEYS = {"_id", "name", "agentId", "available", "email", "agentGroupId"}


def allison(group_id: str) -> dict:
    """The reference's example body, with a group of this account."""
    return {
        "name": "Allison Agent",
        "available": True,
        "email": "brand_new_agent@maestroqa.com",
        "agentId": "allisonagent",
        "agentGroupId": group_id,
    }


# --- Create an Agent ---


def test_create_agent_replays_the_reference_example(api):
    group = create_group(api)
    r = api.post(api.v1 + "/agents", json=allison(group["id"]))
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == AGENT_KEYS
    assert body == {
        "_id": body["_id"],
        "name": "Allison Agent",
        "agentId": "allisonagent",
        "available": True,
        "email": "brand_new_agent@maestroqa.com",
        "agentGroupId": group["id"],
    }
    assert len(body["_id"]) == 17 and set(body["_id"]) <= set(ID_ALPHABET)
    # the agent really is in the group
    members = api.get(api.ext + f"/agent-groups/{group['id']}").json()["members"]
    assert [m["_id"] for m in members] == [body["_id"]]


def test_create_agent_without_optional_fields_generates_an_agent_id(api):
    r = api.post(
        api.v1 + "/agents", json={"name": "Ann", "available": False, "email": "ann@example.com"}
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["agentGroupId"] is None
    assert body["available"] is False
    assert len(body["agentId"]) == 17 and set(body["agentId"]) <= set(ID_ALPHABET)
    # the generated id names the agent from then on
    assert api.get(api.ext + f"/agents/{body['agentId']}").json()["_id"] == body["_id"]


def test_numeric_agent_id_is_kept_as_a_string(api):
    body = create_agent(api, agentId=10061553646875)
    assert body["agentId"] == "10061553646875"


def test_email_is_stored_in_lower_case(api):
    body = create_agent(api, email="Mixed.Case@Example.COM")
    assert body["email"] == "mixed.case@example.com"


def test_unknown_extra_fields_are_ignored(api):
    body = create_agent(api, team="blue")
    assert "team" not in body


@pytest.mark.parametrize("missing", ["name", "available", "email"])
def test_create_agent_missing_required_field_is_422_naming_it(api, missing):
    body = {"name": "Ann", "available": True, "email": unique("a") + "@example.com"}
    del body[missing]
    r = api.post(api.v1 + "/agents", json=body)
    assert_error(r, 422, param=missing)
    assert "is required" in r.json()["message"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", 123),
        ("name", ""),
        ("name", "   "),
        ("available", "yes"),
        ("available", None),
        ("email", 5),
        ("email", "not-an-email"),
        ("email", "two@@example.com"),
        ("agentId", ""),
        ("agentId", "has space"),
        ("agentId", "a/b"),
        ("agentId", True),
        ("agentGroupId", 123),
    ],
)
def test_create_agent_bad_value_is_422_naming_the_parameter(api, field, value):
    body = {"name": "Ann", "available": True, "email": unique("a") + "@example.com", field: value}
    assert_error(api.post(api.v1 + "/agents", json=body), 422, param=field)


def test_unknown_agent_group_is_422_naming_agent_group_id(api):
    r = api.post(api.v1 + "/agents", json=allison("ZBceBjFgQjNY2qLof"))
    assert_error(r, 422, param="agentGroupId", mentions="ZBceBjFgQjNY2qLof")
    # nothing was created
    assert api.get(api.ext + "/agents").json()["totalResults"] == 0


def test_another_accounts_group_is_422(api, make_api):
    other_group = create_group(make_api())
    r = api.post(api.v1 + "/agents", json=allison(other_group["id"]))
    assert_error(r, 422, param="agentGroupId")


def test_duplicate_email_is_409_naming_the_email(api):
    create_agent(api, email="dup@example.com")
    r = api.post(
        api.v1 + "/agents",
        json={"name": "B", "available": True, "email": "DUP@example.com", "agentId": "other"},
    )
    assert_error(r, 409, param="email", mentions="dup@example.com")
    # the second agent's id was not taken by the failed request
    assert create_agent(api, agentId="other")["agentId"] == "other"


def test_duplicate_agent_id_is_409_naming_it(api):
    create_agent(api, agentId="allisonagent")
    r = api.post(
        api.v1 + "/agents",
        json={"name": "B", "available": True, "email": "b@example.com", "agentId": "allisonagent"},
    )
    assert_error(r, 409, param="agentId", mentions="allisonagent")
    # the failed request left nothing behind: its email is still free
    assert create_agent(api, email="b@example.com")["email"] == "b@example.com"


def test_agent_id_held_as_a_second_id_is_also_taken(api):
    a = create_agent(api)
    api.post(api.v1 + "/agents/add-id-to-agent", json={"email": a["email"], "agentId": "zd-77"})
    r = api.post(
        api.v1 + "/agents",
        json={"name": "B", "available": True, "email": "b@example.com", "agentId": "zd-77"},
    )
    assert_error(r, 409, param="agentId", mentions="zd-77")


def test_both_conflicts_are_named_at_once(api):
    a = create_agent(api)
    r = api.post(
        api.v1 + "/agents",
        json={"name": "B", "available": True, "email": a["email"], "agentId": a["agentId"]},
    )
    assert_error(r, 409, param="email", mentions=a["email"])
    assert_error(r, 409, param="agentId", mentions=a["agentId"])


def test_uniqueness_is_per_account(api, make_api):
    other = make_api()
    first = create_agent(api, email="same@example.com", agentId="same-id")
    second = create_agent(other, email="same@example.com", agentId="same-id")
    assert first["_id"] != second["_id"]


def test_malformed_json_is_400(api):
    r = api.post(
        api.v1 + "/agents", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert_error(r, 400)


@pytest.mark.parametrize(
    "path",
    [
        "/agents",
        "/agents/add-id-to-agent",
        "/update-agent-availability",
        "/agents/update-agent-availability",
    ],
)
def test_every_agent_endpoint_needs_a_token(anon, path):
    body = {"name": "A", "available": True, "email": "a@example.com", "agentId": "x"}
    assert_error(anon.post("/api/v1" + path, json=body), 401)


def test_concurrent_creates_with_one_email_make_exactly_one_agent(api):
    email = unique("race-") + "@example.com"

    def post(i: int) -> int:
        with Api(str(api.base_url), api.token, api.account_id) as client:
            r = client.post(
                client.v1 + "/agents",
                json={"name": f"Racer {i}", "available": True, "email": email, "agentId": f"r{i}"},
            )
            assert r.status_code in (200, 409), r.text
            if r.status_code == 409:
                assert email in r.json()["message"]
            return r.status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        codes = list(pool.map(post, range(20)))
    assert sorted(codes) == [200] + [409] * 19
    listed = api.get(api.ext + "/agents", params={"email": email}).json()
    assert listed["totalResults"] == 1


# --- Update an Agent (add agent id to agent) ---


def test_add_id_to_agent_replays_the_reference_example(api):
    group = create_group(api)
    created = api.post(
        api.v1 + "/agents", json={**allison(group["id"]), "agentId": "allison-zendesk"}
    ).json()
    r = api.post(
        api.v1 + "/agents/add-id-to-agent",
        json={"email": "brand_new_agent@maestroqa.com", "agentId": "allisonagent"},
    )
    assert r.status_code == 200, r.text
    assert r.json() == {
        "_id": created["_id"],
        "name": "Allison Agent",
        "agentId": "allison-zendesk",
        "available": True,
        "email": "brand_new_agent@maestroqa.com",
        "agentGroupId": group["id"],
        "agentIds": ["allison-zendesk", "allisonagent"],
    }
    # both ids now name the same agent
    assert api.get(api.ext + "/agents/allisonagent").json()["_id"] == created["_id"]


def test_add_id_already_on_the_agent_is_idempotent(api):
    a = create_agent(api, agentId="first")
    body = {"email": a["email"], "agentId": "second"}
    assert api.post(api.v1 + "/agents/add-id-to-agent", json=body).status_code == 200
    r = api.post(api.v1 + "/agents/add-id-to-agent", json=body)
    assert r.status_code == 200, r.text
    assert r.json()["agentIds"] == ["first", "second"]
    r = api.post(api.v1 + "/agents/add-id-to-agent", json={"email": a["email"], "agentId": "first"})
    assert r.status_code == 200
    assert r.json()["agentIds"] == ["first", "second"]


def test_add_id_to_unknown_email_is_404(api):
    r = api.post(
        api.v1 + "/agents/add-id-to-agent",
        json={"email": "nobody@example.com", "agentId": "x1"},
    )
    assert_error(r, 404, mentions="nobody@example.com")


def test_add_id_held_by_another_agent_is_409_naming_it(api):
    create_agent(api, agentId="taken")
    b = create_agent(api)
    r = api.post(api.v1 + "/agents/add-id-to-agent", json={"email": b["email"], "agentId": "taken"})
    assert_error(r, 409, param="agentId", mentions="taken")


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"email": "a@example.com"}, "agentId"),
        ({"agentId": "x"}, "email"),
        ({"email": "a@example.com", "agentId": ""}, "agentId"),
        ({"email": "no-at-sign", "agentId": "x"}, "email"),
        ({"email": "a@example.com", "agentId": ["x"]}, "agentId"),
    ],
)
def test_add_id_bad_body_is_422_naming_the_parameter(api, body, param):
    assert_error(api.post(api.v1 + "/agents/add-id-to-agent", json=body), 422, param=param)


def test_add_id_cannot_reach_another_accounts_agent(api, make_api):
    other = make_api()
    theirs = create_agent(other)
    r = api.post(
        api.v1 + "/agents/add-id-to-agent", json={"email": theirs["email"], "agentId": "mine"}
    )
    assert_error(r, 404)
    assert other.get(other.ext + f"/agents/{theirs['_id']}").json()["agentIds"] == [
        theirs["agentId"]
    ]


# --- Update an Agent (update agent availability) ---


@pytest.mark.parametrize(
    "path", ["/update-agent-availability", "/agents/update-agent-availability"]
)
def test_update_availability_replays_the_reference_example(api, path):
    created = create_agent(api, email="brand_new_agent@maestroqa.com", available=False)
    r = api.post(
        api.v1 + path, json={"email": "brand_new_agent@maestroqa.com", "available": True}
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert {k: body[k] for k in AGENT_KEYS} == {**created, "available": True}
    assert body["agentIds"] == [created["agentId"]]
    r = api.post(api.v1 + path, json={"email": "brand_new_agent@maestroqa.com", "available": False})
    assert r.json()["available"] is False
    assert api.get(api.ext + f"/agents/{created['_id']}").json()["available"] is False


def test_update_availability_unknown_email_is_404(api):
    body = {"email": "nobody@example.com", "available": True}
    r = api.post(api.v1 + "/update-agent-availability", json=body)
    assert_error(r, 404, mentions="nobody@example.com")


def test_update_availability_of_another_accounts_agent_is_404(api, make_api):
    other = make_api()
    theirs = create_agent(other, available=True)
    r = api.post(
        api.v1 + "/update-agent-availability", json={"email": theirs["email"], "available": False}
    )
    assert_error(r, 404)
    assert other.get(other.ext + f"/agents/{theirs['_id']}").json()["available"] is True


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"email": "a@example.com"}, "available"),
        ({"available": True}, "email"),
        ({"email": "a@example.com", "available": "no"}, "available"),
        ({"email": 7, "available": True}, "email"),
    ],
)
def test_update_availability_bad_body_is_422_naming_the_parameter(api, body, param):
    assert_error(api.post(api.v1 + "/update-agent-availability", json=body), 422, param=param)
