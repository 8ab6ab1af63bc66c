"""The behaviour every blob store shares, run against the local folder and a moto S3 bucket."""

from __future__ import annotations

import hashlib
import os
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from podium.storage import BlobNotFound, BlobStore, LocalStore
from podium.storage.s3 import PART_SIZE, S3Store
from tests.storage.conftest import S3Server, read_all, run

MiB = 1024 * 1024


async def agen(*chunks: bytes) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk


def test_put_stream_round_trip_from_async_and_sync_iterators(store: BlobStore, key: str):
    assert run(store.put_stream(key, agen(b"id,score\n", b"", b"1,97\n"), "text/csv")) == 14
    assert run(read_all(store, key)) == b"id,score\n1,97\n"

    assert run(store.put_stream(key, iter([b"replaced", bytearray(b"!")]), "text/csv")) == 9
    assert run(read_all(store, key)) == b"replaced!"


def test_put_file_round_trip(store: BlobStore, key: str, tmp_path: Path):
    source = tmp_path / "export.zip"
    data = os.urandom(300_000)
    source.write_bytes(data)
    assert run(store.put_file(key, source, "application/zip")) == len(data)
    assert run(read_all(store, key)) == data
    assert run(store.exists(key))


def test_empty_stream_stores_an_empty_object(store: BlobStore, key: str):
    assert run(store.put_stream(key, agen(), "text/csv")) == 0
    assert run(store.exists(key))
    assert run(read_all(store, key)) == b""


def test_20_mib_stream_in_small_chunks(store: BlobStore, key: str, s3_server: S3Server):
    block = os.urandom(64 * 1024)

    def chunks() -> Iterator[bytes]:
        for i in range(320):  # 20 MiB in 64 KiB chunks
            yield bytes([i % 256]) + block[1:]

    expected = hashlib.sha256(b"".join(chunks())).hexdigest()
    assert run(store.put_stream(key, chunks(), "application/zip")) == 20 * MiB
    assert hashlib.sha256(run(read_all(store, key))).hexdigest() == expected

    url = store.download_url(key, filename="export.zip", content_type="application/zip")
    response = httpx.get(url, timeout=30)
    assert response.status_code == 200
    assert hashlib.sha256(response.content).hexdigest() == expected
    if isinstance(store, S3Store):
        # a multipart object's ETag ends with its part count: 8 + 8 + 4 MiB
        etag = s3_server.client.head_object(Bucket=s3_server.bucket, Key=key)["ETag"]
        assert etag.strip('"').endswith(f"-{-(-20 * MiB // PART_SIZE)}")


@pytest.mark.parametrize(
    ("filename", "disposition"),
    [
        ("total_scores.zip", 'attachment; filename="total_scores.zip"'),
        (
            'Qualité "mars" 2026.csv',
            "attachment; filename=\"Qualit_ _mars_ 2026.csv\"; "
            "filename*=UTF-8''Qualit%C3%A9%20%22mars%22%202026.csv",
        ),
    ],
)
def test_download_url_needs_no_token(store: BlobStore, key: str, filename: str, disposition: str):
    run(store.put_stream(key, agen(b"a,b\n1,2\n"), "text/csv"))
    url = store.download_url(
        key,
        filename=filename,
        content_type="text/csv; charset=utf-8",
        expires_in=timedelta(minutes=5),
    )
    assert url.startswith("http://127.0.0.1:")
    response = httpx.get(url, timeout=30)  # a plain GET: no apitoken header
    assert response.status_code == 200
    assert response.content == b"a,b\n1,2\n"
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == disposition


def test_exists_and_delete(store: BlobStore, key: str):
    assert not run(store.exists(key))
    run(store.put_stream(key, agen(b"x"), "text/plain"))
    assert run(store.exists(key))
    run(store.delete(key))
    assert not run(store.exists(key))
    with pytest.raises(BlobNotFound):
        run(store.open(key))
    run(store.delete(key))  # deleting what is gone is not an error


def test_failed_stream_leaves_no_object_and_no_upload(
    store: BlobStore, key: str, s3_server: S3Server
):
    run(store.put_stream(key, agen(b"previous"), "text/csv"))

    async def broken() -> AsyncIterator[bytes]:
        for _ in range(10):  # 10 MiB: past the first S3 part
            yield b"\0" * MiB
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError, match="database went away"):
        run(store.put_stream(key, broken(), "text/csv"))
    assert run(read_all(store, key)) == b"previous"  # the old object is untouched
    if isinstance(store, S3Store):
        uploads = s3_server.client.list_multipart_uploads(Bucket=s3_server.bucket, Prefix=key)
        assert uploads.get("Uploads", []) == []  # aborted, not left to accrue storage
    else:
        assert isinstance(store, LocalStore)
        assert sorted(p.name for p in store.path(key).parent.iterdir()) == ["export.zip"]


@pytest.mark.parametrize(
    "bad_key",
    ["", "/etc/passwd", "../secret.key", "a/../../b", "a/..", "a\\b", "a//b", "./a", "a b",
     "caf\u00e9", "a?b", "a\nb", "x" * 1025],
)
def test_unsafe_keys_are_refused(store: BlobStore, bad_key: str, tmp_path: Path):
    source = tmp_path / "f"
    source.write_bytes(b"x")
    with pytest.raises(ValueError):
        run(store.put_stream(bad_key, agen(b"x"), "text/plain"))
    with pytest.raises(ValueError):
        run(store.put_file(bad_key, source, "text/plain"))
    with pytest.raises(ValueError):
        run(store.open(bad_key))
    with pytest.raises(ValueError):
        run(store.exists(bad_key))
    with pytest.raises(ValueError):
        run(store.delete(bad_key))
    with pytest.raises(ValueError):
        store.download_url(bad_key, filename="f.csv", content_type="text/csv")


@pytest.mark.parametrize(
    ("filename", "content_type", "expires_in"),
    [
        ("a\r\nSet-Cookie: x=1", "text/csv", timedelta(hours=1)),
        ("../f.csv", "text/csv", timedelta(hours=1)),
        ("f.csv", "text/csv\r\nX-Evil: 1", timedelta(hours=1)),
        ("f.csv", "csv", timedelta(hours=1)),
        ("f.csv", "text/csv", timedelta(0)),
        ("f.csv", "text/csv", timedelta(days=8)),
    ],
)
def test_download_url_refuses_header_injection_and_bad_lifetimes(
    store: BlobStore, key: str, filename: str, content_type: str, expires_in: timedelta
):
    with pytest.raises(ValueError):
        store.download_url(key, filename=filename, content_type=content_type, expires_in=expires_in)
