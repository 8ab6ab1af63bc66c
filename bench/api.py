"""API benchmark: Podium's hot endpoints against a bare Starlette ceiling, on one machine.

    .venv/bin/python bench/api.py --rows 1000000 \\
        --database-url postgresql://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/api.py --smoke            # seconds, SQLite

It creates a fresh database next to the one the URL names (and drops it afterwards), seeds
`--rows` coaching sessions into one account, starts `podium serve --workers N` with rate limits
off, a bare Starlette app (one JSON endpoint, uvicorn, the same worker count) as the ceiling, the
same constant answered through FastAPI (the framework alone) and, on PostgreSQL, a "floor" app
(the first page's database work and JSON with asyncpg and orjson, no framework: the least any
implementation must do), then drives each scenario for a fixed time at a fixed concurrency from
this process (a small asyncio HTTP/1.1 client with keep-alive connections) and prints
requests/s, p50/p99 latency and the targets.
The load generator, the servers and the database share this machine's cores.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ACCOUNT = "bench"

# targets (docs/benchmarks.md)
LIST_VS_CEILING = 0.40
COMMENTS_PER_SECOND = 20_000
DEEP_P50_MS = 50.0
DEEP_VS_FIRST = 3.0


# --- the ceiling: a bare Starlette app, loaded by uvicorn as `api:bare_app` -----------------


def _bare_app() -> Any:
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def ping(request: Any) -> JSONResponse:
        return JSONResponse({"startIndex": 0, "totalResults": 0, "itemsPerPage": 0})

    return Starlette(routes=[Route("/ping", ping)])


# --- the framework alone: the same constant from FastAPI, loaded as `api:fastapi_app` -------------
#
# Podium is a FastAPI app (the design's choice). This one answers the ceiling's JSON through a
# FastAPI route, with nothing else: what the framework costs before any of Podium's work.


def _fastapi_app() -> Any:
    from fastapi import FastAPI

    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

    @app.get("/ping")
    async def ping() -> dict[str, int]:
        return {"startIndex": 0, "totalResults": 0, "itemsPerPage": 0}

    return app


# --- the floor: the least any implementation of the list endpoint must do ------------------------
#
# A bare Starlette endpoint doing the database work of `GET /coaching-sessions` with no framework
# and no ORM: authenticate the token (its HMAC looked up, deactivation and expiry checked), then
# one statement for the kept count and the page with its agent and coach names, encoded with
# orjson. Two round trips on a pool of asyncpg connections, no transaction, no validation, no
# middleware. It shows what the machine allows a database-backed list: the ceiling above does
# no database work at all.

FLOOR_TOKEN_SQL = (
    "SELECT account_id FROM api_tokens WHERE token_hash = $1"
    " AND deactivated_at IS NULL AND (expires_at IS NULL OR expires_at > now() at time zone 'utc')"
)
FLOOR_PAGE_SQL = """
SELECT (SELECT n FROM list_counts WHERE account_id = $1 AND kind = 'coaching_sessions'),
       s.id, s.name, s.created_at, s.updated_at, s.agent_id, a.name, s.coach_id, u.name,
       s.creator_id, s.agent_notes, s.coach_notes, s.coach_private_notes, s.session_contents,
       s.coaching_template_id, s.meeting_format, s.agent_confirmed, s.coach_confirmed
