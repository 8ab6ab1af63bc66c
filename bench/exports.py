"""Export benchmark: a full raw export through a real server and worker, against COPY of the
same rows plus zip deflate, measured in the same run.

    .venv/bin/python bench/exports.py \\
        --database-url postgresql://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/exports.py --smoke            # seconds, SQLite

It creates a fresh database next to the one the URL names (and drops it afterwards), seeds two
accounts with grades (`podium seed`'s grading data: rubrics of every kind, grader QA,
calibrations, annotations, CSAT) so that their full raw exports hold about 100,000 and 1,000,000
`individual_answers` rows, starts `podium serve` (no job worker in it) and one
`podium worker --concurrency 1`, then for each account, `--repeat` times:

- **export**: `POST /api/v1/request-raw-export` (all grade types, all five files) and poll
  `GET /api/v1/export-data/:id` every 100 ms until `complete`: the time a client waits. The
  worker is started afresh before each export, and its peak RSS (`VmHWM`) read after it.
- **baseline**: in this process, plain psycopg: `COPY (the same rows) TO STDOUT WITH CSV` for
  each of the five files (the export's own formatting queries, so the same bytes), deflated
  into a zip on disk (zipfile, the same compression level), in one REPEATABLE READ transaction
  with the same session settings as the export.
- **raw tables** (for reference, not a target): COPY of the underlying table rows (`SELECT t.*`
  of the same grades, no joins, no formatting) deflated the same way: what the formatting and
  the joins cost on top of moving the bytes.

Medians are reported. Targets: export ≤ 1.5× baseline; worker peak RSS ≤ 300 MB; 10× the rows
costs ≤ 11× the time. The database, the server, the worker and this process share the machine.
"""

from __future__ import annotations

import argparse
import math
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
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# targets (docs/benchmarks.md)
RATIO_TARGET = 1.5
RSS_TARGET_MB = 300.0
SCALING_TARGET = 11.0

# `podium seed` gives a full raw export about 8.6 answer rows per planned agent-QA grade
# (grader-QA and calibration grades come on top, drafts and deleted grades are left out)
ANSWERS_PER_GRADE = 8.6
# a poll costs the server a request: every 100 ms keeps that load small and the error below
# a hundredth of a large export's time
POLL_SECONDS = 0.1
START = "2000-01-01T00:00:00Z"
END = "2100-01-01T00:00:00Z"
EXPORT_BODY = {
    "startDate": START,
    "endDate": END,
    "includeCalibrations": "all",
    "includeGraderQA": True,
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Process:
    """A `podium` subprocess with its own log file."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], log_dir: Path):
        self.name = name
        self.log = (log_dir / f"{name}.log").open("ab")
        self.offset = self.log.tell()
        self.proc = subprocess.Popen(
            args, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def wait_for_log(self, *words: str, timeout: float = 60) -> None:
        """Until a line of this process's log (written since it started) has every word."""
        path = Path(self.log.name)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}: see its log")
            text = path.read_bytes()[self.offset :].decode("utf-8", "replace")
            if any(all(w in line for w in words) for line in text.splitlines()):
                return
            time.sleep(0.05)
        raise RuntimeError(f"{self.name} did not log {words} in {timeout} s")

    def peak_rss_mb(self) -> float:
        """VmHWM: the most resident memory the process has had."""
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmHWM")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        self.log.close()


def wait_http(url: str, proc: Process, timeout: float = 60) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.proc.poll() is not None:
            raise RuntimeError(f"{proc.name} exited with {proc.proc.returncode}: see its log")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{proc.name} did not answer {url} in {timeout} s")


@contextmanager
def fresh_database(admin_url: str | None, work: Path) -> Iterator[str]:
    """A new empty database (PostgreSQL next to `admin_url`, else SQLite in `work`)."""
    if not admin_url:
        yield f"sqlite:///{work / 'bench.db'}"
        return
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(admin_url.replace("+asyncpg", "").replace("+psycopg", ""))
    name = f"podium_bench_exports_{secrets.token_hex(4)}"
    plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(drivername="postgresql", database=name).render_as_string(hide_password=False)
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


# --- one account's data -----------------------------------------------------------------------


@dataclass
class Account:
    label: str
    account_id: str
    token: str
    rows: dict[str, int] = field(default_factory=dict)
    exports: list[float] = field(default_factory=list)
    baselines: list[float] = field(default_factory=list)
    raw_tables: list[float] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)
    zip_bytes: int = 0
    baseline_zip_bytes: int = 0
    raw_zip_bytes: int = 0

    @property
    def answers(self) -> int:
        return self.rows.get("individual_answers", 0)


