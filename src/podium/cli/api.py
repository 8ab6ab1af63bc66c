"""`podium api`: the MaestroQA API (or Podium) from the command line, through `podium.client`.

Works against any base URL: `--base-url` (or PODIUM_BASE_URL / MAESTROQA_BASE_URL, default
https://app.maestroqa.com) and `--token` (or PODIUM_API_TOKEN / MAESTROQA_API_TOKEN). Imports
nothing of the server: it runs on an install without the `server` extra.

Exit status (every subcommand):
  0  done (an import: every row created, updated or skipped as a conflict)
  1  the service refused the request (invalid parameters, not found...), or the export errored
  2  wrong usage: bad option or file, no token
  3  the token was refused (401) or lacks the right (403)
  4  the service could not be reached or kept failing (connection, timeout, 5xx, 429 after the
     retries), or an export did not finish within --wait-timeout
  5  an import finished, but some rows failed: they are in the report file
"""

from __future__ import annotations

import csv
import json
import shutil
import sys
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from podium.client import (
    APIConnectionError,
    APIError,
    AuthenticationError,
    Client,
    ConflictError,
    ExportHandle,
    ExportTimeout,
    MissingTokenError,
    PermissionDeniedError,
    PodiumClientError,
    RateLimitError,
    ServerError,
    ValidationError,
)
from podium.client.models import ApiModel, ExportData, to_utc

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_USAGE = 2
EXIT_AUTH = 3
EXIT_UNAVAILABLE = 4
EXIT_PARTIAL = 5

out_console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)

app = typer.Typer(
    no_args_is_help=True,
    rich_markup_mode="markdown",
)
export_app = typer.Typer(
    help="Request exports, wait for them and download them.", no_args_is_help=True
)
tickets_app = typer.Typer(
    help="Import tickets from a file.", no_args_is_help=True, rich_markup_mode="markdown"
)
comments_app = typer.Typer(
    help="Import ticket comments from a file.", no_args_is_help=True, rich_markup_mode="markdown"
)
agents_app = typer.Typer(
    help="Import and list agents.", no_args_is_help=True, rich_markup_mode="markdown"
)
sessions_app = typer.Typer(
    help="List and read coaching sessions.", no_args_is_help=True, rich_markup_mode="markdown"
)
points_app = typer.Typer(
    help="List and read coaching points.", no_args_is_help=True, rich_markup_mode="markdown"
)
todos_app = typer.Typer(
    help="List and read to-dos.", no_args_is_help=True, rich_markup_mode="markdown"
)
activity_app = typer.Typer(
    help="List the activity log (Podium only).", no_args_is_help=True, rich_markup_mode="markdown"
)
users_app = typer.Typer(
    help="List users (Podium only).", no_args_is_help=True, rich_markup_mode="markdown"
)
app.add_typer(export_app, name="export")
app.add_typer(tickets_app, name="tickets")
app.add_typer(comments_app, name="comments")
app.add_typer(agents_app, name="agents")
app.add_typer(sessions_app, name="coaching-sessions")
app.add_typer(points_app, name="coaching-points")
app.add_typer(todos_app, name="todos")
app.add_typer(activity_app, name="activity-log")
app.add_typer(users_app, name="users")


@app.callback()
def api_main() -> None:
    """Call the MaestroQA API, or Podium's, through the Python client.

    Every command takes --base-url and --token (or their environment variables), stays under
    the service's rate limits and retries what is safe to retry.

    Exit status: 0 done; 1 refused by the service, or export errored; 2 wrong usage or no
    token; 3 token refused; 4 service unreachable or failing, or export not finished in time;
    5 import finished with failed rows (see the report file).
    """


# --- options every command takes ----------------------------------------------------------

TokenOpt = Annotated[
    str | None,
    typer.Option(
        "--token",
        envvar=["PODIUM_API_TOKEN", "MAESTROQA_API_TOKEN"],
        show_default=False,
        help="API token (default: from the environment).",
    ),
]
BaseUrlOpt = Annotated[
    str | None,
    typer.Option(
        "--base-url",
        envvar=["PODIUM_BASE_URL", "MAESTROQA_BASE_URL"],
        show_default=False,
        help="Service address (default: https://app.maestroqa.com).",
    ),
]
TimeoutOpt = Annotated[
    float, typer.Option("--timeout", min=1, help="Seconds to wait for each answer.")
]
RetriesOpt = Annotated[
    int, typer.Option("--retries", min=0, max=10, help="Retries of a failed request.")
]


def make_client(token: str | None, base_url: str | None, timeout: float, retries: int) -> Client:
    return Client(base_url=base_url, token=token, timeout=timeout, max_retries=retries)


def _fail(message: str, code: int) -> typer.Exit:
    err_console.print(f"[red]error:[/red] {escape(message)}", highlight=False)
    return typer.Exit(code)


def exit_code(exc: BaseException) -> int:
    """The exit status an error of the client stands for."""
    if isinstance(exc, MissingTokenError):
        return EXIT_USAGE
    if isinstance(exc, ValidationError) and exc.status is None:
        return EXIT_USAGE  # refused by the client's own check: the options were wrong
    if isinstance(exc, AuthenticationError | PermissionDeniedError):
        return EXIT_AUTH
    if isinstance(exc, APIConnectionError | ServerError | RateLimitError | ExportTimeout):
        return EXIT_UNAVAILABLE
    return EXIT_REFUSED


