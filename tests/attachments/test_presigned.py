"""The presigned URL flow on both stores: create, PUT as the reference's example does, read back.

What S3 itself enforces on a presigned PUT (signature, expiry, signed headers) is tested on the
local store, where Podium enforces it; the moto server the S3 tests run against accepts any
presigned request (it checks neither SigV4 query signatures nor their expiry), so for S3 the
tests check what Podium controls: the URL signs `Content-Type` and
`x-amz-server-side-encryption` and lives 600 seconds. See docs/attachments.md.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
import requests

from podium import clock
from tests.attachments import sigv4
from tests.attachments.conftest import UPLOAD_MAX_BYTES, Podium, attachment
from tests.factories import create_agent, create_ticket
from tests.helpers import Api
from tests.storage.conftest import CREDENTIALS

MP3 = b"ID3\x03\x00\x00\x00" + bytes(range(256)) * 40


def create(api: Api, ticket_id: str, **fields: Any) -> dict[str, Any]:
    payload = {"ticket_id": ticket_id, "content_type": "audio/mp3", **fields}
    r = api.post(api.v1 + "/attachments", json=payload)
    assert r.status_code == 200, r.text
    return r.json()


def put(url: str, data: bytes, content_type: str = "audio/mp3", **headers: str) -> Any:
    """The reference's upload: requests.put with Content-Type and x-amz-server-side-encryption."""
    upload_headers = {"Content-Type": content_type, "x-amz-server-side-encryption": "AES256"}
    upload_headers.update(headers)
    return requests.put(url, data=data, headers=upload_headers, timeout=30)


def s3_error(response: Any) -> str:
    """The `Code` of an S3-style XML error body."""
    assert response.headers["content-type"].startswith("application/xml"), response.text
    match = re.search(r"<Error>.*<Code>([^<]+)</Code>.*</Error>", response.text, re.S)
    assert match, response.text
    return match.group(1)


def download(api: Api, ticket_id: str, attachment_id: str) -> httpx.Response:
    found = attachment(api, ticket_id, attachment_id)
    assert found["downloadUrl"], found
    response = httpx.get(found["downloadUrl"])  # no token: the link carries its authority
    assert response.status_code == 200, response.text
    return response


def test_the_reference_example_end_to_end(podium: Podium, api: Api, ticket: dict, tmp_path):
    """The reference's Python example, line for line, against Podium."""
    url = api.base_url.join(api.v1 + "/attachments")
    payload = {
        "ticket_id": ticket["ticket_id"],
        "timestamp": "2022-12-13T05:00:00Z",
        "content_type": "audio/mp3",
    }
    headers = {"apitoken": api.token}
    response = requests.post(str(url), json=payload, headers=headers, timeout=30)
    assert response.status_code == 200
    presigned_url = response.json().get("presigned_url")
    attachment_id = response.json()["id"]
    assert set(response.json()) == {"id", "presigned_url"}
    assert len(attachment_id) == 17  # generated

    path = tmp_path / "path_to_your_file.mp3"
    path.write_bytes(MP3)
    with open(path, "rb") as file:
        upload_headers = {"Content-Type": "audio/mp3", "x-amz-server-side-encryption": "AES256"}
        upload_response = requests.put(presigned_url, data=file, headers=upload_headers)
    assert upload_response.status_code == 200, upload_response.text
    assert re.fullmatch(r'"[0-9a-f]{32}"', upload_response.headers["ETag"])
    assert upload_response.headers["x-amz-server-side-encryption"] == "AES256"

    found = attachment(api, ticket["ticket_id"], attachment_id)
    assert found["status"] == "stored"
    assert found["sizeBytes"] == len(MP3)
    assert found["timestamp"] == "2022-12-13T05:00:00.000Z"
    got = download(api, ticket["ticket_id"], attachment_id)
    assert got.content == MP3
    assert got.headers["content-type"] == "audio/mp3"
    assert got.headers["content-disposition"] == f'attachment; filename="{attachment_id}"'
    if podium.store == "s3":
        head = podium.s3.client.head_object(  # type: ignore[union-attr]
            Bucket=podium.s3.bucket,  # type: ignore[union-attr]
            Key=urlsplit(presigned_url).path.split("/", 2)[2],
        )
        assert head["ServerSideEncryption"] == "AES256"
        assert head["ContentType"] == "audio/mp3"


