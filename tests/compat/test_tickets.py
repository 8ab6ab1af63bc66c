"""The reference's ticket endpoints, example by example and error row by error row:
`POST /tickets`, `PATCH /tickets/:ticket_id`, `DELETE /tickets/:ticket_id`, and the reads
`GET /tickets/:ticket_id`, `GET /tickets?ticket_ids=...`."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from podium import clock
from podium.ids import ID_ALPHABET
from tests.factories import create_agent, create_ticket, unique
from tests.tickets.helpers import (
    assert_error,
    db_execute,
    define_attribute,
    make_integration_ticket,
    timeline,
)

TICKET_KEYS = {
    "_id", "ticket_id", "type", "subject", "link", "body", "status", "agents", "tags",
    "csat_score", "first_seen", "last_seen", "attributes",
}

# the reference's "Create a Ticket" example request, verbatim
EXAMPLE_CREATE = {
    "ticket_id": "unique_ticket_id",
    "type": "custom helpdesk",
    "subject": "New ticket",
    "link": "http://www.mynewticket.com",
    "body": "The text content of this ticket",
    "status": "open",
    "agents": ["this_agent_id"],
    "tags": "login,support,escalated",
    "csat_score": 5,
    "first_seen": "2022-02-02T00:00:00.000Z",
    "last_seen": "2022-03-07T00:00:00.000Z",
    "attributes": {
        "public_comment_count": 5,
        "group": "Support",
        "first_resolution_time_total_minutes": 1023,
    },
}

# ... and its example response
EXAMPLE_CREATED = {
    "ticket_id": "unique_ticket_id",
    "type": "custom helpdesk",
    "subject": "New ticket",
    "link": "http://www.mynewticket.com",
    "body": "The text content of this ticket",
    "status": "open",
    "agents": ["this_agent_id"],
    "tags": "login,support,escalated",
    "csat_score": 5,
    "first_seen": "2022-02-02T00:00:00.000Z",
    "last_seen": "2022-03-07T00:00:00.000Z",
    "attributes": {
        "public_comment_count": 5,
        "group": "Support",
        "first_resolution_time_total_minutes": 1023,
    },
}


@pytest.fixture
def example_account(api):
    """An account holding the example's agent and attribute definitions."""
    create_agent(api, agentId="this_agent_id")
    define_attribute(api, "public_comment_count", "number")
    define_attribute(api, "group", "string")
    define_attribute(api, "first_resolution_time_total_minutes", "number")
    return api


@pytest.fixture
def agent(api):
    return create_agent(api)


# --- Create a Ticket ---


def test_create_ticket_replays_the_reference_example(example_account):
    api = example_account
    r = api.post(api.v1 + "/tickets", json=EXAMPLE_CREATE)
    assert r.status_code == 201, r.text
    body = r.json()
    assert set(body) == TICKET_KEYS
    assert {k: v for k, v in body.items() if k != "_id"} == EXAMPLE_CREATED
    assert len(body["_id"]) == 17 and set(body["_id"]) <= set(ID_ALPHABET)
    # and it is stored: the read answers the same ticket
    got = api.get(api.v1 + "/tickets/unique_ticket_id")
    assert got.status_code == 200, got.text
    assert got.json() == body


def test_attributes_not_defined_in_the_account_are_ignored(api, agent):
    define_attribute(api, "group", "string")
    body = create_ticket(
        api, [agent["agentId"]], attributes={"group": "Support", "nobody_defined_this": 7}
    )
    assert body["attributes"] == {"group": "Support"}
    assert api.get(api.v1 + f"/tickets/{body['ticket_id']}").json()["attributes"] == {
        "group": "Support"
    }


