"""GET /files/{key}: downloads of the local store, authorised by the link's signature alone."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import FileResponse, Response

from podium import clock
from podium.errors import ERROR_RESPONSES, ErrorBody, error_response
from podium.storage.base import content_disposition
from podium.storage.local import LocalStore

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
            [(name, "is required") for name, value in (
                ("expires", expires), ("filename", filename),
                ("content_type", content_type), ("signature", signature),
            ) if value is None],
            request_id,
        )
    if not store.verify(
        key, expires=expires, filename=filename, content_type=content_type, given=signature
    ):
        return error_response(
            403, "the link's signature does not match", [("signature", "does not match")],
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
