"""HTTP <-> service for exports: the MaestroQA endpoints (`/api/v1`) and the extension API's
list and read (`/api/podium/v1/exports`)."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response

from podium.auth.dependencies import CurrentPrincipal
from podium.db import SessionDep
from podium.errors import ERROR_RESPONSES, BadRequest, Invalid
from podium.exports import service
from podium.exports.schemas import (
    AuditLogExportRequest,
    ExportData,
    ExportRead,
    ExportRequested,
    GroupsExportRequest,
    RawExportRequest,
)
from podium.pagination import PageDep
from podium.storage import BlobStore, base_url_for, make_store
from podium.wire import Page

router = APIRouter(tags=["exports"])
ext_router = APIRouter(tags=["exports"])

# a poll's answer changes while the export runs: no cache may keep it, and one widely used
# connector caches GET answers by URL alone unless told the answer varies with everything
POLL_HEADERS = {"Vary": "*", "Cache-Control": "no-store"}


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {code: ERROR_RESPONSES[code] for code in codes}


async def export_body(request: Request) -> dict[str, Any]:
    """The JSON body ({} when there is none). The export endpoints accept the token as
    `apiToken` in it, for backward compatibility, when no `apitoken` header is sent."""
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise BadRequest("request body is not valid JSON", [("body", "not valid JSON")]) from None
    if not isinstance(body, dict):
        raise Invalid.param("body", "must be a JSON object")
    token = body.get("apiToken")
    if isinstance(token, str) and token:
        request.scope.setdefault("state", {})["body_api_token"] = token
    return body


# declared before the principal, so the body's token is known when the token is checked
ExportBody = Annotated[dict[str, Any], Depends(export_body)]


def link_store(request: Request) -> BlobStore:
    """The store download links are made with: S3 (one client per app), or the local store
    with links based on PODIUM_PUBLIC_URL or this request's URL."""
    settings = request.app.state.settings
    if settings.storage_backend == "s3":
        store = getattr(request.app.state, "export_link_store", None)
        if store is None:
            store = make_store(settings)
            request.app.state.export_link_store = store
        return store  # type: ignore[no-any-return]
    return make_store(settings, base_url=base_url_for(request, settings))


@router.post(
    "/request-raw-export",
    response_model=ExportRequested,
    summary="Request a raw export",
    responses=_errors(400, 422),
)
async def request_raw_export(
    body: ExportBody, principal: CurrentPrincipal, session: SessionDep, data: RawExportRequest
) -> ExportRequested:
    """Asks for an export of the grades last updated from `startDate` (included) to `endDate`
    (excluded). Answers **200** `{"exportId": "id_..."}` at once; poll `get-export-data`.

    The result is a zip of `total_scores.csv`, `section_scores.csv`, `individual_answers.csv`,
    `annotations.csv` and `csat.csv`, or the one CSV `singleFileExport` names. Submitted grades
    only (drafts are not exported). `includeCalibrations`: `none` (default), `all`, `only`;
    `includeGraderQA`, `includeDeleted`: default false. An `endDate` before `startDate`, an
    unknown enum value or a non-boolean is a 422 naming the parameter. Columns and formats:
    docs/exports.md.
    """
    export = await service.request_raw_export(session, actor=principal.actor, data=data)
    return ExportRequested(exportId=export.id)


@router.post(
    "/request-groups-export",
    response_model=ExportRequested,
    summary="Request an agent groups export",
    responses=_errors(400, 422),
)
async def request_groups_export(
    body: ExportBody,
    principal: CurrentPrincipal,
    session: SessionDep,
    data: GroupsExportRequest | None = None,
) -> ExportRequested:
    """Asks for a CSV of the agent groups and their members, one row per (group, agent):
    `group_name, group_id, agent_name, agent_email, agent_ids, available`. Available agents
    only unless `includeUnavailable` is true. The body may be left out. Answers **200**
    `{"exportId": "id_..."}`."""
    export = await service.request_groups_export(
        session, actor=principal.actor, data=data or GroupsExportRequest()
    )
    return ExportRequested(exportId=export.id)


@router.post(
    "/request-audit-log-export",
    response_model=ExportRequested,
    summary="Request an audit log export",
    responses=_errors(400, 422),
)
async def request_audit_log_export(
    body: ExportBody,
    principal: CurrentPrincipal,
    session: SessionDep,
    data: AuditLogExportRequest,
) -> ExportRequested:
    """Asks for a CSV of the activity log entries made from `startDate` (included) to `endDate`
    (excluded), oldest first: `activity_id, time_stamp, user_email, item_type, action_type,
    description, ip_address`. Answers **200** `{"exportId": "id_..."}`."""
    export = await service.request_audit_log_export(session, actor=principal.actor, data=data)
    return ExportRequested(exportId=export.id)