def seed(settings: Any, label: str, answers: int) -> Account:
    from podium.seed import Volumes, seed_account

    grades = max(10, math.ceil(answers / ANSWERS_PER_GRADE))
    volumes = Volumes(
        users=20,
        agents=80,
        extra_groups=2,
        tickets=grades,
        coaching_sessions=0,
        coaching_points=0,
        todos=0,
        grades=grades,
        grader_qa=max(1, round(grades * 0.08)),
        calibrations=max(1, round(grades * 0.03)),
    )
    started = time.perf_counter()
    result = seed_account(settings, account=f"bench-{label}", volumes=volumes)
    print(
        f"  seeded {label}: {result.rows:,} rows in {time.perf_counter() - started:.1f} s "
        f"({result.counts.get('grades', 0):,} grades, "
        f"{result.counts.get('grade_answers', 0):,} answer rows in all)",
        flush=True,
    )
    return Account(label, result.account_id, result.token or "")


def queries(account_id: str) -> tuple[Any, Any]:
    """The export's five file queries, and the raw-table queries of the same grades."""
    from sqlalchemy import select

    from podium.exports.repository import GradeSelection, raw_queries
    from podium.grading.models import Annotation, Grade, GradeAnswer, GradeSection
    from podium.tickets.models import Ticket

    selection = GradeSelection(
        account_id=account_id,
        start=datetime(2000, 1, 1, tzinfo=UTC),
        end=datetime(2100, 1, 1, tzinfo=UTC),
        calibrations="all",
        grader_qa=True,
    )
    files = raw_queries(
        selection, ["total_scores", "section_scores", "individual_answers", "annotations", "csat"]
    )
    chosen = selection.conditions()
    raw = {
        "grades": select(Grade).where(*chosen),
        "grade_sections": select(GradeSection)
        .join(Grade, Grade.id == GradeSection.grade_pk)
        .where(*chosen),
        "grade_answers": select(GradeAnswer)
        .join(Grade, Grade.id == GradeAnswer.grade_pk)
        .where(*chosen),
        "annotations": select(Annotation)
        .join(Grade, Grade.id == Annotation.grade_pk)
        .where(Annotation.deleted_at.is_(None), *chosen),
        "tickets": select(Ticket).where(
            Ticket.csat_score.is_not(None),
            Ticket.id.in_(select(Grade.ticket_pk).where(*chosen)),
        ),
    }
    return files, raw


# --- the baseline: plain psycopg COPY + zipfile -----------------------------------------------


def copy_to_zip(database_url: str, statements: list[tuple[str, Any]], path: Path) -> float:
    """COPY each (name, SQLAlchemy statement) TO STDOUT WITH CSV HEADER, deflated into a zip,
    in one snapshot; returns the seconds it took."""
    import psycopg
    from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg

    from podium.exports.writers import COMPRESS_LEVEL, WRITE_CHUNK

    dialect = PGDialect_psycopg()
    compiled = []
    for name, stmt in statements:
        c = stmt.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
        params = c.construct_params()
        for bind, key in c.bind_names.items():
            proc = bind.type.bind_processor(dialect)
            if proc is not None and key in params:
                params[key] = proc(params[key])
        compiled.append((name, str(c), params))
    started = time.perf_counter()
    with psycopg.connect(database_url) as conn:
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        conn.execute("SET LOCAL jit = off")
        with (
            zipfile.ZipFile(
                path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL
            ) as archive,
            conn.cursor() as cur,
        ):
            for name, sql, params in compiled:
                with (
                    archive.open(f"{name}.csv", "w", force_zip64=True) as entry,
                    cur.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER)", params) as copy,
                ):
                    buffer = bytearray()
                    for chunk in copy:
                        buffer += chunk
                        if len(buffer) >= WRITE_CHUNK:
                            entry.write(buffer)
                            buffer.clear()
                    entry.write(buffer)
        conn.rollback()
    return time.perf_counter() - started


def writer_to_zip(settings: Any, files: list[Any], path: Path) -> float:
    """SQLite (smoke): the same queries through csv.writer, in this process."""
    from podium.exports.writers import sync_engine, write_export

    started = time.perf_counter()
    engine = sync_engine(settings)
    try:
        write_export(engine, lambda _d: files, path, zipped=True)
    finally:
        engine.dispose()
    return time.perf_counter() - started


# --- the export through the server and a worker -----------------------------------------------