def test_httpx_streamed_upload_and_a_second_put_replaces_the_file(api: Api, ticket: dict):
    created = create(api, ticket["ticket_id"], id="call-7", content_type="audio/mpeg")

    def chunks():
        for _ in range(8):
            yield b"a" * 10_000

    first = httpx.put(
        created["presigned_url"],
        content=b"".join(chunks()),
        headers={"Content-Type": "audio/mpeg", "x-amz-server-side-encryption": "AES256"},
    )
    assert first.status_code == 200, first.text
    assert attachment(api, ticket["ticket_id"], "call-7")["sizeBytes"] == 80_000

    second = put(created["presigned_url"], b"shorter", content_type="audio/mpeg")
    assert second.status_code == 200, second.text
    found = attachment(api, ticket["ticket_id"], "call-7")
    assert found["status"] == "stored"
    assert found["sizeBytes"] == 7
    got = download(api, ticket["ticket_id"], "call-7")
    assert got.content == b"shorter"
    assert got.headers["content-disposition"] == 'attachment; filename="call-7.mp3"'


def test_before_the_put_the_attachment_awaits_its_upload(api: Api, ticket: dict):
    created = create(api, ticket["ticket_id"], id="later")
    found = attachment(api, ticket["ticket_id"], "later")
    assert found["status"] == "awaiting_upload"
    assert found["downloadUrl"] is None
    assert found["sizeBytes"] is None
    r = api.get(f"{api.ext}/tickets/{ticket['ticket_id']}/attachments/later/download")
    assert r.status_code == 404
    assert "no file has been uploaded" in r.json()["message"]
    assert put(created["presigned_url"], b"now").status_code == 200
    r = api.get(
        f"{api.ext}/tickets/{ticket['ticket_id']}/attachments/later/download",
        follow_redirects=False,
    )
    assert r.status_code == 307
    assert httpx.get(r.headers["location"]).content == b"now"


# --- what a presigned PUT refuses ---------------------------------------------------------------


@pytest.fixture
def local_api(podiums: Any) -> Api:
    """An account on the local store, where Podium itself serves (and refuses) the PUT."""
    local = podiums("local", True)
    client = local.api()
    yield client
    client.close()


@pytest.fixture
def local_ticket(local_api: Api) -> dict:
    return create_ticket(local_api, [create_agent(local_api)["agentId"]])


def with_query(url: str, **changes: str | None) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    for name, value in changes.items():
        if value is None:
            query.pop(name)
        else:
            query[name] = value
    return parts._replace(query=urlencode(query)).geturl()


LOCAL_TAMPERING = [
    {"signature": "0" * 64},
    {"content_type": "text/html"},
    {"max_bytes": str(10**12)},
    {"expires": "99999999999"},
]


def test_refusals_are_s3_xml_403s(podium: Podium, api: Api, ticket: dict):
    created = create(api, ticket["ticket_id"], id="guarded")
    url = created["presigned_url"]
    if podium.store == "s3":
        # S3 refuses the PUTs below because these headers are signed; moto does not check
        # signatures, so what is asserted is that they are signed (the values are those given
        # at creation: the test above stored a file with them), and
        # test_s3_would_refuse_what_the_local_store_refuses checks the signature as S3 does
        query = parse_qs(urlsplit(url).query)
        assert query["X-Amz-SignedHeaders"] == ["content-type;host;x-amz-server-side-encryption"]
        assert query["X-Amz-Expires"] == ["600"]
        assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
        return
    sse_only = {"x-amz-server-side-encryption": "AES256", "Content-Type": ""}
    cases = [
        ("wrong content type", put(url, MP3, content_type="audio/mpeg")),
        ("content type in other case", put(url, MP3, content_type="Audio/MP3")),
        ("no encryption header", requests.put(url, MP3, headers={"Content-Type": "audio/mp3"})),
        ("other encryption", put(url, MP3, **{"x-amz-server-side-encryption": "aws:kms"})),
        ("no content type", requests.put(url, data=MP3, headers=sse_only)),
    ]
    for what, response in cases:
        assert response.status_code == 403, what
        assert s3_error(response) == "SignatureDoesNotMatch", what
    assert "content-type" in cases[0][1].text  # the error says which header
    assert attachment(api, ticket["ticket_id"], "guarded")["status"] == "awaiting_upload"


