"""Fill an account with demo data: fast, deterministic, repeatable.

Refilling an account deletes everything it holds except the account itself, its API tokens and its
activity log (which gets one entry per fill), then writes the seed's rows again, all in one
transaction: the same seed gives the same data, and a failed refill leaves the previous data in
place. Rows go in with bulk inserts (SQLite) or COPY (PostgreSQL), chunk by chunk; PostgreSQL's
tables are then vacuumed and analysed so the planner knows their size and index-only scans can
skip the heap.
"""

from __future__ import annotations

import asyncio
import itertools
import queue
import random
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import orjson
from sqlalchemy import (
    JSON,
    Connection,
    Engine,
    Index,
    Table,
    delete,
    event,
    exists,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy.exc import DBAPIError

from podium import clock, models
from podium.audit import service as audit
from podium.auth import service as auth_service
from podium.config import Settings, to_sync_url
from podium.counts import ListCount
from podium.db import create_engine, create_sessionmaker
from podium.errors import Invalid
from podium.seed.generate import COLUMNS, Chunk, Generator
from podium.seed.grading import GradingSeed
from podium.seed.volumes import Volumes

# kept on refill: the account row, the tokens people already hold for it, and its history
KEPT_TABLES = frozenset({"accounts", "api_tokens", "activity_log"})
TOKEN_NAME = "podium seed"
# the lists whose unfiltered totals podium.counts keeps (the coaching repository's)
COUNTED = ("coaching_sessions", "coaching_points", "todos")
# from this many rows, a PostgreSQL load rebuilds secondary indexes instead of updating them
REBUILD_INDEXES_FROM_ROWS = 200_000


@dataclass
class SeedResult:
    account_id: str
    account: str
    token: str | None
    counts: dict[str, int] = field(default_factory=dict)
    deleted_seconds: float = 0.0
    load_seconds: float = 0.0
    index_seconds: float = 0.0
    vacuum_seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(self.counts.values())

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.load_seconds if self.load_seconds else 0.0


def seed_account(
    settings: Settings,
    *,
    account: str = "demo",
    scale: int = 1,
    seed: int = 0,
    volumes: Volumes | None = None,
    with_token: bool = True,
    on_rows: Callable[[int], None] | None = None,
) -> SeedResult:
    """Creates or refills `account` with demo data; returns counts, timings and a new token."""
    name = account.strip()
    if not name:
        raise Invalid.param("account", "must not be empty")
    volumes = volumes or Volumes.for_scale(scale)
    engine = _sync_engine(settings)
    try:
        result = _load(engine, name=name, seed=seed, volumes=volumes, on_rows=on_rows)
        if engine.dialect.name == "postgresql":
            started = time.perf_counter()
            _vacuum_analyze(engine, [t for t in result.counts if result.counts[t]])
            result.vacuum_seconds = time.perf_counter() - started
    finally:
        engine.dispose()
    if with_token:
        result.token = asyncio.run(_create_token(settings, result.account_id))
    return result


def _sync_engine(settings: Settings) -> Engine:
    url = to_sync_url(settings.effective_database_url)
    if not url.startswith("sqlite"):
        return create_sync_engine(url)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = create_sync_engine(url, connect_args={"timeout": 30})

    # the same connection setup as the server's engine (see podium.db): cascades need foreign
    # keys on, and BEGIN IMMEDIATE queues behind a running server's writers instead of failing
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        for pragma in ("journal_mode=WAL", "busy_timeout=30000", "foreign_keys=ON"):
            dbapi_conn.execute(f"PRAGMA {pragma}")

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _account_id_for(seed: int, name: str) -> str:
    return f"{random.Random(f'podium-seed/{seed}/{name}/account').getrandbits(96):024x}"


def _load(
    engine: Engine,
    *,
    name: str,
    seed: int,
    volumes: Volumes,
    on_rows: Callable[[int], None] | None,
) -> SeedResult:
    accounts = models.Account.__table__
    with engine.begin() as conn:
        account_id = conn.execute(
            select(accounts.c.id).where(accounts.c.name == name)
        ).scalar_one_or_none()
        # see _skip_foreign_key_checks: until the end of this transaction, when allowed
        unchecked = _skip_foreign_key_checks(conn)
        started = time.perf_counter()
        if account_id is None:
            account_id = _account_id_for(seed, name)
            conn.execute(insert(accounts).values(id=account_id, name=name, created_at=clock.now()))
        else:
            _delete_account_data(conn, account_id, cascade_by_hand=unchecked)
        result = SeedResult(account_id=account_id, account=name, token=None)
        result.deleted_seconds = time.perf_counter() - started

        started = time.perf_counter()
        rebuild: list[Index] = []
        big = volumes.planned_rows() >= REBUILD_INDEXES_FROM_ROWS
        if conn.dialect.name == "postgresql" and big:
            rebuild = _drop_secondary_indexes(conn, account_id)
        gen = Generator(account_id=account_id, account_name=name, seed=seed, volumes=volumes)
        write = _copy_rows if conn.dialect.name == "postgresql" else _insert_rows
        for chunk in _chunks(gen):
            for table, rows in chunk.items():
                if rows:
                    write(conn, table, rows)
                    result.counts[table] = result.counts.get(table, 0) + len(rows)
                    if on_rows is not None:
                        on_rows(len(rows))
        _write_list_counts(conn, account_id, result.counts)
        conn.execute(
            insert(models.ActivityLog.__table__).values(
                **audit.entry(
                    actor=audit.cli_actor(account_id),
                    item_type=audit.ACCOUNTS,
                    action_type=audit.SEED,
                    description=f"Seeded demo data: {result.rows} rows (seed {seed})",
                )
            )
        )
        if rebuild:
            index_started = time.perf_counter()
            conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '256MB'")
            for index in rebuild:
                index.create(conn)
            result.index_seconds = time.perf_counter() - index_started
        result.load_seconds = time.perf_counter() - started
    return result


def _chunks(gen: Generator) -> Iterator[Chunk]:
    """The generator's chunks, made in a thread one or two chunks ahead of the writer, so Python
    builds rows while the database indexes the previous chunk (the GIL is free during I/O)."""
    done = object()
    ahead: queue.Queue[Any] = queue.Queue(maxsize=2)
    stop = threading.Event()

    def produce() -> None:
        try:
            grading = GradingSeed(gen)
            parts = [gen.people(), grading.rubrics()]
            for chunk in itertools.chain(parts, grading.with_grades(gen.tickets()), gen.coaching()):
                while not stop.is_set():
                    try:
                        ahead.put(chunk, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            ahead.put(done)
        except BaseException as exc:  # handed to the writer's thread, raised there
            ahead.put(exc)

    thread = threading.Thread(target=produce, name="podium-seed-rows", daemon=True)
    thread.start()
    try:
        while (item := ahead.get()) is not done:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join()


def _delete_account_data(conn: Connection, account_id: str, *, cascade_by_hand: bool) -> None:
    """Every account-scoped row except the kept tables'.

    With foreign-key triggers on, the database cascades to the rows without an account_id (link
    tables) and nulls the kept tokens' user. That is row by row, and a check on a column with no
    index of its own (`coach_id`) scans the table once per deleted user: minutes for a big account.
    With the triggers off, the same ON DELETE actions are done here, one statement each.
    """
    tables = list(reversed(models.Base.metadata.sorted_tables))
    owned = [t for t in tables if t.name not in KEPT_TABLES and "account_id" in t.c]
    if cascade_by_hand:
        owned_names = {t.name for t in owned}
        for table in tables:
            if table.name in owned_names:
                continue
            for fk in table.foreign_keys:
                parent = fk.column.table
                if parent.name not in owned_names:
                    continue
                doomed = fk.parent.in_(select(fk.column).where(parent.c.account_id == account_id))
                if fk.ondelete == "CASCADE":
                    conn.execute(delete(table).where(doomed))
                elif fk.ondelete == "SET NULL":
                    conn.execute(update(table).where(doomed).values({fk.parent.name: None}))
                elif conn.execute(select(exists().where(doomed))).scalar():
                    raise RuntimeError(f"{table.name}.{fk.parent.name} refers to rows to delete")
    for table in owned:
        conn.execute(delete(table).where(table.c.account_id == account_id))


def _write_list_counts(conn: Connection, account_id: str, counts: dict[str, int]) -> None:
    """The kept totals of the unfiltered lists (podium.counts), which bulk loads must set: the
    account's data, and so its count rows, were deleted first, so the loaded rows are the total."""
    table = _table(ListCount.__tablename__)
    conn.execute(
        insert(table),
        [{"account_id": account_id, "kind": kind, "n": counts.get(kind, 0)} for kind in COUNTED],
    )


def _skip_foreign_key_checks(conn: Connection) -> bool:
    """Skip foreign-key checks (and cascades) until the end of this transaction, when allowed.

    Checking each row's foreign keys makes COPY four times slower, and a refill's cascades are
    worse (see _delete_account_data). The generator's rows refer only to rows written before them,
    so a superuser skips the triggers, as `pg_restore --disable-triggers` does. Returns whether
    they are skipped.
    """
    if conn.dialect.name != "postgresql":
        return False
    if conn.exec_driver_sql("SELECT current_setting('is_superuser')").scalar() != "on":
        return False
    conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
    return True


def _drop_secondary_indexes(conn: Connection, account_id: str) -> list[Index]:
    """Drop the non-unique indexes of the tables the seed writes that hold no one else's rows.

    Millions of random-key inserts into indexes larger than the buffer cache are what makes a big
    load slow; building each index once from the loaded rows (a sort) is many times faster. Only
    tables holding no other account's rows are touched, and the indexes come back (from the
    models' definitions) before the transaction commits, so nothing outside it ever sees them
    missing; other transactions that touch those tables wait for the load to finish.
    """
    dropped: list[Index] = []
    for name in COLUMNS:
        table = _table(name)
        others = select(literal(1)).select_from(table)
        if "account_id" in table.c:
            others = others.where(table.c.account_id != account_id)
        if conn.execute(select(exists(others))).scalar():
            continue
        indexes = sorted((i for i in table.indexes if not i.unique), key=lambda i: i.name or "")
        try:
            with conn.begin_nested():  # a user who does not own the table keeps its indexes
                for index in indexes:
                    index.drop(conn)
        except DBAPIError:
            continue
        dropped.extend(indexes)
    return dropped


def _table(name: str) -> Table:
    return models.Base.metadata.tables[name]


def _extra_columns(table: Table) -> dict[str, Any]:
    """Columns the generator does not write, filled with the model's scalar default."""
    extra: dict[str, Any] = {}
    written = set(COLUMNS[table.name])
    for col in table.columns:
        if col.name in written or col.server_default is not None or col.nullable:
            continue
        if col.primary_key and col.autoincrement is True:
            continue
        if col.default is not None and col.default.is_scalar:
            extra[col.name] = col.default.arg
        else:
            raise RuntimeError(f"the seed does not know how to fill {table.name}.{col.name}")
    return extra


def _insert_rows(conn: Connection, table_name: str, rows: list[tuple[Any, ...]]) -> None:
    table = _table(table_name)
    columns = COLUMNS[table_name]
    extra = _extra_columns(table)
    conn.execute(insert(table), [{**dict(zip(columns, row, strict=True)), **extra} for row in rows])


def _copy_rows(conn: Connection, table_name: str, rows: list[tuple[Any, ...]]) -> None:
    table = _table(table_name)
    columns = COLUMNS[table_name]
    extra = _extra_columns(table)
    names = [*columns, *extra]
    json_at = [i for i, c in enumerate(columns) if isinstance(table.c[c].type, JSON)]
    tail = tuple(extra.values())
    sql = f'COPY {table.name} ({", ".join(names)}) FROM STDIN'
    raw = conn.connection.driver_connection
    with raw.cursor() as cur, cur.copy(sql) as copy:
        for row in rows:
            if json_at:
                row = list(row)
                for i in json_at:
                    row[i] = orjson.dumps(row[i]).decode()
            # UTC datetimes go in as text with "+00:00", which a `timestamp` column takes as is
            copy.write_row((*row, *tail) if tail else row)


def _vacuum_analyze(engine: Engine, tables: list[str]) -> None:
    if not tables:
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        # link tables were written too; they have no account_id but need fresh statistics
        conn.exec_driver_sql(f"VACUUM (ANALYZE) {', '.join(tables)}")


async def _create_token(settings: Settings, account_id: str) -> str:
    engine = create_engine(settings)
    try:
        async with create_sessionmaker(engine)() as session:
            _, token = await auth_service.create_token(
                session,
                account_id=account_id,
                secret=settings.effective_secret_key,
                name=TOKEN_NAME,
                ttl=timedelta(days=settings.token_ttl_days),
            )
            await session.commit()
            return token
    finally:
        await engine.dispose()