def describe(exc: BaseException) -> str:
    if isinstance(exc, APIError) and exc.errors and exc.status is not None:
        params = "; ".join(str(e) for e in exc.errors)
        return f"{exc.status} {exc.message}" + ("" if params in exc.message else f" ({params})")
    return str(exc)


@contextmanager
def client_errors() -> Iterator[None]:
    """Errors of the client -> one line on stderr and the documented exit status."""
    try:
        yield
    except (PodiumClientError, ValueError) as exc:
        code = exit_code(exc) if isinstance(exc, PodiumClientError) else EXIT_USAGE
        raise _fail(describe(exc), code) from exc


def parse_date(value: str, option: str) -> str:
    """An option's date, checked here so a typo is a usage error, not a request."""
    try:
        to_utc(value)
    except ValueError as exc:
        raise _fail(f"{option}: {exc}", EXIT_USAGE) from None
    return value


# --- exports --------------------------------------------------------------------------------


class SingleFile(StrEnum):
    total_scores = "total_scores"
    section_scores = "section_scores"
    individual_answers = "individual_answers"
    annotations = "annotations"
    csat = "csat"


class Calibrations(StrEnum):
    none = "none"
    all = "all"
    only = "only"


OutOpt = Annotated[
    Path,
    typer.Option("--out", file_okay=False, help="Folder to save the file in (created if needed)."),
]
ExtractOpt = Annotated[
    bool, typer.Option("--extract", help="Unzip a zip export into the folder, then delete it.")
]
WaitTimeoutOpt = Annotated[
    float | None,
    typer.Option("--wait-timeout", min=1, help="Give up waiting after this many seconds (exit 4)."),
]
PollOpt = Annotated[
    float, typer.Option("--poll-interval", min=0.5, help="Seconds between the first polls.")
]
StartOpt = Annotated[
    str, typer.Option("--start", help="From this date, included (ISO 8601, e.g. 2024-01-01).")
]
EndOpt = Annotated[str, typer.Option("--end", help="To this date, excluded (ISO 8601).")]
NameOpt = Annotated[str | None, typer.Option("--name", help="Name of the export.")]


@export_app.command("raw")
def export_raw(
    start: StartOpt,
    end: EndOpt,
    single_file: Annotated[
        SingleFile | None,
        typer.Option("--single-file", help="Export only this CSV instead of the zip of five."),
    ] = None,
    include_calibrations: Annotated[
        Calibrations | None,
        typer.Option("--include-calibrations", help="Calibration grades: none, all or only."),
    ] = None,
    include_grader_qa: Annotated[
        bool, typer.Option("--include-grader-qa", help="Include grader QA benchmark grades.")
    ] = False,
    include_deleted: Annotated[
        bool, typer.Option("--include-deleted", help="Include deleted answers.")
    ] = False,
    name: NameOpt = None,
    out: OutOpt = Path("."),
    extract: ExtractOpt = False,
    poll_interval: PollOpt = 2.0,
    wait_timeout: WaitTimeoutOpt = None,
    token: TokenOpt = None,
    base_url: BaseUrlOpt = None,
    timeout: TimeoutOpt = 30.0,
    retries: RetriesOpt = 4,
) -> None:
    """Request a raw grading export, wait for it and download it.

    Prints the path of the file saved (or of each CSV with --extract) on stdout; nothing when
    the export holds no data.
    """
    parse_date(start, "--start")
    parse_date(end, "--end")
    with client_errors(), make_client(token, base_url, timeout, retries) as client:
        handle = client.exports.raw(
            start,
            end,
            name=name,
            single_file=single_file.value if single_file else None,
            include_calibrations=include_calibrations.value if include_calibrations else None,
            include_grader_qa=include_grader_qa or None,
            include_deleted=include_deleted or None,
        )
        _finish(handle, out, extract, poll_interval, wait_timeout)


@export_app.command("groups")
def export_groups(
    include_unavailable: Annotated[
        bool, typer.Option("--include-unavailable", help="Include agents marked unavailable.")
    ] = False,
    name: NameOpt = None,
    out: OutOpt = Path("."),
    poll_interval: PollOpt = 2.0,
    wait_timeout: WaitTimeoutOpt = None,
    token: TokenOpt = None,
    base_url: BaseUrlOpt = None,
    timeout: TimeoutOpt = 30.0,
    retries: RetriesOpt = 4,
) -> None:
    """Request the agent groups export, wait for it and download its CSV."""
    with client_errors(), make_client(token, base_url, timeout, retries) as client:
        handle = client.exports.groups(include_unavailable=include_unavailable or None, name=name)
        _finish(handle, out, False, poll_interval, wait_timeout)


@export_app.command("audit-log")
def export_audit_log(
    start: StartOpt,
    end: EndOpt,
    name: NameOpt = None,
    out: OutOpt = Path("."),
    poll_interval: PollOpt = 2.0,
    wait_timeout: WaitTimeoutOpt = None,
    token: TokenOpt = None,
    base_url: BaseUrlOpt = None,
    timeout: TimeoutOpt = 30.0,
    retries: RetriesOpt = 4,
) -> None:
    """Request the audit log export, wait for it and download its CSV."""
    parse_date(start, "--start")
    parse_date(end, "--end")
    with client_errors(), make_client(token, base_url, timeout, retries) as client:
        handle = client.exports.audit_log(start, end, name=name)
        _finish(handle, out, False, poll_interval, wait_timeout)


