"""Grader QA and calibrations: the benchmark re-grade, alignment per criterion and per grade
(percent), recomputed on every change of either side."""

from __future__ import annotations

from datetime import timedelta

import pytest

from podium import clock
from tests.factories import create_user
from tests.grading.builders import (
    ANSWERS_21,
    answer,
    create_grade,
    create_rubric,
    grade_body,
    linear,
    ok,
    refused,
    section,
    thirty_five_points,
    world,
)

# the documented example: a 15-point criterion among 80 points
EXAMPLE = {"name": "Alignment", "sections": [section("s", linear("big", 15), linear("rest", 65))]}


@pytest.fixture
def w(api):
    return world(api)


def _qa(w, grade, answers, **fields):
    body = {"graderId": w.other["id"], "answers": answers, **fields}
    r = w.api.post(w.api.ext + f"/grades/{grade['id']}/grader-qa", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def test_grader_qa_10_vs_7_of_15_is_80_percent_on_the_criterion(w):
    rubric = create_rubric(w.api, EXAMPLE)
    original = create_grade(
        w.api, **grade_body(w, rubric, {"big": {"value": 10}, "rest": {"value": 40}})
    )
    qa = _qa(w, original, {"big": {"value": 7}, "rest": {"value": 40}})
    assert qa["gradeType"] == "grader_qa" and qa["targetGradeId"] == original["id"]
    assert qa["graderId"] == w.other["id"] and qa["ticketId"] == w.ticket_id
    assert qa["agentId"] == original["agentId"] and qa["rubricVersion"] == 1
    assert answer(qa, "big")["alignment"] == pytest.approx(80)
    assert answer(qa, "rest")["alignment"] == 100
    # weighted by each criterion's share of the points: 80% × 15/80 + 100% × 65/80
    assert qa["alignmentScore"] == pytest.approx(15 + 100 * 65 / 80)
    assert qa["rubricScore"] == pytest.approx(100 * 47 / 80)
    # the original is untouched
    assert ok(w.api.get(w.api.ext + f"/grades/{original['id']}"))["alignmentScore"] is None

    # a change of either side recomputes it
    path = w.api.ext + f"/grades/{qa['id']}"
    fixed = ok(w.api.patch(path, json={"answers": {"big": {"value": 10}}}))
    assert fixed["alignmentScore"] == 100 and answer(fixed, "big")["alignment"] == 100
    clock.advance(timedelta(seconds=1))
    ok(
        w.api.patch(
            w.api.ext + f"/grades/{original['id']}", json={"answers": {"rest": {"value": 0}}}
        )
    )
    after = ok(w.api.get(path))
    assert after["alignmentScore"] == pytest.approx(100 * (15 + 65 * (1 - 40 / 65)) / 80)
    assert after["updatedAt"] > fixed["updatedAt"]  # exports see the change
    listed = ok(
        w.api.get(
            w.api.ext + "/grades",
            params={"targetGradeId": original["id"], "gradeType": "grader_qa"},
        )
    )
    assert [g["id"] for g in listed["Resources"]] == [qa["id"]]


def test_grader_qa_na_rules_and_draft(w):
    rubric = create_rubric(w.api, thirty_five_points())
    original = create_grade(w.api, **grade_body(w, rubric, {**ANSWERS_21, "p1": {"na": True}}))
    draft = _qa(w, original, {"g1": {"value": 6}}, state="draft")
    assert draft["alignmentScore"] is None  # not until both are submitted
    full = {**ANSWERS_21, "p1": {"value": 5}}
    submitted = ok(
        w.api.patch(
            w.api.ext + f"/grades/{draft['id']}", json={"answers": full, "state": "submitted"}
        )
    )
    # N/A on one side only: 0 for that criterion (5 of 35 points); all else agrees
    assert answer(submitted, "p1")["alignment"] == 0
    assert submitted["alignmentScore"] == pytest.approx(100 * 30 / 35)


def test_grader_qa_refusals(w):
    rubric = create_rubric(w.api, thirty_five_points())
    original = create_grade(w.api, **grade_body(w, rubric, ANSWERS_21))
    path = w.api.ext + f"/grades/{original['id']}/grader-qa"
    r = w.api.post(path, json={"graderId": w.grader["id"], "answers": ANSWERS_21})
    assert "original grader" in refused(r, 422, "graderId")["message"]
    _qa(w, original, ANSWERS_21)
    r = w.api.post(path, json={"graderId": w.other["id"], "answers": ANSWERS_21})
    refused(r, 409, "graderId")
    draft = create_grade(w.api, **grade_body(w, rubric, {}, state="draft"))
    r = w.api.post(
        w.api.ext + f"/grades/{draft['id']}/grader-qa",
        json={"graderId": w.other["id"], "answers": ANSWERS_21},
    )
    refused(r, 422, "id")
    assert w.api.post(w.api.ext + "/grades/nosuchgrade/grader-qa", json={}).status_code == 404
    # an incomplete submitted benchmark is refused like any grade
    third = create_user(w.api, role="grader")
    r = w.api.post(path, json={"graderId": third["id"], "answers": {"g1": {"value": 1}}})
    refused(r, 422, "answers.g2")


# --- calibrations -------------------------------------------------------------------------------


def _calibration(w, rubric, final_calibrator, **fields):
    body = {
        "ticketId": w.ticket_id,
        "rubricId": rubric["id"],
        "name": "Weekly calibration",
        "finalCalibratorId": final_calibrator["id"],
        **fields,
    }
    r = w.api.post(w.api.ext + "/calibrations", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def _cal_grade(w, calibration, grader, answers, **fields):
    body = {"graderId": grader["id"], "answers": answers, **fields}
    return w.api.post(w.api.ext + f"/calibrations/{calibration['id']}/grades", json=body)


def test_calibration_alignment_per_calibrator(w):
    rubric = create_rubric(w.api, EXAMPLE)
    lead = create_user(w.api, name="Lead", role="manager")
    calibration = _calibration(w, rubric, lead, kind="benchmark")
    assert calibration["kind"] == "benchmark" and calibration["ticketId"] == w.ticket_id
    assert calibration["agentId"] == w.agent["agentId"]
    assert calibration["finalGradeId"] is None and calibration["calibrators"] == []

    a = _cal_grade(w, calibration, w.grader, {"big": {"value": 10}, "rest": {"value": 65}})
    b = _cal_grade(w, calibration, w.other, {"big": {"value": 7}, "rest": {"value": 65}})
    assert a.status_code == b.status_code == 201, (a.text, b.text)
    a, b = a.json(), b.json()
    assert a["gradeType"] == "calibration_review" and a["calibrationId"] == calibration["id"]
    assert a["alignmentScore"] is None  # no final grade yet

    final = _cal_grade(
        w, calibration, lead, {"big": {"value": 7}, "rest": {"value": 65}}, final=True
    )
    assert final.status_code == 201, final.text
    final = final.json()
    assert final["gradeType"] == "calibration_final" and final["alignmentScore"] is None
    a = ok(w.api.get(w.api.ext + f"/grades/{a['id']}"))
    b = ok(w.api.get(w.api.ext + f"/grades/{b['id']}"))
    assert answer(a, "big")["alignment"] == pytest.approx(80)
    assert a["alignmentScore"] == pytest.approx(15 + 100 * 65 / 80)
    assert b["alignmentScore"] == 100

    read = ok(w.api.get(w.api.ext + f"/calibrations/{calibration['id']}"))
    assert read["finalGradeId"] == final["id"]
    assert [(c["gradeId"], c["graderId"], c["alignmentScore"]) for c in read["calibrators"]] == [
        (a["id"], w.grader["id"], pytest.approx(15 + 100 * 65 / 80)),
        (b["id"], w.other["id"], 100),
    ]

    # a change of the final recomputes every calibrator's alignment
    clock.advance(timedelta(seconds=1))
    ok(w.api.patch(w.api.ext + f"/grades/{final['id']}", json={"answers": {"big": {"value": 10}}}))
    assert ok(w.api.get(w.api.ext + f"/grades/{a['id']}"))["alignmentScore"] == 100
    b_after = ok(w.api.get(w.api.ext + f"/grades/{b['id']}"))
    assert answer(b_after, "big")["alignment"] == pytest.approx(80)
    assert b_after["updatedAt"] > b["updatedAt"]
    # and of a calibrator's grade, that grade's
    ok(w.api.patch(w.api.ext + f"/grades/{b['id']}", json={"answers": {"big": {"value": 10}}}))
    assert ok(w.api.get(w.api.ext + f"/grades/{b['id']}"))["alignmentScore"] == 100
    # deleting the final clears them
    ok(w.api.delete(w.api.ext + f"/grades/{final['id']}"))
    assert ok(w.api.get(w.api.ext + f"/grades/{a['id']}"))["alignmentScore"] is None
    assert answer(ok(w.api.get(w.api.ext + f"/grades/{a['id']}")), "big")["alignment"] is None


def test_calibration_rules(w):
    rubric = create_rubric(w.api, EXAMPLE)
    lead = create_user(w.api, role="manager")
    calibration = _calibration(w, rubric, lead)
    answers = {"big": {"value": 1}, "rest": {"value": 1}}
    assert _cal_grade(w, calibration, w.grader, answers).status_code == 201
    refused(_cal_grade(w, calibration, w.grader, answers), 409, "graderId")
    r = _cal_grade(w, calibration, w.other, answers, final=True)
    assert "final calibrator" in refused(r, 422, "graderId")["message"]
    assert _cal_grade(w, calibration, lead, answers, final=True).status_code == 201
    refused(_cal_grade(w, calibration, lead, answers, final=True), 409, "final")
    # the final calibrator may also calibrate
    assert _cal_grade(w, calibration, lead, answers).status_code == 201
    refused(
        w.api.post(
            w.api.ext + "/calibrations", json={"ticketId": w.ticket_id, "rubricId": rubric["id"]}
        ),
        422,
        "finalCalibratorId",
    )
    refused(
        w.api.post(
            w.api.ext + "/calibrations",
            json={"ticketId": "nope", "rubricId": rubric["id"], "finalCalibratorId": lead["id"]},
        ),
        422,
        "ticketId",
    )


def test_calibration_grades_keep_the_first_grades_version(w):
    rubric = create_rubric(w.api, EXAMPLE)
    lead = create_user(w.api, role="manager")
    calibration = _calibration(w, rubric, lead)
    answers = {"big": {"value": 10}, "rest": {"value": 60}}
    first = _cal_grade(w, calibration, w.grader, answers).json()
    body = {"name": "Alignment", "sections": [section("s", linear("big", 30), linear("rest", 65))]}
    assert ok(w.api.put(w.api.ext + f"/rubrics/{rubric['id']}", json=body))["version"] == 2
    final = _cal_grade(w, calibration, lead, answers, final=True).json()
    assert final["rubricVersion"] == first["rubricVersion"] == 1
    assert ok(w.api.get(w.api.ext + f"/grades/{first['id']}"))["alignmentScore"] == 100


def test_calibration_list_update_delete(w):
    rubric = create_rubric(w.api, EXAMPLE)
    lead = create_user(w.api, role="manager")
    first = _calibration(w, rubric, lead)
    second = _calibration(w, rubric, lead, name="Second")
    page = ok(w.api.get(w.api.ext + "/calibrations"))
    assert [c["id"] for c in page["Resources"]] == sorted([first["id"], second["id"]])
    assert (
        ok(w.api.get(w.api.ext + "/calibrations", params={"ticketId": "nope"}))["totalResults"] == 0
    )
    updated = ok(
        w.api.patch(
            w.api.ext + f"/calibrations/{first['id']}",
            json={
                "name": "Renamed",
                "finalCalibratorEmail": w.other["email"],
                "scheduledFor": "2026-12-01T10:00:00Z",
            },
        )
    )
    assert updated["name"] == "Renamed" and updated["finalCalibratorId"] == w.other["id"]
    assert updated["scheduledFor"] == "2026-12-01T10:00:00.000Z"
    grade = _cal_grade(w, first, w.grader, {"big": {"value": 1}, "rest": {"value": 1}}).json()
    assert ok(w.api.delete(w.api.ext + f"/calibrations/{first['id']}"))["deleted"] is True
    assert w.api.get(w.api.ext + f"/calibrations/{first['id']}").status_code == 404
    assert w.api.get(w.api.ext + f"/grades/{grade['id']}").status_code == 404
    assert ok(w.api.get(w.api.ext + "/calibrations"))["totalResults"] == 1
    r = _cal_grade(w, first, w.grader, {})
    assert r.status_code == 404
