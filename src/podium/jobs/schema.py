"""Install and upgrade procrastinate's schema on PostgreSQL, idempotently.

procrastinate ships its full schema (`schema.sql`) and one SQL file per change
(`sql/migrations/<version>_<nn>_<name>.sql`) but leaves tracking to the application. Podium
records the procrastinate version the schema matches in `podium_procrastinate_schema`; a new
database gets `schema.sql`, an older one the migration files of the versions since, in order.
Everything runs in one transaction under an advisory lock, so concurrent `podium migrate` runs
(or servers starting together) apply it once.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from packaging.version import Version

log = logging.getLogger("podium.jobs")

VERSION_TABLE = "podium_procrastinate_schema"
# pg_advisory_xact_lock key: "podium-jobs-schema" folded into 64 bits
_LOCK_KEY = 0x706F6469756D4A53
_MIGRATION_NAME = re.compile(r"^(\d+)\.(\d+)\.(\d+)_(\d+)_.*\.sql$")


def installed_version() -> Version:
    import procrastinate

    return Version(procrastinate.__version__)


def _migrations_after(current: Version, target: Version) -> list[Path]:
    from procrastinate.schema import SchemaManager

    found: list[tuple[Version, int, Path]] = []
    for path in Path(SchemaManager.get_migrations_path()).glob("*.sql"):
        match = _MIGRATION_NAME.match(path.name)
        if not match:
            continue
        major, minor, patch, index = (int(g) for g in match.groups())
        version = Version(f"{major}.{minor}.{patch}")
        if current < version <= target:
            found.append((version, index, path))
    return [path for _, _, path in sorted(found)]


def libpq_url(database_url: str) -> str:
    """A SQLAlchemy PostgreSQL URL as a plain `postgresql://` URL for psycopg/libpq."""
    from sqlalchemy.engine import make_url

    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


def install(database_url: str) -> str | None:
    """Bring procrastinate's schema in the PostgreSQL database up to the installed library.

    Returns what was done ("installed 3.10.0", "upgraded 3.9.0 -> 3.10.0") or None.
    """
    import psycopg
    from procrastinate.schema import SchemaManager

    target = installed_version()
    with psycopg.connect(libpq_url(database_url)) as conn, conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
        conn.execute(
            f"CREATE TABLE IF NOT EXISTS {VERSION_TABLE} ("
            " version text NOT NULL,"
            " installed_at timestamptz NOT NULL DEFAULT now())"
        )
        row = conn.execute(f"SELECT version FROM {VERSION_TABLE}").fetchone()
        has_jobs = conn.execute("SELECT to_regclass('procrastinate_jobs') IS NOT NULL").fetchone()
        assert has_jobs is not None
        if row is None:
            if has_jobs[0]:
                # installed by other means: trust it to match this library
                log.warning(
                    "procrastinate's tables exist without a recorded version; "
                    "assuming they match procrastinate %s",
                    target,
                )
                done = None
            else:
                # no parameters: psycopg sends the script as it is (it holds `%` signs)
                conn.execute(SchemaManager.get_schema())
                done = f"installed procrastinate schema {target}"
            conn.execute(f"INSERT INTO {VERSION_TABLE} (version) VALUES (%s)", (str(target),))
            return done
        current = Version(row[0])
        if current >= target:
            return None
        for path in _migrations_after(current, target):
            conn.execute(path.read_text(encoding="utf-8"))
        conn.execute(
            f"UPDATE {VERSION_TABLE} SET version = %s, installed_at = now()", (str(target),)
        )
        return f"upgraded procrastinate schema {current} -> {target}"
