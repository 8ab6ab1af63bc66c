"""The PostgreSQL backend: procrastinate runs the jobs; Podium adds the crash recovery.

procrastinate fetches each job with `FOR UPDATE SKIP LOCKED` (one worker gets it), retries it
on failure with our back-off, and records a heartbeat per worker. What it leaves to the
application is a job whose worker died mid-run: it stays `doing`. Every Podium worker sweeps
each heartbeat for jobs of workers silent for longer than the lease and queues them again,
or, when that was their last attempt, calls on_failure and ends them `failed`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import procrastinate
from procrastinate import exceptions as procrastinate_exceptions
from procrastinate.worker import Worker as _ProcrastinateWorker
from sqlalchemy import text

from podium.jobs.backends import QUEUE
from podium.jobs.registry import TaskSpec, registered
from podium.jobs.runtime import Runtime, call_on_failure, describe_error, where, worker_name
from podium.jobs.schema import libpq_url

if TYPE_CHECKING:
    from procrastinate.jobs import Job as ProcrastinateJob

log = logging.getLogger("podium.jobs")

# A job whose on_failure failed is queued again with this argument holding the error; its next
# run calls on_failure alone.
ON_FAILURE_PENDING = "__podium_on_failure_error__"
RETENTION_SWEEP_SECONDS = 3600.0
RESTART_DELAY_SECONDS = 5.0

_STALLED = (
    "j.status = 'doing' AND (j.worker_id IS NULL OR j.worker_id IN ("
    " SELECT w.id FROM procrastinate_workers w"
    " WHERE w.last_heartbeat < now() - make_interval(secs => CAST(:lease AS float))))"
)


class _Failed(Exception):
    """An attempt failed (Podium logged why): retried after the back-off."""


class _OnFailurePending(Exception):
    """on_failure failed: run the job again later to call it again."""


class _GaveUp(Exception):
    """on_failure ran after the last attempt: the job ends failed."""


class _Retry(procrastinate.BaseRetryStrategy):
    def __init__(self, spec: TaskSpec, lease: float):
        self.spec = spec
        self.lease = lease

    def get_retry_decision(
        self, *, exception: BaseException, job: ProcrastinateJob
    ) -> procrastinate.RetryDecision | None:
        if isinstance(exception, _GaveUp):
            return None
        if isinstance(exception, _OnFailurePending):
            return procrastinate.RetryDecision(retry_in={"seconds": self.lease})
        if isinstance(exception, asyncio.CancelledError | procrastinate_exceptions.JobAborted):
            # the worker is shutting down: the job was interrupted, not failed
            return procrastinate.RetryDecision(retry_at=datetime.now(UTC))
        attempt = job.attempts + 1
        if attempt >= self.spec.max_attempts:
            return None
        return procrastinate.RetryDecision(retry_in={"seconds": self.spec.retry_delay(attempt)})


class _ProcrastinateLogs(logging.Filter):
    """Podium logs a task's failures itself, cleaned (see `describe_error`: the message of a
    database error holds the statement's parameters): procrastinate's records of them are
    dropped. Anything else (a bug of the wrapper, a lost connection) stays, traceback and all."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not isinstance(exc, _Failed | _GaveUp | _OnFailurePending)


def _route_procrastinate_logs() -> None:
    """procrastinate's warnings and errors (a lost database connection...) in Podium's log,
    in its format; its per-job INFO lines are left out."""
    logger = logging.getLogger("procrastinate")
    logger.handlers[:] = logging.getLogger("podium").handlers
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    worker_logger = logging.getLogger("procrastinate.worker")
    if not any(isinstance(f, _ProcrastinateLogs) for f in worker_logger.filters):
        worker_logger.addFilter(_ProcrastinateLogs())


