"""The embedded backend: Podium's `jobs` table and an asyncio worker in the server process.

A worker claims a due job in one transaction (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite
serialises writers), holding a lease it renews every heartbeat while the task runs. A job whose
lease ran out belongs to a worker that stopped (killed, crashed, lost its machine): the sweep,
run at start and every heartbeat by every worker, queues it again, or gives up on it when that
was its last attempt. Time is `podium.clock`'s, so tests can move past back-offs and leases.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select, update

from podium import clock
from podium.jobs.backends import _WAKERS
from podium.jobs.models import FAILED, QUEUED, RUNNING, SUCCEEDED, Job
from podium.jobs.registry import TaskSpec, registered
from podium.jobs.runtime import Runtime, call_on_failure, describe_error, where, worker_name

log = logging.getLogger("podium.jobs")

RETENTION_SWEEP_SECONDS = 3600.0


@dataclass(frozen=True, slots=True)
class Claimed:
    id: str
    task_name: str
    args: dict[str, Any]
    attempt: int


class EmbeddedWorker:
    """Runs jobs of the `jobs` table, `concurrency` at a time, until stopped."""

    def __init__(self, runtime: Runtime, *, concurrency: int):
        self.runtime = runtime
        self.settings = runtime.settings
        self.concurrency = concurrency
        self.name = worker_name()
        self._lease = timedelta(seconds=self.settings.jobs_lease_seconds)
        self._running: dict[str, asyncio.Task[None]] = {}
        self._claimed: dict[str, Claimed] = {}
        self._wake = asyncio.Event()
        self._stopping = False
        self._main: asyncio.Task[None] | None = None
        self._waker: Any = None
        self._next_retention = 0.0

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        event = self._wake

        def wake() -> None:
            with contextlib.suppress(RuntimeError):  # the loop has closed
                loop.call_soon_threadsafe(event.set)

        self._waker = wake
        _WAKERS.add(wake)
        self._main = asyncio.create_task(self._loop(), name=f"podium jobs {self.name}")
        log.info(
            "job worker %s started (embedded, concurrency %d, tasks: %s)",
            self.name,
            self.concurrency,
            ", ".join(sorted(registered())) or "none",
        )

    async def stop(self) -> None:
        """Stop claiming, let running jobs finish for PODIUM_JOBS_SHUTDOWN_SECONDS, then
        queue the rest again (an interrupted run does not count) and cancel them."""
        self._stopping = True
        self._wake.set()
        _WAKERS.discard(self._waker)
        if self._main is not None:
            await asyncio.gather(self._main, return_exceptions=True)
        if self._running:
            log.info("job worker %s waiting for %d running job(s)", self.name, len(self._running))
            await asyncio.wait(
                list(self._running.values()), timeout=self.settings.jobs_shutdown_seconds
            )
        left = [
            (self._claimed[job_id], task)
            for job_id, task in list(self._running.items())
            if not task.done()
        ]
        # handed back first: a cancelled task's database work stops at any point, and the
        # hand-back must not queue behind it for SQLite's write lock
        for job, _task in left:
            await self._release(job)
        for _job, task in left:
            task.cancel()
        await asyncio.gather(*(task for _job, task in left), return_exceptions=True)
        log.info("job worker %s stopped", self.name)

    async def wait(self) -> None:
        if self._main is not None:
            await self._main

    # -- the loop ----------------------------------------------------------------------------

    async def _loop(self) -> None:
        heartbeat = self.settings.jobs_heartbeat_seconds
        poll = self.settings.jobs_poll_seconds
        # the first sweep, at start, makes the jobs of a killed worker due again at once
        next_sweep = time.monotonic()
        while not self._stopping:
            self._wake.clear()
            try:
                if time.monotonic() >= next_sweep:
                    next_sweep = time.monotonic() + heartbeat
                    await self._sweep()
                wait = await self._fill()
            except Exception as exc:
                log.error(
                    "job worker %s: cannot use the job queue: %s", self.name, describe_error(exc)
                )
                wait = poll
            if self._stopping:
                break
            wait = max(0.0, min(wait, poll, next_sweep - time.monotonic()))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=wait)

    async def _fill(self) -> float:
        """Start due jobs while there is room; return how long to wait before looking again."""
        while len(self._running) < self.concurrency and not self._stopping:
            job = await self._claim()
            if job is None:
                break
            task = asyncio.create_task(self._execute(job), name=f"job {job.task_name}[{job.id}]")
            self._running[job.id] = task
            self._claimed[job.id] = job
            task.add_done_callback(lambda _t, job_id=job.id: self._done(job_id))
        if len(self._running) >= self.concurrency:
            return self.settings.jobs_poll_seconds  # a finished job wakes the loop
        names = list(registered())
        if not names:
            return self.settings.jobs_poll_seconds
        async with self.runtime.sessionmaker() as session:
            next_due = (
                await session.execute(
                    select(Job.scheduled_at)
                    .where(Job.status == QUEUED, Job.task_name.in_(names))
                    .order_by(Job.scheduled_at)
                    .limit(1)
                )
            ).scalar_one_or_none()
        if next_due is None:
            return self.settings.jobs_poll_seconds
        return (next_due - clock.now()).total_seconds()

    def _done(self, job_id: str) -> None:
        task = self._running.pop(job_id, None)
        self._claimed.pop(job_id, None)
        if task is not None and not task.cancelled() and task.exception() is not None:
            log.error(
                "job %s: could not record its outcome (%s); it runs again once its lease expires",
                job_id,
                describe_error(task.exception()),  # type: ignore[arg-type]
            )
        self._wake.set()

    async def _claim(self) -> Claimed | None:
        names = list(registered())
        if not names:
            return None
        return await asyncio.shield(self._claim_one(names))

    async def _claim_one(self, names: list[str]) -> Claimed | None:
        now = clock.now()
        async with self.runtime.sessionmaker.begin() as session:
            row = (
                await session.execute(
                    select(Job.id, Job.task_name, Job.args, Job.attempts)
                    .where(
                        Job.status == QUEUED,
                        Job.scheduled_at <= now,
                        Job.task_name.in_(names),
                    )
                    .order_by(Job.scheduled_at, Job.id)
                    .limit(1)
                    .with_for_update(skip_locked=True)
                )
            ).first()
            if row is None:
                return None
            await session.execute(
                update(Job)
                .where(Job.id == row.id)
                .values(
                    status=RUNNING,
                    worker=self.name,
                    attempts=Job.attempts + 1,
                    started_at=now,
                    lease_expires_at=now + self._lease,
                    last_error=None,
                )
            )
        return Claimed(row.id, row.task_name, dict(row.args), row.attempts + 1)

    # -- one job -----------------------------------------------------------------------------

    async def _execute(self, job: Claimed) -> None:
        spec = registered()[job.task_name]
        this = asyncio.current_task()
        assert this is not None
        heartbeat = asyncio.create_task(self._heartbeat(job, this))
        try:
            try:
                await spec.fn(self.runtime.context(attempt=job.attempt, job_id=job.id), **job.args)
            except asyncio.CancelledError:
                raise  # stopping (the job was handed back) or its lease was lost
            except Exception as exc:
                await self._failed(spec, job, exc)  # on_failure too runs under the lease
            else:
                await self._set(
                    job.id,
                    status=SUCCEEDED,
                    finished_at=clock.now(),
                    lease_expires_at=None,
                    worker=None,
                )
        finally:
            heartbeat.cancel()
            await asyncio.gather(heartbeat, return_exceptions=True)

    async def _heartbeat(self, job: Claimed, task: asyncio.Task[None]) -> None:
        while True:
            await asyncio.sleep(self.settings.jobs_heartbeat_seconds)
            try:
                kept = await self._set(job.id, lease_expires_at=clock.now() + self._lease)
            except Exception as exc:
                log.warning("job %s: cannot renew its lease: %s", job.id, describe_error(exc))
                continue
            if not kept:
                # another worker took the job over: this run's work would be done twice
                log.warning(
                    "job %s (%s): lease lost to another worker, stopping this run",
                    job.id,
                    job.task_name,
                )
                task.cancel()
                return

    async def _set(self, job_id: str, **values: Any) -> bool:
        """Update a job this worker holds; False when it no longer does.

        Shielded: a cancelled caller (a stopping worker, a lost lease) must not cut a write
        short, or the connection could keep SQLite's write lock with its transaction open.
        """
        return await asyncio.shield(self._update_held(job_id, values))

    async def _update_held(self, job_id: str, values: dict[str, Any]) -> bool:
        async with self.runtime.sessionmaker.begin() as session:
            result = await session.execute(
                update(Job)
                .where(Job.id == job_id, Job.worker == self.name, Job.status == RUNNING)
                .values(**values)
            )
        return result.rowcount == 1  # type: ignore[attr-defined]

    async def _release(self, job: Claimed) -> None:
        with contextlib.suppress(Exception):
            released = await self._set(
                job.id,
                status=QUEUED,
                attempts=Job.attempts - 1,
                scheduled_at=clock.now(),
                lease_expires_at=None,
                worker=None,
            )
            if released:
                log.info("job %s (%s) queued again: its worker is stopping", job.id, job.task_name)

    async def _failed(self, spec: TaskSpec, job: Claimed, exc: Exception) -> None:
        error = describe_error(exc)
        if job.attempt < spec.max_attempts:
            delay = spec.retry_delay(job.attempt)
            log.warning(
                "job %s (%s) attempt %d of %d failed, next attempt in %.1f s: %s",
                job.id,
                spec.name,
                job.attempt,
                spec.max_attempts,
                delay,
                error,
            )
            await self._set(
                job.id,
                status=QUEUED,
                scheduled_at=clock.now() + timedelta(seconds=delay),
                lease_expires_at=None,
                worker=None,
                last_error=error,
            )
            return
        await self._give_up(spec, job.id, job.attempt, job.args, error, where(exc))

    async def _give_up(
        self,
        spec: TaskSpec,
        job_id: str,
        attempt: int,
        args: dict[str, Any],
        error: str,
        trace: str = "",
    ) -> None:
        """on_failure, then `failed`; if on_failure fails, it is tried again after a lease."""
        try:
            await call_on_failure(
                self.runtime,
                spec,
                job_id=job_id,
                attempt=attempt,
                error=error,
                kwargs=args,
                trace=trace,
            )
        except Exception as exc:
            log.error(
                "job %s (%s): on_failure failed, trying again in %.0f s: %s\n%s",
                job_id,
                spec.name,
                self._lease.total_seconds(),
                describe_error(exc),
                where(exc),
            )
            await self._set(
                job_id,
                lease_expires_at=clock.now() + self._lease,
                worker=None,
                last_error=error,
            )
            return
        await self._set(
            job_id,
            status=FAILED,
            finished_at=clock.now(),
            lease_expires_at=None,
            worker=None,
            last_error=error,
        )

    # -- recovery ----------------------------------------------------------------------------

    async def _sweep(self) -> None:
        """Queue again the jobs of stopped workers (lease expired); give up on those that were
        on their last attempt; delete finished jobs past PODIUM_JOBS_RETENTION_DAYS."""
        now = clock.now()
        tasks = registered()
        async with self.runtime.sessionmaker() as session:
            rows = (
                await session.execute(
                    select(Job.id, Job.task_name, Job.args, Job.attempts, Job.last_error).where(
                        Job.status == RUNNING, Job.lease_expires_at < now
                    )
                )
            ).all()
        for row in rows:
            spec = tasks.get(row.task_name)
            if row.id in self._running or spec is None:
                continue
            expired = (Job.id == row.id, Job.status == RUNNING, Job.lease_expires_at < now)
            if row.attempts < spec.max_attempts:
                async with self.runtime.sessionmaker.begin() as session:
                    result = await session.execute(
                        update(Job)
                        .where(*expired)
                        .values(
                            status=QUEUED,
                            scheduled_at=now,
                            worker=None,
                            lease_expires_at=None,
                            last_error=f"attempt {row.attempts} was interrupted: "
                            "its worker stopped",
                        )
                    )
                if result.rowcount == 1:  # type: ignore[attr-defined]
                    log.warning(
                        "job %s (%s): attempt %d was interrupted (its worker stopped); "
                        "queued again",
                        row.id,
                        row.task_name,
                        row.attempts,
                    )
                    self._wake.set()
                continue
            # the last attempt was interrupted (or on_failure is to be tried again): take the
            # job so that one worker alone calls on_failure
            async with self.runtime.sessionmaker.begin() as session:
                result = await session.execute(
                    update(Job)
                    .where(*expired)
                    .values(worker=self.name, lease_expires_at=now + self._lease)
                )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                continue
            error = row.last_error or (
                f"attempt {row.attempts} was interrupted: its worker stopped"
            )
            await self._give_up(spec, row.id, row.attempts, dict(row.args), error)
        if time.monotonic() >= self._next_retention:
            self._next_retention = time.monotonic() + RETENTION_SWEEP_SECONDS
            cutoff = now - timedelta(days=self.settings.jobs_retention_days)
            async with self.runtime.sessionmaker.begin() as session:
                await session.execute(
                    delete(Job).where(Job.status.in_((SUCCEEDED, FAILED)), Job.finished_at < cutoff)
                )
