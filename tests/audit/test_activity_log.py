"""The activity log: every change, through every door, once, in the change's own transaction."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

from tests.cli.process import podium_env, run_podium
from tests.coaching.builders import api_with_user_token
from tests.factories import create_agent, create_ticket, create_user, unique
from tests.helpers import Api

from podium import clock
from podium.seed import Volumes, seed_account
from podium.wire import format_utc


class Log:
    """Reads an account's activity log and hands back the entries written since the last look."""

    def __init__(self, api: Api):
        self.api = api
        self.seen: set[str] = set()

    def all(self, **params: Any) -> list[dict[str, Any]]:
        r = self.api.get(self.api.ext + "/activity-log", params={"count": 1000, **params})
        assert r.status_code == 200, r.text
        return r.json()["Resources"]

    def new(self) -> list[dict[str, Any]]:
        fresh = [e for e in self.all() if e["id"] not in self.seen]
        self.seen.update(e["id"] for e in fresh)
        return fresh

    def one(self, item_type: str, action_type: str, *mentions: str) -> dict[str, Any]:
        """The one entry written since the last look; it has these types and mentions these."""
        fresh = self.new()
        kinds = [(e["itemType"], e["actionType"]) for e in fresh]
        assert kinds == [(item_type, action_type)], fresh
        entry = fresh[0]
        for text in mentions:
            assert text in entry["description"], (text, entry)
        assert entry["ipAddress"] == "127.0.0.1"
        return entry


def _ok(r: Any) -> Any:
    assert r.status_code in (200, 201, 204), f"{r.request.method} {r.request.url}: {r.text}"
    return r.json() if r.content else None


def test_every_api_change_is_logged_once_with_who_and_where(api):
    log = Log(api)
    label = f"API token {api.token[:8]}…"

    agent = create_agent(api, name="Ada Agent")
    entry = log.one("Agents", "add", agent["email"], agent["agentId"], "Ada Agent")
    assert entry["userEmail"] == label
    assert entry["actorTokenId"] is not None
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", entry["timestamp"])

    added = {"email": agent["email"], "agentId": "zd-1"}
    _ok(api.post(api.v1 + "/agents/add-id-to-agent", json=added))
    log.one("Agents", "update", "zd-1", agent["email"])
    _ok(api.post(
        api.v1 + "/agents/update-agent-availability",
        json={"email": agent["email"], "available": False},
    ))
    log.one("Agents", "availability change", agent["email"], "unavailable")
    _ok(api.patch(api.ext + f"/agents/{agent['_id']}", json={"name": "Ada Lovelace"}))
    log.one("Agents", "update", "Ada Lovelace")

    group = _ok(api.post(api.ext + "/agent-groups", json={"name": "Tier 1", "agentIds": []}))
    log.one("Agent Groups", "add", '"Tier 1"')
    _ok(api.patch(api.ext + f"/agent-groups/{group['id']}", json={"name": "Tier 2"}))
    log.one("Agent Groups", "update", '"Tier 1"', '"Tier 2"')
    _ok(api.post(api.ext + f"/agent-groups/{group['id']}/members", json={"agentIds": ["zd-1"]}))
    log.one("Agent Groups", "membership change", "1 agent", "Tier 2")
    _ok(api.delete(api.ext + f"/agent-groups/{group['id']}/members/zd-1"))
    log.one("Agent Groups", "membership change", agent["email"], "Tier 2")
    _ok(api.delete(api.ext + f"/agent-groups/{group['id']}"))
    log.one("Agent Groups", "delete", '"Tier 2"')

    user = create_user(api, role="grader")
    log.one("Users", "add", user["email"], "grader")
    _ok(api.patch(api.ext + f"/users/{user['id']}", json={"role": "admin"}))
    log.one("Users", "role change", user["email"], "from grader to admin")
    _ok(api.patch(api.ext + f"/users/{user['id']}", json={"active": False}))
    log.one("Users", "deactivate", user["email"])

    ticket = create_ticket(api, [agent["agentId"]])
    tid = ticket["ticket_id"]
    log.one("Tickets", "add", f'"{tid}"')
    _ok(api.patch(api.v1 + f"/tickets/{tid}", json={"status": "closed"}))
    log.one("Tickets", "update", f'"{tid}"', "status")
    _ok(api.post(api.v1 + "/comments", json={"ticket_id": tid, "body": "hi"}))
    log.one("Comments", "add", f'"{tid}"')

    key = unique("k")
    _ok(api.post(api.ext + "/ticket-attributes", json={"key": key, "valueType": "number"}))
    log.one("Ticket Attributes", "add", f'"{key}"', "number")
    _ok(api.delete(api.ext + f"/ticket-attributes/{key}"))
    log.one("Ticket Attributes", "delete", f'"{key}"')

    coach = create_user(api)
    log.new()
    body = {"name": "Weekly", "agentId": "zd-1", "coachId": coach["id"]}
    session = _ok(api.post(api.ext + "/coaching-sessions", json=body))
    log.one("Coaching Sessions", "add", session["id"], '"Weekly"', "zd-1")
    _ok(api.patch(api.ext + f"/coaching-sessions/{session['id']}", json={"coachNotes": "ok"}))
    log.one("Coaching Sessions", "update", session["id"], "coachNotes")
    point = _ok(api.post(
        api.ext + "/coaching-points",
        json={"agentId": "zd-1", "creatorId": coach["id"], "type": "strengths"},
    ))
    log.one("Coaching Points", "add", point["id"])
    _ok(api.patch(api.ext + f"/coaching-points/{point['id']}", json={"type": "n/a"}))
    log.one("Coaching Points", "update", point["id"], "type")
    _ok(api.delete(api.ext + f"/coaching-points/{point['id']}"))
    log.one("Coaching Points", "delete", point["id"])
    todo = _ok(api.post(
        api.ext + "/todos", json={"title": "Read", "agentId": "zd-1", "creatorId": coach["id"]}
    ))
    log.one("To-dos", "add", todo["id"], '"Read"')
    _ok(api.patch(api.ext + f"/todos/{todo['id']}", json={"status": "complete"}))
    log.one("To-dos", "update", todo["id"], "status")
    _ok(api.delete(api.ext + f"/todos/{todo['id']}"))
    log.one("To-dos", "delete", todo["id"])
    _ok(api.delete(api.ext + f"/coaching-sessions/{session['id']}"))
    log.one("Coaching Sessions", "delete", session["id"])

    _ok(api.delete(api.v1 + f"/tickets/{tid}"))
    log.one("Tickets", "delete", f'"{tid}"')

    # reads write nothing
    api.get(api.v1 + f"/tickets/{tid}")
    api.get(api.ext + "/agents")
    assert log.new() == []