class ProcrastinateWorker:
    """A procrastinate worker for every registered task, plus the stalled-job sweep."""

    def __init__(self, runtime: Runtime, *, concurrency: int):
        self.runtime = runtime
        self.settings = runtime.settings
        self.concurrency = concurrency
        self.name = worker_name()
        self.app = procrastinate.App(
            connector=procrastinate.PsycopgConnector(
                conninfo=libpq_url(self.settings.effective_database_url),
                min_size=1,
                max_size=concurrency + 3,
            )
        )
        for spec in registered().values():
            self._register(spec)
        _route_procrastinate_logs()
        self._worker: _ProcrastinateWorker | None = None
        self._stopping = False
        self._opened = False
        self._main: asyncio.Task[None] | None = None
        self._sweeper: asyncio.Task[None] | None = None
        self._next_retention = 0.0
        self._orphans_seen: set[int] = set()

    def _register(self, spec: TaskSpec) -> None:
        runtime = self.runtime
        lease = self.settings.jobs_lease_seconds

        async def run(pctx: procrastinate.JobContext, **kwargs: Any) -> None:
            job = pctx.job
            assert job.id is not None
            job_id = str(job.id)
            attempt = job.attempts + 1
            pending = kwargs.pop(ON_FAILURE_PENDING, None)
            if pending is not None:
                error, last = pending["error"], pending["attempt"]
                await self._give_up_in_run(spec, job.id, last, kwargs, error)
                raise _GaveUp(error)
            try:
                await spec.fn(runtime.context(attempt=attempt, job_id=job_id), **kwargs)
            except Exception as exc:
                error = describe_error(exc)
                if attempt < spec.max_attempts:
                    log.warning(
                        "job %s (%s) attempt %d of %d failed, next attempt in %.1f s: %s",
                        job_id,
                        spec.name,
                        attempt,
                        spec.max_attempts,
                        spec.retry_delay(attempt),
                        error,
                    )
                    raise _Failed(error) from exc
                await self._give_up_in_run(spec, job.id, attempt, kwargs, error, where(exc))
                raise _GaveUp(error) from exc

        run.__name__ = run.__qualname__ = spec.name
        self.app.task(
            name=spec.name,
            pass_context=True,
            queue=QUEUE,
            retry=_Retry(spec, lease),
        )(run)

    async def _give_up_in_run(
        self,
        spec: TaskSpec,
        job_id: int,
        attempt: int,
        kwargs: dict[str, Any],
        error: str,
        trace: str = "",
    ) -> None:
        try:
            await call_on_failure(
                self.runtime,
                spec,
                job_id=str(job_id),
                attempt=attempt,
                error=error,
                kwargs=kwargs,
                trace=trace,
            )
        except Exception as exc:
            log.error(
                "job %s (%s): on_failure failed, trying again in %.0f s: %s\n%s",
                job_id,
                spec.name,
                self.settings.jobs_lease_seconds,
                describe_error(exc),
                where(exc),
            )
            # keep the error with the job, whose next run calls on_failure again
            async with self.runtime.sessionmaker.begin() as session:
                await session.execute(
                    text(
                        "UPDATE procrastinate_jobs SET args = args || CAST(:extra AS jsonb) "
                        "WHERE id = :id"
                    ),
                    {
                        "id": job_id,
                        "extra": json.dumps(
                            {ON_FAILURE_PENDING: {"error": error, "attempt": attempt}}
                        ),
                    },
                )
            raise _OnFailurePending(error) from exc

    # -- lifecycle ---------------------------------------------------------------------------

    def _new_worker(self) -> _ProcrastinateWorker:
        s = self.settings
        return _ProcrastinateWorker(
            self.app,
            queues=[QUEUE],
            name=self.name,
            concurrency=self.concurrency,
            fetch_job_polling_interval=s.jobs_poll_seconds,
            abort_job_polling_interval=max(s.jobs_poll_seconds, 5.0),
            shutdown_graceful_timeout=s.jobs_shutdown_seconds,
            listen_notify=True,
            delete_jobs="never",
            install_signal_handlers=False,
            update_heartbeat_interval=s.jobs_heartbeat_seconds,
            stalled_worker_timeout=s.jobs_lease_seconds,
        )

    async def start(self) -> None:
        """Start in the background: a database that does not answer yet is retried, it
        does not stop the server from starting."""
        self._main = asyncio.create_task(self._run(), name=f"podium jobs {self.name}")
        log.info(
            "job worker %s started (procrastinate, concurrency %d, tasks: %s)",
            self.name,
            self.concurrency,
            ", ".join(sorted(registered())) or "none",
        )

    async def _run(self) -> None:
        while not self._stopping:
            try:
                if not self._opened:
                    try:
                        await self.app.open_async()
                    except BaseException:
                        await self.app.close_async()  # forget the half-opened pool
                        raise
                    self._opened = True
                if self._sweeper is None:
                    self._sweeper = asyncio.create_task(
                        self._sweep_loop(), name="podium jobs sweep"
                    )
                self._worker = self._new_worker()
                await self._worker.run()
                if self._stopping:
                    return
                # procrastinate stops its worker when one of its side tasks fails (the
                # database went away): start a fresh one
                log.error(
                    "job worker %s stopped unexpectedly; restarting in %.0f s",
                    self.name,
                    RESTART_DELAY_SECONDS,
                )
            except Exception as exc:
                log.error(
                    "job worker %s: %s; trying again in %.0f s",
                    self.name,
                    describe_error(exc),
                    RESTART_DELAY_SECONDS,
                )
            self._worker = None
            await asyncio.sleep(RESTART_DELAY_SECONDS)

    async def stop(self) -> None:
        """procrastinate's graceful stop: running jobs get PODIUM_JOBS_SHUTDOWN_SECONDS, then
        are cancelled and queued again."""
        self._stopping = True
        if self._sweeper is not None:
            self._sweeper.cancel()
            await asyncio.gather(self._sweeper, return_exceptions=True)
        if self._main is not None:
            if self._worker is not None:
                self._worker.stop()
            else:
                self._main.cancel()  # waiting to retry: nothing runs
            await asyncio.gather(self._main, return_exceptions=True)
        if self._opened:
            await self.app.close_async()
        log.info("job worker %s stopped", self.name)

    async def wait(self) -> None:
        if self._main is not None:
            await self._main

    # -- recovery ----------------------------------------------------------------------------

    async def _sweep_loop(self) -> None:
        while True:
            try:
                await self._sweep()
            except Exception as exc:
                log.warning("job sweep failed: %s", describe_error(exc))
            await asyncio.sleep(self.settings.jobs_heartbeat_seconds)

    async def _sweep(self) -> None:
        lease = self.settings.jobs_lease_seconds
        async with self.runtime.sessionmaker.begin() as session:
            await session.execute(
                text("SELECT procrastinate_prune_stalled_workers_v1(CAST(:lease AS float))"),
                {"lease": lease},
            )
        async with self.runtime.sessionmaker() as session:
            stalled = (
                (
                    await session.execute(
                        text(f"SELECT j.id FROM procrastinate_jobs j WHERE {_STALLED}"),
                        {"lease": lease},
                    )
                )
                .scalars()
                .all()
            )
        for job_id in stalled:
            await self._recover(job_id, _STALLED, {"lease": lease})
        await self._recover_orphans()
        if time.monotonic() >= self._next_retention:
            self._next_retention = time.monotonic() + RETENTION_SWEEP_SECONDS
            await self.app.job_manager.delete_old_jobs(
                nb_hours=self.settings.jobs_retention_days * 24,
                include_failed=True,
                include_cancelled=True,
                include_aborted=True,
            )

    async def _recover_orphans(self) -> None:
        """Jobs `doing` for this live worker that it does not run (it could not record their
        end): seen twice in a row, they are queued again."""
        worker = self._worker
        worker_id = getattr(worker, "worker_id", None)
        running_map = getattr(worker, "_running_jobs", None)
        if worker is None or worker_id is None or running_map is None:
            return
        running = {ctx.job.id for ctx in list(running_map.values())}
        async with self.runtime.sessionmaker() as session:
            doing = set(
                (
                    await session.execute(
                        text(
                            "SELECT id FROM procrastinate_jobs "
                            "WHERE status = 'doing' AND worker_id = :worker"
                        ),
                        {"worker": worker_id},
                    )
                )
                .scalars()
                .all()
            )
        orphans = doing - running
        for job_id in orphans & self._orphans_seen:
            await self._recover(
                job_id, "j.status = 'doing' AND j.worker_id = :worker", {"worker": worker_id}
            )
        self._orphans_seen = orphans

    async def _recover(self, job_id: int, condition: str, params: dict[str, Any]) -> None:
        """Queue a stalled job again, or give up on it after its last attempt."""
        async with self.runtime.sessionmaker() as session:
            row = (
                await session.execute(
                    text(
                        "SELECT j.task_name, j.args, j.attempts FROM procrastinate_jobs j "
                        f"WHERE j.id = :id AND {condition} FOR UPDATE OF j SKIP LOCKED"
                    ),
                    {"id": job_id, **params},
                )
            ).first()
            if row is None:
                return  # finished meanwhile, or another worker is on it
            spec = registered().get(row.task_name)
            if spec is None:
                return  # a worker that knows the task will take it
            args = json.loads(row.args) if isinstance(row.args, str) else dict(row.args)
            pending = args.pop(ON_FAILURE_PENDING, None)
            attempt = row.attempts + 1
            if pending is not None:
                attempt = pending["attempt"]
            elif attempt < spec.max_attempts:
                await session.execute(
                    text(
                        "SELECT procrastinate_retry_job_v1(CAST(:id AS bigint), now(),"
                        " NULL::integer, NULL::varchar, NULL::varchar)"
                    ),
                    {"id": job_id},
                )
                await session.commit()
                log.warning(
                    "job %s (%s): attempt %d was interrupted (its worker stopped); queued again",
                    job_id,
                    row.task_name,
                    attempt,
                )
                return
            error = (
                pending["error"]
                if pending is not None
                else f"attempt {attempt} was interrupted: its worker stopped"
            )
            try:
                # the row stays locked meanwhile: no other sweep calls on_failure too
                await call_on_failure(
                    self.runtime,
                    spec,
                    job_id=str(job_id),
                    attempt=attempt,
                    error=error,
                    kwargs=args,
                )
            except Exception as exc:
                log.error(
                    "job %s (%s): on_failure failed, trying again at the next sweep: %s\n%s",
                    job_id,
                    row.task_name,
                    describe_error(exc),
                    where(exc),
                )
                await session.rollback()
                return
            await session.execute(
                text(
                    "SELECT procrastinate_finish_job_v1(CAST(:id AS bigint),"
                    " 'failed'::procrastinate_job_status, false)"
                ),
                {"id": job_id},
            )
            await session.commit()
