# Generated from podium/client/_async/resources.py: do not edit.
"""The API's endpoints, one class per resource.

Generated from its async twin in `_async/`: edit that one (`python -m podium.client._unasync`).

Every method that takes a request model also takes its fields as keyword arguments (or a
mapping): `tickets.create(ticket_id="t1", type="chat", ...)`. `list()` reads one page;
`iter()` reads every page and yields the items.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime
from typing import Any, TypeVar

import pydantic

from podium.client._common import EXT, V1, body, build, chunked, parse, parse_page, query, seg
from podium.client._sync.transport import Transport
from podium.client.errors import ConflictError, PodiumClientError
from podium.client.errors import ValidationError as ApiValidationError
from podium.client.models import (
    ActivityEntry,
    Agent,
    AgentCreate,
    AgentGroup,
    AgentGroupCreate,
    AgentGroupUpdate,
    AgentUpdate,
    Attachment,
    AttachmentCreate,
    AttachmentCreated,
    Calibration,
    CalibrationCreate,
    CalibrationGradeCreate,
    CalibrationUpdate,
    CoachingPoint,
    CoachingPointCreate,
    CoachingPointUpdate,
    CoachingSession,
    CoachingSessionCreate,
    CoachingSessionUpdate,
    Comment,
    CommentBatch,
    CommentCreate,
    Deleted,
    Grade,
    GradeCreate,
    GraderQaCreate,
    GradeUpdate,
    Page,
    Rubric,
    RubricCreate,
    RubricSaved,
    RubricUpdate,
    Ticket,
    TicketAttribute,
    TicketAttributeCreate,
    TicketAttributeDeleted,
    TicketCreate,
    TicketDeleted,
    TicketLookup,
    TicketUpdate,
    TimelineItem,
    Todo,
    TodoCreate,
    TodoUpdate,
    UpsertResult,
    User,
    UserCreate,
    UserUpdate,
)
from podium.client.results import ChunkResult, CreateManyResult, FailedItem

M = TypeVar("M", bound=pydantic.BaseModel)
DateArg = datetime | date | str | None

DEFAULT_PAGE_SIZE = 100
BATCH_MAX = 500  # the reference's limit for comments-batch
LOOKUP_MAX = 100  # GET /tickets?ticket_ids= takes at most 100 ids


class Resource:
    def __init__(self, transport: Transport):
        self._t = transport

    def _page(self, model: type[M], path: str, params: dict[str, str]) -> Page[M]:
        return parse_page(model, self._t.request("GET", path, params=params))

    def _iter(
        self,
        model: type[M],
        path: str,
        params: dict[str, str],
        page_size: int,
        limit: int | None,
    ) -> Iterator[M]:
        """Every item of a list, page after page (`startIndex` moves by what each page held)."""
        if page_size < 1:
            raise ValueError("page_size must be >= 1")
        start = 0
        seen = 0
        while True:
            count = page_size if limit is None else min(page_size, limit - seen)
            if count <= 0:
                return
            page = self._page(
                model, path, {**params, "startIndex": str(start), "count": str(count)}
            )
            yield from page.resources
            seen += len(page.resources)
            start += len(page.resources)
            if not page.resources or start >= page.total_results:
                return


def _page_params(count: int | None, start_index: int | None, **params: Any) -> dict[str, str]:
    return query(count=count, startIndex=start_index, **params)


# --- tickets and comments -------------------------------------------------------------------


class Tickets(Resource):
    """Tickets: `/api/v1/tickets` (MaestroQA and Podium); `list`/`iter`/`comments` are Podium's
    extension API."""

    def create(
        self, ticket: TicketCreate | Mapping[str, Any] | None = None, /, **fields: Any
    ) -> Ticket:
        """Create a ticket (201). A `ticket_id` in use raises `ConflictError`."""
        data = body(TicketCreate, ticket, fields)
        return parse(Ticket, self._t.request("POST", V1 + "/tickets", json=data))

    def get(self, ticket_id: str) -> Ticket:
        return parse(Ticket, self._t.request("GET", f"{V1}/tickets/{seg(ticket_id)}"))

    def get_many(self, ticket_ids: Iterable[str]) -> TicketLookup:
        """Look tickets up by id (100 per request): those found, in the order asked, and the
        ids not found."""
        found = TicketLookup()
        for chunk in chunked(list(dict.fromkeys(ticket_ids)), LOOKUP_MAX):
            response = self._t.request(
                "GET", V1 + "/tickets", params={"ticket_ids": ",".join(chunk)}
            )
            part = parse(TicketLookup, response)
            found.results.extend(part.results)
            found.not_found.extend(part.not_found)
        return found

    def update(
        self,
        ticket_id: str,
        changes: TicketUpdate | Mapping[str, Any] | None = None,
        /,
        **fields: Any,
    ) -> Ticket:
        """Change the fields given (PATCH)."""
        data = body(TicketUpdate, changes, fields)
        return parse(Ticket, self._t.request("PATCH", f"{V1}/tickets/{seg(ticket_id)}", json=data))

    def delete(self, ticket_id: str) -> TicketDeleted:
        response = self._t.request("DELETE", f"{V1}/tickets/{seg(ticket_id)}")
        if not response.content.strip():  # the reference promises only a 200
            return TicketDeleted(deleted=True, ticket_id=ticket_id)
        return parse(TicketDeleted, response)

    def upsert(
        self, ticket: TicketCreate | Mapping[str, Any] | None = None, /, **fields: Any
    ) -> UpsertResult:
        """Create the ticket, or, when its `ticket_id` is in use (409), change it to these
        fields. Safe to retry: the create is retried on 5xx too, since a repeat answers 409."""
        model = build(TicketCreate, ticket, fields)
        try:
            response = self._t.request(
                "POST", V1 + "/tickets", json=model.payload(), idempotent=True
            )
            return UpsertResult(ticket=parse(Ticket, response), created=True)
        except ConflictError:
            changes = model.payload()
            ticket_id = changes.pop("ticket_id")
            updated = self.update(ticket_id, changes)
            return UpsertResult(ticket=updated, created=False)

    def list(
        self,
        *,
        agent_id: str | None = None,
        status: str | None = None,
        count: int | None = None,
        start_index: int | None = None,
    ) -> Page[Ticket]:
        """One page of the account's tickets (Podium extension API)."""
        params = _page_params(count, start_index, agentId=agent_id, status=status)
        return self._page(Ticket, EXT + "/tickets", params)

    def iter(
        self,
        *,
        agent_id: str | None = None,
        status: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        limit: int | None = None,
    ) -> Iterator[Ticket]:
        params = query(agentId=agent_id, status=status)
        yield from self._iter(Ticket, EXT + "/tickets", params, page_size, limit)

    def comments(
        self, ticket_id: str, *, count: int | None = None, start_index: int | None = None
    ) -> Page[TimelineItem]:
        """One page of a ticket's timeline: comments and attachments (extension API)."""
        path = f"{EXT}/tickets/{seg(ticket_id)}/comments"
        return self._page(TimelineItem, path, _page_params(count, start_index))

    def iter_comments(
        self, ticket_id: str, *, page_size: int = DEFAULT_PAGE_SIZE, limit: int | None = None
    ) -> Iterator[TimelineItem]:
        path = f"{EXT}/tickets/{seg(ticket_id)}/comments"
        yield from self._iter(TimelineItem, path, {}, page_size, limit)


