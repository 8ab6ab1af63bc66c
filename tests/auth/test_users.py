"""Users of an account (extension API, `/api/podium/v1/users`): graders, coaches, admins."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from podium import clock
from podium.auth.models import ROLES
from podium.text_guard import UNSTORABLE
from tests.agents.helpers import assert_error
from tests.factories import create_user

USER_KEYS = {"id", "email", "name", "role", "active", "createdAt", "updatedAt"}


def test_create_user(api):
    clock.freeze(datetime(2024, 5, 6, 7, 8, 9, 123000, tzinfo=UTC))
    r = api.post(
        api.ext + "/users", json={"email": "Grace@Example.com", "name": "Grace", "role": "grader"}
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert set(body) == USER_KEYS
    assert body == {
        "id": body["id"],
        "email": "grace@example.com",
        "name": "Grace",
        "role": "grader",
        "active": True,
        "createdAt": "2024-05-06T07:08:09.123Z",
        "updatedAt": "2024-05-06T07:08:09.123Z",
    }
    assert api.get(api.ext + f"/users/{body['id']}").json() == body


@pytest.mark.parametrize("role", ROLES)
def test_every_maestroqa_role_is_accepted(api, role):
    assert create_user(api, role=role)["role"] == role


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("role", "superuser"),
        ("role", "Admin"),
        ("role", None),
        ("email", "nope"),
        ("email", 3),
        ("name", ""),
        ("name", ["x"]),
    ],
)
def test_create_user_bad_value_is_422_naming_it(api, field, value):
    body = {"email": "u@example.com", "name": "U", "role": "manager", field: value}
    assert_error(api.post(api.ext + "/users", json=body), 422, param=field)


@pytest.mark.parametrize("missing", ["email", "name", "role"])
def test_create_user_missing_field_is_422_naming_it(api, missing):
    body = {"email": "u@example.com", "name": "U", "role": "manager"}
    del body[missing]
    assert_error(api.post(api.ext + "/users", json=body), 422, param=missing)


def test_duplicate_email_is_409_naming_it(api, make_api):
    create_user(api, email="coach@example.com")
    r = api.post(
        api.ext + "/users", json={"email": "COACH@example.com", "name": "C", "role": "manager"}
    )
    assert_error(r, 409, param="email", mentions="coach@example.com")
    # unique per account, not globally
    assert create_user(make_api(), email="coach@example.com")["email"] == "coach@example.com"


def test_list_users_pages_and_filters(api):
    g1 = create_user(api, role="grader")
    g2 = create_user(api, role="grader")
    m = create_user(api, role="manager")
    api.patch(api.ext + f"/users/{g2['id']}", json={"active": False})
    page = api.get(api.ext + "/users", params={"count": 2}).json()
    ids = sorted(u["id"] for u in (g1, g2, m))
    assert (page["totalResults"], page["itemsPerPage"]) == (3, 2)
    assert [u["id"] for u in page["Resources"]] == ids[:2]
    graders = api.get(api.ext + "/users", params={"role": "grader"}).json()["Resources"]
    assert sorted(u["id"] for u in graders) == sorted([g1["id"], g2["id"]])
    active = api.get(api.ext + "/users", params={"role": "grader", "active": "true"}).json()
    assert [u["id"] for u in active["Resources"]] == [g1["id"]]
    inactive = api.get(api.ext + "/users", params={"active": "false"}).json()
    assert [u["id"] for u in inactive["Resources"]] == [g2["id"]]


@pytest.mark.parametrize(
    ("params", "param"), [({"role": "boss"}, "role"), ({"active": "sometimes"}, "active")]
)
def test_list_users_bad_filter_is_422(api, params, param):
    assert_error(api.get(api.ext + "/users", params=params), 422, param=param)


def test_patch_user(api):
    u = create_user(api, name="Old", role="grader")
    clock.advance(timedelta(minutes=1))
    r = api.patch(api.ext + f"/users/{u['id']}", json={"name": "New", "role": "admin"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["name"], body["role"], body["active"], body["email"]) == (
        "New", "admin", True, u["email"]
    )
    assert body["createdAt"] == u["createdAt"]
    assert body["updatedAt"] > u["updatedAt"]


def test_deactivating_is_how_a_user_is_removed(api):
    u = create_user(api)
    assert api.delete(api.ext + f"/users/{u['id']}").status_code == 405
    r = api.patch(api.ext + f"/users/{u['id']}", json={"active": False})
    assert r.status_code == 200 and r.json()["active"] is False
    # still there for the QA data that points at them, and can come back
    assert api.get(api.ext + f"/users/{u['id']}").json()["active"] is False
    assert api.patch(api.ext + f"/users/{u['id']}", json={"active": True}).json()["active"]


@pytest.mark.parametrize(
    ("body", "param"),
    [({"role": "owner"}, "role"), ({"active": "no"}, "active"), ({"name": None}, "name"),
     ({"active": None}, "active")],
)
def test_patch_user_bad_value_is_422(api, body, param):
    u = create_user(api)
    assert_error(api.patch(api.ext + f"/users/{u['id']}", json=body), 422, param=param)
    assert api.get(api.ext + f"/users/{u['id']}").json() == u


def test_unknown_user_is_404(api):
    assert_error(api.get(api.ext + "/users/qppMJnv8L6KGZMYEN"), 404, mentions="qppMJnv8L6KGZMYEN")
    assert_error(api.patch(api.ext + "/users/qppMJnv8L6KGZMYEN", json={"name": "x"}), 404)


def test_another_accounts_users_are_404_and_never_listed(api, make_api):
    other = make_api()
    theirs = create_user(other)
    mine = create_user(api)
    listed = api.get(api.ext + "/users").json()
    assert [u["id"] for u in listed["Resources"]] == [mine["id"]]
    assert_error(api.get(api.ext + f"/users/{theirs['id']}"), 404)
    assert_error(api.patch(api.ext + f"/users/{theirs['id']}", json={"active": False}), 404)
    assert other.get(other.ext + f"/users/{theirs['id']}").json()["active"] is True


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/users"), ("POST", "/users"), ("GET", "/users/x"), ("PATCH", "/users/x")],
)
def test_user_routes_need_a_token(anon, method, path):
    assert_error(anon.request(method, "/api/podium/v1" + path, json={}), 401)


def test_openapi_documents_the_user_routes(api):
    spec = api.get("/openapi.json").json()
    ops = [
        op
        for path, item in spec["paths"].items()
        if path.startswith("/api/podium/v1/users")
        for op in item.values()
    ]
    assert len(ops) == 4
    for op in ops:
        assert op["tags"] == ["users"] and op["summary"] and op["description"]


@pytest.mark.parametrize("bad", ["a\x00b", "a\ud800b"], ids=["nul", "lone-surrogate"])
def test_text_no_database_can_store_is_422_never_500(api, bad):
    ok = {"email": "u@example.com", "name": "U", "role": "manager"}
    for field in ("email", "name"):
        body = json.dumps({**ok, field: bad})
        r = api.post(api.ext + "/users", content=body, headers={"content-type": "application/json"})
        assert_error(r, 422, param=field, mentions=UNSTORABLE)
    assert_error(api.get(api.ext + "/users/a%00b"), 404)
