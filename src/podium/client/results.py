"""What the batch helpers report: every input ends created or failed, never dropped."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from podium.client.errors import APIConnectionError, PodiumClientError, ServerError
from podium.client.models import Comment


@dataclass
class FailedItem:
    """An input of `create_many` that was not created: its position, the input, and why.
    `maybe_stored` is True when the server may have stored it anyway (the answer was lost or
    was a 5xx)."""

    index: int
    input: Any
    error: PodiumClientError

    @property
    def maybe_stored(self) -> bool:
        if isinstance(self.error, APIConnectionError):
            return self.error.request_sent
        return isinstance(self.error, ServerError)


@dataclass
class ChunkResult:
    """One chunk of `create_many`: inputs `start` to `start + size - 1`."""

    number: int
    start: int
    size: int
    created: list[Comment] = field(default_factory=list)
    failed: list[FailedItem] = field(default_factory=list)
    requests: int = 0


@dataclass
class CreateManyResult:
    """What `comments.create_many` did: every input is either in `created` or in `failed`."""

    created: list[Comment] = field(default_factory=list)
    failed: list[FailedItem] = field(default_factory=list)
    chunks: list[ChunkResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed
