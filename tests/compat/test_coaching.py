"""The reference's coaching examples, replayed request for request.

Each test builds, through the extension API and at the example's times, data like the example's,
then sends the reference's request and checks the answer field for field. Ids are generated, so
they are compared with what the setup made.
"""

from __future__ import annotations

from datetime import timedelta

from podium import clock
from tests.coaching.builders import at, new_point, new_session, new_todo
from tests.factories import create_agent, create_user

WINDOW = {"startDate": "2023-06-01T15:08:45.781Z", "endDate": "2023-08-01T15:08:45.781Z"}


def test_retrieve_a_single_todo(api):
    create_agent(api, agentId="72999")
    creator = create_user(api)
    clock.freeze(at("2023-06-28T16:03:21.089Z"))
    todo = new_todo(api, agent_id="72999", creator_id=creator["id"], title="A Todo",
                    description="This todo's description text")
    clock.freeze(at("2023-06-28T16:03:30.804Z"))
    assert api.patch(api.ext + "/todos/" + todo["id"], json={}).status_code == 200
    clock.reset()

    r = api.get(api.v1 + "/todos/" + todo["id"])
    assert r.status_code == 200
    assert r.json() == {
        "id": todo["id"],
        "title": "A Todo",
        "createdAt": "2023-06-28T16:03:21.089Z",
        "updatedAt": "2023-06-28T16:03:30.804Z",
        "agentId": "72999",
        "creatorId": creator["id"],
        "status": "incomplete",
        "type": "general",
        "coachingSessionIds": [],
        "description": "This todo's description text",
        # not in the example; always present, null when the to-do has no answer
        "answerId": None,
    }


def test_retrieve_todos(api):
    create_agent(api, agentId="5595649818")
    creator = create_user(api)
    answer = "16906fb5ce9d57646fa38362_5311138_QqJEN5t8LXZRQZd4a_5595649818_GRADER_grading"
    # outside the window: just before startDate, and exactly at endDate (exclusive)
    for moment in ("2023-06-01T15:08:45.780Z", "2023-08-01T15:08:45.781Z"):
        clock.freeze(at(moment))
        new_todo(api, agent_id="5595649818", creator_id=creator["id"])
    clock.freeze(at("2023-06-01T15:08:45.781Z"))  # exactly startDate (inclusive)
    made = {}
    for _ in range(53):
        t = new_todo(api, agent_id="5595649818", creator_id=creator["id"],
                     title="2. My First App", type="guru", answerId=answer)
        made[t["id"]] = t
        clock.advance(timedelta(hours=12))
    clock.reset()

    r = api.get(api.v1 + "/todos", params={"count": 1, "startIndex": 50} | WINDOW)
    assert r.status_code == 200
    page = r.json()
    assert list(page) == ["startIndex", "totalResults", "itemsPerPage", "Resources"]
    assert (page["startIndex"], page["totalResults"], page["itemsPerPage"]) == (50, 53, 1)
    fiftieth = sorted(made)[50]
    assert page["Resources"] == [made[fiftieth]]
    item = page["Resources"][0]
    assert (item["title"], item["agentId"], item["creatorId"], item["status"], item["type"],
            item["answerId"], item["description"]) == (
        "2. My First App", "5595649818", creator["id"], "incomplete", "guru", answer, "")


def test_retrieve_a_single_coaching_point(api):
    create_agent(api, agentId="72999")
    creator = create_user(api)
    answer = "16906fb5ce9d57646fa38362_5310985_AatxWWtXWKcfiN34E_542897_GRADER_grading"
    clock.freeze(at("2023-06-21T17:52:36.687Z"))
    point = new_point(api, agent_id="72999", creator_id=creator["id"], type="opportunities",
                      classification="qa", rubricId="AatxWWtXWKcfiN34E", answerId=answer,
                      coachNotes="Let's talk about greeting ")
    clock.freeze(at("2023-06-24T05:42:18.599Z"))
    assert api.patch(api.ext + "/coaching-points/" + point["id"], json={}).status_code == 200
    clock.reset()

    r = api.get(api.v1 + "/coaching-points/" + point["id"])
    assert r.status_code == 200
    assert r.json() == {
        "id": point["id"],
        "createdAt": "2023-06-21T17:52:36.687Z",
        "updatedAt": "2023-06-24T05:42:18.599Z",
        "agentId": "72999",
        "creatorId": creator["id"],
        "criteriaId": None,
        "rubricId": "AatxWWtXWKcfiN34E",
        "answerId": answer,
        "type": "opportunities",
        "classification": "qa",
        "coachNotes": "Let's talk about greeting ",
        "coachingSessionIds": [],
        "textContent": "",
    }