@export_app.command("download")
def export_download(
    export_id: Annotated[str, typer.Argument(metavar="EXPORT_ID", help="The export's id.")],
    out: OutOpt = Path("."),
    extract: ExtractOpt = False,
    poll_interval: PollOpt = 2.0,
    wait_timeout: WaitTimeoutOpt = None,
    token: TokenOpt = None,
    base_url: BaseUrlOpt = None,
    timeout: TimeoutOpt = 30.0,
    retries: RetriesOpt = 4,
) -> None:
    """Wait for an export requested earlier and download it."""
    with client_errors(), make_client(token, base_url, timeout, retries) as client:
        _finish(client.exports.handle(export_id), out, extract, poll_interval, wait_timeout)


@export_app.command("status")
def export_status(
    export_id: Annotated[str, typer.Argument(metavar="EXPORT_ID", help="The export's id.")],
    token: TokenOpt = None,
    base_url: BaseUrlOpt = None,
    timeout: TimeoutOpt = 30.0,
    retries: RetriesOpt = 4,
) -> None:
    """Print an export's status and download link as JSON."""
    with client_errors(), make_client(token, base_url, timeout, retries) as client:
        data = client.exports.status(export_id)
        typer.echo(json.dumps({"exportId": export_id, **data.to_dict()}))


def _finish(
    handle: ExportHandle,
    out: Path,
    extract: bool,
    poll_interval: float,
    wait_timeout: float | None,
) -> None:
    err_console.print(f"export {handle.id} requested", highlight=False)
    out.mkdir(parents=True, exist_ok=True)
    live = err_console.is_terminal
    last_status: list[str] = []

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeElapsedColumn(),
        console=err_console,
        disable=not live,
    ) as progress:
        waiting = progress.add_task(f"export {handle.id}: requested", total=None)

        def on_poll(data: ExportData, elapsed: float) -> None:
            progress.update(waiting, description=f"export {handle.id}: {data.status}")
            if not live and (not last_status or last_status[-1] != data.status):
                err_console.print(f"export {handle.id}: {data.status} ({elapsed:.0f} s)")
            last_status.append(data.status)

        downloading: list[Any] = []

        def on_bytes(done: int, total: int | None) -> None:
            if not downloading:
                progress.update(waiting, visible=False)
                downloading.append(progress.add_task("downloading", total=total))
            progress.update(downloading[0], completed=done, total=total)

        handle.wait(progress=on_poll, poll_interval=poll_interval, timeout=wait_timeout)
        path = handle.download(out, progress=on_bytes, timeout=wait_timeout)
    if path is None:
        err_console.print(f"export {handle.id} is complete: nothing to download (no data)")
        return
    size = path.stat().st_size
    err_console.print(f"saved {escape(str(path))} ({size} bytes)", highlight=False)
    if extract and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if not n.endswith("/")]
            for name in names:
                target = (out / Path(name).name).resolve()
                # streamed: one CSV of a large export is hundreds of megabytes
                with archive.open(name) as source, target.open("wb") as sink:
                    shutil.copyfileobj(source, sink, 1024 * 1024)
                typer.echo(str(target))
        path.unlink()
        return
    typer.echo(str(path))


# --- imports: reading files, mapping columns, reporting failures ----------------------------


@dataclass
class Row:
    """One record of the input: its number (line of a JSONL file, data row of a CSV), what it
    held, and why it could not be read (a JSONL line that is not a JSON object)."""

    number: int
    data: dict[str, Any]
    unreadable: str | None = None
    text: str | None = None


@dataclass
class InputFile:
    path: Path
    kind: str  # csv | jsonl
    rows: list[Row]
    columns: list[str]


FormatOpt = Annotated[
    str | None,
    typer.Option("--format", help="csv or jsonl (default: from the file's extension)."),
]


def read_input(path: Path, kind: str | None) -> InputFile:
    kind = (kind or _kind_of(path)).lower()
    if kind not in ("csv", "jsonl"):
        raise _fail(f"{path}: give a .csv or .jsonl file (or --format csv|jsonl)", EXIT_USAGE)
    try:
        if kind == "csv":
            with path.open(newline="", encoding="utf-8-sig") as handle:
                reader = csv.DictReader(handle)
                rows = [Row(n, dict(r)) for n, r in enumerate(reader, start=1)]
                return InputFile(path, kind, rows, list(reader.fieldnames or []))
        rows = []
        columns: dict[str, None] = {}
        with path.open(encoding="utf-8-sig") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    data = json.loads(line)
                except ValueError as exc:
                    rows.append(Row(number, {}, f"not JSON: {exc}", line.rstrip("\n")))
                    continue
                if not isinstance(data, dict):
                    rows.append(Row(number, {}, "not a JSON object", line.rstrip("\n")))
                    continue
                columns.update(dict.fromkeys(data))
                rows.append(Row(number, data))
        return InputFile(path, kind, rows, list(columns))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise _fail(f"cannot read {path}: {exc}", EXIT_USAGE) from None


def _kind_of(path: Path) -> str:
    suffix = path.suffix.lower()
    return {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}.get(suffix, suffix.lstrip("."))


TEXT, LIST, NUMBER, BOOL, DICT = "text", "list", "number", "bool", "dict"


