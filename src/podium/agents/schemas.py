"""Agents and agent groups on the wire.

The MaestroQA shapes (`AgentCreate`, `AgentRead`, ...) follow the reference's examples field for
field; the extension shapes (`AgentDetail`, `AgentGroup*`) add what the web app shows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictStr,
)

from podium.agents.models import Agent, AgentGroup
from podium.auth.schemas import Email, Patch, PersonName
from podium.wire import UtcOut, Wire

_HELPDESK_ID = re.compile(r"^[^\s/?#]+$")


def _int_to_str(value: Any) -> Any:
    # helpdesk ids are numbers in many helpdesks (Zendesk `10061553646875`); clients that read
    # them from JSON send them unquoted
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _helpdesk_id(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("must not be empty")
    if len(value) > 200:
        raise ValueError("must be at most 200 characters")
    if not _HELPDESK_ID.match(value):
        raise ValueError("must not contain spaces, '/', '?' or '#'")
    return value


def _ref(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("must not be empty")
    if len(value) > 320:
        raise ValueError("must be at most 320 characters")
    return value


HelpdeskId = Annotated[
    StrictStr,
    BeforeValidator(_int_to_str),
    AfterValidator(_helpdesk_id),
    Field(examples=["allisonagent"]),
]
# an agent named by one of its helpdesk ids, its email, or its `_id`
AgentRef = Annotated[StrictStr, BeforeValidator(_int_to_str), AfterValidator(_ref)]
GroupName = PersonName


@dataclass
class AgentView:
    """An agent with what its read shapes show: its helpdesk ids (first = the one created with)
    and the groups it belongs to (the first it joined first)."""

    agent: Agent
    helpdesk_ids: list[str]
    group_ids: list[str] = field(default_factory=list)


# --- MaestroQA API ---


class AgentCreate(Wire):
    name: PersonName = Field(description="The full name of the agent")
    available: StrictBool = Field(description="Agent's availability status")
    email: Email = Field(description="The email address of the agent; unique in the account")
    agentGroupId: StrictStr | None = Field(
        default=None,
        description="The identifier of the agent group the agent should be added to",
        examples=["ZBceBjFgQjNY2qLof"],
    )
    agentId: HelpdeskId | None = Field(
        default=None,
        description="A unique identifier for the agent (its helpdesk id). If not provided, a "
        "random id is generated",
    )


class AgentIdAdd(Wire):
    email: Email = Field(description="The email address of the agent")
    agentId: HelpdeskId = Field(description="The helpdesk id to add; unique in the account")


class AgentAvailabilityUpdate(Wire):
    email: Email = Field(description="The email address of the agent")
    available: StrictBool = Field(description="The value to update agent availability to")


class AgentRead(BaseModel):
    """An agent as the reference's example shows it."""

    model_config = ConfigDict(populate_by_name=True)

    id: str = Field(alias="_id", examples=["js6LYgg4Ey3EqYhfi"])
    name: str = Field(examples=["Allison Agent"])
    agentId: str = Field(
        description="The agent's first helpdesk id", examples=["allisonagent"]
    )
    available: bool
    email: str = Field(examples=["brand_new_agent@maestroqa.com"])
    agentGroupId: str | None = Field(
        description="The first agent group the agent joined; null when in none",
        examples=["ZBceBjFgQjNY2qLof"],
    )

    @classmethod
    def _fields_of(cls, view: AgentView) -> dict[str, Any]:
        a = view.agent
        return {
            "_id": a.id,
            "name": a.name,
            # every agent has a helpdesk id; the `_id` is only a guard for hand-made rows
            "agentId": view.helpdesk_ids[0] if view.helpdesk_ids else a.id,
            "available": a.available,
            "email": a.email,
            "agentGroupId": view.group_ids[0] if view.group_ids else None,
        }

    @classmethod
    def of(cls, view: AgentView) -> AgentRead:
        return cls(**cls._fields_of(view))


class AgentWithIds(AgentRead):
    """An agent with every helpdesk id it holds."""

    agentIds: list[str] = Field(
        description="All of the agent's helpdesk ids, the one it was created with first"
    )

    @classmethod
    def _fields_of(cls, view: AgentView) -> dict[str, Any]:
        return {**super()._fields_of(view), "agentIds": list(view.helpdesk_ids)}


# --- extension API ---


class AgentDetail(AgentWithIds):
    agentGroupIds: list[str] = Field(description="Every agent group the agent belongs to")
    createdAt: UtcOut
    updatedAt: UtcOut

    @classmethod
    def _fields_of(cls, view: AgentView) -> dict[str, Any]:
        return {
            **super()._fields_of(view),
            "agentGroupIds": list(view.group_ids),
            "createdAt": view.agent.created_at,
            "updatedAt": view.agent.updated_at,
        }


class AgentUpdate(Patch):
    name: PersonName | None = None
    email: Email | None = Field(default=None, description="Unique in the account")
    available: StrictBool | None = None


class AgentGroupCreate(Wire):
    name: GroupName = Field(description="Unique in the account", examples=["Tier 1"])
    agentIds: list[AgentRef] = Field(
        default_factory=list,
        max_length=1000,
        description="Members to add: each a helpdesk id (`agentId`), an email or an `_id`",
    )


class AgentGroupUpdate(Patch):
    name: GroupName | None = Field(default=None, description="Unique in the account")


class AgentGroupMembersAdd(Wire):
    agentIds: list[AgentRef] = Field(
        min_length=1,
        max_length=1000,
        description="Agents to add: each a helpdesk id (`agentId`), an email or an `_id`",
    )


class AgentGroupRead(BaseModel):
    id: str = Field(examples=["ZBceBjFgQjNY2qLof"])
    name: str
    memberCount: int
    createdAt: UtcOut
    updatedAt: UtcOut

    @classmethod
    def of(cls, group: AgentGroup, member_count: int) -> AgentGroupRead:
        return cls(
            id=group.id,
            name=group.name,
            memberCount=member_count,
            createdAt=group.created_at,
            updatedAt=group.updated_at,
        )


class AgentGroupMemberRead(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    id: str = Field(alias="_id")
    agentId: str
    name: str
    email: str
    available: bool


class AgentGroupDetail(AgentGroupRead):
    members: list[AgentGroupMemberRead]

    @classmethod
    def with_members(cls, group: AgentGroup, members: list[AgentView]) -> AgentGroupDetail:
        return cls(
            **AgentGroupRead.of(group, len(members)).model_dump(),
            members=[
                AgentGroupMemberRead(
                    _id=m.agent.id,
                    agentId=m.helpdesk_ids[0] if m.helpdesk_ids else m.agent.id,
                    name=m.agent.name,
                    email=m.agent.email,
                    available=m.agent.available,
                )
                for m in members
            ],
        )
