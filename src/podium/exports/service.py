"""Exports: asking for one (a row and its job, in the caller's transaction), following it, and
the steps a run takes (`start_run`, `finish_run`, `fail`). The run itself is in
`podium.exports.tasks`; the files' queries in the repository; writing them in `writers`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from podium import clock
from podium.audit import service as audit
from podium.audit.service import Actor
from podium.errors import Invalid, NotFound
from podium.exports import repository
from podium.exports.models import Export, new_export_id
from podium.exports.repository import RAW_FILES, FileQuery, GradeSelection
from podium.exports.schemas import (
    AuditLogExportRequest,
    ExportData,
    ExportRead,
    GroupsExportRequest,
    RawExportRequest,
)
from podium.exports.writers import CSV_CONTENT_TYPE, ZIP_CONTENT_TYPE, QuerySource, Written
from podium.jobs import defer
from podium.pagination import PageParams
from podium.storage import BlobStore
from podium.wire import Page, format_utc

EXPORTS = audit.EXPORTS  # the activity log's item type
TASK = "exports.run"
KIND_TITLES = {"raw": "Raw", "groups": "Agent groups", "audit_log": "Audit log"}
_UNSAFE_FILENAME = re.compile(r"[^\w .()\-]+")


# --- asking for an export ---------------------------------------------------------------------


def _window(start: datetime, end: datetime) -> None:
    if end < start:
        raise Invalid.param(
            "endDate", f"must not be before startDate ({format_utc(start)}); got {format_utc(end)}"
        )


async def _create(
    session: AsyncSession,
    *,
    actor: Actor,
    kind: str,
    name: str | None,
    start: datetime | None,
    end: datetime | None,
    options: dict[str, Any],
    described: str,
) -> Export:
    now = clock.now()
    export_id = new_export_id()
    export = Export(
        id=export_id,
        account_id=actor.account_id,
        kind=kind,
        name=name or f"{KIND_TITLES[kind]} export {export_id}",
        status="requested",
        start_date=start,
        end_date=end,
        options=options,
        requested_by=actor.label,
        attempts=0,
        row_counts={},
        created_at=now,
        updated_at=now,
    )
    session.add(export)
    await session.flush()
    # the job commits (or rolls back) with the export row: no export without its job
    export.job_id = await defer(session, TASK, export_id=export.id, account_id=actor.account_id)
    audit.record(
        session,
        actor=actor,
        item_type=EXPORTS,
        action_type=audit.ADD,
        description=f'Requested {KIND_TITLES[kind].lower()} export "{export.name}" '
        f"({export.id}): {described}",
    )
    return export


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


async def request_raw_export(
    session: AsyncSession, *, actor: Actor, data: RawExportRequest
) -> Export:
    """Asks for a raw export of the grades last updated in [startDate, endDate)."""
    _window(data.startDate, data.endDate)
    options = {
        "singleFileExport": data.singleFileExport,
        "includeCalibrations": data.includeCalibrations or "none",
        "includeGraderQA": bool(data.includeGraderQA),
        "includeDeleted": bool(data.includeDeleted),
    }
    described = (
        f"grades updated from {format_utc(data.startDate)} to {format_utc(data.endDate)}; "
        f"{data.singleFileExport or 'all files'}; calibrations {options['includeCalibrations']}, "
        f"grader QA {_yes_no(options['includeGraderQA'])}, "
        f"deleted {_yes_no(options['includeDeleted'])}"
    )
    return await _create(
        session,
        actor=actor,
        kind="raw",
        name=data.name,
        start=data.startDate,
        end=data.endDate,
        options=options,
        described=described,
    )


async def request_groups_export(
    session: AsyncSession, *, actor: Actor, data: GroupsExportRequest
) -> Export:
    """Asks for an export of the agent groups and their members."""
    options = {"includeUnavailable": bool(data.includeUnavailable)}
    described = f"unavailable agents {_yes_no(options['includeUnavailable'])}"
    return await _create(
        session,
        actor=actor,
        kind="groups",
        name=data.name,
        start=None,
        end=None,
        options=options,
        described=described,
    )


async def request_audit_log_export(
    session: AsyncSession, *, actor: Actor, data: AuditLogExportRequest
) -> Export:
    """Asks for an export of the activity log entries made in [startDate, endDate)."""
    _window(data.startDate, data.endDate)
    described = f"entries from {format_utc(data.startDate)} to {format_utc(data.endDate)}"
    return await _create(
        session,
        actor=actor,
        kind="audit_log",
        name=data.name,
        start=data.startDate,
        end=data.endDate,
        options={},
        described=described,
    )


# --- following it -----------------------------------------------------------------------------


async def get_export(session: AsyncSession, *, account_id: str, export_id: str) -> Export:
    """The account's export; 404 for an unknown id or another account's export."""
    export = await repository.get_export(session, account_id=account_id, export_id=export_id)
    if export is None:
        raise NotFound(f"no export {export_id!r} in this account", [("exportId", "not found")])
    return export


def data_url(export: Export, store: BlobStore) -> str:
    """A download link when the export is complete with a file, else `""`."""
    if export.status != "complete" or not export.blob_key:
        return ""
    return store.download_url(
        export.blob_key,
        filename=export.filename or export.blob_key.rsplit("/", 1)[-1],
        content_type=export.content_type or "application/octet-stream",
    )


def export_data(export: Export, store: BlobStore) -> ExportData:
    return ExportData(status=export.status, dataUrl=data_url(export, store))  # type: ignore[arg-type]


def export_read(export: Export, store: BlobStore) -> ExportRead:
    return ExportRead(
        id=export.id,
        kind=export.kind,  # type: ignore[arg-type]
        name=export.name,
        status=export.status,  # type: ignore[arg-type]
        startDate=export.start_date,
        endDate=export.end_date,
        options=export.options,
        requestedBy=export.requested_by,
        rowCounts=export.row_counts,
        sizeBytes=export.size_bytes,
        fileName=export.filename,
        error=export.error,
        attempts=export.attempts,
        createdAt=export.created_at,
        startedAt=export.started_at,
        completedAt=export.completed_at,
        dataUrl=data_url(export, store),
    )


async def list_exports(
    session: AsyncSession, *, account_id: str, page: PageParams, store: BlobStore
) -> Page[ExportRead]:
    total, rows = await repository.page_exports(session, account_id=account_id, page=page)
    return Page(
        startIndex=page.start_index,
        totalResults=total,
        itemsPerPage=len(rows),
        Resources=[export_read(e, store) for e in rows],
    )


# --- a run ------------------------------------------------------------------------------------


def file_queries(export: Export) -> tuple[list[str], QuerySource]:
    """The export's file names and a function dialect -> its FileQuery objects."""
    options = export.options or {}
    account_id = export.account_id
    if export.kind == "raw":
        assert export.start_date is not None and export.end_date is not None
        selection = GradeSelection(
            account_id=account_id,
            start=export.start_date,
            end=export.end_date,
            calibrations=options.get("includeCalibrations", "none"),
            grader_qa=bool(options.get("includeGraderQA")),
            deleted=bool(options.get("includeDeleted")),
        )
        single = options.get("singleFileExport")
        names = [single] if single else list(RAW_FILES)

        def raw(_dialect: str) -> Sequence[FileQuery]:
            return repository.raw_queries(selection, names)

        return names, raw
    if export.kind == "groups":
        include = bool(options.get("includeUnavailable"))

        def groups(dialect: str) -> Sequence[FileQuery]:
            return [
                repository.agent_groups(
                    account_id=account_id, include_unavailable=include, dialect=dialect
                )
            ]

        return ["agent_groups"], groups
    if export.kind == "audit_log":
        assert export.start_date is not None and export.end_date is not None
        start, end = export.start_date, export.end_date

        def audit_entries(_dialect: str) -> Sequence[FileQuery]:
            return [repository.audit_log(account_id=account_id, start=start, end=end)]

        return ["audit_log"], audit_entries
    raise ValueError(f"unknown export kind {export.kind!r}")


