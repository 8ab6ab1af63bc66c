"""Helpers shared by the tickets and comments tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import create_engine, text

from podium.config import Settings, to_sync_url
from tests.helpers import Api


def assert_error(
    r: Any, status: int, param: str | None = None, mentions: str | None = None
) -> dict[str, Any]:
    """The response is the one JSON error shape with `status`, naming `param` and `mentions`."""
    assert r.status_code == status, r.text
    body = r.json()
    assert body["status"] == status
    if param is not None:
        assert param in [e["param"] for e in body["errors"]], body
        assert param in body["message"], body
    if mentions is not None:
        assert mentions in body["message"], body
    return body


def define_attribute(api: Api, key: str, value_type: str, **fields: Any) -> dict[str, Any]:
    """POST /api/podium/v1/ticket-attributes."""
    body = {"key": key, "valueType": value_type, **fields}
    r = api.post(api.ext + "/ticket-attributes", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def timeline(api: Api, ticket_id: str, **params: Any) -> dict[str, Any]:
    """GET /api/podium/v1/tickets/{ticket_id}/comments."""
    r = api.get(api.ext + f"/tickets/{ticket_id}/comments", params=params)
    assert r.status_code == 200, r.text
    return r.json()


def db_execute(settings: Settings, sql: str, **params: Any) -> list[Any]:
    """Run SQL on the test database directly (for states no API creates yet)."""
    engine = create_engine(to_sync_url(settings.effective_database_url))
    try:
        with engine.begin() as conn:
            result = conn.execute(text(sql), params)
            return list(result.all()) if result.returns_rows else []
    finally:
        engine.dispose()


def make_integration_ticket(settings: Settings, account_id: str, ticket_id: str) -> None:
    """Mark a ticket as synced from a helpdesk integration (no API creates such tickets yet)."""
    db_execute(
        settings,
        "UPDATE tickets SET source = 'integration' WHERE account_id = :a AND ticket_id = :t",
        a=account_id,
        t=ticket_id,
    )
