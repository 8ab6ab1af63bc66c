"""Writing export files: rows streamed from the database into CSV, into a zip or a bare file.

Two writers produce the same bytes:

- PostgreSQL: `COPY (query) TO STDOUT WITH (FORMAT csv, HEADER)`, the query formatting every
  value (`pg_format`), read chunk by chunk through psycopg 3 and written on as it comes.
- Any database (SQLite): the query's raw values, fetched in batches from a server-side cursor,
  formatted in Python (`PY_FORMAT`) and written with `csv.writer`.

Both run in a worker thread on a synchronous connection of their own (the event loop of the
process stays free), inside one read-only transaction, so the files of one export are one
snapshot. Memory stays flat: nothing holds more than a batch of rows or a chunk of bytes.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Context, Decimal
from pathlib import Path
from typing import IO, Any

from sqlalchemy import (
    BigInteger,
    Connection,
    Engine,
    Numeric,
    Text,
    and_,
    case,
    cast,
    event,
    func,
)
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy.pool import NullPool

from podium.config import Settings, to_sync_url
from podium.exports.repository import FileQuery, Kind
from podium.wire import format_utc

UNKNOWN_DATE = "Unknown"
NOT_APPLICABLE = "N/A"
ZIP_CONTENT_TYPE = "application/zip"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
# zlib's level for the zip entries: 6 is zlib's default, the size/speed balance zip tools use
COMPRESS_LEVEL = 6
FETCH_ROWS = 2000
WRITE_CHUNK = 1024 * 1024
SCORE_DECIMALS = 2
# whole numbers below this are printed as integers directly (same text, less work)
WHOLE_LIMIT = 10**15

# --- formatting in SQL (PostgreSQL) -----------------------------------------------------------

_PG_DATE = 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'


def _pg_number(expr: Any) -> Any:
    # float8 -> numeric keeps 15 significant digits; round half away from zero; trim_scale
    # drops the zeros a whole number would keep (80.00 -> 80). Most scores are whole numbers:
    # they take the bigint path, about 3x cheaper than the numeric one, with the same text
    whole = and_(expr == func.trunc(expr), func.abs(expr) < WHOLE_LIMIT)
    return case(
        (whole, cast(cast(expr, BigInteger), Text)),
        else_=cast(func.trim_scale(func.round(cast(expr, Numeric), SCORE_DECIMALS)), Text),
    )


def pg_format(kind: Kind, expr: Any) -> Any:
    """SQL giving the column's cell text (NULL for an empty cell)."""
    if kind == "text":
        # COPY writes NULL as an empty cell and "" as `""`; csv.writer writes both as empty
        return func.nullif(expr, "")
    if kind == "date":
        # UTC: the columns hold UTC without a zone; MS truncates, like format_utc
        return func.coalesce(func.to_char(expr, _PG_DATE), UNKNOWN_DATE)
    if kind == "score":
        return func.coalesce(_pg_number(expr), NOT_APPLICABLE)
    if kind == "number":
        return _pg_number(expr)
    if kind == "int":
        return cast(expr, Text)
    if kind == "bool":
        return case((expr.is_(True), "True"), else_="False")
    raise ValueError(f"unknown column kind {kind!r}")


# --- the same in Python (any database) --------------------------------------------------------

_DECIMALS = Decimal(1).scaleb(-SCORE_DECIMALS)
_CONTEXT = Context(prec=60, rounding=ROUND_HALF_UP)


def format_number(value: float) -> str:
    """`8`, `53.33`, `0.5`: what PostgreSQL's `trim_scale(round(x::numeric, 2))` prints."""
    # PostgreSQL converts float8 to numeric through 15 significant digits ("%.15g")
    if value == int(value) and abs(value) < WHOLE_LIMIT:
        return str(int(value))
    number = Decimal(f"{value:.15g}").quantize(_DECIMALS, context=_CONTEXT)
    if number.is_zero():
        return "0"
    return format(number.normalize(_CONTEXT), "f")


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _date(value: datetime | None) -> str:
    return UNKNOWN_DATE if value is None else format_utc(value)


def _score(value: float | None) -> str:
    return NOT_APPLICABLE if value is None else format_number(value)


def _number(value: float | None) -> str:
    return "" if value is None else format_number(value)


def _int(value: int | None) -> str:
    return "" if value is None else str(int(value))


def _bool(value: bool | None) -> str:
    return "True" if value else "False"


PY_FORMAT: dict[str, Callable[[Any], str]] = {
    "text": _text,
    "date": _date,
    "score": _score,
    "number": _number,
    "int": _int,
    "bool": _bool,
}


# --- CSV --------------------------------------------------------------------------------------