@dataclass
class Fields:
    """The fields an import sends: wire name -> kind, plus the other column names each may
    come from (`agentId` for `agent_id`)."""

    kinds: dict[str, str]
    aliases: dict[str, list[str]] = field(default_factory=dict)
    attributes: bool = False


TICKET_FIELDS = Fields(
    {
        "ticket_id": TEXT,
        "type": TEXT,
        "subject": TEXT,
        "agents": LIST,
        "link": TEXT,
        "body": TEXT,
        "tags": TEXT,
        "status": TEXT,
        "csat_score": NUMBER,
        "first_seen": TEXT,
        "last_seen": TEXT,
    },
    aliases={"ticket_id": ["ticketId", "id"], "csat_score": ["csatScore", "csat"]},
    attributes=True,
)
COMMENT_FIELDS = Fields(
    {
        "ticket_id": TEXT,
        "body": TEXT,
        "author_id": TEXT,
        "role": TEXT,
        "channel": TEXT,
        "public": BOOL,
        "time": TEXT,
    },
    aliases={"ticket_id": ["ticketId"], "author_id": ["authorId"]},
)
AGENT_FIELDS = Fields(
    {
        "name": TEXT,
        "email": TEXT,
        "available": BOOL,
        "agentId": TEXT,
        "agentGroupId": TEXT,
    },
    aliases={"agentId": ["agent_id"], "agentGroupId": ["agent_group_id"]},
)

MapOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--map",
        metavar="FIELD=COLUMN",
        help="Take FIELD from COLUMN (repeat for each field). A column named like a field is "
        "taken without this.",
    ),
]
SetOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        metavar="FIELD=VALUE",
        help="Use VALUE for FIELD where the row has none (repeat for each field).",
    ),
]
ReportOpt = Annotated[
    Path | None,
    typer.Option(
        "--report",
        dir_okay=False,
        help="Where to write the rows that failed (default: FILE.failed.csv or .jsonl here).",
    ),
]
JsonOpt = Annotated[
    bool, typer.Option("--json", help="Print the summary as one JSON object on stdout.")
]


def _pairs(values: list[str] | None, option: str) -> list[tuple[str, str]]:
    pairs = []
    for value in values or []:
        key, sep, rest = value.partition("=")
        if not sep or not key.strip():
            raise _fail(f"{option} {value!r}: expected NAME=VALUE", EXIT_USAGE)
        pairs.append((key.strip(), rest))
    return pairs


class Mapper:
    """Turns an input row into a request body."""

    def __init__(
        self,
        spec: Fields,
        source: InputFile,
        maps: list[str] | None,
        sets: list[str] | None,
        attributes: list[str] | None = None,
        list_separator: str = ",",
    ):
        self.spec = spec
        self.separator = list_separator
        self.columns: dict[str, str] = {}
        present = set(source.columns)
        for name in spec.kinds:
            for candidate in [name, *spec.aliases.get(name, [])]:
                if candidate in present:
                    self.columns[name] = candidate
                    break
        for name, column in _pairs(maps, "--map"):
            self._check_field(name, "--map")
            if source.kind == "csv" and column not in present:
                raise _fail(
                    f"--map {name}={column}: {source.path.name} has no column {column!r}",
                    EXIT_USAGE,
                )
            self.columns[name] = column
        self.defaults: dict[str, Any] = {}
        for name, value in _pairs(sets, "--set"):
            self._check_field(name, "--set")
            try:
                self.defaults[name] = self._convert(name, value)
            except ValueError as exc:
                raise _fail(f"--set {name}: {exc}", EXIT_USAGE) from None
        self.attribute_columns: dict[str, str] = {}
        if spec.attributes:
            for column in source.columns:
                if column.startswith("attributes."):
                    self.attribute_columns[column.removeprefix("attributes.")] = column
            for key, column in _pairs(attributes, "--attribute"):
                if source.kind == "csv" and column not in present:
                    raise _fail(
                        f"--attribute {key}={column}: {source.path.name} has no column {column!r}",
                        EXIT_USAGE,
                    )
                self.attribute_columns[key] = column
        used = set(self.columns.values()) | set(self.attribute_columns.values())
        if spec.attributes:
            used.add("attributes")
        self.ignored = [c for c in source.columns if c not in used and not c.startswith("_")]

    def _check_field(self, name: str, option: str) -> None:
        if name not in self.spec.kinds:
            known = ", ".join(self.spec.kinds)
            raise _fail(f"{option} {name}: unknown field (fields: {known})", EXIT_USAGE)

    def _convert(self, name: str, value: Any) -> Any:
        kind = self.spec.kinds[name]
        if not isinstance(value, str):
            return value  # JSON gave it typed already
        text = value.strip()
        if kind == LIST:
            return [part.strip() for part in text.split(self.separator) if part.strip()]
        if kind == NUMBER:
            try:
                number = float(text)
            except ValueError:
                raise ValueError(f"{text!r} is not a number") from None
            return int(number) if number.is_integer() else number
        if kind == BOOL:
            lowered = text.lower()
            if lowered in ("true", "yes", "1", "y", "t"):
                return True
            if lowered in ("false", "no", "0", "n", "f"):
                return False
            raise ValueError(f"{text!r} is not true or false")
        return value

    def body(self, row: Row) -> dict[str, Any]:
        """The request body of a row; ValueError naming the field when a value is unusable."""
        out: dict[str, Any] = {}
        for name, column in self.columns.items():
            value = row.data.get(column)
            if value is None or (isinstance(value, str) and value.strip() == ""):
                continue
            try:
                out[name] = self._convert(name, value)
            except ValueError as exc:
                raise ValueError(f"{name} (column {column}): {exc}") from None
        for name, value in self.defaults.items():
            out.setdefault(name, value)
        if self.spec.attributes:
            attributes: dict[str, Any] = {}
            given = row.data.get("attributes")
            if isinstance(given, dict):
                attributes.update(given)
            for key, column in self.attribute_columns.items():
                value = row.data.get(column)
                if value is not None and value != "":
                    attributes[key] = value
            if attributes:
                out["attributes"] = attributes
        return out


