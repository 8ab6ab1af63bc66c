"""Attachments: the rules. No HTTP, no commit.

An attachment is a row here and an attachment comment on its ticket's timeline, both written in
the caller's transaction with its activity-log entry (and, in the URL flow, its fetch job).
"""

from __future__ import annotations

import mimetypes
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from podium import clock, ids
from podium.attachments import repository
from podium.attachments.addresses import Network, literal_ip, refusal
from podium.attachments.models import Attachment
from podium.attachments.schemas import AttachmentCreate, AttachmentCreated, AttachmentRead
from podium.audit import service as audit
from podium.audit.service import Actor
from podium.errors import Conflict, Invalid, NotFound
from podium.jobs import defer
from podium.pagination import PageParams
from podium.storage.base import UPLOAD_EXPIRES_IN
from podium.tickets import repository as tickets_repository
from podium.tickets.models import Ticket
from podium.wire import Page

if TYPE_CHECKING:
    from podium.storage import BlobStore

ATTACHMENTS = audit.ATTACHMENTS  # the activity log's item type
FETCH_TASK = "attachments.fetch"
DOWNLOAD_LINK_LIFETIME = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class Limits:
    """The settings the rules need: PODIUM_ATTACHMENT_MAX_UPLOAD_BYTES and the fetch
    allow-list."""

    max_upload_bytes: int
    allow: tuple[Network, ...] = ()


def blob_key(account_id: str, pk: str) -> str:
    """Where the file is stored: Podium's ids only, so no client input reaches a path."""
    return f"attachments/{account_id}/{pk}"


def file_name(attachment_id: str, content_type: str) -> str:
    """The download's name: the attachment's id, with an extension for its type when the id
    has none (`call-1` as audio/mpeg is `call-1.mp3`)."""
    name = attachment_id.strip() or "attachment"
    if "." not in name.rsplit("/", 1)[-1]:
        extension = mimetypes.guess_extension(content_type.split(";", 1)[0].strip().lower())
        if extension:
            return name[: 255 - len(extension)] + extension
    return name[:255]


_URL_PASSWORD = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*://[^:/@?#]*:)[^@/?#]*@")


def shown_url(url: str | None) -> str | None:
    """The URL with any password in it replaced by `***`."""
    return _URL_PASSWORD.sub(r"\1***@", url) if url else url


# --- creating ----------------------------------------------------------------------------------


async def create_attachment(
    session: AsyncSession, *, actor: Actor, data: AttachmentCreate, store: BlobStore, limits: Limits
) -> AttachmentCreated:
    """Creates the attachment and its timeline comment. Presigned flow (no `url`): answers an
    upload URL. URL flow: queues the fetch. 404 for a ticket the account does not have; 409 for
    an `id` the ticket already has; 422 for a URL naming an address Podium does not fetch from."""
    account_id = actor.account_id
    if data.url is not None:
        _check_literal_address(data.url, limits.allow)
    pks = await tickets_repository.ticket_pks(
        session, account_id=account_id, ticket_ids=[data.ticket_id]
    )
    ticket_pk = pks.get(data.ticket_id)
    if ticket_pk is None:
        why = f"no ticket {data.ticket_id!r} in this account"
        raise NotFound(f"ticket_id: {why}", [("ticket_id", why)])
    attachment_id = data.id if data.id is not None else ids.new_id()
    if await repository.get_on_ticket(
        session, account_id=account_id, ticket_pk=ticket_pk, attachment_id=attachment_id
    ):
        raise _taken(attachment_id, data.ticket_id)

    now = clock.now()
    pk = ids.new_id()
    key = blob_key(account_id, pk)
    comment_id = ids.new_comment_id(account_id, data.ticket_id)
    public = True if data.public is None else data.public
    timestamp = data.timestamp or now
    await tickets_repository.insert_comments(
        session,
        rows=[
            {
                "id": comment_id,
                "account_id": account_id,
                "ticket_pk": ticket_pk,
                "body": "",
                "author_id": data.author_id,
                "role": None,
                "channel": None,
                "public": public,
                "time": timestamp,
                "kind": "attachment",
                "created_at": now,
            }
        ],
    )
    presigned = data.url is None
    attachment = Attachment(
        id=pk,
        account_id=account_id,
        attachment_id=attachment_id,
        ticket_pk=ticket_pk,
        comment_id=comment_id,
        content_type=data.content_type,
        author_id=data.author_id,
        public=public,
        timestamp=timestamp,
        source="upload" if presigned else "url",
        url=data.url,
        status="awaiting_upload" if presigned else "pending",
        attempts=0,
        blob_key=key,
        upload_expires_at=now + UPLOAD_EXPIRES_IN if presigned else None,
        created_at=now,
        updated_at=now,
    )
    session.add(attachment)
    try:
        # the unique constraint decides between simultaneous creates of one id
        await session.flush()
    except IntegrityError as exc:
        raise _taken(attachment_id, data.ticket_id) from exc

    presigned_url = None
    if presigned:
        presigned_url = store.upload_url(
            key, content_type=data.content_type, max_bytes=limits.max_upload_bytes
        )
    else:
        # the job commits (or rolls back) with the attachment: no attachment without its fetch
        attachment.job_id = await defer(
            session, FETCH_TASK, attachment_pk=pk, account_id=account_id
        )
    how = "for upload" if presigned else f"from {_host(data.url)}"
    audit.record(
        session,
        actor=actor,
        item_type=ATTACHMENTS,
        action_type=audit.ADD,
        description=f'Added attachment "{attachment_id}" ({data.content_type}, {how}) '
        f'to ticket "{data.ticket_id}"',
    )
    return AttachmentCreated(id=attachment_id, presigned_url=presigned_url)