def test_retrieve_coaching_points(api):
    create_agent(api, agentId="72999")
    other_agent = create_agent(api)
    coach = create_user(api)
    session = new_session(api, agent_id="72999", coach_id=coach["id"])
    made = {}
    clock.freeze(at("2023-06-21T17:52:36.687Z"))
    for fields in (
        {"type": "opportunities", "classification": "qa", "coachNotes": "greeting"},
        {"type": "strengths", "classification": "general",
         "coachNotes": "Good job asking probing questions ",
         "coachingSessionIds": [session["id"]]},
        {"type": "n/a", "classification": "general", "coachNotes": None},
        {"type": "strengths", "classification": "csat"},
    ):
        p = new_point(api, agent_id="72999", creator_id=coach["id"], **fields)
        made[p["id"]] = p
        clock.advance(timedelta(days=5))
    # not this agent, or outside the window
    new_point(api, agent_id=other_agent["agentId"], creator_id=coach["id"])
    clock.freeze(at("2023-05-01T00:00:00Z"))
    new_point(api, agent_id="72999", creator_id=coach["id"])
    clock.reset()

    r = api.get(api.v1 + "/coaching-points", params={"count": 3, "agentId": "72999"} | WINDOW)
    assert r.status_code == 200
    page = r.json()
    assert (page["startIndex"], page["totalResults"], page["itemsPerPage"]) == (0, 4, 3)
    assert page["Resources"] == [made[i] for i in sorted(made)[:3]]
    by_type = {p["type"]: p for p in made.values() if p["classification"] != "csat"}
    assert by_type["strengths"]["coachingSessionIds"] == [session["id"]]
    assert by_type["n/a"]["coachNotes"] is None


def _sample_session(api, coach, **fields):
    body = {
        "name": "Sample Coaching Session",
        "agentNotes": "Agent's notes",
        "coachNotes": "Coach's notes",
        "coachPrivateNotes": "Private (not shared with agent) notes",
        "sessionContents": "Contents of the sessions's 'Overview' tab",
        "coachingTemplateId": "16906fb5ce9d57646fa38362",
        "meetingFormat": "inPerson",
        "agentConfirmed": False,
        "coachConfirmed": False,
    } | fields
    return new_session(api, agent_id=body.pop("agentId", "72999"), coach_id=coach["id"], **body)


def test_retrieve_a_single_coaching_session(api):
    create_agent(api, agentId="72999", name="Harrison Charles")
    coach = create_user(api, name="Charlie Smith")
    clock.freeze(at("2023-07-13T16:02:42.255Z"))
    session = _sample_session(api, coach)
    clock.freeze(at("2023-07-13T16:02:53.622Z"))
    api.patch(api.ext + "/coaching-sessions/" + session["id"], json={})
    clock.reset()

    r = api.get(api.v1 + "/coaching-sessions/" + session["id"])
    assert r.status_code == 200
    assert r.json() == {
        "id": session["id"],
        "name": "Sample Coaching Session",
        "createdAt": "2023-07-13T16:02:42.255Z",
        "updatedAt": "2023-07-13T16:02:53.622Z",
        "agentId": "72999",
        "agentName": "Harrison Charles",
        "coachId": coach["id"],
        "coachName": "Charlie Smith",
        "creatorId": coach["id"],
        "agentNotes": "Agent's notes",
        "coachNotes": "Coach's notes",
        "coachPrivateNotes": "Private (not shared with agent) notes",
        "sessionContents": "Contents of the sessions's 'Overview' tab",
        "coachingTemplateId": "16906fb5ce9d57646fa38362",
        "meetingFormat": "inPerson",
        "agentConfirmed": False,
        "coachConfirmed": False,
    }


def test_retrieve_coaching_sessions(api):
    create_agent(api, agentId="72999", name="Harrison Charles")
    create_agent(api, agentId="0055e000000ZIqdAAG", name="Automated Process")
    coach = create_user(api, name="Charlie Smith")
    other_coach = create_user(api, name="Someone Else")
    made = {}
    clock.freeze(at("2023-06-03T04:02:13.764Z"))
    for fields in (
        {},
        {"name": "Created by Matthew", "agentId": "0055e000000ZIqdAAG", "agentNotes": "",
         "coachingTemplateId": "16906fb5ce9d57646fa38362_3"},
        {"name": "test coaching session", "coachConfirmed": True},
        {"name": "fourth"},
    ):
        s = _sample_session(api, coach, **fields)
        made[s["id"]] = s
        clock.advance(timedelta(days=10))
    _sample_session(api, other_coach)  # another coach
    clock.freeze(at("2023-08-01T15:08:45.781Z"))
    _sample_session(api, coach)  # at endDate: outside
    clock.reset()

    r = api.get(api.v1 + "/coaching-sessions",
                params={"count": 3, "coachId": coach["id"]} | WINDOW)
    assert r.status_code == 200
    page = r.json()
    assert (page["startIndex"], page["totalResults"], page["itemsPerPage"]) == (0, 4, 3)
    assert page["Resources"] == [made[i] for i in sorted(made)[:3]]
    names = {s["name"]: (s["agentId"], s["agentName"], s["coachName"]) for s in made.values()}
    assert names["Created by Matthew"] == ("0055e000000ZIqdAAG", "Automated Process",
                                           "Charlie Smith")
    assert names["Sample Coaching Session"] == ("72999", "Harrison Charles", "Charlie Smith")
