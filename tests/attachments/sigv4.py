"""An independent check of an S3 presigned URL (AWS Signature Version 4, query-string auth), the
way S3 checks one before it accepts a request: written from AWS's published algorithm, not with
the library that signs Podium's URLs, so that a test can show which requests S3 would refuse
(moto, the S3 server of the tests, does not verify presigned signatures)."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, quote, urlsplit


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def _encode(text: str) -> str:
    return quote(text, safe="-_.~")


def refusal(
    method: str,
    url: str,
    headers: dict[str, str],
    *,
    secret_key: str,
    now: datetime,
) -> str | None:
    """Why S3 would refuse this request (`SignatureDoesNotMatch`, `AccessDenied: expired`), or
    None when it would accept it. `headers` are the headers the client sends (besides Host)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    params = dict(query)
    if params.get("X-Amz-Algorithm") != "AWS4-HMAC-SHA256":
        return "AccessDenied: not a SigV4 presigned URL"
    signed_at = datetime.strptime(params["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    if now > signed_at + timedelta(seconds=int(params["X-Amz-Expires"])):
        return "AccessDenied: Request has expired"

    sent = {name.lower(): value.strip() for name, value in headers.items()}
    sent["host"] = parts.netloc
    signed_names = params["X-Amz-SignedHeaders"].split(";")
    if any(name not in sent for name in signed_names):
        return "SignatureDoesNotMatch: a signed header is missing"
    canonical_headers = "".join(f"{name}:{sent[name]}\n" for name in signed_names)
    canonical_query = "&".join(
        f"{_encode(k)}={_encode(v)}" for k, v in sorted(query) if k != "X-Amz-Signature"
    )
    canonical_request = "\n".join(
        (
            method,
            parts.path,  # already URI-encoded as sent
            canonical_query,
            canonical_headers,
            params["X-Amz-SignedHeaders"],
            "UNSIGNED-PAYLOAD",
        )
    )
    _access_key, date, region, service, terminal = params["X-Amz-Credential"].split("/")
    scope = f"{date}/{region}/{service}/{terminal}"
    string_to_sign = "\n".join(
        (
            "AWS4-HMAC-SHA256",
            params["X-Amz-Date"],
            scope,
            hashlib.sha256(canonical_request.encode()).hexdigest(),
        )
    )
    key = _hmac(("AWS4" + secret_key).encode(), date)
    for part in (region, service, terminal):
        key = _hmac(key, part)
    expected = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, params.get("X-Amz-Signature", "")):
        return "SignatureDoesNotMatch"
    return None
