"""Assertions shared by the agents and users tests."""

from __future__ import annotations

from typing import Any

from tests.factories import unique
from tests.helpers import Api


def assert_error(
    r: Any, status: int, param: str | None = None, mentions: str | None = None
) -> None:
    """The response is the one error shape with `status`, naming `param` and `mentions`."""
    assert r.status_code == status, r.text
    body = r.json()
    assert body["status"] == status
    if param is not None:
        assert param in [e["param"] for e in body["errors"]], body
        assert param in body["message"], body
    if mentions is not None:
        assert mentions in body["message"], body


def create_group(api: Api, agent_ids: list[str] | None = None, **fields: Any) -> dict[str, Any]:
    """POST /api/podium/v1/agent-groups; returns the group with its members."""
    body: dict[str, Any] = {"name": unique("group-")}
    if agent_ids is not None:
        body["agentIds"] = agent_ids
    body.update(fields)
    r = api.post(api.ext + "/agent-groups", json=body)
    assert r.status_code == 201, r.text
    return r.json()
