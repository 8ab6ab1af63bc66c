"""Tickets, comments and custom ticket attributes: the rules."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from pydantic_core import PydanticCustomError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from podium import clock, ids
from podium.agents import repository as agents_repository
from podium.attachments import repository as attachments_repository
from podium.audit import service as audit
from podium.audit.service import Actor
from podium.errors import Conflict, Forbidden, Invalid, NotFound
from podium.pagination import PageParams
from podium.tickets import repository
from podium.tickets.models import Ticket, TicketAttribute
from podium.tickets.schemas import (
    CLEARABLE,
    CommentCreate,
    TicketAttributeCreate,
    TicketAttributeRead,
    TicketCreate,
    TicketList,
    TicketRead,
    TicketUpdate,
    TimelineAttachment,
    TimelineItem,
    comment_wire,
    wire_number,
)
from podium.wire import Page, format_utc, parse_utc

# tickets


async def create_ticket(
    session: AsyncSession, *, actor: Actor, data: TicketCreate
) -> TicketRead:
    """Creates a ticket; 409 if its ticket_id is in use, 422 for unknown agents or attributes of
    the wrong type."""
    account_id = actor.account_id
    if await repository.ticket_exists(session, account_id=account_id, ticket_id=data.ticket_id):
        raise _in_use(data.ticket_id)
    agents = await _resolve_agents(session, account_id=account_id, refs=data.agents)
    attributes = await _checked_attributes(
        session, account_id=account_id, given=data.attributes or {}
    )
    now = clock.now()
    ticket = Ticket(
        id=ids.new_id(),
        account_id=account_id,
        ticket_id=data.ticket_id,
        type=data.type,
        subject=data.subject,
        link=data.link,
        body=data.body,
        tags=data.tags,
        status=data.status,
        csat_score=data.csat_score,
        first_seen=data.first_seen or now,
        last_seen=data.last_seen or now,
        attributes=attributes,
        source="api",
        created_at=now,
        updated_at=now,
    )
    session.add(ticket)
    try:
        # the unique constraint decides between simultaneous creates of one ticket_id
        await session.flush()
    except IntegrityError as exc:
        raise _in_use(data.ticket_id) from exc
    await _set_agents(session, account_id=account_id, ticket_pk=ticket.id, agents=agents)
    _record(session, actor, audit.TICKETS, audit.ADD, f'Created ticket "{ticket.ticket_id}"')
    return _read(ticket, [agent_id for _, agent_id in agents])


async def update_ticket(
    session: AsyncSession, *, actor: Actor, ticket_id: str, data: TicketUpdate
) -> TicketRead:
    """Updates the fields given; 404 for an unknown ticket, 403 for an integration's ticket."""
    account_id = actor.account_id
    ticket = await _api_ticket(session, account_id=account_id, ticket_id=ticket_id, verb="updated")
    given = data.model_fields_set
    agents = None
    if "agents" in given and data.agents is not None:
        agents = await _resolve_agents(session, account_id=account_id, refs=data.agents)
    if "attributes" in given and data.attributes is not None:
        checked = await _checked_attributes(
            session, account_id=account_id, given=data.attributes, allow_null=True
        )
        merged = dict(ticket.attributes or {})
        for key, value in checked.items():
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = value
        ticket.attributes = merged
    for field in ("type", "subject", "link", "body", "first_seen", "last_seen", *CLEARABLE):
        if field in given:
            value = getattr(data, field)
            if value is not None or field in CLEARABLE:
                setattr(ticket, field, value)
    ticket.updated_at = clock.now()
    if agents is not None:
        await _set_agents(
            session, account_id=account_id, ticket_pk=ticket.id, agents=agents, replace=True
        )
        shown = [agent_id for _, agent_id in agents]
    else:
        shown = (await repository.agents_of(
            session, account_id=account_id, ticket_pks=[ticket.id]
        ))[ticket.id]
    await session.flush()
    fields = ", ".join(sorted(given)) or "nothing"
    _record(
        session, actor, audit.TICKETS, audit.UPDATE, f'Updated ticket "{ticket_id}": {fields}'
    )
    return _read(ticket, shown)


async def delete_ticket(session: AsyncSession, *, actor: Actor, ticket_id: str) -> None:
    """Deletes a ticket with its comments; 404 for an unknown ticket, 403 for an integration's."""
    account_id = actor.account_id
    ticket = await _api_ticket(session, account_id=account_id, ticket_id=ticket_id, verb="deleted")
    await repository.delete_ticket(session, account_id=account_id, ticket_pk=ticket.id)
    _record(session, actor, audit.TICKETS, audit.DELETE, f'Deleted ticket "{ticket_id}"')


def _record(
    session: AsyncSession, actor: Actor, item_type: str, action_type: str, description: str
) -> None:
    audit.record(
        session,
        actor=actor,
        item_type=item_type,
        action_type=action_type,
        description=description,
    )


