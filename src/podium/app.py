"""create_app(settings) -> FastAPI: middleware, error handlers, routers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text
from swagger_ui_bundle import swagger_ui_path

from podium import __version__
from podium.agents import router as agents_router
from podium.auth import router as auth_router
from podium.body_limit import BodyLimitMiddleware
from podium.coaching import router as coaching_router
from podium.config import Settings
from podium.db import create_engine, create_sessionmaker
from podium.errors import ERROR_RESPONSES, ErrorBody, install_error_handlers
from podium.observability import (
    RequestContextMiddleware,
    configure_logging,
    metrics_response,
    record_rate_limited,
)
from podium.ratelimit import RateLimitMiddleware, make_storage, parse_limits
from podium.tickets import router as tickets_router

DESCRIPTION = """
Podium speaks the MaestroQA REST API under `/api/v1` (same paths, JSON, status codes, pagination
and rate limits) and adds an extension API under `/api/podium/v1` for what MaestroQA does in its
web app. Send your token in the `apitoken` header. Every error has the `ErrorBody` shape.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    configure_logging(settings.log_format, settings.log_level)
    limits = parse_limits(settings.rate_limits)
    engine = create_engine(settings)
    storage = make_storage(settings.redis_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.auto_migrate:
            from podium.migrations import upgrade

            await asyncio.to_thread(upgrade, settings.effective_database_url)
        yield
        await engine.dispose()

    app = FastAPI(
        title="Podium API",
        version=__version__,
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
        responses={401: ERROR_RESPONSES[401], 429: ERROR_RESPONSES[429]},
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = create_sessionmaker(engine)
    install_error_handlers(app)

    for module in (tickets_router, agents_router, coaching_router):
        app.include_router(module.router, prefix="/api/v1")
    for module in (auth_router, agents_router, tickets_router, coaching_router):
        app.include_router(module.ext_router, prefix="/api/podium/v1")

    _add_operational_routes(app)

    # added last = outermost
    app.add_middleware(
        RateLimitMiddleware,
        limits=limits,
        storage=storage,
        secret=settings.effective_secret_key,
        on_reject=record_rate_limited,
    )
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
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
        )

    @app.get("/healthz", tags=["operations"], responses={503: {"model": ErrorBody}})
    async def healthz() -> JSONResponse:
        """200 when the database answers, 503 when it does not."""
        try:
            async with app.state.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception as exc:
            return JSONResponse(
                {"status": "unavailable", "database": f"unreachable: {type(exc).__name__}"},
                status_code=503,
            )
        return JSONResponse({"status": "ok", "database": "ok", "version": __version__})

    app.add_api_route("/metrics", metrics_response, methods=["GET"], include_in_schema=False)


def create_app_from_env() -> FastAPI:
    """Factory for `uvicorn --factory` (used by `podium serve`)."""
    return create_app(Settings())