FROM coaching_sessions s
LEFT JOIN agents a ON a.id = s.agent_pk AND a.account_id = s.account_id
LEFT JOIN users u ON u.id = s.coach_id AND u.account_id = s.account_id
WHERE s.id IN (
    SELECT id FROM coaching_sessions WHERE account_id = $1 ORDER BY id OFFSET $2 LIMIT $3
)
ORDER BY s.id
"""


def _floor_app() -> Any:
    import hashlib
    import hmac

    import asyncpg
    import orjson
    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route

    dsn = os.environ["PODIUM_BENCH_FLOOR_DSN"]
    secret = os.environ["PODIUM_BENCH_FLOOR_SECRET"].encode()
    pool: list[Any] = []

    def when(value: Any) -> str:
        return value.isoformat(timespec="milliseconds") + "Z"

    async def page(request: Any) -> Response:
        token = request.headers.get("apitoken", "")
        digest = hmac.new(secret, token.encode(), hashlib.sha256).hexdigest()
        count = int(request.query_params.get("count", 100))
        start = int(request.query_params.get("startIndex", 0))
        if not pool:
            pool.append(await asyncpg.create_pool(dsn, min_size=2, max_size=10))
        async with pool[0].acquire() as conn:
            account = await conn.fetchval(FLOOR_TOKEN_SQL, digest)
            if account is None:
                return Response(b'{"message":"invalid API token"}', 401)
            rows = await conn.fetch(FLOOR_PAGE_SQL, account, start, count)
        items = [
            {
                "id": r[1], "name": r[2], "createdAt": when(r[3]), "updatedAt": when(r[4]),
                "agentId": r[5], "agentName": r[6] or "", "coachId": r[7],
                "coachName": r[8] or "", "creatorId": r[9], "agentNotes": r[10],
                "coachNotes": r[11], "coachPrivateNotes": r[12], "sessionContents": r[13],
                "coachingTemplateId": r[14], "meetingFormat": r[15], "agentConfirmed": r[16],
                "coachConfirmed": r[17],
            }
            for r in rows
        ]
        body = {
            "startIndex": start,
            "totalResults": rows[0][0] if rows else 0,
            "itemsPerPage": len(items),
            "Resources": items,
        }
        return Response(orjson.dumps(body), media_type="application/json")

    async def ping(request: Any) -> Response:
        return Response(b"{}", media_type="application/json")

    return Starlette(routes=[Route("/api/v1/coaching-sessions", page), Route("/ping", ping)])


def __getattr__(name: str) -> Any:
    # built only when uvicorn asks for it, so importing this module stays cheap
    if name == "bare_app":
        return _bare_app()
    if name == "floor_app":
        return _floor_app()
    if name == "fastapi_app":
        return _fastapi_app()
    raise AttributeError(name)


# --- a small HTTP/1.1 client: much less CPU per request than a general-purpose one ----------


class Connection:
    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, raw: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
            sock = self.writer.get_extra_info("socket")
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        assert self.reader is not None
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                k, v = line.split(":", 1)
                headers[k.strip().lower()] = v.strip()
        if "content-length" in headers:
            body = await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).strip(), 16)
                parts.append(await self.reader.readexactly(size + 2))
                if size == 0:
                    break
            body = b"".join(p[:-2] for p in parts)
        else:
            body = b""
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return status, body

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None


def http_request(method: str, path: str, *, token: str = "", body: Any = None) -> bytes:
    data = b"" if body is None else json.dumps(body, separators=(",", ":")).encode()
    head = f"{method} {path} HTTP/1.1\r\nHost: bench\r\n"
    if token:
        head += f"apitoken: {token}\r\n"
    if body is not None:
        head += "Content-Type: application/json\r\n"
    head += f"Content-Length: {len(data)}\r\n\r\n"
    return head.encode() + data


@dataclass
class Result:
    name: str
    concurrency: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    first_error: str = ""
    items_per_request: int = 1

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        if len(self.latencies) == 1:
            return self.latencies[0] * 1000
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[q - 1] * 1000


async def drive(
    name: str,
    url: str,
    make: Callable[[], bytes],
    *,
    concurrency: int,
    duration: float,
    warmup: float,
    expect: tuple[int, ...] = (200,),
    items_per_request: int = 1,
) -> Result:
    """`concurrency` connections send `make()` requests back to back for `duration` seconds,
    after `warmup` seconds that are not counted."""
    host, port = url.removeprefix("http://").split(":")
    result = Result(name, concurrency, duration, items_per_request=items_per_request)
    start = time.perf_counter()
    measure_from = start + warmup
    stop_at = measure_from + duration

    async def worker() -> None:
        conn = Connection(host, int(port))
        try:
            while True:
                raw = make()
                t0 = time.perf_counter()
                if t0 >= stop_at:
                    return
                status, body = await conn.request(raw)
                t1 = time.perf_counter()
                if t0 < measure_from:
                    continue
                if status in expect:
                    result.latencies.append(t1 - t0)
                else:
                    result.errors += 1
                    result.first_error = result.first_error or f"{status} {body[:300]!r}"
        finally:
            await conn.close()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    # requests still running at stop_at finished a little late; they count over the real time
    result.seconds = max(time.perf_counter() - measure_from, 1e-9)
    return result


# --- processes and the database --------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, name: str, args: list[str], env: dict[str, str], log_dir: Path):
        self.name = name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = (log_dir / f"{name}.log").open("wb")
        args = [a.replace("{port}", str(self.port)) for a in args]
        self.proc = subprocess.Popen(
            args, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def wait_ready(self, path: str, timeout: float = 60) -> Server:
        import httpx

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}: see its log")
            try:
                if httpx.get(self.url + path, timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not answer {path} in {timeout} s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        self.log.close()


@contextmanager
def fresh_database(admin_url: str | None, work: Path) -> Iterator[str]:
    """A new empty database (PostgreSQL next to `admin_url`, else SQLite in `work`)."""
    if not admin_url:
        yield f"sqlite:///{work / 'bench.db'}"
        return
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(admin_url.replace("+asyncpg", "").replace("+psycopg", ""))
    name = f"podium_bench_{secrets.token_hex(4)}"
    plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(drivername="postgresql", database=name).render_as_string(
            hide_password=False
        )
    finally:
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (name,),
            )
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} cores ({cpu}){mem}, Python {platform.python_version()}"


async def where_time_goes(settings: Any, token: str, paths: list[str], n: int = 200) -> str:
    """Run the app in this process, time requests, log every SQL statement with its duration,
    and EXPLAIN ANALYZE each statement of one request: what the database does and what Python
    does per request."""
    import httpx
    from sqlalchemy import event

    from podium.app import create_app

    quiet = {"rate_limits": "off", "auto_migrate": False, "log_level": "WARNING"}
    app = create_app(settings.model_copy(update=quiet))
    engine = app.state.engine.sync_engine
    log: list[tuple[str, Any, float]] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        conn.info["bench_t0"] = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def _after(conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        log.append((statement, params, time.perf_counter() - conn.info["bench_t0"]))

    out = []
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        headers = {"apitoken": token}
        for path in ["/healthz", *paths]:
            for _ in range(20):
                await client.get(path, headers=headers)
            log.clear()
            started = time.perf_counter()
            for _ in range(n):
                await client.get(path, headers=headers)
            per_request = (time.perf_counter() - started) / n * 1000
            db = sum(t for _, _, t in log) / n * 1000
            out.append(
                f"{path}: {per_request:.2f} ms per request in-process, one at a time; "
                f"{len(log) / n:.0f} SQL statements taking {db:.2f} ms (driver included); "
                f"the rest, {per_request - db:.2f} ms, is Python (framework, ORM, JSON)"
            )
        if settings.effective_database_url.startswith("postgresql"):
            log.clear()
            await client.get(paths[-1], headers=headers)
            statements = list(log)
            async with app.state.engine.connect() as conn:
                for statement, params, seconds in statements:
                    plan = await conn.exec_driver_sql(
                        "EXPLAIN (ANALYZE, BUFFERS) " + statement, params
                    )
                    short = " ".join(statement.split())
                    out.append(f"\n-- {seconds * 1000:.2f} ms: {short[:160]}")
                    out.extend(str(r[0]) for r in plan)
    await app.state.engine.dispose()
    return "\n".join(out)


# --- the benchmark -----------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=None, help="coaching sessions to seed")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("PODIUM_BENCH_DATABASE_URL"),
        help="PostgreSQL server to create the bench database on (default: SQLite, smoke only)",
    )
    parser.add_argument("--workers", type=int, default=2, help="server processes (each server)")
    parser.add_argument("--concurrency", type=int, default=16, help="connections per scenario")
    parser.add_argument("--duration", type=float, default=None, help="seconds per scenario")
    parser.add_argument("--warmup", type=float, default=None, help="uncounted seconds first")
    parser.add_argument("--smoke", action="store_true", help="tiny data, 2 s per scenario")
    parser.add_argument(
        "--keep-logs", action="store_true", help="keep the servers' logs (their folder is printed)"
    )
    args = parser.parse_args()
    rows = args.rows if args.rows is not None else (2_000 if args.smoke else 1_000_000)
    duration = args.duration if args.duration is not None else (2.0 if args.smoke else 15.0)
    warmup = args.warmup if args.warmup is not None else (0.5 if args.smoke else 2.0)
    if not args.database_url and not args.smoke:
        parser.error("--database-url (PostgreSQL) is needed unless --smoke")

    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass

    work = Path(tempfile.mkdtemp(prefix="podium-bench-"))
    try:
        with fresh_database(args.database_url, work) as database_url:
            return run(
                args, database_url=database_url, work=work, rows=rows, duration=duration,
                warmup=warmup,
            )
    finally:
        if args.keep_logs:
            print(f"server logs: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def run(
    args: argparse.Namespace,
    *,
    database_url: str,
    work: Path,
    rows: int,
    duration: float,
    warmup: float,
) -> int:
    from sqlalchemy import create_engine, text

    from podium.cli.common import migrate
    from podium.config import Settings, to_sync_url
    from podium.seed import Volumes, seed_account

    secret = secrets.token_urlsafe(40)
    settings = Settings(database_url=database_url, data_dir=work, secret_key=secret)
    dialect = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
    print(f"machine: {machine()}")
    print(f"database: {dialect}; {args.workers} server workers; concurrency {args.concurrency}; "
          f"{duration:g} s per scenario after {warmup:g} s warm-up")
    migrate(settings)
    volumes = Volumes(
        users=10, agents=40, tickets=2_000, coaching_sessions=rows, coaching_points=0, todos=0
    )
    print(f"seeding {rows:,} coaching sessions ...", flush=True)
    seeded = seed_account(settings, account=ACCOUNT, volumes=volumes)
    print(
        f"seeded {seeded.rows:,} rows in {seeded.load_seconds:.1f} s "
        f"({seeded.rows_per_second:,.0f} rows/s), VACUUM ANALYZE {seeded.vacuum_seconds:.1f} s"
    )
    token = seeded.token or ""
    engine = create_engine(to_sync_url(settings.effective_database_url))
    with engine.connect() as conn:
        ticket_ids = [r[0] for r in conn.execute(
            text("SELECT ticket_id FROM tickets WHERE account_id = :a ORDER BY ticket_id"),
            {"a": seeded.account_id},
        )]
        agent_ids = [r[0] for r in conn.execute(
            text(
                "SELECT helpdesk_id FROM agent_helpdesk_ids"
                " WHERE account_id = :a AND position = 0"
            ),
            {"a": seeded.account_id},
        )]
        db_version = conn.execute(
            text("SELECT version()" if dialect == "PostgreSQL" else "SELECT sqlite_version()")
        ).scalar()
    engine.dispose()
    print(f"database version: {str(db_version).split(' on ')[0]}")

    env = {k: v for k, v in os.environ.items() if not k.startswith("PODIUM_")}
    env.update(
        PODIUM_DATABASE_URL=database_url,
        PODIUM_SECRET_KEY=secret,
        PODIUM_DATA_DIR=str(work),
        PODIUM_RATE_LIMITS="off",
        PODIUM_LOG_LEVEL="WARNING",
    )
    podium = Path(sys.executable).with_name("podium")
    podium_cmd = [str(podium)] if podium.exists() else [sys.executable, "-m", "podium.cli"]
    servers: list[Server] = []
    try:
        app = Server(
            "podium",
            [*podium_cmd, "serve", "--host", "127.0.0.1", "--port", "{port}",
             "--workers", str(args.workers), "--no-migrate"],
            env, work,
        )
        servers.append(app)

        def uvicorn_app(name: str, app_name: str, app_env: dict[str, str]) -> Server:
            server = Server(
                name,
                [sys.executable, "-m", "uvicorn", f"api:{app_name}", "--app-dir", str(HERE),
                 "--host", "127.0.0.1", "--port", "{port}", "--workers", str(args.workers),
                 "--log-level", "warning", "--no-access-log"],
                app_env, work,
            )
            servers.append(server)
            return server

        bare = uvicorn_app("bare", "bare_app", env)
        framework = uvicorn_app("fastapi", "fastapi_app", env)
        floor = None
        if dialect == "PostgreSQL":
            floor_env = {
                **env,
                "PODIUM_BENCH_FLOOR_DSN": database_url,
                "PODIUM_BENCH_FLOOR_SECRET": secret,
            }
            floor = uvicorn_app("floor", "floor_app", floor_env)
        app.wait_ready("/healthz")
        bare.wait_ready("/ping")
        framework.wait_ready("/ping")
        if floor is not None:
            floor.wait_ready("/ping")
        results = asyncio.run(scenarios(
            app.url, bare.url, framework.url, floor.url if floor else None, token=token,
            total=rows,
            ticket_ids=ticket_ids, agent_ids=agent_ids, concurrency=args.concurrency,
            duration=duration, warmup=warmup,
        ))
    finally:
        for server in servers:
            server.stop()

    met = report(results, total=rows)
    if not met:
        print("\nwhere the time goes (the app in this process, nothing else running):")
        deep = f"/api/v1/coaching-sessions?count=100&startIndex={max(rows - 100, 0)}"
        print(asyncio.run(where_time_goes(
            settings, token, ["/api/v1/coaching-sessions?count=1", deep]
        )))
    return 1 if any(r.errors for r in results.values()) else 0


async def scenarios(
    app: str,
    bare: str,
    framework: str,
    floor: str | None,
    *,
    token: str,
    total: int,
    ticket_ids: list[str],
    agent_ids: list[str],
    concurrency: int,
    duration: float,
    warmup: float,
) -> dict[str, Result]:
    run_tag = secrets.token_hex(3)
    counter = itertools.count()
    tickets = itertools.cycle(ticket_ids)
    agents = itertools.cycle(agent_ids)

    def new_ticket() -> bytes:
        n = next(counter)
        return http_request("POST", "/api/v1/tickets", token=token, body={
            "ticket_id": f"bench-{run_tag}-{n}",
            "type": "custom helpdesk",
            "subject": "Order arrived damaged",
            "link": f"https://support.example.com/tickets/bench-{run_tag}-{n}",
            "body": "The item arrived with a cracked screen. I'd like a replacement.",
            "agents": [next(agents)],
            "tags": "returns,damaged_item",
            "status": "open",
            "first_seen": "2026-10-01T10:00:00Z",
            "last_seen": "2026-10-01T10:30:00Z",
        })

    def comment_batch() -> bytes:
        batch = [
            {
                "ticket_id": next(tickets),
                "channel": "chat",
                "time": "2026-10-01T10:05:00.000Z",
                "body": "Could you send a photo of the damage? Then I can send a replacement.",
                "role": "agent",
                "author_id": "bench_agent",
                "public": True,
            }
            for _ in range(500)
        ]
        return http_request("POST", "/api/v1/comments-batch", token=token, body={"batch": batch})

    first_page = http_request("GET", "/api/v1/coaching-sessions?count=100", token=token)
    deep_start = max(total - 100, 0)
    deep_page = http_request(
        "GET", f"/api/v1/coaching-sessions?count=100&startIndex={deep_start}", token=token
    )
    ping = http_request("GET", "/ping", token=token)
    healthz = http_request("GET", "/healthz")
    one_row = http_request("GET", "/api/v1/coaching-sessions?count=1", token=token)

    # the pages answer what the benchmark thinks they answer (and the floor answers the same)
    async def fetch(url: str, raw: bytes) -> tuple[int, bytes]:
        host, port = url.removeprefix("http://").split(":")
        probe = Connection(host, int(port))
        try:
            return await probe.request(raw)
        finally:
            await probe.close()

    status, body = await fetch(app, deep_page)
    page = json.loads(body) if status == 200 else {}
    if status != 200 or page.get("totalResults") != total or page.get("itemsPerPage") != min(
        100, total
    ):
        raise SystemExit(f"deep page check failed: {status} {body[:300]!r}")
    if floor is not None:
        ours, theirs = await fetch(app, first_page), await fetch(floor, first_page)
        if ours[0] != 200 or json.loads(ours[1]) != json.loads(theirs[1]):
            raise SystemExit(f"the floor's page differs from Podium's: {theirs[1][:300]!r}")

    c = concurrency
    plan: list[tuple[str, str, Callable[[], bytes], int, tuple[int, ...], int]] = [
        ("bare Starlette (ceiling)", bare, lambda: ping, c, (200,), 1),
        ("FastAPI, the same constant", framework, lambda: ping, c, (200,), 1),
        ("GET /healthz (Podium, one SELECT 1)", app, lambda: healthz, c, (200,), 1),
        ("GET coaching-sessions, count=1", app, lambda: one_row, c, (200,), 1),
        ("GET coaching-sessions, first page", app, lambda: first_page, c, (200,), 1),
        *(
            [("floor: same page, asyncpg + orjson", floor, lambda: first_page, c, (200,), 1)]
            if floor
            else []
        ),
        ("GET coaching-sessions, deep page", app, lambda: deep_page, c, (200,), 1),
        ("first page (c=1)", app, lambda: first_page, 1, (200,), 1),
        ("deep page (c=1)", app, lambda: deep_page, 1, (200,), 1),
        ("POST tickets", app, new_ticket, c, (201,), 1),
        ("POST comments-batch (500)", app, comment_batch, c, (200, 201), 500),
    ]
    results = {}
    for name, url, make, conc, expect, per in plan:
        print(f"  {name} ...", flush=True)
        results[name] = await drive(
            name, url, make, concurrency=conc, duration=duration, warmup=warmup, expect=expect,
            items_per_request=per,
        )
    return results


def report(results: dict[str, Result], *, total: int) -> bool:
    """Print the figures and the targets; True when every target is met."""
    print()
    print(f"{'scenario':38} {'conc':>4} {'requests':>9} {'req/s':>9} {'items/s':>9} "
          f"{'p50 ms':>8} {'p99 ms':>8} {'errors':>6}")
    for r in results.values():
        items = f"{r.rps * r.items_per_request:9.0f}" if r.items_per_request > 1 else f"{'':9}"
        print(f"{r.name:38} {r.concurrency:4d} {len(r.latencies):9d} {r.rps:9.0f} {items} "
              f"{r.pct(50):8.1f} {r.pct(99):8.1f} {r.errors:6d}")
    for r in results.values():
        if r.errors:
            print(f"  first error of {r.name}: {r.first_error}")

    ceiling = results["bare Starlette (ceiling)"].rps
    first = results["GET coaching-sessions, first page"]
    comments = results["POST comments-batch (500)"]
    deep1, first1 = results["deep page (c=1)"], results["first page (c=1)"]
    checks = [
        (
            "list first page vs bare ceiling (req/s)",
            f"{first.rps / ceiling:.1%}" if ceiling else "n/a",
            f">= {LIST_VS_CEILING:.0%}",
            ceiling > 0 and first.rps / ceiling >= LIST_VS_CEILING,
        ),
        (
            "comments-batch comments/s",
            f"{comments.rps * 500:,.0f}",
            f">= {COMMENTS_PER_SECOND:,}",
            comments.rps * 500 >= COMMENTS_PER_SECOND,
        ),
        (
            f"deep page p50 (startIndex {max(total - 100, 0):,}, c=1)",
            f"{deep1.pct(50):.1f} ms",
            f"<= {DEEP_P50_MS:g} ms",
            deep1.pct(50) <= DEEP_P50_MS,
        ),
        (
            "deep page p50 / first page p50 (c=1)",
            f"{deep1.pct(50) / first1.pct(50):.1f}x",
            f"<= {DEEP_VS_FIRST:g}x",
            deep1.pct(50) <= DEEP_VS_FIRST * first1.pct(50),
        ),
    ]
    floor = results.get("floor: same page, asyncpg + orjson")
    framework = results["FastAPI, the same constant"]
    print()
    if ceiling and framework.rps:
        print(f"FastAPI answering the ceiling's constant reached {framework.rps / ceiling:.1%} "
              f"of the bare ceiling: the framework alone, before any database work")
    if floor is not None and ceiling and floor.rps:
        print(f"the floor (the page's database work and JSON, no framework) reached "
              f"{floor.rps / ceiling:.1%} of the bare ceiling; Podium's first page reached "
              f"{first.rps / floor.rps:.0%} of the floor")
        print()
    print(f"{'target':46} {'measured':>12} {'goal':>10}  result")
    for label, measured, goal, ok in checks:
        print(f"{label:46} {measured:>12} {goal:>10}  {'met' if ok else 'MISSED'}")
    return all(ok for *_, ok in checks)


if __name__ == "__main__":
    sys.exit(main())
