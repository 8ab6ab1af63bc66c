"""Coaching test data, built through the extension API."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from podium.auth import service as auth_service
from podium.config import Settings
from podium.db import create_engine, create_sessionmaker
from tests.factories import _created
from tests.helpers import Api

# list path, and the field naming who made an item; per kind
PATHS = {"session": "/coaching-sessions", "point": "/coaching-points", "todo": "/todos"}
KINDS = tuple(PATHS)


def at(text: str) -> datetime:
    """`2023-06-28T16:03:21.089Z` -> an aware datetime."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def new_session(api: Api, *, agent_id: str, coach_id: str, **fields: Any) -> dict[str, Any]:
    body = {"name": "A session", "agentId": agent_id, "coachId": coach_id, "creatorId": coach_id}
    body.update(fields)
    return _created(api.post(api.ext + "/coaching-sessions", json=body))


def new_point(api: Api, *, agent_id: str, creator_id: str, **fields: Any) -> dict[str, Any]:
    body = {"agentId": agent_id, "creatorId": creator_id, "type": "strengths"}
    body.update(fields)
    return _created(api.post(api.ext + "/coaching-points", json=body))


def new_todo(api: Api, *, agent_id: str, creator_id: str, **fields: Any) -> dict[str, Any]:
    body = {"title": "A to-do", "agentId": agent_id, "creatorId": creator_id}
    body.update(fields)
    return _created(api.post(api.ext + "/todos", json=body))


def new_item(api: Api, kind: str, *, agent_id: str, user_id: str, **fields: Any) -> dict[str, Any]:
    """One item of `kind` for the agent, made (and, for a session, coached) by the user."""
    if kind == "session":
        fields.setdefault("creatorId", user_id)
        coach_id = fields.pop("coachId", user_id)
        return new_session(api, agent_id=agent_id, coach_id=coach_id, **fields)
    creator_id = fields.pop("creatorId", user_id)
    make = new_point if kind == "point" else new_todo
    return make(api, agent_id=agent_id, creator_id=creator_id, **fields)


def api_with_user_token(settings: Settings, base: Api, user_id: str) -> Api:
    """A client for `base`'s account whose token belongs to the user `user_id`."""

    async def make() -> str:
        engine = create_engine(settings)
        try:
            async with create_sessionmaker(engine)() as session:
                _, token = await auth_service.create_token(
                    session,
                    account_id=base.account_id,
                    secret=settings.effective_secret_key,
                    user_id=user_id,
                )
                await session.commit()
                return token
        finally:
            await engine.dispose()

    return Api(str(base.base_url), asyncio.run(make()), base.account_id)
