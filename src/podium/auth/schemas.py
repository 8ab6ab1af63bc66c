"""Users of an account (admins, managers, graders, coaches) on the wire, and the field types the
agents domain shares with them (a person's email and name)."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field, StrictBool, StrictStr, field_validator

from podium.auth.models import ROLES, User
from podium.wire import UtcOut, Wire

# a deliberately simple check: one @, something on each side, a dot in the domain, no spaces
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _email(value: str) -> str:
    value = value.strip().lower()
    if len(value) > 320 or not _EMAIL.match(value):
        raise ValueError("must be an email address like name@example.com")
    return value


def _name(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("must not be empty")
    if len(value) > 200:
        raise ValueError("must be at most 200 characters")
    return value


# emails are compared and stored in lower case: `Ann@Example.com` and `ann@example.com` are one
Email = Annotated[StrictStr, AfterValidator(_email), Field(examples=["ann@example.com"])]
PersonName = Annotated[StrictStr, AfterValidator(_name), Field(examples=["Ann Example"])]
Role = Literal["admin", "limitedAdmin", "manager", "grader", "agent", "limited_agent"]
assert set(Role.__args__) == set(ROLES)  # type: ignore[attr-defined]


class Patch(Wire):
    """A partial update: absent fields are left alone; an explicit `null` is refused."""

    @field_validator("*", mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("must not be null (leave the field out to keep its value)")
        return value


class UserCreate(Wire):
    email: Email
    name: PersonName
    role: Role


class UserUpdate(Patch):
    name: PersonName | None = None
    role: Role | None = None
    active: StrictBool | None = Field(
        default=None, description="false removes the user's access; their QA data stays"
    )


class UserRead(BaseModel):
    id: str = Field(examples=["qppMJnv8L6KGZMYEN"])
    email: str
    name: str
    role: Role
    active: bool
    createdAt: UtcOut
    updatedAt: UtcOut

    @classmethod
    def of(cls, user: User) -> UserRead:
        return cls(
            id=user.id,
            email=user.email,
            name=user.name,
            role=user.role,  # type: ignore[arg-type]
            active=user.active,
            createdAt=user.created_at,
            updatedAt=user.updated_at,
        )