def is_zipped(export: Export) -> bool:
    """Only the raw export without `singleFileExport` is a zip; the others are one CSV."""
    return export.kind == "raw" and not (export.options or {}).get("singleFileExport")


def blob_key(export: Export) -> str:
    """`exports/<accountId>/<exportId>/<file>`: an account's files under one prefix."""
    names, _ = file_queries(export)
    file = "raw_export.zip" if is_zipped(export) else f"{names[0]}.csv"
    return f"exports/{export.account_id}/{export.id}/{file}"


def download_name(export: Export) -> str:
    """The export's name made safe for a file name, with `.zip` or `.csv`."""
    base = _UNSAFE_FILENAME.sub("_", export.name).strip(" ._") or export.id
    return base[:200] + (".zip" if is_zipped(export) else ".csv")


async def start_run(
    session: AsyncSession, *, account_id: str, export_id: str, attempt: int, job_id: str
) -> Export | None:
    """Marks the export `in_progress` for this run; None when there is nothing to run (the
    export is gone, or a previous run already finished it)."""
    export = await repository.get_export(
        session, account_id=account_id, export_id=export_id, lock=True
    )
    if export is None or export.status in ("complete", "errored"):
        return None
    now = clock.now()
    export.status = "in_progress"
    export.attempts = attempt
    export.job_id = job_id
    export.started_at = now
    export.updated_at = now
    # a run starts over: nothing of an earlier attempt is kept
    export.blob_key = export.filename = export.content_type = export.size_bytes = None
    export.row_counts = {}
    export.error = None
    return export


async def finish_run(
    session: AsyncSession,
    *,
    account_id: str,
    export_id: str,
    written: Written,
    key: str | None,
    filename: str,
    zipped: bool,
) -> None:
    """Marks the export `complete`: with its file, or (no rows) without one."""
    now = clock.now()
    await repository.set_status(
        session,
        account_id=account_id,
        export_id=export_id,
        values={
            "status": "complete",
            "blob_key": key,
            "filename": filename if key else None,
            "content_type": (ZIP_CONTENT_TYPE if zipped else CSV_CONTENT_TYPE) if key else None,
            "size_bytes": written.size if key else None,
            "row_counts": written.rows,
            "error": None,
            "completed_at": now,
            "updated_at": now,
        },
    )


async def fail(session: AsyncSession, *, account_id: str, export_id: str, error: str) -> None:
    """Marks the export `errored` with the reason (idempotent; a complete export stays
    complete)."""
    export = await repository.get_export(
        session, account_id=account_id, export_id=export_id, lock=True
    )
    if export is None or export.status == "complete":
        return
    now = clock.now()
    await repository.set_status(
        session,
        account_id=account_id,
        export_id=export_id,
        values={"status": "errored", "error": error, "completed_at": now, "updated_at": now},
    )
