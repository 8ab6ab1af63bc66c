"""The extension API for agents and agent groups (`/api/podium/v1/agents`, `/agent-groups`)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from podium import clock
from podium.text_guard import UNSTORABLE
from tests.agents.helpers import assert_error, create_group
from tests.factories import create_agent

# --- agents ---


def test_list_agents_pages_in_id_order(api):
    made = [create_agent(api) for _ in range(3)]
    ids = sorted(a["_id"] for a in made)
    r = api.get(api.ext + "/agents", params={"count": 2})
    assert r.status_code == 200, r.text
    page = r.json()
    assert (page["startIndex"], page["totalResults"], page["itemsPerPage"]) == (0, 3, 2)
    assert [a["_id"] for a in page["Resources"]] == ids[:2]
    page = api.get(api.ext + "/agents", params={"count": 2, "startIndex": 2}).json()
    assert (page["startIndex"], page["itemsPerPage"]) == (2, 1)
    assert [a["_id"] for a in page["Resources"]] == ids[2:]


def test_listed_agent_shows_ids_groups_and_times(api):
    clock.freeze(datetime(2024, 1, 2, 3, 4, 5, 678000, tzinfo=UTC))
    a = create_agent(api, agentId="first", name="Ann", email="ann@example.com")
    add = {"email": "ann@example.com", "agentId": "2nd"}
    assert api.post(api.v1 + "/agents/add-id-to-agent", json=add).status_code == 200
    group = create_group(api, [a["agentId"]])
    [listed] = api.get(api.ext + "/agents").json()["Resources"]
    assert listed == {
        "_id": a["_id"],
        "name": "Ann",
        "agentId": "first",
        "agentIds": ["first", "2nd"],
        "available": True,
        "email": "ann@example.com",
        "agentGroupId": group["id"],
        "agentGroupIds": [group["id"]],
        "createdAt": "2024-01-02T03:04:05.678Z",
        "updatedAt": "2024-01-02T03:04:05.678Z",
    }


def test_list_agents_filters_by_availability_and_email(api):
    on = create_agent(api, available=True)
    off = create_agent(api, available=False, email="Off@Example.com")
    only = api.get(api.ext + "/agents", params={"available": "false"}).json()
    assert [a["_id"] for a in only["Resources"]] == [off["_id"]]
    only = api.get(api.ext + "/agents", params={"available": "true"}).json()
    assert [a["_id"] for a in only["Resources"]] == [on["_id"]]
    only = api.get(api.ext + "/agents", params={"email": "OFF@example.com"}).json()
    assert [a["_id"] for a in only["Resources"]] == [off["_id"]]
    assert api.get(api.ext + "/agents", params={"email": "x@example.com"}).json()[
        "totalResults"
    ] == 0


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({"available": "maybe"}, "available"),
        ({"count": -1}, "count"),
        ({"startIndex": "x"}, "startIndex"),
    ],
)
def test_list_agents_bad_query_is_422_naming_it(api, params, param):
    assert_error(api.get(api.ext + "/agents", params=params), 422, param=param)


def test_get_agent_by_id_any_helpdesk_id_or_email(api):
    a = create_agent(api, agentId="zd-1", email="ann@example.com")
    add = {"email": "ann@example.com", "agentId": "sf-9"}
    assert api.post(api.v1 + "/agents/add-id-to-agent", json=add).status_code == 200
    for ref in (a["_id"], "zd-1", "sf-9", "ann@example.com", "ANN@example.com"):
        r = api.get(api.ext + f"/agents/{ref}")
        assert r.status_code == 200, (ref, r.text)
        assert r.json()["_id"] == a["_id"]
    assert_error(api.get(api.ext + "/agents/nobody"), 404, mentions="nobody")


def test_patch_agent_changes_only_given_fields(api):
    a = create_agent(api, name="Ann", available=True)
    clock.advance(timedelta(minutes=5))
    r = api.patch(api.ext + f"/agents/{a['agentId']}", json={"name": "Ann B", "available": False})
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["name"], body["available"], body["email"]) == ("Ann B", False, a["email"])
    assert body["updatedAt"] > body["createdAt"]
    r = api.patch(api.ext + f"/agents/{a['_id']}", json={"email": "New@Example.com"})
    assert r.json()["email"] == "new@example.com"
    # the new email is what the MaestroQA endpoints find the agent by
    r = api.post(
        api.v1 + "/update-agent-availability", json={"email": "new@example.com", "available": True}
    )
    assert r.status_code == 200 and r.json()["_id"] == a["_id"]


def test_patch_agent_to_an_email_in_use_is_409(api):
    a = create_agent(api)
    b = create_agent(api)
    r = api.patch(api.ext + f"/agents/{b['_id']}", json={"email": a["email"]})
    assert_error(r, 409, param="email", mentions=a["email"])
    assert api.get(api.ext + f"/agents/{b['_id']}").json()["email"] == b["email"]


@pytest.mark.parametrize(
    ("body", "param"),
    [({"name": None}, "name"), ({"available": "no"}, "available"), ({"email": "x"}, "email"),
     ({"name": ""}, "name")],
)
def test_patch_agent_bad_value_is_422(api, body, param):
    a = create_agent(api)
    assert_error(api.patch(api.ext + f"/agents/{a['_id']}", json=body), 422, param=param)


def test_agents_cannot_be_deleted(api):
    a = create_agent(api)
    assert api.delete(api.ext + f"/agents/{a['_id']}").status_code == 405
    assert api.get(api.ext + f"/agents/{a['_id']}").status_code == 200


def test_another_accounts_agents_are_404_and_never_listed(api, make_api):
    other = make_api()
    theirs = create_agent(other, agentId="their-id")
    mine = create_agent(api)
    listed = api.get(api.ext + "/agents").json()
    assert [a["_id"] for a in listed["Resources"]] == [mine["_id"]]
    for ref in (theirs["_id"], "their-id", theirs["email"]):
        assert_error(api.get(api.ext + f"/agents/{ref}"), 404)
        assert_error(api.patch(api.ext + f"/agents/{ref}", json={"name": "Hijack"}), 404)
    assert other.get(other.ext + f"/agents/{theirs['_id']}").json()["name"] == theirs["name"]


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/agents"), ("GET", "/agents/x"), ("PATCH", "/agents/x"), ("GET", "/agent-groups"),
     ("POST", "/agent-groups"), ("GET", "/agent-groups/x"), ("PATCH", "/agent-groups/x"),
     ("DELETE", "/agent-groups/x"), ("POST", "/agent-groups/x/members"),
     ("DELETE", "/agent-groups/x/members/y")],
)
def test_extension_agent_routes_need_a_token(anon, method, path):
    assert_error(anon.request(method, "/api/podium/v1" + path, json={}), 401)


# --- agent groups ---


def test_create_group_with_members_by_agent_id_email_and_id(api):
    a = create_agent(api, name="Ann")
    b = create_agent(api, name="Bob")
    c = create_agent(api, name="Cy")
    r = api.post(
        api.ext + "/agent-groups",
        json={
            "name": "Tier 1",
            "agentIds": [a["agentId"], b["email"].upper(), c["_id"], a["email"]],
        },
    )
    assert r.status_code == 201, r.text
    group = r.json()
    assert group["name"] == "Tier 1"
    assert group["memberCount"] == 3
    assert group["createdAt"] == group["updatedAt"]
    assert group["members"] == [
        {k: x[k] for k in ("_id", "agentId", "name", "email", "available")} for x in (a, b, c)
    ]
    # the MaestroQA shape now shows the group
    assert api.get(api.ext + f"/agents/{a['_id']}").json()["agentGroupId"] == group["id"]
    assert api.get(api.ext + f"/agent-groups/{group['id']}").json() == group


def test_members_keep_the_order_given_even_in_the_same_instant(api):
    agents = [create_agent(api) for _ in range(6)]
    clock.freeze()
    group = create_group(api, [a["agentId"] for a in reversed(agents)])
    assert [m["_id"] for m in group["members"]] == [a["_id"] for a in reversed(agents)]


def test_duplicate_group_name_is_409_naming_it(api):
    create_group(api, name="Tier 1")
    r = api.post(api.ext + "/agent-groups", json={"name": "Tier 1"})
    assert_error(r, 409, param="name", mentions="Tier 1")


def test_create_group_with_unknown_agents_is_422_and_creates_nothing(api):
    a = create_agent(api)
    r = api.post(
        api.ext + "/agent-groups",
        json={"name": "G", "agentIds": [a["agentId"], "ghost", "nobody@example.com"]},
    )
    assert_error(r, 422, param="agentIds[1]", mentions="ghost")
    assert_error(r, 422, param="agentIds[2]", mentions="nobody@example.com")
    assert api.get(api.ext + "/agent-groups").json()["totalResults"] == 0
    assert api.get(api.ext + f"/agents/{a['_id']}").json()["agentGroupIds"] == []


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": 5}, "name"),
        ({"name": "G", "agentIds": "x"}, "agentIds"),
        ({"name": "G", "agentIds": [""]}, "agentIds[0]"),
    ],
)
def test_create_group_bad_body_is_422(api, body, param):
    assert_error(api.post(api.ext + "/agent-groups", json=body), 422, param=param)


def test_list_groups_pages_with_member_counts(api):
    a = create_agent(api)
    g1 = create_group(api, [a["agentId"]])
    g2 = create_group(api)
    page = api.get(api.ext + "/agent-groups").json()
    assert page["totalResults"] == 2 and page["itemsPerPage"] == 2
    counts = {g["id"]: g["memberCount"] for g in page["Resources"]}
    assert counts == {g1["id"]: 1, g2["id"]: 0}
    assert [g["id"] for g in page["Resources"]] == sorted(counts)
    assert "members" not in page["Resources"][0]
    page = api.get(api.ext + "/agent-groups", params={"count": 1, "startIndex": 1}).json()
    assert [g["id"] for g in page["Resources"]] == sorted(counts)[1:]


def test_rename_group(api):
    g = create_group(api, name="Old")
    taken = create_group(api, name="Taken")
    r = api.patch(api.ext + f"/agent-groups/{g['id']}", json={"name": "New"})
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "New"
    assert api.get(api.ext + f"/agent-groups/{g['id']}").json()["name"] == "New"
    r = api.patch(api.ext + f"/agent-groups/{g['id']}", json={"name": taken["name"]})
    assert_error(r, 409, param="name", mentions="Taken")
    assert_error(api.patch(api.ext + f"/agent-groups/{g['id']}", json={"name": None}), 422, "name")


def test_delete_group_keeps_its_agents(api):
    a = create_agent(api)
    g = create_group(api, [a["agentId"]])
    r = api.delete(api.ext + f"/agent-groups/{g['id']}")
    assert r.status_code == 204
    assert_error(api.get(api.ext + f"/agent-groups/{g['id']}"), 404)
    assert_error(api.delete(api.ext + f"/agent-groups/{g['id']}"), 404)
    agent = api.get(api.ext + f"/agents/{a['_id']}").json()
    assert (agent["agentGroupId"], agent["agentGroupIds"]) == (None, [])
    # the name is free again
    create_group(api, name=g["name"])


def test_add_members_is_all_or_nothing_and_idempotent(api):
    a, b = create_agent(api), create_agent(api)
    g = create_group(api, [a["agentId"]])
    path = api.ext + f"/agent-groups/{g['id']}/members"
    r = api.post(path, json={"agentIds": [b["agentId"], "ghost"]})
    assert_error(r, 422, param="agentIds[1]", mentions="ghost")
    assert api.get(api.ext + f"/agent-groups/{g['id']}").json()["memberCount"] == 1
    r = api.post(path, json={"agentIds": [a["agentId"], b["email"]]})
    assert r.status_code == 200, r.text
    assert [m["_id"] for m in r.json()["members"]] == [a["_id"], b["_id"]]
    r = api.post(path, json={"agentIds": [b["_id"]]})
    assert r.json()["memberCount"] == 2
    assert_error(api.post(path, json={"agentIds": []}), 422, param="agentIds")
    assert_error(api.post(path, json={}), 422, param="agentIds")


def test_an_agent_may_be_in_several_groups(api):
    a = create_agent(api)
    g1 = create_group(api, [a["agentId"]])
    clock.advance(timedelta(seconds=1))
    g2 = create_group(api, [a["agentId"]])
    agent = api.get(api.ext + f"/agents/{a['_id']}").json()
    assert agent["agentGroupIds"] == [g1["id"], g2["id"]]
    assert agent["agentGroupId"] == g1["id"]


def test_remove_member(api):
    a, b = create_agent(api), create_agent(api)
    g = create_group(api, [a["agentId"], b["agentId"]])
    r = api.delete(api.ext + f"/agent-groups/{g['id']}/members/{a['email']}")
    assert r.status_code == 204
    members = api.get(api.ext + f"/agent-groups/{g['id']}").json()["members"]
    assert [m["_id"] for m in members] == [b["_id"]]
    assert_error(api.delete(api.ext + f"/agent-groups/{g['id']}/members/{a['agentId']}"), 404)
    assert_error(api.delete(api.ext + f"/agent-groups/{g['id']}/members/ghost"), 404)
    assert_error(api.delete(api.ext + f"/agent-groups/nogroup/members/{b['agentId']}"), 404)


def test_another_accounts_groups_are_404_and_never_listed(api, make_api):
    other = make_api()
    their_agent = create_agent(other)
    theirs = create_group(other, [their_agent["agentId"]], name="Theirs")
    mine = create_agent(api)
    gid = theirs["id"]
    assert api.get(api.ext + "/agent-groups").json()["totalResults"] == 0
    assert_error(api.get(api.ext + f"/agent-groups/{gid}"), 404)
    assert_error(api.patch(api.ext + f"/agent-groups/{gid}", json={"name": "X"}), 404)
    assert_error(
        api.post(api.ext + f"/agent-groups/{gid}/members", json={"agentIds": [mine["agentId"]]}),
        404,
    )
    path = api.ext + f"/agent-groups/{gid}/members/{their_agent['agentId']}"
    assert_error(api.delete(path), 404)
    assert_error(api.delete(api.ext + f"/agent-groups/{gid}"), 404)
    # their agents cannot join my groups, and the same group name is free in my account
    r = api.post(
        api.ext + "/agent-groups", json={"name": "Theirs", "agentIds": [their_agent["agentId"]]}
    )
    assert_error(r, 422, param="agentIds[0]")
    create_group(api, name="Theirs")
    still = other.get(other.ext + f"/agent-groups/{gid}").json()
    assert (still["name"], still["memberCount"]) == ("Theirs", 1)


def test_openapi_documents_the_routes(api):
    spec = api.get("/openapi.json").json()
    ops = {
        (path, method): op
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if path.startswith(("/api/podium/v1/agent", "/api/v1/agents", "/api/v1/update-agent"))
    }
    assert ("/api/podium/v1/agent-groups/{group_id}/members", "post") in ops
    assert ("/api/v1/update-agent-availability", "post") in ops
    for (path, _), op in ops.items():
        assert op.get("summary") and op.get("description"), path
        want = "agent groups" if path.startswith("/api/podium/v1/agent-groups") else "agents"
        assert op["tags"] == [want], path
    create = ops[("/api/v1/agents", "post")]
    assert "200" in create["responses"] and "409" in create["responses"]


def _raw_post(api, path: str, body: dict):
    # json.dumps escapes "\ud800" as ASCII, as a client's JSON encoder would
    return api.post(path, content=json.dumps(body), headers={"content-type": "application/json"})


@pytest.mark.parametrize("bad", ["a\x00b", "a\ud800b"], ids=["nul", "lone-surrogate"])
def test_text_no_database_can_store_is_422_or_404_never_500(api, bad):
    ok = {"name": "Ann", "available": True, "email": "ann@example.com"}
    for field in ("name", "email", "agentId", "agentGroupId"):
        r = _raw_post(api, api.v1 + "/agents", {**ok, field: bad})
        assert_error(r, 422, param=field, mentions=UNSTORABLE)
    r = _raw_post(api, api.ext + "/agent-groups", {"name": "G", "agentIds": [bad]})
    assert_error(r, 422, param="agentIds[0]", mentions=UNSTORABLE)
    r = api.get(api.ext + "/agents", params={"email": "a\x00@example.com"})
    assert_error(r, 422, "email", UNSTORABLE)
    assert_error(api.delete(api.ext + "/agent-groups/x/members/a%00b"), 404)
    assert_error(api.get(api.ext + "/agents/a%00b"), 404)
    assert_error(api.get(api.ext + "/agent-groups/a%00b"), 404)
