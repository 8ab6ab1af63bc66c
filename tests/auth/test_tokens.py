"""API tokens: what a caller without a valid token gets, and what a valid one gets."""

from __future__ import annotations

from datetime import timedelta

import pytest

from podium import clock, ids


def test_missing_token_is_401_with_the_error_shape(anon):
    r = anon.get("/api/v1/todos")
    assert r.status_code == 401
    body = r.json()
    assert body["status"] == 401
    assert body["error"] == "unauthorized"
    assert "apitoken" in body["message"]
    assert body["requestId"] == r.headers["x-request-id"]


@pytest.mark.parametrize(
    "token",
    ["nonsense", ids.new_token(), "pdm_" + "A" * 49],
    ids=["malformed", "well-formed-unknown", "bad-checksum"],
)
def test_unknown_tokens_are_401(anon, token):
    r = anon.get("/api/v1/todos", headers={"apitoken": token})
    assert r.status_code == 401


@pytest.mark.parametrize("header", ["apitoken", "apiToken", "APITOKEN"])
def test_header_name_is_case_insensitive(api, anon, header):
    r = anon.get("/api/v1/todos", headers={header: api.token})
    assert r.status_code == 200, r.text


def test_token_expires_after_its_ttl(make_api):
    api = make_api(ttl=timedelta(days=90))
    assert api.get(api.v1 + "/todos").status_code == 200
    clock.advance(timedelta(days=90, seconds=1))
    r = api.get(api.v1 + "/todos")
    assert r.status_code == 401
    assert "expired" in r.json()["message"]


def test_token_without_expiry_keeps_working(make_api):
    api = make_api(ttl=None)
    clock.advance(timedelta(days=3650))
    assert api.get(api.v1 + "/todos").status_code == 200


def test_new_tokens_are_distinct_and_checksummed():
    tokens = {ids.new_token() for _ in range(200)}
    assert len(tokens) == 200
    assert all(ids.token_looks_valid(t) for t in tokens)
    t = ids.new_token()
    flipped = t[:-1] + ("A" if t[-1] != "A" else "B")
    assert not ids.token_looks_valid(flipped)
