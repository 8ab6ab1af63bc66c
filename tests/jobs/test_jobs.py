"""Jobs on the backend the test database implies: embedded (SQLite) or procrastinate
(PostgreSQL), run by real `podium serve` / `podium worker` processes and in-process servers."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from podium import clock
from podium.auth import service as auth_service
from podium.auth.models import Account
from podium.jobs import defer
from podium.jobs.backends import get_job
from podium.jobs.registry import UnknownTask
from tests.conftest import LiveServer
from tests.jobs.conftest import (
    BACKEND,
    HEARTBEAT,
    LEASE,
    ON_POSTGRES,
    POLL,
    defer_jobs,
    job_env,
    job_infos,
    job_settings,
    kill9,
    run_db,
    wait_until,
)


def _files(folder: Path, prefix: str) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.startswith(prefix) and ".tmp" not in p.name)


def _status(db: str, data: Path, job_id: str, **overrides: Any) -> str:
    return job_infos(db, data, job_id, **overrides)[0].status


# -- deferring -------------------------------------------------------------------------------


def test_a_job_deferred_in_a_rolled_back_transaction_does_not_exist(jobs_db, tmp_path, out):
    async def rolled_back(session: Any) -> str:
        job_id = await defer(session, "tests.record", out=str(out), key="gone")
        assert (await get_job(session, job_id)) is not None  # visible inside the transaction
        await session.rollback()
        return job_id

    gone = run_db(jobs_db, tmp_path, rolled_back)
    kept = defer_jobs(jobs_db, tmp_path, "tests.record", {"out": str(out), "key": "kept"})[0]

    async def look(session: Any) -> tuple[Any, Any]:
        return await get_job(session, gone), await get_job(session, kept)

    gone_info, kept_info = run_db(jobs_db, tmp_path, look)
    assert gone_info is None
    assert kept_info is not None
    assert (kept_info.task_name, kept_info.status, kept_info.attempts) == (
        "tests.record",
        "queued",
        0,
    )


def test_defer_refuses_unknown_tasks_and_non_json_arguments(jobs_db, tmp_path):
    async def unknown(session: Any) -> None:
        await defer(session, "tests.no_such_task")

    with pytest.raises(UnknownTask, match=r"tests\.no_such_task"):
        run_db(jobs_db, tmp_path, unknown)

    async def not_json(session: Any) -> None:
        await defer(session, "tests.record", out=Path("/"), key="k")

    with pytest.raises(TypeError, match=r"tests\.record.*JSON"):
        run_db(jobs_db, tmp_path, not_json)


# -- running ---------------------------------------------------------------------------------


def test_a_server_runs_a_job_at_once_and_its_effect_is_visible(jobs_db, tmp_path):
    """The in-process worker of an app: woken by the commit (no wait for the 30 s poll)."""
    settings = job_settings(jobs_db, tmp_path, jobs_poll_seconds=30.0, auto_migrate=False)
    server = LiveServer(settings).start()
    try:

        async def setup(session: Any) -> tuple[str, str]:
            account = await auth_service.create_account(session, name="before-job")
            job_id = await defer(
                session, "tests.rename_account", account_id=account.id, name="after-job"
            )
            return account.id, job_id

        started = time.monotonic()
        account_id, job_id = run_db(jobs_db, tmp_path, setup)

        async def name(session: Any) -> str:
            return (
                await session.execute(select(Account.name).where(Account.id == account_id))
            ).scalar_one()

        wait_until(lambda: _status(jobs_db, tmp_path, job_id) == "succeeded", 10, "the job")
        elapsed = time.monotonic() - started
        assert elapsed < 5, f"the job took {elapsed:.1f} s: the worker was not woken"
        assert run_db(jobs_db, tmp_path, name) == "after-job"
        info = job_infos(jobs_db, tmp_path, job_id)[0]
        assert info.attempts == 1
        blob = tmp_path / "files" / "jobs-test" / f"{job_id}.txt"
        assert blob.read_text() == f"{account_id} after-job 1"
    finally:
        server.stop()


def test_each_job_runs_exactly_once_with_three_workers(jobs_db, tmp_path, out, processes):
    env = job_env(tmp_path, jobs_db)
    workers = processes.start_workers(3, env, "--concurrency", "4")
    keys = [f"j{i:02d}" for i in range(50)]
    ids = defer_jobs(
        jobs_db,
        tmp_path,
        "tests.record",
        *({"out": str(out), "key": k, "pause": 0.05} for k in keys),
    )

    def all_done() -> bool:
        return {i.status for i in job_infos(jobs_db, tmp_path, *ids)} == {"succeeded"}

    wait_until(all_done, 60, "50 jobs to succeed", every=0.2)
    time.sleep(POLL * 2)  # a second run of any job would show up by now
    runs = _files(out, "run-")
    per_key = {k: [r for r in runs if r.name.startswith(f"run-{k}-")] for k in keys}
    assert {k: len(v) for k, v in per_key.items() if len(v) != 1} == {}
    assert len(runs) == 50
    pids = {r.read_text().split()[2] for r in runs}
    assert len(pids) >= 2, "one worker took every job"
    assert pids <= {str(w.proc.pid) for w in workers}


@pytest.mark.parametrize("kind", ["serve", "worker"])
def test_a_job_whose_process_is_killed_runs_again_and_completes(
    jobs_db, tmp_path, out, processes, kind
):
    env = job_env(tmp_path, jobs_db)
    first = processes.start(kind, env)
    [job_id] = defer_jobs(jobs_db, tmp_path, "tests.block", {"out": str(out), "key": "k"})
    wait_until(lambda: (out / "started-k-1").exists(), 20, "the first attempt to start")
    assert _status(jobs_db, tmp_path, job_id) == "running"

    kill9(first)
    killed_at = time.monotonic()
    (out / "release-k").touch()  # the next attempt runs through
    time.sleep(0.2)
    assert _status(jobs_db, tmp_path, job_id) == "running"  # nobody runs it, nobody finished it

    second = processes.start(kind, env)
    wait_until(lambda: _status(jobs_db, tmp_path, job_id) == "succeeded", 30, "the retry")
    recovered = time.monotonic() - killed_at
    info = job_infos(jobs_db, tmp_path, job_id)[0]
    assert info.attempts == 2
    assert (out / "started-k-2").exists() and (out / "done-k-2").exists()
    assert not (out / "done-k-1").exists()
    assert "attempt 1 was interrupted (its worker stopped); queued again" in second.output()
    # the lease, one sweep period and one poll, plus a process start
    assert recovered < LEASE + HEARTBEAT + POLL + 15


def test_a_job_killed_during_its_last_attempt_ends_failed_with_on_failure_once(
    jobs_db, tmp_path, out, processes
):
    env = job_env(tmp_path, jobs_db)
    first = processes.start("worker", env)
    [job_id] = defer_jobs(jobs_db, tmp_path, "tests.block_last", {"out": str(out), "key": "k"})
    wait_until(lambda: (out / "started-k-1").exists(), 20, "the attempt to start")
    kill9(first)
    second, third = processes.start_workers(2, env)  # two sweepers: one on_failure call
    wait_until(lambda: _status(jobs_db, tmp_path, job_id) == "failed", 30, "the job to fail")
    time.sleep(LEASE)
    lines = (out / "failure-k").read_text().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"{job_id} 1 ")
    assert "attempt 1 was interrupted: its worker stopped" in lines[0]
    assert not (out / "started-k-2").exists()
    logs = second.output() + third.output()
    assert "giving up" in logs


@pytest.mark.parametrize("kind", ["serve", "worker"])
def test_a_failing_job_ends_failed_after_its_attempts_with_the_reason_logged(
    jobs_db, tmp_path, out, processes, kind
):
    proc = processes.start(kind, job_env(tmp_path, jobs_db))
    [job_id] = defer_jobs(jobs_db, tmp_path, "tests.always_fails", {"out": str(out), "key": "k"})
    wait_until(lambda: _status(jobs_db, tmp_path, job_id) == "failed", 30, "the job to fail")
    time.sleep(1.0)  # room for a wrong fourth attempt or a second on_failure call
    assert [p.name for p in _files(out, "attempt-k-")] == [
        "attempt-k-1",
        "attempt-k-2",
        "attempt-k-3",
    ]
    lines = (out / "failure-k").read_text().splitlines()
    assert lines == [f"{job_id} 3 RuntimeError: boom k"]
    info = job_infos(jobs_db, tmp_path, job_id)[0]
    assert (info.status, info.attempts) == ("failed", 3)
    if BACKEND == "embedded":
        assert info.error == "RuntimeError: boom k"
    log = proc.output()
    assert f"job {job_id} (tests.always_fails) failed after 3 attempt(s), giving up" in log
    assert "RuntimeError: boom k" in log
    assert "attempt 1 of 3 failed, next attempt in 0.1 s" in log


def test_retries_wait_an_exponential_back_off(jobs_db, tmp_path, out, processes):
    processes.start("worker", job_env(tmp_path, jobs_db))
    [job_id] = defer_jobs(
        jobs_db, tmp_path, "tests.flaky", {"out": str(out), "key": "k", "failures": 2}
    )
    wait_until(lambda: _status(jobs_db, tmp_path, job_id) == "succeeded", 30, "the job")
    starts = [float((out / f"attempt-k-{n}").read_text().split()[3]) for n in (1, 2, 3)]
    first_gap, second_gap = starts[1] - starts[0], starts[2] - starts[1]
    # retry_backoff=0.4: 0.4 s after the first failure, 0.8 s after the second
    assert 0.4 <= first_gap < 0.4 + POLL + 1.5
    assert 0.8 <= second_gap < 0.8 + POLL + 1.5
    assert not (out / "failure-k").exists()
    assert job_infos(jobs_db, tmp_path, job_id)[0].attempts == 3


def test_embedded_back_off_follows_the_podium_clock(jobs_db, tmp_path, out):
    """In the embedded backend, retries are due on podium.clock: a test moves time instead
    of sleeping through a back-off (here one of an hour)."""
    settings = job_settings(jobs_db, tmp_path, jobs_backend="embedded", auto_migrate=False)
    server = LiveServer(settings).start()
    try:
        from datetime import timedelta

        clock.freeze()
        embedded = {"jobs_backend": "embedded"}
        [job_id] = defer_jobs(
            jobs_db,
            tmp_path,
            "tests.flaky",
            {"out": str(out), "key": "k", "failures": 1},
            **embedded,
        )

        def status() -> str:
            return _status(jobs_db, tmp_path, job_id, **embedded)

        wait_until(lambda: (out / "attempt-k-1").exists(), 10, "the first attempt")
        wait_until(lambda: status() == "queued", 10, "the retry to be queued")
        time.sleep(POLL * 2)
        assert not (out / "attempt-k-2").exists()  # 0.4 s have passed, not on podium's clock
        clock.advance(timedelta(seconds=0.4))
        wait_until(lambda: status() == "succeeded", 10, "the retry")
        assert (out / "done-k").exists()
    finally:
        server.stop()
        clock.reset()


def test_migrate_installs_the_job_queue_once(jobs_db, tmp_path):
    """`podium migrate` again on a migrated database (the template was) changes nothing:
    procrastinate's schema on PostgreSQL, Podium's `jobs` table on either."""
    from tests.cli.process import run_podium

    r = run_podium("migrate", env=job_env(tmp_path, jobs_db))
    assert r.returncode == 0, r.stderr

    async def tables(session: Any) -> Any:
        if ON_POSTGRES:
            return (
                await session.execute(
                    text(
                        "SELECT (SELECT count(*) FROM podium_procrastinate_schema),"
                        " to_regclass('procrastinate_jobs') IS NOT NULL,"
                        " to_regclass('jobs') IS NOT NULL"
                    )
                )
            ).one()
        return (
            await session.execute(
                text("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'jobs'")
            )
        ).one()

    assert tuple(run_db(jobs_db, tmp_path, tables)) == ((1, True, True) if ON_POSTGRES else (1,))


def test_an_on_failure_that_fails_is_called_again_until_it_succeeds(
    jobs_db, tmp_path, out, processes
):
    proc = processes.start("worker", job_env(tmp_path, jobs_db))
    [job_id] = defer_jobs(
        jobs_db, tmp_path, "tests.failure_handler_fails_once", {"out": str(out), "key": "k"}
    )
    wait_until(lambda: _status(jobs_db, tmp_path, job_id) == "failed", 30, "the job to fail")
    # both calls get the task's error, not on_failure's
    assert (out / "failure-k").read_text().splitlines() == [
        f"{job_id} 1 RuntimeError: boom k",
        f"{job_id} 1 RuntimeError: boom k",
    ]
    assert "on_failure failed, trying again" in proc.output()
    assert "RuntimeError: on_failure fails on its first call" in proc.output()


def test_failures_are_logged_without_passwords_or_statement_parameters(
    jobs_db, tmp_path, processes
):
    proc = processes.start("worker", job_env(tmp_path, jobs_db))
    secret = "sEcReT4f9d2c8e1b7a3f6d0c"
    [job_id] = defer_jobs(jobs_db, tmp_path, "tests.leaky", {"secret": secret})
    wait_until(lambda: _status(jobs_db, tmp_path, job_id) == "failed", 30, "the job to fail")
    log = proc.output()
    assert "ConnectionError: cannot reach postgresql://podium:***@db.internal/podium" in log
    # the driver's error, without the statement, its parameters or PostgreSQL's DETAIL line
    assert "not null constraint" in log.lower().replace("-", " ")
    assert "INSERT INTO" not in log
    assert "giving up" in log
    assert secret not in log
    assert secret[:24] not in log


def test_a_stopped_worker_hands_its_running_job_back(jobs_db, tmp_path, out, processes):
    """SIGTERM: the running job gets PODIUM_JOBS_SHUTDOWN_SECONDS (2 s here), then is
    cancelled and queued again; the next worker runs it through."""
    env = job_env(tmp_path, jobs_db)
    first = processes.start("worker", env)
    [job_id] = defer_jobs(jobs_db, tmp_path, "tests.block", {"out": str(out), "key": "k"})
    wait_until(lambda: (out / "started-k-1").exists(), 20, "the first attempt to start")
    first.proc.terminate()
    try:
        assert first.proc.wait(timeout=15) == 0
    except subprocess.TimeoutExpired:
        raise AssertionError(f"the worker did not stop:\n{first.output()}") from None
    info = job_infos(jobs_db, tmp_path, job_id)[0]
    assert info.status == "queued"
    # the embedded backend does not count the interrupted run; procrastinate does
    assert info.attempts == (0 if BACKEND == "embedded" else 1)
    assert "queued again" in first.output() or BACKEND == "procrastinate"

    (out / "release-k").touch()
    processes.start("worker", env)
    wait_until(lambda: _status(jobs_db, tmp_path, job_id) == "succeeded", 20, "the job")
    assert len(_files(out, "done-k-")) == 1
