"""Exports: request, wait, download, read.

Edit this file, not its generated twin in `_sync/` (`python -m podium.client._unasync`).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx

from podium.client import tables
from podium.client._async.resources import DEFAULT_PAGE_SIZE, AsyncResource, DateArg, _page_params
from podium.client._async.transport import AsyncTransport
from podium.client._common import EXT, V1, body, parse, seg
from podium.client.errors import APIConnectionError, ExportFailed, ExportTimeout
from podium.client.models import (
    AuditLogExportRequest,
    Export,
    ExportData,
    ExportRequested,
    GroupsExportRequest,
    Page,
    RawExportRequest,
)

WaitProgress = Callable[[ExportData, float], Any]
DownloadProgress = Callable[[int, int | None], Any]

_FILENAME_STAR = re.compile(r"filename\*\s*=\s*[^']*'[^']*'([^;]+)", re.I)
_FILENAME = re.compile(r'filename\s*=\s*"?([^";]+)"?', re.I)


class AsyncExports(AsyncResource):
    """Raw, agent-groups and audit-log exports (`/api/v1`), and Podium's list of exports."""

    async def raw(
        self,
        start: DateArg,
        end: DateArg,
        *,
        name: str | None = None,
        single_file: str | None = None,
        include_calibrations: str | None = None,
        include_grader_qa: bool | None = None,
        include_deleted: bool | None = None,
    ) -> AsyncExportHandle:
        """Request a raw export of the grades last updated from `start` to `end`; the handle
        waits, downloads and reads it. `single_file` (`total_scores`, `section_scores`,
        `individual_answers`, `annotations`, `csat`) asks for that one CSV instead of the zip."""
        fields = {
            "start_date": start,
            "end_date": end,
            "name": name,
            "single_file_export": single_file,
            "include_calibrations": include_calibrations,
            "include_grader_qa": include_grader_qa,
            "include_deleted": include_deleted,
        }
        data = body(RawExportRequest, {k: v for k, v in fields.items() if v is not None})
        return await self._request("/request-raw-export", data, "raw", single_file or "raw")

    async def groups(
        self, *, include_unavailable: bool | None = None, name: str | None = None
    ) -> AsyncExportHandle:
        """Request the agent groups export (one CSV: a row per group and agent)."""
        fields = {"include_unavailable": include_unavailable, "name": name}
        data = body(GroupsExportRequest, {k: v for k, v in fields.items() if v is not None})
        return await self._request("/request-groups-export", data, "groups", "agent_groups")

    async def audit_log(
        self, start: DateArg, end: DateArg, *, name: str | None = None
    ) -> AsyncExportHandle:
        """Request the audit (activity) log export of the entries made from `start` to `end`."""
        fields = {"start_date": start, "end_date": end, "name": name}
        data = body(AuditLogExportRequest, {k: v for k, v in fields.items() if v is not None})
        return await self._request("/request-audit-log-export", data, "audit_log", "audit_log")

    async def _request(self, path: str, data: Any, kind: str, table: str) -> AsyncExportHandle:
        # a repeated export request leaves at most an unused export: safe to retry
        response = await self._t.request("POST", V1 + path, json=data, idempotent=True)
        requested = parse(ExportRequested, response)
        return AsyncExportHandle(self._t, requested.export_id, kind=kind, table_name=table)

    def handle(self, export_id: str) -> AsyncExportHandle:
        """A handle on an export requested earlier (by this program or another)."""
        return AsyncExportHandle(self._t, export_id)

    async def status(self, export_id: str) -> ExportData:
        """One poll of an export's status."""
        return await self.handle(export_id).status()

    async def get(self, export_id: str) -> Export:
        """An export's details: kind, parameters, row counts, size, error (extension API)."""
        return parse(Export, await self._t.request("GET", f"{EXT}/exports/{seg(export_id)}"))

    async def list(
        self, *, count: int | None = None, start_index: int | None = None
    ) -> Page[Export]:
        return await self._page(Export, EXT + "/exports", _page_params(count, start_index))

    async def iter(
        self, *, page_size: int = DEFAULT_PAGE_SIZE, limit: int | None = None
    ) -> AsyncIterator[Export]:
        async for item in self._iter(Export, EXT + "/exports", {}, page_size, limit):
            yield item


