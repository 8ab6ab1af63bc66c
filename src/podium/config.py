"""Settings, read from `PODIUM_*` environment variables."""

from __future__ import annotations

import os
import secrets
from functools import cached_property
from ipaddress import IPv4Network, IPv6Network
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_RATE_LIMITS = "10/second;100/minute"


class Settings(BaseSettings):
    """Everything Podium can be told. See README "Configuration"."""

    model_config = SettingsConfigDict(env_prefix="PODIUM_", extra="ignore")

    data_dir: Path = Field(default=Path("./podium-data"))
    database_url: str | None = None
    redis_url: str | None = None
    secret_key: str | None = None
    public_url: str | None = None
    rate_limits: str = DEFAULT_RATE_LIMITS
    auto_migrate: bool = True
    log_format: Literal["text", "json"] = "text"
    log_level: str = "INFO"
    max_body_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    token_ttl_days: int = Field(default=90, ge=1)
    page_max_count: int = Field(default=1000, ge=1)
    page_default_count: int = Field(default=100, ge=1)
    db_pool_size: int = Field(default=10, ge=1)
    # a pooled PostgreSQL connection idle this long is checked before use (podium.db)
    db_ping_after_idle_seconds: float = Field(default=5.0, ge=0)
    # blob store for export files and attachments: None picks S3 when s3_bucket is set
    storage: Literal["local", "s3"] | None = None
    s3_endpoint_url: str | None = None
    s3_bucket: str | None = None
    s3_region: str | None = None
    s3_access_key_id: str | None = None
    s3_secret_access_key: SecretStr | None = None
    # background jobs (see docs/architecture.md, "Jobs"): "auto" runs them on procrastinate
    # with PostgreSQL and on Podium's own `jobs` table with SQLite
    jobs_backend: Literal["auto", "embedded", "procrastinate"] = "auto"
    embedded_worker: bool = True  # each `podium serve` process also runs jobs
    job_modules: str = ""  # extra task modules to import, comma-separated
    jobs_concurrency: int = Field(default=2, ge=1, le=100)
    jobs_lease_seconds: float = Field(default=30.0, gt=0)
    jobs_heartbeat_seconds: float = Field(default=10.0, gt=0)
    jobs_poll_seconds: float = Field(default=5.0, gt=0)
    jobs_shutdown_seconds: float = Field(default=10.0, ge=0)
    jobs_retention_days: int = Field(default=7, ge=1)
    # attachments (see docs/attachments.md): the largest file a presigned upload URL accepts;
    # the largest file, the longest time and the extra networks (comma-separated CIDRs, e.g.
    # "10.0.0.0/8,127.0.0.1/32") of a fetch from a client's URL
    attachment_max_upload_bytes: int = Field(default=1024 * 1024 * 1024, ge=1)
    attachment_fetch_max_bytes: int = Field(default=100 * 1024 * 1024, ge=1)
    attachment_fetch_timeout_seconds: float = Field(default=300.0, gt=0)
    attachment_fetch_allow_networks: str = ""

    @field_validator("secret_key")
    @classmethod
    def _secret_long_enough(cls, value: str | None) -> str | None:
        if value is not None and len(value) < 32:
            raise ValueError("PODIUM_SECRET_KEY must be at least 32 characters")
        return value

    @field_validator("rate_limits")
    @classmethod
    def _rate_limits_parse(cls, value: str) -> str:
        from podium.ratelimit import parse_limits

        parse_limits(value)  # raises ValueError with the expected form
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url_known(cls, value: str | None) -> str | None:
        if value is not None and not to_async_url(value).startswith(
            ("sqlite+aiosqlite://", "postgresql+asyncpg://")
        ):
            raise ValueError(
                "PODIUM_DATABASE_URL must be a PostgreSQL URL (postgresql://user:pass@host/db) "
                "or a SQLite URL (sqlite:///path/to/file.db)"
            )
        return value or None

    @field_validator("redis_url")
    @classmethod
    def _redis_url_known(cls, value: str | None) -> str | None:
        if value and not value.startswith(("redis://", "rediss://", "redis+unix://")):
            raise ValueError("PODIUM_REDIS_URL must look like redis://host:6379/0")
        return value or None

    @field_validator("attachment_fetch_allow_networks")
    @classmethod
    def _allow_networks_parse(cls, value: str) -> str:
        from podium.attachments.addresses import parse_networks

        parse_networks(value)  # raises ValueError naming the bad entry
        return value

    @field_validator("log_level")
    @classmethod
    def _log_level_known(cls, value: str) -> str:
        if value.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise ValueError("PODIUM_LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return value.upper()

    @field_validator("s3_endpoint_url")
    @classmethod
    def _s3_endpoint_url_absolute(cls, value: str | None) -> str | None:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("PODIUM_S3_ENDPOINT_URL must look like https://s3.example.com")
        return value or None

    @model_validator(mode="after")
    def _storage_complete(self) -> Settings:
        if self.storage == "s3" and not self.s3_bucket:
            raise ValueError("PODIUM_STORAGE=s3 needs PODIUM_S3_BUCKET")
        if bool(self.s3_access_key_id) != bool(self.s3_secret_access_key):
            raise ValueError(
                "PODIUM_S3_ACCESS_KEY_ID and PODIUM_S3_SECRET_ACCESS_KEY go together"
            )
        return self

    @model_validator(mode="after")
    def _jobs_consistent(self) -> Settings:
        if self.jobs_heartbeat_seconds >= self.jobs_lease_seconds:
            raise ValueError(
                "PODIUM_JOBS_HEARTBEAT_SECONDS must be shorter than PODIUM_JOBS_LEASE_SECONDS"
            )
        if self.jobs_backend == "procrastinate" and self.is_sqlite:
            raise ValueError("PODIUM_JOBS_BACKEND=procrastinate needs a PostgreSQL database")
        return self

    @property
    def effective_jobs_backend(self) -> Literal["embedded", "procrastinate"]:
        """PODIUM_JOBS_BACKEND, where "auto" means procrastinate on PostgreSQL."""
        if self.jobs_backend == "auto":
            return "embedded" if self.is_sqlite else "procrastinate"
        return self.jobs_backend

    @property
    def job_module_list(self) -> tuple[str, ...]:
        """PODIUM_JOB_MODULES split on commas."""
        return tuple(m.strip() for m in self.job_modules.split(",") if m.strip())

    @property
    def attachment_fetch_allowed(self) -> tuple[IPv4Network | IPv6Network, ...]:
        """PODIUM_ATTACHMENT_FETCH_ALLOW_NETWORKS as networks."""
        from podium.attachments.addresses import parse_networks

        return parse_networks(self.attachment_fetch_allow_networks)

    @property
    def storage_backend(self) -> Literal["local", "s3"]:
        """The blob store in use: PODIUM_STORAGE, or S3 when a bucket is named."""
        return self.storage or ("s3" if self.s3_bucket else "local")

    @cached_property
    def effective_database_url(self) -> str:
        """The SQLAlchemy async URL: PODIUM_DATABASE_URL, or a SQLite file in the data dir."""
        if self.database_url:
            return to_async_url(self.database_url)
        return f"sqlite+aiosqlite:///{(self.data_dir / 'podium.db').resolve()}"

    @property
    def is_sqlite(self) -> bool:
        return self.effective_database_url.startswith("sqlite")

    @cached_property
    def effective_secret_key(self) -> bytes:
        """PODIUM_SECRET_KEY, or a random key kept in `<data_dir>/secret.key` (mode 0600).

        A key in the data dir is safe for one machine; processes on several machines must share
        PODIUM_SECRET_KEY, since token hashes and signed URLs depend on it.
        """
        if self.secret_key:
            return self.secret_key.encode()
        path = self.data_dir / "secret.key"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_urlsafe(48))
        return path.read_text().strip().encode()


def to_async_url(url: str) -> str:
    """Accept plain `postgresql://` / `sqlite:///` URLs and pick the async drivers."""
    for plain, driver in (
        ("postgresql://", "postgresql+asyncpg://"),
        ("postgres://", "postgresql+asyncpg://"),
        ("postgresql+psycopg://", "postgresql+asyncpg://"),
        ("sqlite://", "sqlite+aiosqlite://"),
    ):
        if url.startswith(plain):
            return driver + url[len(plain) :]
    return url


def to_sync_url(url: str) -> str:
    """The same database through a synchronous driver (migrations, COPY, seeding)."""
    return url.replace("postgresql+asyncpg://", "postgresql+psycopg://").replace(
        "sqlite+aiosqlite://", "sqlite://"
    )
