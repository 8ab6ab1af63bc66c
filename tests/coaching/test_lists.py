"""What the three coaching lists share: filters, pages, dates, ids and account isolation.

Each test runs for coaching sessions, coaching points and to-dos alike.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from podium import clock
from podium.text_guard import UNSTORABLE
from tests.coaching.builders import KINDS, PATHS, at, new_item
from tests.factories import create_agent, create_user, unique

pytestmark = pytest.mark.parametrize("kind", KINDS)


def listing(api, kind, **params):
    r = api.get(api.v1 + PATHS[kind], params=params)
    assert r.status_code == 200, r.text
    return r.json()


def ids_of(page):
    return [item["id"] for item in page["Resources"]]


def make(world, kind, n=1, **fields):
    return [
        new_item(world.api, kind, agent_id=world.agent_id, user_id=world.user_id, **fields)
        for _ in range(n)
    ]


def test_pages_are_in_id_order_with_the_page_fields(world, kind):
    made = sorted(item["id"] for item in make(world, kind, 5))
    page = listing(world.api, kind, count=2, startIndex=1)
    assert page["startIndex"] == 1
    assert page["totalResults"] == 5
    assert page["itemsPerPage"] == 2
    assert ids_of(page) == made[1:3]
    assert ids_of(listing(world.api, kind)) == made


def test_every_window_of_a_list_is_the_slice_of_its_id_order(world, kind):
    made = sorted(item["id"] for item in make(world, kind, 5))
    for start in range(6):
        for count in (1, 2, 3, 5, 100):
            page = listing(world.api, kind, count=count, startIndex=start)
            assert ids_of(page) == made[start:start + count], (start, count)
            assert page["itemsPerPage"] == len(made[start:start + count])
            assert (page["startIndex"], page["totalResults"]) == (start, 5)


def test_count_zero_gives_the_total_and_no_items(world, kind):
    make(world, kind, 3)
    page = listing(world.api, kind, count=0)
    assert page == {"startIndex": 0, "totalResults": 3, "itemsPerPage": 0, "Resources": []}


def test_start_index_beyond_the_end_is_an_empty_page(world, kind):
    make(world, kind, 2)
    page = listing(world.api, kind, startIndex=2)
    assert page == {"startIndex": 2, "totalResults": 2, "itemsPerPage": 0, "Resources": []}
    page = listing(world.api, kind, startIndex=1000)
    assert (page["startIndex"], page["totalResults"], page["Resources"]) == (1000, 2, [])


@pytest.mark.parametrize("param", ["count", "startIndex"])
def test_negative_count_or_start_index_is_422(api, kind, param):
    r = api.get(api.v1 + PATHS[kind], params={param: -1})
    assert r.status_code == 422
    assert r.json()["errors"][0]["param"] == param


def test_non_numeric_count_is_422(api, kind):
    r = api.get(api.v1 + PATHS[kind], params={"count": "ten"})
    assert r.status_code == 422
    assert r.json()["errors"][0]["param"] == "count"


def test_an_empty_account_lists_nothing(api, kind):
    assert listing(api, kind) == {
        "startIndex": 0, "totalResults": 0, "itemsPerPage": 0, "Resources": []
    }


def test_agent_filter_matches_every_helpdesk_id_of_the_agent(world, kind):
    api = world.api
    second_id = unique("zd")
    r = api.post(api.v1 + "/agents/add-id-to-agent",
                 json={"email": world.agent["email"], "agentId": second_id})
    assert r.status_code == 200, r.text
    by_first = make(world, kind)[0]
    by_second = new_item(api, kind, agent_id=second_id, user_id=world.user_id)
    other = create_agent(api)
    other_item = new_item(api, kind, agent_id=other["agentId"], user_id=world.user_id)

    expected = sorted([by_first["id"], by_second["id"]])
    for agent_id in (world.agent_id, second_id):
        page = listing(api, kind, agentId=agent_id)
        assert page["totalResults"] == 2
        assert ids_of(page) == expected
    # each item keeps the helpdesk id it was made with
    shown = {i["id"]: i["agentId"] for i in listing(api, kind, agentId=second_id)["Resources"]}
    assert shown == {by_first["id"]: world.agent_id, by_second["id"]: second_id}
    assert ids_of(listing(api, kind, agentId=other["agentId"])) == [other_item["id"]]


def test_unknown_agent_id_is_an_empty_page_not_an_error(world, kind):
    make(world, kind)
    page = listing(world.api, kind, agentId="nobody-has-this", startIndex=3)
    assert page == {"startIndex": 3, "totalResults": 0, "itemsPerPage": 0, "Resources": []}
    assert listing(world.api, kind, agentId="x" * 300)["totalResults"] == 0


def test_creator_filter(world, kind):
    other = create_user(world.api)
    mine = make(world, kind, 2)
    theirs = make(world, kind, 1, creatorId=other["id"])
    page = listing(world.api, kind, creatorId=world.user_id)
    assert ids_of(page) == sorted(i["id"] for i in mine)
    assert ids_of(listing(world.api, kind, creatorId=other["id"])) == [theirs[0]["id"]]
    assert listing(world.api, kind, creatorId="NoSuchUser0000000")["totalResults"] == 0
    assert listing(world.api, kind, creatorId="x" * 300)["totalResults"] == 0


def test_start_date_is_inclusive_and_end_date_exclusive(world, kind):
    times = ["2023-06-01T00:00:00.000Z", "2023-06-02T00:00:00.000Z", "2023-06-03T00:00:00.000Z"]
    made = {}
    for t in times:
        clock.freeze(at(t))
        made[t] = make(world, kind)[0]["id"]
    clock.reset()

    def window(**params):
        return set(ids_of(listing(world.api, kind, **params)))

    assert window(startDate=times[1]) == {made[times[1]], made[times[2]]}
    assert window(endDate=times[1]) == {made[times[0]]}
    assert window(startDate=times[0], endDate=times[2]) == {made[times[0]], made[times[1]]}
    assert window(startDate=times[1], endDate=times[1]) == set()
    # one millisecond after a creation time excludes it from startDate, includes it in endDate
    assert window(startDate="2023-06-02T00:00:00.001Z") == {made[times[2]]}
    assert window(endDate="2023-06-02T00:00:00.001Z") == {made[times[0]], made[times[1]]}


@pytest.mark.parametrize(
    "value",
    ["2023-06-02T00:00:00Z", "2023-06-02T00:00:00.000Z", "2023-06-02T00:00:00.000000Z",
     "2023-06-02T02:00:00+02:00"],
    ids=["seconds", "millis", "micros", "offset"],
)
def test_dates_are_accepted_in_every_iso_form_clients_send(world, kind, value):
    clock.freeze(at("2023-06-01T12:00:00Z"))
    before = make(world, kind)[0]["id"]
    clock.advance(timedelta(days=1))
    after = make(world, kind)[0]["id"]
    clock.reset()
    assert ids_of(listing(world.api, kind, startDate=value)) == [after]
    assert ids_of(listing(world.api, kind, endDate=value)) == [before]


@pytest.mark.parametrize("param", ["startDate", "endDate"])
@pytest.mark.parametrize("value", ["garbage", "2023-06-01", "2023-13-01T00:00:00Z",
                                   "2023-06-01T00:00:00"])
def test_bad_dates_are_422_naming_the_parameter(api, kind, param, value):
    r = api.get(api.v1 + PATHS[kind], params={param: value})
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["message"] == f"{param}: expected ISO 8601 UTC like 2017-12-13T05:00:00Z"
    assert body["errors"] == [
        {"param": param, "message": "expected ISO 8601 UTC like 2017-12-13T05:00:00Z"}
    ]


def test_start_date_after_end_date_is_422(api, kind):
    r = api.get(api.v1 + PATHS[kind], params={
        "startDate": "2023-08-01T00:00:00Z", "endDate": "2023-06-01T00:00:00Z"})
    assert r.status_code == 422
    assert r.json()["errors"] == [{"param": "startDate", "message": "must not be after endDate"}]


@pytest.mark.parametrize("param", ["agentId", "creatorId"])
def test_nul_in_a_filter_is_422_not_a_crash(api, kind, param):
    r = api.get(api.v1 + PATHS[kind], params={param: "a\x00b"})
    assert r.status_code == 422
    assert r.json()["errors"] == [{"param": param, "message": UNSTORABLE}]


def test_single_get_matches_the_list_item(world, kind):
    item = make(world, kind)[0]
    r = world.api.get(world.api.v1 + PATHS[kind] + "/" + item["id"])
    assert r.status_code == 200
    assert r.json() == item
    assert listing(world.api, kind)["Resources"] == [item]


@pytest.mark.parametrize("bad_id", ["NoSuchId000000000", "x" * 40, "a%00b", "%E2%9C%93"])
def test_single_get_of_an_unknown_id_is_404(api, kind, bad_id):
    r = api.get(api.v1 + PATHS[kind] + "/" + bad_id)
    assert r.status_code == 404
    assert r.json()["status"] == 404


def test_another_accounts_items_are_invisible(world, make_api, kind):
    mine = make(world, kind)[0]
    other_api = make_api()
    other_agent = create_agent(other_api, agentId=world.agent_id)  # same helpdesk id, other account
    other_user = create_user(other_api)
    theirs = new_item(other_api, kind, agent_id=other_agent["agentId"], user_id=other_user["id"])

    assert ids_of(listing(world.api, kind)) == [mine["id"]]
    assert ids_of(listing(world.api, kind, agentId=world.agent_id)) == [mine["id"]]
    assert listing(world.api, kind, creatorId=other_user["id"])["totalResults"] == 0
    assert ids_of(listing(other_api, kind)) == [theirs["id"]]
    r = world.api.get(world.api.v1 + PATHS[kind] + "/" + theirs["id"])
    assert r.status_code == 404
    r = other_api.get(other_api.v1 + PATHS[kind] + "/" + mine["id"])
    assert r.status_code == 404


def test_the_extension_prefix_serves_the_same_list(world, kind):
    make(world, kind, 2)
    api = world.api
    v1 = api.get(api.v1 + PATHS[kind], params={"count": 1, "startIndex": 1}).json()
    ext = api.get(api.ext + PATHS[kind], params={"count": 1, "startIndex": 1}).json()
    assert v1 == ext
    assert v1["itemsPerPage"] == 1


def test_lists_need_a_token(anon, kind):
    assert anon.get("/api/v1" + PATHS[kind]).status_code == 401