def test_a_change_of_several_kinds_has_one_entry_per_kind_and_no_change_has_none(api):
    log = Log(api)
    user = create_user(api, role="grader", name="Gus")
    log.new()
    _ok(api.patch(api.ext + f"/users/{user['id']}", json={"name": "Gustav", "role": "manager"}))
    assert sorted((e["actionType"], e["description"]) for e in log.new()) == [
        ("role change", f"Changed the role of user {user['email']} from grader to manager"),
        ("update", f'Renamed user {user["email"]} from "Gus" to "Gustav"'),
    ]
    _ok(api.patch(api.ext + f"/users/{user['id']}", json={"name": "Gustav", "role": "manager"}))
    agent = create_agent(api, available=True)
    log.new()
    _ok(api.post(
        api.v1 + "/agents/update-agent-availability",
        json={"email": agent["email"], "available": True},
    ))
    assert log.new() == []


def test_a_user_token_is_logged_under_the_users_email(api, settings):
    user = create_user(api, role="admin")
    as_user = api_with_user_token(settings, api, user["id"])
    try:
        agent = create_agent(as_user)
    finally:
        as_user.close()
    entry = Log(api).all(itemType="Agents")[-1]
    assert entry["userEmail"] == user["email"]
    assert agent["email"] in entry["description"]


def test_a_failed_change_logs_nothing(api):
    log = Log(api)
    agent = create_agent(api)
    ticket = create_ticket(api, [agent["agentId"]])
    log.new()

    duplicate = {**{k: ticket[k] for k in ("ticket_id", "subject", "body", "link")}}
    r = api.post(api.v1 + "/tickets", json={**duplicate, "type": "x", "agents": []})
    assert r.status_code == 409, r.text
    batch = [
        {"ticket_id": ticket["ticket_id"], "body": "fine"},
        {"ticket_id": "no-such-ticket", "body": "not fine"},
    ]
    r = api.post(api.v1 + "/comments-batch", json={"batch": batch})
    assert r.status_code == 422, r.text
    r = api.post(api.v1 + "/agents", json={"name": "X", "email": agent["email"], "available": True})
    assert r.status_code == 409, r.text
    r = api.patch(api.ext + "/users/nobody", json={"role": "admin"})
    assert r.status_code == 404, r.text
    assert log.new() == []


def test_a_comments_batch_is_one_entry(api):
    log = Log(api)
    agent = create_agent(api)
    tickets = [create_ticket(api, [agent["agentId"]])["ticket_id"] for _ in range(3)]
    log.new()
    batch = [{"ticket_id": tickets[i % 3], "body": f"c{i}"} for i in range(500)]
    _ok(api.post(api.v1 + "/comments-batch", json={"batch": batch}))
    log.one("Comments", "add", "Added 500 comments to 3 tickets")
    _ok(api.post(api.v1 + "/comments-batch", json={"batch": batch[:1]}))
    log.one("Comments", "add", f'Added 1 comment to ticket "{tickets[0]}"')


