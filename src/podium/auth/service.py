"""Accounts and API tokens: creation, authentication, deactivation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from podium import clock, ids
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
    """Who is calling: an account, through one of its tokens."""

    account_id: str
    token_id: str
    user_id: str | None


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
) -> tuple[ApiToken, str]:
    """Creates a token; returns the row and the token itself, which is never stored."""
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
    return row, token


async def list_tokens(session: AsyncSession, *, account_id: str) -> Sequence[ApiToken]:
    return await repository.list_tokens(session, account_id=account_id)


async def deactivate_token(session: AsyncSession, *, account_id: str, token_id: str) -> ApiToken:
    row = await repository.get_token(session, account_id=account_id, token_id=token_id)
    if row is None:
        raise NotFound(f"no token {token_id!r} in this account")
    if row.deactivated_at is None:
        row.deactivated_at = clock.now()
        await session.flush()
    return row


async def authenticate(session: AsyncSession, *, token: str | None, secret: bytes) -> Principal:
    """The principal behind `token`; 401 for a missing, unknown, expired or deactivated one."""
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
    return Principal(account_id=row.account_id, token_id=row.id, user_id=row.user_id)


# --- users (logins of the account: admins, managers, graders, coaches) ---


def _user_email_taken(email: str) -> Conflict:
    return Conflict(
        f"a user with email {email!r} already exists", [("email", f"{email!r} is in use")]
    )


async def create_user(session: AsyncSession, *, account_id: str, data: UserCreate) -> User:
    """Creates a user; 409 if the email is in use in the account."""
    if await repository.get_user_by_email(session, account_id=account_id, email=data.email):
        raise _user_email_taken(data.email)
    user = User(account_id=account_id, email=data.email, name=data.name, role=data.role)
    session.add(user)
    try:
        await session.flush()
    except IntegrityError as exc:
        raise _user_email_taken(data.email) from exc
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
    session: AsyncSession, *, account_id: str, user_id: str, data: UserUpdate
) -> User:
    """Changes a user's name, role or active flag (deactivating is how a user is removed)."""
    user = await get_user(session, account_id=account_id, user_id=user_id)
    for name in ("name", "role", "active"):
        value = getattr(data, name)
        if value is not None:
            setattr(user, name, value)
    await session.flush()
    return user
