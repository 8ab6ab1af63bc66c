"""`POST /request-raw-export`: every parameter, its default, and its validation error."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest
from tests.exports.builders import (
    HEADERS,
    RAW_FILES,
    base_time,
    completed,
    create_rubric,
    download,
    frozen,
    grade,
    header_of,
    iso,
    poll,
    qa_rubric,
    raw_export,
    read_csv,
    read_zip,
    request_export,
    window,
    world,
)
from tests.factories import create_user

from podium import clock

EXPORT_ID = re.compile(r"^id_[23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz]{17}$")


@pytest.fixture
def w(api):
    return world(api)


def refused(r: httpx.Response, status: int, param: str) -> str:
    assert r.status_code == status, r.text
    body = r.json()
    assert body["status"] == status
    params = [e["param"] for e in body["errors"]]
    assert param in params, body
    return next(e["message"] for e in body["errors"] if e["param"] == param)


GOOD = {"startDate": "2018-08-13T00:00:00Z", "endDate": "2018-08-19T00:00:00Z"}


@pytest.mark.parametrize(
    ("change", "param", "reason"),
    [
        ({"startDate": None}, "startDate", "required"),
        ({"endDate": None}, "endDate", "required"),
        ({"startDate": "2018-13-01T00:00:00Z"}, "startDate", "ISO 8601"),
        ({"startDate": "yesterday"}, "startDate", "ISO 8601"),
        ({"endDate": "2018-08-19T00:00:00"}, "endDate", "ISO 8601"),  # no zone
        ({"endDate": 1534636800}, "endDate", "ISO 8601"),
        ({"endDate": "2018-08-12T23:59:59Z"}, "endDate", "before startDate"),
        ({"singleFileExport": "scores"}, "singleFileExport", "individual_answers"),
        ({"singleFileExport": ""}, "singleFileExport", "total_scores"),
        ({"includeCalibrations": "some"}, "includeCalibrations", "'all', 'none' or 'only'"),
        ({"includeCalibrations": True}, "includeCalibrations", "'all', 'none' or 'only'"),
        ({"includeGraderQA": "yes"}, "includeGraderQA", "boolean"),
        ({"includeGraderQA": 1}, "includeGraderQA", "boolean"),
        ({"includeDeleted": "false"}, "includeDeleted", "boolean"),
        ({"name": 5}, "name", "string"),
        ({"name": "x" * 201}, "name", "200 characters"),
    ],
)
def test_invalid_parameter_is_422_naming_it(api, change, param, reason):
    body = {**GOOD, **change}
    body = {k: v for k, v in body.items() if v is not None or k not in GOOD}
    message = refused(api.post(api.v1 + "/request-raw-export", json=body), 422, param)
    assert reason in message


def test_no_body_not_json_and_not_an_object(api):
    refused(api.post(api.v1 + "/request-raw-export"), 422, "body")
    r = api.post(
        api.v1 + "/request-raw-export",
        content=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    refused(r, 400, "body")
    refused(api.post(api.v1 + "/request-raw-export", json=[GOOD]), 422, "body")


def test_token_in_header_or_body(api, anon):
    assert anon.post("/api/v1/request-raw-export", json=GOOD).status_code == 401
    bad = {**GOOD, "apiToken": "pdm_nope"}
    assert anon.post("/api/v1/request-raw-export", json=bad).status_code == 401
    # the reference's older form: the token in the body, for backward compatibility
    r = anon.post("/api/v1/request-raw-export", json={**GOOD, "apiToken": api.token})
    assert r.status_code == 200, r.text
    export_id = r.json()["exportId"]
    assert poll(api, export_id)["status"] == "complete"


def test_answer_is_200_with_a_string_id_and_optional_fields_may_be_null(api):
    r = api.post(
        api.v1 + "/request-raw-export",
        json={
            **GOOD,
            "name": None,
            "singleFileExport": None,
            "includeCalibrations": None,
            "includeGraderQA": None,
            "includeDeleted": None,
            "somethingElse": {"ignored": True},
        },
    )
    assert r.status_code == 200, r.text
    assert list(r.json()) == ["exportId"]
    assert EXPORT_ID.match(r.json()["exportId"])


def test_dates_with_milliseconds_microseconds_and_offsets(api):
    for start, end in [
        ("2024-02-02T10:00:00.000Z", "2024-02-03T10:00:00.000000Z"),
        ("2026-11-28T03:35:00.182051Z", "2026-11-28T05:35:00.182051+02:00"),
    ]:
        export_id = request_export(api, "/request-raw-export", startDate=start, endDate=end)
        assert poll(api, export_id)["status"] == "complete"
    # start == end: an empty window, complete with nothing to download
    assert completed(api, startDate=GOOD["startDate"], endDate=GOOD["startDate"])["dataUrl"] == ""


def test_empty_export_is_complete_with_an_empty_data_url(w):
    create_rubric(w.api, qa_rubric())
    future = clock.now() + timedelta(days=365)
    result = completed(w.api, **window(future, future + timedelta(days=7)))
    assert result == {"status": "complete", "dataUrl": "", "exportId": result["exportId"]}
    details = w.api.get(w.api.ext + f"/exports/{result['exportId']}").json()
    assert details["rowCounts"] == {name: 0 for name in RAW_FILES}
    assert details["sizeBytes"] is None and details["fileName"] is None


def test_window_edges_start_included_end_excluded(w):
    rubric = create_rubric(w.api, qa_rubric())
    t0 = base_time()
    made = {}
    for offset in (0, 0.5, 1, 2):
        at = t0 + timedelta(seconds=offset)
        with frozen(at):
            made[offset] = grade(w, rubric)["id"]

    def ids(start, end):
        files = raw_export(w.api, **window(start, end))
        return {row["date_graded"] for row in files["total_scores"]}

    def dates(*offsets):
        from tests.exports.builders import csv_date

        return {csv_date(t0 + timedelta(seconds=o)) for o in offsets}

    assert ids(t0, t0 + timedelta(seconds=2)) == dates(0, 0.5, 1)
    assert ids(t0 + timedelta(seconds=0.5), t0 + timedelta(seconds=1)) == dates(0.5)
    # consecutive windows neither miss nor repeat a grade
    first = ids(t0, t0 + timedelta(seconds=1))
    second = ids(t0 + timedelta(seconds=1), t0 + timedelta(seconds=3))
    assert first | second == dates(0, 0.5, 1, 2) and not first & second
    # nothing between two grades
    later = t0 + timedelta(seconds=1, milliseconds=1)
    assert completed(w.api, **window(later, t0 + timedelta(seconds=2)))["dataUrl"] == ""


def test_selection_is_by_last_update_not_creation(w):
    rubric = create_rubric(w.api, qa_rubric())
    t0 = base_time()
    with frozen(t0):
        made = grade(w, rubric)
    with frozen(t0 + timedelta(days=2)):
        r = w.api.patch(w.api.ext + f"/grades/{made['id']}", json={"generalNotes": "revised"})
        assert r.status_code == 200, r.text
    assert completed(w.api, **window(t0, t0 + timedelta(days=1)))["dataUrl"] == ""
    files = raw_export(w.api, **window(t0 + timedelta(days=1), t0 + timedelta(days=3)))
    (row,) = files["total_scores"]
    assert row["comment"] == "revised"
    assert row["date_first_graded"] < row["date_graded"]


def _types(files):
    return sorted(row["grade_type"] for row in files["total_scores"])


def test_calibrations_none_all_only_and_grader_qa(w):
    rubric = create_rubric(w.api, qa_rubric())
    t0 = base_time()
    calibrator = create_user(w.api, name="Cal Ibrator", role="grader")
    with frozen(t0):
        original = grade(w, rubric)
        r = w.api.post(
            w.api.ext + f"/grades/{original['id']}/grader-qa",
            json={
                "graderId": w.benchmark["id"],
                "answers": {
                    **_answers(),
                    "warmth": {"value": 4},
                },
            },
        )
        assert r.status_code == 201, r.text
        qa = r.json()
        r = w.api.post(
            w.api.ext + "/calibrations",
            json={
                "ticketId": w.ticket_id,
                "rubricId": rubric["id"],
                "name": "Weekly",
                "finalCalibratorId": w.benchmark["id"],
            },
        )
        assert r.status_code == 201, r.text
        calibration = r.json()
        for body in (
            {"graderId": calibrator["id"], "answers": _answers()},
            {"graderId": w.benchmark["id"], "answers": _answers(), "final": True},
        ):
            r = w.api.post(w.api.ext + f"/calibrations/{calibration['id']}/grades", json=body)
            assert r.status_code == 201, r.text
    span = window(t0, t0 + timedelta(seconds=1))

    assert _types(raw_export(w.api, **span)) == ["grading"]
    assert _types(raw_export(w.api, **span, includeCalibrations="none")) == ["grading"]
    everything = raw_export(w.api, **span, includeCalibrations="all", includeGraderQA=True)
    assert _types(everything) == ["calibration_final", "calibration_review", "grader_qa", "grading"]
    assert _types(raw_export(w.api, **span, includeCalibrations="all")) == [
        "calibration_final",
        "calibration_review",
        "grading",
    ]
    assert _types(raw_export(w.api, **span, includeGraderQA=True)) == ["grader_qa", "grading"]
    assert _types(raw_export(w.api, **span, includeGraderQA=False)) == ["grading"]
    only = raw_export(w.api, **span, includeCalibrations="only", includeGraderQA=True)
    assert _types(only) == ["calibration_final", "calibration_review"]
    # the detail files follow the grades they belong to
    for files, n in ((everything, 4), (only, 2)):
        assert len(files["section_scores"]) == 2 * n
        assert len(files["individual_answers"]) == 4 * n
        assert {r["grade_type"] for r in files["individual_answers"]} == set(_types(files))

    # grader QA rows carry the original grade, its grader and the alignment
    by_type = {row["grade_type"]: row for row in everything["total_scores"]}
    assert by_type["grader_qa"]["target_answer_id"] == original["id"]
    assert by_type["grader_qa"]["original_grader"] == w.grader["email"]
    assert by_type["grader_qa"]["grader"] == w.benchmark["email"]
    assert by_type["grader_qa"]["alignment_score"] == _percent(qa["alignmentScore"])
    assert by_type["grader_qa"]["rubric_score"] == "35"  # warmth 4: 7 of 20
    warmth = next(
        a
        for a in everything["individual_answers"]
        if a["grade_type"] == "grader_qa" and a["question_id"] == "warmth"
    )
    assert warmth["alignment_score"] == "70"  # 1 - 3/10
    assert warmth["target_answer_id"] == original["id"]
    qa_sections = [s for s in everything["section_scores"] if s["grade_type"] == "grader_qa"]
    assert {s["alignment_score"] for s in qa_sections} == {by_type["grader_qa"]["alignment_score"]}
    # the calibrator's grade agrees with the final one: 100% aligned
    assert by_type["calibration_review"]["alignment_score"] == "100"
    assert by_type["calibration_final"]["alignment_score"] == ""
    assert by_type["grading"]["alignment_score"] == ""
    assert by_type["grading"]["target_answer_id"] == by_type["grading"]["original_grader"] == ""


def _answers():
    from tests.exports.builders import answers_17

    return answers_17()


def _percent(value):
    from podium.exports.writers import format_number

    return format_number(value)


def test_deleted_grades_in_or_out_and_drafts_never(w):
    rubric = create_rubric(w.api, qa_rubric())
    t0 = base_time()
    with frozen(t0):
        kept = grade(w, rubric)
        gone = grade(w, rubric, generalNotes="deleted later")
        draft = grade(w, rubric, {"warmth": {"value": 3}}, state="draft")
        assert draft["state"] == "draft"
        r = w.api.delete(w.api.ext + f"/grades/{gone['id']}")
        assert r.status_code == 200, r.text
    span = window(t0, t0 + timedelta(seconds=1))
    default = raw_export(w.api, **span)
    assert [r["comment"] for r in default["total_scores"]] == [kept["generalNotes"]]
    assert len(default["individual_answers"]) == 4
    assert raw_export(w.api, **span, includeDeleted=False) == default
    with_deleted = raw_export(w.api, **span, includeDeleted=True)
    assert sorted(r["comment"] for r in with_deleted["total_scores"]) == sorted(
        [kept["generalNotes"], "deleted later"]
    )
    assert len(with_deleted["individual_answers"]) == 8
    assert len(with_deleted["csat"]) == 1  # one ticket


@pytest.mark.parametrize("name", RAW_FILES)
def test_single_file_export_is_one_bare_csv(w, name):
    rubric = create_rubric(w.api, qa_rubric())
    t0 = base_time()
    with frozen(t0):
        grade(w, rubric, annotations=[{"highlight": "hello there", "feedback": "warm"}])
    span = window(t0, t0 + timedelta(seconds=1))
    result = completed(w.api, **span, singleFileExport=name)
    r = download(result["dataUrl"])
    assert r.headers["content-type"] == "text/csv; charset=utf-8"
    assert header_of(r.content) == HEADERS[name]
    whole = read_zip(download(completed(w.api, **span)["dataUrl"]).content)
    assert read_csv(r.content) == read_csv(whole[f"{name}.csv"])
    assert (
        len(read_csv(r.content))
        == {
            "total_scores": 1,
            "section_scores": 2,
            "individual_answers": 4,
            "annotations": 1,
            "csat": 1,
        }[name]
    )


def test_single_file_with_no_rows_has_nothing_to_download(w):
    rubric = create_rubric(w.api, qa_rubric())
    t0 = base_time()
    with frozen(t0):
        grade(w, rubric)  # no annotations
    span = window(t0, t0 + timedelta(seconds=1))
    assert completed(w.api, **span, singleFileExport="annotations")["dataUrl"] == ""
    assert completed(w.api, **span, singleFileExport="total_scores")["dataUrl"] != ""


def test_name_default_download_name_and_activity_log(w):
    rubric = create_rubric(w.api, qa_rubric())
    t0 = base_time()
    with frozen(t0):
        grade(w, rubric)
    span = window(t0, t0 + timedelta(seconds=1))
    named = completed(w.api, **span, name="Weekly Maestro Grades Export: week 33")
    r = download(named["dataUrl"])
    assert r.headers["content-type"] == "application/zip"
    assert (
        'filename="Weekly Maestro Grades Export_ week 33.zip"' in r.headers["content-disposition"]
    )
    unnamed = completed(w.api, **span)
    details = w.api.get(w.api.ext + f"/exports/{unnamed['exportId']}").json()
    assert details["name"] == f"Raw export {unnamed['exportId']}"
    assert details["options"] == {
        "singleFileExport": None,
        "includeCalibrations": "none",
        "includeGraderQA": False,
        "includeDeleted": False,
    }
    assert details["startDate"] == iso(t0).replace("Z", ".000Z")
    assert details["rowCounts"] == {
        "total_scores": 1,
        "section_scores": 2,
        "individual_answers": 4,
        "annotations": 0,
        "csat": 1,
    }
    log = w.api.get(w.api.ext + "/activity-log", params={"itemType": "Exports"}).json()
    entries = [e for e in log["Resources"] if unnamed["exportId"] in e["description"]]
    assert len(entries) == 1 and entries[0]["actionType"] == "add"
    assert "calibrations none, grader QA no, deleted no" in entries[0]["description"]


def test_another_accounts_grades_never_appear(make_api):
    mine, theirs = world(make_api()), world(make_api())
    t0 = base_time()
    for who in (mine, theirs):
        rubric = create_rubric(who.api, qa_rubric())
        with frozen(t0):
            grade(who, rubric, annotations=[{"highlight": "hi", "feedback": "ok"}])
    span = window(t0, t0 + timedelta(seconds=1))
    files = raw_export(
        mine.api, **span, includeCalibrations="all", includeGraderQA=True, includeDeleted=True
    )
    for name, rows in files.items():
        assert rows, name
        assert {r["gradable_id"] for r in rows} == {mine.ticket_id}, name
    emails = {r["agent_email"] for r in files["total_scores"]}
    assert emails == {mine.agent["email"]}
