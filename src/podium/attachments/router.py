"""HTTP <-> service for attachments: `POST /api/v1/attachments` and the extension API's reads."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import RedirectResponse

from podium.attachments import service
from podium.attachments.schemas import AttachmentCreate, AttachmentCreated, AttachmentRead
from podium.auth.dependencies import CurrentPrincipal
from podium.db import SessionDep
from podium.errors import ERROR_RESPONSES
from podium.pagination import PageDep
from podium.storage import BlobStore, base_url_for, make_store
from podium.wire import Page

router = APIRouter(tags=["attachments"])
ext_router = APIRouter(tags=["attachments"])


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {code: ERROR_RESPONSES[code] for code in codes}


def link_store(request: Request) -> BlobStore:
    """The store links are made with: S3 (one client per app), or the local store with links
    based on PODIUM_PUBLIC_URL or this request's URL."""
    settings = request.app.state.settings
    if settings.storage_backend == "s3":
        store = getattr(request.app.state, "attachment_link_store", None)
        if store is None:
            store = make_store(settings)
            request.app.state.attachment_link_store = store
        return store  # type: ignore[no-any-return]
    return make_store(settings, base_url=base_url_for(request, settings))


async def limits(request: Request) -> service.Limits:
    settings = request.app.state.settings
    return service.Limits(
        max_upload_bytes=settings.attachment_max_upload_bytes,
        allow=settings.attachment_fetch_allowed,
    )


StoreDep = Annotated[BlobStore, Depends(link_store)]
LimitsDep = Annotated[service.Limits, Depends(limits)]
TicketIdPath = Annotated[str, Path(description="The ticket's `ticket_id`")]
AttachmentIdPath = Annotated[str, Path(description="The attachment's `id`")]


@router.post(
    "/attachments",
    response_model=AttachmentCreated,
    response_model_exclude_none=True,
    summary="Create an attachment",
    responses=_errors(400, 404, 409, 422),
)
async def create_attachment(
    principal: CurrentPrincipal,
    session: SessionDep,
    data: AttachmentCreate,
    store: StoreDep,
    limits: LimitsDep,
) -> AttachmentCreated:
    """Attaches a file to a ticket, as an attachment comment on its timeline (at `timestamp`,
    default now). Answers **200** (as `POST /comments`) with the attachment's `id`.

    - **Presigned URL flow** (no `url`): the answer also has `presigned_url`. PUT the file there
      within 10 minutes with the `Content-Type` given here and `x-amz-server-side-encryption:
      AES256`, as to S3 (another type, a missing header, a changed or expired URL: 403 with an
      S3 XML error); a second PUT replaces the file. At most PODIUM_ATTACHMENT_MAX_UPLOAD_BYTES.
    - **URL flow** (`url`): Podium fetches the file in the background (following redirects, at
      most PODIUM_ATTACHMENT_FETCH_MAX_BYTES, retried with back-off when the server fails). It
      fetches only from public addresses: a URL naming a loopback, private, link-local or
      metadata address is a 422 now; a name resolving to one (or a redirect to one) fails the
      fetch. Follow it with `GET /api/podium/v1/tickets/{ticket_id}/attachments/{id}`.
    - `ticket_id` unknown in the account: 404. `id` already an attachment of the ticket: 409.
      `content_type` must be a MIME type (`audio/mp3`).
    """
    return await service.create_attachment(
        session, actor=principal.actor, data=data, store=store, limits=limits
    )


@ext_router.get(
    "/tickets/{ticket_id:path}/attachments/{attachment_id}/download",
    response_class=RedirectResponse,
    status_code=307,
    summary="Download an attachment",
    responses={307: {"description": "To a signed link to the file"}, **_errors(404)},
)
async def download_attachment(
    principal: CurrentPrincipal,
    session: SessionDep,
    ticket_id: TicketIdPath,
    attachment_id: AttachmentIdPath,
    store: StoreDep,
    limits: LimitsDep,
) -> RedirectResponse:
    """Redirects (307) to a signed link to the file (valid for an hour, no token needed),
    served with the attachment's content type and `Content-Disposition: attachment`. 404 while
    the attachment has no file (`awaiting_upload`, `pending`, `failed`), naming why."""
    url = await service.download_url(
        session,
        account_id=principal.account_id,
        ticket_id=ticket_id,
        attachment_id=attachment_id,
        store=store,
        limits=limits,
    )
    return RedirectResponse(url, status_code=307, headers={"Cache-Control": "no-store"})


@ext_router.get(
    "/tickets/{ticket_id:path}/attachments/{attachment_id}",
    response_model=AttachmentRead,
    summary="Get an attachment",
    responses=_errors(404),
)
async def get_attachment(
    principal: CurrentPrincipal,
    session: SessionDep,
    ticket_id: TicketIdPath,
    attachment_id: AttachmentIdPath,
    store: StoreDep,
    limits: LimitsDep,
) -> AttachmentRead:
    """An attachment of a ticket: its `status` (`awaiting_upload`, `pending`, `stored`,
    `failed` with `error`), size, and, once stored, a signed `downloadUrl`."""
    return await service.get_attachment(
        session,
        account_id=principal.account_id,
        ticket_id=ticket_id,
        attachment_id=attachment_id,
        store=store,
        limits=limits,
    )


@ext_router.get(
    "/tickets/{ticket_id:path}/attachments",
    response_model=Page[AttachmentRead],
    summary="List a ticket's attachments",
    responses=_errors(404, 422),
)
async def list_attachments(
    principal: CurrentPrincipal,
    session: SessionDep,
    ticket_id: TicketIdPath,
    page: PageDep,
    store: StoreDep,
    limits: LimitsDep,
) -> Page[AttachmentRead]:
    """A page of the ticket's attachments in timeline order (`timestamp`, then creation).
    404 if the ticket is unknown."""
    return await service.list_attachments(
        session,
        account_id=principal.account_id,
        ticket_id=ticket_id,
        page=page,
        store=store,
        limits=limits,
    )
