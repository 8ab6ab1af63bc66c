"""Simultaneous rubric edits, grade saves and re-grades: no 5xx, every grade scored against the
version it keeps, and alignments computed from what was committed last."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from tests.grading.builders import (
    ANSWERS_21,
    answer,
    create_grade,
    create_rubric,
    grade_body,
    linear,
    ok,
    section,
    thirty_five_points,
    world,
)

N = 16


def _all_at_once(n: int, call: Any) -> list[httpx.Response]:
    start = threading.Barrier(n)

    def run(i: int) -> httpx.Response:
        start.wait()
        return call(i)

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(run, range(n)))


def test_rubric_edits_racing_grade_creations(api):
    w = world(api)
    rubric = create_rubric(api, thirty_five_points())
    create_grade(api, **grade_body(w, rubric, ANSWERS_21))  # version 1 is in use

    def call(i: int) -> httpx.Response:
        if i % 2:
            return api.post(api.ext + "/grades", json=grade_body(w, rubric, ANSWERS_21))
        body = thirty_five_points()
        body["sections"][0]["criteria"][0]["maxPoints"] = 11 + i  # a new g1 max each time
        return api.put(api.ext + f"/rubrics/{rubric['id']}", json=body)

    responses = _all_at_once(N, call)
    assert sorted({r.status_code for r in responses}) == [200, 201], [
        r.text for r in responses if r.status_code not in (200, 201)
    ]
    final = ok(api.get(api.ext + f"/rubrics/{rubric['id']}"))
    numbers = [v["version"] for v in final["versions"]]
    assert numbers == list(range(1, len(numbers) + 1))
    # every grade's stored scores are those of the version it points at
    g1_max = {}
    for n in numbers:
        version = ok(api.get(api.ext + f"/rubrics/{rubric['id']}", params={"version": n}))
        g1_max[n] = version["sections"][0]["criteria"][0]["maxPoints"]
    grades = ok(api.get(api.ext + "/grades", params={"count": 100}))["Resources"]
    assert len(grades) == 1 + N // 2
    for grade in grades:
        assert grade["maxRubricScore"] == 25 + g1_max[grade["rubricVersion"]], grade
        again = ok(api.patch(api.ext + f"/grades/{grade['id']}", json={}))
        assert again["rubricScore"] == grade["rubricScore"]


def test_original_and_benchmark_edited_at_once_end_aligned(api):
    w = world(api)
    rubric = create_rubric(
        api, {"name": "A", "sections": [section("s", linear("big", 15), linear("rest", 65))]}
    )
    original = create_grade(
        api, **grade_body(w, rubric, {"big": {"value": 10}, "rest": {"value": 40}})
    )
    r = api.post(
        api.ext + f"/grades/{original['id']}/grader-qa",
        json={"graderId": w.other["id"], "answers": {"big": {"value": 7}, "rest": {"value": 40}}},
    )
    assert r.status_code == 201, r.text
    qa = r.json()

    def call(i: int) -> httpx.Response:
        target = original if i % 2 else qa
        body = {"answers": {"big": {"value": i % 15}, "rest": {"value": (3 * i) % 65}}}
        return api.patch(api.ext + f"/grades/{target['id']}", json=body)

    responses = _all_at_once(N, call)
    assert {r.status_code for r in responses} == {200}, [r.text for r in responses]
    o = ok(api.get(api.ext + f"/grades/{original['id']}"))
    q = ok(api.get(api.ext + f"/grades/{qa['id']}"))
    # the stored alignment is that of the answers both grades ended with
    o_big, q_big = answer(o, "big")["value"], answer(q, "big")["value"]
    o_rest, q_rest = answer(o, "rest")["value"], answer(q, "rest")["value"]
    expected = 15 * (1 - abs(o_big - q_big) / 15) + 65 * (1 - abs(o_rest - q_rest) / 65)
    assert q["alignmentScore"] == pytest.approx(100 * expected / 80)
    assert answer(q, "big")["alignment"] == pytest.approx(100 * (1 - abs(o_big - q_big) / 15))
