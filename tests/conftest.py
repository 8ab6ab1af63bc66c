"""Test harness: a real Podium server on a loopback port, on SQLite or PostgreSQL.

The database is SQLite unless PODIUM_TEST_DATABASE_URL names a PostgreSQL server; then a database
with a random name is created on it for this run and dropped afterwards. Every test works in
accounts of its own (see `api` and `make_api`), so tests never see each other's rows.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from podium import clock
from podium.app import create_app
from podium.config import Settings, to_sync_url
from tests.helpers import Api, create_account_with_token

TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    admin_url = os.environ.get("PODIUM_TEST_DATABASE_URL")
    if not admin_url:
        path = tmp_path_factory.mktemp("db") / "podium-test.db"
        yield f"sqlite+aiosqlite:///{path}"
        return
    import psycopg

    name = f"podium_test_{secrets.token_hex(6)}"
    admin = to_sync_url(admin_url).replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = admin.rsplit("/", 1)[0]
    try:
        yield f"postgresql+asyncpg://{base.split('://', 1)[1]}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (name,),
            )
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def make_settings(database_url: str, data_dir: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "data_dir": data_dir,
        "secret_key": TEST_SECRET,
        "rate_limits": "off",
        "log_level": "WARNING",
    }
    values.update(overrides)
    return Settings(**values)


class LiveServer:
    """A uvicorn server in a thread of this process (so tests can move `podium.clock`)."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            create_app(settings),
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            access_log=False,
            lifespan="on",
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("test server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def settings(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return make_settings(database_url, tmp_path_factory.mktemp("data"))


@pytest.fixture(scope="session")
def server(settings: Settings) -> Iterator[LiveServer]:
    live = LiveServer(settings).start()
    yield live
    live.stop()


@pytest.fixture
def start_server(database_url: str, tmp_path: Path, server: LiveServer) -> Iterator[Any]:
    """Start an extra server with other settings (rate limits, Redis...). Stopped after the test."""
    started: list[LiveServer] = []

    def start(**overrides: Any) -> LiveServer:
        overrides.setdefault("auto_migrate", False)  # the session server migrated already
        live = LiveServer(make_settings(database_url, tmp_path, **overrides)).start()
        started.append(live)
        return live

    yield start
    for live in started:
        live.stop()


@pytest.fixture
def make_api(server: LiveServer, settings: Settings) -> Iterator[Any]:
    """make_api() -> Api for a brand-new account with a fresh token."""
    clients: list[Api] = []

    def make(base_url: str | None = None, **token_options: Any) -> Api:
        account_id, token = asyncio.run(
            create_account_with_token(settings, f"acct-{secrets.token_hex(6)}", **token_options)
        )
        api = Api(base_url or server.url, token, account_id)
        clients.append(api)
        return api

    yield make
    for api in clients:
        api.close()


@pytest.fixture
def api(make_api: Any) -> Api:
    """An account of this test's own, with a token, talking to the live server."""
    return make_api()


@pytest.fixture
def anon(server: LiveServer) -> Iterator[httpx.Client]:
    """A client with no token."""
    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client


@pytest.fixture(autouse=True)
def _real_clock() -> Iterator[None]:
    clock.reset()
    yield
    clock.reset()
