"""Recording and reading the activity log.

`record` adds the entry to the caller's session, so it commits (or rolls back) with the change it
describes: a change that fails leaves no entry, and an entry never describes a change that did
not happen. Reads are not recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from podium import clock, ids
from podium.audit import repository
from podium.audit.models import ActivityLog
from podium.pagination import PageParams

# item types, in the words of MaestroQA's activity log where it has one
AGENTS = "Agents"
AGENT_GROUPS = "Agent Groups"
USERS = "Users"
TICKETS = "Tickets"
COMMENTS = "Comments"
TICKET_ATTRIBUTES = "Ticket Attributes"
COACHING_SESSIONS = "Coaching Sessions"
COACHING_POINTS = "Coaching Points"
TODOS = "To-dos"
API_TOKENS = "API Tokens"
ACCOUNTS = "Accounts"
RUBRIC = "Rubric"
SCORES = "Scores"
CALIBRATIONS = "Calibrations"
EXPORTS = "Exports"
ATTACHMENTS = "Attachments"

# action types
ADD = "add"
UPDATE = "update"
DELETE = "delete"
AVAILABILITY_CHANGE = "availability change"
MEMBERSHIP_CHANGE = "membership change"
ROLE_CHANGE = "role change"
ACTIVATE = "activate"
DEACTIVATE = "deactivate"
SEED = "seed"
SUBMIT = "submit"
START_GRADING = "start grading"

CLI_LABEL = "cli"


@dataclass(frozen=True)
class Actor:
    """Who makes a change: the account, the user and token behind it, a label and the IP."""

    account_id: str
    user_id: str | None = None
    token_id: str | None = None
    label: str = CLI_LABEL
    ip: str | None = None


def cli_actor(account_id: str) -> Actor:
    """The actor of a change made with the `podium` command."""
    return Actor(account_id=account_id, label=CLI_LABEL)


def entry(*, actor: Actor, item_type: str, action_type: str, description: str) -> dict[str, Any]:
    """The column values of one activity log entry (for callers that insert rows themselves)."""
    return {
        "id": ids.new_id(),
        "account_id": actor.account_id,
        "created_at": clock.now(),
        "actor_user_id": actor.user_id,
        "actor_token_id": actor.token_id,
        "actor_label": actor.label,
        "item_type": item_type,
        "action_type": action_type,
        "description": description,
        "ip_address": actor.ip,
    }


def record(
    session: AsyncSession, *, actor: Actor, item_type: str, action_type: str, description: str
) -> None:
    """Adds an entry to the caller's transaction (written at its next flush or commit)."""
    session.add(
        ActivityLog(
            **entry(
                actor=actor,
                item_type=item_type,
                action_type=action_type,
                description=description,
            )
        )
    )


def plural(n: int, noun: str, nouns: str | None = None) -> str:
    """`1 ticket`, `3 tickets`."""
    return f"{n} {noun if n == 1 else (nouns or noun + 's')}"


async def list_entries(
    session: AsyncSession,
    *,
    account_id: str,
    page: PageParams,
    start: datetime | None = None,
    end: datetime | None = None,
    item_type: str | None = None,
    action_type: str | None = None,
) -> tuple[int, list[ActivityLog]]:
    """A page of the account's entries, oldest first, optionally filtered."""
    return await repository.page_entries(
        session,
        account_id=account_id,
        page=page,
        start=start,
        end=end,
        item_type=item_type,
        action_type=action_type,
    )
