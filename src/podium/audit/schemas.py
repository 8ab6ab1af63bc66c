"""The activity log on the wire."""

from __future__ import annotations

from pydantic import BaseModel, Field

from podium.audit.models import ActivityLog
from podium.wire import UtcOut


class ActivityRead(BaseModel):
    id: str
    timestamp: UtcOut
    userEmail: str = Field(
        description="Who made the change: the user's email when the token belongs to a user, "
        "`API token <first characters>…` for a token of no user, `cli` for the `podium` command"
    )
    actorTokenId: str | None = Field(description="The id of the API token used, if any")
    itemType: str
    actionType: str
    description: str
    ipAddress: str | None

    @classmethod
    def of(cls, row: ActivityLog) -> ActivityRead:
        return cls(
            id=row.id,
            timestamp=row.created_at,
            userEmail=row.actor_label,
            actorTokenId=row.actor_token_id,
            itemType=row.item_type,
            actionType=row.action_type,
            description=row.description,
            ipAddress=row.ip_address,
        )
