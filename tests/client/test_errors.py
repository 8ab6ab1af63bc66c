"""Typed errors from the live server, configuration from the environment."""

from __future__ import annotations

import pytest

from podium.client import (
    AuthenticationError,
    Client,
    ConflictError,
    MissingTokenError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from tests.client.conftest import base_url, client_for


def test_a_bad_token_is_an_authentication_error(api):
    client = Client(base_url=base_url(api), token="pdm_nottoken", rate_limits=None)
    with client, pytest.raises(AuthenticationError) as caught:
        client.todos.list()
    assert caught.value.status == 401
    assert caught.value.message
    assert caught.value.request_id


def test_not_found_conflict_and_validation_carry_status_message_and_params(client, people):
    with pytest.raises(NotFoundError) as caught:
        client.coaching_sessions.get("nope")
    assert caught.value.status == 404 and caught.value.method == "GET"

    email = people.agent["email"]
    with pytest.raises(ConflictError) as conflict:
        client.agents.create(name="Twin", available=True, email=email)
    assert conflict.value.status == 409 and email in conflict.value.message

    with pytest.raises(ValidationError) as invalid:
        client.tickets.create(
            ticket_id="t-bad", type="x", subject="s", link="l", body="b", agents=["no-such-agent"]
        )
    assert invalid.value.status == 422
    assert [e.param for e in invalid.value.errors] == ["agents[0]"]

    with pytest.raises(ValidationError) as batch:
        client.comments.create_batch([{"ticket_id": "missing", "body": "hi"}])
    assert [e.param for e in batch.value.errors] == ["batch[0].ticket_id"]


def test_a_refused_presigned_upload_is_permission_denied_with_the_storage_message(client, people):
    ticket = client.tickets.create(
        ticket_id="t-up", type="chat", subject="s", link="l", body="b", agents=[people.agent_id]
    )
    created = client.attachments.create(ticket_id=ticket.ticket_id, content_type="audio/mpeg")
    wrong = {"Content-Type": "audio/wav", "x-amz-server-side-encryption": "AES256"}
    with pytest.raises(PermissionDeniedError) as caught:
        client._transport.external(
            "PUT", created.presigned_url, headers=wrong, content=lambda: b"x"
        )
    assert caught.value.status == 403
    assert caught.value.message.startswith("SignatureDoesNotMatch")


def test_invalid_requests_are_refused_before_sending_naming_each_field(client):
    with pytest.raises(ValidationError) as caught:
        client.tickets.create(ticket_id="t1", type="chat")
    assert caught.value.status is None
    assert {e.param for e in caught.value.errors} == {"subject", "agents", "link", "body"}
    with pytest.raises(ValidationError) as caught:
        client.comments.create(ticket_id="t1", body="x", role="robot")
    assert [e.param for e in caught.value.errors] == ["role"]


def test_token_and_base_url_come_from_the_environment(api, monkeypatch):
    for name in (
        "PODIUM_API_TOKEN",
        "MAESTROQA_API_TOKEN",
        "PODIUM_BASE_URL",
        "MAESTROQA_BASE_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(MissingTokenError):
        Client()
    monkeypatch.setenv("MAESTROQA_API_TOKEN", "pdm_from_maestroqa")
    with Client() as client:
        assert client.base_url == "https://app.maestroqa.com"
        assert client._transport._token == "pdm_from_maestroqa"
    monkeypatch.setenv("PODIUM_API_TOKEN", api.token)  # Podium's wins over MaestroQA's
    monkeypatch.setenv("PODIUM_BASE_URL", base_url(api) + "/api/v1/")  # the suffix is dropped
    with Client(rate_limits=None) as client:
        assert client.base_url == base_url(api)
        assert client.todos.list().total_results == 0


def test_the_client_sends_the_reference_header(api):
    with client_for(api) as client:
        assert client.request("GET", "/api/v1/todos") == {
            "startIndex": 0,
            "totalResults": 0,
            "itemsPerPage": 0,
            "Resources": [],
        }
