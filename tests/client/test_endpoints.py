"""Every endpoint through the client, against the live server: typed answers, the same data
the server holds, pages walked to the end."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from podium.client import AsyncClient, ConflictError, NotFoundError
from podium.client.models import CoachingSession, Grade, Page, Rubric, Ticket, TicketLookup
from tests.client.conftest import base_url
from tests.factories import unique
from tests.grading.builders import ANSWERS_21, thirty_five_points


def ticket_fields(agent_id: str, **extra):
    return {
        "ticket_id": unique("t"),
        "type": "custom helpdesk",
        "subject": "New ticket",
        "link": "http://www.mynewticket.com",
        "body": "The text content of this ticket",
        "agents": [agent_id],
        **extra,
    }


def test_tickets_create_read_update_delete(client, people):
    fields = ticket_fields(
        people.agent_id, tags=["login", "support"], csat_score=5, first_seen="2022-02-02T00:00:00Z"
    )
    created = client.tickets.create(**fields)
    assert isinstance(created, Ticket)
    assert created.ticket_id == fields["ticket_id"]
    assert created.tags == "login,support"
    assert created.first_seen == datetime(2022, 2, 2, tzinfo=UTC)
    assert created.id and created.agents == [people.agent_id]

    with pytest.raises(ConflictError) as conflict:
        client.tickets.create(**fields)
    assert conflict.value.status == 409
    assert fields["ticket_id"] in conflict.value.message

    updated = client.tickets.update(created.ticket_id, subject="Updated subject!", status="closed")
    assert (updated.subject, updated.status) == ("Updated subject!", "closed")
    assert client.tickets.get(created.ticket_id).subject == "Updated subject!"

    found = client.tickets.get_many([created.ticket_id, "nope"])
    assert isinstance(found, TicketLookup)
    assert [t.ticket_id for t in found.results] == [created.ticket_id]
    assert found.not_found == ["nope"]

    deleted = client.tickets.delete(created.ticket_id)
    assert deleted.deleted and deleted.ticket_id == created.ticket_id
    with pytest.raises(NotFoundError):
        client.tickets.get(created.ticket_id)


def test_upsert_creates_then_patches(client, people):
    fields = ticket_fields(people.agent_id)
    first = client.tickets.upsert(**fields)
    assert first.created is True
    again = client.tickets.upsert({**fields, "subject": "Second version"})
    assert again.created is False
    assert again.ticket.subject == "Second version"
    assert again.ticket.id == first.ticket.id


def test_ticket_lists_and_timelines(client, people):
    ids = [client.tickets.create(**ticket_fields(people.agent_id)).ticket_id for _ in range(3)]
    in_order = [t.ticket_id for t in client.tickets.list(count=10).resources]
    assert sorted(in_order) == sorted(ids)
    assert [t.ticket_id for t in client.tickets.iter(page_size=2)] == in_order
    page = client.tickets.list(count=2)
    assert isinstance(page, Page) and page.total_results == 3 and len(page.resources) == 2

    client.comments.create(
        ticket_id=ids[0],
        body="Hi, can I get some help?",
        role="customer",
        time="2023-11-03T16:38:53.508Z",
    )
    client.comments.create_batch([{"ticket_id": ids[0], "body": f"reply {n}"} for n in range(3)])
    timeline = list(client.tickets.iter_comments(ids[0], page_size=2))
    assert timeline[0].body == "Hi, can I get some help?"  # the oldest first
    assert sorted(item.body for item in timeline[1:]) == ["reply 0", "reply 1", "reply 2"]
    assert all(item.kind == "comment" for item in timeline)


def test_create_many_sends_500_per_batch_and_sets_bad_comments_aside(client, people):
    ticket = client.tickets.create(**ticket_fields(people.agent_id)).ticket_id
    comments = [{"ticket_id": ticket, "body": f"c{n}", "role": "agent"} for n in range(1_001)]
    comments[600] = {"ticket_id": "no-such-ticket", "body": "lost"}  # the server refuses it
    comments[1_000] = {"ticket_id": ticket, "body": "x", "role": "robot"}  # the client does
    seen = []
    result = client.comments.create_many(comments, on_chunk=seen.append)

    assert [(c.number, c.start, c.size) for c in result.chunks] == [
        (0, 0, 500), (1, 500, 500), (2, 1_000, 1)
    ]
    assert seen == result.chunks
    # chunk 0 in one request; chunk 1 refused once, then sent again without its bad comment;
    # chunk 2 refused by the client before sending
    assert [c.requests for c in result.chunks] == [1, 2, 0]
    assert [f.index for f in result.failed] == [600, 1_000]
    assert "ticket_id" in result.failed[0].error.message
    assert not result.ok and len(result.created) == 999
    stored = {c.body for c in client.tickets.iter_comments(ticket, page_size=1000)}
    assert stored == {f"c{n}" for n in range(1_000)} - {"c600"}


def test_agents_v1_and_extension(client):
    email = unique("agent-") + "@example.com"
    agent = client.agents.create(
        name="Allison Agent", available=True, email=email, agent_id=unique("ag")
    )
    assert agent.email == email and agent.available is True
    with pytest.raises(ConflictError):
        client.agents.create(name="Other", available=True, email=email)
    extra_id = unique("zd")
    with_ids = client.agents.add_id(email, extra_id)
    assert extra_id in with_ids.agent_ids
    assert client.agents.update_availability(email, False).available is False
    assert client.agents.get(extra_id).id == agent.id
    assert client.agents.update(email, name="Allison B. Agent").name == "Allison B. Agent"
    assert [a.email for a in client.agents.iter(available=False)] == [email]
    assert client.agents.list(email=email).total_results == 1


def test_users_groups_and_attributes(client, people):
    user = client.users.create(
        email=unique("u-") + "@example.com", name="Grace Grader", role="grader"
    )
    assert client.users.update(user.id, role="manager").role == "manager"
    assert user.id in {u.id for u in client.users.iter(role="manager")}
    assert client.users.get(user.id).name == "Grace Grader"

    group = client.agent_groups.create(name="Tier 1", agent_ids=[people.agent_id])
    assert group.member_count == 1 and group.members[0].agent_id == people.agent_id
    assert client.agent_groups.update(group.id, name="Tier one").name == "Tier one"
    client.agent_groups.remove_member(group.id, people.agent_id)
    assert client.agent_groups.get(group.id).member_count == 0
    assert client.agent_groups.add_members(group.id, [people.agent_id]).member_count == 1
    assert [g.id for g in client.agent_groups.iter()] == [group.id]
    client.agent_groups.delete(group.id)
    with pytest.raises(NotFoundError):
        client.agent_groups.get(group.id)

    attribute = client.ticket_attributes.create(key="group", value_type="string", label="Group")
    assert attribute.key == "group"
    assert [a.key for a in client.ticket_attributes.iter()] == ["group"]
    ticket = client.tickets.create(
        **ticket_fields(people.agent_id, attributes={"group": "Support", "unknown": 1})
    )
    assert ticket.attributes == {"group": "Support"}
    assert client.ticket_attributes.delete("group").deleted is True


def test_coaching_sessions_points_and_todos(client, people):
    sessions = [
        client.coaching_sessions.create(
            name=f"Session {n}", agent_id=people.agent_id, coach_id=people.user_id
        )
        for n in range(5)
    ]
    assert all(isinstance(s, CoachingSession) for s in sessions)
    every = list(client.coaching_sessions.iter(agent_id=people.agent_id, page_size=2))
    assert sorted(s.id for s in every) == sorted(s.id for s in sessions)
    assert len(list(client.coaching_sessions.iter(coach_id=people.user_id, limit=3))) == 3
    assert list(client.coaching_sessions.iter(agent_id="nobody")) == []
    future = list(client.coaching_sessions.iter(start=datetime(2999, 1, 1, tzinfo=UTC)))
    assert future == []
    assert client.coaching_sessions.get(sessions[0].id).coach_name == "Charlie Smith"
    assert (
        client.coaching_sessions.update(sessions[0].id, coach_notes="Great call").coach_notes
        == "Great call"
    )

    point = client.coaching_points.create(
        agent_id=people.agent_id,
        creator_id=people.user_id,
        type="strengths",
        coaching_session_ids=[sessions[0].id],
    )
    assert client.coaching_points.get(point.id).coaching_session_ids == [sessions[0].id]
    assert client.coaching_points.update(point.id, coach_notes=None).coach_notes is None
    assert [p.id for p in client.coaching_points.iter(agent_id=people.agent_id)] == [point.id]

    todo = client.todos.create(
        title="Read the guide", agent_id=people.agent_id, creator_id=people.user_id
    )
    assert client.todos.update(todo.id, status="complete").status == "complete"
    assert [t.id for t in client.todos.iter(creator_id=people.user_id)] == [todo.id]

    assert client.todos.delete(todo.id).deleted is True
    assert client.coaching_points.delete(point.id).deleted is True
    assert client.coaching_sessions.delete(sessions[0].id).id == sessions[0].id
    with pytest.raises(NotFoundError):
        client.todos.get(todo.id)

    log = list(client.activity_log.iter(item_type="To-dos"))
    assert [e.action_type for e in log] == ["add", "update", "delete"]


def test_rubrics_grades_and_calibrations(client, people):
    rubric = client.rubrics.create(thirty_five_points())
    assert isinstance(rubric, Rubric)
    assert [s.name for s in rubric.sections] == [
        "Section greeting",
        "Section solution",
        "Privacy and Security",
    ]
    ticket = client.tickets.create(**ticket_fields(people.agent_id))
    grade = client.grades.create(
        ticket_id=ticket.ticket_id,
        rubric_id=rubric.id,
        grader_id=people.user_id,
        answers=ANSWERS_21,
    )
    assert isinstance(grade, Grade)
    assert grade.earned_points == 21 and grade.max_rubric_score == 35
    assert grade.rubric_score == 60
    assert {a.criterion_id for a in grade.answers} == set(ANSWERS_21)
    assert [g.id for g in client.grades.iter(ticket_id=ticket.ticket_id)] == [grade.id]
    changed = client.grades.update(grade.id, answers={"g1": {"value": 10}})
    assert changed.earned_points == 25
    assert client.grades.get(grade.id).earned_points == 25

    saved = client.rubrics.update(rubric.id, name="Support QA v2")
    assert saved.name == "Support QA v2" and saved.version_created is False
    assert client.rubrics.get(rubric.id).name == "Support QA v2"
    assert [r.id for r in client.rubrics.iter()] == [rubric.id]

    other = client.users.create(
        email=unique("qa-") + "@example.com", name="QA Lead", role="manager"
    )
    regrade = client.grades.grader_qa(grade.id, grader_id=other.id, answers=ANSWERS_21)
    assert regrade.grade_type == "grader_qa" and regrade.target_grade_id == grade.id

    calibration = client.calibrations.create(
        ticket_id=ticket.ticket_id, rubric_id=rubric.id, name="Weekly", final_calibrator_id=other.id
    )
    review = client.calibrations.add_grade(
        calibration.id, grader_id=people.user_id, answers=ANSWERS_21
    )
    assert review.grade_type == "calibration_review"
    assert (
        client.calibrations.update(calibration.id, name="Weekly calibration").name
        == "Weekly calibration"
    )
    assert [c.id for c in client.calibrations.iter(ticket_id=ticket.ticket_id)] == [calibration.id]
    assert client.calibrations.delete(calibration.id).deleted is True
    assert client.grades.delete(grade.id).deleted is True
    assert client.rubrics.delete(regrade.rubric_id).deleted is True


def test_the_async_client_does_the_same(api, people):
    async def main() -> None:
        async with AsyncClient(base_url=base_url(api), token=api.token, rate_limits=None) as client:
            ticket = await client.tickets.create(**ticket_fields(people.agent_id))
            sessions = await asyncio.gather(
                *(
                    client.coaching_sessions.create(
                        name=f"S{n}", agent_id=people.agent_id, coach_id=people.user_id
                    )
                    for n in range(4)
                )
            )
            seen = [
                s.id
                async for s in client.coaching_sessions.iter(agent_id=people.agent_id, page_size=3)
            ]
            assert sorted(seen) == sorted(s.id for s in sessions)
            upserted = await client.tickets.upsert(
                ticket_fields(people.agent_id, ticket_id=ticket.ticket_id, subject="again")
            )
            assert upserted.created is False and upserted.ticket.subject == "again"
            with pytest.raises(NotFoundError):
                await client.todos.get("missing")
            assert (
                await client.request("GET", f"/api/v1/tickets/{ticket.ticket_id}")
                == (await client.tickets.get(ticket.ticket_id)).to_dict()
            )

    asyncio.run(main())


def test_unknown_answer_fields_are_kept():
    ticket = Ticket.model_validate({"ticket_id": "t", "_id": "x", "futureField": {"a": 1}})
    assert ticket.model_extra == {"futureField": {"a": 1}}
    assert ticket.to_dict() == {"ticket_id": "t", "_id": "x", "futureField": {"a": 1}}
    session = CoachingSession.model_validate(
        {"id": "s", "meetingFormat": "inPerson", "recording": "r.mp3"}
    )
    assert session.meeting_format == "inPerson"
    assert session.recording == "r.mp3"  # type: ignore[attr-defined]
