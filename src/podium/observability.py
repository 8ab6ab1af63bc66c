"""Request ids, one log line per request, and Prometheus metrics."""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import sys
import time
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from podium import clock
from podium.errors import error_response
from podium.wire import format_utc

log = logging.getLogger("podium.access")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

REGISTRY = CollectorRegistry(auto_describe=True)
REQUESTS = Counter(
    "podium_http_requests_total",
    "HTTP requests by route template, method and status",
    ["method", "route", "status"],
    registry=REGISTRY,
)
LATENCY = Histogram(
    "podium_http_request_duration_seconds",
    "HTTP request latency by route template",
    ["method", "route"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
    registry=REGISTRY,
)
RATE_LIMITED = Counter(
    "podium_rate_limit_rejections_total",
    "Requests refused with 429 by route template",
    ["route"],
    registry=REGISTRY,
)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": format_utc(clock.now()),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        data.update(getattr(record, "fields", {}))
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        return json.dumps(data, default=str)


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = f"{format_utc(clock.now())} {record.levelname} {record.name} {record.getMessage()}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


def configure_logging(fmt: str = "text", level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root = logging.getLogger("podium")
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    root.propagate = False


def uvicorn_log_config(fmt: str = "text") -> dict[str, Any]:
    """uvicorn's own messages (bind errors, shutdown) in Podium's format, so that with
    PODIUM_LOG_FORMAT=json every line on stderr is one JSON object."""
    formatter = "JsonFormatter" if fmt == "json" else "TextFormatter"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"podium": {"()": f"podium.observability.{formatter}"}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "podium",
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
            # Podium writes its own access line (without query strings)
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }


def _route_templates(app: Any) -> list[tuple[re.Pattern[str], str]]:
    """(regex, full path template) for every route, in matching order; built once per app.

    Taken from the OpenAPI paths (full templates, whatever way routers were included) and the
    app's own top-level routes (`/docs`, `/metrics`, static mounts).
    """
    cached = getattr(app.state, "route_templates", None)
    if cached is not None:
        return cached
    templates: list[str] = []
    try:
        templates.extend(app.openapi().get("paths", {}))
    except Exception:  # a broken schema must not break metrics
        log.warning("no OpenAPI paths for route templates", exc_info=True)
    for route in getattr(app, "routes", []):
        template = getattr(route, "path_format", None)
        if template and getattr(route, "path_regex", None) is not None:
            templates.append(template)
    seen: set[str] = set()
    table = []
    for template in templates:
        if template not in seen:
            seen.add(template)
            table.append((compile_path(template)[0], template))
    app.state.route_templates = table
    return table


def route_template(scope: Scope) -> str:
    """The path template of the route a request is for (`/api/v1/todos/{id}`), never the raw
    path; also when the router never ran (429, 413). Paths that match no route are counted
    together as `unmatched`, so scanning for URLs cannot grow the metrics without bound."""
    app = scope.get("app")
    if app is None or not hasattr(app, "state"):
        return "unmatched"
    path = scope["path"]
    for regex, template in _route_templates(app):
        if regex.match(path):
            return template
    return "unmatched"


class RequestContextMiddleware:
    """Outermost middleware: a request id for every request, a log line and metrics after it.

    An incoming `X-Request-ID` of up to 64 safe characters is kept (so a proxy's id follows the
    request), any other is replaced; the id is echoed in the `X-Request-ID` response header and
    in every error body. The log line never holds the query string, headers or body: tokens
    travel there.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = None
        for name, value in scope.get("headers", []):
            if name == b"x-request-id":
                incoming = value.decode("latin-1")
        request_id = incoming if incoming and _REQUEST_ID.match(incoming) else secrets.token_hex(8)
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_wrapper(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status = message["status"]
                response_started = True
                headers = [
                    (k, v) for k, v in message.get("headers", []) if k.lower() != b"x-request-id"
                ]
                headers.append((b"x-request-id", request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        except Exception as exc:
            logging.getLogger("podium.errors").error(
                "unhandled error on %s %s rid=%s",
                scope["method"],
                scope["path"],
                request_id,
                exc_info=exc,
            )
            if response_started:
                raise
            # the one error shape, with the request id, instead of the server's bare text
            await error_response(500, "internal error", None, request_id)(
                scope, receive, send_wrapper
            )
        finally:
            elapsed = time.perf_counter() - started
            route = route_template(scope)
            method = scope["method"]
            REQUESTS.labels(method, route, str(status)).inc()
            LATENCY.labels(method, route).observe(elapsed)
            fields = {
                "request_id": request_id,
                "method": method,
                "path": scope["path"],  # the query string is left out: it may carry secrets
                "route": route,
                "status": status,
                "duration_ms": round(elapsed * 1000, 2),
                "token_id": scope.get("state", {}).get("token_id"),
            }
            log.info(
                "%s %s %s %.1fms rid=%s",
                method,
                scope["path"],
                status,
                elapsed * 1000,
                request_id,
                extra={"fields": fields},
            )


def record_rate_limited(scope: Scope) -> None:
    RATE_LIMITED.labels(route_template(scope)).inc()


def metrics_response(_request: Request) -> Response:
    registry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
