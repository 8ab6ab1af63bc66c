"""Simultaneous creates of one ticket_id: the database's unique constraint decides, and every
loser is told 409, never 500."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.factories import create_agent, create_ticket, unique
from tests.tickets.helpers import db_execute

CLIENTS = 50


def test_fifty_simultaneous_creates_of_one_ticket_id(api, settings):
    agent = create_agent(api)
    tid = unique("race")
    body = {"ticket_id": tid, "type": "t", "subject": "s", "link": "l", "body": "b",
            "agents": [agent["agentId"]]}
    start = threading.Barrier(CLIENTS)

    def create(_: int) -> httpx.Response:
        # one shared client (httpx clients are thread-safe); each thread gets its own connection
        start.wait()
        return api.post(api.v1 + "/tickets", json=body)

    with ThreadPoolExecutor(CLIENTS) as pool:
        responses = list(pool.map(create, range(CLIENTS)))

    codes = sorted(r.status_code for r in responses)
    assert codes == [201] + [409] * (CLIENTS - 1), [r.text for r in responses if r.status_code
                                                     not in (201, 409)]
    for r in responses:
        if r.status_code == 409:
            assert tid in r.json()["message"]
            assert [e["param"] for e in r.json()["errors"]] == ["ticket_id"]
    rows = db_execute(
        settings, "SELECT id FROM tickets WHERE account_id = :a AND ticket_id = :t",
        a=api.account_id, t=tid,
    )
    winner = next(r for r in responses if r.status_code == 201).json()
    assert [row[0] for row in rows] == [winner["_id"]]
    # the winner's agents were stored once, with it
    links = db_execute(settings, "SELECT agent_id FROM ticket_agents WHERE ticket_pk = :pk",
                       pk=winner["_id"])
    assert [row[0] for row in links] == [agent["agentId"]]


def _all_at_once(n: int, call) -> list[httpx.Response]:
    start = threading.Barrier(n)

    def run(i: int) -> httpx.Response:
        start.wait()
        return call(i)

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(run, range(n)))


def test_simultaneous_deletes_of_one_ticket(api):
    agent = create_agent(api)
    t = create_ticket(api, [agent["agentId"]])
    responses = _all_at_once(10, lambda _: api.delete(api.v1 + f"/tickets/{t['ticket_id']}"))
    assert sorted(r.status_code for r in responses) == [200] + [404] * 9


def test_simultaneous_agent_changes_leave_one_whole_list(api, settings):
    agents = [create_agent(api)["agentId"] for _ in range(4)]
    t = create_ticket(api, agents[:1])
    lists = [[agents[i % 4], agents[(i + 1) % 4], agents[(i + 2) % 4]] for i in range(20)]
    url = api.v1 + f"/tickets/{t['ticket_id']}"
    responses = _all_at_once(20, lambda i: api.patch(url, json={"agents": lists[i]}))
    assert [r.status_code for r in responses] == [200] * 20, [r.text for r in responses]
    final = api.get(url).json()["agents"]
    assert final in lists
    links = db_execute(settings, "SELECT agent_id FROM ticket_agents WHERE ticket_pk = :pk "
                       "ORDER BY position", pk=t["_id"])
    assert [row[0] for row in links] == final


def test_deleting_a_ticket_while_comments_arrive(api, settings):
    agent = create_agent(api)
    t = create_ticket(api, [agent["agentId"]])
    batch = {"batch": [{"ticket_id": t["ticket_id"], "body": f"c{i}"} for i in range(50)]}

    def call(i: int) -> httpx.Response:
        if i == 10:
            return api.delete(api.v1 + f"/tickets/{t['ticket_id']}")
        if i % 2:
            return api.post(api.v1 + "/comments-batch", json=batch)
        return api.post(api.v1 + "/comments", json=batch["batch"][0])

    responses = _all_at_once(20, call)
    assert responses[10].status_code == 200, responses[10].text
    for i, r in enumerate(responses):
        # before the delete: stored; after it: the ticket is gone (404 alone, 422 in a batch)
        assert r.status_code in ((200, 422) if i % 2 else (200, 404)), (i, r.text)
    assert db_execute(settings, "SELECT 1 FROM comments WHERE ticket_pk = :pk", pk=t["_id"]) == []
