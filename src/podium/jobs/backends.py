"""Which backend a session's jobs go to, and the two ways of queueing a job in a session."""

from __future__ import annotations

import json
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import event, insert, select, text

from podium import clock
from podium.jobs import models
from podium.jobs.registry import TASK_MODULES, UnknownTask, get_task, load_tasks

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

    from podium.config import Settings

Backend = Literal["embedded", "procrastinate"]
# procrastinate's queue for every Podium task
QUEUE = "default"

# engine -> backend, for engines made from settings (the app's, a worker's); any other engine
# follows PODIUM_JOBS_BACKEND and its dialect
_ENGINE_BACKENDS: weakref.WeakKeyDictionary[Engine, Backend] = weakref.WeakKeyDictionary()
# wake-up callbacks of the embedded workers of this process (thread-safe to call)
_WAKERS: set[Any] = set()


def bind_engine(engine: AsyncEngine, settings: Settings) -> None:
    """Send jobs deferred through `engine` to the backend `settings` choose."""
    _ENGINE_BACKENDS[engine.sync_engine] = settings.effective_jobs_backend


def backend_for(session: AsyncSession) -> Backend:
    bind = session.get_bind()
    engine = getattr(bind, "engine", bind)
    if engine.dialect.name == "sqlite":
        return "embedded"
    known = _ENGINE_BACKENDS.get(engine)
    if known is not None:
        return known
    from podium.config import Settings

    choice = Settings().jobs_backend
    return "procrastinate" if choice == "auto" else choice


def _check_task(name: str) -> None:
    try:
        get_task(name)
    except UnknownTask:
        load_tasks(TASK_MODULES)  # a process that only defers may not have imported them
        get_task(name)


def _wake_embedded_workers(_session: Any) -> None:
    for wake in list(_WAKERS):
        wake()


async def defer_in_session(session: AsyncSession, name: str, kwargs: dict[str, Any]) -> str:
    _check_task(name)
    try:
        args_json = json.dumps(kwargs)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"job arguments of {name!r} must be JSON values: {exc}") from None
    if backend_for(session) == "procrastinate":
        # procrastinate's own defer function, called on our connection: the job is a row of
        # this transaction, committed or rolled back with it (its insert trigger notifies the
        # workers, and PostgreSQL delivers that notification only on commit)
        result = await session.execute(
            text(
                "SELECT unnest(procrastinate_defer_jobs_v1(ARRAY[ROW("
                "CAST(:queue AS varchar), CAST(:task AS varchar), 0, NULL::text, NULL::text,"
                " CAST(:args AS jsonb), NULL::timestamptz"
                ")::procrastinate_job_to_defer_v1]))"
            ),
            {"queue": QUEUE, "task": name, "args": args_json},
        )
        return str(result.scalar_one())
    now = clock.now()
    job_id = (
        await session.execute(
            insert(models.Job)
            .values(
                task_name=name,
                args=json.loads(args_json),
                status=models.QUEUED,
                attempts=0,
                scheduled_at=now,
                created_at=now,
            )
            .returning(models.Job.id)
        )
    ).scalar_one()
    # wake the in-process worker once the job is visible (a rollback wakes it for nothing)
    event.listen(session.sync_session, "after_commit", _wake_embedded_workers, once=True)
    return job_id


@dataclass(frozen=True, slots=True)
class JobInfo:
    """Where a job stands: status is queued, running, succeeded or failed; attempts counts
    the runs started; error is the last failure's text where the backend keeps it."""

    id: str
    task_name: str
    status: str
    attempts: int
    error: str | None


_PROCRASTINATE_STATUS = {
    "todo": models.QUEUED,
    "doing": models.RUNNING,
    "succeeded": models.SUCCEEDED,
    "failed": models.FAILED,
    "cancelled": models.FAILED,
    "aborting": models.RUNNING,
    "aborted": models.FAILED,
}


async def get_job(session: AsyncSession, job_id: str) -> JobInfo | None:
    """The job `job_id` (as `defer` returned it), or None."""
    if backend_for(session) == "procrastinate":
        if not job_id.isdigit():
            return None
        row = (
            await session.execute(
                text(
                    "SELECT task_name, status::text, attempts FROM procrastinate_jobs "
                    "WHERE id = :id"
                ),
                {"id": int(job_id)},
            )
        ).first()
        if row is None:
            return None
        status = _PROCRASTINATE_STATUS[row.status]
        # procrastinate counts finished attempts; a running one is started too
        attempts = row.attempts + (1 if status == models.RUNNING else 0)
        return JobInfo(job_id, row.task_name, status, attempts, None)
    job = (
        await session.execute(select(models.Job).where(models.Job.id == job_id))
    ).scalar_one_or_none()
    if job is None:
        return None
    return JobInfo(job.id, job.task_name, job.status, job.attempts, job.last_error)
