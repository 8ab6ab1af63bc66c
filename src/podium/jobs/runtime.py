"""What running jobs needs in any backend: the context given to tasks, error text for logs,
and the worker started by `podium serve` and `podium worker`."""

from __future__ import annotations

import logging
import os
import re
import secrets
import socket
import traceback
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from podium.jobs.context import JobContext
from podium.jobs.registry import TASK_MODULES, TaskSpec, load_tasks

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

    from podium.config import Settings
    from podium.storage import BlobStore

log = logging.getLogger("podium.jobs")

# Jobs write and read blobs; links for people are built at request time from the request's
# URL. A link a job builds without PODIUM_PUBLIC_URL points at a reserved, unreachable name.
UNSET_LINK_BASE = "http://podium.invalid"
MAX_ERROR_CHARS = 2000
_URL_PASSWORD = re.compile(r"(://[^:/@\s]+:)[^@\s]+@")


def describe_error(exc: BaseException) -> str:
    """`Type: message`, without SQL parameters or URL passwords, for logs and the job row."""
    from sqlalchemy.exc import StatementError

    shown: BaseException = exc
    if isinstance(exc, StatementError) and exc.orig is not None:
        shown = exc.orig  # the driver's message, not the statement and its parameters
    message = str(shown).strip().splitlines()[0] if str(shown).strip() else ""
    message = _URL_PASSWORD.sub(r"\1***@", message)
    text = f"{type(shown).__name__}: {message}" if message else type(shown).__name__
    return text[:MAX_ERROR_CHARS]


def where(exc: BaseException) -> str:
    """The traceback's frames (file, line, code), without the exception's message."""
    return "".join(traceback.format_tb(exc.__traceback__)).rstrip()


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


@dataclass(frozen=True, slots=True)
class Runtime:
    settings: Settings
    sessionmaker: async_sessionmaker[AsyncSession]
    store: BlobStore

    @classmethod
    def create(cls, settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]) -> Runtime:
        from podium.storage import make_store

        return cls(settings, sessionmaker, make_store(settings, base_url=UNSET_LINK_BASE))

    def context(self, *, attempt: int, job_id: str) -> JobContext:
        return JobContext(
            settings=self.settings,
            sessionmaker=self.sessionmaker,
            store=self.store,
            attempt=attempt,
            job_id=job_id,
        )

    def load_tasks(self) -> dict[str, TaskSpec]:
        return load_tasks((*TASK_MODULES, *self.settings.job_module_list))


async def call_on_failure(
    runtime: Runtime,
    spec: TaskSpec,
    *,
    job_id: str,
    attempt: int,
    error: str,
    kwargs: dict[str, Any],
    trace: str = "",
) -> None:
    """Log the final failure (with the frames where it happened) and call the task's
    on_failure; its exceptions propagate."""
    log.error(
        "job %s (%s) failed after %d attempt(s), giving up: %s%s",
        job_id,
        spec.name,
        attempt,
        error,
        f"\n{trace}" if trace else "",
    )
    if spec.on_failure is not None:
        await spec.on_failure(runtime.context(attempt=attempt, job_id=job_id), error, **kwargs)


class Worker(Protocol):
    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def wait(self) -> None:
        """Return when the worker has stopped (or raise what stopped it)."""
        ...


def make_worker(
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    concurrency: int | None = None,
) -> Worker:
    runtime = Runtime.create(settings, sessionmaker)
    runtime.load_tasks()
    concurrency = concurrency or settings.jobs_concurrency
    if settings.effective_jobs_backend == "procrastinate":
        from podium.jobs.procrastinate_backend import ProcrastinateWorker

        return ProcrastinateWorker(runtime, concurrency=concurrency)
    from podium.jobs.embedded import EmbeddedWorker

    return EmbeddedWorker(runtime, concurrency=concurrency)


def bind_jobs_engine(engine: AsyncEngine, settings: Settings) -> None:
    """Jobs deferred through `engine` go to the backend `settings` choose."""
    from podium.jobs.backends import bind_engine

    bind_engine(engine, settings)


async def start_job_worker(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> Worker | None:
    """The worker inside `podium serve`, unless PODIUM_EMBEDDED_WORKER=false."""
    if not settings.embedded_worker:
        log.info("no job worker in this process (PODIUM_EMBEDDED_WORKER=false)")
        return None
    worker = make_worker(settings, sessionmaker)
    await worker.start()
    return worker