class Comments(Resource):
    def create(
        self, comment: CommentCreate | Mapping[str, Any] | None = None, /, **fields: Any
    ) -> Comment:
        data = body(CommentCreate, comment, fields)
        return parse(Comment, self._t.request("POST", V1 + "/comments", json=data))

    def create_batch(self, comments: Iterable[CommentCreate | Mapping[str, Any]]) -> list[Comment]:
        """One `comments-batch` request (1 to 500 comments): all are created, or none (an
        invalid one raises `ValidationError` naming `batch[i].field`)."""
        items = [build(CommentCreate, c).payload() for c in comments]
        if not 1 <= len(items) <= BATCH_MAX:
            raise ValueError(f"a batch holds 1 to {BATCH_MAX} comments, not {len(items)}")
        response = self._t.request("POST", V1 + "/comments-batch", json={"batch": items})
        return parse(CommentBatch, response).results

    def create_many(
        self,
        comments: Iterable[CommentCreate | Mapping[str, Any]],
        *,
        chunk_size: int = BATCH_MAX,
        on_chunk: Callable[[ChunkResult], Any] | None = None,
    ) -> CreateManyResult:
        """Create any number of comments, `chunk_size` (at most 500) per `comments-batch`.

        A batch is all or nothing, so one bad comment would sink 499 good ones: comments the
        client's own check refuses are never sent, and when the server refuses a batch naming
        `batch[i]` entries, those are set aside and the rest sent again (when it names none,
        the chunk's comments are sent one by one to find the bad ones). Every input ends in
        `created` or `failed`; `on_chunk` is called after each chunk (progress, logging).
        A batch is not retried after a 5xx or a lost answer (it could create the comments
        twice): its comments are failed with `maybe_stored` True.
        """
        if not 1 <= chunk_size <= BATCH_MAX:
            raise ValueError(f"chunk_size must be 1 to {BATCH_MAX}")
        result = CreateManyResult()
        start = 0
        for number, chunk in enumerate(chunked(comments, chunk_size)):
            done = ChunkResult(number=number, start=start, size=len(chunk))
            pending: list[tuple[int, CommentCreate]] = []
            for offset, raw in enumerate(chunk):
                try:
                    pending.append((start + offset, build(CommentCreate, raw)))
                except ApiValidationError as exc:
                    done.failed.append(FailedItem(start + offset, raw, exc))
            self._send_chunk(pending, chunk, start, done)
            done.failed.sort(key=lambda f: f.index)
            result.created.extend(done.created)
            result.failed.extend(done.failed)
            result.chunks.append(done)
            if on_chunk is not None:
                on_chunk(done)
            start += len(chunk)
        return result

    def _send_chunk(
        self,
        pending: list[tuple[int, CommentCreate]],
        chunk: list[Any],
        start: int,
        done: ChunkResult,
    ) -> None:
        one_by_one = False
        while pending:
            group = pending[:1] if one_by_one else pending
            try:
                done.requests += 1
                created = self.create_batch([m for _, m in group])
            except ApiValidationError as exc:
                bad = _batch_positions(exc, len(group))
                if not bad:
                    if len(group) == 1:
                        bad = {0}
                    else:
                        one_by_one = True
                        continue
                for position in sorted(bad):
                    index = group[position][0]
                    done.failed.append(FailedItem(index, chunk[index - start], exc))
                failed_ids = {group[p][0] for p in bad}
                pending = [item for item in pending if item[0] not in failed_ids]
                continue
            except PodiumClientError as exc:
                for index, _ in group:
                    done.failed.append(FailedItem(index, chunk[index - start], exc))
                pending = pending[len(group) :]
                if not one_by_one:
                    return
                continue
            done.created.extend(created)
            pending = pending[len(group) :]


