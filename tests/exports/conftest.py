"""Servers of the exports tests' own: a fresh database (SQLite file, or a PostgreSQL database
next to the test database) with a live server on it, for tests that must control which
workers and which blob store see their jobs (the session server's worker would take any job
queued in the session database)."""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import LiveServer, make_settings
from tests.helpers import Api, create_account_with_token
from tests.storage import conftest as storage_conftest

from podium.config import to_sync_url


class Isolated:
    """A database of the test's own, servers on it, and accounts with tokens."""

    def __init__(self, database_url: str, data_dir: Path):
        self.database_url = database_url
        self.data_dir = data_dir
        self.servers: list[LiveServer] = []
        self.clients: list[Api] = []

    def server(self, **overrides: Any) -> LiveServer:
        migrate = not self.servers
        overrides.setdefault("auto_migrate", migrate)
        live = LiveServer(make_settings(self.database_url, self.data_dir, **overrides)).start()
        self.servers.append(live)
        return live

    def api(self, server: LiveServer) -> Api:
        account_id, token = asyncio.run(
            create_account_with_token(server.settings, f"acct-{secrets.token_hex(6)}")
        )
        client = Api(server.url, token, account_id)
        self.clients.append(client)
        return client

    def close(self) -> None:
        for client in self.clients:
            client.close()
        for live in reversed(self.servers):
            live.stop()


@pytest.fixture
def isolated(tmp_path: Path) -> Iterator[Callable[[], Isolated]]:
    """isolated() -> an `Isolated` on a brand-new database; servers stop after the test."""
    made: list[tuple[Isolated, Callable[[], None]]] = []

    def make() -> Isolated:
        url, drop = _new_database(tmp_path / f"db-{len(made)}")
        world = Isolated(url, tmp_path / f"data-{len(made)}")
        made.append((world, drop))
        return world

    yield make
    for world, drop in made:
        world.close()
        drop()


def _new_database(folder: Path) -> tuple[str, Callable[[], None]]:
    admin_url = os.environ.get("PODIUM_TEST_DATABASE_URL")
    if not admin_url:
        folder.mkdir(parents=True)
        return f"sqlite+aiosqlite:///{folder / 'podium.db'}", lambda: None
    import psycopg

    admin = to_sync_url(admin_url).replace("postgresql+psycopg://", "postgresql://")
    name = f"podium_exports_{secrets.token_hex(5)}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (name,),
            )
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')

    base = admin.rsplit("/", 1)[0]
    return f"postgresql+asyncpg://{base.split('://', 1)[1]}/{name}", drop


# the moto S3 server of the storage tests (a real S3 API on loopback), shared by the session
s3_server = storage_conftest.s3_server


@pytest.fixture
def s3_settings(s3_server: storage_conftest.S3Server) -> dict[str, Any]:
    """Settings that store files in the moto bucket."""
    return {
        "storage": "s3",
        "s3_endpoint_url": s3_server.endpoint_url,
        "s3_bucket": s3_server.bucket,
        "s3_region": storage_conftest.REGION,
        "s3_access_key_id": storage_conftest.CREDENTIALS[0],
        "s3_secret_access_key": storage_conftest.CREDENTIALS[1],
    }
