"""Tenant isolation: a second account's token never sees, changes or uses the first's objects.

For every endpoint that takes an object's id, account B gets 404 for account A's object; lists
never include A's rows; ids and emails that must be unique are unique per account, not globally.
"""

from __future__ import annotations

import pytest

from tests.factories import create_agent, create_ticket, create_user, unique


@pytest.fixture
def world(make_api):
    """Account A with one of everything; account B with nothing."""
    a = make_api()
    b = make_api()
    agent = create_agent(a, agentId=unique("iso"))
    user = create_user(a, role="manager")
    group = a.post(
        a.ext + "/agent-groups", json={"name": unique("g"), "agentIds": [agent["agentId"]]}
    )
    assert group.status_code == 201, group.text
    attr = a.post(a.ext + "/ticket-attributes", json={"key": unique("k"), "valueType": "string"})
    assert attr.status_code == 201, attr.text
    ticket = create_ticket(a, [agent["agentId"]])
    comment = a.post(
        a.v1 + "/comments", json={"ticket_id": ticket["ticket_id"], "body": "hello"}
    )
    assert comment.status_code in (200, 201), comment.text
    session = a.post(
        a.ext + "/coaching-sessions",
        json={"name": "s", "agentId": agent["agentId"], "coachId": user["id"],
              "creatorId": user["id"]},
    )
    assert session.status_code == 201, session.text
    point = a.post(
        a.ext + "/coaching-points",
        json={"agentId": agent["agentId"], "creatorId": user["id"], "type": "strengths",
              "classification": "general", "coachingSessionIds": [session.json()["id"]]},
    )
    assert point.status_code == 201, point.text
    todo = a.post(
        a.ext + "/todos",
        json={"title": "t", "agentId": agent["agentId"], "creatorId": user["id"]},
    )
    assert todo.status_code == 201, todo.text
    return {
        "a": a,
        "b": b,
        "agent": agent,
        "user": user,
        "group": group.json(),
        "attribute": attr.json(),
        "ticket": ticket,
        "comment": comment.json(),
        "session": session.json(),
        "point": point.json(),
        "todo": todo.json(),
    }


def test_reads_by_id_are_404_for_another_account(world):
    b = world["b"]
    paths = [
        b.v1 + f"/tickets/{world['ticket']['ticket_id']}",
        b.v1 + f"/todos/{world['todo']['id']}",
        b.v1 + f"/coaching-points/{world['point']['id']}",
        b.v1 + f"/coaching-sessions/{world['session']['id']}",
        b.ext + f"/agents/{world['agent']['_id']}",
        b.ext + f"/agents/{world['agent']['agentId']}",
        b.ext + f"/agent-groups/{world['group']['id']}",
        b.ext + f"/users/{world['user']['id']}",
        b.ext + f"/tickets/{world['ticket']['ticket_id']}/comments",
    ]
    for path in paths:
        r = b.get(path)
        assert r.status_code == 404, f"GET {path}: {r.status_code} {r.text}"
        assert r.json()["status"] == 404
        # and the owner does see it, so the 404 is about the account, not the path
        assert world["a"].get(path).status_code == 200, path