def test_attributes_sent_all_as_strings_are_accepted(api, agent):
    # a public upload script sends every attribute value as a string, some of them unknown
    define_attribute(api, "Created_Date", "date")
    define_attribute(api, "Reopens", "number")
    define_attribute(api, "Escalated", "boolean")
    define_attribute(api, "Queue", "string")
    r = api.post(
        api.v1 + "/tickets",
        json={
            "ticket_id": unique("up"),
            "type": "support_case",
            "subject": "Order missing",
            "agents": [agent["agentId"]],
            "status": "closed",
            "link": "https://helpdesk.example.com/c/1",
            "body": "Where is my order?",
            "attributes": {
                "Created_Date": "9/9/2025",
                "Reopens": "2",
                "Escalated": "true",
                "Queue": "Billing",
                "Unknown_Field": "whatever",
                "Closed_Date": "9/10/2025",
            },
        },
    )
    assert r.status_code == 201, r.text
    assert r.json()["attributes"] == {
        "Created_Date": "2025-09-09T00:00:00.000Z",
        "Reopens": 2,
        "Escalated": True,
        "Queue": "Billing",
    }


def test_first_seen_and_last_seen_default_to_now(api, agent):
    clock.freeze(datetime(2025, 1, 2, 3, 4, 5, 678000, tzinfo=UTC))
    body = create_ticket(api, [agent["agentId"]])
    assert body["first_seen"] == "2025-01-02T03:04:05.678Z"
    assert body["last_seen"] == "2025-01-02T03:04:05.678Z"
    assert body["status"] is None and body["tags"] is None and body["csat_score"] is None
    assert body["attributes"] == {}


@pytest.mark.parametrize(
    "given, shown",
    [
        ("2024-02-02T10:00:00Z", "2024-02-02T10:00:00.000Z"),
        ("2024-02-02T10:00:00.000000Z", "2024-02-02T10:00:00.000Z"),
        ("2026-11-28T03:35:00.182051Z", "2026-11-28T03:35:00.182Z"),
        ("2024-02-02T12:00:00+02:00", "2024-02-02T10:00:00.000Z"),
    ],
)
def test_dates_in_every_format_real_clients_send(api, agent, given, shown):
    body = create_ticket(api, [agent["agentId"]], first_seen=given)
    assert body["first_seen"] == shown


def test_agents_given_by_email_show_the_agents_id(api):
    ann = create_agent(api, agentId=unique("ann"))
    bob = create_agent(api, agentId=unique("bob"))
    body = create_ticket(api, [ann["email"].upper(), bob["agentId"]])
    assert body["agents"] == [ann["agentId"], bob["agentId"]]


def test_an_agent_named_twice_is_on_the_ticket_once(api, agent):
    body = create_ticket(api, [agent["agentId"], agent["email"]])
    assert body["agents"] == [agent["agentId"]]


def test_numeric_ticket_id_is_kept_as_a_string(api, agent):
    body = create_ticket(api, [agent["agentId"]], ticket_id=427406478143)
    assert body["ticket_id"] == "427406478143"
    assert api.get(api.v1 + "/tickets/427406478143").status_code == 200


def test_tags_sent_as_a_list_are_joined_with_commas(api, agent):
    body = create_ticket(api, [agent["agentId"]], tags=["login", "support"])
    assert body["tags"] == "login,support"


def test_unknown_extra_fields_are_ignored(api, agent):
    body = create_ticket(api, [agent["agentId"]], priority="high")
    assert "priority" not in body


def test_fractional_csat_score_is_kept(api, agent):
    assert create_ticket(api, [agent["agentId"]], csat_score=4.5)["csat_score"] == 4.5


def test_duplicate_ticket_id_is_409_naming_it(api, agent, settings):
    tid = unique("dup")
    create_ticket(api, [agent["agentId"]], ticket_id=tid)
    r = api.post(
        api.v1 + "/tickets",
        json={"ticket_id": tid, "type": "t", "subject": "s", "link": "l", "body": "b",
              "agents": [agent["agentId"]]},
    )
    body = assert_error(r, 409, "ticket_id", mentions=tid)
    assert body["error"] == "conflict"
    rows = db_execute(
        settings, "SELECT id FROM tickets WHERE account_id = :a AND ticket_id = :t",
        a=api.account_id, t=tid,
    )
    assert len(rows) == 1