async def get_ticket(session: AsyncSession, *, account_id: str, ticket_id: str) -> TicketRead:
    """Gets a ticket by its ticket_id; 404 if the account has none."""
    ticket = await _ticket(session, account_id=account_id, ticket_id=ticket_id)
    agents = await repository.agents_of(session, account_id=account_id, ticket_pks=[ticket.id])
    return _read(ticket, agents[ticket.id])


async def get_tickets(
    session: AsyncSession, *, account_id: str, ticket_ids: Sequence[str]
) -> TicketList:
    """Gets several tickets: those found in the order asked, and the ids not found."""
    wanted = list(dict.fromkeys(ticket_ids))
    tickets = await repository.get_tickets(session, account_id=account_id, ticket_ids=wanted)
    by_id = {t.ticket_id: t for t in tickets}
    agents = await repository.agents_of(
        session, account_id=account_id, ticket_pks=[t.id for t in tickets]
    )
    return TicketList(
        results=[_read(by_id[t], agents[by_id[t].id]) for t in wanted if t in by_id],
        notFound=[t for t in wanted if t not in by_id],
    )


async def list_tickets(
    session: AsyncSession,
    *,
    account_id: str,
    page: PageParams,
    agent_id: str | None = None,
    status: str | None = None,
) -> Page[TicketRead]:
    """A page of the account's tickets in id order, optionally of one agent or one status."""
    agent_pks = None
    if agent_id is not None:
        resolved = await agents_repository.resolve_refs(
            session, account_id=account_id, refs=[agent_id]
        )
        found = resolved.get(agent_id)
        agent_pks = [found[0].id] if found else []
    total, tickets = await repository.page_tickets(
        session, account_id=account_id, page=page, agent_pks=agent_pks, status=status
    )
    agents = await repository.agents_of(
        session, account_id=account_id, ticket_pks=[t.id for t in tickets]
    )
    return Page[TicketRead](
        startIndex=page.start_index,
        totalResults=total,
        itemsPerPage=len(tickets),
        Resources=[_read(t, agents[t.id]) for t in tickets],
    )


def _read(ticket: Ticket, agents: list[str]) -> TicketRead:
    return TicketRead(
        id=ticket.id,
        ticket_id=ticket.ticket_id,
        type=ticket.type,
        subject=ticket.subject,
        link=ticket.link,
        body=ticket.body,
        status=ticket.status,
        agents=agents,
        tags=ticket.tags,
        csat_score=wire_number(ticket.csat_score),
        first_seen=ticket.first_seen,
        last_seen=ticket.last_seen,
        attributes=ticket.attributes or {},
    )


async def _set_agents(
    session: AsyncSession,
    *,
    account_id: str,
    ticket_pk: str,
    agents: list[tuple[str, str]],
    replace: bool = False,
) -> None:
    try:
        await repository.set_agents(
            session, account_id=account_id, ticket_pk=ticket_pk, agents=agents, replace=replace
        )
    except IntegrityError as exc:
        # an agent removed between its lookup and this insert
        raise Conflict(
            "an agent of this ticket was removed while the ticket was being saved; retry",
            [("agents", "an agent was removed meanwhile")],
        ) from exc


def _in_use(ticket_id: str) -> Conflict:
    return Conflict(
        f"ticket_id {ticket_id!r} is already in use in this account",
        [("ticket_id", f"{ticket_id!r} is already in use")],
    )


async def _ticket(session: AsyncSession, *, account_id: str, ticket_id: str) -> Ticket:
    ticket = await repository.get_ticket(session, account_id=account_id, ticket_id=ticket_id)
    if ticket is None:
        raise _no_ticket(ticket_id)
    return ticket


def _no_ticket(ticket_id: str) -> NotFound:
    return NotFound(
        f"ticket_id: no ticket {ticket_id!r} in this account",
        [("ticket_id", f"no ticket {ticket_id!r} in this account")],
    )


async def _api_ticket(
    session: AsyncSession, *, account_id: str, ticket_id: str, verb: str
) -> Ticket:
    """The ticket, locked for the change to come (so two changes of one ticket run one after the
    other); 404 if unknown, 403 if synced from an integration."""
    lock: repository.Lock = "update" if verb == "deleted" else "no key update"
    ticket = await repository.get_ticket(
        session, account_id=account_id, ticket_id=ticket_id, lock=lock
    )
    if ticket is None:
        raise _no_ticket(ticket_id)
    if ticket.source == "integration":
        raise Forbidden(
            f"ticket {ticket_id!r} is synced from a helpdesk integration and cannot be {verb} "
            "through the API",
            [("ticket_id", "synced from a helpdesk integration")],
        )
    return ticket


