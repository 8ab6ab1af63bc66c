"""Queries for accounts, users and tokens."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from podium.auth.models import Account, ApiToken, User
from podium.pagination import PageParams, paginate


async def get_account_by_name(session: AsyncSession, *, name: str) -> Account | None:
    return (await session.execute(select(Account).where(Account.name == name))).scalar_one_or_none()


async def get_account(session: AsyncSession, *, account_id: str) -> Account | None:
    return await session.get(Account, account_id)


async def list_accounts(session: AsyncSession) -> Sequence[Account]:
    return (await session.execute(select(Account).order_by(Account.name))).scalars().all()


# built once: it runs on every authenticated request
_TOKEN_BY_HASH = (
    select(
        ApiToken.id,
        ApiToken.account_id,
        ApiToken.token_hash,
        ApiToken.hint,
        ApiToken.user_id,
        ApiToken.expires_at,
        ApiToken.deactivated_at,
        ApiToken.last_used_at,
        User.email,
    )
    .outerjoin(User, User.id == ApiToken.user_id)
    .where(ApiToken.token_hash == bindparam("token_hash"))
)


async def get_token_by_hash(session: AsyncSession, *, token_hash: str) -> Any:
    """What authentication needs of the token with this hash (its columns, and `email`, its
    user's email or None), as one result row; None when no token has it."""
    result = await session.execute(_TOKEN_BY_HASH, {"token_hash": token_hash})
    return result.one_or_none()


async def get_token(session: AsyncSession, *, account_id: str, token_id: str) -> ApiToken | None:
    stmt = select(ApiToken).where(ApiToken.account_id == account_id, ApiToken.id == token_id)
    return (await session.execute(stmt)).scalar_one_or_none()


async def list_tokens(session: AsyncSession, *, account_id: str) -> Sequence[ApiToken]:
    stmt = (
        select(ApiToken)
        .where(ApiToken.account_id == account_id)
        .order_by(ApiToken.created_at, ApiToken.id)
    )
    return (await session.execute(stmt)).scalars().all()


async def touch_token(session: AsyncSession, *, token_id: str, at: datetime) -> None:
    await session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=at))


async def get_user(session: AsyncSession, *, account_id: str, user_id: str) -> User | None:
    stmt = select(User).where(User.account_id == account_id, User.id == user_id)
    return (await session.execute(stmt)).scalar_one_or_none()


async def get_user_by_email(session: AsyncSession, *, account_id: str, email: str) -> User | None:
    stmt = select(User).where(User.account_id == account_id, User.email == email)
    return (await session.execute(stmt)).scalar_one_or_none()


async def list_users(
    session: AsyncSession,
    *,
    account_id: str,
    page: PageParams,
    role: str | None = None,
    active: bool | None = None,
) -> tuple[int, list[User]]:
    where: list[ColumnElement[bool]] = [User.account_id == account_id]
    if role is not None:
        where.append(User.role == role)
    if active is not None:
        where.append(User.active.is_(active))
    return await paginate(session, model=User, where=where, page=page)
