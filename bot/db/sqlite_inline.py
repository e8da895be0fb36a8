"""SQLite for the async engine, run on the event loop's own thread instead of a helper thread.

aiosqlite runs every sqlite3 call on a helper thread and wakes the event loop when it is done:
four thread hops per SQL statement (cursor, execute, fetch, close), which cost more than the
statements themselves — a chat turn is about a dozen statements, and the hops made it ~8 ms.
With WAL and ``synchronous=NORMAL`` a statement takes tens of microseconds, so running it
inline is far cheaper. SQLAlchemy accepts any driver connection with aiosqlite's coroutine
interface through ``create_async_engine(async_creator=...)``; this module provides one.

The one thing that must not block the loop is waiting for a lock: SQLite's busy handler sleeps,
and the writer holding the lock may be another task on this very loop, which could then never
finish. So the connection is opened with no busy timeout, and a locked database is waited for
cooperatively — ``asyncio.sleep`` between attempts — for up to ``busy_timeout`` seconds.
Waiters queue: one task per event loop polls, the others wait in line behind it, so a lock held
long (by another server process, say) costs one cheap attempt every couple of milliseconds, not
one per waiting task, and the first to wait is the first to write.
"""

from __future__ import annotations

import asyncio
import sqlite3
import weakref
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

T = TypeVar("T")

_LOCKED = ("database is locked", "database table is locked", "database schema is locked")
_LONGEST_POLL = 0.002  # seconds between attempts at most: a failed attempt costs microseconds


def _attempt(call: Callable[..., T], args: tuple[Any, ...]) -> tuple[bool, Any]:
    """``(True, call(*args))``, or ``(False, the error)`` when the database is locked; other errors raise."""
    try:
        return True, call(*args)
    except sqlite3.OperationalError as error:
        if str(error) not in _LOCKED:
            raise
        return False, error


class InlineCursor:
    """An aiosqlite-shaped cursor whose coroutines run the sqlite3 call at once."""

    def __init__(self, connection: InlineConnection, cursor: sqlite3.Cursor) -> None:
        self._connection = connection
        self._cursor = cursor

    async def __aenter__(self) -> InlineCursor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._cursor.close()

    async def execute(self, sql: str, parameters: Any = None) -> InlineCursor:
        await self._connection.run(self._cursor.execute, sql, () if parameters is None else parameters)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Any]) -> InlineCursor:
        rows = list(parameters)  # a retry after "locked" must see every row again
        await self._connection.run(self._cursor.executemany, sql, rows)
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(size) if size is not None else self._cursor.fetchmany()

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value


class _RunAtOnce:
    """Stands in for aiosqlite's job queue, which SQLAlchemy uses directly to set the isolation level."""

    def put_nowait(self, job: tuple[asyncio.Future[Any], Callable[[], Any]]) -> None:
        future, function = job
        try:
            future.set_result(function())
        except Exception as error:  # noqa: BLE001 - handed to the awaiting caller
            future.set_exception(error)


class InlineConnection:
    """An aiosqlite-shaped connection over one sqlite3 connection used from the loop's thread."""

    def __init__(
        self, connection: sqlite3.Connection, busy_timeout: float, waiting_line: Callable[[], asyncio.Lock] | None = None
    ) -> None:
        self._conn = connection
        self._connection: sqlite3.Connection | None = connection  # SQLAlchemy checks it for "still open"
        self._busy_timeout = busy_timeout
        self._waiting_line = waiting_line or asyncio.Lock
        self._tx = _RunAtOnce()

    async def run(self, call: Callable[..., T], *args: Any) -> T:
        """``call(*args)``, retried with cooperative back-off while another writer holds the lock."""
        done, outcome = _attempt(call, args)
        if done:
            return outcome
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._busy_timeout
        line = self._waiting_line()
        try:
            await asyncio.wait_for(line.acquire(), max(0.0, deadline - loop.time()))
        except asyncio.TimeoutError:
            raise outcome from None
        try:
            delay = 0.0005
            while True:
                done, outcome = _attempt(call, args)  # at once: the one ahead in line may just have committed
                if done:
                    return outcome
                if loop.time() + delay > deadline:
                    raise outcome
                await asyncio.sleep(delay)
                delay = min(delay * 2, _LONGEST_POLL)
        finally:
            line.release()

    def cursor(self) -> InlineCursor:
        return InlineCursor(self, self._conn.cursor())

    async def commit(self) -> None:
        await self.run(self._conn.commit)

    async def rollback(self) -> None:
        self._conn.rollback()

    async def close(self) -> None:
        self.stop()

    def stop(self) -> None:
        """Close at once (SQLAlchemy's forced termination)."""
        if self._connection is not None:
            self._connection = None
            self._conn.close()

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    @isolation_level.setter
    def isolation_level(self, value: str | None) -> None:
        self._conn.isolation_level = value


def inline_creator(path: str, busy_timeout: float) -> Callable[[], Any]:
    """An ``async_creator`` for :func:`sqlalchemy.ext.asyncio.create_async_engine` opening ``path``."""

    lines: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = weakref.WeakKeyDictionary()

    def waiting_line() -> asyncio.Lock:
        """This engine's line of tasks waiting for the lock, one per event loop (a Lock serves one loop)."""
        return lines.setdefault(asyncio.get_running_loop(), asyncio.Lock())

    async def connect() -> InlineConnection:
        # timeout=0: SQLite's own busy handler would sleep on the loop's thread; see the module docstring.
        return InlineConnection(sqlite3.connect(path, timeout=0, check_same_thread=False), busy_timeout, waiting_line)

    return connect
