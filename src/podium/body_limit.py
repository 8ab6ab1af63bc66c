"""Refuse request bodies over PODIUM_MAX_BODY_BYTES with 413, before the app reads them; and
`BufferedBody`, which reads a body ahead of the app and replays it."""

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
        body = BufferedBody(receive)
        if not await body.read(max_bytes=self.max_bytes):
            await self._too_large(scope, receive, send)
            return
        await self.app(scope, body.receive, send)


class BufferedBody:
    """A request body read before the app runs; `receive` hands it on to the app unchanged."""

    def __init__(self, receive: Receive) -> None:
        self._receive = receive
        self._other: Message | None = None
        self._replayed = False
        self.body = b""

    async def read(self, *, max_bytes: int | None = None) -> bool:
        """Reads the whole body; False as soon as it is longer than `max_bytes`."""
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await self._receive()
            if message["type"] != "http.request":
                self._other = message  # the client went away: `body` stays empty
                return True
            chunk = message.get("body", b"")
            size += len(chunk)
            if max_bytes is not None and size > max_bytes:
                return False
            chunks.append(chunk)
            more = message.get("more_body", False)
        self.body = b"".join(chunks)
        return True

    async def receive(self) -> Message:
        if self._replayed:
            return await self._receive()
        self._replayed = True
        if self._other is not None:
            return self._other
        return {"type": "http.request", "body": self.body, "more_body": False}