def test_s3_would_refuse_what_the_local_store_refuses(s3_podium: Podium):
    """The S3 store's URL, checked with SigV4 as S3 checks it (tests/attachments/sigv4.py): the
    reference's PUT passes; other headers, a changed URL, or a URL past 10 minutes do not."""
    api = s3_podium.api()
    ticket = create_ticket(api, [create_agent(api)["agentId"]])
    url = create(api, ticket["ticket_id"], id="sigv4")["presigned_url"]
    good = {"Content-Type": "audio/mp3", "x-amz-server-side-encryption": "AES256"}
    now = datetime.now(UTC)

    def check(url: str = url, headers: dict | None = None, at: datetime = now) -> str | None:
        headers = good if headers is None else headers
        return sigv4.refusal("PUT", url, headers, secret_key=CREDENTIALS[1], now=at)

    assert check() is None
    assert check(at=now + timedelta(minutes=9, seconds=50)) is None
    assert check(at=now + timedelta(minutes=10, seconds=61)) == "AccessDenied: Request has expired"
    assert check(url.replace("/attachments/", "/attachmentz/")) == "SignatureDoesNotMatch"
    assert check(with_query(url, **{"X-Amz-Signature": "0" * 64})) == "SignatureDoesNotMatch"
    assert check(with_query(url, **{"X-Amz-Expires": "604800"})) == "SignatureDoesNotMatch"
    assert check(headers={**good, "Content-Type": "audio/mpeg"}) == "SignatureDoesNotMatch"
    assert check(headers={**good, "x-amz-server-side-encryption": "aws:kms"}) == (
        "SignatureDoesNotMatch"
    )
    assert check(headers={"Content-Type": "audio/mp3"}).startswith("SignatureDoesNotMatch")
    assert check(headers={"x-amz-server-side-encryption": "AES256"}).startswith(
        "SignatureDoesNotMatch"
    )
    # and S3 takes the reference's PUT (moto stands in for it here)
    assert put(url, MP3).status_code == 200


@pytest.mark.parametrize("change", LOCAL_TAMPERING)
def test_a_tampered_url_is_refused(local_api: Api, local_ticket: dict, change: dict):
    api, ticket = local_api, local_ticket
    created = create(api, ticket["ticket_id"], id="tamper")
    response = put(with_query(created["presigned_url"], **change), MP3)
    assert response.status_code == 403
    assert s3_error(response) == "SignatureDoesNotMatch"


def test_a_url_for_another_key_or_an_incomplete_url_is_refused(local_api: Api, local_ticket: dict):
    api, ticket = local_api, local_ticket
    one = create(api, ticket["ticket_id"], id="one")["presigned_url"]
    two = create(api, ticket["ticket_id"], id="two")["presigned_url"]
    swapped = urlsplit(one)._replace(query=urlsplit(two).query).geturl()
    response = put(swapped, MP3)
    assert (response.status_code, s3_error(response)) == (403, "SignatureDoesNotMatch")
    response = put(with_query(one, signature=None), MP3)
    assert (response.status_code, s3_error(response)) == (403, "AccessDenied")
    assert "signature" in response.text
    # a download link's signature does not authorise a PUT
    for name in ("one", "two"):
        assert attachment(api, ticket["ticket_id"], name)["status"] == "awaiting_upload"


@pytest.mark.usefixtures("frozen_clock")
def test_the_url_expires_after_10_minutes(local_api: Api, local_ticket: dict):
    api, ticket = local_api, local_ticket
    created = create(api, ticket["ticket_id"], id="expiring")
    clock.advance(timedelta(minutes=10))
    assert put(created["presigned_url"], b"in time").status_code == 200
    clock.advance(timedelta(seconds=1))
    response = put(created["presigned_url"], b"too late")
    assert response.status_code == 403
    assert s3_error(response) == "AccessDenied"
    assert "<Message>Request has expired</Message>" in response.text
    assert download(api, ticket["ticket_id"], "expiring").content == b"in time"


