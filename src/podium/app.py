"""create_app(settings) -> FastAPI: middleware, error handlers, routers."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel
from sqlalchemy import text
from swagger_ui_bundle import swagger_ui_path

from podium import __version__
from podium.agents import router as agents_router
from podium.attachments import router as attachments_router
from podium.audit import router as audit_router
from podium.auth import router as auth_router
from podium.coaching import router as coaching_router
from podium.config import Settings
from podium.db import create_engine, create_read_sessionmaker, create_sessionmaker, read_engine
from podium.errors import ERROR_RESPONSES, ErrorBody, error_response, install_error_handlers
from podium.exports import router as exports_router
from podium.grading import router as grading_router
from podium.jobs.runtime import bind_jobs_engine, start_job_worker
from podium.observability import (
    RequestContextMiddleware,
    configure_logging,
    metrics_response,
    record_rate_limited,
)
from podium.ratelimit import RateLimitMiddleware, make_storage, parse_limits
from podium.storage.router import BodyLimitExceptUploads
from podium.storage.router import router as files_router
from podium.text_guard import StorableTextMiddleware
from podium.tickets import router as tickets_router

DESCRIPTION = """
Podium speaks the MaestroQA REST API under `/api/v1` (same paths, JSON, status codes, pagination
and rate limits) and adds an extension API under `/api/podium/v1` for what MaestroQA does in its
web app. Send your token in the `apitoken` header. Every error has the `ErrorBody` shape.
"""

HEALTH_TIMEOUT = 5.0


class Health(BaseModel):
    status: str
    database: str
    version: str


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    configure_logging(settings.log_format, settings.log_level)
    limits = parse_limits(settings.rate_limits)
    engine = create_engine(settings)
    bind_jobs_engine(engine, settings)
    storage = make_storage(settings.redis_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.auto_migrate:
            from podium.migrations import upgrade

            await asyncio.to_thread(upgrade, settings.effective_database_url)
        job_worker = await start_job_worker(settings, app.state.sessionmaker)
        yield
        if job_worker is not None:
            await job_worker.stop()
        await engine.dispose()

    app = FastAPI(
        title="Podium API",
        version=__version__,
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = create_sessionmaker(engine)
    app.state.read_sessionmaker = create_read_sessionmaker(engine)
    install_error_handlers(app)

    for module in (
        tickets_router,
        agents_router,
        coaching_router,
        exports_router,
        attachments_router,
    ):
        app.include_router(module.router, prefix="/api/v1")
    for module in (
        auth_router,
        agents_router,
        tickets_router,
        coaching_router,
        audit_router,
        grading_router,
        exports_router,
        attachments_router,
    ):
        app.include_router(module.ext_router, prefix="/api/podium/v1")

    app.include_router(files_router)  # signed download links, no token
    _add_operational_routes(app)
    _document_errors(app)

    # added last = outermost: request id and log line around everything, then the rate limit
    # (a refused request is not made to send its body), then the body limit, then the text guard
    # (it reads JSON bodies whole, so they must be bounded first)
    app.add_middleware(StorableTextMiddleware)
    app.add_middleware(BodyLimitExceptUploads, max_bytes=settings.max_body_bytes)
    app.add_middleware(
        RateLimitMiddleware,
        limits=limits,
        storage=storage,
        secret=settings.effective_secret_key,
        on_reject=record_rate_limited,
    )
    app.add_middleware(RequestContextMiddleware)
    return app


def _add_operational_routes(app: FastAPI) -> None:
    app.mount("/static/swagger", StaticFiles(directory=swagger_ui_path), name="swagger")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        # served from the installed swagger-ui bundle: the page works with no internet
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="Podium API",
            swagger_js_url="/static/swagger/swagger-ui-bundle.js",
            swagger_css_url="/static/swagger/swagger-ui.css",
            swagger_favicon_url="/static/swagger/favicon-32x32.png",
            # the default sends the spec to an online validator: nothing leaves this server
            swagger_ui_parameters={"validatorUrl": None},
        )

    @app.get(
        "/healthz",
        tags=["operations"],
        response_model=Health,
        responses={503: {"model": ErrorBody, "description": "The database does not answer"}},
    )
    async def healthz(request: Request) -> Health | JSONResponse:
        """200 when the database answers within 5 seconds, 503 when it does not."""
        try:
            async with asyncio.timeout(HEALTH_TIMEOUT):
                # no transaction: on SQLite a health check must not queue for the write lock
                async with read_engine(app.state.engine).connect() as conn:
                    await conn.execute(text("SELECT 1"))
        except Exception as exc:
            reason = "timed out" if isinstance(exc, TimeoutError) else type(exc).__name__
            return error_response(
                503,
                f"database unreachable: {reason}",
                [("database", f"unreachable: {reason}")],
                request.scope.get("state", {}).get("request_id"),
            )
        return Health(status="ok", database="ok", version=__version__)

    app.add_api_route("/metrics", metrics_response, methods=["GET"], include_in_schema=False)


def _document_errors(app: FastAPI) -> None:
    """Document the one error shape everywhere in the OpenAPI spec.

    FastAPI documents its own 422 body (`HTTPValidationError`); Podium answers `ErrorBody` for
    every error, so the spec says so: 422 and any 5xx on every operation, 401 and 429 on the API,
    400/413/415 wherever a body is read.
    """

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = FastAPI.openapi(app)
        ref = {"$ref": "#/components/schemas/ErrorBody"}
        describe = {code: spec["description"] for code, spec in ERROR_RESPONSES.items()}

        def error(description: str) -> dict[str, Any]:
            return {"description": description, "content": {"application/json": {"schema": ref}}}

        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        error_schema = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, definition in error_schema.pop("$defs", {}).items():
            schemas.setdefault(name, definition)
        schemas.setdefault("ErrorBody", error_schema)
        for path, item in schema.get("paths", {}).items():
            for method, operation in item.items():
                if method not in ("get", "put", "post", "delete", "patch", "head", "options"):
                    continue
                responses = operation.setdefault("responses", {})
                if "422" in responses:
                    responses["422"] = error(describe[422])
                if path.startswith("/api/"):
                    for code in (401, 429):
                        responses.setdefault(str(code), error(describe[code]))
                if "requestBody" in operation:
                    for code in (400, 413, 415, 422):
                        responses.setdefault(str(code), error(describe[code]))
                responses.setdefault("5XX", error("Unexpected server error"))
        for unused in ("HTTPValidationError", "ValidationError"):  # the second is in the first
            if f'"#/components/schemas/{unused}"' not in json.dumps(schema):
                schemas.pop(unused, None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def create_app_from_env() -> FastAPI:
    """Factory for `uvicorn --factory` (used by `podium serve`)."""
    return create_app(Settings())
