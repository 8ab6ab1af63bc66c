"""GET /files/{key}: downloads of the local store, authorised by the link's signature alone;
PUT /files/{key}: uploads to it through presigned URLs, answered as S3 answers them."""

from __future__ import annotations

import base64
import binascii
import secrets
from datetime import UTC, datetime
from xml.sax.saxutils import escape

from fastapi import APIRouter, Request
from starlette.responses import FileResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from podium import clock
from podium.body_limit import BodyLimitMiddleware
from podium.errors import ERROR_RESPONSES, ErrorBody, error_response
from podium.storage.base import SSE_ALGORITHM, SSE_HEADER, content_disposition
from podium.storage.local import LocalStore, UploadDigestMismatch, UploadTooLarge

router = APIRouter(tags=["files"])


@router.head("/files/{key:path}", include_in_schema=False)
@router.get(
    "/files/{key:path}",
    response_class=FileResponse,
    responses={
        200: {"description": "The file, as an attachment", "content": {"*/*": {}}},
        403: {"model": ErrorBody, "description": "Missing or wrong signature, or expired link"},
        404: ERROR_RESPONSES[404],
    },
)
async def download_file(
    request: Request,
    key: str,
    expires: str | None = None,
    filename: str | None = None,
    content_type: str | None = None,
    signature: str | None = None,
) -> Response:
    """Download a file through a link Podium handed out (an export's `dataUrl`, an attachment).

    No API token: the link carries its authority (`expires`, `filename`, `content_type` and an
    HMAC-SHA256 `signature` over them and the key), as an S3 presigned URL does. Any change to
    the link, or use after `expires` (Unix seconds), is 403; a file deleted since is 404.
    """
    request_id = request.scope.get("state", {}).get("request_id")
    settings = request.app.state.settings
    store = LocalStore(
        settings.data_dir / "files", str(request.base_url), settings.effective_secret_key
    )
    if expires is None or filename is None or content_type is None or signature is None:
        return error_response(
            403,
            "this link is incomplete: it needs expires, filename, content_type and signature",
            [
                (name, "is required")
                for name, value in (
                    ("expires", expires),
                    ("filename", filename),
                    ("content_type", content_type),
                    ("signature", signature),
                )
                if value is None
            ],
            request_id,
        )
    if not store.verify(
        key, expires=expires, filename=filename, content_type=content_type, given=signature
    ):
        return error_response(
            403,
            "the link's signature does not match",
            [("signature", "does not match")],
            request_id,
        )
    # a valid signature implies an integer expiry and a valid key; checked again all the same
    if not expires.isdigit() or int(expires) < clock.timestamp():
        return error_response(403, "this link has expired", [("expires", "is past")], request_id)
    try:
        path = store.path(key)
    except ValueError:
        path = None
    if path is None or not path.is_file():
        return error_response(404, "the file no longer exists", [("key", "not found")], request_id)
    return FileResponse(
        path,
        media_type=content_type,
        headers={"Content-Disposition": content_disposition(filename), "Cache-Control": "private"},
    )


# --- presigned uploads -------------------------------------------------------------------------

_S3_MISMATCH = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your key and signing method."
)
# a refused upload's body is read and dropped up to this size, so that the client, still
# sending, reads the answer instead of a reset connection; past it the connection is closed
_DRAIN_LIMIT = 1024 * 1024


def s3_error(
    status: int, code: str, message: str, request_id: str | None, **extra: str
) -> Response:
    """An error body in S3's XML shape (`<Error><Code>...`), which S3 clients parse."""
    fields = {"Code": code, "Message": message, **extra, "RequestId": request_id or ""}
    body = "".join(f"<{name}>{escape(value)}</{name}>" for name, value in fields.items())
    return Response(
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Error>{body}</Error>',
        status_code=status,
        media_type="application/xml",
    )


async def _drain(request: Request) -> bool:
    """Read and drop a refused body if it is small; False when the connection must close."""
    declared = request.headers.get("content-length", "")
    if not declared.isdigit() or int(declared) > _DRAIN_LIMIT:
        return False
    async for _ in request.stream():
        pass
    return True


async def _refuse(request: Request, response: Response) -> Response:
    if not await _drain(request):
        response.headers["Connection"] = "close"
    return response


