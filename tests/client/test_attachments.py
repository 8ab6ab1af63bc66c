"""The two-step presigned upload against the live server: the bytes stored are the bytes sent."""

from __future__ import annotations

import io

import httpx
import pytest

from podium.client import NotFoundError
from tests.factories import create_agent, create_ticket


@pytest.fixture
def ticket(api):
    return create_ticket(api, [create_agent(api)["agentId"]])


def stored_bytes(client, ticket_id: str, attachment_id: str) -> bytes:
    info = client.attachments.get(ticket_id, attachment_id)
    assert info.status == "stored"
    return httpx.get(info.download_url, timeout=10).content


@pytest.mark.parametrize("kind", ["bytes", "path", "file object"])
def test_upload_does_both_steps(client, ticket, tmp_path, kind):
    data = bytes(range(256)) * 5000  # 1.2 MB: more than one read of a file
    if kind == "bytes":
        created = client.attachments.upload(
            ticket["ticket_id"], data, content_type="audio/mpeg", id="call-1"
        )
    elif kind == "path":
        path = tmp_path / "call-1.mp3"
        path.write_bytes(data)
        created = client.attachments.upload(ticket["ticket_id"], path, id="call-1")  # type guessed
    else:
        created = client.attachments.upload(
            ticket["ticket_id"], io.BytesIO(data), content_type="audio/mpeg", id="call-1"
        )
    assert created.id == "call-1"
    info = client.attachments.get(ticket["ticket_id"], "call-1")
    assert (info.content_type, info.size_bytes) == ("audio/mpeg", len(data))
    assert stored_bytes(client, ticket["ticket_id"], "call-1") == data
    timeline = list(client.tickets.iter_comments(ticket["ticket_id"]))
    assert [(i.kind, i.attachment.id) for i in timeline] == [("attachment", "call-1")]
    assert [a.id for a in client.attachments.iter(ticket["ticket_id"])] == ["call-1"]


def test_upload_to_an_unknown_ticket_sends_no_file(client):
    with pytest.raises(NotFoundError) as caught:
        client.attachments.upload("no-such-ticket", b"x", content_type="text/plain")
    assert caught.value.status == 404


def test_upload_needs_a_content_type_it_cannot_guess(client, ticket, tmp_path):
    with pytest.raises(ValueError, match="content_type"):
        client.attachments.upload(ticket["ticket_id"], b"x")
    odd = tmp_path / "recording.zzz"
    odd.write_bytes(b"x")
    with pytest.raises(ValueError, match="content_type"):
        client.attachments.upload(ticket["ticket_id"], odd)


def test_url_flow_creates_the_attachment(client, ticket):
    created = client.attachments.create_from_url(
        ticket["ticket_id"], "https://example.com/f.png", "image/png"
    )
    assert created.presigned_url is None
    assert client.attachments.get(ticket["ticket_id"], created.id).source == "url"