@pytest.mark.parametrize("missing", ["ticket_id", "type", "subject", "agents", "link", "body"])
def test_each_missing_required_field_is_422_naming_it(api, agent, missing):
    body = {"ticket_id": unique("m"), "type": "t", "subject": "s", "link": "l", "body": "b",
            "agents": [agent["agentId"]]}
    del body[missing]
    r = api.post(api.v1 + "/tickets", json=body)
    assert_error(r, 422, missing, mentions="is required")


def test_all_missing_fields_are_named_at_once(api):
    r = api.post(api.v1 + "/tickets", json={})
    body = assert_error(r, 422)
    assert {e["param"] for e in body["errors"]} == {
        "ticket_id", "type", "subject", "agents", "link", "body"
    }


@pytest.mark.parametrize(
    "field, value",
    [
        ("subject", 5),
        ("agents", "not-a-list"),
        ("agents", [7.5]),
        ("csat_score", "five"),
        ("csat_score", True),
        ("tags", {"a": 1}),
        ("attributes", ["a"]),
        ("ticket_id", ""),
        ("ticket_id", "x" * 256),
        ("status", "s" * 256),
    ],
)
def test_wrong_types_are_422_naming_the_field(api, agent, field, value):
    body = {"ticket_id": unique("w"), "type": "t", "subject": "s", "link": "l", "body": "b",
            "agents": [agent["agentId"]], field: value}
    r = api.post(api.v1 + "/tickets", json=body)
    err = assert_error(r, 422)
    assert any(e["param"].startswith(field) for e in err["errors"]), err
    assert field in err["message"]


@pytest.mark.parametrize("field", ["first_seen", "last_seen"])
def test_bad_date_is_422_naming_the_field(api, agent, field):
    r = api.post(
        api.v1 + "/tickets",
        json={"ticket_id": unique("d"), "type": "t", "subject": "s", "link": "l", "body": "b",
              "agents": [agent["agentId"]], field: "yesterday"},
    )
    assert_error(r, 422, field, mentions="ISO 8601")


def test_unknown_agents_are_422_naming_each(api, agent):
    tid = unique("ua")
    r = api.post(
        api.v1 + "/tickets",
        json={"ticket_id": tid, "type": "t", "subject": "s", "link": "l", "body": "b",
              "agents": ["ghost-1", agent["agentId"], "ghost@example.com"]},
    )
    body = assert_error(r, 422, "agents[0]", mentions="ghost-1")
    assert_error(r, 422, "agents[2]", mentions="ghost@example.com")
    assert "agents[1]" not in [e["param"] for e in body["errors"]]
    # nothing was created
    assert api.get(api.v1 + f"/tickets/{tid}").status_code == 404


def test_another_accounts_agent_is_unknown(api, make_api):
    other = make_api()
    theirs = create_agent(other)
    r = api.post(
        api.v1 + "/tickets",
        json={"ticket_id": unique("x"), "type": "t", "subject": "s", "link": "l", "body": "b",
              "agents": [theirs["agentId"]]},
    )
    assert_error(r, 422, "agents[0]")


def test_attribute_of_the_wrong_type_is_422_naming_it_and_the_type(api, agent):
    define_attribute(api, "reopens", "number")
    define_attribute(api, "vip", "boolean")
    tid = unique("at")
    r = api.post(
        api.v1 + "/tickets",
        json={"ticket_id": tid, "type": "t", "subject": "s", "link": "l", "body": "b",
              "agents": [agent["agentId"]], "attributes": {"reopens": "many", "vip": "maybe"}},
    )
    assert_error(r, 422, "attributes.reopens", mentions="number")
    assert_error(r, 422, "attributes.vip", mentions="boolean")
    assert api.get(api.v1 + f"/tickets/{tid}").status_code == 404


