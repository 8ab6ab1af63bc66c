"""Operations: /healthz, /metrics, request ids, the access log (without secrets), offline /docs."""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Iterator
from urllib.parse import urljoin

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from podium import ids
from podium.config import Settings
from podium.observability import JsonFormatter, TextFormatter
from tests.cli.process import ServerProcess, podium_env
from tests.conftest import TEST_SECRET, LiveServer


def metric(base_url: str, name: str, **labels: str) -> float:
    """Sum of the samples of `name` whose labels include `labels`."""
    total = 0.0
    for family in text_string_to_metric_families(httpx.get(base_url + "/metrics").text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                total += sample.value
    return total


class Captured(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def access(self, *request_ids: str, timeout: float = 5) -> list[logging.LogRecord]:
        """The access records, once those of `request_ids` are in: a request's line is written
        just after its response has been sent."""
        deadline = time.monotonic() + timeout
        while True:
            records = [r for r in self.records if r.name == "podium.access"]
            logged = {r.fields["request_id"] for r in records}
            if set(request_ids) <= logged or time.monotonic() > deadline:
                return records
            time.sleep(0.01)

    def lines(self) -> list[str]:
        """Every record as both formatters write it."""
        return [f.format(r) for r in self.records for f in (TextFormatter(), JsonFormatter())]


@pytest.fixture
def access_log(server) -> Iterator[Captured]:
    """Records of the in-process servers' `podium` loggers (they do not propagate to root)."""
    logger = logging.getLogger("podium")
    handler = Captured()
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(level)


def test_healthz_is_200_when_the_database_answers(anon):
    r = anon.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "database": "ok", "version": r.json()["version"]}


def test_healthz_is_503_when_the_database_does_not(tmp_path):
    settings = Settings(
        database_url="postgresql://postgres@127.0.0.1:1/x",
        data_dir=tmp_path,
        secret_key=TEST_SECRET,
        auto_migrate=False,
        rate_limits="off",
        log_level="WARNING",
    )
    live = LiveServer(settings).start()
    try:
        r = httpx.get(live.url + "/healthz", timeout=30)
    finally:
        live.stop()
    assert r.status_code == 503
    body = r.json()
    assert body["status"] == 503 and body["error"] == "unavailable"
    assert body["message"].startswith("database unreachable")
    assert body["errors"][0]["param"] == "database"
    assert body["requestId"] == r.headers["x-request-id"]


def test_metrics_count_requests_by_route_template(api, server):
    unknown_id = "NoSuchTodo2345678"
    labels = {"method": "GET", "route": "/api/v1/todos/{id}", "status": "404"}
    before = metric(server.url, "podium_http_requests_total", **labels)
    assert api.get(f"{api.v1}/todos/{unknown_id}").status_code == 404
    assert api.get(f"{api.v1}/todos/{unknown_id}x").status_code == 404

    assert metric(server.url, "podium_http_requests_total", **labels) == before + 2
    text = httpx.get(server.url + "/metrics").text
    assert unknown_id not in text  # raw paths never become labels
    assert metric(
        server.url,
        "podium_http_request_duration_seconds_count",
        method="GET",
        route="/api/v1/todos/{id}",
    ) >= 2
    assert "# TYPE podium_http_request_duration_seconds histogram" in text
    assert "# TYPE podium_rate_limit_rejections_total counter" in text


def test_unknown_paths_share_one_metrics_label(anon, server):
    before = metric(server.url, "podium_http_requests_total", route="unmatched", status="404")
    assert anon.get("/wp-admin/setup.php").status_code == 404
    assert anon.get("/api/v1/no-such-thing/123").status_code == 404
    after = metric(server.url, "podium_http_requests_total", route="unmatched", status="404")
    assert after == before + 2
    assert "wp-admin" not in httpx.get(server.url + "/metrics").text


def test_request_id_is_made_kept_or_replaced(anon):
    made = anon.get("/healthz")
    assert re.fullmatch(r"[0-9a-f]{16}", made.headers["x-request-id"])
    assert anon.get("/healthz").headers["x-request-id"] != made.headers["x-request-id"]

    kept = anon.get("/api/v1/todos", headers={"X-Request-ID": "lb-7f3a.9_Z-1"})
    assert kept.headers["x-request-id"] == "lb-7f3a.9_Z-1"
    assert kept.json()["requestId"] == "lb-7f3a.9_Z-1"

    for insane in ("has spaces", "x" * 65, "<script>", "a\tb"):
        r = anon.get("/healthz", headers={"X-Request-ID": insane})
        assert re.fullmatch(r"[0-9a-f]{16}", r.headers["x-request-id"]), insane


def test_one_log_line_per_request_and_no_secrets(api, anon, access_log):
    bogus = ids.new_token()
    secrets_sent = [api.token, bogus]
    responses = [
        api.get(api.v1 + "/todos"),
        api.get(api.v1 + "/todos", params={"apiToken": api.token, "count": "5"}),
        anon.get("/api/v1/todos", params={"apitoken": bogus}),
        anon.get("/api/v1/todos", headers={"apiToken": bogus}),
        api.post(api.v1 + "/agents", json={"apiToken": api.token, "name": "x"}),
        anon.post("/api/v1/agents", json={"apiToken": bogus}),
        anon.post("/api/v1/agents", content=f"not json {bogus}",
                  headers={"content-type": "application/json"}),
    ]
    access = access_log.access(*(r.headers["x-request-id"] for r in responses))
    for response in responses:
        rid = response.headers["x-request-id"]
        mine = [r for r in access if r.fields["request_id"] == rid]
        assert len(mine) == 1, (rid, [r.getMessage() for r in access])
        assert mine[0].fields["status"] == response.status_code

    everything = "\n".join(access_log.lines())
    everything += "\n".join(repr(vars(r)) for r in access_log.records)
    for secret in secrets_sent:
        assert secret not in everything
    assert "apiToken=" not in everything and "?" not in "".join(
        r.fields["path"] for r in access
    )


def test_json_log_lines_have_the_request_fields(api, access_log):
    r = api.get(api.v1 + "/todos", headers={"X-Request-ID": "json-line-1"})
    records = access_log.access("json-line-1")
    (record,) = [x for x in records if x.fields["request_id"] == "json-line-1"]
    line = JsonFormatter().format(record)
    assert "\n" not in line
    data = json.loads(line)
    assert data["request_id"] == "json-line-1"
    assert data["method"] == "GET"
    assert data["path"] == "/api/v1/todos"
    assert data["route"] == "/api/v1/todos"
    assert data["status"] == r.status_code == 200
    assert isinstance(data["duration_ms"], float | int) and data["duration_ms"] >= 0
    assert data["token_id"] and data["level"] == "info" and data["time"].endswith("Z")


def test_log_format_json_gives_one_object_per_line(settings, server, make_api, tmp_path):
    env = podium_env(tmp_path, settings.effective_database_url, PODIUM_LOG_FORMAT="json")
    srv = ServerProcess(env, "--no-migrate", log_dir=tmp_path).wait_healthy()
    try:
        api = make_api(base_url=srv.url)
        assert api.get(api.v1 + "/todos", params={"apiToken": api.token}).status_code == 200
        assert api.get("/nowhere").status_code == 404
    finally:
        srv.stop()
    lines = [line for line in srv.output().splitlines() if line.strip()]
    objects = [json.loads(line) for line in lines]  # every line is one JSON object
    requests = [o for o in objects if o.get("logger") == "podium.access"]
    assert [(o["method"], o["path"], o["status"]) for o in requests][-2:] == [
        ("GET", "/api/v1/todos", 200),
        ("GET", "/nowhere", 404),
    ]
    assert all({"request_id", "duration_ms"} <= o.keys() for o in requests)
    assert api.token not in srv.output()


def test_docs_work_offline(anon):
    page = anon.get("/docs")
    assert page.status_code == 200
    html = page.text
    assert "swagger-ui" in html
    assert not re.findall(r"https?://", html), "the docs page must not load anything remote"
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(a.endswith(".js") for a in assets) and any(a.endswith(".css") for a in assets)
    for asset in assets:
        assert asset.startswith("/static/"), asset
        r = anon.get(urljoin("/docs", asset))
        assert r.status_code == 200 and len(r.content) > 100, asset
    css = anon.get(next(a for a in assets if a.endswith(".css"))).text
    assert not re.findall(r"url\(\s*['\"]?https?:", css)
    assert "'/openapi.json'" in html and anon.get("/openapi.json").status_code == 200
