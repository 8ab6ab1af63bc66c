"""No input reaches a 5xx: values PostgreSQL cannot store, dates past the calendar, and random
JSON in every field of every tickets endpoint all get a 4xx naming the parameter."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from podium.text_guard import UNSTORABLE
from tests.factories import create_agent, create_ticket
from tests.tickets.helpers import assert_error, define_attribute

NUL = "a\u0000b"


@pytest.fixture
def world(api):
    agent = create_agent(api)
    ticket = create_ticket(api, [agent["agentId"]])
    return api, agent, ticket


def base_ticket(agent: dict[str, Any], **fields: Any) -> dict[str, Any]:
    body = {"ticket_id": "t-new", "type": "t", "subject": "s", "link": "l", "body": "b",
            "agents": [agent["agentId"]]}
    body.update(fields)
    return body


@pytest.mark.parametrize(
    "field, value, param",
    [
        ("ticket_id", NUL, "ticket_id"),
        ("body", NUL, "body"),
        ("agents", [NUL], "agents[0]"),
        ("tags", NUL, "tags"),
        ("attributes", {"k": NUL}, "attributes.k"),
        ("csat_score", 10**400, "csat_score"),
        ("first_seen", "9999-12-31T23:59:59-23:59", "first_seen"),
        ("last_seen", "0001-01-01T00:00:00+01:00", "last_seen"),
    ],
)
def test_unstorable_ticket_values_are_422(world, field, value, param):
    api, agent, ticket = world
    assert_error(api.post(api.v1 + "/tickets", json=base_ticket(agent, **{field: value})), 422,
                 param)
    r = api.patch(api.v1 + f"/tickets/{ticket['ticket_id']}", json={field: value})
    assert r.status_code in (200, 422), r.text  # ticket_id in a PATCH body is ignored


@pytest.mark.parametrize("field", ["body", "ticket_id", "author_id", "channel"])
def test_nul_in_a_comment_is_422_naming_the_field(world, field):
    api, _, ticket = world
    comment = {"ticket_id": ticket["ticket_id"], "body": "x", field: NUL}
    assert_error(api.post(api.v1 + "/comments", json=comment), 422, field, mentions=UNSTORABLE)
    batch = {"batch": [{"ticket_id": ticket["ticket_id"], "body": "ok"}, comment]}
    assert_error(api.post(api.v1 + "/comments-batch", json=batch), 422, f"batch[1].{field}")


def test_unstorable_ids_find_nothing_and_unstorable_filters_are_422(world):
    api, _, _ = world
    assert_error(api.get(api.v1 + "/tickets/a%00b"), 404)
    assert_error(api.patch(api.v1 + "/tickets/a%00b", json={}), 404)
    assert_error(api.delete(api.v1 + "/tickets/a%00b"), 404)
    assert_error(api.get(api.v1 + "/tickets?ticket_ids=a%00b,c"), 422, "ticket_ids", UNSTORABLE)
    assert_error(api.get(api.ext + "/tickets?agentId=a%00b"), 422, "agentId", UNSTORABLE)
    assert_error(api.get(api.ext + "/tickets?status=a%00b"), 422, "status", UNSTORABLE)
    assert_error(api.get(api.ext + "/tickets/a%00b/comments"), 404)
    assert_error(api.delete(api.ext + "/ticket-attributes/a%00b"), 404)
    assert_error(
        api.post(api.ext + "/ticket-attributes", json={"key": NUL, "valueType": "string"}),
        422, "key", UNSTORABLE,
    )


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_non_standard_json_numbers_are_refused(world, literal):
    # Python's JSON parser reads these literals; no stored number may hold one
    api, agent, ticket = world
    define_attribute(api, "n", "number")
    headers = {"content-type": "application/json"}
    agent_id = agent["agentId"]
    body = (
        '{"ticket_id": "nan", "type": "t", "subject": "s", "link": "l", "body": "b", '
        f'"agents": ["{agent_id}"], "csat_score": {literal}}}'
    )
    assert_error(api.post(api.v1 + "/tickets", content=body, headers=headers), 422, "csat_score")
    patch = f'{{"attributes": {{"n": {literal}}}}}'
    r = api.patch(api.v1 + f"/tickets/{ticket['ticket_id']}", content=patch, headers=headers)
    assert_error(r, 422, "attributes.n")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    # keys a, b, c are defined attributes of each type (see define_attribute_once)
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.sampled_from("abc") | st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)
TICKET_FIELDS = ["ticket_id", "type", "subject", "agents", "link", "body", "tags", "status",
                 "csat_score", "first_seen", "last_seen", "attributes"]
COMMENT_FIELDS = ["ticket_id", "body", "author_id", "role", "channel", "public", "time"]
FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _no_5xx(r: Any) -> None:
    assert r.status_code < 500, r.text
    assert r.headers["content-type"].startswith("application/json")


@FUZZ
@given(field=st.sampled_from(TICKET_FIELDS), value=json_values)
def test_random_values_in_ticket_fields_never_5xx(world, field, value):
    api, agent, ticket = world
    define_attribute_once(api)
    body = base_ticket(agent, ticket_id="fz")
    body[field] = value
    _no_5xx(api.post(api.v1 + "/tickets", json=body))
    api.delete(api.v1 + "/tickets/fz")
    _no_5xx(api.patch(api.v1 + f"/tickets/{ticket['ticket_id']}", json={field: value}))


@FUZZ
@given(field=st.sampled_from(COMMENT_FIELDS), value=json_values)
def test_random_values_in_comment_fields_never_5xx(world, field, value):
    api, _, ticket = world
    comment = {"ticket_id": ticket["ticket_id"], "body": "x", field: value}
    _no_5xx(api.post(api.v1 + "/comments", json=comment))
    _no_5xx(api.post(api.v1 + "/comments-batch", json={"batch": [comment]}))


@FUZZ
@given(body=json_values)
def test_random_bodies_never_5xx(world, body):
    api, _, ticket = world
    for method, path in (
        ("POST", api.v1 + "/tickets"),
        ("PATCH", api.v1 + f"/tickets/{ticket['ticket_id']}"),
        ("POST", api.v1 + "/comments"),
        ("POST", api.v1 + "/comments-batch"),
        ("POST", api.ext + "/ticket-attributes"),
    ):
        _no_5xx(api.request(method, path, json=body))


def define_attribute_once(api: Any) -> None:
    # typed attributes, so random `attributes` objects meet every value type
    if not getattr(api, "_fuzz_attributes", False):
        for key, value_type in (("a", "number"), ("b", "boolean"), ("c", "date")):
            define_attribute(api, key, value_type)
        api._fuzz_attributes = True
