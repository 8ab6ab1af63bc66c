"""Links to the local store: signed, expiring, served by GET /files/{key} without a token."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from podium import clock
from podium.config import Settings
from podium.storage.local import LocalStore, signature, signing_key
from tests.conftest import LiveServer
from tests.storage.conftest import local_store, run
from tests.storage.test_stores import agen


@pytest.fixture
def store(settings: Settings, server: LiveServer) -> LocalStore:
    return local_store(settings, server)


def link(store: LocalStore, key: str, **kwargs) -> str:
    run(store.put_stream(key, agen(b"score\n97\n"), "text/csv"))
    return store.download_url(key, filename="scores.csv", content_type="text/csv", **kwargs)


def with_query(url: str, **changes: str | None) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    for name, value in changes.items():
        if value is None:
            query.pop(name)
        else:
            query[name] = value
    return parts._replace(query=urlencode(query)).geturl()


def assert_error(response: httpx.Response, status: int, param: str) -> None:
    assert response.status_code == status
    body = response.json()
    assert body["status"] == status
    assert [e["param"] for e in body["errors"]] == [param]


def test_link_is_signed_and_carries_its_fields(store: LocalStore, key: str, server: LiveServer):
    url = link(store, key, expires_in=timedelta(minutes=10))
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == server.url
    assert parts.path == f"/files/{key}"
    query = parse_qs(parts.query)
    assert query["filename"] == ["scores.csv"]
    assert query["content_type"] == ["text/csv"]
    assert abs(int(query["expires"][0]) - (clock.timestamp() + 600)) <= 2
    assert len(query["signature"][0]) == 64


@pytest.mark.parametrize(
    "change",
    [
        {"signature": "0" * 64},
        {"signature": "not-hex"},
        {"filename": "other.csv"},  # the name and type are signed too
        {"content_type": "text/html"},
        {"expires": "99999999999"},  # a later expiry does not carry the old signature
    ],
)
def test_tampered_link_is_403(store: LocalStore, key: str, change: dict):
    url = with_query(link(store, key), **change)
    response = httpx.get(url)
    assert_error(response, 403, "signature")
    assert "content-disposition" not in response.headers  # the file was not sent


@pytest.mark.parametrize("missing", ["signature", "expires", "filename", "content_type"])
def test_incomplete_link_is_403(store: LocalStore, key: str, missing: str):
    assert_error(httpx.get(with_query(link(store, key), **{missing: None})), 403, missing)


def test_link_for_another_key_is_403(store: LocalStore, key: str):
    url = link(store, key)
    run(store.put_stream(key + ".other", agen(b"secret"), "text/csv"))
    other = url.replace(f"/files/{key}?", f"/files/{key}.other?")
    assert_error(httpx.get(other), 403, "signature")


def test_link_expires_on_the_podium_clock(store: LocalStore, key: str):
    clock.freeze()
    url = link(store, key, expires_in=timedelta(minutes=10))
    clock.advance(timedelta(minutes=10))
    assert httpx.get(url).status_code == 200  # still valid at its last second
    clock.advance(timedelta(seconds=1))
    response = httpx.get(url)
    assert_error(response, 403, "expires")
    assert "expired" in response.json()["message"]


def test_deleted_file_is_404(store: LocalStore, key: str):
    url = link(store, key)
    run(store.delete(key))
    assert_error(httpx.get(url), 404, "key")


def test_head_answers_like_get_without_a_body(store: LocalStore, key: str):
    response = httpx.head(link(store, key))
    assert response.status_code == 200
    assert response.headers["content-length"] == "9"
    assert response.content == b""


# a plain "../" never leaves the client (URLs are normalised); encoded dots and slashes do
@pytest.mark.parametrize(
    "raw_key", ["..%2Foutside.txt", "%2E%2E/outside.txt", "%2e%2e%2foutside.txt"]
)
def test_traversal_is_not_served_even_when_signed(
    settings: Settings, server: LiveServer, raw_key: str
):
    """Defence in depth: a key outside the store is refused even with a valid signature."""
    (settings.data_dir / "files").mkdir(exist_ok=True)
    (settings.data_dir / "outside.txt").write_text("not for download")
    fields = {"expires": str(int(clock.timestamp()) + 600), "filename": "s", "content_type": "a/b"}
    fields["signature"] = signature(
        signing_key(settings.effective_secret_key), blob_key="../outside.txt", **fields
    )
    # sent raw, so the client does not normalise the dots away
    with httpx.Client(base_url=server.url) as client:
        request = client.build_request("GET", "/")
        raw_path = f"/files/{raw_key}?{urlencode(fields)}".encode()
        request.url = request.url.copy_with(raw_path=raw_path)
        response = client.send(request)
    assert_error(response, 404, "key")
