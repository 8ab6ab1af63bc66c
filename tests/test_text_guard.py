"""Text no database can store (NUL, unpaired surrogates) is refused before any route runs: in a
path it names no object (404), in a query parameter or a JSON body it is a 422 naming the field."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from podium.text_guard import StorableTextMiddleware, unstorable_body_field
from tests.factories import create_agent, create_ticket, create_user
from tests.tickets.helpers import assert_error, define_attribute

MESSAGE = "must not contain NUL characters or unpaired surrogates"
JSON = {"content-type": "application/json"}


def raw(api: Any, method: str, path: str, body: Any, media: str = "application/json") -> Any:
    # json.dumps writes "\x00" as \u0000 and "\ud800" as \ud800, as any client's encoder would
    return api.request(method, path, content=json.dumps(body), headers={"content-type": media})


def assert_refused(r: Any, param: str) -> None:
    body = assert_error(r, 422, param)
    assert body["errors"] == [{"param": param, "message": MESSAGE}]
    assert body["message"] == f"{param}: {MESSAGE}"


@pytest.fixture
def world(api):
    agent = create_agent(api)
    return api, agent, create_ticket(api, [agent["agentId"]])


# -- paths ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/api/v1/tickets/a%00b"),
        ("DELETE", "/api/v1/tickets/a%00b"),
        ("GET", "/api/podium/v1/agents/a%00b"),
        ("GET", "/api/podium/v1/users/a%00b"),
        ("GET", "/api/v1/coaching-sessions/a%00b"),
        ("GET", "/api/v1/todos/%00"),
    ],
)
def test_a_nul_in_a_path_names_no_object(api, method, path):
    body = assert_error(api.request(method, path), 404)
    assert body["error"] == "not_found" and "no such object" in body["message"]


def test_a_path_that_is_not_utf8_text_names_no_object():
    # uvicorn turns undecodable path bytes into U+FFFD; another server may hand on surrogates
    sent: list[dict[str, Any]] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        raise AssertionError("the route must not run")

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    scope = {"type": "http", "path": "/api/v1/tickets/\udced", "headers": [], "query_string": b""}
    asyncio.run(StorableTextMiddleware(app)(scope, receive, send))
    assert sent[0]["status"] == 404
    assert json.loads(sent[1]["body"])["error"] == "not_found"


# -- query parameters ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/coaching-sessions", "/coaching-points", "/todos"])
def test_coaching_list_filters_refuse_unstorable_text(api, path):
    assert_refused(api.get(api.v1 + path, params={"agentId": "a\x00b"}), "agentId")
    # a surrogate percent-encoded the way UTF-8 would write it, were it allowed
    assert_refused(api.get(api.v1 + path + "?creatorId=%ED%A0%80"), "creatorId")
    assert_refused(api.get(api.v1 + path + "?startIndex=0&agentId=%FF"), "agentId")


def test_query_names_and_other_domains(world):
    api, _, ticket = world
    assert_refused(api.get(api.ext + "/agents", params={"email": "a\x00@example.com"}), "email")
    assert_refused(api.get(api.ext + "/tickets?status=%00"), "status")
    # an unstorable name is named with JSON escapes, so the error can be sent at all
    assert_refused(api.get(api.ext + "/tickets?a%00b=1"), "a\\u0000b")
    # text that is fine, non-ASCII included, reaches the route
    r = api.get(api.v1 + "/tickets", params={"ticket_ids": f"{ticket['ticket_id']},café"})
    assert r.status_code == 200 and r.json()["notFound"] == ["café"]


# -- JSON bodies ---------------------------------------------------------------------------------


def test_comments_batch_names_the_comment_and_field(world):
    api, _, ticket = world
    ok = {"ticket_id": ticket["ticket_id"], "body": "fine"}
    for bad in ("a\x00b", "a\ud800b", "\udfff"):
        batch = {"batch": [ok, ok, ok, {**ok, "body": bad}]}
        assert_refused(raw(api, "POST", api.v1 + "/comments-batch", batch), "batch[3].body")
    batch = {"batch": [ok, {**ok, "channel": "\x00"}, {**ok, "body": "\x00"}]}
    assert_refused(raw(api, "POST", api.v1 + "/comments-batch", batch), "batch[1].channel")
    r = api.get(api.ext + f"/tickets/{ticket['ticket_id']}/comments")
    assert r.status_code == 200 and r.json()["totalResults"] == 0


def test_nested_attributes_and_dict_keys_are_named(world):
    api, _, ticket = world
    define_attribute(api, "group", "string")
    path = api.v1 + f"/tickets/{ticket['ticket_id']}"
    value = {"attributes": {"group": ["ok", {"deep": [1, "x\ud800"]}]}}
    assert_refused(raw(api, "PATCH", path, value), "attributes.group[1].deep[1]")
    assert_refused(raw(api, "PATCH", path, {"attributes": {"a\x00b": 1}}), "attributes.a\\u0000b")
    assert_refused(raw(api, "PATCH", path, {"sub\x00ject": "x"}), "sub\\u0000ject")
    assert_refused(
        raw(api, "POST", api.ext + "/ticket-attributes", {"key": "k\x00", "valueType": "string"}),
        "key",
    )
    assert api.get(path).json()["attributes"] == {}


def test_agents_and_users_bodies(api):
    agent = {"name": "Ann", "available": True, "email": "ann@example.com", "agentId": "a\ud800"}
    assert_refused(raw(api, "POST", api.v1 + "/agents", agent), "agentId")
    group = {"name": "G", "agentIds": ["ok", "\x00"]}
    assert_refused(raw(api, "POST", api.ext + "/agent-groups", group), "agentIds[1]")
    user = {"email": "u@example.com", "name": "\x00", "role": "manager"}
    assert_refused(raw(api, "POST", api.ext + "/users", user), "name")
    assert api.get(api.ext + "/users").json()["totalResults"] == 0


def test_coaching_bodies(api):
    agent = create_agent(api)
    coach = create_user(api)
    session = {"name": "s", "agentId": agent["agentId"], "coachId": coach["id"],
               "agentNotes": "\ud800"}
    assert_refused(raw(api, "POST", api.ext + "/coaching-sessions", session), "agentNotes")


def test_a_surrogate_pair_is_text_and_is_stored_as_sent(world):
    api, agent, _ = world
    # "\ud83d\ude00" on the wire is one character; a literal backslash-u text is no escape at all
    text = "smile \U0001f600 and a literal \\u0000 and \\ud800"
    ticket = create_ticket(api, [agent["agentId"]], subject=text, body=text)
    assert ticket["body"] == text
    got = api.get(api.v1 + f"/tickets/{ticket['ticket_id']}").json()
    assert got["subject"] == text and got["body"] == text
    r = raw(api, "POST", api.v1 + "/comments-batch",
            {"batch": [{"ticket_id": ticket["ticket_id"], "body": text}]})
    assert r.status_code == 200 and r.json()["results"][0]["body"] == text
    timeline = api.get(api.ext + f"/tickets/{ticket['ticket_id']}/comments").json()
    assert [c["body"] for c in timeline["Resources"]] == [text]


def test_bodies_the_guard_does_not_judge(api):
    # not JSON: the app's 400, not the guard's 422
    broken = b'{"name": "a\\u0000'
    assert_error(api.post(api.v1 + "/agents", content=broken, headers=JSON), 400, "body")
    # not labelled JSON: FastAPI does not read it as JSON, so the app answers 415
    r = api.post(api.v1 + "/agents", content=b'{"name": "\\u0000"}',
                 headers={"content-type": "text/plain"})
    assert_error(r, 415)


def test_json_media_types_and_chunked_bodies_are_checked(world):
    api, _, ticket = world
    path = api.v1 + f"/tickets/{ticket['ticket_id']}"
    r = raw(api, "PATCH", path, {"body": "\x00"}, "application/merge-patch+json")
    assert_refused(r, "body")
    bad = json.dumps({"batch": [{"ticket_id": ticket["ticket_id"], "body": "a\x00"}]}).encode()
    r = api.post(api.v1 + "/comments-batch", content=iter([bad[:10], bad[10:]]), headers=JSON)
    assert r.request.headers["transfer-encoding"] == "chunked"
    assert_refused(r, "batch[0].body")
    good = bad.replace(b"\\u0000", b"!")
    r = api.post(api.v1 + "/comments-batch", content=iter([good[:10], good[10:]]), headers=JSON)
    assert r.status_code == 200 and r.json()["results"][0]["body"] == "a!"


def test_the_walk_reports_the_first_field_in_document_order():
    body = json.dumps({"a": [{"b": "ok"}, {"c": "\x00"}], "d": "\ud800"}).encode()
    assert unstorable_body_field(body) == "a[1].c"
    assert unstorable_body_field(json.dumps(["x", "\x00"]).encode()) == "[1]"
    assert unstorable_body_field(json.dumps({"ok": "\U0001f600"}).encode()) is None
    deep = b"[" * 900 + b'"\\u0000"' + b"]" * 900
    assert unstorable_body_field(deep) == "".join(["[0]"] * 900)
