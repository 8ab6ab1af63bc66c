"""The extension API of the tickets domain: custom ticket attributes, the ticket list and a
ticket's timeline (`/api/podium/v1`)."""

from __future__ import annotations

import pytest

from tests.factories import create_agent, create_ticket, unique
from tests.tickets.helpers import assert_error, define_attribute, timeline

# --- custom ticket attributes ---


def test_define_list_and_remove_attributes(api):
    a = define_attribute(api, "group", "string", label="Group")
    b = define_attribute(api, "reopens", "number")
    assert set(a) == {"id", "key", "label", "valueType", "createdAt"}
    assert (a["key"], a["label"], a["valueType"]) == ("group", "Group", "string")
    assert b["label"] == "reopens"  # defaults to the key
    page = api.get(api.ext + "/ticket-attributes").json()
    assert page["totalResults"] == 2 and page["itemsPerPage"] == 2
    assert sorted(r["key"] for r in page["Resources"]) == ["group", "reopens"]
    r = api.delete(api.ext + "/ticket-attributes/group")
    assert r.status_code == 200 and r.json() == {"deleted": True, "key": "group"}
    assert [r["key"] for r in api.get(api.ext + "/ticket-attributes").json()["Resources"]] == [
        "reopens"
    ]
    assert_error(api.delete(api.ext + "/ticket-attributes/group"), 404, "key")


def test_attribute_key_is_unique_per_account(api, make_api):
    define_attribute(api, "group", "string")
    r = api.post(api.ext + "/ticket-attributes", json={"key": "group", "valueType": "number"})
    assert_error(r, 409, "key", mentions="group")
    # another account may define the same key
    define_attribute(make_api(), "group", "number")


@pytest.mark.parametrize(
    "payload, param",
    [
        ({"valueType": "string"}, "key"),
        ({"key": "", "valueType": "string"}, "key"),
        ({"key": "k"}, "valueType"),
        ({"key": "k", "valueType": "list"}, "valueType"),
        ({"key": 5, "valueType": "string"}, "key"),
        ({"key": "k", "valueType": "string", "label": "x" * 201}, "label"),
    ],
)
def test_attribute_definition_is_validated(api, payload, param):
    assert_error(api.post(api.ext + "/ticket-attributes", json=payload), 422, param)


def test_removed_attribute_is_ignored_from_then_on_but_stored_values_stay(api):
    agent = create_agent(api)
    define_attribute(api, "group", "string")
    kept = create_ticket(api, [agent["agentId"]], attributes={"group": "Support"})
    api.delete(api.ext + "/ticket-attributes/group")
    later = create_ticket(api, [agent["agentId"]], attributes={"group": "Sales"})
    assert later["attributes"] == {}
    assert api.get(api.v1 + f"/tickets/{kept['ticket_id']}").json()["attributes"] == {
        "group": "Support"
    }


def test_attributes_are_per_account(api, make_api):
    define_attribute(api, "group", "string")
    other = make_api()
    assert other.get(other.ext + "/ticket-attributes").json()["totalResults"] == 0
    assert_error(other.delete(other.ext + "/ticket-attributes/group"), 404)
    # the other account has no definition, so its tickets drop the key
    t = create_ticket(other, [create_agent(other)["agentId"]], attributes={"group": "x"})
    assert t["attributes"] == {}


@pytest.mark.parametrize(
    "value_type, sent, stored",
    [
        ("number", 5, 5),
        ("number", 2.5, 2.5),
        ("number", "5", 5),
        ("number", " -1.25 ", -1.25),
        ("boolean", True, True),
        ("boolean", "false", False),
        ("boolean", "TRUE", True),
        ("date", "9/9/2025", "2025-09-09T00:00:00.000Z"),
        ("date", "12/31/2024", "2024-12-31T00:00:00.000Z"),
        ("date", "2025-09-09", "2025-09-09T00:00:00.000Z"),
        ("date", "2025-09-09T10:11:12+02:00", "2025-09-09T08:11:12.000Z"),
        ("string", "Support", "Support"),
    ],
)
def test_attribute_values_are_stored_in_their_type(api, value_type, sent, stored):
    define_attribute(api, "attr", value_type)
    t = create_ticket(api, [create_agent(api)["agentId"]], attributes={"attr": sent})
    assert t["attributes"] == {"attr": stored}
    assert api.get(api.v1 + f"/tickets/{t['ticket_id']}").json()["attributes"] == {"attr": stored}


@pytest.mark.parametrize(
    "value_type, sent",
    [
        ("number", "five"),
        ("number", True),
        ("number", "NaN"),
        ("number", [1]),
        ("boolean", "yes"),
        ("boolean", 1),
        ("date", "31/12/2024"),
        ("date", "2024-02-30"),
        ("date", 20240101),
        ("string", 5),
        ("string", {"a": 1}),
    ],
)
def test_attribute_values_of_the_wrong_type_are_refused(api, value_type, sent):
    define_attribute(api, "attr", value_type)
    r = api.post(
        api.v1 + "/tickets",
        json={"ticket_id": unique("t"), "type": "t", "subject": "s", "link": "l", "body": "b",
              "agents": [create_agent(api)["agentId"]], "attributes": {"attr": sent}},
    )
    assert_error(r, 422, "attributes.attr", mentions=value_type)


