"""HTTP middleware guarding the API: request body size and per-key rate limits."""

from __future__ import annotations

import hashlib

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.ratelimit import RateLimits, too_many_requests


class BodySizeLimit:
    """Refuses request bodies over ``max_bytes`` with 413, by Content-Length or while streaming."""

    def __init__(self, app: ASGIApp, max_bytes: int, exempt_prefixes: tuple[str, ...] = ()) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.exempt = exempt_prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(self.exempt):
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        # Read the (bounded) body first, so an over-long stream is refused before the app sees it.
        messages: list[Message] = []
        seen = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                await self._refuse(scope, receive, send)
                return
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = {"error": {"code": "body_too_large", "message": f"request bodies are limited to {self.max_bytes} bytes"}}
        await JSONResponse(body, status_code=413)(scope, receive, send)


async def rate_limit_api(request: Request, call_next) -> Response:  # type: ignore[no-untyped-def]
    """Counts every ``/api/`` call against its API key (hashed) or, without one, its client IP."""
    if not request.url.path.startswith("/api/"):
        return await call_next(request)
    limits: RateLimits = request.app.state.rate_limits
    token = request.headers.get("authorization", "")
    key = hashlib.sha256(token.encode()).hexdigest() if token else (request.client.host if request.client else "?")
    verdict = limits.hit("api", key)
    if not verdict.allowed:
        return too_many_requests(verdict.retry_after)
    return await call_next(request)
