"""POST /api/v1/attachments: its fields, their rules, and where the attachment shows up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import pytest

from podium import clock
from podium.wire import format_utc
from tests.attachments.conftest import Podium, attachment
from tests.factories import create_agent, create_ticket
from tests.helpers import Api


def post(api: Api, **payload: Any) -> Any:
    return api.post(api.v1 + "/attachments", json=payload)


def assert_invalid(response: Any, status: int, param: str, *words: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["status"] == status
    params = [e["param"] for e in body["errors"]]
    assert param in params, body
    message = next(e["message"] for e in body["errors"] if e["param"] == param)
    for word in words:
        assert word in message, (word, message)


def timeline(api: Api, ticket_id: str) -> list[dict[str, Any]]:
    r = api.get(f"{api.ext}/tickets/{quote(ticket_id, safe='')}/comments")
    assert r.status_code == 200, r.text
    return r.json()["Resources"]


@pytest.mark.usefixtures("frozen_clock")
def test_defaults_public_true_and_timestamp_now(api: Api, ticket: dict):
    now = clock.now()
    r = post(api, ticket_id=ticket["ticket_id"], content_type="image/png")
    assert r.status_code == 200
    found = attachment(api, ticket["ticket_id"], r.json()["id"])
    assert found["public"] is True
    assert found["timestamp"] == format_utc(now)
    assert found["authorId"] is None
    assert found["source"] == "upload"
    assert found["contentType"] == "image/png"
    assert found["fileName"] == f"{r.json()['id']}.png"
    assert found["uploadExpiresAt"] == format_utc(now + timedelta(minutes=10))


def test_fields_are_kept_and_shown_on_the_timeline_in_order(api: Api, ticket: dict):
    tid = ticket["ticket_id"]
    comment = {"ticket_id": tid, "body": "hello", "time": "2024-01-01T10:00:00Z"}
    assert api.post(api.v1 + "/comments", json=comment).status_code == 200
    late = {"ticket_id": tid, "body": "bye", "time": "2024-01-01T12:00:00Z"}
    assert api.post(api.v1 + "/comments", json=late).status_code == 200
    r = post(
        api,
        ticket_id=tid,
        content_type="audio/mp3",
        id="recording 1",
        author_id=12345,  # numbers are read as text, as for comments
        public=False,
        timestamp="2024-01-01T11:00:00.5+01:00",
    )
    assert r.status_code == 200, r.text
    assert r.json()["id"] == "recording 1"

    items = timeline(api, tid)
    # 11:00:00.5+01:00 is 10:00:00.5 UTC: just after the first comment
    assert [i["kind"] for i in items] == ["comment", "attachment", "comment"]
    item = items[1]
    assert item["time"] == "2024-01-01T10:00:00.500Z"
    assert item["public"] is False
    assert item["author_id"] == "12345"
    assert item["attachment"] == {"id": "recording 1", "content_type": "audio/mp3"}
    assert item["id"].startswith(f"{api.account_id}_{tid}_")
    assert all("attachment" not in i for i in items if i["kind"] == "comment")

    found = attachment(api, tid, quote("recording 1"))
    assert found["commentId"] == item["id"]
    assert found["public"] is False
    assert found["authorId"] == "12345"


def test_the_order_of_the_timeline_follows_the_timestamps(api: Api, ticket: dict):
    tid = ticket["ticket_id"]
    for name, at in [("c", "2024-03-03T00:00:00Z"), ("a", "2024-01-01T00:00:00Z")]:
        assert (
            post(api, ticket_id=tid, content_type="text/plain", id=name, timestamp=at).status_code
            == 200
        )
    comment = {"ticket_id": tid, "body": "between", "time": "2024-02-02T00:00:00Z"}
    assert api.post(api.v1 + "/comments", json=comment).status_code == 200
    items = timeline(api, tid)
    shown = [i["attachment"]["id"] if "attachment" in i else i["body"] for i in items]
    assert shown == ["a", "between", "c"]
    r = api.get(f"{api.ext}/tickets/{tid}/attachments")
    assert r.status_code == 200
    page = r.json()
    assert page["totalResults"] == 2
    assert [a["id"] for a in page["Resources"]] == ["a", "c"]
    r = api.get(f"{api.ext}/tickets/{tid}/attachments", params={"startIndex": 1, "count": 1})
    assert [a["id"] for a in r.json()["Resources"]] == ["c"]


def test_an_attachment_counts_in_the_activity_log(api: Api, ticket: dict):
    tid = ticket["ticket_id"]
    assert post(api, ticket_id=tid, content_type="video/mp4", id="screen").status_code == 200
    r = api.get(api.ext + "/activity-log", params={"itemType": "Attachments", "count": 1000})
    assert r.status_code == 200
    entries = r.json()["Resources"]
    assert len(entries) == 1
    entry = entries[0]
    assert entry["actionType"] == "add"
    assert "screen" in entry["description"] and tid in entry["description"]
    assert "video/mp4" in entry["description"]
    # a refused attachment leaves no entry
    assert post(api, ticket_id=tid, content_type="video/mp4", id="screen").status_code == 409
    r = api.get(api.ext + "/activity-log", params={"itemType": "Attachments"})
    assert r.json()["totalResults"] == 1


def test_id_is_unique_per_ticket(api: Api, ticket: dict):
    tid = ticket["ticket_id"]
    assert post(api, ticket_id=tid, content_type="image/png", id="shot").status_code == 200
    r = post(api, ticket_id=tid, content_type="image/png", id="shot")
    assert_invalid(r, 409, "id", "shot", tid)
    other = create_ticket(api, [create_agent(api)["agentId"]])
    assert (
        post(api, ticket_id=other["ticket_id"], content_type="image/png", id="shot").status_code
        == 200
    )
    # the refused one left no comment behind
    assert len(timeline(api, tid)) == 1


def test_unknown_ticket_is_404(api: Api):
    r = post(api, ticket_id="no-such-ticket", content_type="image/png")
    assert_invalid(r, 404, "ticket_id", "no-such-ticket")


def test_another_accounts_ticket_is_404_everywhere(podium: Podium, api: Api, ticket: dict):
    tid = ticket["ticket_id"]
    assert post(api, ticket_id=tid, content_type="image/png", id="mine").status_code == 200
    other = podium.api()
    assert_invalid(post(other, ticket_id=tid, content_type="image/png"), 404, "ticket_id")
    for path in ("attachments", "attachments/mine", "attachments/mine/download", "comments"):
        r = other.get(f"{other.ext}/tickets/{tid}/{path}")
        assert r.status_code == 404, (path, r.text)
    # the owner still sees it, unchanged
    assert attachment(api, tid, "mine")["status"] == "awaiting_upload"


@pytest.mark.parametrize(
    ("fields", "param", "words"),
    [
        ({"content_type": "mp3"}, "content_type", ["MIME type"]),
        ({"content_type": "audio"}, "content_type", ["MIME type"]),
        ({"content_type": "audio/"}, "content_type", ["MIME type"]),
        ({"content_type": "audio/mp3 extra"}, "content_type", ["MIME type"]),
        ({"content_type": "sound/mp3"}, "content_type", ["top-level"]),
        ({"content_type": "text/plain\r\nX-Injected: 1"}, "content_type", ["MIME type"]),
        ({"content_type": None}, "content_type", []),
        ({"content_type": 5}, "content_type", []),
        ({"id": "../../etc/passwd"}, "id", ["/"]),
        ({"id": ".."}, "id", [".."]),
        ({"id": "a\\b"}, "id", ["\\"]),
        ({"id": "tab\there"}, "id", ["control"]),
        ({"id": ""}, "id", ["empty"]),
        ({"id": "x" * 256}, "id", ["255"]),
        ({"public": "maybe"}, "public", []),
        ({"timestamp": "yesterday"}, "timestamp", ["ISO 8601"]),
        ({"timestamp": "2024-01-01T00:00:00"}, "timestamp", ["ISO 8601"]),
        ({"author_id": "a" * 256}, "author_id", ["255"]),
        ({"url": "ftp://example.com/file"}, "url", ["http"]),
        ({"url": "file:///etc/passwd"}, "url", ["http"]),
        ({"url": "/relative/file.png"}, "url", ["http"]),
        ({"url": ""}, "url", ["http"]),
        ({"url": "http://"}, "url", ["http"]),
        ({"url": "http://example.com:99999/x"}, "url", ["http"]),
        ({"url": "http://example.com/a file"}, "url", ["spaces"]),
        ({"url": "http://169.254.169.254/latest/meta-data/"}, "url", ["metadata"]),
        ({"url": "http://10.1.2.3/x"}, "url", ["private"]),
        ({"url": "http://[::ffff:127.0.0.1]/x"}, "url", ["loopback"]),
        ({"url": "http://0.0.0.0/x"}, "url", ["unspecified"]),
    ],
)
def test_invalid_fields_are_422_naming_them(
    strict_podium: Podium, fields: dict, param: str, words: list
):
    api = strict_podium.api()
    ticket = create_ticket(api, [create_agent(api)["agentId"]])
    payload = {"ticket_id": ticket["ticket_id"], "content_type": "image/png", **fields}
    assert_invalid(api.post(api.v1 + "/attachments", json=payload), 422, param, *words)
    assert timeline(api, ticket["ticket_id"]) == []


def test_required_fields(api: Api, ticket: dict):
    assert_invalid(post(api, content_type="image/png"), 422, "ticket_id")
    assert_invalid(post(api, ticket_id=ticket["ticket_id"]), 422, "content_type")
    r = api.post(
        api.v1 + "/attachments", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert r.status_code == 400


@pytest.mark.parametrize(
    "content_type",
    [
        "audio/mp3",
        "image/svg+xml",
        "application/vnd.ms-excel",
        "text/plain; charset=utf-8",
        'text/plain;format="flowed"',
        "VIDEO/MP4",
    ],
)
def test_valid_mime_types_are_taken_and_echoed(api: Api, ticket: dict, content_type: str):
    r = post(api, ticket_id=ticket["ticket_id"], content_type=content_type)
    assert r.status_code == 200, r.text
    assert attachment(api, ticket["ticket_id"], r.json()["id"])["contentType"] == content_type


def test_odd_ids_stay_names_not_paths(podium: Podium, api: Api, ticket: dict):
    """An id with dots, spaces, percent signs or non-ASCII letters is a name: the file is
    stored under Podium's own id, and the download is named after the attachment's id."""
    import requests

    tid = ticket["ticket_id"]
    for name in ("..%2F..%2Fsecret", "ünïcode call.wav", "%00", "a..b"):
        r = post(api, ticket_id=tid, content_type="audio/wav", id=name)
        assert r.status_code == 200, (name, r.text)
        url = r.json()["presigned_url"]
        assert quote(name) not in url and name not in url
        put = requests.put(
            url,
            data=b"RIFF",
            headers={"Content-Type": "audio/wav", "x-amz-server-side-encryption": "AES256"},
        )
        assert put.status_code == 200
        found = attachment(api, tid, quote(name, safe=""))
        assert found["id"] == name
        assert found["status"] == "stored"
        import httpx

        got = httpx.get(found["downloadUrl"])
        assert got.status_code == 200
        assert got.content == b"RIFF"
        assert "attachment;" in got.headers["content-disposition"]


def test_the_url_flow_answers_the_id_only(strict_podium: Podium):
    """(The fetch of a loopback name is then refused by the guard: no traffic leaves.)"""
    api = strict_podium.api()
    ticket = create_ticket(api, [create_agent(api)["agentId"]])
    r = post(
        api,
        ticket_id=ticket["ticket_id"],
        content_type="image/png",
        url="http://localhost:9/your_file.png",
    )
    assert r.status_code == 200, r.text
    assert set(r.json()) == {"id"}


def test_timestamp_far_in_the_past_and_with_offset(api: Api, ticket: dict):
    at = datetime(2001, 2, 3, 4, 5, 6, tzinfo=UTC)
    r = post(
        api,
        ticket_id=ticket["ticket_id"],
        content_type="image/png",
        timestamp="2001-02-03T05:05:06+01:00",
    )
    assert r.status_code == 200
    assert attachment(api, ticket["ticket_id"], r.json()["id"])["timestamp"] == format_utc(at)
