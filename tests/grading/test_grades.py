"""Grades through the extension API: scores as documented, drafts and submission, defaults,
feedback, annotations, updates, soft delete, CSAT."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from podium import clock
from tests.factories import create_agent, create_ticket
from tests.grading.builders import (
    ANSWERS_21,
    ANSWERS_70,
    answer,
    choices_rubric,
    create_grade,
    create_rubric,
    grade_body,
    linear,
    ok,
    refused,
    section,
    section_score,
    thirty_five_points,
    weighted_example,
    world,
)


@pytest.fixture
def w(api):
    return world(api)


# --- the documented examples --------------------------------------------------------------------


def test_total_point_21_of_35_is_60_percent_with_section_and_answer_rows(w):
    rubric = create_rubric(w.api, thirty_five_points())
    grade = create_grade(w.api, **grade_body(w, rubric, ANSWERS_21))
    assert grade["rubricScore"] == 60
    assert grade["maxRubricScore"] == 35 and grade["earnedPoints"] == 21
    assert grade["gradeType"] == "grading" and grade["state"] == "submitted"
    assert grade["rubricVersion"] == 1 and grade["rubricName"] == "Support QA"
    assert grade["autoFailed"] is False and grade["alignmentScore"] is None
    assert grade["agentId"] == w.agent["agentId"] and grade["agentName"] == "Harrison Charles"
    assert grade["graderId"] == w.grader["id"] and grade["graderEmail"] == w.grader["email"]
    greeting = section_score(grade, "greeting")
    assert (greeting["earned"], greeting["maxPoints"], greeting["normalized"]) == (9, 15, 0.6)
    assert greeting["name"] == "Section greeting" and greeting["kind"] == "standard"
    g1 = answer(grade, "g1")
    assert g1 == {
        "criterionId": "g1",
        "sectionId": "greeting",
        "text": "Question g1",
        "status": "scored",
        "na": False,
        "optionIds": [],
        "value": 6,
        "feedbackOptionIds": [],
        "answerLabel": "6",
        "feedbackLabel": "",
        "comment": "",
        "earned": 6,
        "maxPoints": 10,
        "autoFailed": False,
        "alignment": None,
    }
    assert [a["criterionId"] for a in grade["answers"]] == ["g1", "g2", "s1", "s2", "p1"]
    # the read answers the same
    assert ok(w.api.get(w.api.ext + f"/grades/{grade['id']}")) == grade


def test_na_leaves_numerator_and_max_16_of_30(w):
    rubric = create_rubric(w.api, thirty_five_points())
    grade = create_grade(w.api, **grade_body(w, rubric, {**ANSWERS_21, "p1": {"na": True}}))
    assert grade["maxRubricScore"] == 30 and grade["earnedPoints"] == 16
    assert grade["rubricScore"] == pytest.approx(53.333333, abs=1e-5)
    privacy = section_score(grade, "privacy")
    assert (privacy["earned"], privacy["maxPoints"], privacy["normalized"]) == (None, 0, None)
    p1 = answer(grade, "p1")
    assert (p1["status"], p1["na"], p1["answerLabel"], p1["earned"], p1["maxPoints"]) == (
        "na",
        True,
        "N/A",
        None,
        5,
    )


def test_weighted_sections_10_30_50_10_score_70(w):
    rubric = create_rubric(w.api, weighted_example())
    grade = create_grade(w.api, **grade_body(w, rubric, ANSWERS_70))
    assert grade["rubricScore"] == pytest.approx(70)
    assert [s["normalized"] for s in grade["sections"]] == pytest.approx([1, 0.5, 0.8, 0.5])
    assert [s["weight"] for s in grade["sections"]] == [10, 30, 50, 10]
    assert [s["effectiveWeight"] for s in grade["sections"]] == [10, 30, 50, 10]
    # an N/A section hands its weight to the others in proportion
    na = create_grade(w.api, **grade_body(w, rubric, {**ANSWERS_70, "b1": {"na": True}}))
    assert na["rubricScore"] == pytest.approx(100 * 55 / 70)
    assert section_score(na, "b")["effectiveWeight"] is None


def test_auto_fail_scores_0_and_bonus_passes_100(w):
    rubric = create_rubric(w.api, choices_rubric())
    best = {
        "greet": {"optionIds": ["greet-yes"]},
        "steps": {"optionIds": ["verified", "explained", "linked"]},
        "wow": {"value": 5},
        "pw": {"optionIds": ["pw-no"]},
    }
    grade = create_grade(w.api, **grade_body(w, rubric, best))
    # 10 of 10 standard points, plus 5 bonus points worth 50 percentage points
    assert grade["maxRubricScore"] == 10 and grade["earnedPoints"] == 10
    assert grade["bonusScore"] == 50 and grade["rubricScore"] == 150
    assert (
        answer(grade, "steps")["answerLabel"] == "Option verified; Option explained; Option linked"
    )

    failed = create_grade(w.api, **grade_body(w, rubric, {**best, "pw": {"optionIds": ["pw-yes"]}}))
    assert failed["rubricScore"] == 0 and failed["autoFailed"] is True
    pw = answer(failed, "pw")
    assert pw["autoFailed"] is True and pw["answerLabel"] == "Option pw-yes"
    # section rows keep what was earned on an auto-failed grade
    assert section_score(failed, "main")["earned"] == 10


def test_non_scoring_option_and_checkbox_cap(w):
    rubric = create_rubric(w.api, choices_rubric())
    base = {
        "greet": {"optionIds": ["greet-yes"]},
        "wow": {"na": True},
        "pw": {"optionIds": ["pw-no"]},
    }
    only_other = create_grade(
        w.api, **grade_body(w, rubric, {**base, "steps": {"optionIds": ["other"]}})
    )
    steps = answer(only_other, "steps")
    assert steps["status"] == "non_scoring" and steps["earned"] is None
    assert only_other["maxRubricScore"] == 5 and only_other["rubricScore"] == 100
    none_ticked = create_grade(w.api, **grade_body(w, rubric, {**base, "steps": {"optionIds": []}}))
    assert answer(none_ticked, "steps")["earned"] == 0
    assert none_ticked["rubricScore"] == 50


# --- drafts, submission, defaults ---------------------------------------------------------------


def test_draft_scores_what_is_answered_and_submit_needs_every_answer(w):
    rubric = create_rubric(w.api, thirty_five_points())
    draft = create_grade(
        w.api, **grade_body(w, rubric, {"g1": {"value": 10}, "g2": {"value": 0}}, state="draft")
    )
    assert draft["state"] == "draft" and draft["submittedAt"] is None
    assert draft["rubricScore"] == pytest.approx(100 * 10 / 15)
    assert answer(draft, "s1")["status"] == "unanswered"
    assert answer(draft, "s1")["answerLabel"] == ""

    r = w.api.post(w.api.ext + f"/grades/{draft['id']}/submit")
    body = refused(r, 422, "answers.s1")
    assert "needs an answer" in body["message"]
    # still a draft
    assert ok(w.api.get(w.api.ext + f"/grades/{draft['id']}"))["state"] == "draft"

    rest = {"s1": {"value": 5}, "s2": {"value": 2}, "p1": {"value": 5}}
    patched = ok(w.api.patch(w.api.ext + f"/grades/{draft['id']}", json={"answers": rest}))
    assert patched["state"] == "draft" and patched["rubricScore"] == pytest.approx(100 * 22 / 35)
    submitted = ok(w.api.post(w.api.ext + f"/grades/{draft['id']}/submit"))
    assert submitted["state"] == "submitted" and submitted["submittedAt"] is not None
    assert submitted["rubricScore"] == pytest.approx(100 * 22 / 35)
    # submitting again changes nothing
    again = ok(w.api.post(w.api.ext + f"/grades/{draft['id']}/submit"))
    assert again == submitted
    r = w.api.patch(w.api.ext + f"/grades/{draft['id']}", json={"state": "draft"})
    refused(r, 422, "state")


def test_a_submitted_grade_must_be_complete(w):
    rubric = create_rubric(w.api, thirty_five_points())
    r = w.api.post(w.api.ext + "/grades", json=grade_body(w, rubric, {"g1": {"value": 1}}))
    refused(r, 422, "answers.g2")
    # and a submitted grade cannot lose an answer
    grade = create_grade(w.api, **grade_body(w, rubric, ANSWERS_21))
    r = w.api.patch(w.api.ext + f"/grades/{grade['id']}", json={"answers": {"g1": None}})
    refused(r, 422, "answers.g1")


def test_section_default_answers_fill_what_is_left_out(w):
    body = thirty_five_points()
    body["sections"][2]["defaultAnswer"] = "na"
    body["sections"][1]["defaultAnswer"] = "max"
    rubric = create_rubric(w.api, body)
    grade = create_grade(w.api, **grade_body(w, rubric, {"g1": {"value": 4}, "g2": {"value": 5}}))
    assert answer(grade, "p1")["status"] == "na"
    assert answer(grade, "s1")["value"] == 10 and answer(grade, "s2")["value"] == 5
    assert grade["rubricScore"] == pytest.approx(100 * 24 / 30)
    # an explicit answer wins over the default
    explicit = create_grade(
        w.api, **grade_body(w, rubric, {"g1": {"value": 4}, "g2": {"value": 5}, "p1": {"value": 0}})
    )
    assert explicit["maxRubricScore"] == 35


@pytest.mark.parametrize(
    ("answers", "param", "why"),
    [
        ({"nope": {"value": 1}}, "answers.nope", "no such criterion"),
        ({"nope": None}, "answers.nope", "no such criterion"),
        ({"g1": {"value": 11}}, "answers.g1", "outside the scale"),
        ({"g1": {"optionIds": ["x"]}}, "answers.g1", "answered with a number"),
        ({"g1": {"value": 1, "na": True}}, "answers.g1", "one of"),
        ({"g1": {"value": "7"}}, "answers.g1.value", "valid number"),
    ],
)
def test_invalid_answers_are_422_naming_the_criterion(w, answers, param, why):
    rubric = create_rubric(w.api, thirty_five_points())
    r = w.api.post(w.api.ext + "/grades", json=grade_body(w, rubric, answers, state="draft"))
    body = refused(r, 422, param)
    assert why in body["message"]


def test_choice_answers_are_checked_against_the_options(w):
    rubric = create_rubric(w.api, choices_rubric())
    base = {"steps": {"optionIds": []}, "wow": {"value": 1}, "pw": {"optionIds": ["pw-no"]}}
    cases = [
        ({"greet": {"optionIds": ["greet-yes", "greet-no"]}}, "exactly one option"),
        ({"greet": {"optionIds": ["verified"]}}, "not an option of this criterion"),
        ({"greet": {"optionIds": []}}, "exactly one option"),
    ]
    for extra, why in cases:
        r = w.api.post(w.api.ext + "/grades", json=grade_body(w, rubric, {**base, **extra}))
        assert why in refused(r, 422, "answers.greet")["message"]


def test_feedback_options_follow_the_rubric(w):
    rubric = create_rubric(w.api, choices_rubric())
    base = {
        "steps": {"optionIds": ["verified"]},
        "wow": {"na": True},
        "pw": {"optionIds": ["pw-no"]},
    }

    def post(extra, **fields):
        body = grade_body(w, rubric, {**base, **extra}, **fields)
        return w.api.post(w.api.ext + "/grades", json=body)

    # "No" requires feedback, on submit only
    r = post({"greet": {"optionIds": ["greet-no"]}})
    assert (
        "requires a feedback option"
        in refused(r, 422, "answers.greet.feedbackOptionIds")["message"]
    )
    assert post({"greet": {"optionIds": ["greet-no"]}}, state="draft").status_code == 201
    # feedback of another option, of another criterion, or on a criterion without feedback
    r = post({"greet": {"optionIds": ["greet-yes"], "feedbackOptionIds": ["fb-name"]}})
    refused(r, 422, "answers.greet.feedbackOptionIds")
    r = post({"greet": {"optionIds": ["greet-no"], "feedbackOptionIds": ["fb-doc"]}})
    refused(r, 422, "answers.greet.feedbackOptionIds")
    r = post(
        {
            "greet": {"optionIds": ["greet-yes"]},
            "pw": {"optionIds": ["pw-no"], "feedbackOptionIds": ["fb-doc"]},
        }
    )
    refused(r, 422, "answers.pw.feedbackOptionIds")

    grade = _created_grade(
        post(
            {
                "greet": {
                    "optionIds": ["greet-no"],
                    "feedbackOptionIds": ["fb-hello", "fb-name"],
                    "comment": "Start with a greeting",
                },
                "steps": {"optionIds": ["verified"], "feedbackOptionIds": ["fb-doc"]},
            }
        )
    )
    greet = answer(grade, "greet")
    assert greet["feedbackOptionIds"] == ["fb-hello", "fb-name"]
    # labels in rubric order, as the grader saw them
    assert greet["feedbackLabel"] == "Use the customer's name; Say hello"
    assert greet["comment"] == "Start with a greeting"
    assert answer(grade, "steps")["feedbackLabel"] == "Link the docs"


def _created_grade(r):
    assert r.status_code == 201, r.text
    return r.json()


# --- people, tickets, rubrics ---------------------------------------------------------------------


def test_agent_defaults_to_the_tickets_first_and_may_be_named_by_email(w):
    rubric = create_rubric(w.api, thirty_five_points())
    second = create_agent(w.api, name="Second Agent")
    ticket = create_ticket(w.api, [w.agent["agentId"], second["agentId"]])
    body = {**grade_body(w, rubric, ANSWERS_21), "ticketId": ticket["ticket_id"]}
    assert create_grade(w.api, **body)["agentId"] == w.agent["agentId"]
    by_email = create_grade(w.api, **body, agentId=second["email"].upper())
    assert by_email["agentId"] == second["agentId"] and by_email["agentName"] == "Second Agent"
    by_grader_email = create_grade(
        w.api, **{**body, "graderId": None}, graderEmail=w.other["email"]
    )
    assert by_grader_email["graderId"] == w.other["id"]


@pytest.mark.parametrize(
    ("change", "param"),
    [
        ({"ticketId": "no-such-ticket"}, "ticketId"),
        ({"agentId": "no-such-agent"}, "agentId"),
        ({"rubricId": "nosuchrubric"}, "rubricId"),
        ({"graderId": "nosuchuser"}, "graderId"),
        ({"graderId": None, "graderEmail": "nobody@example.com"}, "graderEmail"),
        ({"graderId": None}, "graderId"),  # the token belongs to no user
    ],
)
def test_unknown_references_are_422(w, change, param):
    rubric = create_rubric(w.api, thirty_five_points())
    body = {**grade_body(w, rubric, ANSWERS_21), **change}
    body = {k: v for k, v in body.items() if v is not None}
    refused(w.api.post(w.api.ext + "/grades", json=body), 422, param)


def test_the_tokens_user_grades_by_default(w, settings):
    from tests.coaching.builders import api_with_user_token

    rubric = create_rubric(w.api, thirty_five_points())
    mine = api_with_user_token(settings, w.api, w.grader["id"])
    try:
        body = grade_body(w, rubric, ANSWERS_21)
        del body["graderId"]
        grade = create_grade(mine, **body)
        assert grade["graderId"] == w.grader["id"]
    finally:
        mine.close()


def test_inactive_and_deleted_rubrics_cannot_be_graded_with(w):
    rubric = create_rubric(w.api, thirty_five_points())
    ok(w.api.patch(w.api.ext + f"/rubrics/{rubric['id']}", json={"active": False}))
    r = w.api.post(w.api.ext + "/grades", json=grade_body(w, rubric, ANSWERS_21))
    assert "inactive" in refused(r, 422, "rubricId")["message"]
    ok(w.api.patch(w.api.ext + f"/rubrics/{rubric['id']}", json={"active": True}))
    grade = create_grade(w.api, **grade_body(w, rubric, ANSWERS_21))
    ok(w.api.delete(w.api.ext + f"/rubrics/{rubric['id']}"))
    r = w.api.post(w.api.ext + "/grades", json=grade_body(w, rubric, ANSWERS_21))
    refused(r, 422, "rubricId")
    # the grade stays readable
    assert ok(w.api.get(w.api.ext + f"/grades/{grade['id']}"))["rubricName"] == "Support QA"


def test_csat_comes_from_the_ticket(w):
    rubric = create_rubric(w.api, thirty_five_points())
    grade = create_grade(w.api, **grade_body(w, rubric, ANSWERS_21))
    assert grade["csatScore"] == 4
    ok(w.api.patch(w.api.v1 + f"/tickets/{w.ticket_id}", json={"csat_score": 2}))
    assert ok(w.api.get(w.api.ext + f"/grades/{grade['id']}"))["csatScore"] == 2


# --- updates, times, annotations, delete --------------------------------------------------------


def test_update_rescores_and_moves_updated_at_times_stay(w):
    rubric = create_rubric(w.api, thirty_five_points())
    clock.freeze(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    grade = create_grade(
        w.api, **grade_body(w, rubric, ANSWERS_21, gradingSeconds=120, generalNotes="Good")
    )
    assert grade["createdAt"] == grade["updatedAt"] == "2026-03-02T09:00:00.000Z"
    assert grade["reportedAt"] == grade["firstGradedAt"] == grade["submittedAt"]
    assert grade["startedAt"] == "2026-03-02T08:58:00.000Z"  # now minus the grading time
    clock.advance(timedelta(minutes=5))
    patched = ok(
        w.api.patch(
            w.api.ext + f"/grades/{grade['id']}",
            json={
                "answers": {"g1": {"value": 10}},
                "generalNotes": "Better",
                "gradingSeconds": 200,
                "reportedAt": "2026-02-01T00:00:00Z",
            },
        )
    )
    assert patched["rubricScore"] == pytest.approx(100 * 25 / 35)
    assert answer(patched, "g2")["value"] == 3  # untouched answers stay
    assert patched["generalNotes"] == "Better" and patched["gradingSeconds"] == 200
    assert patched["updatedAt"] == "2026-03-02T09:05:00.000Z"
    assert patched["reportedAt"] == "2026-02-01T00:00:00.000Z"
    for kept in ("createdAt", "startedAt", "firstGradedAt", "submittedAt"):
        assert patched[kept] == grade[kept]


def test_annotations_text_and_audio_replaced_on_update(w):
    rubric = create_rubric(w.api, thirty_five_points())
    grade = create_grade(
        w.api,
        **grade_body(
            w,
            rubric,
            ANSWERS_21,
            annotations=[
                {
                    "highlight": "I reset your password for you",
                    "criterionId": "s1",
                    "startOccurrence": 0,
                    "endOccurrence": 1,
                    "feedback": "Explain why",
                },
                {"kind": "audio", "recordingTimestamp": 42.5, "feedback": "Long hold"},
            ],
        ),
    )
    text, audio = grade["annotations"]
    assert (text["kind"], text["startWord"], text["endWord"], text["criterionId"]) == (
        "text",
        "I",
        "you",
        "s1",
    )
    assert (audio["kind"], audio["recordingTimestamp"], audio["criterionId"]) == (
        "audio",
        42.5,
        None,
    )

    patched = ok(
        w.api.patch(
            w.api.ext + f"/grades/{grade['id']}",
            json={
                "annotations": [
                    {"id": text["id"], "highlight": "I reset your password", "feedback": "Better"},
                ]
            },
        )
    )
    assert [(a["id"], a["feedback"], a["endWord"]) for a in patched["annotations"]] == [
        (text["id"], "Better", "password"),
    ]
    bad = [
        ({"highlight": "x", "criterionId": "nope"}, "annotations[0].criterionId"),
        ({"id": "notmine", "highlight": "x"}, "annotations[0].id"),
        ({"kind": "audio"}, "annotations[0]"),
        ({"kind": "text"}, "annotations[0]"),
    ]
    for annotation, param in bad:
        r = w.api.patch(w.api.ext + f"/grades/{grade['id']}", json={"annotations": [annotation]})
        refused(r, 422, param)


def test_delete_is_soft_and_moves_updated_at(w):
    rubric = create_rubric(w.api, thirty_five_points())
    grade = create_grade(w.api, **grade_body(w, rubric, ANSWERS_21))
    clock.advance(timedelta(minutes=1))
    r = w.api.delete(w.api.ext + f"/grades/{grade['id']}")
    assert ok(r) == {"id": grade["id"], "deleted": True}
    path = w.api.ext + f"/grades/{grade['id']}"
    for method in ("get", "patch", "delete"):
        kwargs = {"json": {}} if method == "patch" else {}
        assert getattr(w.api, method)(path, **kwargs).status_code == 404
    assert w.api.post(path + "/submit").status_code == 404
    deleted = ok(w.api.get(path, params={"includeDeleted": "true"}))
    assert deleted["deletedAt"] is not None and deleted["updatedAt"] == deleted["deletedAt"]
    assert deleted["updatedAt"] > grade["updatedAt"]
    assert deleted["rubricScore"] == 60  # the scores stay


def test_numbers_must_be_numbers_and_texts_bounded(w):
    rubric = create_rubric(w.api, thirty_five_points())
    cases = [
        ({"gradingSeconds": -1}, "gradingSeconds"),
        ({"gradingSeconds": 2**40}, "gradingSeconds"),
        ({"reportedAt": "yesterday"}, "reportedAt"),
        ({"state": "final"}, "state"),
        ({"generalNotes": "x" * 100_001}, "generalNotes"),
        ({"ticketId": ""}, "ticketId"),
    ]
    for change, param in cases:
        body = {**grade_body(w, rubric, ANSWERS_21), **change}
        refused(w.api.post(w.api.ext + "/grades", json=body), 422, param)


def test_an_optional_criterion_answered_only_with_a_comment_stays_unanswered(w):
    body = thirty_five_points()
    body["sections"].append(section("opt", linear("o1", 5, required=False)))
    rubric = create_rubric(w.api, body)
    grade = create_grade(
        w.api, **grade_body(w, rubric, {**ANSWERS_21, "o1": {"comment": "skipped"}})
    )
    o1 = answer(grade, "o1")
    assert (o1["status"], o1["comment"], o1["earned"]) == ("unanswered", "skipped", None)
    assert grade["rubricScore"] == 60