def _batch_positions(exc: ApiValidationError, size: int) -> set[int]:
    """The positions a 422 names (`batch[3].body` -> 3)."""
    found = set()
    for err in exc.errors:
        param = err.param
        if param.startswith("batch["):
            number = param[6:].split("]", 1)[0]
            if number.isdigit() and int(number) < size:
                found.add(int(number))
    return found


# --- attachments ----------------------------------------------------------------------------

SSE_HEADER = {"x-amz-server-side-encryption": "AES256"}
UPLOAD_CHUNK = 1024 * 1024


class Attachments(Resource):
    def create(
        self, attachment: AttachmentCreate | Mapping[str, Any] | None = None, /, **fields: Any
    ) -> AttachmentCreated:
        """`POST /attachments`: without `url`, answers the `presigned_url` to PUT the file to
        (see `upload`, which does both steps); with `url`, the service fetches the file."""
        data = body(AttachmentCreate, attachment, fields)
        return parse(AttachmentCreated, self._t.request("POST", V1 + "/attachments", json=data))

    def upload(
        self,
        ticket_id: str,
        file: str | Any,
        content_type: str | None = None,
        *,
        id: str | None = None,
        author_id: str | None = None,
        public: bool | None = None,
        timestamp: DateArg = None,
    ) -> AttachmentCreated:
        """Attach a file (a path, `bytes`, or a binary file object) to a ticket: creates the
        attachment, then PUTs the bytes to the presigned URL with the `Content-Type` given at
        creation and `x-amz-server-side-encryption: AES256`. `content_type` is guessed from a
        path's extension when left out. The PUT is retried (the last one wins); if it still
        fails, the error says which attachment was left waiting for its file."""
        source = UploadSource.of(file, content_type)
        fields: dict[str, Any] = {"ticket_id": ticket_id, "content_type": source.content_type}
        for name, value in (
            ("id", id),
            ("author_id", author_id),
            ("public", public),
            ("timestamp", timestamp),
        ):
            if value is not None:
                fields[name] = value
        created = self.create(fields)
        if not created.presigned_url:
            raise PodiumClientError(f"attachment {created.id} was created without a presigned_url")
        headers = {
            "Content-Type": source.content_type,
            "Content-Length": str(source.size),
            **SSE_HEADER,
        }
        try:
            response = self._t.external(
                "PUT", created.presigned_url, headers=headers, content=source.body_factory
            )
        except PodiumClientError as exc:
            exc.add_note(
                f"attachment {created.id} of ticket {ticket_id} was created, "
                "but its file was not uploaded"
            )
            raise
        response.close()
        return created

    def create_from_url(
        self, ticket_id: str, url: str, content_type: str, **fields: Any
    ) -> AttachmentCreated:
        """The URL flow: the service downloads the file from `url` in the background."""
        return self.create(ticket_id=ticket_id, url=url, content_type=content_type, **fields)

    def get(self, ticket_id: str, attachment_id: str) -> Attachment:
        """An attachment's status, size and download link (Podium extension API)."""
        path = f"{EXT}/tickets/{seg(ticket_id)}/attachments/{seg(attachment_id)}"
        return parse(Attachment, self._t.request("GET", path))

    def list(
        self, ticket_id: str, *, count: int | None = None, start_index: int | None = None
    ) -> Page[Attachment]:
        path = f"{EXT}/tickets/{seg(ticket_id)}/attachments"
        return self._page(Attachment, path, _page_params(count, start_index))

    def iter(
        self, ticket_id: str, *, page_size: int = DEFAULT_PAGE_SIZE, limit: int | None = None
    ) -> Iterator[Attachment]:
        path = f"{EXT}/tickets/{seg(ticket_id)}/attachments"
        yield from self._iter(Attachment, path, {}, page_size, limit)


