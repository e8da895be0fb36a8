"""Bearer API-key authentication for the REST API."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import HTTPException, Request, status

from bot.apikeys import find_key


def require_scope(scope: str) -> Callable[[Request], Coroutine[Any, Any, None]]:
    """A dependency that admits requests carrying a live API key with ``scope``."""

    async def dependency(request: Request) -> None:
        header = request.headers.get("authorization", "")
        scheme, _, presented = header.partition(" ")
        if scheme.lower() != "bearer" or not presented.strip():
            raise _unauthorized("missing_api_key", "send 'Authorization: Bearer <API key>'")
        async with request.app.state.sessionmaker() as session:
            key = await find_key(session, presented.strip())
        if key is None:
            raise _unauthorized("invalid_api_key", "the API key is not valid")
        if scope not in key.scopes:
            raise HTTPException(status.HTTP_403_FORBIDDEN, {"code": "forbidden", "message": f"key lacks scope {scope}"})

    return dependency


def _unauthorized(code: str, message: str) -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, {"code": code, "message": message}, headers={"WWW-Authenticate": "Bearer"}
    )
