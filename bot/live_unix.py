"""A live-event bus across server processes on one machine, through Unix datagram sockets.

SQLite is one machine's database, so the processes sharing a SQLite file (``--workers N``, or
several ``qualbot serve`` on one file) share live events the cheapest way one machine offers:
each process binds a datagram socket in a private directory per database file, and publishing
sends one datagram per batch to every other socket there. Nothing waits: a send never blocks
(a peer whose buffer is full misses that datagram, as the bus's best-effort contract allows),
and a socket left by a process that died is removed by the first send that finds it dead.

The directory is mode 0700 and must belong to this user: whoever can write into it can inject
events. Its path is short and hashed because socket paths are limited to 108 bytes.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import socket
import stat
import tempfile
import time
from collections import deque
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

from bot.live import LocalBus, decode_batch, encode_entry, join_entries

log = logging.getLogger(__name__)

MAX_DATAGRAM = 60_000  # bytes; below the default socket buffers (~200 KB), so one always fits
_WARN_EVERY_SECONDS = 1.0
_RELIST_SECONDS = 1.0
_RETRY_SECONDS = 0.005
_READS_PER_WAKEUP = 256
MAX_PENDING = 256  # datagrams queued for one peer before the oldest are dropped


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
        self._outgoing: list[bytes] = []  # encoded entries published this loop iteration
        self._pending: dict[str, deque[bytes]] = {}  # per peer: datagrams not yet accepted by its socket
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
            entry = encode_entry(topic, event)
            if len(entry) + 2 > MAX_DATAGRAM:
                log.warning("live event on %s too large to share (%d bytes); delivered in this process only", topic, len(entry))
                continue
            self._outgoing.append(entry)
        if self._outgoing and self._flush_handle is None:
            # every turn of this loop iteration shares the datagrams: a peer queues at most
            # net.unix.max_dgram_qlen (often 10) datagrams before sends to it fail
            self._flush_handle = asyncio.get_running_loop().call_soon(self._flush)

    def subscribe(self, topic: str) -> contextlib.AbstractAsyncContextManager[AsyncIterator[dict[str, Any]]]:
        return self._local.subscribe(topic)

    def _flush(self) -> None:
        """Batch what was published into datagrams, queue them for every peer, and send what can go."""
        self._flush_handle = None
        entries, self._outgoing = self._outgoing, []
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
        for peer in self._current_peers():
            queue = self._pending.setdefault(peer, deque())
            queue.extend(datagrams)
            if len(queue) > MAX_PENDING:
                for _ in range(len(queue) - MAX_PENDING):
                    queue.popleft()
                self._warn(peer, "live events dropped for a process that has not read them for a while")
        self._send_pending()

    def _send_pending(self) -> None:
        """Send each peer's queued datagrams in order; a peer that is full is tried again shortly."""
        self._retry_handle = None
        if self._socket is None:
            return
        for peer, queue in list(self._pending.items()):
            while queue:
                try:
                    self._sender(peer).sendto(queue[0], peer)
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
            entries = decode_batch(payload)
            if entries:
                asyncio.get_running_loop().create_task(self._local.publish_many(entries))