class UploadSource:
    """A file to upload, readable again for each attempt."""

    def __init__(self, data: bytes | None, path: Any, size: int, content_type: str):
        self.data = data
        self.path = path
        self.size = size
        self.content_type = content_type

    @classmethod
    def of(cls, file: Any, content_type: str | None) -> UploadSource:
        import mimetypes
        from pathlib import Path

        if isinstance(file, str | Path):
            path = Path(file)
            if not path.is_file():
                raise FileNotFoundError(f"no file at {path}")
            guessed = mimetypes.guess_type(path.name)[0]
            kind = content_type or guessed
            if not kind:
                raise ValueError(
                    f"cannot guess the content type of {path.name}: pass content_type="
                )
            return cls(None, path, path.stat().st_size, kind)
        if isinstance(file, bytes | bytearray | memoryview):
            data = bytes(file)
        elif hasattr(file, "read"):
            data = file.read()
            if not isinstance(data, bytes):
                raise TypeError("upload needs a binary file object (open(..., 'rb'))")
        else:
            raise TypeError(
                f"upload takes a path, bytes or a binary file, not {type(file).__name__}"
            )
        if not content_type:
            raise ValueError("content_type is required when uploading bytes or a file object")
        return cls(data, None, len(data), content_type)

    def body_factory(self) -> Any:
        if self.data is not None:
            return self.data
        return self._file_chunks()

    def _file_chunks(self) -> Iterator[bytes]:
        with open(self.path, "rb") as handle:
            while chunk := handle.read(UPLOAD_CHUNK):
                yield chunk


# --- agents, users, groups, attributes ------------------------------------------------------


class Agents(Resource):
    def create(
        self, agent: AgentCreate | Mapping[str, Any] | None = None, /, **fields: Any
    ) -> Agent:
        """Create an agent; an `email` or `agent_id` in use raises `ConflictError`."""
        data = body(AgentCreate, agent, fields)
        return parse(Agent, self._t.request("POST", V1 + "/agents", json=data))

    def add_id(self, email: str, agent_id: str) -> Agent:
        """Give the agent with this email another helpdesk id."""
        response = self._t.request(
            "POST",
            V1 + "/agents/add-id-to-agent",
            json={"email": email, "agentId": agent_id},
            idempotent=True,
        )
        return parse(Agent, response)

    def update_availability(self, email: str, available: bool) -> Agent:
        response = self._t.request(
            "POST",
            V1 + "/update-agent-availability",
            json={"email": email, "available": available},
            idempotent=True,
        )
        return parse(Agent, response)

    def list(
        self,
        *,
        available: bool | None = None,
        email: str | None = None,
        count: int | None = None,
        start_index: int | None = None,
    ) -> Page[Agent]:
        """One page of agents (Podium extension API)."""
        params = _page_params(count, start_index, available=available, email=email)
        return self._page(Agent, EXT + "/agents", params)

    def iter(
        self,
        *,
        available: bool | None = None,
        email: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        limit: int | None = None,
    ) -> Iterator[Agent]:
        params = query(available=available, email=email)
        yield from self._iter(Agent, EXT + "/agents", params, page_size, limit)

    def get(self, agent_ref: str) -> Agent:
        """An agent by `_id`, any of its helpdesk ids, or its email (extension API)."""
        return parse(Agent, self._t.request("GET", f"{EXT}/agents/{seg(agent_ref)}"))

    def update(
        self,
        agent_ref: str,
        changes: AgentUpdate | Mapping[str, Any] | None = None,
        /,
        **fields: Any,
    ) -> Agent:
        data = body(AgentUpdate, changes, fields)
        return parse(Agent, self._t.request("PATCH", f"{EXT}/agents/{seg(agent_ref)}", json=data))


class Users(Resource):
    """Users (graders, coaches, admins): Podium extension API."""

    def create(self, user: UserCreate | Mapping[str, Any] | None = None, /, **fields: Any) -> User:
        data = body(UserCreate, user, fields)
        return parse(User, self._t.request("POST", EXT + "/users", json=data))

    def get(self, user_id: str) -> User:
        return parse(User, self._t.request("GET", f"{EXT}/users/{seg(user_id)}"))

    def update(
        self, user_id: str, changes: UserUpdate | Mapping[str, Any] | None = None, /, **fields: Any
    ) -> User:
        data = body(UserUpdate, changes, fields)
        return parse(User, self._t.request("PATCH", f"{EXT}/users/{seg(user_id)}", json=data))

    def list(
        self,
        *,
        role: str | None = None,
        active: bool | None = None,
        count: int | None = None,
        start_index: int | None = None,
    ) -> Page[User]:
        return self._page(
            User, EXT + "/users", _page_params(count, start_index, role=role, active=active)
        )

    def iter(
        self,
        *,
        role: str | None = None,
        active: bool | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        limit: int | None = None,
    ) -> Iterator[User]:
        yield from self._iter(
            User, EXT + "/users", query(role=role, active=active), page_size, limit
        )