def test_another_account_never_sees_the_entries(api, make_api):
    create_agent(api)
    other = make_api()
    assert Log(api).all() != []
    assert Log(other).all() == []
    r = other.get(other.ext + "/activity-log", params={"itemType": "Agents"})
    assert r.json()["totalResults"] == 0


def test_filters_dates_and_pages(api):
    start = clock.freeze(clock.now().replace(microsecond=0))
    hour = timedelta(hours=1)
    create_agent(api)
    clock.advance(hour)
    agent = create_agent(api)
    clock.advance(hour)
    create_user(api)
    log = Log(api)
    everything = log.all()
    assert [e["itemType"] for e in everything] == ["Agents", "Agents", "Users"]
    assert [e["timestamp"] for e in everything] == [
        format_utc(start),
        format_utc(start + hour),
        format_utc(start + 2 * hour),
    ]
    window = log.all(startDate=format_utc(start + hour), endDate=format_utc(start + 2 * hour))
    assert len(window) == 1 and agent["email"] in window[0]["description"]
    assert [e["itemType"] for e in log.all(itemType="Users")] == ["Users"]
    assert log.all(actionType="delete") == []

    r = api.get(api.ext + "/activity-log", params={"count": 1, "startIndex": 1})
    page = r.json()
    assert (page["totalResults"], page["itemsPerPage"], page["startIndex"]) == (3, 1, 1)
    assert page["Resources"][0]["id"] == everything[1]["id"]

    r = api.get(api.ext + "/activity-log", params={"startDate": "yesterday"})
    assert r.status_code == 422 and "startDate" in r.text
    r = api.get(
        api.ext + "/activity-log",
        params={"startDate": format_utc(start + hour), "endDate": format_utc(start)},
    )
    assert r.status_code == 422 and "startDate" in r.text


def test_the_endpoint_is_documented(anon):
    spec = anon.get("/openapi.json").json()
    operation = spec["paths"]["/api/podium/v1/activity-log"]["get"]
    assert operation["tags"] == ["activity log"]
    params = {p["name"] for p in operation["parameters"]}
    assert {"startDate", "endDate", "itemType", "actionType", "count", "startIndex"} <= params


def test_cli_changes_are_logged_as_cli(settings, server, tmp_path):
    env = podium_env(tmp_path, settings.effective_database_url)
    name = unique("cli-audit-")
    r = run_podium("account", "create", name, env=env)
    assert r.returncode == 0, r.stderr
    account_id = r.stdout.strip()
    r = run_podium("token", "create", "--account", name, "--name", "ci", env=env)
    assert r.returncode == 0, r.stderr
    token = r.stdout.strip()
    api = Api(server.url, token, account_id)
    try:
        entries = Log(api).all()
        assert [(e["itemType"], e["actionType"]) for e in entries] == [
            ("Accounts", "add"),
            ("API Tokens", "add"),
        ]
        assert f'"{name}"' in entries[0]["description"]
        assert token[:8] in entries[1]["description"] and '"ci"' in entries[1]["description"]
        for entry in entries:
            assert (entry["userEmail"], entry["ipAddress"], entry["actorTokenId"]) == (
                "cli", None, None
            )

        r = run_podium("token", "list", "--account", name, "--json", env=env)
        other_token = run_podium("token", "create", "--account", name, env=env).stdout.strip()
        token_id = next(t["id"] for t in json.loads(r.stdout))
        r = run_podium("token", "deactivate", token_id, "--account", name, env=env)
        assert r.returncode == 0, r.stderr
        viewer = Api(server.url, other_token, account_id)
        try:
            last = Log(viewer).all()[-1]
        finally:
            viewer.close()
        assert (last["itemType"], last["actionType"]) == ("API Tokens", "deactivate")
        assert token_id in last["description"]
    finally:
        api.close()


def test_a_seed_is_one_entry_and_a_refill_keeps_the_log(settings, server):
    tiny = Volumes(users=2, agents=2, tickets=3, coaching_sessions=1, coaching_points=1, todos=1)
    name = unique("seed-audit-")
    first = seed_account(settings, account=name, seed=1, volumes=tiny)
    seed_account(settings, account=name, seed=2, volumes=tiny, with_token=False)
    api = Api(server.url, first.token, first.account_id)
    try:
        entries = Log(api).all()
    finally:
        api.close()
    assert [(e["itemType"], e["actionType"], e["userEmail"]) for e in entries] == [
        ("Accounts", "seed", "cli"),
        ("Accounts", "seed", "cli"),
    ]
    assert entries[0]["description"].startswith("Seeded demo data")
