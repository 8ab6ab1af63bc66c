"""The fetch job of the URL flow: `attachments.fetch` downloads a client's URL into the store.

A run is safe to repeat from the start: it stores the file under the attachment's fixed key
(replacing what an earlier run stored), then marks the attachment `stored`. Failures that may
pass (a timeout, a dropped connection, 429 or 5xx answers, a store error) are retried with an
exponential back-off; failures that will not (a refused address, 404, a file over the limit, too
many redirects) mark the attachment `failed` at once. Either way the reason is kept on the
attachment.
"""

from __future__ import annotations

import logging

from podium.attachments import service
from podium.attachments.fetcher import FetchError, FetchLimits, Resolver, fetch, system_resolver
from podium.jobs import JobContext, task

log = logging.getLogger("podium.attachments")

# 15 s, 30 s, 1 min, 2 min, 4 min, 8 min: about a quarter of an hour for a server to come back
MAX_ATTEMPTS = 7
RETRY_BACKOFF = 15.0
RETRY_BACKOFF_MAX = 900.0


async def mark_failed(ctx: JobContext, error: str, *, attachment_pk: str, account_id: str) -> None:
    """After the last attempt (or a crash during it): the attachment is `failed`."""
    async with ctx.sessionmaker.begin() as session:
        await service.fail_fetch(session, account_id=account_id, pk=attachment_pk, error=error)


@task(
    service.FETCH_TASK,
    max_attempts=MAX_ATTEMPTS,
    retry_backoff=RETRY_BACKOFF,
    retry_backoff_max=RETRY_BACKOFF_MAX,
    on_failure=mark_failed,
)
async def fetch_attachment(ctx: JobContext, *, attachment_pk: str, account_id: str) -> None:
    """Fetches the attachment's URL into the store."""
    await run_fetch(ctx, attachment_pk=attachment_pk, account_id=account_id)


async def run_fetch(
    ctx: JobContext,
    *,
    attachment_pk: str,
    account_id: str,
    resolver: Resolver = system_resolver,
) -> None:
    """The task's body; `resolver` answers DNS look-ups (tests give names addresses)."""
    async with ctx.sessionmaker.begin() as session:
        row = await service.start_fetch(
            session, account_id=account_id, pk=attachment_pk, attempt=ctx.attempt, job_id=ctx.job_id
        )
        if row is None:
            log.info("attachment %s: nothing to fetch (gone, stored or failed)", attachment_pk)
            return
        url, key, content_type = row.url or "", row.blob_key, row.content_type

    settings = ctx.settings
    limits = FetchLimits(
        max_bytes=settings.attachment_fetch_max_bytes,
        timeout=settings.attachment_fetch_timeout_seconds,
        allow=settings.attachment_fetch_allowed,
    )

    async def store(chunks):  # type: ignore[no-untyped-def]
        return await ctx.store.put_stream(key, chunks, content_type)

    try:
        size = await fetch(url, store, limits=limits, resolver=resolver)
    except FetchError as exc:
        last = ctx.attempt >= MAX_ATTEMPTS
        if exc.transient and not last:
            async with ctx.sessionmaker.begin() as session:
                await service.note_attempt_failed(
                    session,
                    account_id=account_id,
                    pk=attachment_pk,
                    error=f"attempt {ctx.attempt} of {MAX_ATTEMPTS}: {exc.reason}",
                )
            log.warning("attachment %s: attempt %d failed: %s", attachment_pk, ctx.attempt, exc)
            raise  # the job is retried after its back-off
        reason = exc.reason
        if exc.transient:
            reason = f"gave up after {ctx.attempt} attempts: {reason}"
        async with ctx.sessionmaker.begin() as session:
            await service.fail_fetch(session, account_id=account_id, pk=attachment_pk, error=reason)
        log.warning("attachment %s failed: %s", attachment_pk, reason)
        return

    async with ctx.sessionmaker.begin() as session:
        kept = await service.finish_fetch(
            session, account_id=account_id, pk=attachment_pk, size=size
        )
    if not kept:
        # the ticket (and the attachment with it) was deleted during the fetch
        await ctx.store.delete(key)
    log.info("attachment %s stored: %d bytes", attachment_pk, size)
