"""What every blob store offers, and the rules keys, file names and content types follow."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from os import PathLike
from typing import Protocol, runtime_checkable
from urllib.parse import quote

Chunks = AsyncIterator[bytes] | Iterator[bytes]

MAX_KEY_LENGTH = 1024  # S3's limit, applied to every store so keys move between them
MAX_EXPIRES_IN = timedelta(days=7)  # the longest a SigV4 presigned URL may live
DEFAULT_EXPIRES_IN = timedelta(hours=1)
# presigned uploads live 10 minutes and need this header and value, as MaestroQA's S3 URLs do
UPLOAD_EXPIRES_IN = timedelta(minutes=10)
SSE_HEADER = "x-amz-server-side-encryption"
SSE_ALGORITHM = "AES256"

_KEY = re.compile(r"[A-Za-z0-9._/-]+")
_CONTENT_TYPE = re.compile(r"[!-~]+/[!-~]+(;[ -~]*)?")


class BlobNotFound(FileNotFoundError):
    """No object is stored under this key."""


@runtime_checkable
class BlobStore(Protocol):
    """A place for export files and attachments: local folder or S3-compatible bucket."""

    async def put_stream(self, key: str, chunks: Chunks, content_type: str) -> int:
        """Store the chunks under `key` (replacing any object there); return the bytes written."""
        ...

    async def put_file(self, key: str, path: str | PathLike[str], content_type: str) -> int:
        """Store a local file under `key`; return its size."""
        ...

    async def open(self, key: str) -> AsyncIterator[bytes]:
        """The object's bytes, in chunks. Raises BlobNotFound."""
        ...

    async def exists(self, key: str) -> bool:
        """Whether an object is stored under `key`."""
        ...

    async def delete(self, key: str) -> None:
        """Remove the object; removing a missing object is not an error."""
        ...

    def download_url(
        self,
        key: str,
        *,
        filename: str,
        content_type: str,
        expires_in: timedelta = DEFAULT_EXPIRES_IN,
    ) -> str:
        """An absolute URL anyone can GET (no token) until it expires."""
        ...

    def upload_url(
        self,
        key: str,
        *,
        content_type: str,
        max_bytes: int,
        expires_in: timedelta = UPLOAD_EXPIRES_IN,
    ) -> str:
        """An absolute URL anyone can PUT the object to (no token) until it expires, with this
        `Content-Type` and `x-amz-server-side-encryption: AES256`; a second PUT replaces it.
        `max_bytes` is enforced by the local store; a presigned S3 PUT cannot limit the size,
        so the caller checks `size` afterwards."""
        ...

    async def size(self, key: str) -> int | None:
        """The object's size in bytes, or None when no object is stored under `key`."""
        ...


def validate_key(key: str) -> str:
    """Return `key` if it is a safe relative object name, else raise ValueError."""
    if not isinstance(key, str) or not key:
        raise ValueError("key must be a non-empty string")
    if len(key) > MAX_KEY_LENGTH:
        raise ValueError(f"key must be at most {MAX_KEY_LENGTH} characters")
    if not _KEY.fullmatch(key):
        raise ValueError("key may contain only A-Z a-z 0-9 . _ / -")
    if key.startswith("/"):
        raise ValueError("key must not start with /")
    if ".." in key:
        raise ValueError("key must not contain ..")
    if any(part in ("", ".") for part in key.split("/")):
        raise ValueError("key must not contain empty or '.' path segments")
    return key


def validate_filename(filename: str) -> str:
    """A download file name: no control characters or path separators (it goes in a header)."""
    if not isinstance(filename, str) or not filename or len(filename) > 255:
        raise ValueError("filename must be 1 to 255 characters")
    if any(ord(c) < 32 or ord(c) == 127 or c in "/\\" for c in filename):
        raise ValueError("filename must not contain control characters, / or \\")
    return filename


def validate_content_type(content_type: str) -> str:
    """A media type like `text/csv` or `text/csv; charset=utf-8` (printable ASCII only)."""
    if not isinstance(content_type, str) or not _CONTENT_TYPE.fullmatch(content_type):
        raise ValueError("content_type must be a media type like application/zip")
    return content_type


def validate_expires_in(expires_in: timedelta) -> int:
    """The lifetime in whole seconds: at least 1 second, at most 7 days."""
    seconds = int(expires_in.total_seconds())
    if seconds < 1 or expires_in > MAX_EXPIRES_IN:
        raise ValueError("expires_in must be between 1 second and 7 days")
    return seconds


# RFC 5987 attr-char, besides the letters, digits and "_.-~" that quote() always keeps
_ATTR_CHARS = "!#$&+^`|"


def content_disposition(filename: str) -> str:
    """`attachment` with the file name (RFC 6266): an ASCII fallback, and `filename*` in UTF-8
    when the name is not plain ASCII."""
    fallback = "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "_" for c in filename)
    value = f'attachment; filename="{fallback}"'
    if fallback != filename:
        value += f"; filename*=UTF-8''{quote(filename, safe=_ATTR_CHARS)}"
    return value


_END = object()


async def iterate(chunks: Chunks) -> AsyncIterator[bytes]:
    """Walk sync or async chunks alike; a sync iterator is advanced in a thread, since it may
    block (a file, a database cursor)."""
    if hasattr(chunks, "__aiter__"):
        async for chunk in chunks:  # type: ignore[union-attr]
            yield _as_bytes(chunk)
        return
    iterator = iter(chunks)  # type: ignore[arg-type]
    while (chunk := await asyncio.to_thread(next, iterator, _END)) is not _END:
        yield _as_bytes(chunk)


def _as_bytes(chunk: object) -> bytes:
    if isinstance(chunk, bytes):
        return chunk
    if isinstance(chunk, bytearray | memoryview):
        return bytes(chunk)
    raise TypeError(f"chunks must be bytes, not {type(chunk).__name__}")
