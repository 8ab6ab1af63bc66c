"""Grade lists (filters, order, pages), isolation between accounts, and the activity log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from podium import clock
from tests.factories import create_agent, create_ticket, create_user
from tests.grading.builders import (
    ANSWERS_21,
    Log,
    create_grade,
    create_rubric,
    grade_body,
    ok,
    refused,
    thirty_five_points,
    world,
)


def _ids(page):
    return [g["id"] for g in page["Resources"]]


def test_filters_order_and_pages(api):
    w = world(api)
    rubric = create_rubric(api, thirty_five_points())
    other_rubric = create_rubric(api, {**thirty_five_points(), "name": "Other"})
    second_agent = create_agent(api, name="Second")
    second_ticket = create_ticket(api, [second_agent["agentId"]])

    def grade(day, **fields):
        body = grade_body(w, rubric, ANSWERS_21, reportedAt=f"2026-05-{day:02d}T12:00:00Z")
        body.update(fields)
        return create_grade(api, **body)

    g1 = grade(3)
    g2 = grade(1, graderId=w.other["id"])
    g3 = grade(2, ticketId=second_ticket["ticket_id"])
    g4 = grade(5, rubricId=other_rubric["id"])
    g5 = grade(4, state="draft", answers={})
    g6 = grade(6)
    ok(api.delete(api.ext + f"/grades/{g6['id']}"))

    def listed(**params):
        return ok(api.get(api.ext + "/grades", params={"count": 100, **params}))

    everyone = listed()
    # by reportedAt, deleted grades left out
    assert _ids(everyone) == [g2["id"], g3["id"], g1["id"], g5["id"], g4["id"]]
    assert everyone["totalResults"] == 5 and "answers" not in everyone["Resources"][0]
    assert _ids(listed(includeDeleted="true"))[-1] == g6["id"]

    assert _ids(listed(ticketId=second_ticket["ticket_id"])) == [g3["id"]]
    assert _ids(listed(agentId=second_agent["agentId"])) == [g3["id"]]
    assert _ids(listed(agentId=second_agent["email"])) == [g3["id"]]
    assert _ids(listed(graderId=w.other["id"])) == [g2["id"]]
    assert _ids(listed(graderEmail=w.other["email"].upper())) == [g2["id"]]
    assert _ids(listed(rubricId=other_rubric["id"])) == [g4["id"]]
    assert _ids(listed(state="draft")) == [g5["id"]]
    assert _ids(listed(gradeType="grading", state="submitted", ticketId=w.ticket_id)) == [
        g2["id"],
        g1["id"],
        g4["id"],
    ]
    assert _ids(listed(startDate="2026-05-02T12:00:00Z", endDate="2026-05-04T12:00:00Z")) == [
        g3["id"],
        g1["id"],
    ]
    # what matches nothing is an empty page, not an error
    for params in (
        {"ticketId": "nope"},
        {"agentId": "nope"},
        {"graderId": "nope"},
        {"gradeType": "grader_qa"},
    ):
        assert listed(**params)["totalResults"] == 0

    page1 = ok(api.get(api.ext + "/grades", params={"count": 2}))
    page2 = ok(api.get(api.ext + "/grades", params={"count": 2, "startIndex": 2}))
    page3 = ok(api.get(api.ext + "/grades", params={"count": 2, "startIndex": 4}))
    assert (page1["itemsPerPage"], page3["itemsPerPage"], page3["totalResults"]) == (2, 1, 5)
    assert _ids(page1) + _ids(page2) + _ids(page3) == _ids(everyone)

    refused(api.get(api.ext + "/grades", params={"gradeType": "other"}), 422, "gradeType")
    refused(api.get(api.ext + "/grades", params={"startDate": "May 1"}), 422, "startDate")
    r = api.get(
        api.ext + "/grades",
        params={"startDate": "2026-05-04T00:00:00Z", "endDate": "2026-05-01T00:00:00Z"},
    )
    refused(r, 422, "startDate")


@pytest.fixture
def two(make_api):
    """Account A with a rubric, a grade, a calibration; account B with its own people."""
    a, b = make_api(), make_api()
    wa, wb = world(a), world(b)
    rubric = create_rubric(a, thirty_five_points())
    grade = create_grade(a, **grade_body(wa, rubric, ANSWERS_21))
    cal = a.post(
        a.ext + "/calibrations",
        json={
            "ticketId": wa.ticket_id,
            "rubricId": rubric["id"],
            "finalCalibratorId": wa.grader["id"],
        },
    )
    assert cal.status_code == 201, cal.text
    return wa, wb, rubric, grade, cal.json()


def test_another_accounts_objects_are_404(two):
    wa, wb, rubric, grade, calibration = two
    b = wb.api
    for method, path in [
        ("get", f"/rubrics/{rubric['id']}"),
        ("put", f"/rubrics/{rubric['id']}"),
        ("patch", f"/rubrics/{rubric['id']}"),
        ("delete", f"/rubrics/{rubric['id']}"),
        ("get", f"/grades/{grade['id']}"),
        ("patch", f"/grades/{grade['id']}"),
        ("delete", f"/grades/{grade['id']}"),
        ("post", f"/grades/{grade['id']}/submit"),
        ("post", f"/grades/{grade['id']}/grader-qa"),
        ("get", f"/calibrations/{calibration['id']}"),
        ("patch", f"/calibrations/{calibration['id']}"),
        ("delete", f"/calibrations/{calibration['id']}"),
        ("post", f"/calibrations/{calibration['id']}/grades"),
    ]:
        kwargs = {}
        if method in ("put", "patch", "post"):
            kwargs["json"] = thirty_five_points() if method == "put" else {}
        r = getattr(b, method)(b.ext + path, **kwargs)
        assert r.status_code == 404, f"{method} {path}: {r.status_code} {r.text}"
    assert ok(b.get(b.ext + "/grades"))["totalResults"] == 0
    assert ok(b.get(b.ext + "/rubrics"))["totalResults"] == 0
    assert ok(b.get(b.ext + "/calibrations"))["totalResults"] == 0
    assert ok(b.get(b.ext + "/grades", params={"ticketId": wa.ticket_id}))["totalResults"] == 0
    # A still has everything
    assert ok(wa.api.get(wa.api.ext + f"/grades/{grade['id']}"))["rubricScore"] == 60


def test_another_accounts_references_are_422(two):
    wa, wb, rubric, _, _ = two
    b = wb.api
    mine = create_rubric(b, thirty_five_points())
    cases = [
        ({"rubricId": rubric["id"]}, "rubricId"),
        ({"ticketId": wa.ticket_id}, "ticketId"),
        ({"agentId": wa.agent["agentId"]}, "agentId"),
        ({"graderId": wa.grader["id"]}, "graderId"),
        ({"graderId": None, "graderEmail": wa.grader["email"]}, "graderEmail"),
    ]
    for change, param in cases:
        body = {**grade_body(wb, mine, ANSWERS_21), **change}
        body = {k: v for k, v in body.items() if v is not None}
        refused(b.post(b.ext + "/grades", json=body), 422, param)
    r = b.post(
        b.ext + "/calibrations",
        json={
            "ticketId": wb.ticket_id,
            "rubricId": rubric["id"],
            "finalCalibratorId": wb.grader["id"],
        },
    )
    refused(r, 422, "rubricId")


def test_every_change_is_in_the_activity_log(api):
    w = world(api)
    log = Log(api)
    log.new()
    clock.freeze(datetime(2026, 4, 1, tzinfo=UTC))
    rubric = create_rubric(api, thirty_five_points())
    log.one("Rubric", "add", rubric["id"], "Support QA", "3 sections", "5 criteria")

    draft = create_grade(api, **grade_body(w, rubric, {"g1": {"value": 1}}, state="draft"))
    log.one("Scores", "start grading", draft["id"], w.ticket_id, w.grader["email"])
    ok(api.patch(api.ext + f"/grades/{draft['id']}", json={"generalNotes": "Half way"}))
    log.one("Scores", "update", draft["id"], "generalNotes")
    ok(
        api.patch(
            api.ext + f"/grades/{draft['id']}", json={"answers": ANSWERS_21, "state": "submitted"}
        )
    )
    log.one("Scores", "submit", draft["id"], "score 60%")
    ok(api.post(api.ext + f"/grades/{draft['id']}/submit"))  # already submitted: nothing
    assert log.new() == []

    grade = create_grade(api, **grade_body(w, rubric, ANSWERS_21))
    log.one("Scores", "add", grade["id"], "score 60%")
    body = thirty_five_points()
    body["sections"][0]["criteria"][0]["maxPoints"] = 20
    ok(api.put(api.ext + f"/rubrics/{rubric['id']}", json=body))
    log.one("Rubric", "update", rubric["id"], "new version 2", "Question g1")
    ok(api.patch(api.ext + f"/rubrics/{rubric['id']}", json={"active": False}))
    log.one("Rubric", "update", "now inactive")

    lead = create_user(api, role="manager")
    log.new()
    ok(api.patch(api.ext + f"/rubrics/{rubric['id']}", json={"active": True}))
    log.new()
    cal = api.post(
        api.ext + "/calibrations",
        json={"ticketId": w.ticket_id, "rubricId": rubric["id"], "finalCalibratorId": lead["id"]},
    )
    assert cal.status_code == 201, cal.text
    log.one("Calibrations", "add", cal.json()["id"], lead["email"])
    r = api.post(
        api.ext + f"/calibrations/{cal.json()['id']}/grades",
        json={"graderId": w.grader["id"], "answers": ANSWERS_21},
    )
    assert r.status_code == 201, r.text
    log.one("Scores", "add", "calibration grade", r.json()["id"])
    r = api.post(
        api.ext + f"/grades/{grade['id']}/grader-qa",
        json={"graderId": w.other["id"], "answers": ANSWERS_21},
    )
    assert r.status_code == 201, r.text
    log.one("Scores", "add", "grader QA grade", r.json()["id"])

    clock.advance(timedelta(minutes=1))
    ok(api.delete(api.ext + f"/grades/{grade['id']}"))
    log.one("Scores", "delete", grade["id"])
    ok(api.delete(api.ext + f"/calibrations/{cal.json()['id']}"))
    log.one("Calibrations", "delete", "1 grade")
    ok(api.delete(api.ext + f"/rubrics/{rubric['id']}"))
    log.one("Rubric", "delete", rubric["id"])

    # a refused change leaves no entry
    api.post(api.ext + "/grades", json=grade_body(w, rubric, {}))
    api.post(api.ext + "/rubrics", json={"name": "x", "sections": []})
    assert log.new() == []
