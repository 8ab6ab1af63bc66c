"""Engines, the per-request session, and the declarative base."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import DateTime, MetaData, String, event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

from podium.config import Settings

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC, returns aware UTC, on every database."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def IdString(length: int = 17) -> String:
    """An id column that sorts byte by byte on every database (list order is by id)."""
    return String(length).with_variant(String(length, collation="C"), "postgresql")


def create_engine(settings: Settings) -> AsyncEngine:
    url = settings.effective_database_url
    if url.startswith("sqlite"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, connect_args={"timeout": 30})
        _configure_sqlite(engine)
        return engine
    engine = create_async_engine(
        url, pool_size=settings.db_pool_size, max_overflow=settings.db_pool_size
    )
    _ping_when_idle(engine, after=settings.db_ping_after_idle_seconds)
    return engine


def _ping_when_idle(engine: AsyncEngine, *, after: float) -> None:
    """Check a pooled connection before use when it has been idle `after` seconds or more.

    SQLAlchemy's `pool_pre_ping` checks on every checkout, and on asyncpg a check is three round
    trips (BEGIN, an empty statement, ROLLBACK): more than a small read costs. A connection
    handed back a moment ago is as good as the server that just answered it, so only one that
    sat idle (the database may have restarted, or a proxy closed it) is checked; a dead one is
    replaced before the request sees it. A connection that dies while in steady use fails the
    statement it runs, and SQLAlchemy then drops every connection of the pool opened before it.
    """
    pool = engine.sync_engine.pool

    @event.listens_for(pool, "checkin")
    def _on_checkin(_dbapi_conn: Any, record: Any) -> None:
        if record is not None:
            record.info["podium_idle_since"] = time.monotonic()

    @event.listens_for(pool, "checkout")
    def _on_checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("podium_idle_since")
        if idle_since is None or time.monotonic() - idle_since < after:
            return  # new, or used a moment ago
        try:
            engine.dialect.do_ping(dbapi_conn)
        except Exception as exc:
            # the pool discards this connection and checks out another
            raise DisconnectionError(f"pooled connection failed its check: {exc}") from exc


def _configure_sqlite(engine: AsyncEngine) -> None:
    # SQLite upgrades a read lock to a write lock without waiting on the busy handler, so two
    # concurrent writers can fail with "database is locked". BEGIN IMMEDIATE takes the write lock
    # up front, and the busy timeout makes other writers queue instead of failing.
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.get_execution_options().get(_STATEMENT_AT_A_TIME):
            return  # reads: each statement on its own, no lock held between them
        conn.exec_driver_sql("BEGIN IMMEDIATE")


# execution option of the engine `create_read_sessionmaker` binds to, on SQLite (the driver
# connection is in autocommit already: without BEGIN, each statement is its own transaction)
_STATEMENT_AT_A_TIME = "podium_statement_at_a_time"

READ_METHODS = frozenset({"GET", "HEAD"})


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


def read_engine(engine: AsyncEngine) -> AsyncEngine:
    """`engine` for statements that need no transaction around them (see below)."""
    if engine.dialect.name == "sqlite":
        return engine.execution_options(**{_STATEMENT_AT_A_TIME: True})
    return engine.execution_options(isolation_level="AUTOCOMMIT")


def create_read_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions for GET and HEAD requests: no transaction around the request's statements.

    A read saves the BEGIN and COMMIT round trips, and on SQLite it takes no write lock, so
    reads no longer queue behind writes. Nothing is lost: on PostgreSQL (READ COMMITTED) every
    statement sees a fresh snapshot inside a transaction too. The rule it relies on: a GET
    changes nothing, or nothing beyond a single statement (a token's `last_used_at`).
    """
    return async_sessionmaker(read_engine(engine), expire_on_commit=False, autoflush=False)


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One session per request, committed once after the handler returns (before the response
    is sent, so a failed commit is reported instead of a success). GET and HEAD requests get a
    session of `create_read_sessionmaker`."""
    state = request.app.state
    maker: async_sessionmaker[AsyncSession] = (
        state.read_sessionmaker if request.method in READ_METHODS else state.sessionmaker
    )
    async with maker() as session:
        try:
            yield session
        except BaseException:
            await session.rollback()
            raise
        else:
            await session.commit()


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
