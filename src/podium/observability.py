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
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from podium import clock
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


def route_template(scope: Scope) -> str:
    """The matched route's path template (`/api/v1/todos/{id}`), never the raw path."""
    route = scope.get("route")
    if route is not None and hasattr(route, "path"):
        return route.path
    app = scope.get("app")
    for candidate in getattr(getattr(app, "router", None), "routes", []):
        match, _ = candidate.matches(scope)
        if match == Match.FULL:
            return getattr(candidate, "path", "unmatched")
    return "unmatched"


class RequestContextMiddleware:
    """Outermost middleware: a request id for every request, a log line and metrics after it."""

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

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
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