# --- the ticket list ---


def test_list_tickets_pages_in_a_stable_order(api):
    agent = create_agent(api)
    made = [create_ticket(api, [agent["agentId"]]) for _ in range(5)]
    first = api.get(api.ext + "/tickets", params={"count": 2}).json()
    rest = api.get(api.ext + "/tickets", params={"count": 10, "startIndex": 2}).json()
    assert (first["totalResults"], first["itemsPerPage"], first["startIndex"]) == (5, 2, 0)
    assert (rest["itemsPerPage"], rest["startIndex"]) == (3, 2)
    listed = first["Resources"] + rest["Resources"]
    assert sorted(t["_id"] for t in made) == [t["_id"] for t in listed]
    assert {t["_id"]: t for t in made} == {t["_id"]: t for t in listed}


def test_list_tickets_filters_by_agent_and_status(api):
    ann = create_agent(api)
    bob = create_agent(api)
    a1 = create_ticket(api, [ann["agentId"]], status="open")
    a2 = create_ticket(api, [ann["agentId"], bob["agentId"]], status="closed")
    b1 = create_ticket(api, [bob["agentId"]], status="open")

    def ids(**params):
        page = api.get(api.ext + "/tickets", params=params).json()
        return sorted(t["ticket_id"] for t in page["Resources"])

    assert ids(agentId=ann["agentId"]) == sorted([a1["ticket_id"], a2["ticket_id"]])
    assert ids(agentId=bob["email"]) == sorted([a2["ticket_id"], b1["ticket_id"]])
    assert ids(status="open") == sorted([a1["ticket_id"], b1["ticket_id"]])
    assert ids(agentId=bob["agentId"], status="open") == [b1["ticket_id"]]
    assert ids(agentId="nobody") == []


def test_list_tickets_is_per_account(api, make_api):
    create_ticket(api, [create_agent(api)["agentId"]])
    other = make_api()
    assert other.get(other.ext + "/tickets").json()["totalResults"] == 0


@pytest.mark.parametrize("params", [{"count": -1}, {"startIndex": -5}, {"count": "x"}])
def test_list_tickets_validates_paging(api, params):
    r = api.get(api.ext + "/tickets", params=params)
    assert_error(r, 422, next(iter(params)))


# --- a ticket's timeline ---


def test_timeline_is_in_time_order_then_id(api):
    t = create_ticket(api, [create_agent(api)["agentId"]])
    tid = t["ticket_id"]
    batch = [
        {"ticket_id": tid, "body": "third", "time": "2024-01-01T00:00:03Z"},
        {"ticket_id": tid, "body": "first", "time": "2024-01-01T00:00:01Z"},
        {"ticket_id": tid, "body": "second-a", "time": "2024-01-01T00:00:02Z"},
        {"ticket_id": tid, "body": "second-b", "time": "2024-01-01T00:00:02Z"},
    ]
    made = api.post(api.v1 + "/comments-batch", json={"batch": batch}).json()["results"]
    page = timeline(api, tid)
    assert page["totalResults"] == 4
    bodies = [c["body"] for c in page["Resources"]]
    assert bodies[0] == "first" and bodies[3] == "third"
    seconds = sorted((c["id"], c["body"]) for c in made if c["body"].startswith("second"))
    assert bodies[1:3] == [body for _, body in seconds]
    assert all(c["kind"] == "comment" for c in page["Resources"])
    # pages continue where the last one stopped
    tail = timeline(api, tid, startIndex=2, count=5)
    assert [c["body"] for c in tail["Resources"]] == bodies[2:]
    assert tail["itemsPerPage"] == 2


def test_timeline_of_unknown_ticket_is_404(api):
    assert_error(api.get(api.ext + "/tickets/nope/comments"), 404, "ticket_id")


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/ticket-attributes"),
        ("POST", "/ticket-attributes"),
        ("DELETE", "/ticket-attributes/k"),
        ("GET", "/tickets"),
        ("GET", "/tickets/x/comments"),
    ],
)
def test_extension_endpoints_need_a_token(anon, method, path):
    assert_error(anon.request(method, "/api/podium/v1" + path), 401)


def test_openapi_documents_every_tickets_endpoint(anon):
    spec = anon.get("/openapi.json").json()
    expected = {
        ("/api/v1/tickets", "post"), ("/api/v1/tickets", "get"),
        ("/api/v1/tickets/{ticket_id}", "get"), ("/api/v1/tickets/{ticket_id}", "patch"),
        ("/api/v1/tickets/{ticket_id}", "delete"), ("/api/v1/comments", "post"),
        ("/api/v1/comments-batch", "post"), ("/api/podium/v1/ticket-attributes", "post"),
        ("/api/podium/v1/ticket-attributes", "get"),
        ("/api/podium/v1/ticket-attributes/{key}", "delete"), ("/api/podium/v1/tickets", "get"),
        ("/api/podium/v1/tickets/{ticket_id}/comments", "get"),
    }
    for path, method in expected:
        op = spec["paths"][path][method]
        assert op.get("summary") and op.get("description") and op.get("tags"), (path, method)
    assert "201" in spec["paths"]["/api/v1/tickets"]["post"]["responses"]
    assert "403" in spec["paths"]["/api/v1/tickets/{ticket_id}"]["patch"]["responses"]
