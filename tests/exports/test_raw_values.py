"""A grade made in the test appears in all five files of a raw export with the right values."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tests.exports.builders import (
    base_time,
    create_rubric,
    csv_date,
    frozen,
    grade,
    qa_rubric,
    raw_export,
    weighted_rubric,
    window,
    world,
)


@pytest.fixture
def w(api):
    return world(api)


def test_grade_values_in_every_file(w):
    rubric = create_rubric(w.api, qa_rubric())
    at = base_time()
    with frozen(at):
        made = grade(
            w,
            rubric,
            generalNotes='Good call, "mostly"; see notes',
            gradingSeconds=754,
            startedAt="2026-01-03T10:00:00.250Z",
            reportedAt="2026-01-04T00:00:00Z",
            annotations=[
                {
                    "highlight": "let me check, one moment",
                    "feedback": "Say why",
                    "criterionId": "steps",
                },
                {"highlight": "Bye", "feedback": "Too short\nfor a closing"},
            ],
        )
    assert made["rubricScore"] == 50

    files = raw_export(w.api, **window(at - timedelta(hours=1), at + timedelta(hours=1)))
    who = {
        "gradable_id": w.ticket_id,
        "agent_id": w.agent["agentId"],
        "agent_name": "Harrison Charles",
        "agent_email": w.agent["email"],
        "rubric_id": rubric["id"],
        "rubric_name": "Support QA",
    }
    when = {
        "date_graded": csv_date(at),
        "grader": w.grader["email"],
        "grade_type": "grading",
        "ticket_created_at": "2026-01-02T03:04:05.678Z",
    }

    (total,) = files["total_scores"]
    assert total == {
        **who,
        "rubric_score": "50",
        "max_rubric_score": "20",
        "comment": 'Good call, "mostly"; see notes',
        **when,
        "date_first_started": "2026-01-03T10:00:00.250Z",
        "date_first_graded": csv_date(at),
        "date_reported_as": "2026-01-04T00:00:00.000Z",
        "source": "manual",
        "total_grading_time": "754",
        "alignment_score": "",
        "target_answer_id": "",
        "original_grader": "",
    }

    sections = {s["section_id"]: s for s in files["section_scores"]}
    assert sorted(sections) == ["greeting", "solution"]
    assert sections["greeting"] == {
        **who,
        "section_id": "greeting",
        "section_name": "Greeting, tone",
        "section_score": "7",
        "max_section_score": "15",
        **when,
        "date_reported_as": "2026-01-04T00:00:00.000Z",
        "source": "manual",
        "section_weight": "",
        "alignment_score": "",
        "target_answer_id": "",
        "original_grader": "",
    }
    assert (sections["solution"]["section_score"], sections["solution"]["max_section_score"]) == (
        "3",
        "5",
    )

    answers = {a["question_id"]: a for a in files["individual_answers"]}
    assert sorted(answers) == ["extra", "name", "steps", "warmth"]
    assert len(files["individual_answers"]) == 4
    assert answers["warmth"] == {
        **who,
        "question_id": "warmth",
        "question": 'Was the agent "warm"?',
        "answer_label": "7",
        "feedback_answer_label": "",
        "question_score": "7",
        "max_question_score": "10",
        "comment": "Friendly, a bit stiff",
        **when,
        "section_id": "greeting",
        "section_name": "Greeting, tone",
        "date_reported_as": "2026-01-04T00:00:00.000Z",
        "source": "manual",
        "alignment_score": "",
        "target_answer_id": "",
        "original_grader": "",
    }
    assert (answers["name"]["answer_label"], answers["name"]["feedback_answer_label"]) == (
        "No",
        "Use the first name; Repeat it, once",
    )
    assert (answers["name"]["question_score"], answers["name"]["max_question_score"]) == ("0", "5")
    assert answers["steps"]["answer_label"] == "Verified identity; Linked the article"
    assert answers["steps"]["feedback_answer_label"] == "Link the docs"
    assert (answers["steps"]["question_score"], answers["steps"]["section_name"]) == (
        "3",
        "Solution",
    )
    # N/A: the score does not count
    assert (answers["extra"]["answer_label"], answers["extra"]["question_score"]) == ("N/A", "N/A")
    assert answers["extra"]["max_question_score"] == "5"

    notes = sorted(files["annotations"], key=lambda n: n["selected_text"] != "Bye")[::-1]
    assert [n["selected_text"] for n in notes] == ["let me check, one moment", "Bye"]
    ids = [a["id"] for a in made["annotations"]]
    assert notes[0] == {
        **who,
        "question_id": "steps",
        "question": "Steps taken",
        "annotation_id": ids[0],
        "selected_text": "let me check, one moment",
        "comment": "Say why",
        **when,
        "section_id": "solution",
        "section_name": "Solution",
        "date_reported_as": "2026-01-04T00:00:00.000Z",
        "source": "manual",
    }
    # a general comment has no question or section
    assert (notes[1]["question_id"], notes[1]["question"], notes[1]["section_id"]) == ("", "", "")
    assert notes[1]["comment"] == "Too short\nfor a closing"

    assert files["csat"] == [
        {
            "gradable_id": w.ticket_id,
            "csat_score": "4",
            "csat_comment": "",
            "ticket_created_at": "2026-01-02T03:04:05.678Z",
            "source": "api",
        }
    ]


def test_weighted_scores_round_to_two_decimals_and_show_weights(w):
    rubric = create_rubric(w.api, weighted_rubric())
    at = base_time()
    with frozen(at):
        # 1/4 of A (40%) and 7/10 of B (60%): 10 + 42 = 52; then 3/4 and 1/3 of 10 -> 50
        grade(w, rubric, {"wa1": {"value": 1}, "wb1": {"value": 7}})
        grade(w, rubric, {"wa1": {"value": 3}, "wb1": {"value": 10 / 3}})
    files = raw_export(w.api, **window(at, at + timedelta(seconds=1)))
    scores = [t["rubric_score"] for t in files["total_scores"]]
    assert sorted(scores) == ["50", "52"]
    weights = {(s["section_id"], s["section_weight"]) for s in files["section_scores"]}
    assert weights == {("wa", "40"), ("wb", "60")}
    thirds = [a for a in files["individual_answers"] if a["answer_label"].startswith("3.33")]
    assert [a["question_score"] for a in thirds] == ["3.33"]
