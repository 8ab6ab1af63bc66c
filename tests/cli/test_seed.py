"""`podium seed`: the demo data it promises, deterministic, per account, usable at once."""

from __future__ import annotations

import re
import secrets
from collections import Counter
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, select

from podium import ids, models
from podium.auth.models import ROLES
from podium.config import Settings, to_sync_url
from podium.errors import Invalid
from podium.seed import Volumes, seed_account
from podium.seed.generate import ANCHOR
from podium.seed.service import KEPT_TABLES
from tests.cli.process import podium_env, run_podium

SMALL = Volumes(users=4, agents=6, tickets=20, coaching_sessions=10, coaching_points=20, todos=15)
LINK_TABLES = {
    "coaching_point_sessions": ("point_id", "coaching_points"),
    "todo_sessions": ("todo_id", "todos"),
}


def _name() -> str:
    return f"seed-{secrets.token_hex(5)}"


def _dump(settings: Settings, account_id: str) -> dict[str, list[dict[str, Any]]]:
    """Every row the account holds, table by table, sorted (what a refill keeps aside)."""
    engine = create_engine(to_sync_url(settings.effective_database_url))
    out: dict[str, list[dict[str, Any]]] = {}
    try:
        with engine.connect() as conn:
            for table in models.Base.metadata.sorted_tables:
                if table.name in KEPT_TABLES:
                    continue
                if "account_id" in table.c:
                    where = table.c.account_id == account_id
                elif table.name in LINK_TABLES:
                    column, parent = LINK_TABLES[table.name]
                    parent_t = models.Base.metadata.tables[parent]
                    owned = select(parent_t.c.id).where(parent_t.c.account_id == account_id)
                    where = table.c[column].in_(owned)
                else:
                    continue
                # an integer key numbered by the database (never on the wire) is left out
                numbered = len(table.primary_key) == 1 and all(
                    c.autoincrement is True for c in table.primary_key
                )
                columns = [c for c in table.columns if not (numbered and c.primary_key)]
                order = columns if numbered else list(table.primary_key)
                stmt = select(*columns).where(where).order_by(*order)
                out[table.name] = [dict(r._mapping) for r in conn.execute(stmt)]
    finally:
        engine.dispose()
    return out


def _get(server, token: str, path: str, **params: Any) -> httpx.Response:
    return httpx.get(f"{server.url}/api/v1{path}", headers={"apitoken": token}, params=params)


def test_scale_1_writes_the_promised_rows(settings, server):
    result = seed_account(settings, account=_name(), seed=1, with_token=False)
    rows = _dump(settings, result.account_id)
    counts = {table: len(r) for table, r in rows.items() if r and table != "list_counts"}
    assert counts == result.counts
    # the kept totals of the unfiltered lists (podium.counts) are set too
    assert {c["kind"]: c["n"] for c in rows["list_counts"]} == {
        "coaching_sessions": 200, "coaching_points": 400, "todos": 300,
    }
    promised = (
        "users", "agents", "agent_groups", "ticket_attributes", "tickets", "coaching_sessions",
        "coaching_points", "todos", "coaching_point_sessions", "todo_sessions",
    )
    assert {k: counts[k] for k in promised} == {
        "users": 10, "agents": 40, "agent_groups": 5, "ticket_attributes": 3, "tickets": 400,
        "coaching_sessions": 200, "coaching_points": 400, "todos": 300,
        # 40% of coaching points and 30% of to-dos belong to a session
        "coaching_point_sessions": 160, "todo_sessions": 90,
    }

    def mapped(table: str) -> list[Any]:
        return [r._mapping for r in _rows(settings, table, result.account_id)]

    roles = {u["role"] for u in mapped("users")}
    assert roles >= {"admin", "manager", "grader"}
    assert roles <= set(ROLES)

    # every agent has one or two helpdesk ids: numeric (helpdesk) or generated (17 characters)
    helpdesk_ids = mapped("agent_helpdesk_ids")
    per_agent = Counter(h["agent_pk"] for h in helpdesk_ids)
    assert len(per_agent) == 40 and set(per_agent.values()) == {1, 2}
    hids = [h["helpdesk_id"] for h in helpdesk_ids]
    assert any(h.isdigit() for h in hids)
    assert any(len(h) == 17 and set(h) <= set(ids.ID_ALPHABET) for h in hids)

    groups = {g["id"]: g["name"] for g in mapped("agent_groups")}
    members = Counter(groups[m["group_id"]] for m in mapped("agent_group_members"))
    assert members["All Agents"] == 40
    assert 0 < members["Tier 1"] < 40

    comments = mapped("comments")
    per_ticket = Counter(c["ticket_pk"] for c in comments)
    assert len(per_ticket) == 400
    assert min(per_ticket.values()) == 2 and max(per_ticket.values()) == 8
    assert {c["role"] for c in comments} == {"customer", "agent"}
    assert {c["channel"] for c in comments} == {"chat", "email", "phone"}
    comment_id = re.compile(rf"{result.account_id}_\d+_[A-Z0-9]{{10}}")
    assert all(comment_id.fullmatch(c["id"]) for c in comments)

    sessions = mapped("coaching_sessions")
    created = [s["created_at"].replace(tzinfo=None) for s in sessions]
    anchor = ANCHOR.replace(tzinfo=None)
    assert anchor - timedelta(days=183) <= min(created) and max(created) <= anchor
    # spread over the months, not bunched up
    assert max(created) - min(created) > timedelta(days=150)
    assert all(len(s["id"]) == 17 and set(s["id"]) <= set(ids.ID_ALPHABET) for s in sessions)