def test_bad_date_attribute_is_422(api, agent):
    define_attribute(api, "Created_Date", "date")
    r = api.post(
        api.v1 + "/tickets",
        json={"ticket_id": unique("bd"), "type": "t", "subject": "s", "link": "l", "body": "b",
              "agents": [agent["agentId"]], "attributes": {"Created_Date": "13/45/2025"}},
    )
    assert_error(r, 422, "attributes.Created_Date", mentions="date")


def test_malformed_json_is_400(api):
    r = api.post(
        api.v1 + "/tickets", content=b'{"ticket_id": ', headers={"content-type": "application/json"}
    )
    body = assert_error(r, 400)
    assert body["error"] == "bad_request"


def test_body_that_is_not_an_object_is_422(api):
    r = api.post(api.v1 + "/tickets", json=["ticket"])
    assert_error(r, 422)


# --- Update a Ticket ---


def test_update_ticket_replays_the_reference_example(example_account):
    api = example_account
    created = api.post(api.v1 + "/tickets", json=EXAMPLE_CREATE).json()
    r = api.patch(
        api.v1 + "/tickets/unique_ticket_id",
        json={
            "subject": "Updated subject!",
            "status": "closed",
            "last_seen": "2022-03-15T00:00:00.000Z",
        },
    )
    assert r.status_code == 200, r.text
    body = r.json()
    # every field of the reference's example response
    assert {k: body[k] for k in (
        "ticket_id", "type", "subject", "link", "body", "status", "agents", "tags",
        "csat_score", "first_seen", "last_seen",
    )} == {
        "ticket_id": "unique_ticket_id",
        "type": "custom helpdesk",
        "subject": "Updated subject!",
        "link": "http://www.mynewticket.com",
        "body": "The text content of this ticket",
        "status": "closed",
        "agents": ["this_agent_id"],
        "tags": "login,support,escalated",
        "csat_score": 5,
        "first_seen": "2022-02-02T00:00:00.000Z",
        "last_seen": "2022-03-15T00:00:00.000Z",
    }
    assert body["_id"] == created["_id"]
    assert body["attributes"] == EXAMPLE_CREATED["attributes"]
    assert api.get(api.v1 + "/tickets/unique_ticket_id").json() == body


def test_update_replaces_agents_and_merges_attributes(api, agent):
    other = create_agent(api)
    define_attribute(api, "group", "string")
    define_attribute(api, "reopens", "number")
    t = create_ticket(api, [agent["agentId"]], attributes={"group": "Support", "reopens": 1})
    r = api.patch(
        api.v1 + f"/tickets/{t['ticket_id']}",
        json={"agents": [other["email"]], "attributes": {"reopens": "2", "ignored": 1}},
    )
    assert r.status_code == 200, r.text
    assert r.json()["agents"] == [other["agentId"]]
    assert r.json()["attributes"] == {"group": "Support", "reopens": 2}
    # a key set to null is removed
    r = api.patch(api.v1 + f"/tickets/{t['ticket_id']}", json={"attributes": {"group": None}})
    assert r.json()["attributes"] == {"reopens": 2}


def test_update_with_null_clears_optional_fields(api, agent):
    t = create_ticket(api, [agent["agentId"]], status="open", tags="a,b", csat_score=3)
    r = api.patch(
        api.v1 + f"/tickets/{t['ticket_id']}", json={"status": None, "tags": None,
                                                      "csat_score": None}
    )
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["tags"], r.json()["csat_score"]) == (None, None, None)


@pytest.mark.parametrize("field", ["subject", "agents", "first_seen", "type"])
def test_update_refuses_null_for_required_fields(api, agent, field):
    t = create_ticket(api, [agent["agentId"]])
    r = api.patch(api.v1 + f"/tickets/{t['ticket_id']}", json={field: None})
    assert_error(r, 422, field, mentions="null")


