"""Exports test data and plumbing: grades made through the extension API (scored by the
grading service, as any grade is), export requests, polling, downloading and reading the CSVs.
"""

from __future__ import annotations

import csv
import io
import time
import zipfile
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import httpx
from tests.factories import _created, create_agent, create_ticket, create_user, unique
from tests.helpers import Api

from podium import clock

POLL_SECONDS = 60.0
RAW_FILES = ("total_scores", "section_scores", "individual_answers", "annotations", "csat")

# the headers of domain.md §2, in order
HEADERS = {
    "total_scores": [
        "gradable_id",
        "agent_id",
        "agent_name",
        "agent_email",
        "rubric_id",
        "rubric_name",
        "rubric_score",
        "max_rubric_score",
        "comment",
        "date_graded",
        "grader",
        "grade_type",
        "ticket_created_at",
        "date_first_started",
        "date_first_graded",
        "date_reported_as",
        "source",
        "total_grading_time",
        "alignment_score",
        "target_answer_id",
        "original_grader",
    ],
    "section_scores": [
        "gradable_id",
        "agent_id",
        "agent_name",
        "agent_email",
        "rubric_id",
        "rubric_name",
        "section_id",
        "section_name",
        "section_score",
        "max_section_score",
        "date_graded",
        "grader",
        "grade_type",
        "ticket_created_at",
        "date_reported_as",
        "source",
        "section_weight",
        "alignment_score",
        "target_answer_id",
        "original_grader",
    ],
    "individual_answers": [
        "gradable_id",
        "agent_id",
        "agent_name",
        "agent_email",
        "rubric_id",
        "rubric_name",
        "question_id",
        "question",
        "answer_label",
        "feedback_answer_label",
        "question_score",
        "max_question_score",
        "comment",
        "date_graded",
        "grader",
        "grade_type",
        "ticket_created_at",
        "section_id",
        "section_name",
        "date_reported_as",
        "source",
        "alignment_score",
        "target_answer_id",
        "original_grader",
    ],
    "annotations": [
        "gradable_id",
        "agent_id",
        "agent_name",
        "agent_email",
        "rubric_id",
        "rubric_name",
        "question_id",
        "question",
        "annotation_id",
        "selected_text",
        "comment",
        "date_graded",
        "grader",
        "grade_type",
        "ticket_created_at",
        "section_id",
        "section_name",
        "date_reported_as",
        "source",
    ],
    "csat": ["gradable_id", "csat_score", "csat_comment", "ticket_created_at", "source"],
    "agent_groups": [
        "group_name",
        "group_id",
        "agent_name",
        "agent_email",
        "agent_ids",
        "available",
    ],
    "audit_log": [
        "activity_id",
        "time_stamp",
        "user_email",
        "item_type",
        "action_type",
        "description",
        "ip_address",
    ],
}


def iso(moment: datetime) -> str:
    """How the tests send dates: `2026-01-02T03:04:05Z` (milliseconds when there are some)."""
    text = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    if moment.microsecond:
        text += f".{moment.microsecond // 1000:03d}"
    return text + "Z"


def csv_date(moment: datetime) -> str:
    """How the exports write a date."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@contextmanager
def frozen(at: datetime):
    """The server's clock (it runs in this process) stopped at `at` for the block."""
    clock.freeze(at)
    try:
        yield at
    finally:
        clock.reset()


def base_time() -> datetime:
    """A moment in the recent past with whole seconds, 10 days ago."""
    return (datetime.now(UTC) - timedelta(days=10)).replace(microsecond=0)


# --- rubrics and grades -----------------------------------------------------------------------


def linear(id_: str, max_points: float, text: str | None = None, **fields: Any) -> dict[str, Any]:
    return {
        "id": id_,
        "text": text or f"Question {id_}",
        "kind": "linear_scale",
        "maxPoints": max_points,
        **fields,
    }


def opt(id_: str, label: str, points: float | None, **fields: Any) -> dict[str, Any]:
    return {"id": id_, "label": label, "points": points, **fields}


def qa_rubric(name: str = "Support QA") -> dict[str, Any]:
    """Two standard sections (a linear scale; multiple choice with per-option feedback; a
    checkbox with general feedback) and an optional criterion, 25 points in all."""
    return {
        "name": name,
        "sections": [
            {
                "id": "greeting",
                "name": "Greeting, tone",
                "criteria": [
                    linear("warmth", 10, 'Was the agent "warm"?'),
                    {
                        "id": "name",
                        "text": "Used the customer's name",
                        "kind": "multiple_choice",
                        "feedbackMode": "per_option",
                        "options": [
                            opt("name-yes", "Yes", 5),
                            opt(
                                "name-no",
                                "No",
                                0,
                                feedback="require",
                                feedbackOptions=[
                                    {"id": "fb-first", "label": "Use the first name"},
                                    {"id": "fb-often", "label": "Repeat it, once"},
                                ],
                            ),
                        ],
                    },
                ],
            },
            {
                "id": "solution",
                "name": "Solution",
                "criteria": [
                    {
                        "id": "steps",
                        "text": "Steps taken",
                        "kind": "checkbox",
                        "feedbackMode": "general",
                        "feedbackOptions": [{"id": "fb-doc", "label": "Link the docs"}],
                        "options": [
                            opt("verified", "Verified identity", 2),
                            opt("explained", "Explained the fix", 2),
                            opt("linked", "Linked the article", 1),
                        ],
                    },
                    linear("extra", 5, "Went the extra mile", required=False),
                ],
            },
        ],
    }


