"""Blob stores for export files and attachments: a local folder (links signed and served by
Podium) or an S3-compatible bucket (presigned URLs). `make_store(settings)` picks one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from podium.storage.base import (
    DEFAULT_EXPIRES_IN,
    BlobNotFound,
    BlobStore,
    content_disposition,
    validate_key,
)
from podium.storage.local import LocalStore

if TYPE_CHECKING:
    from starlette.requests import Request

    from podium.config import Settings

__all__ = [
    "DEFAULT_EXPIRES_IN",
    "BlobNotFound",
    "BlobStore",
    "LocalStore",
    "base_url_for",
    "content_disposition",
    "make_store",
    "validate_key",
]


def base_url_for(request: Request, settings: Settings) -> str:
    """Where this Podium is reached: PODIUM_PUBLIC_URL, else the URL the request came to."""
    if settings.public_url:
        return settings.public_url.rstrip("/")
    return str(request.base_url).rstrip("/")


def make_store(settings: Settings, *, base_url: str | None = None) -> BlobStore:
    """The store the settings choose: S3 when PODIUM_S3_BUCKET is set (or PODIUM_STORAGE=s3),
    else the local folder `<data_dir>/files`.

    Local links need an absolute base: PODIUM_PUBLIC_URL, else `base_url` (from
    `base_url_for(request, settings)`, kept with a job that builds the link later).
    """
    if settings.storage_backend == "s3":
        from podium.storage.s3 import S3Store  # boto3 loads only where S3 is used

        credentials = None
        if settings.s3_access_key_id and settings.s3_secret_access_key:
            credentials = (
                settings.s3_access_key_id,
                settings.s3_secret_access_key.get_secret_value(),
            )
        return S3Store(
            settings.s3_bucket or "",
            endpoint_url=settings.s3_endpoint_url,
            region=settings.s3_region,
            credentials=credentials,
        )
    base = settings.public_url or base_url
    if not base:
        raise ValueError(
            "local download links need PODIUM_PUBLIC_URL or the base URL of the request"
        )
    return LocalStore(settings.data_dir / "files", base, settings.effective_secret_key)
