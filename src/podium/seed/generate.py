"""Deterministic demo rows.

Every value comes from `random.Random` streams seeded with the seed and the account's name (one
stream per part, so the people do not change when the ticket volume does), and every time is
counted back from the fixed `ANCHOR`. The same seed, account and volumes give the same rows,
byte for byte, on every run and every database (with the same Python: `random`'s algorithms are
stable but not promised forever). Two things are not the seed's: the id of an account that existed
before its first seeding (it is kept, and comment ids contain it), and the integer key the
database numbers helpdesk-id rows with (never shown by the API). Rows are tuples in the column
order of `COLUMNS`, produced in chunks so a million-row load never holds more than one chunk in
memory.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from podium.ids import COMMENT_SUFFIX_TABLE, ID_ALPHABET, ID_LENGTH
from podium.seed import words
from podium.seed.volumes import Volumes

# Fixed, so a seed always gives the same data. Demo data spans the ~6 months before it.
ANCHOR = datetime(2026, 11, 1, tzinfo=UTC)
WINDOW_MS = 182 * 24 * 3600 * 1000
DAY_MS = 24 * 3600 * 1000

# Each random byte picks a character: a tiny bias toward the first characters, harmless for demo
# ids, and ten times faster than drawing each character separately.
_ID_TABLE = bytes(ord(ID_ALPHABET[i % len(ID_ALPHABET)]) for i in range(256))

COLUMNS: dict[str, tuple[str, ...]] = {
    "users": ("id", "account_id", "email", "name", "role", "active", "created_at", "updated_at"),
    "agents": ("id", "account_id", "name", "email", "available", "created_at", "updated_at"),
    "agent_helpdesk_ids": ("account_id", "agent_pk", "helpdesk_id", "position", "created_at"),
    "agent_groups": ("id", "account_id", "name", "created_at", "updated_at"),
    "agent_group_members": ("account_id", "group_id", "agent_pk", "created_at"),
    "ticket_attributes": (
        "id", "account_id", "key", "label", "value_type", "created_at", "updated_at",
    ),
    "tickets": (
        "id", "account_id", "ticket_id", "type", "subject", "link", "body", "tags", "status",
        "csat_score", "first_seen", "last_seen", "attributes", "source", "created_at",
        "updated_at",
    ),
    "ticket_agents": ("account_id", "ticket_pk", "position", "agent_pk", "agent_id"),
    "comments": (
        "id", "account_id", "ticket_pk", "body", "author_id", "role", "channel", "public", "time",
        "kind", "created_at",
    ),
    "coaching_sessions": (
        "id", "account_id", "name", "agent_pk", "agent_id", "coach_id", "creator_id",
        "agent_notes", "coach_notes", "coach_private_notes", "session_contents",
        "coaching_template_id", "meeting_format", "agent_confirmed", "coach_confirmed",
        "created_at", "updated_at",
    ),
    "coaching_points": (
        "id", "account_id", "agent_pk", "agent_id", "creator_id", "criteria_id", "rubric_id",
        "answer_id", "type", "classification", "coach_notes", "text_content", "created_at",
        "updated_at",
    ),
    "coaching_point_sessions": ("point_id", "session_id"),
    "todos": (
        "id", "account_id", "title", "description", "agent_pk", "agent_id", "creator_id",
        "status", "type", "answer_id", "created_at", "updated_at",
    ),
    "todo_sessions": ("todo_id", "session_id"),
    # grading (podium.seed.grading), in the order foreign keys need
    "rubrics": (
        "id", "account_id", "name", "description", "weighted", "bonus_weighted", "active",
        "current_version_pk", "current_version", "deleted_at", "created_at", "updated_at",
    ),
    "rubric_versions": (
        "id", "account_id", "rubric_pk", "version", "name", "weighted", "bonus_weighted",
        "created_at",
    ),
    "rubric_sections": (
        "account_id", "version_pk", "section_id", "position", "name", "kind", "weight",
        "default_answer",
    ),
    "rubric_criteria": (
        "account_id", "version_pk", "criterion_id", "section_id", "position", "text",
        "description", "kind", "min_points", "max_points", "required", "feedback_mode",
    ),
    "rubric_options": (
        "account_id", "version_pk", "option_id", "criterion_id", "position", "label", "points",
        "auto_fail", "feedback",
    ),
    "rubric_feedback_options": (
        "account_id", "version_pk", "feedback_option_id", "criterion_id", "option_id",
        "position", "label",
    ),
    "calibrations": (
        "id", "account_id", "name", "kind", "ticket_pk", "agent_pk", "agent_id", "rubric_pk",
        "final_calibrator_pk", "scheduled_for", "deleted_at", "created_at", "updated_at",
    ),
    "grades": (
        "id", "account_id", "rubric_pk", "version_pk", "ticket_pk", "agent_pk", "agent_id",
        "grader_pk", "grader_email", "grade_type", "calibration_pk", "target_grade_pk", "state",
        "general_notes", "source", "rubric_score", "max_rubric_score", "earned_points",
        "bonus_score", "auto_failed", "alignment_score", "grading_seconds", "first_started_at",
        "first_graded_at", "submitted_at", "reported_at", "created_at", "updated_at",
        "deleted_at",
    ),
    "grade_sections": (
        "account_id", "grade_pk", "section_id", "position", "earned", "max_points", "normalized",
        "weight", "effective_weight",
    ),
    # alignment last: the seed appends it to rows cached per answer pattern
    "grade_answers": (
        "account_id", "grade_pk", "criterion_id", "section_id", "position", "status",
        "option_ids", "value", "feedback_option_ids", "answer_label", "feedback_label", "earned",
        "max_points", "auto_failed", "comment", "alignment",
    ),
    "annotations": (
        "id", "account_id", "grade_pk", "criterion_id", "kind", "highlight", "start_word",
        "end_word", "start_occurrence", "end_occurrence", "recording_timestamp", "feedback",
        "position", "deleted_at", "created_at", "updated_at",
    ),
}

Chunk = dict[str, list[tuple[Any, ...]]]


def new_id(rng: random.Random) -> str:
    """A 17-character id in the alphabet of `podium.ids`, drawn from `rng`."""
    return rng.randbytes(ID_LENGTH).translate(_ID_TABLE).decode("ascii")


@dataclass
class Person:
    pk: str
    name: str
    helpdesk_id: str = ""
    email: str = ""


@dataclass
class People:
    users: list[Person] = field(default_factory=list)
    coaches: list[Person] = field(default_factory=list)
    agents: list[Person] = field(default_factory=list)


class Generator:
    """Rows for one account. `people()` first: tickets and coaching refer to its agents."""

    def __init__(self, *, account_id: str, account_name: str, seed: int, volumes: Volumes):
        self.account_id = account_id
        self.seed_text = f"podium-seed/{seed}/{account_name}"
        self.volumes = volumes
        self.people_ = People()
        self.ticket_base = 0

    def rng(self, part: str) -> random.Random:
        return random.Random(f"{self.seed_text}/{part}")

    @staticmethod
    def _recent(rng: random.Random) -> datetime:
        return ANCHOR - timedelta(milliseconds=rng.randrange(WINDOW_MS))

    @staticmethod
    def _long_ago(rng: random.Random) -> datetime:
        return ANCHOR - timedelta(milliseconds=WINDOW_MS + rng.randrange(365 * DAY_MS))

    def people(self) -> Chunk:
        """Users (admins, managers, graders), agents with helpdesk ids, groups, attributes."""
        rng = self.rng("people")
        v = self.volumes
        account = self.account_id
        out: Chunk = {name: [] for name in COLUMNS if name in (
            "users", "agents", "agent_helpdesk_ids", "agent_groups", "agent_group_members",
            "ticket_attributes",
        )}
        emails: set[str] = set()

        def person_name() -> tuple[str, str]:
            while True:
                first = rng.choice(words.FIRST_NAMES)
                last = rng.choice(words.LAST_NAMES)
                email = f"{first}.{last}@example.com".lower()
                n = 2
                while email in emails:
                    email = f"{first}.{last}{n}@example.com".lower()
                    n += 1
                emails.add(email)
                return f"{first} {last}", email

        n_admin = max(1, round(v.users * 0.15))
        n_limited = 1 if v.users >= 5 else 0
        n_manager = max(1, round(v.users * 0.3)) if v.users > 1 else 0
        for i in range(v.users):
            if i < n_admin:
                role = "admin"
            elif i < n_admin + n_limited:
                role = "limitedAdmin"
            elif i < n_admin + n_limited + n_manager:
                role = "manager"
            else:
                role = "grader"
            name, email = person_name()
            created = self._long_ago(rng)
            user = Person(new_id(rng), name, email=email)
            self.people_.users.append(user)
            if role in ("admin", "manager"):
                self.people_.coaches.append(user)
            out["users"].append((user.pk, account, email, name, role, True, created, created))

        helpdesk_ids: set[str] = set()

        def zendesk_id() -> str:
            while True:
                hid = str(rng.randrange(10**13, 10**14))
                if hid not in helpdesk_ids:
                    helpdesk_ids.add(hid)
                    return hid

        for _ in range(v.agents):
            name, email = person_name()
            created = self._long_ago(rng)
            agent = Person(new_id(rng), name)
            # most agents come from the helpdesk (numeric ids); some were created in Podium
            # (generated ids); some hold both, one per helpdesk
            hids = [zendesk_id()] if rng.random() < 0.8 else [new_id(rng)]
            if rng.random() < 0.25:
                hids.append(new_id(rng) if hids[0].isdigit() else zendesk_id())
            agent.helpdesk_id = hids[0]
            self.people_.agents.append(agent)
            out["agents"].append(
                (agent.pk, account, name, email, rng.random() < 0.9, created, created)
            )
            for position, hid in enumerate(hids):
                out["agent_helpdesk_ids"].append((account, agent.pk, hid, position, created))

        groups = ["All Agents", "Tier 1", "Tier 2", "Billing", "Escalations"]
        groups += [f"Pod {n}" for n in range(1, v.extra_groups + 1)]
        group_pk = {}
        for name in groups:
            created = self._long_ago(rng)
            group_pk[name] = new_id(rng)
            out["agent_groups"].append((group_pk[name], account, name, created, created))
        for i, agent in enumerate(self.people_.agents):
            tier = "Tier 1" if rng.random() < 0.6 else "Tier 2"
            member_of = ["All Agents", tier]
            if rng.random() < 0.25:
                member_of.append("Billing")
            if tier == "Tier 2" and rng.random() < 0.3:
                member_of.append("Escalations")
            if v.extra_groups:
                member_of.append(f"Pod {i % v.extra_groups + 1}")
            for name in member_of:
                out["agent_group_members"].append((account, group_pk[name], agent.pk, ANCHOR))

        for key, label, value_type in (
            ("priority", "Priority", "string"),
            ("first_resolution_time_minutes", "First resolution time (minutes)", "number"),
            ("vip_customer", "VIP customer", "boolean"),
        ):
            created = self._long_ago(rng)
            out["ticket_attributes"].append(
                (new_id(rng), account, key, label, value_type, created, created)
            )
        self.ticket_base = rng.randrange(100_000, 900_000)
        return out

    def tickets(self, chunk_size: int = 2000) -> Iterator[Chunk]:
        """Tickets with their agents and a conversation of 2 to 8 comments each."""
        rng = self.rng("tickets")
        account = self.account_id
        agents = self.people_.agents
        scenarios = words.SCENARIOS
        total = self.volumes.tickets
        for start in range(0, total, chunk_size):
            tickets: list[tuple[Any, ...]] = []
            ticket_agents: list[tuple[Any, ...]] = []
            comments: list[tuple[Any, ...]] = []
            for i in range(start, min(start + chunk_size, total)):
                ticket_id = str(self.ticket_base + i)
                pk = new_id(rng)
                sc = rng.choice(scenarios)
                channel = rng.choice(words.CHANNELS)
                agent = rng.choice(agents)
                on_ticket = [agent]
                if rng.random() < 0.15:
                    other = rng.choice(agents)
                    if other is not agent:
                        on_ticket.append(other)
                for position, a in enumerate(on_ticket):
                    ticket_agents.append((account, pk, position, a.pk, a.helpdesk_id))
                customer = f"customer_{rng.randrange(10_000, 99_999)}"
                first_seen = self._recent(rng)
                opening = rng.choice(sc["opening"])
                # minutes between messages: chat is quick, email slow
                gap = 5 if channel == "chat" else 15 if channel == "phone" else 240
                t = first_seen
                n = rng.randint(2, 8)
                for k in range(n):
                    if k == 0:
                        role, body, author = "customer", opening, customer
                    elif k % 2 == 1:
                        role = "agent"
                        author = on_ticket[(k // 2) % len(on_ticket)].helpdesk_id
                        closing = k >= 3 and k >= n - 2
                        body = rng.choice(sc["closings"] if closing else sc["replies"])
                    else:
                        role, author = "customer", customer
                        body = rng.choice(
                            words.CUSTOMER_THANKS if k == n - 1 else sc["followups"]
                        )
                    public = True
                    if role == "agent" and rng.random() < 0.05:
                        body, public = rng.choice(words.INTERNAL_NOTES), False
                    suffix = rng.randbytes(10).translate(COMMENT_SUFFIX_TABLE).decode("ascii")
                    comments.append((
                        f"{account}_{ticket_id}_{suffix}", account, pk, body, author, role,
                        channel, public, t, "comment", t,
                    ))
                    t = t + timedelta(seconds=rng.randrange(60, gap * 60 + 61))
                last_seen = t
                csat = rng.choice((1, 2, 3, 4, 4, 5, 5, 5)) if rng.random() < 0.3 else None
                tags = ",".join(rng.sample(sc["tags"], rng.randint(1, len(sc["tags"]))))
                attributes = {
                    "priority": rng.choice(words.PRIORITIES),
                    "first_resolution_time_minutes": rng.randrange(3, 2880),
                    "vip_customer": rng.random() < 0.1,
                }
                tickets.append((
                    pk, account, ticket_id, rng.choice(words.TICKET_TYPES),
                    rng.choice(sc["subjects"]), f"https://support.example.com/tickets/{ticket_id}",
                    opening, tags, rng.choice(words.STATUSES), csat, first_seen, last_seen,
                    attributes, "api", first_seen, last_seen,
                ))
            yield {"tickets": tickets, "ticket_agents": ticket_agents, "comments": comments}

    def coaching(self, chunk_size: int = 5000) -> Iterator[Chunk]:
        """Coaching sessions with the points and to-dos discussed in them, then the others."""
        rng = self.rng("coaching")
        v = self.volumes
        account = self.account_id
        agents = self.people_.agents
        coaches = self.people_.coaches or self.people_.users
        users = self.people_.users
        rubrics = [new_id(rng) for _ in range(3)]
        templates = [account, f"{account}_2", f"{account}_3"]
        meeting_formats = [f for f, _ in words.MEETING_WEIGHTS]
        meeting_weights = [w for _, w in words.MEETING_WEIGHTS]
        point_quota = min(v.coaching_points, round(v.coaching_points * v.linked_point_share))
        todo_quota = min(v.todos, round(v.todos * v.linked_todo_share))
        # up to three of each per session; selection sampling (Knuth's algorithm S) over those
        # slots picks exactly the quota, spread at random
        slots_left = 3 * v.coaching_sessions
        if point_quota > slots_left or todo_quota > slots_left:
            raise ValueError("at most 3 coaching points and 3 to-dos per coaching session")
        points_left, todos_left = v.coaching_points, v.todos
        tickets = max(v.tickets, 1)

        def point(agent: Person, created: datetime) -> tuple[Any, ...]:
            kind = rng.choice(("opportunities", "opportunities", "strengths", "strengths", "n/a"))
            classification = rng.choice(("general", "general", "qa", "qa", "csat", "productivity"))
            rubric = criteria = answer = None
            if classification == "qa":
                rubric = rng.choice(rubrics)
                criteria = new_id(rng) if rng.random() < 0.5 else None
                ticket = self.ticket_base + rng.randrange(tickets)
                answer = f"{account}_{ticket}_{rubric}_{agent.helpdesk_id}_GRADER_grading"
            updated = created + timedelta(milliseconds=rng.randrange(3 * DAY_MS))
            return (
                new_id(rng), account, agent.pk, agent.helpdesk_id, rng.choice(users).pk, criteria,
                rubric, answer, kind, classification, rng.choice(words.POINT_NOTES), "", created,
                updated,
            )

        def todo(agent: Person, created: datetime, creator: Person) -> tuple[Any, ...]:
            kind, answer = "general", None
            if rng.random() < 0.15:
                kind = "guru"
                ticket = self.ticket_base + rng.randrange(tickets)
                rubric = rng.choice(rubrics)
                answer = f"{account}_{ticket}_{rubric}_{agent.helpdesk_id}_GRADER_grading"
            status = "complete" if rng.random() < 0.55 else "incomplete"
            updated = created + timedelta(milliseconds=rng.randrange(7 * DAY_MS))
            return (
                new_id(rng), account, rng.choice(words.TODO_TITLES),
                rng.choice(words.TODO_DESCRIPTIONS), agent.pk, agent.helpdesk_id, creator.pk,
                status, kind, answer, created, updated,
            )

        for start in range(0, v.coaching_sessions, chunk_size):
            chunk: Chunk = {name: [] for name in (
                "coaching_sessions", "coaching_points", "todos", "coaching_point_sessions",
                "todo_sessions",
            )}
            for _ in range(start, min(start + chunk_size, v.coaching_sessions)):
                sid = new_id(rng)
                agent = rng.choice(agents)
                coach = rng.choice(coaches)
                creator = coach if rng.random() < 0.85 else rng.choice(users)
                created = self._recent(rng)
                updated = created + timedelta(milliseconds=rng.randrange(2 * DAY_MS))
                name = rng.choice(words.SESSION_NAMES)
                if rng.random() < 0.5:
                    name = f"{name} with {agent.name.split()[0]}"
                chunk["coaching_sessions"].append((
                    sid, account, name, agent.pk, agent.helpdesk_id, coach.pk, creator.pk,
                    rng.choice(words.AGENT_NOTES), rng.choice(words.COACH_NOTES),
                    rng.choice(words.PRIVATE_NOTES), rng.choice(words.SESSION_CONTENTS),
                    rng.choice(templates),
                    rng.choices(meeting_formats, meeting_weights)[0],
                    rng.random() < 0.6, rng.random() < 0.8, created, updated,
                ))
                for _ in range(3):
                    if rng.random() * slots_left < point_quota:
                        before = created - timedelta(milliseconds=rng.randrange(1, 14 * DAY_MS))
                        row = point(agent, before)
                        chunk["coaching_points"].append(row)
                        chunk["coaching_point_sessions"].append((row[0], sid))
                        point_quota -= 1
                        points_left -= 1
                    if rng.random() * slots_left < todo_quota:
                        after = created + timedelta(milliseconds=rng.randrange(1, 3600 * 1000))
                        row = todo(agent, after, coach)
                        chunk["todos"].append(row)
                        chunk["todo_sessions"].append((row[0], sid))
                        todo_quota -= 1
                        todos_left -= 1
                    slots_left -= 1
            yield chunk

        # coaching points and to-dos outside any session
        while points_left or todos_left:
            chunk = {"coaching_points": [], "todos": []}
            for _ in range(min(points_left, chunk_size)):
                chunk["coaching_points"].append(point(rng.choice(agents), self._recent(rng)))
                points_left -= 1
            for _ in range(min(todos_left, chunk_size)):
                creator = rng.choice(users)
                chunk["todos"].append(todo(rng.choice(agents), self._recent(rng), creator))
                todos_left -= 1
            yield chunk