async def _resolve_agents(
    session: AsyncSession, *, account_id: str, refs: Sequence[str]
) -> list[tuple[str, str]]:
    """(agent pk, agent id to show) for each ref, each agent once; 422 naming unknown refs."""
    resolved = await agents_repository.resolve_refs(
        session, account_id=account_id, refs=refs
    )
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    unknown: list[tuple[str, str]] = []
    for index, ref in enumerate(refs):
        found = resolved.get(ref)
        if found is None:
            why = f"no agent with id or email {ref!r} in this account"
            unknown.append((f"agents[{index}]", why))
            continue
        agent, shown = found
        if agent.id not in seen:
            seen.add(agent.id)
            out.append((agent.id, shown))
    if unknown:
        raise Invalid.params(unknown)
    return out


# custom attribute values

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_DATE_ONLY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_EXPECTED = {
    "string": "expected a string",
    "number": "expected a number (or a string holding one, like \"5\")",
    "boolean": "expected a boolean (true or false, or the string \"true\" or \"false\")",
    "date": "expected a date like 2017-12-13T05:00:00Z, 2017-12-13 or 12/13/2017",
}


def attribute_value(value_type: str, value: Any) -> Any:
    """The stored form of `value` for an attribute of `value_type`; ValueError if it has the
    wrong type. Real clients send every value as a string, so numbers, booleans and dates are
    also read from strings that hold one."""
    if value_type == "string":
        if isinstance(value, str):
            return value
    elif value_type == "number":
        if isinstance(value, int | float) and not isinstance(value, bool):
            if isinstance(value, float) and not math.isfinite(value):
                raise ValueError(_EXPECTED["number"])
            return value
        if isinstance(value, str) and _NUMBER.match(value.strip()):
            text = value.strip()
            number = float(text)
            if not math.isfinite(number):
                raise ValueError(_EXPECTED["number"])
            if re.fullmatch(r"[+-]?\d+", text):
                return int(text)
            return number
    elif value_type == "boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
    elif value_type == "date" and isinstance(value, str):
        parsed = _parse_date(value.strip())
        if parsed is not None:
            return format_utc(parsed)
    raise ValueError(_EXPECTED.get(value_type, f"expected a {value_type}"))


def _parse_date(text: str) -> datetime | None:
    try:
        if match := _DATE_ONLY.match(text):
            y, m, d = (int(g) for g in match.groups())
            return datetime(y, m, d, tzinfo=UTC)
        if match := _US_DATE.match(text):
            m, d, y = (int(g) for g in match.groups())
            return datetime(y, m, d, tzinfo=UTC)
    except ValueError:
        return None
    try:
        return parse_utc(text)
    except PydanticCustomError:
        return None


async def _checked_attributes(
    session: AsyncSession, *, account_id: str, given: dict[str, Any], allow_null: bool = False
) -> dict[str, Any]:
    """The attributes to store: unknown keys dropped (the reference says they are ignored), known
    keys checked against their type; 422 naming every `attributes.<key>` of the wrong type."""
    if not given:
        return {}
    types = await repository.attribute_types(session, account_id=account_id, keys=given)
    out: dict[str, Any] = {}
    errors: list[tuple[str, str]] = []
    for key, value in given.items():
        value_type = types.get(key)
        if value_type is None:
            continue
        if value is None:
            if allow_null:
                out[key] = None
                continue
            # null on create: as if the key were left out
            continue
        try:
            out[key] = attribute_value(value_type, value)
        except ValueError as exc:
            errors.append((f"attributes.{key}", str(exc)))
    if errors:
        raise Invalid.params(errors)
    return out


# comments


async def create_comment(
    session: AsyncSession, *, actor: Actor, data: CommentCreate
) -> dict[str, Any]:
    """Adds a comment to a ticket; 404 if the account has no such ticket."""
    account_id = actor.account_id
    pks = await repository.ticket_pks(session, account_id=account_id, ticket_ids=[data.ticket_id])
    if data.ticket_id not in pks:
        raise _no_ticket(data.ticket_id)
    comment_id = ids.new_comment_id(account_id, data.ticket_id)
    row = _comment_row(comment_id, account_id, pks[data.ticket_id], data, clock.now())
    await repository.insert_comments(session, rows=[row])
    _record(
        session, actor, audit.COMMENTS, audit.ADD, f'Added a comment to ticket "{data.ticket_id}"'
    )
    return comment_wire(row, data.ticket_id)