class AgentGroups(Resource):
    """Agent groups: Podium extension API."""

    def create(
        self, group: AgentGroupCreate | Mapping[str, Any] | None = None, /, **fields: Any
    ) -> AgentGroup:
        data = body(AgentGroupCreate, group, fields)
        return parse(AgentGroup, self._t.request("POST", EXT + "/agent-groups", json=data))

    def get(self, group_id: str) -> AgentGroup:
        return parse(AgentGroup, self._t.request("GET", f"{EXT}/agent-groups/{seg(group_id)}"))

    def update(
        self,
        group_id: str,
        changes: AgentGroupUpdate | Mapping[str, Any] | None = None,
        /,
        **fields: Any,
    ) -> AgentGroup:
        data = body(AgentGroupUpdate, changes, fields)
        response = self._t.request("PATCH", f"{EXT}/agent-groups/{seg(group_id)}", json=data)
        return parse(AgentGroup, response)

    def delete(self, group_id: str) -> None:
        self._t.request("DELETE", f"{EXT}/agent-groups/{seg(group_id)}")

    def add_members(self, group_id: str, agent_ids: Iterable[str]) -> AgentGroup:
        response = self._t.request(
            "POST",
            f"{EXT}/agent-groups/{seg(group_id)}/members",
            json={"agentIds": list(agent_ids)},
            idempotent=True,
        )
        return parse(AgentGroup, response)

    def remove_member(self, group_id: str, agent_ref: str) -> None:
        self._t.request("DELETE", f"{EXT}/agent-groups/{seg(group_id)}/members/{seg(agent_ref)}")

    def list(self, *, count: int | None = None, start_index: int | None = None) -> Page[AgentGroup]:
        return self._page(AgentGroup, EXT + "/agent-groups", _page_params(count, start_index))

    def iter(
        self, *, page_size: int = DEFAULT_PAGE_SIZE, limit: int | None = None
    ) -> Iterator[AgentGroup]:
        yield from self._iter(AgentGroup, EXT + "/agent-groups", {}, page_size, limit)


class TicketAttributes(Resource):
    """Custom ticket attributes: Podium extension API."""

    def create(
        self, attribute: TicketAttributeCreate | Mapping[str, Any] | None = None, /, **fields: Any
    ) -> TicketAttribute:
        data = body(TicketAttributeCreate, attribute, fields)
        return parse(
            TicketAttribute, self._t.request("POST", EXT + "/ticket-attributes", json=data)
        )

    def delete(self, key: str) -> TicketAttributeDeleted:
        response = self._t.request("DELETE", f"{EXT}/ticket-attributes/{seg(key)}")
        return parse(TicketAttributeDeleted, response)

    def list(
        self, *, count: int | None = None, start_index: int | None = None
    ) -> Page[TicketAttribute]:
        return self._page(
            TicketAttribute, EXT + "/ticket-attributes", _page_params(count, start_index)
        )

    def iter(
        self, *, page_size: int = DEFAULT_PAGE_SIZE, limit: int | None = None
    ) -> Iterator[TicketAttribute]:
        yield from self._iter(TicketAttribute, EXT + "/ticket-attributes", {}, page_size, limit)


# --- coaching -------------------------------------------------------------------------------


class CoachingSessions(Resource):
    """Coaching sessions: reads on `/api/v1` (MaestroQA and Podium); create, update and delete
    on Podium's extension API."""

    def get(self, session_id: str) -> CoachingSession:
        return parse(
            CoachingSession,
            self._t.request("GET", f"{V1}/coaching-sessions/{seg(session_id)}"),
        )

    def list(
        self,
        *,
        agent_id: str | None = None,
        creator_id: str | None = None,
        coach_id: str | None = None,
        start: DateArg = None,
        end: DateArg = None,
        count: int | None = None,
        start_index: int | None = None,
    ) -> Page[CoachingSession]:
        """One page. `start`/`end` filter on the creation time."""
        params = _page_params(
            count,
            start_index,
            agentId=agent_id,
            creatorId=creator_id,
            coachId=coach_id,
            startDate=start,
            endDate=end,
        )
        return self._page(CoachingSession, V1 + "/coaching-sessions", params)

    def iter(
        self,
        *,
        agent_id: str | None = None,
        creator_id: str | None = None,
        coach_id: str | None = None,
        start: DateArg = None,
        end: DateArg = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        limit: int | None = None,
    ) -> Iterator[CoachingSession]:
        """Every matching session, all pages."""
        params = query(
            agentId=agent_id, creatorId=creator_id, coachId=coach_id, startDate=start, endDate=end
        )
        yield from self._iter(CoachingSession, V1 + "/coaching-sessions", params, page_size, limit)

    def create(
        self, session: CoachingSessionCreate | Mapping[str, Any] | None = None, /, **fields: Any
    ) -> CoachingSession:
        data = body(CoachingSessionCreate, session, fields)
        return parse(
            CoachingSession, self._t.request("POST", EXT + "/coaching-sessions", json=data)
        )

    def update(
        self,
        session_id: str,
        changes: CoachingSessionUpdate | Mapping[str, Any] | None = None,
        /,
        **fields: Any,
    ) -> CoachingSession:
        data = body(CoachingSessionUpdate, changes, fields)
        response = self._t.request("PATCH", f"{EXT}/coaching-sessions/{seg(session_id)}", json=data)
        return parse(CoachingSession, response)

    def delete(self, session_id: str) -> Deleted:
        return parse(
            Deleted, self._t.request("DELETE", f"{EXT}/coaching-sessions/{seg(session_id)}")
        )