def test_update_validates_like_create_and_changes_nothing_on_error(api, agent):
    define_attribute(api, "reopens", "number")
    t = create_ticket(api, [agent["agentId"]], subject="before")
    url = api.v1 + f"/tickets/{t['ticket_id']}"
    assert_error(api.patch(url, json={"agents": ["ghost"]}), 422, "agents[0]")
    assert_error(api.patch(url, json={"last_seen": "not a date"}), 422, "last_seen")
    assert_error(
        api.patch(url, json={"subject": "after", "attributes": {"reopens": "x"}}),
        422, "attributes.reopens",
    )
    assert_error(api.patch(url, json={"csat_score": "high"}), 422, "csat_score")
    assert api.get(url).json() == t


def test_update_ignores_ticket_id_in_the_body(api, agent):
    t = create_ticket(api, [agent["agentId"]])
    r = api.patch(api.v1 + f"/tickets/{t['ticket_id']}", json={"ticket_id": "other"})
    assert r.status_code == 200 and r.json()["ticket_id"] == t["ticket_id"]


def test_update_unknown_ticket_is_404(api):
    assert_error(api.patch(api.v1 + "/tickets/nope", json={"subject": "x"}), 404, "ticket_id")


def test_update_malformed_json_is_400(api, agent):
    t = create_ticket(api, [agent["agentId"]])
    r = api.patch(
        api.v1 + f"/tickets/{t['ticket_id']}", content=b"{oops",
        headers={"content-type": "application/json"},
    )
    assert_error(r, 400)


# --- Delete a Ticket ---


def test_delete_ticket_replays_the_reference_example(example_account, settings):
    api = example_account
    created = api.post(api.v1 + "/tickets", json=EXAMPLE_CREATE).json()
    c = api.post(api.v1 + "/comments", json={"ticket_id": "unique_ticket_id", "body": "hi"})
    assert c.status_code == 200, c.text
    r = api.delete(api.v1 + "/tickets/unique_ticket_id")
    assert r.status_code == 200, r.text
    assert r.json() == {"deleted": True, "ticket_id": "unique_ticket_id"}
    assert_error(api.get(api.v1 + "/tickets/unique_ticket_id"), 404)
    assert_error(api.delete(api.v1 + "/tickets/unique_ticket_id"), 404)
    assert_error(
        api.post(api.v1 + "/comments", json={"ticket_id": "unique_ticket_id", "body": "x"}), 404
    )
    # its comments and agent links went with it
    for table, column in (("comments", "ticket_pk"), ("ticket_agents", "ticket_pk")):
        rows = db_execute(
            settings, f"SELECT 1 FROM {table} WHERE {column} = :pk", pk=created["_id"]
        )
        assert rows == [], table
    # the ticket_id is free again
    again = api.post(api.v1 + "/tickets", json=EXAMPLE_CREATE)
    assert again.status_code == 201, again.text
    assert timeline(api, "unique_ticket_id")["totalResults"] == 0


def test_delete_unknown_ticket_is_404(api):
    assert_error(api.delete(api.v1 + "/tickets/nope"), 404, "ticket_id", mentions="nope")


# --- tickets synced from a helpdesk integration ---


def test_integration_tickets_cannot_be_updated_or_deleted(api, agent, settings):
    t = create_ticket(api, [agent["agentId"]])
    make_integration_ticket(settings, api.account_id, t["ticket_id"])
    url = api.v1 + f"/tickets/{t['ticket_id']}"
    assert_error(api.patch(url, json={"subject": "x"}), 403, mentions="integration")
    assert_error(api.delete(url), 403, mentions="cannot be deleted")
    # still there, unchanged, and still readable and commentable
    assert api.get(url).json() == t
    c = api.post(api.v1 + "/comments", json={"ticket_id": t["ticket_id"], "body": "hi"})
    assert c.status_code == 200, c.text


