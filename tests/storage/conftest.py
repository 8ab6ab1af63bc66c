"""Both blob stores, under one fixture: the local folder served by the test server, and a bucket
on a real moto S3 server listening on loopback."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from podium.config import Settings
from podium.storage import BlobStore, LocalStore
from podium.storage.s3 import S3Store
from tests.conftest import LiveServer, free_port

REGION = "us-east-1"
CREDENTIALS = ("testing-access-key", "testing-secret-key")


class S3Server:
    def __init__(self, endpoint_url: str, bucket: str):
        self.endpoint_url = endpoint_url
        self.bucket = bucket
        self.client: Any = boto3.client(
            "s3",
            endpoint_url=endpoint_url,
            region_name=REGION,
            aws_access_key_id=CREDENTIALS[0],
            aws_secret_access_key=CREDENTIALS[1],
        )

    def store(self) -> S3Store:
        return S3Store(self.bucket, self.endpoint_url, REGION, CREDENTIALS)


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    port = free_port()
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    moto.start()
    s3 = S3Server(f"http://127.0.0.1:{port}", f"podium-test-{secrets.token_hex(4)}")
    s3.client.create_bucket(Bucket=s3.bucket)
    yield s3
    moto.stop()


def local_store(settings: Settings, server: LiveServer) -> LocalStore:
    return LocalStore(settings.data_dir / "files", server.url, settings.effective_secret_key)


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, settings: Settings, server: LiveServer) -> BlobStore:
    if request.param == "local":
        return local_store(settings, server)
    return request.getfixturevalue("s3_server").store()


@pytest.fixture
def key() -> str:
    """A key of this test's own (the stores are shared by the session)."""
    return f"tests/{secrets.token_hex(8)}/export.zip"


def run(awaitable: Any) -> Any:
    return asyncio.run(awaitable)


async def read_all(store: BlobStore, key: str) -> bytes:
    return b"".join([chunk async for chunk in await store.open(key)])
