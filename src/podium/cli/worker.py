"""`podium worker`: run background jobs (exports, attachment fetches) until stopped."""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Annotated

import typer

from podium.cli.common import database_errors, load_settings, migrate
from podium.config import Settings


def worker(
    concurrency: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=100,
            help="Jobs run at once by this process (default: PODIUM_JOBS_CONCURRENCY, 2).",
        ),
    ] = None,
    migrate_first: Annotated[
        bool,
        typer.Option(
            "--migrate/--no-migrate",
            help="Migrate the database before starting (default: migrate).",
        ),
    ] = True,
) -> None:
    """Run background jobs (exports, attachment fetches) until stopped.

    Any number of workers may run, on any machines that share the database: each job runs
    once. SIGINT or SIGTERM stops a worker: its running jobs get PODIUM_JOBS_SHUTDOWN_SECONDS
    to finish, then are queued again. With PODIUM_EMBEDDED_WORKER=false, `podium serve`
    leaves all jobs to workers.
    """
    from podium.observability import configure_logging

    settings = load_settings()
    if migrate_first:
        migrate(settings)
    configure_logging(settings.log_format, settings.log_level)
    with database_errors(settings):
        asyncio.run(_run(settings, concurrency))


async def _run(settings: Settings, concurrency: int | None) -> None:
    from podium.db import create_engine, create_sessionmaker
    from podium.jobs.runtime import bind_jobs_engine, make_worker

    log = logging.getLogger("podium.cli")
    engine = create_engine(settings)
    bind_jobs_engine(engine, settings)
    try:
        job_worker = make_worker(settings, create_sessionmaker(engine), concurrency=concurrency)
        await job_worker.start()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        waiting = asyncio.create_task(job_worker.wait())
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait({waiting, stopping}, return_when=asyncio.FIRST_COMPLETED)
        log.info("stopping: waiting for running jobs")
        stopping.cancel()
        await job_worker.stop()
        if waiting.done() and not waiting.cancelled() and waiting.exception() is not None:
            raise waiting.exception()  # type: ignore[misc]
    finally:
        await engine.dispose()
