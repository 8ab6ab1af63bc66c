"""`podium api ...` as a subprocess against the live test server."""

from __future__ import annotations

import csv
import json
import zipfile
from datetime import UTC, datetime, timedelta

import pytest

from tests.cli.process import podium_env
from tests.client.conftest import base_url, client_for
from tests.factories import create_agent, create_ticket, create_user
from tests.grading.builders import ANSWERS_21, thirty_five_points


@pytest.fixture
def run(api, tmp_path):
    """run(*args) -> CompletedProcess of `podium api ...` in tmp_path, token from the env."""
    env = podium_env(tmp_path, PODIUM_API_TOKEN=api.token, PODIUM_BASE_URL=base_url(api))

    def go(*args: str, **extra_env: str):
        import subprocess

        from tests.cli.process import PODIUM

        return subprocess.run(
            [*PODIUM, "api", *args],
            env={**env, **extra_env},
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )

    return go


def write_csv(path, rows, columns=None):
    columns = columns or list(rows[0])
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_tickets_import_creates_counts_conflicts_and_reports_failed_rows(api, run, tmp_path):
    agent = create_agent(api)
    existing = create_ticket(api, [agent["agentId"]])
    rows = [
        {
            "Ticket ID": "imp-1",
            "Title": "First",
            "Agent": agent["agentId"],
            "CSAT": "5",
            "attributes.group": "Support",
            "note": "x",
        },
        {
            "Ticket ID": "imp-2",
            "Title": "Second",
            "Agent": agent["email"],
            "CSAT": "",
            "attributes.group": "",
            "note": "",
        },
        {
            "Ticket ID": existing["ticket_id"],
            "Title": "Again",
            "Agent": agent["agentId"],
            "CSAT": "",
            "attributes.group": "",
            "note": "",
        },
        {
            "Ticket ID": "imp-4",
            "Title": "Bad agent",
            "Agent": "nobody",
            "CSAT": "",
            "attributes.group": "",
            "note": "",
        },
        {
            "Ticket ID": "imp-5",
            "Title": "Bad score",
            "Agent": agent["agentId"],
            "CSAT": "great",
            "attributes.group": "",
            "note": "",
        },
        {
            "Ticket ID": "",
            "Title": "No id",
            "Agent": agent["agentId"],
            "CSAT": "",
            "attributes.group": "",
            "note": "",
        },
    ]
    source = write_csv(tmp_path / "tickets.csv", rows)
    r = run(
        "tickets", "import", str(source),
        "--map", "ticket_id=Ticket ID", "--map", "subject=Title", "--map", "agents=Agent",
        "--map", "csat_score=CSAT",
        "--set", "type=csv import", "--set", "link=https://helpdesk.example.com", "--set", "body=-",
        "--json",
    )  # fmt: skip
    assert r.returncode == 5, r.stderr
    summary = json.loads(r.stdout)
    assert summary == {
        "rows": 6, "created": 2, "updated": 0, "conflicts": 1, "failed": 3, "notAttempted": 0,
        "report": str(tmp_path / "tickets.failed.csv"), "aborted": None,
    }  # fmt: skip
    assert "ignored columns: note" in r.stderr

    with open(summary["report"], newline="") as handle:
        failed = list(csv.DictReader(handle))
    assert [row["Ticket ID"] for row in failed] == ["imp-4", "imp-5", ""]
    assert [row["_row"] for row in failed] == ["4", "5", "6"]
    assert failed[0]["_status"] == "422" and "agents[0]" in failed[0]["_error"]
    assert "csat_score" in failed[1]["_error"] and "not a number" in failed[1]["_error"]
    assert "ticket_id" in failed[2]["_error"]

    with client_for(api) as client:
        first = client.tickets.get("imp-1")
        assert (first.subject, first.csat_score, first.type) == ("First", 5, "csv import")
        assert client.tickets.get("imp-2").agents == [agent["agentId"]]
        assert client.tickets.get(existing["ticket_id"]).subject == existing["subject"]  # skipped

    again = run(
        "tickets", "import", str(source), "--on-conflict", "update",
        "--map", "ticket_id=Ticket ID", "--map", "subject=Title", "--map", "agents=Agent",
        "--map", "csat_score=CSAT", "--set", "type=csv import", "--set", "link=l",
        "--set", "body=-", "--json", "--report", str(tmp_path / "second.csv"),
    )  # fmt: skip
    assert again.returncode == 5
    assert json.loads(again.stdout)["updated"] == 3
    with client_for(api) as client:
        assert client.tickets.get(existing["ticket_id"]).subject == "Again"


