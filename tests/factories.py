"""Build test data through the public HTTP API, the way a user would.

Each helper posts to a real endpoint and asserts it succeeded, so a broken endpoint fails the
test that needs it with a clear message.
"""

from __future__ import annotations

import secrets
from typing import Any

from tests.helpers import Api


def unique(prefix: str) -> str:
    return f"{prefix}{secrets.token_hex(4)}"


def _created(r: Any) -> dict[str, Any]:
    where = f"{r.request.method} {r.request.url}"
    assert r.status_code in (200, 201), f"{where}: {r.status_code} {r.text}"
    return r.json()


def create_agent(api: Api, **fields: Any) -> dict[str, Any]:
    """POST /api/v1/agents. Returns the agent (`_id`, `agentId`, `email`, ...)."""
    body = {
        "name": "Test Agent",
        "available": True,
        "email": unique("agent-") + "@example.com",
        "agentId": unique("ag"),
    }
    body.update(fields)
    return _created(api.post(api.v1 + "/agents", json=body))


def create_user(api: Api, **fields: Any) -> dict[str, Any]:
    """POST /api/podium/v1/users. Returns the user (`id`, `email`, `name`, `role`, ...)."""
    body = {"email": unique("user-") + "@example.com", "name": "Test User", "role": "manager"}
    body.update(fields)
    return _created(api.post(api.ext + "/users", json=body))


def create_ticket(api: Api, agents: list[str], **fields: Any) -> dict[str, Any]:
    """POST /api/v1/tickets with the reference's required fields."""
    body = {
        "ticket_id": unique("t"),
        "type": "custom helpdesk",
        "subject": "Help",
        "link": "https://helpdesk.example.com/t/1",
        "body": "Hello",
        "agents": agents,
    }
    body.update(fields)
    return _created(api.post(api.v1 + "/tickets", json=body))
