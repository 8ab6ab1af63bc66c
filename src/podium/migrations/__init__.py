"""Alembic migrations, run programmatically (`podium migrate`, and on server start)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from podium.config import to_sync_url

HERE = Path(__file__).parent


def alembic_config(database_url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    cfg.set_main_option("file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s")
    cfg.attributes["sync_url"] = to_sync_url(database_url)
    return cfg


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the database at `database_url` up to `revision`."""
    sync_url = to_sync_url(database_url)
    if sync_url.startswith("sqlite:///"):
        Path(sync_url[len("sqlite:///") :]).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(database_url), revision)
    if sync_url.startswith("postgresql"):
        # the job queue's tables on PostgreSQL are procrastinate's, versioned by it
        from podium.jobs import schema

        schema.install(database_url)


def current(database_url: str) -> str | None:
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import create_engine

    engine = create_engine(to_sync_url(database_url))
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()