def _host(url: str | None) -> str:
    try:
        return urlsplit(url or "").hostname or "a URL"
    except ValueError:
        return "a URL"


def _check_literal_address(url: str, allow: tuple[Network, ...]) -> None:
    """A URL naming a refused address outright is refused now (names are checked when the file
    is fetched, after they are resolved, and on every redirect)."""
    host = urlsplit(url).hostname or ""
    ip = literal_ip(host)
    if ip is None:
        return
    reason = refusal(ip, allow)
    if reason is not None:
        raise Invalid.param(
            "url",
            f"Podium does not fetch from {reason} (an operator can allow networks with "
            "PODIUM_ATTACHMENT_FETCH_ALLOW_NETWORKS)",
        )


def _taken(attachment_id: str, ticket_id: str) -> Conflict:
    return Conflict(
        f"id {attachment_id!r} is already an attachment of ticket {ticket_id!r}",
        [("id", f"{attachment_id!r} is already an attachment of ticket {ticket_id!r}")],
    )


# --- reading -----------------------------------------------------------------------------------


async def list_attachments(
    session: AsyncSession,
    *,
    account_id: str,
    ticket_id: str,
    page: PageParams,
    store: BlobStore,
    limits: Limits,
) -> Page[AttachmentRead]:
    """A page of the ticket's attachments in timeline order; 404 for an unknown ticket."""
    ticket = await _ticket(session, account_id=account_id, ticket_id=ticket_id)
    total, rows = await repository.page_on_ticket(
        session, account_id=account_id, ticket_pk=ticket.id, page=page
    )
    for row in rows:
        await _refresh_upload(session, row, store, limits)
    return Page[AttachmentRead](
        startIndex=page.start_index,
        totalResults=total,
        itemsPerPage=len(rows),
        Resources=[read(row, ticket.ticket_id, store) for row in rows],
    )


async def get_attachment(
    session: AsyncSession,
    *,
    account_id: str,
    ticket_id: str,
    attachment_id: str,
    store: BlobStore,
    limits: Limits,
) -> AttachmentRead:
    """One attachment of a ticket; 404 for an unknown ticket or attachment."""
    ticket = await _ticket(session, account_id=account_id, ticket_id=ticket_id)
    row = await repository.get_on_ticket(
        session, account_id=account_id, ticket_pk=ticket.id, attachment_id=attachment_id
    )
    if row is None:
        why = f"ticket {ticket_id!r} has no attachment {attachment_id!r}"
        raise NotFound(f"id: {why}", [("id", why)])
    await _refresh_upload(session, row, store, limits)
    return read(row, ticket.ticket_id, store)


async def download_url(
    session: AsyncSession,
    *,
    account_id: str,
    ticket_id: str,
    attachment_id: str,
    store: BlobStore,
    limits: Limits,
) -> str:
    """A signed link to the attachment's file; 404 while it has none (not uploaded or fetched
    yet, or failed)."""
    attachment = await get_attachment(
        session,
        account_id=account_id,
        ticket_id=ticket_id,
        attachment_id=attachment_id,
        store=store,
        limits=limits,
    )
    if attachment.downloadUrl is None:
        why = {
            "awaiting_upload": "no file has been uploaded to its presigned URL yet",
            "pending": "its file has not been fetched yet",
            "failed": f"its file could not be had: {attachment.error}",
        }.get(attachment.status, "it has no file")
        raise NotFound(f"id: attachment {attachment_id!r} has no file: {why}", [("id", why)])
    return attachment.downloadUrl


