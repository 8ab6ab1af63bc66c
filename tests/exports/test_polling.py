"""Following an export: `get-export-data` (id in a JSON body, an `exportId` header or the
query) and `export-data/:id`; 404s; the download link; status transitions."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from tests.exports.builders import (
    base_time,
    completed,
    create_rubric,
    download,
    frozen,
    grade,
    poll,
    qa_rubric,
    read_zip,
    request_export,
    window,
    world,
)


@pytest.fixture
def done(api):
    """A complete raw export with a file to download."""
    w = world(api)
    rubric = create_rubric(api, qa_rubric())
    t0 = base_time()
    with frozen(t0):
        grade(w, rubric)
    return completed(api, **window(t0, t0 + timedelta(seconds=1)))


def _get(api, **kwargs):
    # a JSON body on a GET, as the reference's example sends it (requests.get(url, json=...))
    return api.request("GET", api.v1 + "/get-export-data", **kwargs)


def _same_answer(r, done):
    assert r.status_code == 200, r.text
    assert r.headers["vary"] == "*"
    assert r.headers["cache-control"] == "no-store"
    body = r.json()
    assert sorted(body) == ["dataUrl", "status"]
    assert body["status"] == "complete"
    assert urlsplit(body["dataUrl"]).path == urlsplit(done["dataUrl"]).path
    return body


def test_four_ways_to_ask(api, done):
    export_id = done["exportId"]
    for r in (
        _get(api, json={"exportId": export_id}),
        _get(api, json={"exportId": export_id, "apiToken": "ignored: the header wins"}),
        _get(api, headers={"exportId": export_id}),
        _get(api, headers={"EXPORTID": export_id}),
        _get(api, params={"exportId": export_id}),
        # the whole POST answer echoed back, and several places naming the same export
        _get(api, json={"exportId": export_id}, params={"exportId": export_id}),
        api.get(api.v1 + f"/export-data/{export_id}"),
    ):
        body = _same_answer(r, done)
        assert len(read_zip(download(body["dataUrl"]).content)) == 5


def test_token_in_the_body_of_the_poll(api, anon, done):
    r = anon.request(
        "GET", "/api/v1/get-export-data", json={"exportId": done["exportId"], "apiToken": api.token}
    )
    _same_answer(r, done)
    r = anon.request("GET", "/api/v1/get-export-data", json={"exportId": done["exportId"]})
    assert r.status_code == 401


def test_missing_conflicting_and_malformed_ids(api, done):
    for r in (_get(api), _get(api, json={})):
        assert r.status_code == 422 and r.json()["errors"][0]["param"] == "exportId"
        assert "JSON body, an exportId header or ?exportId=" in r.json()["message"]
    r = _get(api, json={"exportId": done["exportId"]}, headers={"exportId": "id_other"})
    assert r.status_code == 422
    assert r.json()["errors"] == [
        {"param": "exportId", "message": "the body and header name different exports"}
    ]
    for bad in (123, "", ["x"]):
        r = _get(api, json={"exportId": bad})
        assert r.status_code == 422 and r.json()["errors"][0]["param"] == "exportId"
    r = _get(api, content=b"{nope", headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["errors"][0]["param"] == "body"


def test_unknown_and_another_accounts_export_are_404(make_api, done, api):
    other = make_api()
    for client, export_id in ((api, "id_23456789ABCDEFGHJ"), (other, done["exportId"])):
        for r in (
            _get(client, json={"exportId": export_id}),
            _get(client, headers={"exportId": export_id}),
            _get(client, params={"exportId": export_id}),
            client.get(client.v1 + f"/export-data/{export_id}"),
            client.get(client.ext + f"/exports/{export_id}"),
        ):
            assert r.status_code == 404, r.text
            assert r.json()["error"] == "not_found"
    assert other.get(other.ext + "/exports").json()["totalResults"] == 0


def test_download_link_needs_no_token_and_is_signed(api, done):
    url = done["dataUrl"]
    query = parse_qs(urlsplit(url).query)
    assert {"expires", "filename", "content_type", "signature"} <= set(query)
    assert query["content_type"] == ["application/zip"]
    assert httpx.get(url).status_code == 200  # no apitoken header
    tampered = url.replace("signature=", "signature=0")
    assert httpx.get(tampered).status_code == 403
    # the link is made for each answer, on the URL the client used
    again = api.get(api.v1 + f"/export-data/{done['exportId']}").json()["dataUrl"]
    assert urlsplit(again).netloc == urlsplit(api.base_url.__str__()).netloc


def test_status_and_run_details(api, done):
    details = api.get(api.ext + f"/exports/{done['exportId']}").json()
    assert details["status"] == "complete" and details["kind"] == "raw"
    assert details["attempts"] == 1 and details["error"] is None
    assert details["createdAt"] <= details["startedAt"] <= details["completedAt"]
    assert details["dataUrl"] and details["sizeBytes"] > 0
    assert details["fileName"].endswith(".zip")
    listed = api.get(api.ext + "/exports").json()
    assert [e["id"] for e in listed["Resources"]] == [done["exportId"]]


def test_requested_until_a_worker_runs_it(isolated):
    """With no worker running, an export stays `requested`; a worker started later completes
    it (the job was committed with the export row)."""
    world_ = isolated()
    quiet = world_.server(embedded_worker=False)
    api = world_.api(quiet)
    export_id = request_export(
        api,
        "/request-audit-log-export",
        startDate="2020-01-01T00:00:00Z",
        endDate="2100-01-01T00:00:00Z",
    )
    for _ in range(3):
        assert api.get(api.v1 + f"/export-data/{export_id}").json() == {
            "status": "requested",
            "dataUrl": "",
        }
    world_.server()  # runs jobs
    assert poll(api, export_id)["status"] == "complete"


def test_errored_when_the_file_cannot_be_stored(api, settings):
    """A store that refuses the file fails every attempt: the export ends `errored` with the
    reason, and `dataUrl` stays empty."""
    # a file where the account's folder of exports must go: the local store cannot write
    blocker = settings.data_dir / "files" / "exports" / api.account_id
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("in the way")
    try:
        export_id = request_export(
            api,
            "/request-audit-log-export",
            startDate="2020-01-01T00:00:00Z",
            endDate="2100-01-01T00:00:00Z",
        )
        assert poll(api, export_id, timeout=90) == {"status": "errored", "dataUrl": ""}
        details = api.get(api.ext + f"/exports/{export_id}").json()
        assert details["attempts"] == 3
        assert "another stored object" in details["error"]
    finally:
        blocker.unlink()
