"""Attachments tests: Podium servers on both stores, and file servers on loopback to fetch from.

`podium` gives a Podium for a store (`local` or `s3`) and an allow-list setting:
- local store, allow-list off: the session's server (jobs on procrastinate with PostgreSQL);
- otherwise a server of its own, on a database of its own (a fetch job must run in the server
  whose settings it is tested with: a shared queue would let another server's worker take it),
  with the embedded job backend, whose retry back-offs follow `podium.clock`.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from podium import clock
from podium.config import Settings, to_sync_url
from tests.conftest import LiveServer, free_port, make_settings
from tests.factories import create_agent, create_ticket
from tests.helpers import Api, create_account_with_token
from tests.storage.conftest import CREDENTIALS, REGION, S3Server, s3_server  # noqa: F401

LOOPBACK = "127.0.0.0/8"
# small enough that the timeout and size tests take a moment
FETCH_TIMEOUT = 3.0
FETCH_MAX_BYTES = 256 * 1024
UPLOAD_MAX_BYTES = 12 * 1024 * 1024  # above PODIUM_MAX_BODY_BYTES (10 MiB)


@dataclass
class Podium:
    """A running Podium and a way to get accounts on it."""

    server: LiveServer
    settings: Settings
    store: str  # "local" or "s3"
    allow: bool
    s3: S3Server | None = None
    clients: list[Api] = field(default_factory=list)

    def api(self) -> Api:
        account_id, token = asyncio.run(
            create_account_with_token(self.settings, f"acct-{secrets.token_hex(6)}")
        )
        client = Api(self.server.url, token, account_id)
        self.clients.append(client)
        return client

    def close_clients(self) -> None:
        for client in self.clients:
            client.close()
        self.clients.clear()


def _new_database(tmp: Path) -> tuple[str, Callable[[], None]]:
    admin_url = os.environ.get("PODIUM_TEST_DATABASE_URL")
    if not admin_url:
        return f"sqlite+aiosqlite:///{tmp / 'podium.db'}", lambda: None
    import psycopg

    name = f"podium_att_{secrets.token_hex(5)}"
    admin = to_sync_url(admin_url).replace("postgresql+psycopg://", "postgresql://")
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


ATTACHMENT_SETTINGS = {
    "attachment_fetch_timeout_seconds": FETCH_TIMEOUT,
    "attachment_fetch_max_bytes": FETCH_MAX_BYTES,
    "attachment_max_upload_bytes": UPLOAD_MAX_BYTES,
}


@pytest.fixture(scope="session")
def podiums(
    tmp_path_factory: pytest.TempPathFactory, server: LiveServer, settings: Settings
) -> Iterator[Callable[..., Podium]]:
    started: dict[tuple[str, bool], Podium] = {}
    cleanups: list[Callable[[], None]] = []
    session_podium = Podium(server, settings, "local", allow=False)

    def get(store: str, allow: bool, s3: S3Server | None = None) -> Podium:
        if store == "local" and not allow:
            return session_podium
        if (store, allow) in started:
            return started[(store, allow)]
        tmp = tmp_path_factory.mktemp(f"podium-{store}-{'allow' if allow else 'off'}")
        url, drop = _new_database(tmp)
        cleanups.append(drop)
        overrides: dict[str, Any] = {
            **ATTACHMENT_SETTINGS,
            "jobs_backend": "embedded",
            "jobs_poll_seconds": 0.2,
            "jobs_heartbeat_seconds": 1.0,
            "jobs_lease_seconds": 5.0,
        }
        if allow:
            overrides["attachment_fetch_allow_networks"] = LOOPBACK
        if store == "s3":
            assert s3 is not None
            overrides.update(
                storage="s3",
                s3_bucket=s3.bucket,
                s3_endpoint_url=s3.endpoint_url,
                s3_region=REGION,
                s3_access_key_id=CREDENTIALS[0],
                s3_secret_access_key=CREDENTIALS[1],
            )
        live_settings = make_settings(url, tmp, **overrides)
        live = LiveServer(live_settings).start()
        cleanups.append(live.stop)
        started[(store, allow)] = Podium(live, live_settings, store, allow, s3)
        return started[(store, allow)]

    yield get
    for cleanup in reversed(cleanups):
        cleanup()


def _podium(request: pytest.FixtureRequest, podiums: Any, store: str, allow: bool) -> Podium:
    s3 = request.getfixturevalue("s3_server") if store == "s3" else None
    found = podiums(store, allow, s3)
    request.addfinalizer(found.close_clients)
    return found


@pytest.fixture(params=["local", "s3"])
def podium(request: pytest.FixtureRequest, podiums: Any) -> Podium:
    """A Podium on each store, fetching from loopback allowed (its own database)."""
    return _podium(request, podiums, request.param, allow=True)


@pytest.fixture(params=["local", "s3"])
def strict_podium(request: pytest.FixtureRequest, podiums: Any) -> Podium:
    """A Podium on each store with the allow-list off (the default)."""
    return _podium(request, podiums, request.param, allow=False)


@pytest.fixture
def s3_podium(request: pytest.FixtureRequest, podiums: Any) -> Podium:
    """The Podium on the S3 store alone, for what only S3 URLs have."""
    return _podium(request, podiums, "s3", allow=True)


@pytest.fixture
def api(podium: Podium) -> Api:
    return podium.api()


@pytest.fixture
def ticket(api: Api) -> dict[str, Any]:
    agent = create_agent(api)
    return create_ticket(api, [agent["agentId"]])


# --- a file server to fetch from -----------------------------------------------------------------


@dataclass
class Route:
    """What the file server answers on a path."""

    body: bytes = b""
    status: int = 200
    content_type: str = "application/octet-stream"
    location: str | None = None  # a redirect
    failures: int = 0  # answer `failure_status` this many times first
    failure_status: int = 503
    chunked: bool = False  # no Content-Length
    declared_length: int | None = None  # a Content-Length other than the body's
    pause: float = 0.0  # seconds before the body
    hits: int = 0
    hosts: list[str] = field(default_factory=list)


class FileServer:
    """A threaded HTTP server on a loopback address, answering the routes a test sets."""

    def __init__(self, host: str = "127.0.0.1"):
        self.routes: dict[str, Route] = {}
        self.host = host
        self.port = free_port_on(host)
        self.url = f"http://{host}:{self.port}"
        routes = self.routes

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                route = routes.get(self.path.split("?", 1)[0])
                if route is None:
                    self._answer(404, b"not found", "text/plain")
                    return
                route.hits += 1
                route.hosts.append(self.headers.get("Host", ""))
                if route.failures >= route.hits:
                    self._answer(route.failure_status, b"try later", "text/plain")
                    return
                if route.location is not None:
                    self.send_response(route.status if route.status != 200 else 302)
                    self.send_header("Location", route.location)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if route.pause:
                    time.sleep(route.pause)
                if route.chunked:
                    self.send_response(route.status)
                    self.send_header("Content-Type", route.content_type)
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    for start in range(0, len(route.body), 16384):
                        piece = route.body[start : start + 16384]
                        self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                    self.wfile.write(b"0\r\n\r\n")
                    return
                self._answer(route.status, route.body, route.content_type, route.declared_length)

            def _answer(
                self, status: int, body: bytes, content_type: str, length: int | None = None
            ) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body) if length is None else length))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)

        self.httpd = ThreadingHTTPServer((host, self.port), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def add(self, path: str, **kwargs: Any) -> Route:
        self.routes[path] = Route(**kwargs)
        return self.routes[path]

    def start(self) -> FileServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def free_port_on(host: str) -> int:
    import socket

    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def files() -> Iterator[FileServer]:
    """A file server on 127.0.0.1."""
    server = FileServer("127.0.0.1").start()
    yield server
    server.stop()


def unique_path(name: str = "file.bin") -> str:
    return f"/{secrets.token_hex(6)}/{name}"


# --- waiting for the fetch job -------------------------------------------------------------------


def attachment(api: Api, ticket_id: str, attachment_id: str) -> dict[str, Any]:
    r = api.get(f"{api.ext}/tickets/{ticket_id}/attachments/{attachment_id}")
    assert r.status_code == 200, r.text
    return r.json()


def wait_for_status(
    api: Api,
    ticket_id: str,
    attachment_id: str,
    statuses: tuple[str, ...] = ("stored", "failed"),
    timeout: float = 30.0,
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        found = attachment(api, ticket_id, attachment_id)
        if found["status"] in statuses:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"still {found['status']} after {timeout} s: {found}")
        time.sleep(0.1)


def wait_until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.05)


@pytest.fixture
def frozen_clock() -> Iterator[None]:
    clock.freeze()
    yield
    clock.reset()


__all__ = ["FileServer", "Podium", "Route", "free_port"]
