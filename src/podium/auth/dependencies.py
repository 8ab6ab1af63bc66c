"""The `apitoken` dependency: every API handler starts with `principal: CurrentPrincipal`."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader

from podium.auth import service
from podium.auth.service import Principal
from podium.db import SessionDep

# header names are case-insensitive: `apitoken`, `apiToken` and `APITOKEN` all arrive here
api_token_header = APIKeyHeader(name="apitoken", auto_error=False, description="Your API token")


async def current_principal(
    request: Request,
    session: SessionDep,
    token: Annotated[str | None, Security(api_token_header)] = None,
) -> Principal:
    if not token:
        # exports accept `apiToken` in the JSON body, for backward compatibility
        token = request.scope.get("state", {}).get("body_api_token")
    principal = await service.authenticate(
        session,
        token=token,
        secret=request.app.state.settings.effective_secret_key,
        ip=request.client.host if request.client else None,
    )
    request.scope.setdefault("state", {})["token_id"] = principal.token_id
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
