"""Files in a local folder, downloaded through HMAC-signed links that Podium serves itself."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import math
import os
import shutil
import tempfile
from collections import deque
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from os import PathLike
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote, urlencode, urlsplit

from podium import clock
from podium.storage.base import (
    DEFAULT_EXPIRES_IN,
    SSE_ALGORITHM,
    UPLOAD_EXPIRES_IN,
    BlobNotFound,
    Chunks,
    iterate,
    validate_content_type,
    validate_expires_in,
    validate_filename,
    validate_key,
)

READ_CHUNK = 1024 * 1024
WRITE_BUFFER = 1024 * 1024
# uploads are written in blocks this large, each by the upload's writer thread while the next
# ones arrive (measured with bench/uploads.py: 4 MiB blocks left the writer up to 16 ms behind
# when the last byte came; 1 MiB blocks, about 5 ms)
UPLOAD_BLOCK = 1024 * 1024
# blocks received but not yet written that an upload may hold before it waits for its writer
UPLOAD_BLOCKS_IN_FLIGHT = 3


def signing_key(secret: bytes) -> bytes:
    """A key for download links only, derived from PODIUM_SECRET_KEY, so a signature can never
    stand in for a token hash (which is keyed by the secret itself)."""
    return hmac.new(secret, b"podium.storage.download-url.v1", hashlib.sha256).digest()


def signature(key: bytes, *, blob_key: str, expires: str, filename: str, content_type: str) -> str:
    """HMAC-SHA256 (hex) over the key, the expiry, the file name and the content type.

    The fields are joined by newlines, which none of them may contain, so no two different
    links sign the same message.
    """
    message = "\n".join((blob_key, expires, filename, content_type)).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


class UploadTooLarge(ValueError):
    """A presigned upload's body is larger than its URL allows."""

    def __init__(self, max_bytes: int):
        super().__init__(f"the upload is larger than {max_bytes} bytes")
        self.max_bytes = max_bytes


class UploadDigestMismatch(ValueError):
    """A presigned upload's body does not have the MD5 its Content-MD5 header announced."""


def upload_signing_key(secret: bytes) -> bytes:
    """A key for upload links only: a download link's signature never authorises a PUT."""
    return hmac.new(secret, b"podium.storage.upload-url.v1", hashlib.sha256).digest()


def upload_signature(
    key: bytes, *, blob_key: str, expires: str, content_type: str, max_bytes: str
) -> str:
    """HMAC-SHA256 (hex) over the method, the key, the expiry, the content type and the
    encryption header the PUT must carry, and the largest body it may send (newline-joined, as
    for downloads)."""
    message = "\n".join(("PUT", blob_key, expires, content_type, SSE_ALGORITHM, max_bytes))
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