class CoachingPoints(Resource):
    """Coaching points: reads on `/api/v1`; create, update, delete on the extension API."""

    def get(self, point_id: str) -> CoachingPoint:
        return parse(CoachingPoint, self._t.request("GET", f"{V1}/coaching-points/{seg(point_id)}"))

    def list(
        self,
        *,
        agent_id: str | None = None,
        creator_id: str | None = None,
        start: DateArg = None,
        end: DateArg = None,
        count: int | None = None,
        start_index: int | None = None,
    ) -> Page[CoachingPoint]:
        params = _page_params(
            count, start_index, agentId=agent_id, creatorId=creator_id, startDate=start, endDate=end
        )
        return self._page(CoachingPoint, V1 + "/coaching-points", params)

    def iter(
        self,
        *,
        agent_id: str | None = None,
        creator_id: str | None = None,
        start: DateArg = None,
        end: DateArg = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        limit: int | None = None,
    ) -> Iterator[CoachingPoint]:
        params = query(agentId=agent_id, creatorId=creator_id, startDate=start, endDate=end)
        yield from self._iter(CoachingPoint, V1 + "/coaching-points", params, page_size, limit)

    def create(
        self, point: CoachingPointCreate | Mapping[str, Any] | None = None, /, **fields: Any
    ) -> CoachingPoint:
        data = body(CoachingPointCreate, point, fields)
        return parse(CoachingPoint, self._t.request("POST", EXT + "/coaching-points", json=data))

    def update(
        self,
        point_id: str,
        changes: CoachingPointUpdate | Mapping[str, Any] | None = None,
        /,
        **fields: Any,
    ) -> CoachingPoint:
        data = body(CoachingPointUpdate, changes, fields)
        response = self._t.request("PATCH", f"{EXT}/coaching-points/{seg(point_id)}", json=data)
        return parse(CoachingPoint, response)

    def delete(self, point_id: str) -> Deleted:
        return parse(Deleted, self._t.request("DELETE", f"{EXT}/coaching-points/{seg(point_id)}"))


class Todos(Resource):
    """To-dos: reads on `/api/v1`; create, update, delete on the extension API."""

    def get(self, todo_id: str) -> Todo:
        return parse(Todo, self._t.request("GET", f"{V1}/todos/{seg(todo_id)}"))

    def list(
        self,
        *,
        agent_id: str | None = None,
        creator_id: str | None = None,
        start: DateArg = None,
        end: DateArg = None,
        count: int | None = None,
        start_index: int | None = None,
    ) -> Page[Todo]:
        params = _page_params(
            count, start_index, agentId=agent_id, creatorId=creator_id, startDate=start, endDate=end
        )
        return self._page(Todo, V1 + "/todos", params)

    def iter(
        self,
        *,
        agent_id: str | None = None,
        creator_id: str | None = None,
        start: DateArg = None,
        end: DateArg = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        limit: int | None = None,
    ) -> Iterator[Todo]:
        params = query(agentId=agent_id, creatorId=creator_id, startDate=start, endDate=end)
        yield from self._iter(Todo, V1 + "/todos", params, page_size, limit)

    def create(self, todo: TodoCreate | Mapping[str, Any] | None = None, /, **fields: Any) -> Todo:
        data = body(TodoCreate, todo, fields)
        return parse(Todo, self._t.request("POST", EXT + "/todos", json=data))

    def update(
        self, todo_id: str, changes: TodoUpdate | Mapping[str, Any] | None = None, /, **fields: Any
    ) -> Todo:
        data = body(TodoUpdate, changes, fields)
        return parse(Todo, self._t.request("PATCH", f"{EXT}/todos/{seg(todo_id)}", json=data))

    def delete(self, todo_id: str) -> Deleted:
        return parse(Deleted, self._t.request("DELETE", f"{EXT}/todos/{seg(todo_id)}"))