@dataclass
class Failure:
    row: Row
    status: str
    message: str


class Report:
    """The rows not imported, written in the input's own format with `_row`, `_status` and
    `_error` added, so the file can be fixed and imported again."""

    def __init__(self, source: InputFile, path: Path | None):
        self.source = source
        self.path = path or Path.cwd() / f"{source.path.stem}.failed.{source.kind}"
        self.failures: list[Failure] = []

    def add(self, row: Row, error: BaseException | str, *, not_attempted: bool = False) -> None:
        if isinstance(error, str):
            status, message = "", error
        elif isinstance(error, APIError) and error.status is not None:
            status, message = str(error.status), describe(error)
        elif isinstance(error, ValidationError):
            status, message = "invalid", describe(error)
        else:
            status, message = type(error).__name__, str(error)
        if not_attempted:
            status, message = "not attempted", f"not attempted: {message}"
        self.failures.append(Failure(row, status, message))

    def write(self) -> Path | None:
        if not self.failures:
            return None
        failures = sorted(self.failures, key=lambda f: f.row.number)
        if self.source.kind == "csv":
            columns = [*self.source.columns, "_row", "_status", "_error"]
            with self.path.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
                writer.writeheader()
                for f in failures:
                    writer.writerow(
                        {
                            **f.row.data,
                            "_row": f.row.number,
                            "_status": f.status,
                            "_error": f.message,
                        }
                    )
        else:
            with self.path.open("w", encoding="utf-8") as handle:
                for f in failures:
                    record = dict(f.row.data) if f.row.unreadable is None else {"_line": f.row.text}
                    record.update({"_row": f.row.number, "_status": f.status, "_error": f.message})
                    handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        return self.path


@dataclass
class Tally:
    rows: int = 0
    created: int = 0
    updated: int = 0
    conflicts: int = 0
    conflict_ids: list[str] = field(default_factory=list)
    aborted: str | None = None
    abort_code: int = 0


def _progress(total: int, what: str) -> Progress:
    return Progress(
        TextColumn(what),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        disable=not err_console.is_terminal,
    )


def _summarize(tally: Tally, report: Report, as_json: bool, what: str) -> None:
    path = report.write()
    failed = sum(1 for f in report.failures if f.status != "not attempted")
    skipped = len(report.failures) - failed
    summary = {
        "rows": tally.rows,
        "created": tally.created,
        "updated": tally.updated,
        "conflicts": tally.conflicts,
        "failed": failed,
        "notAttempted": skipped,
        "report": str(path) if path else None,
        "aborted": tally.aborted,
    }
    table = Table(title=f"{what} import", show_header=False)
    for key, label in (
        ("rows", "rows read"),
        ("created", "created"),
        ("updated", "updated"),
        ("conflicts", "conflicts (skipped)"),
        ("failed", "failed"),
        ("notAttempted", "not attempted"),
    ):
        if key in ("rows", "created", "failed") or summary[key]:
            table.add_row(label, str(summary[key]))
    err_console.print(table)
    if tally.conflict_ids:
        shown = ", ".join(tally.conflict_ids[:10]) + (
            " ..." if len(tally.conflict_ids) > 10 else ""
        )
        err_console.print(f"already there (skipped): {escape(shown)}", highlight=False)
    if path:
        err_console.print(f"rows not imported: {escape(str(path))}", highlight=False)
    if tally.aborted:
        err_console.print(f"[red]stopped:[/red] {escape(tally.aborted)}", highlight=False)
    if as_json:
        typer.echo(json.dumps(summary))
    if tally.aborted:
        raise typer.Exit(tally.abort_code)
    if report.failures:
        raise typer.Exit(EXIT_PARTIAL)


def _one_by_one(
    source: InputFile,
    mapper: Mapper,
    report: Report,
    tally: Tally,
    what: str,
    send: Callable[[dict[str, Any]], str],
) -> None:
    """Send each row with `send` (returns 'created', 'updated' or 'conflict:<id>'); stop at a
    refused token or an unreachable service, listing the rows left as not attempted."""
    tally.rows = len(source.rows)
    if mapper.ignored:
        err_console.print(
            f"ignored columns: {escape(', '.join(mapper.ignored))} (use --map FIELD=COLUMN)",
            highlight=False,
        )
    with _progress(len(source.rows), what) as progress:
        task = progress.add_task(what, total=len(source.rows))
        for position, row in enumerate(source.rows):
            progress.advance(task)
            if row.unreadable:
                report.add(row, row.unreadable)
                continue
            try:
                outcome = send(mapper.body(row))
            except ValueError as exc:  # a value the mapping could not convert
                report.add(row, str(exc))
                continue
            except (AuthenticationError, APIConnectionError) as exc:
                report.add(row, exc)
                for later in source.rows[position + 1 :]:
                    report.add(later, describe(exc), not_attempted=True)
                tally.aborted = describe(exc)
                tally.abort_code = exit_code(exc)
                return
            except PodiumClientError as exc:
                report.add(row, exc)
                continue
            if outcome == "created":
                tally.created += 1
            elif outcome == "updated":
                tally.updated += 1
            else:
                tally.conflicts += 1
                tally.conflict_ids.append(outcome.partition(":")[2])