def _rows(settings: Settings, table_name: str, account_id: str) -> list[Any]:
    engine = create_engine(to_sync_url(settings.effective_database_url))
    table = models.Base.metadata.tables[table_name]
    try:
        with engine.connect() as conn:
            return list(conn.execute(select(table).where(table.c.account_id == account_id)))
    finally:
        engine.dispose()


def test_scale_multiplies_activity_and_grows_people_slower():
    one, nine = Volumes.for_scale(1), Volumes.for_scale(9)
    assert (one.users, one.agents, one.tickets, one.coaching_sessions) == (10, 40, 400, 200)
    assert nine.tickets == 9 * one.tickets
    assert nine.coaching_sessions == 9 * one.coaching_sessions
    assert nine.coaching_points == 9 * one.coaching_points
    assert nine.todos == 9 * one.todos
    assert (nine.users, nine.agents) == (3 * one.users, 3 * one.agents)
    assert Volumes.for_scale(5000).coaching_sessions == 1_000_000
    with pytest.raises(ValueError):
        Volumes.for_scale(0)


def test_same_seed_gives_the_same_data_and_a_refill_replaces_it(settings, server):
    name = _name()
    first = seed_account(settings, account=name, seed=7, volumes=SMALL)
    before = _dump(settings, first.account_id)
    again = seed_account(settings, account=name, seed=7, volumes=SMALL)
    assert again.account_id == first.account_id
    assert _dump(settings, first.account_id) == before  # same ids, same values, no duplicates

    # the refill kept the tokens already handed out
    r = _get(server, first.token, "/todos")
    assert r.status_code == 200, r.text
    assert r.json()["totalResults"] == SMALL.todos

    seed_account(settings, account=name, seed=8, volumes=SMALL, with_token=False)
    other = _dump(settings, first.account_id)
    assert other["coaching_sessions"] != before["coaching_sessions"]
    assert len(other["coaching_sessions"]) == SMALL.coaching_sessions


def test_accounts_do_not_interfere(settings, server):
    a = seed_account(settings, account=_name(), seed=3, volumes=SMALL, with_token=False)
    b = seed_account(settings, account=_name(), seed=3, volumes=SMALL)
    b_rows = _dump(settings, b.account_id)
    a_ids = {r["id"] for r in _dump(settings, a.account_id)["coaching_sessions"]}
    assert a_ids.isdisjoint(r["id"] for r in b_rows["coaching_sessions"])

    # refilling one account (another seed, another size) leaves the other as it was
    fewer_todos = Volumes(**{**SMALL.as_dict(), "todos": 3})
    seed_account(settings, account=a.account, seed=4, volumes=fewer_todos, with_token=False)
    assert _dump(settings, b.account_id) == b_rows
    r = _get(server, b.token, "/todos", count=1000)
    assert r.json()["totalResults"] == SMALL.todos


def test_the_token_works_against_the_server(settings, server):
    result = seed_account(settings, account=_name(), seed=11)
    r = _get(server, result.token, "/coaching-sessions", count=100)
    assert r.status_code == 200, r.text
    page = r.json()
    assert page["totalResults"] == 200
    assert page["itemsPerPage"] == 100
    session = page["Resources"][0]
    helpdesk_ids = _rows(settings, "agent_helpdesk_ids", result.account_id)
    assert session["agentId"] in {r._mapping["helpdesk_id"] for r in helpdesk_ids}

    deep = _get(server, result.token, "/coaching-sessions", count=100, startIndex=150).json()
    assert deep["itemsPerPage"] == 50

    # the API's changes and a refill keep totalResults true
    r = httpx.delete(
        f"{server.url}/api/podium/v1/coaching-sessions/{session['id']}",
        headers={"apitoken": result.token},
    )
    assert r.status_code == 200, r.text
    assert _get(server, result.token, "/coaching-sessions").json()["totalResults"] == 199
    seed_account(settings, account=result.account, seed=11, with_token=False)
    refilled = _get(server, result.token, "/coaching-sessions", count=100).json()
    assert refilled["totalResults"] == 200
    assert refilled["Resources"][0] == session


