"""The local store's write path for presigned uploads (`LocalStore.put_upload`): blocks written by
a writer thread while the next ones arrive must still give the exact bytes, in order, and a
refused upload must leave the earlier object and no partial file behind."""

from __future__ import annotations

import hashlib
import os
import random
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from podium.storage.local import (
    UPLOAD_BLOCK,
    UPLOAD_BLOCKS_IN_FLIGHT,
    LocalStore,
    UploadDigestMismatch,
    UploadTooLarge,
)
from tests.storage.conftest import read_all, run

# more blocks than may wait for the writer, and a tail that is not a whole block
SIZE = UPLOAD_BLOCK * (UPLOAD_BLOCKS_IN_FLIGHT + 4) + 12_345


@pytest.fixture
def store(tmp_path: Path) -> LocalStore:
    return LocalStore(tmp_path / "files", "http://podium.test", b"k" * 32)


async def uneven_chunks(data: bytes, seed: int = 7) -> AsyncIterator[bytes]:
    """`data` in chunks of 1 byte to 300 KiB, as a network delivers a body."""
    rng = random.Random(seed)
    at = 0
    while at < len(data):
        step = rng.randint(1, 300 * 1024)
        yield data[at : at + step]
        at += step


def leftovers(store: LocalStore, key: str) -> list[str]:
    """Files in the key's folder other than the object itself (partial uploads)."""
    target = store.path(key)
    return [p.name for p in target.parent.iterdir() if p != target]


def test_a_many_block_upload_is_stored_byte_for_byte(store: LocalStore):
    data = os.urandom(SIZE)
    size = run(store.put_upload("a/upload.bin", uneven_chunks(data), "audio/mp3", max_bytes=SIZE))
    assert size == SIZE
    assert run(read_all(store, "a/upload.bin")) == data
    assert leftovers(store, "a/upload.bin") == []


def test_content_md5_is_checked_over_every_block(store: LocalStore):
    data = os.urandom(SIZE)
    good = hashlib.md5(data).hexdigest()
    run(store.put_upload("a/x.bin", uneven_chunks(data), "audio/mp3", max_bytes=SIZE,
                         expected_md5=good))
    assert run(read_all(store, "a/x.bin")) == data

    # the same body with one byte changed in the middle of a block the writer thread hashed
    changed = bytearray(data)
    changed[UPLOAD_BLOCK * 2 + 5] ^= 0xFF
    with pytest.raises(UploadDigestMismatch):
        run(
            store.put_upload(
                "a/x.bin", uneven_chunks(bytes(changed)), "audio/mp3", max_bytes=SIZE,
                expected_md5=good,
            )
        )
    assert run(read_all(store, "a/x.bin")) == data  # the earlier object, untouched
    assert leftovers(store, "a/x.bin") == []


def test_too_large_after_many_blocks_keeps_the_earlier_object(store: LocalStore):
    first = b"first version"
    run(store.put_upload("a/y.bin", uneven_chunks(first), "audio/mp3", max_bytes=100))
    with pytest.raises(UploadTooLarge):
        run(store.put_upload("a/y.bin", uneven_chunks(os.urandom(SIZE)), "audio/mp3",
                             max_bytes=SIZE - 1))
    assert run(read_all(store, "a/y.bin")) == first
    assert leftovers(store, "a/y.bin") == []


def test_a_body_that_fails_mid_stream_leaves_no_partial_file(store: LocalStore):
    async def broken() -> AsyncIterator[bytes]:
        async for chunk in uneven_chunks(os.urandom(SIZE)):
            yield chunk
        raise ConnectionResetError("client went away")

    with pytest.raises(ConnectionResetError):
        run(store.put_upload("a/z.bin", broken(), "audio/mp3", max_bytes=SIZE * 2))
    assert not run(store.exists("a/z.bin"))
    assert leftovers(store, "a/z.bin") == []
