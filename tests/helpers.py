"""Test helpers: an HTTP client bound to one account, and account creation."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from podium.auth import service as auth_service
from podium.config import Settings
from podium.db import create_engine, create_sessionmaker


async def create_account_with_token(
    settings: Settings, name: str, *, ttl: timedelta | None = timedelta(days=90)
) -> tuple[str, str]:
    engine = create_engine(settings)
    try:
        async with create_sessionmaker(engine)() as session:
            account = await auth_service.create_account(session, name=name)
            _, token = await auth_service.create_token(
                session, account_id=account.id, secret=settings.effective_secret_key, ttl=ttl
            )
            await session.commit()
            return account.id, token
    finally:
        await engine.dispose()


class Api(httpx.Client):
    """httpx.Client with the base URL and the `apitoken` header of one account.

    `api.v1` and `api.ext` prefix paths: `api.post(api.v1 + "/tickets", json=...)`.
    """

    v1 = "/api/v1"
    ext = "/api/podium/v1"

    def __init__(self, base_url: str, token: str, account_id: str, **kwargs: Any):
        super().__init__(base_url=base_url, headers={"apitoken": token}, timeout=30, **kwargs)
        self.token = token
        self.account_id = account_id