# not in the OpenAPI spec: its answers are S3's XML, not the API's JSON, and its URLs are made
# by Podium (an attachment's `presigned_url`), never built by clients
@router.put(
    "/files/{key:path}",
    include_in_schema=False,
    responses={
        200: {"description": "Stored (an earlier object under the key is replaced)"},
        403: {
            "description": "S3-style XML error: SignatureDoesNotMatch (a changed link, or a "
            "Content-Type or x-amz-server-side-encryption header other than the link's) or "
            "AccessDenied (an incomplete or expired link)",
            "content": {"application/xml": {}},
        },
        413: {
            "description": "S3-style XML error EntityTooLarge: the body is over the link's limit",
            "content": {"application/xml": {}},
        },
    },
)
async def upload_file(
    request: Request,
    key: str,
    expires: str | None = None,
    content_type: str | None = None,
    max_bytes: str | None = None,
    signature: str | None = None,
) -> Response:
    """Upload a file through a presigned URL Podium handed out (an attachment's
    `presigned_url`), as one would to S3: no API token, the body is the file, with the
    `Content-Type` given when the URL was made and `x-amz-server-side-encryption: AES256`.

    Refusals are S3's: 403 `SignatureDoesNotMatch` for a changed link or other headers, 403
    `AccessDenied` for an incomplete link or one past `expires` (on the server's clock); 413
    `EntityTooLarge` above the link's `max_bytes`. A second PUT replaces the object. The
    answer carries the object's `ETag` (the MD5 of its bytes, quoted, as S3 gives it).
    """
    request_id = request.scope.get("state", {}).get("request_id")
    settings = request.app.state.settings
    store = LocalStore(
        settings.data_dir / "files", str(request.base_url), settings.effective_secret_key
    )
    given = {
        "expires": expires,
        "content_type": content_type,
        "max_bytes": max_bytes,
        "signature": signature,
    }
    missing = [name for name, value in given.items() if value is None]
    if missing:
        return await _refuse(
            request,
            s3_error(
                403,
                "AccessDenied",
                "Query-string authentication requires the expires, content_type, max_bytes "
                f"and signature parameters; missing: {', '.join(missing)}",
                request_id,
            ),
        )
    assert expires is not None and content_type is not None and max_bytes is not None
    assert signature is not None
    if not store.verify_upload(
        key, expires=expires, content_type=content_type, max_bytes=max_bytes, given=signature
    ):
        return await _refuse(
            request, s3_error(403, "SignatureDoesNotMatch", _S3_MISMATCH, request_id)
        )
    now = clock.timestamp()
    if not expires.isdigit() or int(expires) < now:
        return await _refuse(
            request,
            s3_error(
                403,
                "AccessDenied",
                "Request has expired",
                request_id,
                Expires=_iso(int(expires) if expires.isdigit() else 0),
                ServerTime=_iso(now),
            ),
        )
    # the headers the link was signed for, compared as S3 compares signed headers (exactly,
    # surrounding spaces aside)
    for header, expected in (("content-type", content_type), (SSE_HEADER, SSE_ALGORITHM)):
        sent = request.headers.get(header)
        if sent is None or sent.strip() != expected:
            why = f"missing {header} header" if sent is None else f"{header} is not {expected!r}"
            return await _refuse(
                request,
                s3_error(
                    403,
                    "SignatureDoesNotMatch",
                    f"{_S3_MISMATCH} ({why}: this URL was made for {header}: {expected})",
                    request_id,
                ),
            )
    limit = int(max_bytes)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return await _refuse(request, _too_large(limit, int(declared), request_id))
    try:
        store.path(key)
    except ValueError:
        # only a key Podium signed gets here, and it signs only valid keys: defence in depth
        return await _refuse(request, s3_error(403, "AccessDenied", "Access Denied", request_id))

    # S3 checks a Content-MD5 when one is sent (400 BadDigest); Podium hashes only then: MD5
    # would cost more than the rest of the upload put together
    given_md5 = request.headers.get("content-md5")
    expected_md5: str | None = None
    if given_md5 is not None:
        try:
            expected_md5 = base64.b64decode(given_md5, validate=True).hex()
        except (binascii.Error, ValueError):
            expected_md5 = ""
        if len(expected_md5) != 32:
            return await _refuse(
                request,
                s3_error(
                    400, "InvalidDigest", "The Content-MD5 you specified was invalid.", request_id
                ),
            )
    try:
        await store.put_upload(
            key, request.stream(), content_type, max_bytes=limit, expected_md5=expected_md5
        )
    except UploadTooLarge:
        response = _too_large(limit, None, request_id)
        response.headers["Connection"] = "close"
        return response
    except UploadDigestMismatch:
        return s3_error(
            400,
            "BadDigest",
            "The Content-MD5 you specified did not match what we received.",
            request_id,
        )
    # an opaque validator: the MD5 of the body when the client sent Content-MD5 (as S3
    # answers), else a random tag that changes with every upload
    etag = expected_md5 or secrets.token_hex(16)
    return Response(status_code=200, headers={"ETag": f'"{etag}"', SSE_HEADER: SSE_ALGORITHM})


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _too_large(limit: int, size: int | None, request_id: str | None) -> Response:
    extra = {"MaxSizeAllowed": str(limit)}
    if size is not None:
        extra["ProposedSize"] = str(size)
    return s3_error(
        413,
        "EntityTooLarge",
        "Your proposed upload exceeds the maximum allowed size",
        request_id,
        **extra,
    )


class BodyLimitExceptUploads:
    """PODIUM_MAX_BODY_BYTES for every request but presigned uploads (`PUT /files/...`), whose
    bodies are streamed to the store and bounded by their signed `max_bytes` instead."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.limited = BodyLimitMiddleware(app, max_bytes=max_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] == "PUT"
            and scope["path"].startswith("/files/")
        ):
            await self.app(scope, receive, send)
            return
        await self.limited(scope, receive, send)