def weighted_rubric() -> dict[str, Any]:
    """Custom weighted sections 40/60."""
    return {
        "name": "Weighted QA",
        "weighted": True,
        "sections": [
            {"id": "wa", "name": "A", "weight": 40, "criteria": [linear("wa1", 4)]},
            {"id": "wb", "name": "B", "weight": 60, "criteria": [linear("wb1", 10)]},
        ],
    }


def create_rubric(api: Api, body: dict[str, Any]) -> dict[str, Any]:
    return _created(api.post(api.ext + "/rubrics", json=body))


def create_grade(api: Api, **body: Any) -> dict[str, Any]:
    return _created(api.post(api.ext + "/grades", json=body))


def world(api: Api, *, csat: float | None = 4) -> SimpleNamespace:
    """An agent with two helpdesk ids, a ticket of theirs (with a CSAT score), two graders."""
    agent = create_agent(api, name="Harrison Charles", agentId=unique("1006"))
    second_id = unique("zd")
    r = api.post(
        api.v1 + "/agents/add-id-to-agent", json={"email": agent["email"], "agentId": second_id}
    )
    assert r.status_code == 200, r.text
    ticket = create_ticket(
        api, [agent["agentId"]], csat_score=csat, first_seen="2026-01-02T03:04:05.678Z"
    )
    grader = create_user(api, name="Grace Grader", role="grader")
    benchmark = create_user(api, name="Ben Benchmark", role="manager")
    return SimpleNamespace(
        api=api,
        agent=agent,
        agent_ids=[agent["agentId"], second_id],
        ticket=ticket,
        ticket_id=ticket["ticket_id"],
        grader=grader,
        benchmark=benchmark,
    )


def answers_17() -> dict[str, Any]:
    """warmth 7/10, name "No" (0/5, two feedback options), steps verified+linked (3/5), the
    optional criterion N/A: 10 of 20 points, 50%."""
    return {
        "warmth": {"value": 7, "comment": "Friendly, a bit stiff"},
        "name": {"optionIds": ["name-no"], "feedbackOptionIds": ["fb-first", "fb-often"]},
        "steps": {"optionIds": ["verified", "linked"], "feedbackOptionIds": ["fb-doc"]},
        "extra": {"na": True},
    }


def grade(
    w: SimpleNamespace, rubric: dict[str, Any], answers: dict[str, Any] | None = None, **fields: Any
) -> dict[str, Any]:
    body = {
        "ticketId": w.ticket_id,
        "rubricId": rubric["id"],
        "graderId": w.grader["id"],
        "answers": answers if answers is not None else answers_17(),
        **fields,
    }
    return create_grade(w.api, **body)


# --- exports ----------------------------------------------------------------------------------


def request_export(api: Api, path: str, **body: Any) -> str:
    r = api.post(api.v1 + path, json=body)
    assert r.status_code == 200, f"POST {path}: {r.status_code} {r.text}"
    export_id = r.json()["exportId"]
    assert isinstance(export_id, str)
    return export_id


def poll(
    api: Api,
    export_id: str,
    *,
    until: tuple[str, ...] = ("complete", "errored"),
    timeout: float = POLL_SECONDS,
) -> dict[str, Any]:
    """Polls `GET /export-data/:id` until the status is one of `until`."""
    deadline = time.monotonic() + timeout
    while True:
        r = api.get(api.v1 + f"/export-data/{export_id}")
        assert r.status_code == 200, r.text
        body = r.json()
        if body["status"] in until:
            return body
        assert time.monotonic() < deadline, f"export {export_id} still {body['status']}"
        time.sleep(0.05)


def completed(api: Api, path: str = "/request-raw-export", **body: Any) -> dict[str, Any]:
    """Requests an export and waits for it: `{status, dataUrl}`, status complete."""
    export_id = request_export(api, path, **body)
    result = poll(api, export_id)
    assert result["status"] == "complete", (export_id, result)
    result["exportId"] = export_id
    return result


def download(url: str) -> httpx.Response:
    """A plain GET without any token, as connectors fetch `dataUrl`."""
    r = httpx.get(url, timeout=60)
    assert r.status_code == 200, f"GET {url}: {r.status_code} {r.text[:500]}"
    return r


def read_csv(data: bytes) -> list[dict[str, str]]:
    """Rows of a CSV as dicts; asserts the bytes are UTF-8 and the rows have every column."""
    reader = csv.reader(io.StringIO(data.decode("utf-8"), newline=""))
    header = next(reader)
    rows = []
    for line in reader:
        assert len(line) == len(header), line
        rows.append(dict(zip(header, line, strict=True)))
    return rows


def header_of(data: bytes) -> list[str]:
    return next(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def read_zip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


def raw_export(api: Api, **body: Any) -> dict[str, list[dict[str, str]]]:
    """A full raw export, downloaded: rows of each of the five files."""
    result = completed(api, **body)
    assert result["dataUrl"], result
    files = read_zip(download(result["dataUrl"]).content)
    assert sorted(files) == sorted(f"{n}.csv" for n in RAW_FILES)
    for name in RAW_FILES:
        assert header_of(files[f"{name}.csv"]) == HEADERS[name], name
    return {name: read_csv(files[f"{name}.csv"]) for name in RAW_FILES}


def window(start: datetime, end: datetime, **body: Any) -> dict[str, Any]:
    return {"startDate": iso(start), "endDate": iso(end), **body}
