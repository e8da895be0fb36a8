"""A live-event bus across server processes on one machine, through Unix datagram sockets.

SQLite is one machine's database, so the processes sharing a SQLite file (``--workers N``, or
several ``qualbot serve`` on one file) share live events the cheapest way one machine offers:
each process binds a datagram socket in a private directory per database file, and publishing
sends one datagram per batch to every other socket there. Nothing waits: a send never blocks
(a peer whose buffer is full misses that datagram, as the bus's best-effort contract allows),
and a socket left by a process that died is removed by the first send that finds it dead.

Events go only where someone listens: each process tells the others which topics it has
subscribers for (``I`` datagrams: topics added and removed, the whole set to a process that
starts later), and a turn's events are encoded and sent only to the processes interested in
their topics. Most events (a visitor's turn, watched by nobody in another process) then cost no
more than on one process. A subscription takes effect in the other processes once they have
read its announcement, a fraction of a millisecond later.

The directory is mode 0700 and must belong to this user: whoever can write into it can inject
events. Its path is short and hashed because socket paths are limited to 108 bytes.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import os
import socket
import stat
import tempfile
import time
from collections import Counter, deque
from collections.abc import AsyncIterator, Iterable, Sequence
from pathlib import Path
from typing import Any

from bot.live import LocalBus, decode_batch, encode_entry, join_entries

log = logging.getLogger(__name__)

MAX_DATAGRAM = 60_000  # bytes; below the default socket buffers (~200 KB), so one always fits
_WARN_EVERY_SECONDS = 1.0
_RELIST_SECONDS = 1.0
_RETRY_SECONDS = 0.005
_READS_PER_WAKEUP = 256
_GREETING_SECONDS = 0.5
MAX_PENDING = 256  # event datagrams queued for one peer before the oldest are dropped
_INTEREST = b"I"  # first byte of an interest datagram; an event batch starts with "["


def live_directory_for(database_path: str) -> Path:
    """The private directory where the processes sharing ``database_path`` meet."""
    digest = hashlib.sha256(str(Path(database_path).resolve()).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"qualbot-{os.getuid()}" / digest


def _private_directory(directory: Path) -> None:
    """Create ``directory`` (and its parent) as 0700, or refuse one someone else could write into."""
    for each in (directory.parent, directory):
        with contextlib.suppress(FileExistsError):
            each.mkdir(mode=0o700)
        info = each.lstat()
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o022:
            raise RuntimeError(
                f"live event directory {each} must be a directory owned by this user and not writable by others"
            )


class UnixSocketBus:
    """Publish/subscribe by topic across the processes that share one directory of sockets."""

    def __init__(self, directory: Path) -> None:
        self._directory = directory
        self._local = LocalBus()
        self._socket: socket.socket | None = None
        self._path: Path | None = None
        self._peers: list[str] = []
        self._peers_seen = -1  # the directory's st_mtime_ns when the peers were listed
        self._listed_at = 0.0
        self._warned: dict[str, float] = {}
        self._outgoing: list[tuple[str, bytes]] = []  # (topic, encoded entry) published this loop iteration
        # per peer: (is an event batch, datagram) not yet accepted by its socket
        self._pending: dict[str, deque[tuple[bool, bytes]]] = {}
        self._subscribed: Counter[str] = Counter()  # this process's subscribers per topic
        self._interest_changes: list[tuple[str, bool]] = []  # (topic, subscribed) since the last flush
        self._interests: dict[str, set[str]] = {}  # per peer: the topics it has subscribers for
        self._wanted: Counter[str] = Counter()  # per topic: how many peers want it
        self._awaiting: set[str] = set()  # peers greeted at start that have not answered yet
        self._answered = asyncio.Event()
        self._senders: dict[str, socket.socket] = {}
        self._flush_handle: asyncio.Handle | None = None
        self._retry_handle: asyncio.TimerHandle | None = None

    async def start(self) -> None:
        """Bind this process's socket in the directory and begin reading it."""
        _private_directory(self._directory)
        self._path = self._directory / f"{os.getpid()}-{os.urandom(4).hex()}.sock"
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.setblocking(False)
        sock.bind(str(self._path))
        os.chmod(self._path, 0o600)
        self._socket = sock
        asyncio.get_running_loop().add_reader(sock.fileno(), self._on_readable)
        # Greet the others; they answer with their topics. Events published before an answer
        # arrives would not reach that process, so wait for the answers (briefly: a stuck peer
        # must not stop this process starting).
        self._awaiting = set(self._current_peers())
        for peer in self._awaiting:
            self._queue_interest(peer, sorted(self._subscribed), full=True, reply=True)
        self._send_pending()
        if self._awaiting:
            self._answered.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._answered.wait(), _GREETING_SECONDS)

    async def stop(self) -> None:
        """Stop reading, close and remove this process's socket; safe to call twice."""
        if self._socket is None:
            return
        if self._flush_handle is not None:  # what was published before stopping still goes, if it can
            self._flush_handle.cancel()
            self._flush()
        if self._retry_handle is not None:
            self._retry_handle.cancel()
        sock, self._socket = self._socket, None
        with contextlib.suppress(Exception):
            asyncio.get_running_loop().remove_reader(sock.fileno())
        sock.close()
        for sender in self._senders.values():
            sender.close()
        self._senders.clear()
        if self._path is not None:
            with contextlib.suppress(FileNotFoundError):
                self._path.unlink()

    async def publish(self, topic: str, event: dict[str, Any]) -> None:
        await self.publish_many([(topic, event)])

    async def publish_many(self, items: Sequence[tuple[str, dict[str, Any]]]) -> None:
        """Deliver here at once; queue for the other processes, sent once this loop iteration ends."""
        await self._local.publish_many(items)
        if self._socket is None or not items or not self._current_peers():
            return
        for topic, event in items:
            if not self._wanted[topic]:
                continue
            entry = encode_entry(topic, event)
            if len(entry) + 2 > MAX_DATAGRAM:
                log.warning("live event on %s too large to share (%d bytes); delivered in this process only", topic, len(entry))
                continue
            self._outgoing.append((topic, entry))
        if self._outgoing:
            self._schedule_flush()

    @contextlib.asynccontextmanager
    async def subscribe(self, topic: str) -> AsyncIterator[AsyncIterator[dict[str, Any]]]:
        """Events on ``topic`` from every process; the others hear of the first subscriber here and of the last leaving."""
        self._subscribed[topic] += 1
        if self._subscribed[topic] == 1:
            self._interest_changed(topic, True)
        try:
            async with self._local.subscribe(topic) as events:
                yield events
        finally:
            self._subscribed[topic] -= 1
            if not self._subscribed[topic]:
                del self._subscribed[topic]
                self._interest_changed(topic, False)

    def interested(self, topic: str) -> int:
        """How many other processes have told this one they listen on ``topic``."""
        return max(0, self._wanted[topic])

    def _interest_changed(self, topic: str, subscribed: bool) -> None:
        if self._socket is not None:  # before start, the whole set goes out when it starts
            self._interest_changes.append((topic, subscribed))
            self._schedule_flush()

    def _schedule_flush(self) -> None:
        if self._flush_handle is None:
            # every turn of this loop iteration shares the datagrams: a peer queues at most
            # net.unix.max_dgram_qlen (often 10) datagrams before sends to it fail
            self._flush_handle = asyncio.get_running_loop().call_soon(self._flush)

    def _flush(self) -> None:
        """Queue interest changes for every peer and each peer's events as batches, and send what can go."""
        self._flush_handle = None
        entries, self._outgoing = self._outgoing, []
        changes, self._interest_changes = self._interest_changes, []
        for peer in self._current_peers():
            if changes:
                self._queue_interest(peer, [t for t, on in changes if on], removed=[t for t, on in changes if not on])
            wanted = self._interests.get(peer)
            if not wanted or not entries:
                continue
            queue = self._pending.setdefault(peer, deque())
            queue.extend((True, datagram) for datagram in _batches(entry for topic, entry in entries if topic in wanted))
            self._drop_oldest_events(peer, queue)
        self._send_pending()

    def _drop_oldest_events(self, peer: str, queue: deque[tuple[bool, bytes]]) -> None:
        """Keep at most MAX_PENDING event batches queued for ``peer``; interest datagrams are never dropped."""
        excess = sum(1 for is_event, _ in queue if is_event) - MAX_PENDING
        if excess <= 0:
            return
        kept: deque[tuple[bool, bytes]] = deque()
        for item in queue:
            if item[0] and excess > 0:
                excess -= 1
            else:
                kept.append(item)
        queue.clear()
        queue.extend(kept)
        self._warn(peer, "live events dropped for a process that has not read them for a while")

    def _queue_interest(
        self, peer: str, added: Sequence[str], *, removed: Sequence[str] = (), full: bool = False, reply: bool = False
    ) -> None:
        """Queue for ``peer`` the topics this process now listens on (``full``: all of them) or stopped listening on."""
        queue = self._pending.setdefault(peer, deque())
        chunk: dict[str, Any] = {"peer": str(self._path), "full": full, "reply": reply, "add": [], "remove": []}
        size = 200
        for key, topics in (("add", added), ("remove", removed)):
            for topic in topics:
                if size + len(topic) + 4 > MAX_DATAGRAM:
                    queue.append((False, _INTEREST + json.dumps(chunk).encode()))
                    chunk = {"peer": str(self._path), "full": False, "reply": False, "add": [], "remove": []}
                    size = 200
                chunk[key].append(topic)
                size += len(topic.encode()) + 4
        queue.append((False, _INTEREST + json.dumps(chunk).encode()))

    def _on_interest(self, payload: bytes) -> None:
        """A peer's topics changed (or it sent all of them); a newcomer asks for ours in return."""
        try:
            message = json.loads(payload[1:])
            peer = str(message["peer"])
            added, removed = list(map(str, message["add"])), list(map(str, message["remove"]))
            full, reply = bool(message["full"]), bool(message["reply"])
        except (ValueError, KeyError, TypeError):
            log.warning("ignored a malformed live event")
            return
        if Path(peer).parent != self._directory or not peer.endswith(".sock") or peer == str(self._path):
            log.warning("ignored a live interest message naming a socket outside this bus")
            return
        topics = self._interests.setdefault(peer, set())
        if full:
            self._wanted.subtract(topics)
            topics.clear()
        fresh = set(added) - topics
        gone = topics & set(removed)
        topics |= fresh
        topics -= gone
        self._wanted.update(fresh)
        self._wanted.subtract(gone)
        if reply:
            self._queue_interest(peer, sorted(self._subscribed), full=True)
            self._send_pending()
        if full:
            self._answer_from(peer)

    def _answer_from(self, peer: str) -> None:
        self._awaiting.discard(peer)
        if not self._awaiting:
            self._answered.set()

    def _send_pending(self) -> None:
        """Send each peer's queued datagrams in order; a peer that is full is tried again shortly."""
        self._retry_handle = None
        if self._socket is None:
            return
        for peer, queue in list(self._pending.items()):
            while queue:
                try:
                    self._sender(peer).sendto(queue[0][1], peer)
                except BlockingIOError:
                    break
                except ConnectionRefusedError:  # its process is gone without removing it
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(peer)
                    self._forget(peer)
                    break
                except OSError as exc:  # FileNotFoundError: it stopped; others: it cannot be reached
                    if not isinstance(exc, FileNotFoundError):
                        self._warn(peer, f"live events not sent to a process ({type(exc).__name__})")
                    self._forget(peer)
                    break
                queue.popleft()
            if not queue:
                self._pending.pop(peer, None)
        if self._pending:
            self._retry_handle = asyncio.get_running_loop().call_later(_RETRY_SECONDS, self._send_pending)

    def _current_peers(self) -> list[str]:
        """The other processes' sockets, listed again when the directory changed (or a second passed).

        The second covers a socket bound within the same clock tick as the last listing, which
        leaves the directory's modification time unchanged.
        """
        try:
            seen = self._directory.stat().st_mtime_ns
        except FileNotFoundError:
            return []
        now = time.monotonic()
        if seen != self._peers_seen or now - self._listed_at > _RELIST_SECONDS:
            own = str(self._path)
            with os.scandir(self._directory) as entries:
                self._peers = [e.path for e in entries if e.name.endswith(".sock") and e.path != own]
            self._peers_seen, self._listed_at = seen, now
            for gone in set(self._interests) - set(self._peers):  # stopped and removed its socket
                self._forget(gone)
        return self._peers

    def _sender(self, peer: str) -> socket.socket:
        """This peer's own sending socket. A datagram counts against its sender's buffer until it
        is read, so with one socket for all, a peer that stops reading would block sends to all."""
        sock = self._senders.get(peer)
        if sock is None:
            sock = self._senders[peer] = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            sock.setblocking(False)
        return sock

    def _forget(self, peer: str) -> None:
        self._peers = [p for p in self._peers if p != peer]
        self._wanted.subtract(self._interests.pop(peer, set()))
        self._answer_from(peer)  # a dead peer will not answer
        self._pending.pop(peer, None)
        self._warned.pop(peer, None)
        sender = self._senders.pop(peer, None)
        if sender is not None:
            sender.close()

    def _warn(self, peer: str, message: str) -> None:
        now = time.monotonic()
        if now - self._warned.get(peer, -_WARN_EVERY_SECONDS) >= _WARN_EVERY_SECONDS:
            self._warned[peer] = now
            log.warning(message)

    def _on_readable(self) -> None:
        for _ in range(_READS_PER_WAKEUP):  # the loop calls again while more waits; others get a turn between
            if self._socket is None:
                return
            try:
                payload = self._socket.recv(MAX_DATAGRAM + 1)
            except (BlockingIOError, InterruptedError):
                return
            if payload[:1] == _INTEREST:
                self._on_interest(payload)
                continue
            entries = decode_batch(payload)
            if entries:
                asyncio.get_running_loop().create_task(self._local.publish_many(entries))


def _batches(entries: Iterable[bytes]) -> list[bytes]:
    """Encoded entries joined into as few datagrams as fit."""
    datagrams: list[bytes] = []
    batch: list[bytes] = []
    size = 2
    for entry in entries:
        if batch and size + len(entry) + 1 > MAX_DATAGRAM:
            datagrams.append(join_entries(batch))
            batch, size = [], 2
        batch.append(entry)
        size += len(entry) + 1
    if batch:
        datagrams.append(join_entries(batch))
    return datagrams
