"""Database sessions and connections (podium.db).

- GET requests run without a transaction around them: on SQLite they read while a write holds
  the database's write lock, instead of queueing behind it.
- Pooled PostgreSQL connections the server dropped while they sat idle are replaced before a
  request uses them (connections idle for `db_ping_after_idle_seconds` are checked).
"""

from __future__ import annotations

import sqlite3
import time
from typing import Any

import psycopg
import pytest
from sqlalchemy.engine import make_url

from podium.config import Settings
from tests.helpers import Api


def _backends(database_url: str) -> tuple[str, set[int]]:
    url = make_url(database_url)
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(
        hide_password=False
    )
    with psycopg.connect(admin, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity"
            " WHERE datname = %s AND backend_type = 'client backend'",
            (url.database,),
        ).fetchall()
    return admin, {pid for (pid,) in rows}


def test_connections_dropped_while_idle_are_replaced(
    database_url: str, start_server: Any, make_api: Any
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has no server to drop connections (CI runs this on PostgreSQL)")
    _, before = _backends(database_url)
    live = start_server(db_ping_after_idle_seconds=0.2)
    api = make_api(live.url)
    for _ in range(3):
        assert api.get(api.v1 + "/todos").status_code == 200
    admin, after = _backends(database_url)
    ours = after - before
    assert ours, "the new server opened no connection of its own"

    # the database ends every connection of that server, as a restart or a proxy would
    with psycopg.connect(admin, autocommit=True) as conn:
        for pid in ours:
            conn.execute("SELECT pg_terminate_backend(%s)", (pid,))
    time.sleep(0.5)  # idle longer than the check interval

    for _ in range(3):
        response = api.get(api.v1 + "/todos")
        assert response.status_code == 200, response.text
    created = api.post(
        api.ext + "/users",
        json={"name": "After the drop", "email": "drop@example.com", "role": "grader"},
    )
    assert created.status_code == 201, created.text


def test_reads_and_health_checks_do_not_wait_for_a_write_on_sqlite(
    settings: Settings, api: Api
) -> None:
    if not settings.effective_database_url.startswith("sqlite"):
        pytest.skip("SQLite's write lock; PostgreSQL reads never wait for writers")
    created = api.post(
        api.ext + "/users", json={"name": "Reader", "email": "reader@example.com", "role": "grader"}
    )
    assert created.status_code == 201, created.text
    path = make_url(settings.effective_database_url).database
    writer = sqlite3.connect(path, isolation_level=None, timeout=30)
    try:
        writer.execute("BEGIN IMMEDIATE")  # a long write holds the lock (an import, say)
        started = time.monotonic()
        listed = api.get(api.ext + "/users")
        user = api.get(api.ext + f"/users/{created.json()['id']}")
        health = api.get("/healthz")
        waited = time.monotonic() - started
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert listed.status_code == 200, listed.text
    assert [u["name"] for u in listed.json()["Resources"]] == ["Reader"]
    assert user.status_code == 200, user.text
    assert health.status_code == 200, health.text
    # before, each read waited for the lock (up to the 30 s busy timeout)
    assert waited < 5, f"reads waited {waited:.1f} s for the writer"
