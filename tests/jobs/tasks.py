"""Tasks for the jobs tests, loaded by servers and workers through PODIUM_JOB_MODULES.

Each records what it did as files in the folder `out` (workers in other processes write them,
the test reads them): one file per run, so "ran exactly once" is "exactly one file".
"""

from __future__ import annotations

import asyncio
import os
import secrets
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text, update

from podium.auth.models import Account
from podium.jobs import JobContext, task

RELEASE_POLL_SECONDS = 0.05


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    tmp.rename(path)  # the test never sees half a file


def _run_line(ctx: JobContext) -> str:
    return f"{ctx.job_id} {ctx.attempt} {os.getpid()} {time.time()}"


@task("tests.record", max_attempts=1)
async def record(ctx: JobContext, *, out: str, key: str, pause: float = 0.0) -> None:
    """One file per run: `run-<key>-<random>` (after `pause` seconds)."""
    await asyncio.sleep(pause)
    _write(Path(out) / f"run-{key}-{secrets.token_hex(4)}", _run_line(ctx))


@task("tests.block", max_attempts=3, retry_backoff=0.1)
async def block(ctx: JobContext, *, out: str, key: str) -> None:
    """Writes `started-<key>-<attempt>`, waits for `release-<key>`, writes `done-<key>-<n>`."""
    folder = Path(out)
    _write(folder / f"started-{key}-{ctx.attempt}", _run_line(ctx))
    # the release comes from another process, as a file: polled, there is no event to wait on
    while not (folder / f"release-{key}").exists():  # noqa: ASYNC110
        await asyncio.sleep(RELEASE_POLL_SECONDS)
    _write(folder / f"done-{key}-{ctx.attempt}", _run_line(ctx))


async def _note_failure(ctx: JobContext, error: str, *, out: str, key: str) -> None:
    with (Path(out) / f"failure-{key}").open("a") as f:
        f.write(f"{ctx.job_id} {ctx.attempt} {error}\n")


@task("tests.block_last", max_attempts=1, on_failure=_note_failure)
async def block_last(ctx: JobContext, *, out: str, key: str) -> None:
    """`block` with a single attempt: a crash during it is the job's end."""
    await block(ctx, out=out, key=key)


@task("tests.always_fails", max_attempts=3, retry_backoff=0.1, on_failure=_note_failure)
async def always_fails(ctx: JobContext, *, out: str, key: str) -> None:
    _write(Path(out) / f"attempt-{key}-{ctx.attempt}", _run_line(ctx))
    raise RuntimeError(f"boom {key}")


@task("tests.flaky", max_attempts=4, retry_backoff=0.4, on_failure=_note_failure)
async def flaky(ctx: JobContext, *, out: str, key: str, failures: int) -> None:
    """Fails its first `failures` attempts, then succeeds; each attempt leaves a file."""
    _write(Path(out) / f"attempt-{key}-{ctx.attempt}", _run_line(ctx))
    if ctx.attempt <= failures:
        raise ValueError(f"attempt {ctx.attempt} fails on purpose")
    _write(Path(out) / f"done-{key}", _run_line(ctx))


@task("tests.rename_account")
async def rename_account(ctx: JobContext, *, account_id: str, name: str) -> None:
    """Works through the context: its own transaction, and the blob store."""
    async with ctx.sessionmaker.begin() as session:
        await session.execute(update(Account).where(Account.id == account_id).values(name=name))

    async def chunks():
        yield f"{account_id} {name} {ctx.attempt}".encode()

    await ctx.store.put_stream(f"jobs-test/{ctx.job_id}.txt", chunks(), "text/plain")


async def _failure_handler_fails_once(ctx: JobContext, error: str, *, out: str, key: str) -> None:
    calls = Path(out) / f"failure-{key}"
    first = not calls.exists()
    with calls.open("a") as f:
        f.write(f"{ctx.job_id} {ctx.attempt} {error}\n")
    if first:
        raise RuntimeError("on_failure fails on its first call")


@task("tests.failure_handler_fails_once", max_attempts=1, on_failure=_failure_handler_fails_once)
async def failure_handler_fails_once(ctx: JobContext, *, out: str, key: str) -> None:
    raise RuntimeError(f"boom {key}")


@task("tests.leaky", max_attempts=2, retry_backoff=0.1)
async def leaky(ctx: JobContext, *, secret: str) -> None:
    """Fails with a password in a URL, then with a database error about a secret value."""
    if ctx.attempt == 1:
        raise ConnectionError(f"cannot reach postgresql://podium:{secret}@db.internal/podium")
    async with ctx.sessionmaker.begin() as session:
        # NOT NULL violation: the statement's parameters (and PostgreSQL's DETAIL) hold `secret`
        await session.execute(
            text("INSERT INTO accounts (id, name, created_at) VALUES (:id, NULL, :at)"),
            {"id": secret[:24], "at": datetime.now(UTC).replace(tzinfo=None)},
        )
