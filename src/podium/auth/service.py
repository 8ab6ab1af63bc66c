"""Accounts and API tokens: creation, authentication, deactivation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from podium import clock, ids
from podium.audit import service as audit
from podium.audit.service import Actor
from podium.auth import repository
from podium.auth.models import Account, ApiToken, User
from podium.auth.schemas import UserCreate, UserUpdate
from podium.auth.tokens import hash_token, hashes_match
from podium.errors import Conflict, Invalid, NotFound, Unauthorized
from podium.pagination import PageParams

# last_used_at is written at most this often per token, so reads stay reads
LAST_USED_RESOLUTION = timedelta(seconds=60)


@dataclass(frozen=True)
class Principal:
    """Who is calling: an account, through one of its tokens, from an address."""

    account_id: str
    token_id: str
    user_id: str | None
    # the token's user's email, or "API token <hint>…" for a token of no user
    label: str = ""
    ip: str | None = None

    @property
    def actor(self) -> Actor:
        """The caller as the activity log names it."""
        return Actor(
            account_id=self.account_id,
            user_id=self.user_id,
            token_id=self.token_id,
            label=self.label,
            ip=self.ip,
        )


async def create_account(session: AsyncSession, *, name: str) -> Account:
    """Creates an account; 409 if the name is taken."""
    name = name.strip()
    if not name:
        raise Invalid.param("name", "must not be empty")
    if await repository.get_account_by_name(session, name=name) is not None:
        raise Conflict(f"account name in use: {name!r}", [("name", f"{name!r} is in use")])
    account = Account(name=name)
    session.add(account)
    try:
        await session.flush()
    except IntegrityError as exc:
        raise Conflict(f"account name in use: {name!r}", [("name", f"{name!r} is in use")]) from exc
    return account


async def get_or_create_account(session: AsyncSession, *, name: str) -> Account:
    account = await repository.get_account_by_name(session, name=name)
    return account if account is not None else await create_account(session, name=name)


async def create_token(
    session: AsyncSession,
    *,
    account_id: str,
    secret: bytes,
    name: str = "",
    ttl: timedelta | None = timedelta(days=90),
    user_id: str | None = None,
    actor: Actor | None = None,
) -> tuple[ApiToken, str]:
    """Creates a token; returns the row and the token itself, which is never stored. With an
    `actor`, the activity log records it."""
    token = ids.new_token()
    now = clock.now()
    row = ApiToken(
        account_id=account_id,
        name=name,
        token_hash=hash_token(token, secret),
        hint=token[:8],
        user_id=user_id,
        created_at=now,
        expires_at=now + ttl if ttl is not None else None,
    )
    session.add(row)
    await session.flush()
    if actor is not None:
        named = f' "{name}"' if name else ""
        audit.record(
            session,
            actor=actor,
            item_type=audit.API_TOKENS,
            action_type=audit.ADD,
            description=f"Created API token {row.hint}…{named} ({row.id})",
        )
    return row, token


async def list_tokens(session: AsyncSession, *, account_id: str) -> Sequence[ApiToken]:
    return await repository.list_tokens(session, account_id=account_id)


async def deactivate_token(session: AsyncSession, *, actor: Actor, token_id: str) -> ApiToken:
    """Deactivates a token (a no-op for a deactivated one); 404 if the account has none."""
    row = await repository.get_token(session, account_id=actor.account_id, token_id=token_id)
    if row is None:
        raise NotFound(f"no token {token_id!r} in this account")
    if row.deactivated_at is None:
        row.deactivated_at = clock.now()
        await session.flush()
        audit.record(
            session,
            actor=actor,
            item_type=audit.API_TOKENS,
            action_type=audit.DEACTIVATE,
            description=f"Deactivated API token {row.hint}… ({row.id})",
        )
    return row


async def authenticate(
    session: AsyncSession, *, token: str | None, secret: bytes, ip: str | None = None
) -> Principal:
    """The principal behind `token` (calling from `ip`); 401 for a missing, unknown, expired or
    deactivated one."""
    if not token:
        raise Unauthorized("missing API token: send it in the 'apitoken' header")
    if not ids.token_looks_valid(token):
        raise Unauthorized("invalid API token")
    token_hash = hash_token(token, secret)
    row = await repository.get_token_by_hash(session, token_hash=token_hash)
    if row is None or not hashes_match(row.token_hash, token_hash):
        raise Unauthorized("invalid API token")
    now = clock.now()
    if row.deactivated_at is not None:
        raise Unauthorized("invalid API token: it has been deactivated")
    if row.expires_at is not None and row.expires_at <= now:
        raise Unauthorized("invalid API token: it has expired")
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_RESOLUTION:
        await repository.touch_token(session, token_id=row.id, at=now)
    return Principal(
        account_id=row.account_id,
        token_id=row.id,
        user_id=row.user_id,
        label=row.email or f"API token {row.hint}…",
        ip=ip,
    )


# --- users (logins of the account: admins, managers, graders, coaches) ---


def _user_email_taken(email: str) -> Conflict:
    return Conflict(
        f"a user with email {email!r} already exists", [("email", f"{email!r} is in use")]
    )


async def create_user(session: AsyncSession, *, actor: Actor, data: UserCreate) -> User:
    """Creates a user; 409 if the email is in use in the account."""
    account_id = actor.account_id
    if await repository.get_user_by_email(session, account_id=account_id, email=data.email):
        raise _user_email_taken(data.email)
    user = User(account_id=account_id, email=data.email, name=data.name, role=data.role)
    session.add(user)
    try:
        await session.flush()
    except IntegrityError as exc:
        raise _user_email_taken(data.email) from exc
    audit.record(
        session,
        actor=actor,
        item_type=audit.USERS,
        action_type=audit.ADD,
        description=f"Added user {user.email} with role {user.role}",
    )
    return user


async def get_user(session: AsyncSession, *, account_id: str, user_id: str) -> User:
    """Gets a user of the account; 404 otherwise."""
    user = await repository.get_user(session, account_id=account_id, user_id=user_id)
    if user is None:
        raise NotFound(f"no user {user_id!r} in this account")
    return user


async def list_users(
    session: AsyncSession,
    *,
    account_id: str,
    page: PageParams,
    role: str | None = None,
    active: bool | None = None,
) -> tuple[int, list[User]]:
    """Lists users in id order, optionally by role and by active."""
    return await repository.list_users(
        session, account_id=account_id, page=page, role=role, active=active
    )


async def update_user(
    session: AsyncSession, *, actor: Actor, user_id: str, data: UserUpdate
) -> User:
    """Changes a user's name, role or active flag (deactivating is how a user is removed); the
    activity log gets one entry per kind of change."""
    user = await get_user(session, account_id=actor.account_id, user_id=user_id)
    changes: list[tuple[str, str]] = []
    if data.name is not None and data.name != user.name:
        changes.append(
            (audit.UPDATE, f'Renamed user {user.email} from "{user.name}" to "{data.name}"')
        )
        user.name = data.name
    if data.role is not None and data.role != user.role:
        why = f"Changed the role of user {user.email} from {user.role} to {data.role}"
        changes.append((audit.ROLE_CHANGE, why))
        user.role = data.role
    if data.active is not None and data.active != user.active:
        if data.active:
            changes.append((audit.ACTIVATE, f"Reactivated user {user.email}"))
        else:
            changes.append((audit.DEACTIVATE, f"Deactivated user {user.email}"))
        user.active = data.active
    await session.flush()
    for action_type, description in changes:
        audit.record(
            session,
            actor=actor,
            item_type=audit.USERS,
            action_type=action_type,
            description=description,
        )
    return user
