"""Live events: who is told, in real time, that something happened in a conversation.

A visitor's websocket listens on :func:`visitor_topic` (an SDR's message must reach it at once);
the console's view of a conversation on the conversation's id (everything said in it), and
:data:`CONSOLE_TOPIC` carries every conversation's activity. This
in-process bus serves one server process; a cross-process bus (PostgreSQL LISTEN/NOTIFY)
implements the same two methods.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from typing import Any, Protocol

CONSOLE_TOPIC = "console"
AGENTS_TOPIC = "agents"  # only what people (SDRs) write: the email worker sends it on at once


def visitor_topic(conversation_id: str) -> str:
    """What the visitor's own connection must be told: what others (an SDR, a hand-back) say.

    Apart from the conversation's topic, which also carries the visitor's own turns for the
    console: the visitor's connection would otherwise wake for every event of its own turns.
    """
    return f"visitor:{conversation_id}"

log = logging.getLogger(__name__)


class Bus(Protocol):
    """Publish/subscribe by topic. Events are JSON-ready dicts; delivery is best effort."""

    async def publish(self, topic: str, event: dict[str, Any]) -> None: ...

    async def publish_many(self, items: Sequence[tuple[str, dict[str, Any]]]) -> None:
        """Publish several (topic, event) pairs, in order, as cheaply as the bus allows."""
        ...

    def subscribe(self, topic: str) -> contextlib.AbstractAsyncContextManager[AsyncIterator[dict[str, Any]]]: ...

    async def start(self) -> None:
        """Connect to the other processes, if the bus has any; called once the app starts."""
        ...

    async def stop(self) -> None:
        """Send what is still queued and disconnect; called when the app stops."""
        ...


class LocalBus:
    """A bus inside one process. A slow subscriber loses its oldest events, never blocks others."""

    def __init__(self, queue_size: int = 256) -> None:
        self._queues: defaultdict[str, set[asyncio.Queue[dict[str, Any]]]] = defaultdict(set)
        self._queue_size = queue_size

    async def start(self) -> None:
        """Nothing to connect to: the subscribers are in this process."""

    async def stop(self) -> None:
        """Nothing to disconnect."""

    async def publish(self, topic: str, event: dict[str, Any]) -> None:
        for queue in list(self._queues.get(topic, ())):
            if queue.full():
                queue.get_nowait()
            queue.put_nowait(event)

    async def publish_many(self, items: Sequence[tuple[str, dict[str, Any]]]) -> None:
        for topic, event in items:
            await self.publish(topic, event)

    @contextlib.asynccontextmanager
    async def subscribe(self, topic: str) -> AsyncIterator[AsyncIterator[dict[str, Any]]]:
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(self._queue_size)
        self._queues[topic].add(queue)

        async def events() -> AsyncIterator[dict[str, Any]]:
            while True:
                yield await queue.get()

        try:
            yield events()
        finally:
            self._queues[topic].discard(queue)
            if not self._queues[topic]:
                del self._queues[topic]


def encode_entry(topic: str, event: dict[str, Any]) -> bytes:
    """One event as the cross-process buses send it: compact UTF-8 JSON, joined by :func:`join_entries`."""
    return json.dumps({"topic": topic, "event": event}, ensure_ascii=False, separators=(",", ":")).encode()


def join_entries(entries: Sequence[bytes]) -> bytes:
    """A batch of encoded entries, as :func:`decode_batch` reads it."""
    return b"[" + b",".join(entries) + b"]"


def decode_batch(payload: str | bytes) -> list[tuple[str, dict[str, Any]]]:
    """The (topic, event) pairs of a batch another process sent; none, with a warning, if it is malformed."""
    try:
        return [(entry["topic"], entry["event"]) for entry in json.loads(payload)]
    except (ValueError, KeyError, TypeError):
        log.warning("ignored a malformed live event")
        return []