# --- reads ---


def test_get_several_tickets_in_the_order_asked(api, agent):
    a = create_ticket(api, [agent["agentId"]])
    b = create_ticket(api, [agent["agentId"]])
    ids = f"{b['ticket_id']},missing-1,{a['ticket_id']}"
    r = api.get(api.v1 + "/tickets", params={"ticket_ids": ids})
    assert r.status_code == 200, r.text
    assert r.json() == {"results": [b, a], "notFound": ["missing-1"]}


def test_get_several_tickets_with_the_parameter_repeated(api, agent):
    a = create_ticket(api, [agent["agentId"]])
    b = create_ticket(api, [agent["agentId"]])
    r = api.get(api.v1 + f"/tickets?ticket_ids={a['ticket_id']}&ticket_ids={b['ticket_id']}")
    assert [t["ticket_id"] for t in r.json()["results"]] == [a["ticket_id"], b["ticket_id"]]


def test_get_several_tickets_needs_ticket_ids(api):
    assert_error(api.get(api.v1 + "/tickets"), 422, "ticket_ids", mentions="required")
    assert_error(api.get(api.v1 + "/tickets?ticket_ids=,,"), 422, "ticket_ids")


def test_get_at_most_100_tickets(api):
    ok = api.get(api.v1 + "/tickets", params={"ticket_ids": ",".join(f"t{i}" for i in range(100))})
    assert ok.status_code == 200 and len(ok.json()["notFound"]) == 100
    r = api.get(api.v1 + "/tickets", params={"ticket_ids": ",".join(f"t{i}" for i in range(101))})
    assert_error(r, 422, "ticket_ids", mentions="100")


def test_get_unknown_ticket_is_404(api):
    assert_error(api.get(api.v1 + "/tickets/nope"), 404, "ticket_id", mentions="nope")


def test_ticket_ids_with_slashes_and_spaces_work_in_urls(api, agent):
    tid = "case 12/34?x#y"
    create_ticket(api, [agent["agentId"]], ticket_id=tid)
    from urllib.parse import quote

    url = api.v1 + "/tickets/" + quote(tid, safe="")
    assert api.get(url).json()["ticket_id"] == tid
    assert api.patch(url, json={"status": "closed"}).json()["status"] == "closed"
    assert api.delete(url).status_code == 200


# --- authentication and tenants ---


@pytest.mark.parametrize(
    "method, path",
    [
        ("POST", "/tickets"),
        ("PATCH", "/tickets/x"),
        ("DELETE", "/tickets/x"),
        ("GET", "/tickets/x"),
        ("GET", "/tickets?ticket_ids=x"),
    ],
)
def test_no_token_is_401(anon, method, path):
    r = anon.request(method, "/api/v1" + path, json={} if method in ("POST", "PATCH") else None)
    assert_error(r, 401)
    r = anon.request(method, "/api/v1" + path, headers={"apiToken": "pdm_wrong"})
    assert_error(r, 401)


def test_another_account_cannot_see_or_change_the_ticket(api, make_api, agent):
    t = create_ticket(api, [agent["agentId"]])
    other = make_api()
    url = other.v1 + f"/tickets/{t['ticket_id']}"
    assert_error(other.get(url), 404)
    assert_error(other.patch(url, json={"subject": "mine"}), 404)
    assert_error(other.delete(url), 404)
    r = other.get(other.v1 + "/tickets", params={"ticket_ids": t["ticket_id"]})
    assert r.json() == {"results": [], "notFound": [t["ticket_id"]]}
    # the same ticket_id is free in the other account (unique per account)
    theirs = create_ticket(other, [create_agent(other)["agentId"]], ticket_id=t["ticket_id"])
    assert theirs["_id"] != t["_id"]
    assert api.get(api.v1 + f"/tickets/{t['ticket_id']}").json() == t