class AsyncExportHandle:
    """An export being made: `wait()`, then `download()` or read it (`tables()`,
    `to_pandas()`, `to_polars()`). `last` is the last status seen, `path` where `download()`
    saved the file."""

    def __init__(
        self,
        transport: AsyncTransport,
        export_id: str,
        *,
        kind: str | None = None,
        table_name: str | None = None,
    ):
        self._t = transport
        self.id = export_id
        self.kind = kind
        self.table_name = table_name
        self.last: ExportData | None = None
        self.path: Path | None = None
        self._content: bytes | None = None
        self._fetched = False

    def __repr__(self) -> str:
        status = self.last.status if self.last else "unknown"
        return f"<ExportHandle {self.id} kind={self.kind} status={status}>"

    async def status(self) -> ExportData:
        """Poll once. The id goes in a JSON body, as the reference documents, and in the query,
        for servers and proxies that drop bodies of GET requests."""
        response = await self._t.request(
            "GET", V1 + "/get-export-data", params={"exportId": self.id}, json={"exportId": self.id}
        )
        data = parse(ExportData, response)
        self.last = data
        return data

    async def wait(
        self,
        *,
        progress: WaitProgress | None = None,
        poll_interval: float = 2.0,
        max_poll_interval: float = 10.0,
        timeout: float | None = None,  # noqa: ASYNC109 - a deadline for the whole wait
    ) -> ExportData:
        """Poll until `complete` (returned) or `errored` (`ExportFailed`). Polls start
        `poll_interval` apart and space out to `max_poll_interval`; `progress(status,
        elapsed_seconds)` is called after each poll. `timeout` (seconds) raises `ExportTimeout`;
        the export itself goes on."""
        clock = self._t.clock
        started = clock.monotonic()
        interval = poll_interval
        while True:
            data = await self.status()
            elapsed = clock.monotonic() - started
            if progress is not None:
                progress(data, elapsed)
            if data.status == "complete":
                return data
            if data.status == "errored":
                raise ExportFailed(self.id)
            if timeout is not None and elapsed + interval > timeout:
                raise ExportTimeout(self.id, data.status, elapsed)
            await clock.asleep(interval)
            interval = min(max_poll_interval, interval * 1.5)

    async def download(
        self,
        path: str | Path | None = None,
        *,
        progress: DownloadProgress | None = None,
        wait_progress: WaitProgress | None = None,
        timeout: float | None = None,  # noqa: ASYNC109 - a deadline for the whole wait
    ) -> Path | None:
        """Wait for the export, then save its file (a zip, or a CSV) and return where: into
        `path` when it is a folder (under the name the server gives), at `path` otherwise, in
        the current folder when left out. None when the export is complete with nothing to
        download. `progress(bytes_done, bytes_total_or_None)` follows the transfer. The file is
        written beside the target and renamed into place, so it is whole or absent."""
        attempts = self._t.retry.max_attempts
        for attempt in range(1, attempts + 1):
            data = await self.wait(progress=wait_progress, timeout=timeout)  # a fresh link
            if not data.data_url:
                return None
            try:
                self.path = await self._save(data.data_url, path, progress)
                return self.path
            except httpx.TransportError as exc:  # the connection dropped mid-file
                if attempt == attempts:
                    raise APIConnectionError(
                        f"downloading export {self.id} failed: {type(exc).__name__}: {exc}",
                        request_sent=True,
                        method="GET",
                        url=urlsplit(data.data_url)._replace(query="").geturl(),
                    ) from exc
                await self._t.clock.asleep(self._t.retry.backoff(attempt, self._t.rng))
        raise AssertionError("unreachable")

    async def _save(
        self, url: str, path: str | Path | None, progress: DownloadProgress | None
    ) -> Path:
        response = await self._t.external("GET", url, stream=True)
        try:
            target = _target(path, _file_name(response, self.id, self.table_name))
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            partial = target.with_name(target.name + ".part")
            done = 0
            if progress is not None:
                progress(0, total)
            with open(partial, "wb") as handle:  # noqa: ASYNC230 - chunk writes between reads
                async for chunk in response.aiter_bytes():
                    handle.write(chunk)
                    done += len(chunk)
                    if progress is not None:
                        progress(done, total)
            partial.replace(target)
            return target
        finally:
            await response.aclose()

    async def content(
        self,
        *,
        timeout: float | None = None,  # noqa: ASYNC109 - a deadline for the wait
    ) -> bytes | None:
        """The export's file in memory (None when there is nothing to download)."""
        if self.path is not None and self.path.exists():
            return self.path.read_bytes()
        if not self._fetched:
            data = await self.wait(timeout=timeout)
            if data.data_url:
                response = await self._t.external("GET", data.data_url)
                self._content = response.content
            self._fetched = True
        return self._content

    async def _source(self) -> tables.Source | None:
        if self.path is not None and self.path.exists():
            return self.path
        return await self.content()

    def _single_name(self) -> str:
        if self.table_name:
            return self.table_name
        if self.path is not None:
            return self.path.stem
        return self.id

    async def tables(self) -> dict[str, list[dict[str, str]]]:
        """Every CSV of the export as rows (dicts keyed by the header, values as text), keyed
        by table name (`total_scores`, ..., `agent_groups`, `audit_log`); {} when empty."""
        source = await self._source()
        return {} if source is None else tables.read_tables(source, self._single_name())

    async def to_pandas(self) -> dict[str, Any]:
        """Every CSV as a pandas DataFrame, keyed like `tables()` (needs pandas)."""
        source = await self._source()
        return {} if source is None else tables.to_pandas(source, self._single_name())

    async def to_polars(self) -> dict[str, Any]:
        """Every CSV as a polars DataFrame, keyed like `tables()` (needs polars)."""
        source = await self._source()
        return {} if source is None else tables.to_polars(source, self._single_name())


def _file_name(response: httpx.Response, export_id: str, table_name: str | None) -> str:
    """The server's file name (Content-Disposition, else the link's last segment), reduced to
    a bare name: nothing the server sends can point outside the chosen folder."""
    disposition = response.headers.get("Content-Disposition", "")
    found = _FILENAME_STAR.search(disposition)
    name = unquote(found.group(1)) if found else None
    if not name:
        plain = _FILENAME.search(disposition)
        name = plain.group(1) if plain else None
    if not name:
        name = unquote(urlsplit(str(response.request.url)).path.rsplit("/", 1)[-1])
    name = name.replace("\\", "/").rsplit("/", 1)[-1].strip().lstrip(".")
    if not name:
        is_zip = "zip" in response.headers.get("Content-Type", "")
        name = f"{table_name or export_id}.{'zip' if is_zip else 'csv'}"
    return name


def _target(path: str | Path | None, name: str) -> Path:
    if path is None:
        return Path.cwd() / name
    target = Path(path)
    if target.is_dir() or str(path).endswith(("/", "\\")):
        target.mkdir(parents=True, exist_ok=True)
        return target / name
    target.parent.mkdir(parents=True, exist_ok=True)
    return target
