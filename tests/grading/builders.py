"""Grading test data, built through the extension API: rubrics from the documentation's worked
examples, and a world (agent, ticket, graders) to grade in."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from tests.factories import _created, create_agent, create_ticket, create_user
from tests.helpers import Api


def linear(id_: str, max_points: float, **fields: Any) -> dict[str, Any]:
    return {
        "id": id_,
        "text": f"Question {id_}",
        "kind": "linear_scale",
        "maxPoints": max_points,
        **fields,
    }


def choice(
    id_: str, *options: dict[str, Any], kind: str = "multiple_choice", **fields: Any
) -> dict[str, Any]:
    return {"id": id_, "text": f"Question {id_}", "kind": kind, "options": list(options), **fields}


def opt(id_: str, points: float | None, **fields: Any) -> dict[str, Any]:
    return {"id": id_, "label": f"Option {id_}", "points": points, **fields}


def section(id_: str, *criteria: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"id": id_, "name": f"Section {id_}", "criteria": list(criteria), **fields}


def thirty_five_points() -> dict[str, Any]:
    """Total point rubric, max 35, with a 5-point "Privacy and Security" section."""
    return {
        "name": "Support QA",
        "sections": [
            section("greeting", linear("g1", 10), linear("g2", 5)),
            section("solution", linear("s1", 10), linear("s2", 5)),
            {**section("privacy", linear("p1", 5)), "name": "Privacy and Security"},
        ],
    }


ANSWERS_21 = {
    "g1": {"value": 6},
    "g2": {"value": 3},
    "s1": {"value": 5},
    "s2": {"value": 2},
    "p1": {"value": 5},
}


def weighted_example() -> dict[str, Any]:
    """Custom weighted sections 10/30/50/10 (max 3, 10, 5 and 2 points)."""
    return {
        "name": "Weighted QA",
        "weighted": True,
        "sections": [
            section("a", linear("a1", 3), weight=10),
            section("b", linear("b1", 10), weight=30),
            section("c", linear("c1", 5), weight=50),
            section("d", linear("d1", 2), weight=10),
        ],
    }


ANSWERS_70 = {"a1": {"value": 3}, "b1": {"value": 5}, "c1": {"value": 4}, "d1": {"value": 1}}


def choices_rubric() -> dict[str, Any]:
    """Multiple choice (with per-option feedback), checkbox (with a non-scoring option and
    general feedback), a bonus section and an auto-fail section."""
    return {
        "name": "Chat QA",
        "sections": [
            section(
                "main",
                choice(
                    "greet",
                    opt("greet-yes", 5),
                    opt(
                        "greet-no",
                        0,
                        feedback="require",
                        feedbackOptions=[
                            {"id": "fb-name", "label": "Use the customer's name"},
                            {"id": "fb-hello", "label": "Say hello"},
                        ],
                    ),
                    feedbackMode="per_option",
                ),
                choice(
                    "steps",
                    opt("verified", 2),
                    opt("explained", 2),
                    opt("linked", 1),
                    opt("other", None),
                    kind="checkbox",
                    feedbackMode="general",
                    feedbackOptions=[{"id": "fb-doc", "label": "Link the docs"}],
                ),
            ),
            section("extra", linear("wow", 5), kind="bonus"),
            section(
                "compliance",
                choice(
                    "pw", opt("pw-no", None), opt("pw-yes", None, autoFail=True), kind="dropdown"
                ),
                kind="auto_fail",
            ),
        ],
    }


def create_rubric(api: Api, body: dict[str, Any]) -> dict[str, Any]:
    return _created(api.post(api.ext + "/rubrics", json=body))


def create_grade(api: Api, **body: Any) -> dict[str, Any]:
    return _created(api.post(api.ext + "/grades", json=body))


def ok(r: Any) -> Any:
    assert r.status_code == 200, f"{r.request.method} {r.request.url}: {r.status_code} {r.text}"
    return r.json()


def refused(r: Any, status: int, param: str) -> dict[str, Any]:
    """The request was refused with `status`, naming `param`."""
    where = f"{r.request.method} {r.request.url}"
    assert r.status_code == status, f"{where}: {r.status_code} {r.text}"
    body = r.json()
    params = [e["param"] for e in body["errors"]]
    assert param in params, f"{where}: {param!r} not in {params}: {body['message']}"
    return body


def world(api: Api) -> SimpleNamespace:
    """An agent with a ticket, and two graders."""
    agent = create_agent(api, name="Harrison Charles")
    ticket = create_ticket(api, [agent["agentId"]], csat_score=4)
    grader = create_user(api, name="Grace Grader", role="grader")
    other = create_user(api, name="Ben Benchmark", role="manager")
    return SimpleNamespace(
        api=api,
        agent=agent,
        ticket=ticket,
        ticket_id=ticket["ticket_id"],
        grader=grader,
        other=other,
    )


def grade_body(
    w: SimpleNamespace, rubric: dict[str, Any], answers: dict[str, Any], **fields: Any
) -> dict[str, Any]:
    return {
        "ticketId": w.ticket_id,
        "rubricId": rubric["id"],
        "graderId": w.grader["id"],
        "answers": answers,
        **fields,
    }


def answer(grade: dict[str, Any], criterion_id: str) -> dict[str, Any]:
    return next(a for a in grade["answers"] if a["criterionId"] == criterion_id)


def section_score(grade: dict[str, Any], section_id: str) -> dict[str, Any]:
    return next(s for s in grade["sections"] if s["sectionId"] == section_id)


class Log:
    """Reads an account's activity log and hands back the entries written since the last look."""

    def __init__(self, api: Api):
        self.api = api
        self.seen: set[str] = set()

    def new(self) -> list[dict[str, Any]]:
        r = self.api.get(self.api.ext + "/activity-log", params={"count": 1000})
        assert r.status_code == 200, r.text
        fresh = [e for e in r.json()["Resources"] if e["id"] not in self.seen]
        self.seen.update(e["id"] for e in fresh)
        return fresh

    def one(self, item_type: str, action_type: str, *mentions: str) -> dict[str, Any]:
        """The one entry written since the last look; it has these types and mentions these."""
        fresh = self.new()
        assert [(e["itemType"], e["actionType"]) for e in fresh] == [(item_type, action_type)], (
            fresh
        )
        for text in mentions:
            assert text in fresh[0]["description"], (text, fresh[0])
        assert fresh[0]["ipAddress"] == "127.0.0.1"
        return fresh[0]
