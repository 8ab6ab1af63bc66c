"""A fresh, migrated database per test (copied from a template made once), and helpers to
run `podium serve` / `podium worker` subprocesses that load tests/jobs/tasks.py.

A test's jobs live in its own database, so no other server (the session's, another test's)
can take them.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import tests.jobs.tasks  # noqa: F401 - registers the test tasks in this process too
from podium.config import Settings, to_sync_url
from podium.db import create_engine, create_sessionmaker
from podium.jobs import defer
from podium.jobs.backends import JobInfo, get_job
from podium.jobs.runtime import bind_jobs_engine
from podium.migrations import upgrade
from tests.cli.process import PODIUM, ServerProcess, podium_env
from tests.conftest import make_settings

REPO_ROOT = Path(__file__).resolve().parents[2]
ADMIN_URL = os.environ.get("PODIUM_TEST_DATABASE_URL")
ON_POSTGRES = bool(ADMIN_URL)
# the backend the test database implies ("auto")
BACKEND = "procrastinate" if ON_POSTGRES else "embedded"

# short leases so that recovery takes seconds: a killed worker's job is due again after
# LEASE + at most one HEARTBEAT (the sweep's period) + one POLL
LEASE = 2.0
HEARTBEAT = 0.5
POLL = 0.5
JOB_SETTINGS = {
    "job_modules": "tests.jobs.tasks",
    "jobs_lease_seconds": LEASE,
    "jobs_heartbeat_seconds": HEARTBEAT,
    "jobs_poll_seconds": POLL,
    "jobs_shutdown_seconds": 2.0,
}


def _admin() -> str:
    assert ADMIN_URL
    return to_sync_url(ADMIN_URL).replace("postgresql+psycopg://", "postgresql://")


def _pg_url(name: str) -> str:
    base = _admin().rsplit("/", 1)[0]
    return f"postgresql+asyncpg://{base.split('://', 1)[1]}/{name}"


def _drop_pg(name: str) -> None:
    import psycopg

    with psycopg.connect(_admin(), autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,)
        )
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


@pytest.fixture(scope="session")
def jobs_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database to copy: a PostgreSQL database name, or a SQLite file path."""
    if not ON_POSTGRES:
        path = tmp_path_factory.mktemp("jobs-template") / "template.db"
        upgrade(f"sqlite+aiosqlite:///{path}")
        yield str(path)
        return
    import psycopg

    name = f"podium_jobs_tmpl_{secrets.token_hex(5)}"
    with psycopg.connect(_admin(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        upgrade(_pg_url(name))
        yield name
    finally:
        _drop_pg(name)


@pytest.fixture
def jobs_db(jobs_template: str, tmp_path: Path) -> Iterator[str]:
    """This test's own migrated database (async SQLAlchemy URL)."""
    if not ON_POSTGRES:
        path = tmp_path / "podium.db"
        shutil.copy(jobs_template, path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    import psycopg

    name = f"podium_jobs_{secrets.token_hex(5)}"
    with psycopg.connect(_admin(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{jobs_template}"')
    try:
        yield _pg_url(name)
    finally:
        _drop_pg(name)


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """The folder test tasks record their runs in."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def job_settings(database_url: str, data_dir: Path, **overrides: Any) -> Settings:
    return make_settings(database_url, data_dir, **{**JOB_SETTINGS, **overrides})


def job_env(data_dir: Path, database_url: str, **extra: str) -> dict[str, str]:
    """Environment for a `podium` subprocess on `database_url` that loads the test tasks."""
    values = {f"PODIUM_{k.upper()}": str(v) for k, v in JOB_SETTINGS.items()}
    values.update(
        PYTHONPATH=str(REPO_ROOT),  # so that `tests.jobs.tasks` imports
        PODIUM_LOG_LEVEL="INFO",
        PODIUM_RATE_LIMITS="off",
        PODIUM_AUTO_MIGRATE="false",
    )
    values.update(extra)
    return podium_env(data_dir, database_url, **values)


# -- talking to the test database from the test process ----------------------------------------


def run_db(database_url: str, data_dir: Path, fn: Callable[..., Any], **overrides: Any) -> Any:
    """Run `async fn(session)` in one committed transaction on `database_url` (its jobs go to
    the backend of the settings with `overrides`)."""
    settings = job_settings(database_url, data_dir, **overrides)

    async def main() -> Any:
        engine = create_engine(settings)
        bind_jobs_engine(engine, settings)
        try:
            async with create_sessionmaker(engine)() as session:
                result = await fn(session)
                await session.commit()
                return result
        finally:
            await engine.dispose()

    return asyncio.run(main())


def defer_jobs(
    database_url: str,
    data_dir: Path,
    name: str,
    *kwargs: dict[str, Any],
    **overrides: Any,
) -> list[str]:
    """Defer one job of `name` per kwargs dict, in one transaction; return their ids."""

    async def go(session: Any) -> list[str]:
        return [await defer(session, name, **k) for k in kwargs]

    return run_db(database_url, data_dir, go, **overrides)


def job_infos(database_url: str, data_dir: Path, *job_ids: str, **overrides: Any) -> list[JobInfo]:
    async def go(session: Any) -> list[JobInfo]:
        infos = [await get_job(session, job_id) for job_id in job_ids]
        assert all(info is not None for info in infos)
        return infos  # type: ignore[return-value]

    return run_db(database_url, data_dir, go, **overrides)


def wait_until(predicate: Callable[[], Any], timeout: float, what: str, every: float = 0.05) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(every)


# -- subprocesses ----------------------------------------------------------------------------


class WorkerProcess:
    """`podium worker` in its own session (so that SIGKILL reaches it alone)."""

    def __init__(self, env: dict[str, str], *args: str, log_dir: Path):
        self.log_path = log_dir / f"worker-{secrets.token_hex(3)}.log"
        self._log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            [*PODIUM, "worker", "--no-migrate", *args],
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 30) -> WorkerProcess:
        def started() -> bool:
            if self.proc.poll() is not None:
                raise RuntimeError(f"podium worker exited {self.proc.returncode}:\n{self.output()}")
            return "job worker" in self.output() and "started" in self.output()

        wait_until(started, timeout, "podium worker to start")
        return self

    def output(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        self._log.close()
        return self.proc.returncode


class Processes:
    """Start `podium serve` or `podium worker` subprocesses; all are stopped after the test."""

    def __init__(self, log_dir: Path):
        self.log_dir = log_dir
        self.started: list[Any] = []

    def start(self, kind: str, env: dict[str, str], *args: str) -> Any:
        if kind == "serve":
            proc: Any = ServerProcess(env, *args, log_dir=self.log_dir)
            self.started.append(proc)
            proc.wait_healthy()
            wait_until(lambda: "job worker" in proc.output(), 30, "the server's job worker")
        else:
            proc = WorkerProcess(env, *args, log_dir=self.log_dir)
            self.started.append(proc)
            proc.wait_ready()
        return proc

    def start_workers(self, count: int, env: dict[str, str], *args: str) -> list[WorkerProcess]:
        """`count` workers started together (their start-ups overlap)."""
        procs = [WorkerProcess(env, *args, log_dir=self.log_dir) for _ in range(count)]
        self.started.extend(procs)
        return [p.wait_ready() for p in procs]

    def stop_all(self) -> None:
        for proc in self.started:
            proc.stop()


def kill9(proc: Any) -> None:
    """SIGKILL the process and everything in its session (uvicorn's workers too)."""
    os.killpg(proc.proc.pid, signal.SIGKILL)
    proc.proc.wait(timeout=10)


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[Processes]:
    started = Processes(tmp_path)
    yield started
    started.stop_all()