def test_writes_by_id_are_404_for_another_account(world):
    b = world["b"]
    ticket_id = world["ticket"]["ticket_id"]
    calls = [
        ("PATCH", b.v1 + f"/tickets/{ticket_id}", {"subject": "x"}),
        ("DELETE", b.v1 + f"/tickets/{ticket_id}", None),
        ("POST", b.v1 + "/comments", {"ticket_id": ticket_id, "body": "x"}),
        ("POST", b.v1 + "/agents/add-id-to-agent",
         {"email": world["agent"]["email"], "agentId": unique("x")}),
        ("POST", b.v1 + "/update-agent-availability",
         {"email": world["agent"]["email"], "available": False}),
        ("PATCH", b.ext + f"/agents/{world['agent']['_id']}", {"name": "x"}),
        ("PATCH", b.ext + f"/agent-groups/{world['group']['id']}", {"name": "x"}),
        ("DELETE", b.ext + f"/agent-groups/{world['group']['id']}", None),
        ("PATCH", b.ext + f"/users/{world['user']['id']}", {"name": "x"}),
        ("PATCH", b.ext + f"/coaching-sessions/{world['session']['id']}", {"name": "x"}),
        ("DELETE", b.ext + f"/coaching-sessions/{world['session']['id']}", None),
        ("PATCH", b.ext + f"/coaching-points/{world['point']['id']}", {"coachNotes": "x"}),
        ("DELETE", b.ext + f"/coaching-points/{world['point']['id']}", None),
        ("PATCH", b.ext + f"/todos/{world['todo']['id']}", {"title": "x"}),
        ("DELETE", b.ext + f"/todos/{world['todo']['id']}", None),
        ("DELETE", b.ext + f"/ticket-attributes/{world['attribute']['key']}", None),
    ]
    for method, path, body in calls:
        r = b.request(method, path, json=body)
        assert r.status_code == 404, f"{method} {path}: {r.status_code} {r.text}"
    # nothing changed for the owner
    a = world["a"]
    assert a.get(a.v1 + f"/tickets/{ticket_id}").json()["subject"] == world["ticket"]["subject"]
    assert a.get(a.v1 + f"/todos/{world['todo']['id']}").json()["title"] == "t"


def test_another_accounts_objects_cannot_be_referenced(world):
    b = world["b"]
    agent_id = world["agent"]["agentId"]
    r = b.post(
        b.v1 + "/tickets",
        json={"ticket_id": unique("t"), "type": "x", "subject": "x", "link": "x", "body": "x",
              "agents": [agent_id]},
    )
    assert r.status_code == 422 and agent_id in r.text
    r = b.post(
        b.v1 + "/agents",
        json={"name": "n", "available": True, "email": unique("e") + "@example.com",
              "agentGroupId": world["group"]["id"]},
    )
    assert r.status_code == 422 and "agentGroupId" in r.text
    own_user = create_user(b)
    r = b.post(
        b.ext + "/coaching-sessions",
        json={"name": "s", "agentId": agent_id, "coachId": own_user["id"]},
    )
    assert r.status_code == 422 and "agentId" in r.text


def test_lists_never_show_another_accounts_rows(world):
    b = world["b"]
    for path in (
        b.v1 + "/todos",
        b.v1 + "/coaching-points",
        b.v1 + "/coaching-sessions",
        b.ext + "/agents",
        b.ext + "/agent-groups",
        b.ext + "/users",
        b.ext + "/tickets",
        b.ext + "/ticket-attributes",
    ):
        r = b.get(path)
        assert r.status_code == 200, f"{path}: {r.text}"
        body = r.json()
        items = body["Resources"] if "Resources" in body else body.get("results", body)
        assert items == [] or all(
            world["agent"]["agentId"] not in str(item) for item in items
        ), path
    # even filtering by A's ids finds nothing
    r = b.get(b.v1 + "/coaching-sessions", params={"agentId": world["agent"]["agentId"]})
    assert r.json()["totalResults"] == 0


def test_unique_values_are_unique_per_account_not_globally(world):
    b = world["b"]
    agent = create_agent(b, email=world["agent"]["email"], agentId=world["agent"]["agentId"])
    assert agent["email"] == world["agent"]["email"]
    ticket = create_ticket(b, [agent["agentId"]], ticket_id=world["ticket"]["ticket_id"])
    assert ticket["ticket_id"] == world["ticket"]["ticket_id"]
    # A's ticket is untouched by B's namesake
    a = world["a"]
    assert a.get(a.v1 + f"/tickets/{ticket['ticket_id']}").json()["_id"] == world["ticket"]["_id"]
