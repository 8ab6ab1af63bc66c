"""Refuse request bodies over PODIUM_MAX_BODY_BYTES with 413, before the app reads them."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from podium.errors import error_response


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = error_response(
            413,
            f"request body too large: the limit is {self.max_bytes} bytes",
            [("body", f"larger than {self.max_bytes} bytes")],
            scope.get("state", {}).get("request_id"),
            # the rest of the body is not read: the connection cannot be reused
            {"Connection": "close"},
        )
        await response(scope, receive, send)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared: int | None = None
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = None
        if declared is not None:
            if declared > self.max_bytes:
                await self._too_large(scope, receive, send)
            else:
                # the server delivers exactly the declared length: nothing to count
                await self.app(scope, receive, send)
            return

        # Without a length (chunked bodies), read up to the limit first, then replay.
        chunks: list[bytes] = []
        size = 0
        other: Message | None = None
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                other = message  # the client went away
                break
            body = message.get("body", b"")
            size += len(body)
            if size > self.max_bytes:
                await self._too_large(scope, receive, send)
                return
            chunks.append(body)
            more = message.get("more_body", False)

        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                if other is not None:
                    return other
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)
