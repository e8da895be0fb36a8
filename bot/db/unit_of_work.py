"""A unit of work (one session) that turns database outages into :class:`StorageUnavailable`, and its retry.

The conversation service runs every unit of work through these: an outage becomes one error the
channels understand ("try again shortly"), and a turn waits out a short outage instead of failing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.errors import StorageUnavailable

log = logging.getLogger(__name__)
T = TypeVar("T")

STORAGE_ERRORS: tuple[type[BaseException], ...] = (OperationalError, DBAPIError, OSError, ConnectionError, TimeoutError)


class RetryThroughOutage:
    """Retries a unit of work through a database outage with capped exponential back-off."""

    def __init__(self, budget_seconds: float, on_delay: Callable[[], Awaitable[None]] | None) -> None:
        self._deadline = asyncio.get_running_loop().time() + budget_seconds
        self._on_delay = on_delay
        self._told = False

    async def __call__(self, work: Callable[[], Awaitable[T]]) -> T:
        delay = 0.25
        while True:
            try:
                return await work()
            except StorageUnavailable:
                loop = asyncio.get_running_loop()
                if loop.time() + delay > self._deadline:
                    raise
                if self._on_delay is not None and not self._told:
                    self._told = True
                    await self._on_delay()
                log.warning("database unreachable; retrying in %.2fs", delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 2.0)


class UnitOfWork:
    """A session for one unit of work that turns database outages into :class:`StorageUnavailable`.

    With ``serialize`` (SQLite) units of work take turns: SQLite has one writer at a time and
    its busy handler makes waiting writers sleep in steps of up to 100 ms, which under
    concurrent chats costs far more than queueing them here.
    """

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], serialize: asyncio.Lock | None) -> None:
        self._sessionmaker = sessionmaker
        self._session: AsyncSession | None = None
        self._serialize = serialize

    async def __aenter__(self) -> AsyncSession:
        if self._serialize is not None:
            await self._serialize.acquire()
        self._session = self._sessionmaker()
        return self._session

    async def __aexit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> bool:
        assert self._session is not None
        try:
            await self._session.close()
        except STORAGE_ERRORS:
            log.warning("closing a database session failed", exc_info=True)
        finally:
            if self._serialize is not None:
                self._serialize.release()
        if exc is not None and isinstance(exc, STORAGE_ERRORS):
            raise StorageUnavailable("the database is not reachable right now; try again shortly") from exc
        return False