class LocalStore:
    """Objects as files under `root` (`<data_dir>/files`), written atomically."""

    def __init__(self, root: Path, base_url: str, secret: bytes):
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("base_url must be an absolute http(s) URL")
        self.root = Path(root)
        self.base_url = base_url.rstrip("/")
        self._key = signing_key(secret)
        self._upload_key = upload_signing_key(secret)

    def path(self, key: str) -> Path:
        return self.root / validate_key(key)

    async def put_stream(self, key: str, chunks: Chunks, content_type: str) -> int:
        target = self.path(key)
        validate_content_type(content_type)
        handle, temp = await asyncio.to_thread(self._temp_file, target)
        size = 0
        try:
            buffer = bytearray()
            async for chunk in iterate(chunks):
                buffer += chunk
                size += len(chunk)
                if len(buffer) >= WRITE_BUFFER:
                    await asyncio.to_thread(handle.write, bytes(buffer))
                    buffer.clear()
            await asyncio.to_thread(_finish, handle, bytes(buffer), temp, target)
        except BaseException:
            await asyncio.to_thread(_discard, handle, temp)
            raise
        return size

    async def put_file(self, key: str, path: str | PathLike[str], content_type: str) -> int:
        target = self.path(key)
        validate_content_type(content_type)

        def copy() -> int:
            handle, temp = self._temp_file(target)
            try:
                with open(path, "rb") as source:
                    shutil.copyfileobj(source, handle, READ_CHUNK)
                _finish(handle, b"", temp, target)
            except BaseException:
                _discard(handle, temp)
                raise
            return target.stat().st_size

        return await asyncio.to_thread(copy)

    async def open(self, key: str) -> AsyncIterator[bytes]:
        path = self.path(key)
        try:
            handle = await asyncio.to_thread(path.open, "rb")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise BlobNotFound(key) from None
        return _read(handle)

    async def exists(self, key: str) -> bool:
        return await asyncio.to_thread(self.path(key).is_file)

    async def delete(self, key: str) -> None:
        path = self.path(key)

        def remove() -> None:
            try:
                path.unlink()
            except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
                return
            # drop the folders the key created, so the tree holds only live objects
            parent = path.parent
            while parent != self.root and self.root in parent.parents:
                try:
                    parent.rmdir()
                except OSError:
                    break
                parent = parent.parent

        await asyncio.to_thread(remove)

    def download_url(
        self,
        key: str,
        *,
        filename: str,
        content_type: str,
        expires_in: timedelta = DEFAULT_EXPIRES_IN,
    ) -> str:
        validate_key(key)
        validate_filename(filename)
        validate_content_type(content_type)
        # rounded up: a link lives at least `expires_in`
        expires = str(math.ceil(clock.timestamp()) + validate_expires_in(expires_in))
        query = urlencode(
            {
                "expires": expires,
                "filename": filename,
                "content_type": content_type,
                "signature": signature(
                    self._key,
                    blob_key=key,
                    expires=expires,
                    filename=filename,
                    content_type=content_type,
                ),
            },
            quote_via=quote,
        )
        return f"{self.base_url}/files/{key}?{query}"

    def verify(
        self, key: str, *, expires: str, filename: str, content_type: str, given: str
    ) -> bool:
        """Whether `given` is this store's signature for these fields (constant-time)."""
        expected = signature(
            self._key, blob_key=key, expires=expires, filename=filename, content_type=content_type
        )
        return hmac.compare_digest(expected.encode(), given.encode("utf-8", "replace"))

    async def put_upload(
        self,
        key: str,
        chunks: AsyncIterator[bytes],
        content_type: str,
        *,
        max_bytes: int,
        expected_md5: str | None = None,
    ) -> int:
        """`put_stream` for one large request body (a presigned PUT): the chunks are gathered
        into blocks, and each block is written (and hashed, when an `expected_md5` in hex is
        given) by a writer thread of its own while the next ones arrive, so receiving and
        writing overlap; at most UPLOAD_BLOCKS_IN_FLIGHT blocks wait for the writer. Each
        written block is handed to the kernel's writeback at once, so the closing fsync has
        little left to wait for. Past `max_bytes` it raises UploadTooLarge, and for another MD5
        UploadDigestMismatch: then the object under `key` is left as it was. Returns the
        size."""
        target = self.path(key)
        validate_content_type(content_type)
        handle, temp = await asyncio.to_thread(self._temp_file, target)
        digest = hashlib.md5(usedforsecurity=False) if expected_md5 is not None else None

        def write(block: bytes) -> None:
            if digest is not None:
                digest.update(block)
            handle.write(block)
            handle.flush()
            _start_writeback(handle, len(block))

        loop = asyncio.get_running_loop()
        writer: ThreadPoolExecutor | None = None  # one thread: blocks are written in order
        in_flight: deque[asyncio.Future[None]] = deque()
        size = 0
        try:
            pending: list[bytes] = []
            pending_size = 0
            async for chunk in chunks:
                size += len(chunk)
                if size > max_bytes:
                    raise UploadTooLarge(max_bytes)
                pending.append(chunk)
                pending_size += len(chunk)
                if pending_size >= UPLOAD_BLOCK:
                    block = b"".join(pending)
                    pending.clear()
                    pending_size = 0
                    if writer is None:
                        writer = ThreadPoolExecutor(1, thread_name_prefix="podium-upload")
                    in_flight.append(loop.run_in_executor(writer, write, block))
                    while len(in_flight) > UPLOAD_BLOCKS_IN_FLIGHT:
                        await in_flight.popleft()
            while in_flight:
                await in_flight.popleft()
            tail = b"".join(pending)
            if digest is not None:
                digest.update(tail)
                if digest.hexdigest() != expected_md5:
                    raise UploadDigestMismatch()
            await asyncio.to_thread(_finish, handle, tail, temp, target)
        except BaseException:
            # a thread cannot be stopped mid-write: let the queued writes end before the file
            # is closed
            await asyncio.gather(*in_flight, return_exceptions=True)
            await asyncio.to_thread(_discard, handle, temp)
            raise
        finally:
            if writer is not None:
                writer.shutdown(wait=False)
        return size

    def upload_url(
        self,
        key: str,
        *,
        content_type: str,
        max_bytes: int,
        expires_in: timedelta = UPLOAD_EXPIRES_IN,
    ) -> str:
        """`{base}/files/{key}?expires=&content_type=&max_bytes=&signature=`, for a PUT that
        Podium serves itself (`PUT /files/{key}`)."""
        validate_key(key)
        validate_content_type(content_type)
        if not isinstance(max_bytes, int) or max_bytes < 0:
            raise ValueError("max_bytes must be a non-negative integer")
        expires = str(math.ceil(clock.timestamp()) + validate_expires_in(expires_in))
        fields = {"expires": expires, "content_type": content_type, "max_bytes": str(max_bytes)}
        query = urlencode(
            {**fields, "signature": upload_signature(self._upload_key, blob_key=key, **fields)},
            quote_via=quote,
        )
        return f"{self.base_url}/files/{key}?{query}"

    def verify_upload(
        self, key: str, *, expires: str, content_type: str, max_bytes: str, given: str
    ) -> bool:
        """Whether `given` is this store's upload signature for these fields (constant-time)."""
        expected = upload_signature(
            self._upload_key,
            blob_key=key,
            expires=expires,
            content_type=content_type,
            max_bytes=max_bytes,
        )
        return hmac.compare_digest(expected.encode(), given.encode("utf-8", "replace"))

    async def size(self, key: str) -> int | None:
        path = self.path(key)

        def stat() -> int | None:
            try:
                return path.stat().st_size if path.is_file() else None
            except OSError:
                return None

        return await asyncio.to_thread(stat)

    def _temp_file(self, target: Path) -> tuple[BinaryIO, Path]:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError):
            raise ValueError("key is inside another stored object's name") from None
        if target.is_dir():
            raise ValueError("key is a folder of other stored objects")
        # same folder as the target, so the final rename is atomic (one file system)
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
        return os.fdopen(fd, "wb"), Path(name)


def _start_writeback(handle: BinaryIO, length: int) -> None:
    """Ask the kernel to start writing the last `length` bytes to the disk now, without waiting
    (POSIX_FADV_DONTNEED starts writeback of dirty pages on Linux, and drops them from the
    cache once written: a large upload does not push other files out of it)."""
    if hasattr(os, "posix_fadvise"):
        end = handle.tell()
        os.posix_fadvise(handle.fileno(), end - length, length, os.POSIX_FADV_DONTNEED)


def _finish(handle: BinaryIO, tail: bytes, temp: Path, target: Path) -> None:
    handle.write(tail)
    handle.flush()
    os.fsync(handle.fileno())
    handle.close()
    os.replace(temp, target)


def _discard(handle: BinaryIO, temp: Path) -> None:
    handle.close()
    temp.unlink(missing_ok=True)


async def _read(handle: BinaryIO) -> AsyncIterator[bytes]:
    try:
        while chunk := await asyncio.to_thread(handle.read, READ_CHUNK):
            yield chunk
    finally:
        handle.close()