def run_export(url: str, account: Account) -> tuple[float, str]:
    import httpx

    headers = {"apitoken": account.token}
    with httpx.Client(base_url=url, headers=headers, timeout=60) as client:
        started = time.perf_counter()
        r = client.post("/api/v1/request-raw-export", json=EXPORT_BODY)
        r.raise_for_status()
        export_id = r.json()["exportId"]
        while True:
            body = client.get(f"/api/v1/export-data/{export_id}").json()
            if body["status"] in ("complete", "errored"):
                break
            time.sleep(POLL_SECONDS)
        elapsed = time.perf_counter() - started
        if body["status"] != "complete" or not body["dataUrl"]:
            raise SystemExit(f"export {export_id} ended {body}: see the worker's log")
        details = client.get(f"/api/podium/v1/exports/{export_id}").json()
    account.rows = details["rowCounts"]
    account.zip_bytes = details["sizeBytes"]
    return elapsed, body["dataUrl"]


def check_download(data_url: str, account: Account) -> None:
    """The link works without a token and the zip holds the rows the export counted."""
    import csv
    import io

    import httpx

    with tempfile.TemporaryFile() as handle:
        with httpx.stream("GET", data_url, timeout=300) as r:
            r.raise_for_status()
            for chunk in r.iter_bytes(1 << 20):
                handle.write(chunk)
        handle.seek(0)
        with (
            zipfile.ZipFile(handle) as archive,
            archive.open("individual_answers.csv") as raw,
        ):
            reader = csv.reader(io.TextIOWrapper(raw, encoding="utf-8", newline=""))
            next(reader)
            rows = sum(1 for _ in reader)
    if rows != account.answers:
        raise SystemExit(
            f"download holds {rows:,} answer rows, the export counted {account.answers:,}"
        )