class ActivityLog(Resource):
    """The activity log, oldest first: Podium extension API (MaestroQA: `exports.audit_log`)."""

    def list(
        self,
        *,
        start: DateArg = None,
        end: DateArg = None,
        item_type: str | None = None,
        action_type: str | None = None,
        count: int | None = None,
        start_index: int | None = None,
    ) -> Page[ActivityEntry]:
        params = _page_params(
            count,
            start_index,
            startDate=start,
            endDate=end,
            itemType=item_type,
            actionType=action_type,
        )
        return self._page(ActivityEntry, EXT + "/activity-log", params)

    def iter(
        self,
        *,
        start: DateArg = None,
        end: DateArg = None,
        item_type: str | None = None,
        action_type: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        limit: int | None = None,
    ) -> Iterator[ActivityEntry]:
        params = query(startDate=start, endDate=end, itemType=item_type, actionType=action_type)
        yield from self._iter(ActivityEntry, EXT + "/activity-log", params, page_size, limit)


# --- grading --------------------------------------------------------------------------------


class Rubrics(Resource):
    """Rubrics (scorecards), whole structure in and out: Podium extension API."""

    def create(
        self, rubric: RubricCreate | Mapping[str, Any] | None = None, /, **fields: Any
    ) -> Rubric:
        data = body(RubricCreate, rubric, fields)
        return parse(Rubric, self._t.request("POST", EXT + "/rubrics", json=data))

    def get(
        self, rubric_id: str, *, version: int | None = None, include_deleted: bool | None = None
    ) -> Rubric:
        params = query(version=version, includeDeleted=include_deleted)
        return parse(
            Rubric, self._t.request("GET", f"{EXT}/rubrics/{seg(rubric_id)}", params=params)
        )

    def replace(
        self,
        rubric_id: str,
        rubric: RubricCreate | Mapping[str, Any] | None = None,
        /,
        **fields: Any,
    ) -> RubricSaved:
        """PUT: the whole rubric (a new version when graded work would change)."""
        data = body(RubricCreate, rubric, fields)
        return parse(
            RubricSaved, self._t.request("PUT", f"{EXT}/rubrics/{seg(rubric_id)}", json=data)
        )

    def update(
        self,
        rubric_id: str,
        changes: RubricUpdate | Mapping[str, Any] | None = None,
        /,
        **fields: Any,
    ) -> RubricSaved:
        data = body(RubricUpdate, changes, fields)
        return parse(
            RubricSaved,
            self._t.request("PATCH", f"{EXT}/rubrics/{seg(rubric_id)}", json=data),
        )

    def delete(self, rubric_id: str) -> Deleted:
        return parse(Deleted, self._t.request("DELETE", f"{EXT}/rubrics/{seg(rubric_id)}"))

    def list(
        self,
        *,
        active: bool | None = None,
        include_deleted: bool | None = None,
        count: int | None = None,
        start_index: int | None = None,
    ) -> Page[Rubric]:
        params = _page_params(count, start_index, active=active, includeDeleted=include_deleted)
        return self._page(Rubric, EXT + "/rubrics", params)

    def iter(
        self,
        *,
        active: bool | None = None,
        include_deleted: bool | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        limit: int | None = None,
    ) -> Iterator[Rubric]:
        params = query(active=active, includeDeleted=include_deleted)
        yield from self._iter(Rubric, EXT + "/rubrics", params, page_size, limit)


class Grades(Resource):
    """Grades: Podium extension API."""

    def create(
        self, grade: GradeCreate | Mapping[str, Any] | None = None, /, **fields: Any
    ) -> Grade:
        data = body(GradeCreate, grade, fields)
        return parse(Grade, self._t.request("POST", EXT + "/grades", json=data))

    def get(self, grade_id: str, *, include_deleted: bool | None = None) -> Grade:
        params = query(includeDeleted=include_deleted)
        return parse(Grade, self._t.request("GET", f"{EXT}/grades/{seg(grade_id)}", params=params))

    def update(
        self,
        grade_id: str,
        changes: GradeUpdate | Mapping[str, Any] | None = None,
        /,
        **fields: Any,
    ) -> Grade:
        data = body(GradeUpdate, changes, fields)
        return parse(Grade, self._t.request("PATCH", f"{EXT}/grades/{seg(grade_id)}", json=data))

    def delete(self, grade_id: str) -> Deleted:
        return parse(Deleted, self._t.request("DELETE", f"{EXT}/grades/{seg(grade_id)}"))

    def submit(self, grade_id: str) -> Grade:
        response = self._t.request("POST", f"{EXT}/grades/{seg(grade_id)}/submit", idempotent=True)
        return parse(Grade, response)

    def grader_qa(
        self,
        grade_id: str,
        regrade: GraderQaCreate | Mapping[str, Any] | None = None,
        /,
        **fields: Any,
    ) -> Grade:
        """Re-grade a submitted grade as the grader-QA benchmark."""
        data = body(GraderQaCreate, regrade, fields)
        return parse(
            Grade,
            self._t.request("POST", f"{EXT}/grades/{seg(grade_id)}/grader-qa", json=data),
        )

    def list(
        self,
        *,
        ticket_id: str | None = None,
        agent_id: str | None = None,
        grader_id: str | None = None,
        grader_email: str | None = None,
        rubric_id: str | None = None,
        grade_type: str | None = None,
        state: str | None = None,
        calibration_id: str | None = None,
        target_grade_id: str | None = None,
        start: DateArg = None,
        end: DateArg = None,
        include_deleted: bool | None = None,
        count: int | None = None,
        start_index: int | None = None,
    ) -> Page[Grade]:
        params = _page_params(
            count,
            start_index,
            **_grade_filters(
                ticket_id,
                agent_id,
                grader_id,
                grader_email,
                rubric_id,
                grade_type,
                state,
                calibration_id,
                target_grade_id,
                start,
                end,
                include_deleted,
            ),
        )
        return self._page(Grade, EXT + "/grades", params)

    def iter(
        self,
        *,
        ticket_id: str | None = None,
        agent_id: str | None = None,
        grader_id: str | None = None,
        grader_email: str | None = None,
        rubric_id: str | None = None,
        grade_type: str | None = None,
        state: str | None = None,
        calibration_id: str | None = None,
        target_grade_id: str | None = None,
        start: DateArg = None,
        end: DateArg = None,
        include_deleted: bool | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        limit: int | None = None,
    ) -> Iterator[Grade]:
        params = query(
            **_grade_filters(
                ticket_id,
                agent_id,
                grader_id,
                grader_email,
                rubric_id,
                grade_type,
                state,
                calibration_id,
                target_grade_id,
                start,
                end,
                include_deleted,
            )
        )
        yield from self._iter(Grade, EXT + "/grades", params, page_size, limit)


