"""Task registry: `@task` records a coroutine under a name; workers import `TASK_MODULES`."""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

# Modules whose import registers tasks. Add a line for a domain's tasks module.
TASK_MODULES: tuple[str, ...] = ("podium.exports.tasks", "podium.attachments.tasks")

TaskFn = Callable[..., Awaitable[None]]
FailureFn = Callable[..., Awaitable[None]]

DEFAULT_MAX_ATTEMPTS = 3
DEFAULT_RETRY_BACKOFF = 10.0  # seconds before the second attempt; doubles each attempt
DEFAULT_RETRY_BACKOFF_MAX = 600.0


@dataclass(frozen=True, slots=True)
class TaskSpec:
    name: str
    fn: TaskFn
    max_attempts: int
    on_failure: FailureFn | None
    retry_backoff: float
    retry_backoff_max: float

    def retry_delay(self, attempt: int) -> float:
        """Seconds to wait after failed attempt `attempt` (1-based) before the next one."""
        return min(self.retry_backoff * 2 ** (attempt - 1), self.retry_backoff_max)


_TASKS: dict[str, TaskSpec] = {}


class UnknownTask(LookupError):
    """No task is registered under this name."""


def task(
    name: str,
    *,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    on_failure: FailureFn | None = None,
    retry_backoff: float = DEFAULT_RETRY_BACKOFF,
    retry_backoff_max: float = DEFAULT_RETRY_BACKOFF_MAX,
) -> Callable[[TaskFn], TaskFn]:
    """Register `async def fn(ctx, **kwargs)` as the task `name`.

    A task runs at least once and may run again from the start after a crash, so it must be
    idempotent. After `max_attempts` failed attempts, `on_failure(ctx, error, **kwargs)` is
    called once and the job ends failed.
    """
    if max_attempts < 1:
        raise ValueError("max_attempts must be at least 1")
    if retry_backoff < 0 or retry_backoff_max < 0:
        raise ValueError("retry back-off must not be negative")

    def register(fn: TaskFn) -> TaskFn:
        existing = _TASKS.get(name)
        if (
            existing is not None
            and existing.fn is not fn
            and _qualname(existing.fn) != _qualname(fn)
        ):
            raise ValueError(f"task {name!r} is already registered by {_qualname(existing.fn)}")
        _TASKS[name] = TaskSpec(
            name=name,
            fn=fn,
            max_attempts=max_attempts,
            on_failure=on_failure,
            retry_backoff=retry_backoff,
            retry_backoff_max=retry_backoff_max,
        )
        return fn

    return register


def _qualname(fn: Any) -> str:
    return f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', '?')}"


def load_tasks(extra: Iterable[str] = ()) -> dict[str, TaskSpec]:
    """Import `TASK_MODULES` and `extra` (PODIUM_JOB_MODULES) and return the registry."""
    for module in (*TASK_MODULES, *extra):
        importlib.import_module(module)
    return _TASKS


def get_task(name: str) -> TaskSpec:
    try:
        return _TASKS[name]
    except KeyError:
        raise UnknownTask(f"no task named {name!r} is registered") from None


def registered() -> dict[str, TaskSpec]:
    return dict(_TASKS)