def test_a_clean_jsonl_import_exits_0(api, run, tmp_path):
    agent = create_agent(api)
    lines = [
        {
            "ticket_id": f"j-{n}",
            "type": "chat",
            "subject": "s",
            "agents": [agent["agentId"]],
            "link": "l",
            "body": "b",
        }
        for n in range(3)
    ]
    source = tmp_path / "tickets.jsonl"
    source.write_text("".join(json.dumps(line) + "\n" for line in lines))
    r = run("tickets", "import", str(source), "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["created"] == 3
    assert not (tmp_path / "tickets.failed.jsonl").exists()


def test_comments_import_keeps_the_good_rows_of_a_refused_batch(api, run, tmp_path):
    ticket = create_ticket(api, [create_agent(api)["agentId"]])
    lines = [
        json.dumps({"ticket_id": ticket["ticket_id"], "body": f"line {n}", "role": "customer"})
        for n in range(7)
    ]
    lines[2] = json.dumps({"ticket_id": "no-such-ticket", "body": "lost"})
    lines[4] = "{not json"
    lines[5] = json.dumps({"ticket_id": ticket["ticket_id"], "body": "robot", "role": "robot"})
    source = tmp_path / "comments.jsonl"
    source.write_text("\n".join(lines) + "\n")
    r = run("comments", "import", str(source), "--chunk-size", "3", "--json")
    assert r.returncode == 5, r.stderr
    summary = json.loads(r.stdout)
    assert (summary["created"], summary["failed"]) == (4, 3)
    with open(summary["report"]) as handle:
        report = [json.loads(line) for line in handle]
    assert [entry["_row"] for entry in report] == [3, 5, 6]
    assert "ticket_id" in report[0]["_error"]
    assert report[1]["_line"] == "{not json"
    assert "role" in report[2]["_error"]
    with client_for(api) as client:
        bodies = sorted(c.body for c in client.tickets.iter_comments(ticket["ticket_id"]))
    assert bodies == ["line 0", "line 1", "line 3", "line 6"]


def test_agents_import_and_list(api, run, tmp_path):
    source = write_csv(
        tmp_path / "agents.csv",
        [
            {"name": "Ann", "email": "ann@example.com", "available": "yes", "agentId": "ann-1"},
            {"name": "Bob", "email": "bob@example.com", "available": "no", "agentId": ""},
            {"name": "Bad", "email": "bad@example.com", "available": "maybe", "agentId": ""},
        ],
    )
    r = run("agents", "import", str(source))
    assert r.returncode == 5, r.stderr
    listed = run("agents", "list", "--output", "jsonl")
    assert listed.returncode == 0, listed.stderr
    agents = [json.loads(line) for line in listed.stdout.splitlines()]
    assert sorted(a["email"] for a in agents) == ["ann@example.com", "bob@example.com"]
    table = run("agents", "list", "--unavailable", "--output", "table")
    assert "bob@example.com" in table.stdout and "ann@example.com" not in table.stdout


def test_coaching_sessions_list_as_json_lines_and_get(api, run):
    agent = create_agent(api)
    coach = create_user(api)
    with client_for(api) as client:
        made = [
            client.coaching_sessions.create(
                name=f"S{n}", agent_id=agent["agentId"], coach_id=coach["id"]
            )
            for n in range(3)
        ]
    r = run("coaching-sessions", "list", "--agent-id", agent["agentId"], "--page-size", "2")
    assert r.returncode == 0, r.stderr
    listed = [json.loads(line) for line in r.stdout.splitlines()]
    assert sorted(s["id"] for s in listed) == sorted(s.id for s in made)
    assert set(listed[0]) >= {"id", "name", "agentId", "coachId", "createdAt"}
    limited = run("coaching-sessions", "list", "--limit", "1")
    assert len(limited.stdout.splitlines()) == 1
    one = run("coaching-sessions", "get", made[0].id)
    assert json.loads(one.stdout)["name"] == "S0"
    missing = run("coaching-sessions", "get", "nope")
    assert missing.returncode == 1 and "404" in missing.stderr


def test_export_raw_downloads_and_extracts(api, run, tmp_path):
    agent = create_agent(api)
    user = create_user(api)
    with client_for(api) as client:
        rubric = client.rubrics.create(thirty_five_points())
        ticket = create_ticket(api, [agent["agentId"]])
        client.grades.create(
            ticket_id=ticket["ticket_id"],
            rubric_id=rubric.id,
            grader_id=user["id"],
            answers=ANSWERS_21,
        )
    start = (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%d")
    end = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%d")
    r = run(
        "export",
        "raw",
        "--start",
        start,
        "--end",
        end,
        "--out",
        "exports",
        "--poll-interval",
        "0.5",
    )
    assert r.returncode == 0, r.stderr
    path = tmp_path / r.stdout.strip()
    assert zipfile.is_zipfile(path)
    assert "complete" in r.stderr

    extracted = run("export", "raw", "--start", start, "--end", end, "--out", "csvs", "--extract")
    assert extracted.returncode == 0, extracted.stderr
    names = sorted(p.rsplit("/", 1)[-1] for p in extracted.stdout.split())
    assert names == [
        "annotations.csv",
        "csat.csv",
        "individual_answers.csv",
        "section_scores.csv",
        "total_scores.csv",
    ]

    single = run("export", "raw", "--start", start, "--end", end, "--single-file", "total_scores")
    assert single.returncode == 0, single.stderr
    assert single.stdout.strip().endswith(".csv")

    empty = run("export", "raw", "--start", "2001-01-01", "--end", "2001-01-02")
    assert empty.returncode == 0 and empty.stdout == ""
    assert "nothing to download" in empty.stderr


def test_export_groups_and_audit_log(api, run):
    create_agent(api)
    groups = run("export", "groups", "--include-unavailable", "--out", "g")
    assert groups.returncode == 0, groups.stderr
    start = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    audit = run("export", "audit-log", "--start", start, "--end", "2999-01-01T00:00:00Z")
    assert audit.returncode == 0, audit.stderr
    assert audit.stdout.strip().endswith(".csv")


def test_exit_codes(api, run, tmp_path):
    no_token = run("todos", "list", PODIUM_API_TOKEN="")
    assert no_token.returncode == 2 and "no API token" in no_token.stderr
    bad_token = run("todos", "list", "--token", "pdm_wrong")
    assert bad_token.returncode == 3 and "401" in bad_token.stderr
    bad_date = run("export", "raw", "--start", "last week", "--end", "2024-01-01")
    assert bad_date.returncode == 2 and "--start" in bad_date.stderr
    refused = run("export", "raw", "--start", "2024-02-01", "--end", "2024-01-01")
    assert refused.returncode == 1 and "endDate" in refused.stderr
    from tests.conftest import free_port

    down = run("todos", "list", "--base-url", f"http://127.0.0.1:{free_port()}", "--retries", "0")
    assert down.returncode == 4
    unknown_field = run(
        "tickets", "import", str(write_csv(tmp_path / "t.csv", [{"a": "1"}])), "--map", "colour=a"
    )
    assert unknown_field.returncode == 2 and "unknown field" in unknown_field.stderr