# --- main -------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("PODIUM_BENCH_DATABASE_URL"),
        help="PostgreSQL server to create the bench database on (default: SQLite, smoke only)",
    )
    parser.add_argument(
        "--sizes",
        default=None,
        help="answer rows of the two accounts, comma-separated (default 100000,1000000)",
    )
    parser.add_argument("--repeat", type=int, default=None, help="runs per size (default 3)")
    parser.add_argument("--smoke", action="store_true", help="tiny data, one run each")
    parser.add_argument(
        "--keep-logs", action="store_true", help="keep the processes' logs (folder printed)"
    )
    args = parser.parse_args()
    if not args.database_url and not args.smoke:
        parser.error("--database-url (PostgreSQL) is needed unless --smoke")
    default_sizes = "2000,20000" if args.smoke else "100000,1000000"
    sizes = [int(s) for s in (args.sizes or default_sizes).split(",")]
    repeat = args.repeat or (1 if args.smoke else 3)

    work = Path(tempfile.mkdtemp(prefix="podium-bench-exports-"))
    try:
        with fresh_database(args.database_url, work) as database_url:
            return run(database_url, work, sizes, repeat)
    finally:
        if args.keep_logs:
            print(f"logs: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def run(database_url: str, work: Path, sizes: list[int], repeat: int) -> int:
    from podium.cli.common import migrate
    from podium.config import Settings

    secret = secrets.token_urlsafe(40)
    data_dir = work / "data"
    settings = Settings(database_url=database_url, data_dir=data_dir, secret_key=secret)
    on_postgres = not settings.is_sqlite
    print(f"machine: {machine()}")
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    migrate(settings)
    print("seeding ...", flush=True)
    accounts = [seed(settings, f"{size:,}", size) for size in sizes]

    env = {k: v for k, v in os.environ.items() if not k.startswith("PODIUM_")}
    env.update(
        PODIUM_DATABASE_URL=database_url,
        PODIUM_SECRET_KEY=secret,
        PODIUM_DATA_DIR=str(data_dir),
        PODIUM_RATE_LIMITS="off",
        PODIUM_LOG_LEVEL="INFO",
        PODIUM_EMBEDDED_WORKER="false",
        PODIUM_JOBS_POLL_SECONDS="0.2",
    )
    podium = Path(sys.executable).with_name("podium")
    cmd = [str(podium)] if podium.exists() else [sys.executable, "-m", "podium.cli"]
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = Process(
        "server",
        [
            *cmd,
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
            "--no-migrate",
        ],
        env,
        work,
    )
    try:
        wait_http(url + "/healthz", server)
        for account in accounts:
            files, raw = queries(account.account_id)
            for i in range(repeat):
                # alternate which goes first, so neither always finds the caches warm
                steps = [export_step, baseline_step] if i % 2 == 0 else [baseline_step, export_step]
                for step in steps:
                    step(
                        account=account,
                        first=i == 0,
                        url=url,
                        cmd=cmd,
                        env=env,
                        work=work,
                        database_url=database_url,
                        settings=settings,
                        files=files,
                        raw=raw,
                        on_postgres=on_postgres,
                    )
                print(
                    f"  {account.label} answer rows, run {i + 1}: "
                    f"export {account.exports[-1]:.2f} s, baseline {account.baselines[-1]:.2f} s"
                    + (f", raw tables {account.raw_tables[-1]:.2f} s" if account.raw_tables else "")
                    + f", worker peak RSS {account.rss_mb[-1]:.0f} MB",
                    flush=True,
                )
    finally:
        server.stop()
    return report(accounts, on_postgres)


def export_step(
    *,
    account: Account,
    first: bool,
    url: str,
    cmd: list[str],
    env: dict[str, str],
    work: Path,
    **_: Any,
) -> None:
    """One export through the server, on a worker started for it (its peak RSS is this
    export's)."""
    worker = Process("worker", [*cmd, "worker", "--concurrency", "1", "--no-migrate"], env, work)
    try:
        # started and listening before the request
        worker.wait_for_log("job worker", "started")
        elapsed, data_url = run_export(url, account)
        account.rss_mb.append(worker.peak_rss_mb())
    finally:
        worker.stop()
    account.exports.append(elapsed)
    if first:
        check_download(data_url, account)


def baseline_step(
    *,
    account: Account,
    work: Path,
    database_url: str,
    settings: Any,
    files: Any,
    raw: Any,
    on_postgres: bool,
    **_: Any,
) -> None:
    zipped = work / "baseline.zip"
    if on_postgres:
        statements = [(f.name, f.select(_pg_format())) for f in files]
        account.baselines.append(copy_to_zip(database_url, statements, zipped))
        account.baseline_zip_bytes = zipped.stat().st_size
        account.raw_tables.append(copy_to_zip(database_url, list(raw.items()), zipped))
        account.raw_zip_bytes = zipped.stat().st_size
    else:
        account.baselines.append(writer_to_zip(settings, files, zipped))
        account.baseline_zip_bytes = zipped.stat().st_size


def _pg_format() -> Any:
    from podium.exports.writers import pg_format

    return pg_format


def report(accounts: list[Account], on_postgres: bool) -> int:
    median = statistics.median
    print()
    print(
        f"{'account':>12} {'answers':>10} {'all rows':>10} {'zip MB':>7} {'export s':>9} "
        f"{'baseline s':>10} {'ratio':>6} {'raw tbl s':>9} {'RSS MB':>7}"
    )
    for a in accounts:
        raw = f"{median(a.raw_tables):9.2f}" if a.raw_tables else f"{'-':>9}"
        print(
            f"{a.label:>12} {a.answers:10,} {sum(a.rows.values()):10,} "
            f"{a.zip_bytes / 1e6:7.1f} {median(a.exports):9.2f} {median(a.baselines):10.2f} "
            f"{median(a.exports) / median(a.baselines):6.2f} {raw} {max(a.rss_mb):7.0f}"
        )
    for a in accounts:
        runs = ", ".join(f"{t:.2f}" for t in a.exports)
        base = ", ".join(f"{t:.2f}" for t in a.baselines)
        print(f"  {a.label}: export runs {runs}; baseline runs {base}; rows {a.rows}")
    small, large = accounts[0], accounts[-1]
    scale = large.answers / small.answers if small.answers else 0
    cost = median(large.exports) / median(small.exports)
    ratio = median(large.exports) / median(large.baselines)
    rss = max(max(a.rss_mb) for a in accounts)
    checks = [
        (
            f"export / baseline ({large.label} answer rows)",
            f"{ratio:.2f}x",
            f"<= {RATIO_TARGET}x",
            ratio <= RATIO_TARGET,
        ),
        ("worker peak RSS", f"{rss:.0f} MB", f"<= {RSS_TARGET_MB:.0f} MB", rss <= RSS_TARGET_MB),
        (
            f"time for {scale:.1f}x the rows",
            f"{cost:.2f}x",
            f"<= {SCALING_TARGET * scale / 10:.1f}x",
            cost <= SCALING_TARGET * scale / 10,
        ),
    ]
    if large.raw_tables:
        raw_ratio = median(large.exports) / median(large.raw_tables)
        print(
            f"\nfor reference: export / COPY of the raw table rows = {raw_ratio:.2f}x "
            f"({median(large.raw_tables):.2f} s, zip {large.raw_zip_bytes / 1e6:.1f} MB)"
        )
    if not on_postgres:
        print("(SQLite smoke run: the baseline is the csv.writer path in this process)")
    print()
    print(f"{'target':44} {'measured':>10} {'goal':>10}  result")
    for label, measured, goal, ok in checks:
        print(f"{label:44} {measured:>10} {goal:>10}  {'met' if ok else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