def read(row: Attachment, ticket_id: str, store: BlobStore) -> AttachmentRead:
    name = file_name(row.attachment_id, row.content_type)
    link = None
    if row.status == "stored":
        link = store.download_url(
            row.blob_key,
            filename=name,
            content_type=row.content_type,
            expires_in=DOWNLOAD_LINK_LIFETIME,
        )
    return AttachmentRead(
        id=row.attachment_id,
        ticketId=ticket_id,
        commentId=row.comment_id,
        contentType=row.content_type,
        authorId=row.author_id,
        public=row.public,
        timestamp=row.timestamp,
        source=row.source,  # type: ignore[arg-type]
        url=shown_url(row.url),
        status=row.status,  # type: ignore[arg-type]
        error=row.error,
        attempts=row.attempts,
        sizeBytes=row.size_bytes,
        fileName=name,
        uploadExpiresAt=row.upload_expires_at,
        createdAt=row.created_at,
        storedAt=row.stored_at,
        downloadUrl=link,
    )


async def _refresh_upload(
    session: AsyncSession, row: Attachment, store: BlobStore, limits: Limits
) -> None:
    """Presigned flow: look at the store for the file. The PUT goes to the store, not through
    Podium's API (on S3 Podium never sees it), so an attachment is known to be stored when it is
    next read. While its URL is valid a new PUT may replace the file, so it is looked at again.
    A presigned S3 PUT cannot bound the size: a file over the limit is deleted here."""
    if row.source != "upload":
        return
    now = clock.now()
    still_open = row.upload_expires_at is not None and now <= row.upload_expires_at
    if row.status != "awaiting_upload" and not still_open:
        return
    size = await store.size(row.blob_key)
    if size is None:
        return
    if size > limits.max_upload_bytes:
        await store.delete(row.blob_key)
        values = {
            "status": "failed",
            "size_bytes": None,
            "error": f"the uploaded file is {size} bytes, over the limit of "
            f"{limits.max_upload_bytes} bytes (PODIUM_ATTACHMENT_MAX_UPLOAD_BYTES)",
            "updated_at": now,
        }
    elif row.status == "stored" and row.size_bytes == size:
        return
    else:
        values = {
            "status": "stored",
            "size_bytes": size,
            "error": None,
            "stored_at": now,
            "updated_at": now,
        }
    await repository.set_values(session, account_id=row.account_id, pk=row.id, values=values)
    for name, value in values.items():
        setattr(row, name, value)


async def _ticket(session: AsyncSession, *, account_id: str, ticket_id: str) -> Ticket:
    ticket = await tickets_repository.get_ticket(
        session, account_id=account_id, ticket_id=ticket_id
    )
    if ticket is None:
        why = f"no ticket {ticket_id!r} in this account"
        raise NotFound(f"ticket_id: {why}", [("ticket_id", why)])
    return ticket


# --- fetching (URL flow, run by the attachments.fetch job) ---------------------------------------


async def start_fetch(
    session: AsyncSession, *, account_id: str, pk: str, attempt: int, job_id: str
) -> Attachment | None:
    """Counts the attempt; None when there is nothing to fetch (the attachment is gone with its
    ticket, or an earlier run already stored it or gave up)."""
    row = await repository.get(session, account_id=account_id, pk=pk, lock=True)
    if row is None or row.source != "url" or row.status != "pending":
        return None
    row.attempts = attempt
    row.job_id = job_id
    row.updated_at = clock.now()
    return row


async def note_attempt_failed(
    session: AsyncSession, *, account_id: str, pk: str, error: str
) -> None:
    """Keeps the reason the last attempt failed, while the attachment waits for the next."""
    await repository.set_values(
        session,
        account_id=account_id,
        pk=pk,
        values={"error": error, "updated_at": clock.now()},
    )


async def finish_fetch(session: AsyncSession, *, account_id: str, pk: str, size: int) -> bool:
    """Marks the attachment stored; False if it is gone (the caller removes the file)."""
    row = await repository.get(session, account_id=account_id, pk=pk, lock=True)
    if row is None:
        return False
    now = clock.now()
    row.status = "stored"
    row.size_bytes = size
    row.error = None
    row.stored_at = now
    row.updated_at = now
    return True


async def fail_fetch(session: AsyncSession, *, account_id: str, pk: str, error: str) -> None:
    """Marks the attachment failed with the reason (idempotent; a stored attachment stays
    stored)."""
    row = await repository.get(session, account_id=account_id, pk=pk, lock=True)
    if row is None or row.status in ("stored", "failed"):
        return
    row.status = "failed"
    row.error = error
    row.updated_at = clock.now()
