"""Property-based tests of every operation in the live server's own /openapi.json.

Schemathesis generates requests from the spec (valid ones, and invalid ones), sends them with a
valid token, and checks that no answer is a 5xx and that every answer matches the schema the
spec documents for its status (the error shape included). Bounded per operation, and
derandomized so a failure reproduces.

Schemathesis' own pytest integration (`from_fixture`) breaks on the installed pytest, so each
operation's strategy is driven by Hypothesis directly; the failures of all operations are
reported together.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

EXAMPLES = {GenerationMode.POSITIVE: 25, GenerationMode.NEGATIVE: 15}
# a whole rubric is a deeply nested body that takes seconds per example to generate; these get
# fewer examples here (tests/grading checks rubrics thoroughly)
NESTED = {("POST", "/api/podium/v1/rubrics"), ("PUT", "/api/podium/v1/rubrics/{rubric_id}")}
NESTED_EXAMPLES = {GenerationMode.POSITIVE: 8, GenerationMode.NEGATIVE: 5}
CHECKS = [not_a_server_error, response_schema_conformance]


@pytest.fixture
def openapi(server):
    return schemathesis.openapi.from_url(server.url + "/openapi.json", timeout=30)


def _run(
    operation, mode: GenerationMode, *, base_url: str, token: str, statuses: list[int]
) -> None:
    nested = (operation.method.upper(), operation.path) in NESTED

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=(NESTED_EXAMPLES if nested else EXAMPLES)[mode],
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def check(case) -> None:
        response = case.call_and_validate(
            base_url=base_url, headers={"apitoken": token}, checks=CHECKS, timeout=30
        )
        statuses.append(response.status_code)

    try:
        check()
    except Unsatisfiable:
        # no invalid request exists for an operation without parameters (GET /healthz)
        assert mode == GenerationMode.NEGATIVE and not operation.path_parameters and not (
            operation.query or operation.body
        ), f"{operation.method} {operation.path}: no {mode} case could be generated"


# the operations are split into shards (every SHARDS-th operation, sorted by path and method) so
# that parallel test workers share them; together the shards cover every operation
SHARDS = 4


@pytest.mark.parametrize("shard", range(SHARDS))
def test_every_operation_answers_within_its_spec(openapi, server, api, shard):
    everything = sorted(
        (result.ok() for result in openapi.get_all_operations()),
        key=lambda op: (op.path, op.method),
    )
    assert len(everything) > 10
    assert any(op.path.startswith("/api/v1/") for op in everything)
    operations = everything[shard::SHARDS]
    failures: dict[str, str] = {}
    statuses: list[int] = []
    for operation in operations:
        for mode in EXAMPLES:
            try:
                _run(operation, mode, base_url=server.url, token=api.token, statuses=statuses)
            except Exception as exc:
                failures[f"{operation.method.upper()} {operation.path} ({mode})"] = str(exc)
    report = "\n\n".join(f"== {name}\n{text[:3000]}" for name, text in failures.items())
    assert not failures, f"{len(failures)} operation(s) failed:\n{report}"
    # the token was accepted, and invalid input was generated and refused
    assert sum(200 <= s < 300 for s in statuses) > len(operations)
    assert any(s == 422 for s in statuses)