def _grade_filters(
    ticket_id: str | None,
    agent_id: str | None,
    grader_id: str | None,
    grader_email: str | None,
    rubric_id: str | None,
    grade_type: str | None,
    state: str | None,
    calibration_id: str | None,
    target_grade_id: str | None,
    start: DateArg,
    end: DateArg,
    include_deleted: bool | None,
) -> dict[str, Any]:
    return {
        "ticketId": ticket_id,
        "agentId": agent_id,
        "graderId": grader_id,
        "graderEmail": grader_email,
        "rubricId": rubric_id,
        "gradeType": grade_type,
        "state": state,
        "calibrationId": calibration_id,
        "targetGradeId": target_grade_id,
        "startDate": start,
        "endDate": end,
        "includeDeleted": include_deleted,
    }


class Calibrations(Resource):
    """Calibrations: Podium extension API."""

    def create(
        self, calibration: CalibrationCreate | Mapping[str, Any] | None = None, /, **fields: Any
    ) -> Calibration:
        data = body(CalibrationCreate, calibration, fields)
        return parse(Calibration, self._t.request("POST", EXT + "/calibrations", json=data))

    def get(self, calibration_id: str, *, include_deleted: bool | None = None) -> Calibration:
        params = query(includeDeleted=include_deleted)
        return parse(
            Calibration,
            self._t.request("GET", f"{EXT}/calibrations/{seg(calibration_id)}", params=params),
        )

    def update(
        self,
        calibration_id: str,
        changes: CalibrationUpdate | Mapping[str, Any] | None = None,
        /,
        **fields: Any,
    ) -> Calibration:
        data = body(CalibrationUpdate, changes, fields)
        response = self._t.request("PATCH", f"{EXT}/calibrations/{seg(calibration_id)}", json=data)
        return parse(Calibration, response)

    def delete(self, calibration_id: str) -> Deleted:
        return parse(
            Deleted, self._t.request("DELETE", f"{EXT}/calibrations/{seg(calibration_id)}")
        )

    def add_grade(
        self,
        calibration_id: str,
        grade: CalibrationGradeCreate | Mapping[str, Any] | None = None,
        /,
        **fields: Any,
    ) -> Grade:
        """A calibrator's grade, or with `final=True` the final calibrator's."""
        data = body(CalibrationGradeCreate, grade, fields)
        response = self._t.request(
            "POST", f"{EXT}/calibrations/{seg(calibration_id)}/grades", json=data
        )
        return parse(Grade, response)

    def list(
        self,
        *,
        ticket_id: str | None = None,
        rubric_id: str | None = None,
        include_deleted: bool | None = None,
        count: int | None = None,
        start_index: int | None = None,
    ) -> Page[Calibration]:
        params = _page_params(
            count,
            start_index,
            ticketId=ticket_id,
            rubricId=rubric_id,
            includeDeleted=include_deleted,
        )
        return self._page(Calibration, EXT + "/calibrations", params)

    def iter(
        self,
        *,
        ticket_id: str | None = None,
        rubric_id: str | None = None,
        include_deleted: bool | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        limit: int | None = None,
    ) -> Iterator[Calibration]:
        params = query(ticketId=ticket_id, rubricId=rubric_id, includeDeleted=include_deleted)
        yield from self._iter(Calibration, EXT + "/calibrations", params, page_size, limit)