def _quoted(value: str) -> str:
    if any(c in value for c in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


class _BufferedOut:
    """Collects small writes and hands them on in chunks of about WRITE_CHUNK bytes."""

    def __init__(self, out: IO[bytes]):
        self.out = out
        self.buffer = bytearray()

    def write(self, data: bytes | memoryview) -> None:
        self.buffer += data
        if len(self.buffer) >= WRITE_CHUNK:
            self.out.write(self.buffer)
            self.buffer.clear()

    def flush(self) -> None:
        if self.buffer:
            self.out.write(self.buffer)
            self.buffer.clear()


def write_rows(conn: Connection, query: FileQuery, out: IO[bytes]) -> int:
    """Writes the header and the query's rows as CSV; returns the rows written.

    csv.writer quotes a field holding a delimiter, a quote or a line feed, but not a lone
    carriage return when the line terminator is `\\n`; such rows (rare) are written by hand,
    so a `\\r` inside a value is always quoted, as COPY does.
    """
    formats = [PY_FORMAT[c.kind] for c in query.columns]
    text_out = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=False)  # type: ignore[type-var]
    writer = csv.writer(text_out, lineterminator="\n")
    writer.writerow(query.header)
    count = 0
    result = conn.execution_options(yield_per=FETCH_ROWS).execute(query.select())
    for batch in result.partitions():
        lines = [[f(v) for f, v in zip(formats, row, strict=True)] for row in batch]
        for line in lines:
            if any("\r" in cell for cell in line):
                text_out.write(",".join(_quoted(cell) for cell in line) + "\n")
            else:
                writer.writerow(line)
        count += len(lines)
    text_out.flush()
    text_out.detach()
    return count


def copy_rows(conn: Connection, query: FileQuery, out: IO[bytes]) -> int:
    """PostgreSQL: `COPY (formatted query) TO STDOUT` into `out`; returns the rows written."""
    sql, params = compile_for_copy(conn, query)
    buffered = _BufferedOut(out)
    raw = conn.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cursor:
        with cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER)", params) as copy:
            for chunk in copy:
                buffered.write(chunk)
        buffered.flush()
        return max(cursor.rowcount, 0)


def compile_for_copy(conn: Connection, query: FileQuery) -> tuple[str, dict[str, Any]]:
    """The formatted query as SQL for psycopg, with its parameters converted for the driver
    (COPY takes no server-side parameters: psycopg binds them on the client)."""
    dialect = conn.dialect
    compiled = query.select(pg_format).compile(
        dialect=dialect, compile_kwargs={"render_postcompile": True}
    )
    params = compiled.construct_params()
    for bind, name in compiled.bind_names.items():
        processor = bind.type.bind_processor(dialect)
        if processor is not None and name in params:
            params[name] = processor(params[name])
    return str(compiled), params


# --- a whole export ---------------------------------------------------------------------------


@dataclass
class Written:
    """What a run wrote: data rows per file (headers not counted) and the file's size."""

    rows: dict[str, int]
    size: int

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def sync_engine(settings: Settings) -> Engine:
    """A synchronous engine on the app's database, for a writer thread (one connection)."""
    url = to_sync_url(settings.effective_database_url)
    if not url.startswith("sqlite"):
        return create_sync_engine(url, poolclass=NullPool)
    engine = create_sync_engine(url, poolclass=NullPool, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # transactions are begun by hand: a deferred BEGIN reads a snapshot without taking
        # the write lock (the app's engine begins IMMEDIATE, which would block every writer)
        dbapi_conn.isolation_level = None
        dbapi_conn.execute("PRAGMA busy_timeout=30000")

    return engine


def _begin_snapshot(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        conn.exec_driver_sql("SET LOCAL client_encoding TO 'UTF8'")
        # these queries run once over many rows: compiling them (seconds for the big ones)
        # costs more than it saves
        conn.exec_driver_sql("SET LOCAL jit = off")
    else:
        conn.exec_driver_sql("BEGIN")


FileWriter = Callable[[Connection, FileQuery, IO[bytes]], int]
# the files of an export, given the database's dialect name
QuerySource = Callable[[str], Sequence[FileQuery]]


def writer_for(conn: Connection, *, use_copy: bool | None = None) -> FileWriter:
    """COPY on PostgreSQL (unless `use_copy=False`), csv.writer elsewhere."""
    if use_copy is None:
        use_copy = conn.dialect.name == "postgresql"
    return copy_rows if use_copy else write_rows


def write_export(
    engine: Engine,
    queries: QuerySource,
    path: Path,
    *,
    zipped: bool,
    use_copy: bool | None = None,
    compress_level: int = COMPRESS_LEVEL,
) -> Written:
    """Writes the files of `queries(dialect)` to `path`: a zip of `<name>.csv` entries, or (not
    zipped) the one file's CSV. All files are read in one snapshot."""
    rows: dict[str, int] = {}
    with engine.connect() as conn:
        _begin_snapshot(conn)
        write = writer_for(conn, use_copy=use_copy)
        files = queries(conn.dialect.name)
        if zipped:
            with zipfile.ZipFile(
                path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=compress_level
            ) as archive:
                for query in files:
                    with archive.open(f"{query.name}.csv", "w", force_zip64=True) as entry:
                        rows[query.name] = write(conn, query, entry)
        else:
            (query,) = files
            with path.open("wb") as handle:
                rows[query.name] = write(conn, query, handle)
        conn.rollback()
    return Written(rows=rows, size=path.stat().st_size)
