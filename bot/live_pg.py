"""A live-event bus across server processes, through PostgreSQL LISTEN/NOTIFY.

Chosen over Redis pub/sub because PostgreSQL is already the production database: no extra
service to run, secure or monitor. Every process LISTENs on one channel with one dedicated
connection and fans events out to its local subscribers; publishing is a NOTIFY that every
process (itself included) receives. Payloads stay far below NOTIFY's 8,000-byte limit (chat
texts are at most 4 KB); a larger one is refused rather than cut.

Publishing does not wait for PostgreSQL: events are queued and one sender task sends whatever
has gathered since its last NOTIFY in as few NOTIFYs as fit, in order. Under load many turns
share a round trip, and no turn waits behind another's.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import AsyncIterator, Sequence
from typing import Any

import asyncpg

from bot.live import LocalBus, decode_batch, encode_entry, join_entries

log = logging.getLogger(__name__)

CHANNEL = "qualbot_live"
MAX_PAYLOAD = 7900


def asyncpg_dsn(database_url: str) -> str:
    """The libpq-style DSN asyncpg takes, from a SQLAlchemy URL."""
    return database_url.replace("postgresql+asyncpg://", "postgresql://", 1)


class PostgresBus:
    """Publish/subscribe by topic across processes sharing one PostgreSQL database."""

    def __init__(self, database_url: str, *, reconnect_seconds: float = 1.0) -> None:
        self._dsn = asyncpg_dsn(database_url)
        self._local = LocalBus()
        self._listener: asyncpg.Connection | None = None
        self._publisher: asyncpg.Connection | None = None
        self._publish_lock = asyncio.Lock()
        self._queued: deque[tuple[str, dict[str, Any], bytes]] = deque()  # (topic, event, encoded)
        self._wake = asyncio.Event()
        self._sender: asyncio.Task[None] | None = None
        self._task: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()
        self._reconnect_seconds = reconnect_seconds

    async def start(self) -> None:
        """Connect and begin listening; returns once the listener is in place (or failed once)."""
        self._task = asyncio.create_task(self._listen_forever())
        self._sender = asyncio.create_task(self._send_forever())
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._ready.wait(), 10)

    async def stop(self) -> None:
        if self._sender is not None:
            self._sender.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._sender
            self._sender = None
            await self._send_queued()  # what was published before stopping still goes out
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        for connection in (self._listener, self._publisher):
            if connection is not None and not connection.is_closed():
                with contextlib.suppress(Exception):
                    await connection.close()

    async def publish(self, topic: str, event: dict[str, Any]) -> None:
        await self.publish_many([(topic, event)])

    async def publish_many(self, items: Sequence[tuple[str, dict[str, Any]]]) -> None:
        """Queue the events for the sender (sent at once when the bus is not started)."""
        for topic, event in items:
            encoded = encode_entry(topic, event)
            if len(encoded) + 1 > MAX_PAYLOAD:
                log.warning("live event on %s too large for NOTIFY (%d bytes); dropped", topic, len(encoded) + 1)
                continue
            self._queued.append((topic, event, encoded))
        if self._sender is None:
            await self._send_queued()
        else:
            self._wake.set()

    async def _send_forever(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            await self._send_queued()

    async def _send_queued(self) -> None:
        """NOTIFY everything queued, in order, as few payloads as fit."""
        while self._queued:
            batch: list[tuple[str, dict[str, Any], bytes]] = []
            size = 2
            while self._queued and size + len(self._queued[0][2]) + 1 <= MAX_PAYLOAD:
                batch.append(self._queued.popleft())
                size += len(batch[-1][2]) + 1
            await self._notify(batch)

    async def _notify(self, batch: list[tuple[str, dict[str, Any], bytes]]) -> None:
        payload = join_entries([encoded for _, _, encoded in batch]).decode()
        async with self._publish_lock:
            try:
                if self._publisher is None or self._publisher.is_closed():
                    self._publisher = await asyncpg.connect(self._dsn)
                await self._publisher.execute("SELECT pg_notify($1, $2)", CHANNEL, payload)
                return
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                log.warning("live events not published (%s); delivering locally only", type(exc).__name__)
                self._publisher = None
        await self._local.publish_many([(topic, event) for topic, event, _ in batch])

    def subscribe(self, topic: str) -> contextlib.AbstractAsyncContextManager[AsyncIterator[dict[str, Any]]]:
        return self._local.subscribe(topic)

    async def _listen_forever(self) -> None:
        while True:
            try:
                self._listener = await asyncpg.connect(self._dsn)
                await self._listener.add_listener(CHANNEL, self._on_notify)
                self._ready.set()
                while not self._listener.is_closed():
                    await asyncio.sleep(self._reconnect_seconds)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - keep listening through outages
                log.warning("live event listener lost its connection (%s); reconnecting", type(exc).__name__)
                self._ready.set()
            await asyncio.sleep(self._reconnect_seconds)

    def _on_notify(self, _connection: Any, _pid: int, _channel: str, payload: str) -> None:
        entries = decode_batch(payload)
        if entries:
            asyncio.get_running_loop().create_task(self._local.publish_many(entries))
