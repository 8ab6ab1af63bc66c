"""The reference's comment endpoints, example by example and error row by error row:
`POST /comments` and `POST /comments-batch`."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from podium import clock
from tests.factories import create_agent, create_ticket, unique
from tests.tickets.helpers import assert_error, timeline

JSON = "application/json"
COMMENT_KEYS = ["body", "author_id", "role", "channel", "public", "time", "ticket_id", "id"]

# the reference's "Create a Ticket Comment" example request, verbatim
EXAMPLE_COMMENT = {
    "ticket_id": "427406478143",
    "channel": "chat",
    "time": "2023-11-03T16:38:53.508Z",
    "body": "Hi, can I get some help?",
    "role": "customer",
    "author_id": "customer_12345",
    "public": True,
}

# the reference's "Create Many Ticket Comments" example request
EXAMPLE_BATCH = {
    "batch": [
        EXAMPLE_COMMENT,
        {
            "ticket_id": "513309837",
            "channel": "email",
            "time": "2024-11-03T16:38:53.508Z",
            "body": "I have questions that need answering",
            "role": "customer",
            "author_id": "customer_abcdef",
            "public": True,
        },
    ]
}


def comment_id_pattern(account_id: str, ticket_id: str) -> re.Pattern[str]:
    return re.compile(rf"^{account_id}_{re.escape(ticket_id)}_[A-Z0-9]{{10}}$")


@pytest.fixture
def agent(api):
    return create_agent(api)


@pytest.fixture
def example_tickets(api, agent):
    """The two tickets the examples comment on."""
    for tid in ("427406478143", "513309837"):
        create_ticket(api, [agent["agentId"]], ticket_id=tid)
    return api


@pytest.fixture
def ticket(api, agent):
    return create_ticket(api, [agent["agentId"]])


# --- Create a Ticket Comment ---


def test_create_comment_replays_the_reference_example(example_tickets):
    api = example_tickets
    r = api.post(api.v1 + "/comments", json=EXAMPLE_COMMENT)
    assert r.status_code == 200, r.text
    body = r.json()
    assert list(body) == COMMENT_KEYS
    assert body == {
        "body": "Hi, can I get some help?",
        "author_id": "customer_12345",
        "role": "customer",
        "channel": "chat",
        "public": True,
        "time": "2023-11-03T16:38:53.508Z",
        "ticket_id": "427406478143",
        "id": body["id"],
    }
    assert comment_id_pattern(api.account_id, "427406478143").match(body["id"]), body["id"]
    # stored on the ticket's timeline
    stored = timeline(api, "427406478143")["Resources"]
    assert stored == [{**body, "kind": "comment"}]


def test_comment_defaults(api, ticket):
    clock.freeze(datetime(2025, 5, 6, 7, 8, 9, 10000, tzinfo=UTC))
    r = api.post(api.v1 + "/comments", json={"ticket_id": ticket["ticket_id"], "body": "hi"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["public"] is True
    assert body["time"] == "2025-05-06T07:08:09.010Z"
    assert (body["author_id"], body["role"], body["channel"]) == (None, None, None)


def test_private_agent_comment(api, ticket):
    r = api.post(
        api.v1 + "/comments",
        json={"ticket_id": ticket["ticket_id"], "body": "internal note", "public": False,
              "role": "agent", "author_id": "agent_1"},
    )
    assert r.status_code == 200, r.text
    assert (r.json()["public"], r.json()["role"]) == (False, "agent")


def test_comment_ids_are_unique(api, ticket):
    ids = {
        api.post(api.v1 + "/comments", json={"ticket_id": ticket["ticket_id"], "body": "x"}).json()[
            "id"
        ]
        for _ in range(5)
    }
    assert len(ids) == 5


def test_comment_on_unknown_ticket_is_404(api):
    r = api.post(api.v1 + "/comments", json={"ticket_id": "nope", "body": "hi"})
    assert_error(r, 404, "ticket_id", mentions="nope")


def test_comment_on_another_accounts_ticket_is_404(api, make_api, ticket):
    other = make_api()
    r = other.post(other.v1 + "/comments", json={"ticket_id": ticket["ticket_id"], "body": "hi"})
    assert_error(r, 404, "ticket_id")
    r = other.post(
        other.v1 + "/comments-batch", json={"batch": [{"ticket_id": ticket["ticket_id"],
                                                       "body": "hi"}]}
    )
    assert_error(r, 422, "batch[0].ticket_id")
    assert timeline(api, ticket["ticket_id"])["totalResults"] == 0
    assert_error(other.get(other.ext + f"/tickets/{ticket['ticket_id']}/comments"), 404)


@pytest.mark.parametrize("missing", ["body", "ticket_id"])
def test_missing_required_field_is_422_naming_it(api, ticket, missing):
    body = {"ticket_id": ticket["ticket_id"], "body": "hi"}
    del body[missing]
    assert_error(api.post(api.v1 + "/comments", json=body), 422, missing, mentions="required")


@pytest.mark.parametrize(
    "field, value",
    [
        ("role", "boss"),
        ("public", "maybe"),
        ("time", "last tuesday"),
        ("time", "2023-11-03"),
        ("body", 42),
        ("channel", ["chat"]),
        ("author_id", {"id": 1}),
    ],
)
def test_invalid_field_is_422_naming_it(api, ticket, field, value):
    r = api.post(
        api.v1 + "/comments", json={"ticket_id": ticket["ticket_id"], "body": "hi", field: value}
    )
    assert_error(r, 422, field)
    assert timeline(api, ticket["ticket_id"])["totalResults"] == 0


def test_comment_malformed_json_is_400(api):
    r = api.post(
        api.v1 + "/comments", content=b'{"body": "hi",', headers={"content-type": JSON}
    )
    assert_error(r, 400)


@pytest.mark.parametrize("path", ["/comments", "/comments-batch"])
def test_no_token_is_401(anon, path):
    assert_error(anon.post("/api/v1" + path, json={}), 401)
    assert_error(anon.post("/api/v1" + path, json={}, headers={"apitoken": "nope"}), 401)


# --- Create Many Ticket Comments ---


def test_comments_batch_replays_the_reference_example(example_tickets):
    api = example_tickets
    r = api.post(api.v1 + "/comments-batch", json=EXAMPLE_BATCH)
    assert r.status_code == 200, r.text
    results = r.json()["results"]
    assert list(r.json()) == ["results"]
    assert [list(c) for c in results] == [COMMENT_KEYS, COMMENT_KEYS]
    first, second = results
    assert {k: v for k, v in first.items() if k != "id"} == {
        "body": "Hi, can I get some help?",
        "author_id": "customer_12345",
        "role": "customer",
        "channel": "chat",
        "public": True,
        "time": "2023-11-03T16:38:53.508Z",
        "ticket_id": "427406478143",
    }
    assert {k: v for k, v in second.items() if k != "id"} == {
        "ticket_id": "513309837",
        "channel": "email",
        "time": "2024-11-03T16:38:53.508Z",
        "body": "I have questions that need answering",
        "role": "customer",
        "author_id": "customer_abcdef",
        "public": True,
    }
    assert comment_id_pattern(api.account_id, "427406478143").match(first["id"])
    assert comment_id_pattern(api.account_id, "513309837").match(second["id"])
    assert [c["id"] for c in timeline(api, "427406478143")["Resources"]] == [first["id"]]
    assert [c["id"] for c in timeline(api, "513309837")["Resources"]] == [second["id"]]


def test_batch_results_are_in_input_order(api, agent):
    a = create_ticket(api, [agent["agentId"]])
    b = create_ticket(api, [agent["agentId"]])
    batch = [
        {"ticket_id": (a, b)[i % 2]["ticket_id"], "body": f"comment {i}",
         "time": f"2024-01-01T00:00:{59 - i:02d}Z"}
        for i in range(20)
    ]
    r = api.post(api.v1 + "/comments-batch", json={"batch": batch})
    assert r.status_code == 200, r.text
    assert [c["body"] for c in r.json()["results"]] == [f"comment {i}" for i in range(20)]
    assert len({c["id"] for c in r.json()["results"]}) == 20


def test_batch_is_stored_as_answered(api, agent):
    # what the batch answers is what the ticket's timeline reads back: every field, times with an
    # offset or a long fraction converted to UTC milliseconds, the defaults filled in
    a = create_ticket(api, [agent["agentId"]])
    b = create_ticket(api, [agent["agentId"]])
    batch = [
        {"ticket_id": a["ticket_id"], "body": "first", "time": "2024-03-01T12:00:00+02:00",
         "role": "customer", "author_id": "c-1", "channel": "email"},
        {"ticket_id": b["ticket_id"], "body": "second", "time": "2024-03-01T10:00:01.123456789Z",
         "public": False, "role": "agent"},
        {"ticket_id": a["ticket_id"], "body": "third"},
    ]
    before = clock.now()
    r = api.post(api.v1 + "/comments-batch", json={"batch": batch})
    assert r.status_code == 200, r.text
    first, second, third = r.json()["results"]
    assert first["time"] == "2024-03-01T10:00:00.000Z"
    assert second["time"] == "2024-03-01T10:00:01.123Z"
    assert (first["public"], second["public"], third["public"]) == (True, False, True)
    assert (third["author_id"], third["role"], third["channel"]) == (None, None, None)
    defaulted = datetime.fromisoformat(third["time"].replace("Z", "+00:00"))
    assert before - timedelta(seconds=1) <= defaulted <= clock.now() + timedelta(seconds=1)

    def stored(ticket_id: str) -> list[dict]:
        return [
            {k: v for k, v in c.items() if k != "kind"}
            for c in timeline(api, ticket_id)["Resources"]
        ]

    assert stored(a["ticket_id"]) == [first, third]
    assert stored(b["ticket_id"]) == [second]


@pytest.mark.parametrize(
    "bad, param, mentions",
    [
        ({"ticket_id": "no-such-ticket", "body": "x"}, "batch[3].ticket_id", "no-such-ticket"),
        ({"ticket_id": None, "body": "x"}, "batch[3].ticket_id", None),
        ({"body": "x"}, "batch[3].ticket_id", "required"),
        ({"ticket_id": "OWN", "body": "x", "role": "boss"}, "batch[3].role", None),
        ({"ticket_id": "OWN", "body": "x", "time": "soon"}, "batch[3].time", "ISO 8601"),
        ({"ticket_id": "OWN"}, "batch[3].body", "required"),
        ("not a comment", "batch[3]", None),
    ],
)
def test_one_bad_comment_rejects_the_whole_batch(api, ticket, bad, param, mentions):
    tid = ticket["ticket_id"]
    batch = [{"ticket_id": tid, "body": f"c{i}"} for i in range(10)]
    # "OWN" stands for this test's ticket
    batch[3] = {k: tid if v == "OWN" else v for k, v in bad.items()} if isinstance(bad, dict) \
        else bad
    r = api.post(api.v1 + "/comments-batch", json={"batch": batch})
    body = assert_error(r, 422, param, mentions=mentions)
    assert [e["param"] for e in body["errors"]] == [param]
    # nothing was stored, not even the comments before the bad one
    assert timeline(api, tid)["totalResults"] == 0


def test_batch_names_every_unknown_ticket(api, ticket):
    batch = [
        {"ticket_id": ticket["ticket_id"], "body": "ok"},
        {"ticket_id": "ghost-a", "body": "x"},
        {"ticket_id": ticket["ticket_id"], "body": "ok"},
        {"ticket_id": "ghost-b", "body": "x"},
    ]
    body = assert_error(api.post(api.v1 + "/comments-batch", json={"batch": batch}), 422)
    assert [e["param"] for e in body["errors"]] == ["batch[1].ticket_id", "batch[3].ticket_id"]
    assert "batch[1].ticket_id: no ticket 'ghost-a' in this account" in body["message"]


def test_batch_of_500_is_accepted_and_501_refused(api, ticket):
    comment = {"ticket_id": ticket["ticket_id"], "body": "x"}
    r = api.post(api.v1 + "/comments-batch", json={"batch": [comment] * 501})
    assert_error(r, 422, "batch", mentions="500")
    assert timeline(api, ticket["ticket_id"], count=0)["totalResults"] == 0
    r = api.post(api.v1 + "/comments-batch", json={"batch": [comment] * 500})
    assert r.status_code == 200, r.text
    assert len(r.json()["results"]) == 500
    assert timeline(api, ticket["ticket_id"], count=0)["totalResults"] == 500


@pytest.mark.parametrize("payload", [{}, {"batch": []}, {"batch": "x"}, {"batch": {"a": 1}}])
def test_batch_must_be_a_non_empty_list(api, payload):
    assert_error(api.post(api.v1 + "/comments-batch", json=payload), 422, "batch")


def test_batch_malformed_json_is_400(api):
    r = api.post(
        api.v1 + "/comments-batch", content=b'{"batch": [', headers={"content-type": JSON}
    )
    assert_error(r, 400)


def test_batch_numeric_ticket_ids_are_read_as_strings(api, agent):
    create_ticket(api, [agent["agentId"]], ticket_id="513309837")
    batch = [{"ticket_id": 513309837, "body": "x"}]
    r = api.post(api.v1 + "/comments-batch", json={"batch": batch})
    assert r.status_code == 200, r.text
    assert r.json()["results"][0]["ticket_id"] == "513309837"


def test_ticket_ids_are_unique_per_account_for_comments(api, make_api, agent):
    # two accounts with the same ticket_id: each comment lands on its own account's ticket
    tid = unique("shared")
    create_ticket(api, [agent["agentId"]], ticket_id=tid)
    other = make_api()
    create_ticket(other, [create_agent(other)["agentId"]], ticket_id=tid)
    r = other.post(other.v1 + "/comments-batch", json={"batch": [{"ticket_id": tid, "body": "b"}]})
    assert r.status_code == 200, r.text
    assert r.json()["results"][0]["id"].startswith(other.account_id + "_")
    assert timeline(api, tid)["totalResults"] == 0
    assert timeline(other, tid)["totalResults"] == 1
