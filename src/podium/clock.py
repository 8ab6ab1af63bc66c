"""The one source of "now".

Everything that reads the time (token expiry, rate-limit windows, timestamps on rows, presigned-URL
expiry) asks this module, so tests and a sandbox mode can freeze and advance time without sleeping.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

_lock = threading.Lock()
_frozen: datetime | None = None
_offset = timedelta(0)


def now() -> datetime:
    """Return the current UTC time as an aware datetime."""
    with _lock:
        if _frozen is not None:
            return _frozen
        return datetime.now(UTC) + _offset


def timestamp() -> float:
    """Return the current time as seconds since the epoch."""
    return now().timestamp()


def freeze(at: datetime | None = None) -> datetime:
    """Stop the clock at `at` (default: the current time) and return it."""
    global _frozen
    moment = at if at is not None else now()
    if moment.tzinfo is None:
        raise ValueError("freeze() needs an aware datetime")
    with _lock:
        _frozen = moment.astimezone(UTC)
        return _frozen


def advance(delta: timedelta) -> datetime:
    """Move the clock forward by `delta`, frozen or not, and return the new time."""
    global _frozen, _offset
    with _lock:
        if _frozen is not None:
            _frozen = _frozen + delta
            return _frozen
        _offset = _offset + delta
    return now()


def reset() -> None:
    """Return to the real time."""
    global _frozen, _offset
    with _lock:
        _frozen = None
        _offset = timedelta(0)