class OnConflict(StrEnum):
    skip = "skip"
    update = "update"
    fail = "fail"


OnConflictOpt = Annotated[
    OnConflict,
    typer.Option(
        "--on-conflict",
        help="When the id is in use: skip the row (counted), update the existing one, or fail "
        "the row (reported).",
    ),
]
FileArg = Annotated[
    Path,
    typer.Argument(
        metavar="FILE",
        exists=True,
        dir_okay=False,
        readable=True,
        help="A .csv file with a header row, or a .jsonl file of one JSON object per line.",
    ),
]


@tickets_app.command("import")
def tickets_import(
    file: FileArg,
    map_: MapOpt = None,
    set_: SetOpt = None,
    attribute: Annotated[
        list[str] | None,
        typer.Option(
            "--attribute",
            metavar="KEY=COLUMN",
            help="Send COLUMN as the custom attribute KEY (columns named attributes.KEY are "
            "sent without this).",
        ),
    ] = None,
    agents_separator: Annotated[
        str, typer.Option("--agents-separator", help="Separator of several agents in one cell.")
    ] = ",",
    on_conflict: OnConflictOpt = OnConflict.skip,
    report: ReportOpt = None,
    format_: FormatOpt = None,
    as_json: JsonOpt = False,
    token: TokenOpt = None,
    base_url: BaseUrlOpt = None,
    timeout: TimeoutOpt = 30.0,
    retries: RetriesOpt = 4,
) -> None:
    """Create a ticket for each row of FILE.

    Fields: ticket_id, type, subject, agents, link, body (required), tags, status, csat_score,
    first_seen, last_seen, and attributes. Prints a summary; rows not imported go to the
    report file with the reason (exit 5).
    """
    source = read_input(file, format_)
    mapper = Mapper(TICKET_FIELDS, source, map_, set_, attribute, agents_separator)
    failed = Report(source, report)
    tally = Tally()
    with client_errors(), make_client(token, base_url, timeout, retries) as client:

        def send(body: dict[str, Any]) -> str:
            try:
                client.tickets.create(body)
                return "created"
            except ConflictError:
                if on_conflict is OnConflict.fail:
                    raise
                if on_conflict is OnConflict.skip:
                    return f"conflict:{body.get('ticket_id')}"
                changes = dict(body)
                client.tickets.update(changes.pop("ticket_id"), changes)
                return "updated"

        _one_by_one(source, mapper, failed, tally, "tickets", send)
    _summarize(tally, failed, as_json, "tickets")


@comments_app.command("import")
def comments_import(
    file: FileArg,
    map_: MapOpt = None,
    set_: SetOpt = None,
    chunk_size: Annotated[
        int, typer.Option("--chunk-size", min=1, max=500, help="Comments per batch request.")
    ] = 500,
    report: ReportOpt = None,
    format_: FormatOpt = None,
    as_json: JsonOpt = False,
    token: TokenOpt = None,
    base_url: BaseUrlOpt = None,
    timeout: TimeoutOpt = 30.0,
    retries: RetriesOpt = 4,
) -> None:
    """Create the comments of FILE, up to 500 per batch request.

    Fields: ticket_id and body (required), author_id, role (customer or agent), channel,
    public, time. A comment the service refuses does not sink its batch: the others are sent
    again. Rows not imported go to the report file with the reason (exit 5).
    """
    source = read_input(file, format_)
    mapper = Mapper(COMMENT_FIELDS, source, map_, set_)
    failed = Report(source, report)
    tally = Tally(rows=len(source.rows))
    if mapper.ignored:
        err_console.print(
            f"ignored columns: {escape(', '.join(mapper.ignored))} (use --map FIELD=COLUMN)",
            highlight=False,
        )
    ready: list[tuple[Row, dict[str, Any]]] = []
    for row in source.rows:
        if row.unreadable:
            failed.add(row, row.unreadable)
            continue
        try:
            ready.append((row, mapper.body(row)))
        except ValueError as exc:
            failed.add(row, str(exc))
    with (
        client_errors(),
        make_client(token, base_url, timeout, retries) as client,
        _progress(len(ready), "comments") as progress,
    ):
        task = progress.add_task("comments", total=len(ready))
        for start in range(0, len(ready), chunk_size):
            chunk = ready[start : start + chunk_size]
            result = client.comments.create_many([body for _, body in chunk], chunk_size=chunk_size)
            tally.created += len(result.created)
            for item in result.failed:
                error: BaseException | str = item.error
                if item.maybe_stored:
                    error = f"outcome unknown, it may have been stored: {describe(item.error)}"
                failed.add(chunk[item.index][0], error)
            progress.advance(task, len(chunk))
            fatal = next(
                (
                    f.error
                    for f in result.failed
                    if isinstance(f.error, AuthenticationError | APIConnectionError)
                ),
                None,
            )
            if fatal is not None and not result.created:
                for row, _ in ready[start + chunk_size :]:
                    failed.add(row, describe(fatal), not_attempted=True)
                tally.aborted = describe(fatal)
                tally.abort_code = exit_code(fatal)
                break
    _summarize(tally, failed, as_json, "comments")


