"""Client tests: a `Client` / `AsyncClient` on the live test server, each in an account of its
own (the `api` fixture), and a fake clock for timing tests."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from types import SimpleNamespace

import pytest

from podium.client import Client
from tests.factories import create_agent, create_user
from tests.helpers import Api


class FakeClock:
    """A clock that never waits: sleeping moves it forward and is recorded."""

    def __init__(self, start: float = 1000.0, wall: float = 1_700_000_000.0):
        self.now = start
        self.wall_offset = wall - start
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def time(self) -> float:
        return self.now + self.wall_offset

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += max(0.0, seconds)

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)


def base_url(api: Api) -> str:
    return str(api.base_url).rstrip("/")


def client_for(api: Api, **options: object) -> Client:
    """A client of `api`'s account; no client-side rate limit unless asked (the session
    server has none, and the limiter has tests of its own)."""
    options.setdefault("rate_limits", None)
    return Client(base_url=base_url(api), token=api.token, **options)  # type: ignore[arg-type]


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def client(api: Api) -> Iterator[Client]:
    with client_for(api) as c:
        yield c


@pytest.fixture
def people(api: Api) -> SimpleNamespace:
    """One agent (one helpdesk id) and one user (a coach) in the test's account."""
    agent = create_agent(api, name="Harrison Charles")
    user = create_user(api, name="Charlie Smith")
    return SimpleNamespace(agent=agent, agent_id=agent["agentId"], user=user, user_id=user["id"])


class ScriptedServer:
    """A stand-in for a remote API on a loopback port that answers from a script: for each
    request, the next step of its path's script (default 200 `{}`). A step is `(status,
    headers, body)`, `("drop",)` to close the connection without answering, or `("sleep",
    seconds, status)` to answer late. Every request is recorded."""

    def __init__(self) -> None:
        import json
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.scripts: dict[str, list[tuple]] = {}
        self.requests: list[dict] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                path = self.path.split("?", 1)[0]
                owner.requests.append(
                    {
                        "method": self.command,
                        "path": self.path,
                        "headers": dict(self.headers),
                        "body": body,
                    }
                )
                script = owner.scripts.get(path) or []
                step = script.pop(0) if script else (200, {}, {})
                if step[0] == "drop":
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                if step[0] == "sleep":
                    time.sleep(step[1])
                    step = (step[2], {}, {})
                status, headers, payload = step
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                self.send_response(status)
                headers = {"Content-Type": "application/json", **headers}
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.handle_error = lambda *args: None  # dropped connections are on purpose
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def script(self, path: str, *steps: tuple) -> None:
        self.scripts[path] = list(steps)

    def hits(self, path: str) -> list[dict]:
        return [r for r in self.requests if r["path"].split("?", 1)[0] == path]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def scripted() -> Iterator[ScriptedServer]:
    server = ScriptedServer()
    yield server
    server.close()


class RetryLog(logging.Handler):
    """Collects the client's retry messages (the server's logging setup may stop them from
    reaching pytest's capture)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture
def retry_log() -> Iterator[RetryLog]:
    handler = RetryLog()
    logger = logging.getLogger("podium.client")
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(old_level)
