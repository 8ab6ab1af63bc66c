"""A client of the MaestroQA REST API and of Podium, sync and async, on httpx.

```python
from podium.client import Client

with Client(base_url="http://127.0.0.1:8000") as client:   # token from PODIUM_API_TOKEN
    for session in client.coaching_sessions.iter(agent_id="72999", start="2024-01-01"):
        print(session.name)
    export = client.exports.raw("2024-01-01", "2024-02-01")
    export.wait()
    tables = export.tables()
```

It stays under the service's rate limits, retries what is safe to retry, and raises typed
errors. It imports no part of the Podium server. Guide: docs/client.md.
"""

from podium.client._async.client import AsyncClient
from podium.client._async.exports import AsyncExportHandle
from podium.client._sync.client import Client
from podium.client._sync.exports import ExportHandle
from podium.client.errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    ConflictError,
    ExportFailed,
    ExportTimeout,
    MissingTokenError,
    NotFoundError,
    ParamError,
    PermissionDeniedError,
    PodiumClientError,
    RateLimitError,
    ServerError,
    UnexpectedResponseError,
    ValidationError,
)
from podium.client.limiter import DEFAULT_RATE_LIMITS, Clock, RateLimit, RateLimiter, SystemClock
from podium.client.results import ChunkResult, CreateManyResult, FailedItem
from podium.client.retry import RetryPolicy

__all__ = [
    "DEFAULT_RATE_LIMITS",
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AsyncClient",
    "AsyncExportHandle",
    "AuthenticationError",
    "ChunkResult",
    "Client",
    "Clock",
    "ConflictError",
    "CreateManyResult",
    "ExportFailed",
    "ExportHandle",
    "ExportTimeout",
    "FailedItem",
    "MissingTokenError",
    "NotFoundError",
    "ParamError",
    "PermissionDeniedError",
    "PodiumClientError",
    "RateLimit",
    "RateLimitError",
    "RateLimiter",
    "RetryPolicy",
    "ServerError",
    "SystemClock",
    "UnexpectedResponseError",
    "ValidationError",
]