@agents_app.command("import")
def agents_import(
    file: FileArg,
    map_: MapOpt = None,
    set_: SetOpt = None,
    on_conflict: OnConflictOpt = OnConflict.skip,
    report: ReportOpt = None,
    format_: FormatOpt = None,
    as_json: JsonOpt = False,
    token: TokenOpt = None,
    base_url: BaseUrlOpt = None,
    timeout: TimeoutOpt = 30.0,
    retries: RetriesOpt = 4,
) -> None:
    """Create an agent for each row of FILE.

    Fields: name, email, available (required), agentId, agentGroupId. With --on-conflict
    update, an agent whose email is in use gets the row's availability and agentId. Rows not
    imported go to the report file with the reason (exit 5).
    """
    source = read_input(file, format_)
    mapper = Mapper(AGENT_FIELDS, source, map_, set_)
    failed = Report(source, report)
    tally = Tally()
    with client_errors(), make_client(token, base_url, timeout, retries) as client:

        def send(body: dict[str, Any]) -> str:
            try:
                client.agents.create(body)
                return "created"
            except ConflictError:
                if on_conflict is OnConflict.fail:
                    raise
                if on_conflict is OnConflict.skip:
                    return f"conflict:{body.get('email')}"
                email = body.get("email", "")
                if "available" in body:
                    client.agents.update_availability(email, body["available"])
                if body.get("agentId"):
                    client.agents.add_id(email, body["agentId"])
                return "updated"

        _one_by_one(source, mapper, failed, tally, "agents", send)
    _summarize(tally, failed, as_json, "agents")


# --- lists ----------------------------------------------------------------------------------


class Output(StrEnum):
    auto = "auto"
    jsonl = "jsonl"
    table = "table"


OutputOpt = Annotated[
    Output,
    typer.Option(
        "--output",
        "-o",
        help="jsonl (one JSON object per line), table, or auto: a table on a terminal, JSON "
        "lines otherwise.",
    ),
]
LimitOpt = Annotated[int | None, typer.Option("--limit", min=1, help="Stop after this many items.")]
PageSizeOpt = Annotated[
    int, typer.Option("--page-size", min=1, max=1000, help="Items per request.")
]
AgentOpt = Annotated[
    str | None, typer.Option("--agent-id", help="Only this agent's (helpdesk id).")
]
CreatorOpt = Annotated[
    str | None, typer.Option("--creator-id", help="Only those made by this user.")
]
FromOpt = Annotated[
    str | None, typer.Option("--start", help="Created from this date, included (ISO 8601).")
]
ToOpt = Annotated[str | None, typer.Option("--end", help="Created before this date (ISO 8601).")]
SessionIdArg = Annotated[str, typer.Argument(metavar="SESSION_ID", help="The session's id.")]
PointIdArg = Annotated[str, typer.Argument(metavar="POINT_ID", help="The point's id.")]
TodoIdArg = Annotated[str, typer.Argument(metavar="TODO_ID", help="The to-do's id.")]


def _emit(items: Iterator[ApiModel], output: Output, columns: list[str]) -> None:
    as_table = output is Output.table or (output is Output.auto and sys.stdout.isatty())
    if not as_table:
        for item in items:
            typer.echo(json.dumps(item.to_dict(), ensure_ascii=False))
        return
    table = Table(*columns)
    for item in items:
        data = item.to_dict()
        table.add_row(*(_cell(data.get(column)) for column in columns))
    out_console.print(table)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value)
    return str(value)


def _dates(start: str | None, end: str | None) -> None:
    if start:
        parse_date(start, "--start")
    if end:
        parse_date(end, "--end")


@sessions_app.command("list")
def sessions_list(
    agent_id: AgentOpt = None,
    coach_id: Annotated[str | None, typer.Option("--coach-id", help="Only this coach's.")] = None,
    creator_id: CreatorOpt = None,
    start: FromOpt = None,
    end: ToOpt = None,
    limit: LimitOpt = None,
    page_size: PageSizeOpt = 100,
    output: OutputOpt = Output.auto,
    token: TokenOpt = None,
    base_url: BaseUrlOpt = None,
    timeout: TimeoutOpt = 30.0,
    retries: RetriesOpt = 4,
) -> None:
    """List coaching sessions, every page."""
    _dates(start, end)
    with client_errors(), make_client(token, base_url, timeout, retries) as client:
        items = client.coaching_sessions.iter(
            agent_id=agent_id,
            coach_id=coach_id,
            creator_id=creator_id,
            start=start,
            end=end,
            page_size=page_size,
            limit=limit,
        )
        _emit(items, output, ["id", "name", "agentId", "coachId", "createdAt", "meetingFormat"])


@sessions_app.command("get")
def sessions_get(
    session_id: SessionIdArg,
    token: TokenOpt = None,
    base_url: BaseUrlOpt = None,
    timeout: TimeoutOpt = 30.0,
    retries: RetriesOpt = 4,
) -> None:
    """Print one coaching session as JSON."""
    with client_errors(), make_client(token, base_url, timeout, retries) as client:
        typer.echo(json.dumps(client.coaching_sessions.get(session_id).to_dict(), indent=2))


