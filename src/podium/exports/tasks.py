"""The export job: `exports.run` writes an export's file and stores it.

A run is safe to repeat from the start (a retry, or a second run after a worker crash): it marks
the export `in_progress`, writes the file afresh to a temporary file of its own under
`<data_dir>/tmp/exports`, stores it under the export's fixed key (replacing what an earlier run
stored), then marks the export `complete`. After the last failed attempt, `mark_failed` marks
it `errored`.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from pathlib import Path

from podium.exports import service
from podium.exports.writers import (
    CSV_CONTENT_TYPE,
    ZIP_CONTENT_TYPE,
    QuerySource,
    Written,
    sync_engine,
    write_export,
)
from podium.jobs import JobContext, task

log = logging.getLogger("podium.exports")

# a temporary file this old belongs to a run that died: the next run removes it
STALE_TEMP_SECONDS = 24 * 3600


def temp_folder(ctx: JobContext) -> Path:
    folder = ctx.settings.data_dir / "tmp" / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _remove_stale(folder: Path) -> None:
    cutoff = time.time() - STALE_TEMP_SECONDS
    for path in folder.glob("*.part"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except FileNotFoundError:
            pass


async def mark_failed(ctx: JobContext, error: str, *, export_id: str, account_id: str) -> None:
    """After the last attempt: the export is `errored`, with the reason."""
    async with ctx.sessionmaker() as session, session.begin():
        await service.fail(session, account_id=account_id, export_id=export_id, error=error)
    log.error("export %s errored after %d attempt(s): %s", export_id, ctx.attempt, error)


@task("exports.run", max_attempts=3, retry_backoff=3.0, on_failure=mark_failed)
async def run_export(ctx: JobContext, *, export_id: str, account_id: str) -> None:
    """Writes the export's file (a zip, or one CSV) and stores it; `complete` at the end."""
    async with ctx.sessionmaker() as session, session.begin():
        export = await service.start_run(
            session,
            account_id=account_id,
            export_id=export_id,
            attempt=ctx.attempt,
            job_id=ctx.job_id,
        )
        if export is None:
            log.info("export %s: nothing to run (gone or finished)", export_id)
            return
        _, queries = service.file_queries(export)
        zipped = service.is_zipped(export)
        key = service.blob_key(export)
        filename = service.download_name(export)

    folder = temp_folder(ctx)
    await asyncio.to_thread(_remove_stale, folder)
    path = folder / f"{export_id}.{ctx.attempt}.{secrets.token_hex(6)}.part"
    started = time.perf_counter()
    try:
        written: Written = await asyncio.to_thread(_write, ctx, queries, path, zipped)
        stored: str | None = None
        if written.total_rows:
            content_type = ZIP_CONTENT_TYPE if zipped else CSV_CONTENT_TYPE
            await ctx.store.put_file(key, path, content_type)
            stored = key
    finally:
        await asyncio.to_thread(path.unlink, missing_ok=True)

    async with ctx.sessionmaker() as session, session.begin():
        await service.finish_run(
            session,
            account_id=account_id,
            export_id=export_id,
            written=written,
            key=stored,
            filename=filename,
            zipped=zipped,
        )
    log.info(
        "export %s complete: %s rows, %s bytes in %.2f s",
        export_id,
        written.total_rows,
        written.size if stored else 0,
        time.perf_counter() - started,
    )


def _write(ctx: JobContext, queries: QuerySource, path: Path, zipped: bool) -> Written:
    engine = sync_engine(ctx.settings)
    try:
        return write_export(engine, queries, path, zipped=zipped)
    finally:
        engine.dispose()