async def create_comments(
    session: AsyncSession, *, actor: Actor, batch: Sequence[CommentCreate]
) -> list[dict[str, Any]]:
    """Adds a batch of comments, all or none: 422 naming the index of every comment whose
    ticket the account does not have, and nothing is stored. The activity log gets one entry
    for the batch."""
    account_id = actor.account_id
    pks = await repository.ticket_pks(
        session, account_id=account_id, ticket_ids=(c.ticket_id for c in batch)
    )
    missing = [
        (f"batch[{i}].ticket_id", f"no ticket {c.ticket_id!r} in this account")
        for i, c in enumerate(batch)
        if c.ticket_id not in pks
    ]
    if missing:
        raise Invalid.params(missing)
    now = clock.now()
    comment_ids = ids.new_comment_ids(account_id, [c.ticket_id for c in batch])
    rows = [
        _comment_row(comment_id, account_id, pks[c.ticket_id], c, now)
        for comment_id, c in zip(comment_ids, batch, strict=True)
    ]
    await repository.insert_comments(session, rows=rows)
    tickets = audit.plural(len(pks), "ticket")
    where = f'ticket "{next(iter(pks))}"' if len(pks) == 1 else tickets
    _record(
        session,
        actor,
        audit.COMMENTS,
        audit.ADD,
        f"Added {audit.plural(len(rows), 'comment')} to {where}",
    )
    return [comment_wire(row, c.ticket_id) for row, c in zip(rows, batch, strict=True)]


def _comment_row(
    comment_id: str, account_id: str, ticket_pk: str, data: CommentCreate, now: datetime
) -> dict[str, Any]:
    return {
        "id": comment_id,
        "account_id": account_id,
        "ticket_pk": ticket_pk,
        "body": data.body,
        "author_id": data.author_id,
        "role": data.role,
        "channel": data.channel,
        "public": True if data.public is None else data.public,
        "time": data.time or now,
        "kind": "comment",
        "created_at": now,
    }


async def list_timeline(
    session: AsyncSession, *, account_id: str, ticket_id: str, page: PageParams
) -> Page[TimelineItem]:
    """A page of a ticket's comments and attachments by time; 404 for an unknown ticket."""
    ticket = await _ticket(session, account_id=account_id, ticket_id=ticket_id)
    total, comments = await repository.page_comments(
        session, account_id=account_id, ticket_pk=ticket.id, page=page
    )
    attachments = await attachments_repository.by_comment_ids(
        session,
        account_id=account_id,
        comment_ids=[c.id for c in comments if c.kind == "attachment"],
    )
    shown = {
        comment_id: TimelineAttachment(id=a.attachment_id, content_type=a.content_type)
        for comment_id, a in attachments.items()
    }
    return Page[TimelineItem](
        startIndex=page.start_index,
        totalResults=total,
        itemsPerPage=len(comments),
        Resources=[TimelineItem.of(c, ticket.ticket_id, shown.get(c.id)) for c in comments],
    )


# custom ticket attribute definitions


async def create_attribute(
    session: AsyncSession, *, actor: Actor, data: TicketAttributeCreate
) -> TicketAttributeRead:
    """Defines a custom ticket attribute; 409 if the key is defined already."""
    account_id = actor.account_id
    if await repository.get_attribute(session, account_id=account_id, key=data.key) is not None:
        raise _key_in_use(data.key)
    row = TicketAttribute(
        id=ids.new_id(),
        account_id=account_id,
        key=data.key,
        label=data.label if data.label else data.key,
        value_type=data.valueType,
    )
    session.add(row)
    try:
        await session.flush()
    except IntegrityError as exc:
        raise _key_in_use(data.key) from exc
    _record(
        session,
        actor,
        audit.TICKET_ATTRIBUTES,
        audit.ADD,
        f'Defined ticket attribute "{row.key}" ({row.value_type})',
    )
    return TicketAttributeRead.of(row)


async def list_attributes(
    session: AsyncSession, *, account_id: str, page: PageParams
) -> Page[TicketAttributeRead]:
    """A page of the account's custom ticket attributes, in id order."""
    total, rows = await repository.page_attributes(session, account_id=account_id, page=page)
    return Page[TicketAttributeRead](
        startIndex=page.start_index,
        totalResults=total,
        itemsPerPage=len(rows),
        Resources=[TicketAttributeRead.of(r) for r in rows],
    )


async def delete_attribute(session: AsyncSession, *, actor: Actor, key: str) -> None:
    """Removes an attribute definition (values stored on tickets stay); 404 if unknown."""
    account_id = actor.account_id
    row = await repository.get_attribute(session, account_id=account_id, key=key)
    if row is None:
        why = f"no ticket attribute {key!r} in this account"
        raise NotFound(f"key: {why}", [("key", why)])
    await repository.delete_attribute(session, account_id=account_id, attribute_id=row.id)
    _record(
        session, actor, audit.TICKET_ATTRIBUTES, audit.DELETE, f'Deleted ticket attribute "{key}"'
    )


def _key_in_use(key: str) -> Conflict:
    return Conflict(
        f"ticket attribute key {key!r} is already defined in this account",
        [("key", f"{key!r} is already defined")],
    )
