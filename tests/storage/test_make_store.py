"""Choosing the store from settings, and the base URL of local links."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from pydantic import ValidationError
from starlette.requests import Request

from podium.config import Settings
from podium.storage import LocalStore, base_url_for, make_store
from podium.storage.s3 import S3Store
from tests.conftest import TEST_SECRET
from tests.storage.conftest import S3Server

SECRET = {"secret_key": TEST_SECRET}


def request_to(host: str, scheme: str = "http", root_path: str = "") -> Request:
    return Request(
        {
            "type": "http",
            "method": "POST",
            "scheme": scheme,
            "server": (host, 443 if scheme == "https" else 80),
            "path": "/api/v1/request-raw-export",
            "root_path": root_path,
            "query_string": b"",
            "headers": [(b"host", host.encode())],
        }
    )


def test_base_url_prefers_public_url(tmp_path: Path):
    settings = Settings(data_dir=tmp_path, public_url="https://qa.example.com/", **SECRET)
    assert base_url_for(request_to("10.0.0.5:8000"), settings) == "https://qa.example.com"


def test_base_url_falls_back_to_the_request(tmp_path: Path):
    settings = Settings(data_dir=tmp_path, **SECRET)
    assert base_url_for(request_to("qa.internal:8000"), settings) == "http://qa.internal:8000"
    assert (
        base_url_for(request_to("qa.example.com", "https", "/podium"), settings)
        == "https://qa.example.com/podium"
    )


def test_local_store_by_default(tmp_path: Path):
    store = make_store(Settings(data_dir=tmp_path, **SECRET), base_url="http://h:1")
    assert isinstance(store, LocalStore)
    assert store.root == tmp_path / "files"
    assert store.download_url("a.csv", filename="a.csv", content_type="text/csv").startswith(
        "http://h:1/files/a.csv?"
    )
    with pytest.raises(ValueError, match="PODIUM_PUBLIC_URL"):
        make_store(Settings(data_dir=tmp_path, **SECRET))


def test_s3_store_when_a_bucket_is_named(tmp_path: Path, s3_server: S3Server):
    settings = Settings(
        data_dir=tmp_path,
        s3_bucket=s3_server.bucket,
        s3_endpoint_url=s3_server.endpoint_url,
        s3_region="us-east-1",
        s3_access_key_id="testing-access-key",
        s3_secret_access_key="testing-secret-key",
        **SECRET,
    )
    assert settings.storage_backend == "s3"
    store = make_store(settings)
    assert isinstance(store, S3Store)
    assert store.bucket == s3_server.bucket
    assert "testing-secret-key" not in repr(settings)
    forced_local = settings.model_copy(update={"storage": "local"})
    assert isinstance(make_store(forced_local, base_url="http://h:1"), LocalStore)


@pytest.mark.parametrize(
    "values",
    [
        {"storage": "s3"},
        {"s3_bucket": "b", "s3_access_key_id": "only-the-id"},
        {"s3_bucket": "b", "s3_endpoint_url": "s3.example.com"},
    ],
)
def test_incomplete_s3_settings_are_refused(tmp_path: Path, values: dict):
    with pytest.raises(ValidationError):
        Settings(data_dir=tmp_path, **SECRET, **values)


def test_presigned_url_carries_its_lifetime(s3_server: S3Server):
    """moto does not enforce X-Amz-Expires (checked in moto 5.2: no code reads it), so the
    lifetime is asserted on the signed URL; S3 itself refuses the URL after it."""
    url = s3_server.store().download_url(
        "a/b.csv", filename="b.csv", content_type="text/csv", expires_in=timedelta(minutes=10)
    )
    query = parse_qs(urlsplit(url).query)
    assert query["X-Amz-Expires"] == ["600"]
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert "response-content-disposition" in query
    assert "X-Amz-Signature" in query