@points_app.command("list")
def points_list(
    agent_id: AgentOpt = None,
    creator_id: CreatorOpt = None,
    start: FromOpt = None,
    end: ToOpt = None,
    limit: LimitOpt = None,
    page_size: PageSizeOpt = 100,
    output: OutputOpt = Output.auto,
    token: TokenOpt = None,
    base_url: BaseUrlOpt = None,
    timeout: TimeoutOpt = 30.0,
    retries: RetriesOpt = 4,
) -> None:
    """List coaching points, every page."""
    _dates(start, end)
    with client_errors(), make_client(token, base_url, timeout, retries) as client:
        items = client.coaching_points.iter(
            agent_id=agent_id,
            creator_id=creator_id,
            start=start,
            end=end,
            page_size=page_size,
            limit=limit,
        )
        _emit(items, output, ["id", "agentId", "type", "classification", "createdAt", "coachNotes"])


@points_app.command("get")
def points_get(
    point_id: PointIdArg,
    token: TokenOpt = None,
    base_url: BaseUrlOpt = None,
    timeout: TimeoutOpt = 30.0,
    retries: RetriesOpt = 4,
) -> None:
    """Print one coaching point as JSON."""
    with client_errors(), make_client(token, base_url, timeout, retries) as client:
        typer.echo(json.dumps(client.coaching_points.get(point_id).to_dict(), indent=2))


@todos_app.command("list")
def todos_list(
    agent_id: AgentOpt = None,
    creator_id: CreatorOpt = None,
    start: FromOpt = None,
    end: ToOpt = None,
    limit: LimitOpt = None,
    page_size: PageSizeOpt = 100,
    output: OutputOpt = Output.auto,
    token: TokenOpt = None,
    base_url: BaseUrlOpt = None,
    timeout: TimeoutOpt = 30.0,
    retries: RetriesOpt = 4,
) -> None:
    """List to-dos, every page."""
    _dates(start, end)
    with client_errors(), make_client(token, base_url, timeout, retries) as client:
        items = client.todos.iter(
            agent_id=agent_id,
            creator_id=creator_id,
            start=start,
            end=end,
            page_size=page_size,
            limit=limit,
        )
        _emit(items, output, ["id", "title", "agentId", "status", "createdAt"])


@todos_app.command("get")
def todos_get(
    todo_id: TodoIdArg,
    token: TokenOpt = None,
    base_url: BaseUrlOpt = None,
    timeout: TimeoutOpt = 30.0,
    retries: RetriesOpt = 4,
) -> None:
    """Print one to-do as JSON."""
    with client_errors(), make_client(token, base_url, timeout, retries) as client:
        typer.echo(json.dumps(client.todos.get(todo_id).to_dict(), indent=2))


@agents_app.command("list")
def agents_list(
    available: Annotated[
        bool | None,
        typer.Option("--available/--unavailable", help="Only available, or unavailable, agents."),
    ] = None,
    email: Annotated[
        str | None, typer.Option("--email", help="Only the agent with this email.")
    ] = None,
    limit: LimitOpt = None,
    page_size: PageSizeOpt = 100,
    output: OutputOpt = Output.auto,
    token: TokenOpt = None,
    base_url: BaseUrlOpt = None,
    timeout: TimeoutOpt = 30.0,
    retries: RetriesOpt = 4,
) -> None:
    """List agents, every page (Podium only)."""
    with client_errors(), make_client(token, base_url, timeout, retries) as client:
        items = client.agents.iter(
            available=available, email=email, page_size=page_size, limit=limit
        )
        _emit(items, output, ["_id", "name", "email", "agentId", "available"])


@users_app.command("list")
def users_list(
    role: Annotated[str | None, typer.Option("--role", help="Only users of this role.")] = None,
    active: Annotated[
        bool | None, typer.Option("--active/--inactive", help="Only active, or retired, users.")
    ] = None,
    limit: LimitOpt = None,
    page_size: PageSizeOpt = 100,
    output: OutputOpt = Output.auto,
    token: TokenOpt = None,
    base_url: BaseUrlOpt = None,
    timeout: TimeoutOpt = 30.0,
    retries: RetriesOpt = 4,
) -> None:
    """List users, every page (Podium only)."""
    with client_errors(), make_client(token, base_url, timeout, retries) as client:
        items = client.users.iter(role=role, active=active, page_size=page_size, limit=limit)
        _emit(items, output, ["id", "name", "email", "role", "active"])


@activity_app.command("list")
def activity_list(
    start: FromOpt = None,
    end: ToOpt = None,
    item_type: Annotated[
        str | None, typer.Option("--item-type", help="Only entries about this kind of item.")
    ] = None,
    action_type: Annotated[
        str | None, typer.Option("--action-type", help="Only entries of this action.")
    ] = None,
    limit: LimitOpt = None,
    page_size: PageSizeOpt = 100,
    output: OutputOpt = Output.auto,
    token: TokenOpt = None,
    base_url: BaseUrlOpt = None,
    timeout: TimeoutOpt = 30.0,
    retries: RetriesOpt = 4,
) -> None:
    """List the activity log, oldest first, every page (Podium only)."""
    _dates(start, end)
    with client_errors(), make_client(token, base_url, timeout, retries) as client:
        items = client.activity_log.iter(
            start=start,
            end=end,
            item_type=item_type,
            action_type=action_type,
            page_size=page_size,
            limit=limit,
        )
        _emit(items, output, ["timestamp", "userEmail", "itemType", "actionType", "description"])
