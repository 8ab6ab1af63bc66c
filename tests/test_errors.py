"""One JSON error shape for every error, and bad input is never a 5xx."""

from __future__ import annotations

import asyncio
import json
import logging

import httpx
import pytest

from podium.app import create_app
from podium.errors import ErrorBody
from tests.conftest import make_settings

AGENTS = "/api/v1/agents"
ERROR_KEYS = {"status", "error", "message", "errors", "requestId"}


def error_body(r: httpx.Response, status: int, error: str) -> ErrorBody:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/json"
    data = r.json()
    assert set(data) == ERROR_KEYS
    body = ErrorBody.model_validate(data)
    assert body.status == status and body.error == error
    assert body.requestId == r.headers["x-request-id"]
    return body


@pytest.mark.parametrize("path", ["/api/v1/no-such-thing", "/api/podium/v1/nope/1", "/nothing"])
def test_unknown_path_is_404(api, path):
    body = error_body(api.get(path), 404, "not_found")
    assert body.message == f"no such endpoint: GET {path}"


def test_wrong_method_is_405_naming_the_allowed_ones(api, anon):
    r = api.delete(api.v1 + "/todos")
    body = error_body(r, 405, "method_not_allowed")
    assert "GET" in r.headers["allow"]
    assert body.message.startswith("method DELETE not allowed on /api/v1/todos")
    error_body(anon.post("/healthz"), 405, "method_not_allowed")


def test_missing_token_is_401(anon):
    body = error_body(anon.get("/api/v1/todos"), 401, "unauthorized")
    assert "apitoken" in body.message


def test_malformed_json_is_400(api):
    r = api.post(AGENTS, content=b'{"email": "a@example.com",', headers=_json)
    body = error_body(r, 400, "bad_request")
    assert body.message.startswith("request body is not valid JSON")
    assert [(e.param, e.message) for e in body.errors] == [("body", "not valid JSON")]


_json = {"content-type": "application/json"}


@pytest.mark.parametrize(
    ("content_type", "says"),
    [
        ("text/plain", "the body is sent as 'text/plain'"),
        ("application/x-www-form-urlencoded", "'application/x-www-form-urlencoded'"),
        (None, "no Content-Type"),
    ],
    ids=["text", "form", "none"],
)
def test_json_body_without_json_content_type_is_415_saying_so(api, content_type, says):
    headers = {"content-type": content_type} if content_type else {}
    r = api.post(
        AGENTS,
        content=json.dumps({"email": "a@example.com", "name": "A"}).encode(),
        headers=headers,
    )
    if content_type is None:
        assert "content-type" not in r.request.headers
    body = error_body(r, 415, "unsupported_media_type")
    assert says in body.message and "application/json" in body.message
    assert body.errors[0].param == "Content-Type"


def test_empty_body_is_422_asking_for_one(api):
    for headers in (_json, {}):
        body = error_body(api.post(AGENTS, content=b"", headers=headers), 422, "invalid_parameters")
        assert [e.param for e in body.errors] == ["body"]
        assert body.errors[0].message.startswith("is required")


@pytest.mark.parametrize("payload", [[], "text", 5, None], ids=["list", "string", "int", "null"])
def test_body_that_is_not_an_object_is_422(api, payload):
    r = api.post(AGENTS, content=json.dumps(payload).encode(), headers=_json)
    body = error_body(r, 422, "invalid_parameters")
    assert body.errors[0].param == "body"
    if payload is not None:
        assert body.errors[0].message == "must be a JSON object"


def test_invalid_parameters_are_422_naming_each(api):
    r = api.post(AGENTS, json={"name": 5})
    body = error_body(r, 422, "invalid_parameters")
    params = [e.param for e in body.errors]
    assert "email" in params
    assert all(p in body.message for p in params)


def test_body_over_the_limit_is_413_with_or_without_content_length(start_server, make_api):
    srv = start_server(max_body_bytes=2048)
    api = make_api(base_url=srv.url)
    big = b'{"name": "' + b"x" * 3000 + b'"}'

    body = error_body(api.post(AGENTS, content=big, headers=_json), 413, "payload_too_large")
    assert "2048 bytes" in body.message

    def chunks():
        for i in range(0, len(big), 500):
            yield big[i : i + 500]

    r = api.post(AGENTS, content=chunks(), headers=_json)
    assert r.request.headers["transfer-encoding"] == "chunked"
    error_body(r, 413, "payload_too_large")

    # before authentication: nobody gets to make the server read a huge body
    with httpx.Client(base_url=srv.url) as anon:
        error_body(anon.post(AGENTS, content=big, headers=_json), 413, "payload_too_large")

    # at the limit, the body reaches the endpoint, chunked or not
    fits = b'{"name": "' + b"x" * (2048 - 12) + b'"}'
    assert len(fits) == 2048
    assert api.post(AGENTS, content=fits, headers=_json).status_code == 422
    small = [fits[:1000], fits[1000:]]
    assert api.post(AGENTS, content=iter(small), headers=_json).status_code == 422


def test_unexpected_errors_are_500_in_the_error_shape(tmp_path, database_url, caplog):
    app = create_app(make_settings(database_url, tmp_path, auto_migrate=False))

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret internals")

    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://podium") as client:
            return await client.get("/boom", headers={"X-Request-ID": "boom-1"})

    with caplog.at_level(logging.ERROR, logger="podium.errors"):
        logging.getLogger("podium.errors").addHandler(caplog.handler)
        try:
            r = asyncio.run(call())
        finally:
            logging.getLogger("podium.errors").removeHandler(caplog.handler)
    body = error_body(r, 500, "internal_error")
    assert body.message == "internal error" and body.requestId == "boom-1"
    assert "secret internals" not in r.text
    # the traceback goes to the log, with the request id
    (record,) = [r for r in caplog.records if r.name == "podium.errors"]
    assert "boom-1" in record.getMessage() and record.exc_info is not None


def test_openapi_documents_one_error_shape(anon):
    spec = anon.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    assert "HTTPValidationError" not in schemas
    assert set(schemas["ErrorBody"]["required"]) >= {"status", "error", "message"}
    ref = {"$ref": "#/components/schemas/ErrorBody"}
    api_operations = 0
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            assert "5XX" in responses, (method, path)
            if path.startswith("/api/"):
                api_operations += 1
                assert {"401", "429"} <= responses.keys(), (method, path)
            if "requestBody" in operation:
                assert {"400", "413", "415", "422"} <= responses.keys(), (method, path)
            for code, response in responses.items():
                if code.startswith(("4", "5")):
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == ref, (method, path, code)
    assert api_operations > 0