def test_empty_account_name_is_refused(settings):
    with pytest.raises(Invalid):
        seed_account(settings, account="  ", volumes=SMALL)


def test_podium_seed_prints_only_a_working_token(settings, server, tmp_path):
    name = _name()
    env = podium_env(tmp_path, settings.effective_database_url)
    r = run_podium("seed", "--account", name, "--seed", "5", env=env)
    assert r.returncode == 0, r.stderr
    assert re.fullmatch(r"pdm_[0-9A-Za-z]{49}\n", r.stdout)
    assert "coaching_sessions" in r.stderr and "rows/s" in r.stderr
    token = r.stdout.strip()
    page = _get(server, token, "/todos", count=1).json()
    assert page["totalResults"] == 300



# --- grading ------------------------------------------------------------------------------------


def test_scale_1_grades_tickets_with_every_kind_of_grade(settings, server):
    result = seed_account(settings, account=_name(), seed=2, with_token=False)
    counts = result.counts
    assert (counts["rubrics"], counts["rubric_versions"]) == (3, 4)

    def mapped(table: str) -> list[Any]:
        return [r._mapping for r in _rows(settings, table, result.account_id)]

    grades = mapped("grades")
    kinds = Counter(g["grade_type"] for g in grades)
    assert (kinds["grading"], kinds["grader_qa"], kinds["calibration_final"]) == (200, 16, 6)
    assert 12 <= kinds["calibration_review"] <= 18
    agent_qa = [g for g in grades if g["grade_type"] == "grading"]
    assert Counter(g["state"] for g in agent_qa)["draft"] == 8
    assert sum(g["deleted_at"] is not None for g in agent_qa) == 4
    # one grade per graded ticket
    assert len({g["ticket_pk"] for g in agent_qa}) == 200
    # both versions of the versioned rubric are used
    versions = {v["id"]: v for v in mapped("rubric_versions")}
    assert {versions[g["version_pk"]]["version"] for g in grades} == {1, 2}
    # every grade has one answer row per criterion of its version
    criteria = Counter(c["version_pk"] for c in mapped("rubric_criteria"))
    answers = Counter(a["grade_pk"] for a in mapped("grade_answers"))
    assert all(answers[g["id"]] == criteria[g["version_pk"]] for g in grades)
    assert counts["grade_answers"] == sum(answers.values())
    statuses = Counter(a["status"] for a in mapped("grade_answers"))
    assert {"scored", "na", "non_scoring", "unanswered"} <= set(statuses)
    qa = [g for g in grades if g["grade_type"] in ("grader_qa", "calibration_review")]
    assert all(g["alignment_score"] is not None for g in qa)
    assert any(g["auto_failed"] for g in grades) or any(
        g["rubric_score"] is not None and g["rubric_score"] > 100 for g in grades
    )
    annotations = mapped("annotations")
    assert {a["kind"] for a in annotations} == {"text", "audio"}
    assert sum(t["csat_score"] is not None for t in mapped("tickets")) > 50


def test_seeded_scores_are_what_the_api_computes(settings, server):
    """Every kind of seeded grade, rescored by the API (a PATCH that changes nothing), keeps
    its scores, section rows, answer rows and alignment."""
    result = seed_account(settings, account=_name(), seed=4, volumes=SMALL)
    token = result.token
    ext = f"{server.url}/api/podium/v1"

    def call(method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        r = httpx.request(method, ext + path, headers={"apitoken": token}, **kwargs)
        assert r.status_code == 200, r.text
        return r.json()

    listed = call("GET", "/grades", params={"count": 1000, "includeDeleted": "true"})
    assert listed["totalResults"] == len(_rows(settings, "grades", result.account_id))
    picked: dict[tuple[str, str], dict[str, Any]] = {}
    for g in listed["Resources"]:
        if g["deletedAt"] is None:
            picked.setdefault((g["gradeType"], g["state"]), g)
    assert {k[0] for k in picked} == {
        "grading", "grader_qa", "calibration_review", "calibration_final",
    }
    assert ("grading", "draft") in picked
    volatile = {"updatedAt"}
    for grade in picked.values():
        before = call("GET", f"/grades/{grade['id']}")
        after = call("PATCH", f"/grades/{grade['id']}", json={})
        assert {k: v for k, v in after.items() if k not in volatile} == {
            k: v for k, v in before.items() if k not in volatile
        }, grade["gradeType"]
    rubrics = call("GET", "/rubrics")
    assert [r["name"] for r in sorted(rubrics["Resources"], key=lambda r: r["name"])] == [
        "Chat QA", "Phone QA", "Support Quality",
    ]