def test_the_s3_url_is_dated_now_and_lives_600_seconds(podium: Podium, api: Api, ticket: dict):
    created = create(api, ticket["ticket_id"], id="dated")
    query = parse_qs(urlsplit(created["presigned_url"]).query)
    if podium.store == "local":
        assert abs(int(query["expires"][0]) - (clock.timestamp() + 600)) <= 2
        return
    from datetime import UTC, datetime

    signed_at = datetime.strptime(query["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    assert abs((datetime.now(UTC) - signed_at).total_seconds()) < 60
    assert query["X-Amz-Expires"] == ["600"]


def test_a_file_over_the_upload_limit_is_not_kept(podium: Podium, api: Api, ticket: dict):
    created = create(api, ticket["ticket_id"], id="huge")
    big = b"x" * (UPLOAD_MAX_BYTES + 1)
    response = put(created["presigned_url"], big)
    if podium.store == "local":
        # refused from its Content-Length, before anything is stored
        assert response.status_code == 413
        assert s3_error(response) == "EntityTooLarge"
        assert attachment(api, ticket["ticket_id"], "huge")["status"] == "awaiting_upload"
        # and counted while streaming when it has no length
        response = requests.put(
            created["presigned_url"],
            data=iter([big[:1_000_000], big[1_000_000:]]),
            headers={"Content-Type": "audio/mp3", "x-amz-server-side-encryption": "AES256"},
        )
        assert response.status_code == 413
        assert s3_error(response) == "EntityTooLarge"
        assert attachment(api, ticket["ticket_id"], "huge")["status"] == "awaiting_upload"
    else:
        # a presigned S3 PUT cannot bound the size: the file is removed when Podium sees it
        assert response.status_code == 200
        found = attachment(api, ticket["ticket_id"], "huge")
        assert found["status"] == "failed"
        assert str(UPLOAD_MAX_BYTES) in found["error"]
        assert found["downloadUrl"] is None
        s3 = podium.s3
        assert s3 is not None
        key = urlsplit(created["presigned_url"]).path.split("/", 2)[2]
        assert "Contents" not in s3.client.list_objects_v2(Bucket=s3.bucket, Prefix=key)
    # a file within the limit, PUT while the URL is valid, is taken
    assert put(created["presigned_url"], b"small").status_code == 200
    assert attachment(api, ticket["ticket_id"], "huge")["status"] == "stored"


def test_a_content_md5_is_checked(local_api: Api, local_ticket: dict):
    """As S3: a PUT with Content-MD5 is stored only if the body has that MD5 (the ETag is then
    the MD5); a mismatch leaves the earlier file in place."""
    api, ticket = local_api, local_ticket
    url = create(api, ticket["ticket_id"], id="digest")["presigned_url"]
    digest = hashlib.md5(MP3).digest()
    good = put(url, MP3, **{"Content-MD5": base64.b64encode(digest).decode()})
    assert good.status_code == 200, good.text
    assert good.headers["ETag"] == f'"{digest.hex()}"'
    other = base64.b64encode(hashlib.md5(b"other").digest()).decode()
    bad = put(url, b"tampered in transit", **{"Content-MD5": other})
    assert (bad.status_code, s3_error(bad)) == (400, "BadDigest")
    invalid = put(url, b"x", **{"Content-MD5": "not base64!"})
    assert (invalid.status_code, s3_error(invalid)) == (400, "InvalidDigest")
    assert download(api, ticket["ticket_id"], "digest").content == MP3


def test_a_put_is_streamed_not_buffered(podium: Podium, api: Api, ticket: dict):
    """A body larger than PODIUM_MAX_BODY_BYTES (10 MiB) goes through: uploads are bounded by
    their own limit, and streamed to the store."""
    created = create(api, ticket["ticket_id"], id="stream")
    assert podium.settings.max_body_bytes < UPLOAD_MAX_BYTES
    data = io.BytesIO(b"y" * (UPLOAD_MAX_BYTES - 10))
    response = requests.put(
        created["presigned_url"],
        data=data,
        headers={"Content-Type": "audio/mp3", "x-amz-server-side-encryption": "AES256"},
    )
    assert response.status_code == 200, response.text
    assert attachment(api, ticket["ticket_id"], "stream")["sizeBytes"] == UPLOAD_MAX_BYTES - 10
