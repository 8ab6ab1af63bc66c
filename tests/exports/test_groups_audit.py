"""The agent groups export (`includeUnavailable`) and the audit log export: their columns,
values and parameters."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tests.agents.helpers import create_group
from tests.exports.builders import (
    HEADERS,
    base_time,
    completed,
    csv_date,
    download,
    frozen,
    header_of,
    read_csv,
    window,
)
from tests.factories import create_agent, create_user, unique

# --- agent groups -----------------------------------------------------------------------------


def groups_export(api, **body):
    result = completed(api, "/request-groups-export", **body)
    if not result["dataUrl"]:
        return None
    r = download(result["dataUrl"])
    assert r.headers["content-type"] == "text/csv; charset=utf-8"
    assert header_of(r.content) == HEADERS["agent_groups"]
    return read_csv(r.content)


def test_groups_members_ids_and_availability(api):
    zendesk = unique("1006")
    ann = create_agent(api, name="Ann Agent", agentId=zendesk)
    r = api.post(
        api.v1 + "/agents/add-id-to-agent",
        json={"email": ann["email"], "agentId": "qppMJnv8L6KGZMYEN"},
    )
    assert r.status_code == 200, r.text
    bob = create_agent(api, name="Bob Away", available=False)
    cy = create_agent(api, name='Cy, "the closer"')
    create_agent(api, name="Dee Nogroup")  # in no group: no row
    tier1 = create_group(api, [ann["agentId"], bob["agentId"]], name="Tier 1")
    closers = create_group(api, [cy["agentId"], ann["agentId"]], name="Closers")
    create_group(api, [], name="Empty")  # no members: no row

    rows = groups_export(api)
    assert [(r["group_name"], r["agent_name"]) for r in rows] == [
        ("Closers", "Ann Agent"),
        ("Closers", 'Cy, "the closer"'),
        ("Tier 1", "Ann Agent"),
    ]
    ann_row = rows[0]
    assert ann_row == {
        "group_name": "Closers",
        "group_id": closers["id"],
        "agent_name": "Ann Agent",
        "agent_email": ann["email"],
        "agent_ids": f"{zendesk}; qppMJnv8L6KGZMYEN",
        "available": "True",
    }
    assert rows[2]["group_id"] == tier1["id"]

    everyone = groups_export(api, includeUnavailable=True, name="All groups")
    assert [(r["group_name"], r["agent_name"], r["available"]) for r in everyone] == [
        ("Closers", "Ann Agent", "True"),
        ("Closers", 'Cy, "the closer"', "True"),
        ("Tier 1", "Ann Agent", "True"),
        ("Tier 1", "Bob Away", "False"),
    ]
    assert groups_export(api, includeUnavailable=False) == rows


def test_groups_validation_empty_and_isolation(make_api):
    api, other = make_api(), make_api()
    r = api.post(api.v1 + "/request-groups-export", json={"includeUnavailable": "yes"})
    assert r.status_code == 422 and r.json()["errors"][0]["param"] == "includeUnavailable"
    # no body at all is fine; no groups: complete with nothing to download
    r = api.post(api.v1 + "/request-groups-export")
    assert r.status_code == 200, r.text
    assert groups_export(api) is None
    agent = create_agent(other, name="Theirs")
    create_group(other, [agent["agentId"]], name="Their group")
    mine = create_agent(api, name="Mine")
    create_group(api, [mine["agentId"]], name="My group")
    rows = groups_export(api, includeUnavailable=True)
    assert [(r["group_name"], r["agent_name"]) for r in rows] == [("My group", "Mine")]


# --- audit log --------------------------------------------------------------------------------


def audit_export(api, **body):
    result = completed(api, "/request-audit-log-export", **body)
    if not result["dataUrl"]:
        return None
    r = download(result["dataUrl"])
    assert r.headers["content-type"] == "text/csv; charset=utf-8"
    assert header_of(r.content) == HEADERS["audit_log"]
    return read_csv(r.content)


def test_audit_log_entries_in_the_window(api):
    t0 = base_time()
    with frozen(t0):
        agent = create_agent(api, name="Logged, Agent")
    with frozen(t0 + timedelta(seconds=1)):
        user = create_user(api, name="Logged User")
    with frozen(t0 + timedelta(seconds=2)):
        create_group(api, [agent["agentId"]], name="Logged group")

    rows = audit_export(api, **window(t0, t0 + timedelta(seconds=2)))
    entries = api.get(api.ext + "/activity-log", params={"count": 1000}).json()["Resources"]
    expected = [
        e
        for e in entries
        if e["timestamp"] < csv_date(t0 + timedelta(seconds=2)) and e["timestamp"] >= csv_date(t0)
    ]
    assert len(rows) == len(expected) == 2
    for row, entry in zip(rows, expected, strict=True):
        assert row == {
            "activity_id": entry["id"],
            "time_stamp": entry["timestamp"],
            "user_email": entry["userEmail"],
            "item_type": entry["itemType"],
            "action_type": entry["actionType"],
            "description": entry["description"],
            "ip_address": "127.0.0.1",
        }
    assert [(r["item_type"], r["action_type"]) for r in rows] == [
        ("Agents", "add"),
        ("Users", "add"),
    ]
    assert rows[0]["time_stamp"] == csv_date(t0)
    assert "Logged, Agent" in rows[0]["description"]
    assert user["email"] in rows[1]["description"]
    assert rows[0]["user_email"].startswith("API token pdm_")
    # the end is excluded, the start included
    later = audit_export(api, **window(t0 + timedelta(seconds=2), t0 + timedelta(seconds=3)))
    assert [r["item_type"] for r in later] == ["Agent Groups"]
    assert audit_export(api, **window(t0 - timedelta(days=1), t0)) is None


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"endDate": "2018-08-19T00:00:00Z"}, "startDate"),
        ({"startDate": "2018-08-19T00:00:00Z"}, "endDate"),
        ({"startDate": "2018-08-19", "endDate": "2018-08-20T00:00:00Z"}, "startDate"),
        ({"startDate": "2018-08-19T00:00:00Z", "endDate": "2018-08-18T00:00:00Z"}, "endDate"),
        (
            {"startDate": "2018-08-19T00:00:00Z", "endDate": "2018-08-20T00:00:00Z", "name": []},
            "name",
        ),
    ],
)
def test_audit_log_validation(api, body, param):
    r = api.post(api.v1 + "/request-audit-log-export", json=body)
    assert r.status_code == 422, r.text
    assert param in [e["param"] for e in r.json()["errors"]]


def test_audit_log_of_another_account_never_appears(make_api):
    api, other = make_api(), make_api()
    t0 = base_time()
    with frozen(t0):
        create_agent(other, name="Not yours")
        create_agent(api, name="Yours")
    rows = audit_export(api, **window(t0, t0 + timedelta(seconds=1)))
    assert len(rows) == 1 and "Yours" in rows[0]["description"]