def _export_id(body: dict[str, Any], header: str | None, query: str | None) -> str:
    given: list[tuple[str, Any]] = [
        (where, value)
        for where, value in (("body", body.get("exportId")), ("header", header), ("query", query))
        if value is not None
    ]
    if not given:
        raise Invalid.param(
            "exportId",
            "is required: send it in a JSON body, an exportId header or ?exportId=",
        )
    for where, value in given:
        if not isinstance(value, str) or not value.strip():
            raise Invalid.param("exportId", f"must be a non-empty string (in the {where})")
    values = {value.strip() for _, value in given}
    if len(values) > 1:
        places = " and ".join(where for where, _ in given)
        raise Invalid.param("exportId", f"the {places} name different exports")
    return values.pop()


# documented, not declared: FastAPI reads no body on a GET, `export_body` does
_POLL_BODY = {
    "requestBody": {
        "required": False,
        "description": "The export's id (as the reference sends it), and optionally the token",
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "exportId": {"type": "string", "examples": ["id_z3A4qrYyYqcC5vMQ9"]},
                        "apiToken": {"type": "string"},
                    },
                }
            }
        },
    }
}


@router.get(
    "/get-export-data",
    response_model=ExportData,
    summary="Get an export's status and data",
    responses=_errors(400, 404, 422),
    openapi_extra=_POLL_BODY,
)
async def get_export_data(
    body: ExportBody,
    principal: CurrentPrincipal,
    session: SessionDep,
    request: Request,
    response: Response,
    exportId: Annotated[
        str | None, Query(description="The export's id (or send it in the body or a header)")
    ] = None,
    export_id_header: Annotated[
        str | None, Header(alias="exportId", description="The export's id, as a header")
    ] = None,
) -> ExportData:
    """`{"status", "dataUrl"}` of an export. The id may come in a JSON body on this GET (as
    the reference documents it: `{"exportId": "..."}`), in an `exportId` header, or as
    `?exportId=`; two places naming different ids are a 422. `status` is `requested`,
    `in_progress`, `complete` or `errored`; `dataUrl` is a link valid for an hour (no token
    needed) when complete with data, else `""`. 404 for an unknown id or another account's
    export. Answers carry `Vary: *` and `Cache-Control: no-store`."""
    export_id = _export_id(body, export_id_header, exportId)
    export = await service.get_export(session, account_id=principal.account_id, export_id=export_id)
    response.headers.update(POLL_HEADERS)
    return service.export_data(export, link_store(request))


@router.get(
    "/export-data/{export_id}",
    response_model=ExportData,
    summary="Get an export's status and data",
    responses=_errors(404),
)
async def export_data(
    body: ExportBody,
    principal: CurrentPrincipal,
    session: SessionDep,
    request: Request,
    response: Response,
    export_id: Annotated[str, Path(description="The export's id")],
) -> ExportData:
    """The newer form of `get-export-data`: the same answer, the id in the path."""
    export = await service.get_export(session, account_id=principal.account_id, export_id=export_id)
    response.headers.update(POLL_HEADERS)
    return service.export_data(export, link_store(request))


# extension API


@ext_router.get(
    "/exports",
    response_model=Page[ExportRead],
    summary="List exports",
    responses=_errors(422),
)
async def list_exports(
    principal: CurrentPrincipal, session: SessionDep, page: PageDep, request: Request
) -> Page[ExportRead]:
    """A page of the account's exports of every kind, in a stable order (by id), with their
    parameters, row counts, errors and download links."""
    return await service.list_exports(
        session, account_id=principal.account_id, page=page, store=link_store(request)
    )


@ext_router.get(
    "/exports/{export_id}",
    response_model=ExportRead,
    summary="Get an export",
    responses=_errors(404),
)
async def get_export(
    principal: CurrentPrincipal,
    session: SessionDep,
    request: Request,
    response: Response,
    export_id: Annotated[str, Path(description="The export's id")],
) -> ExportRead:
    """One export in full: what was asked, where it stands, why it failed if it did."""
    export = await service.get_export(session, account_id=principal.account_id, export_id=export_id)
    response.headers.update(POLL_HEADERS)
    return service.export_read(export, link_store(request))
