"""The Unix-socket live bus: events cross processes sharing a SQLite file, and nothing blocks or breaks it."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.live_unix import MAX_DATAGRAM, MAX_PENDING, UnixSocketBus, live_directory_for


@pytest.fixture
def directory(tmp_path: Path) -> Path:
    # short: socket paths are limited to 108 bytes, and pytest's tmp_path can be long
    return live_directory_for(str(tmp_path / "q.db"))


@pytest.fixture
async def bus_pair(directory: Path) -> AsyncIterator[tuple[UnixSocketBus, UnixSocketBus]]:
    first, second = UnixSocketBus(directory), UnixSocketBus(directory)
    await first.start()
    await second.start()
    yield first, second
    await first.stop()
    await second.stop()


async def _collect(bus: UnixSocketBus, topic: str, count: int, started: asyncio.Event, timeout: float = 5) -> list[dict[str, Any]]:
    received: list[dict[str, Any]] = []
    async with bus.subscribe(topic) as events:
        started.set()
        async with asyncio.timeout(timeout):
            async for event in events:
                received.append(event)
                if len(received) == count:
                    break
    return received


async def _listening(
    bus: UnixSocketBus, topic: str, count: int, *, heard_by: UnixSocketBus | None = None
) -> asyncio.Task[list[dict[str, Any]]]:
    """A task collecting ``count`` events on ``topic``; with ``heard_by``, once that bus knows of the subscription."""
    started = asyncio.Event()
    task = asyncio.create_task(_collect(bus, topic, count, started))
    await started.wait()
    if heard_by is not None:
        await _interest_reaches(heard_by, topic)
    return task


async def _interest_reaches(bus: UnixSocketBus, topic: str, present: bool = True, *, peers: int = 1) -> None:
    async with asyncio.timeout(5):
        while (bus.interested(topic) >= peers) != present:
            await asyncio.sleep(0.001)


def _event_batches(raw: socket.socket) -> list[Any]:
    """The event batches waiting on a raw socket, skipping the buses' interest messages."""
    batches = []
    while True:
        try:
            payload = raw.recv(MAX_DATAGRAM)
        except BlockingIOError:
            return batches
        if not payload.startswith(b"I"):
            batches.append(json.loads(payload))


def _announce(raw: socket.socket, directory: Path, topics: list[str]) -> None:
    """A raw socket in the directory tells the buses it listens on ``topics`` (as a bus process would)."""
    own = raw.getsockname()
    message = {"peer": own, "full": True, "reply": False, "add": topics, "remove": []}
    for path in directory.glob("*.sock"):
        if str(path) != own:
            raw.sendto(b"I" + json.dumps(message).encode(), str(path))


async def test_events_reach_the_other_process_and_this_one_once_each_in_order(bus_pair) -> None:
    first, second = bus_pair
    there, here = await _listening(second, "c1", 200, heard_by=first), await _listening(first, "c1", 200)
    for number in range(0, 200, 4):  # in calls of several events, as a turn publishes them
        await first.publish_many([("c1", {"n": n}) for n in range(number, number + 4)])
    assert [e["n"] for e in await there] == list(range(200))
    assert [e["n"] for e in await here] == list(range(200))
    # exactly once: nothing more arrives on either side
    extra = await _listening(second, "c1", 1, heard_by=first)
    await asyncio.sleep(0.2)
    assert not extra.done()
    extra.cancel()


def _peer_script(directory: Path, role: str) -> str:
    return textwrap.dedent(
        f"""
        import asyncio, json, sys
        from pathlib import Path
        from bot.live_unix import UnixSocketBus

        async def main():
            bus = UnixSocketBus(Path({str(directory)!r}))
            await bus.start()
            if {role!r} == "publisher":
                await bus.publish("t", {{"from": "child"}})
            else:
                async with bus.subscribe("t") as events:
                    print("ready", flush=True)
                    event = await asyncio.wait_for(anext(events), 10)
                    print(json.dumps(event), flush=True)
            await bus.stop()

        asyncio.run(main())
        """
    )


async def test_a_real_other_process_publishes_to_us_and_hears_from_us(directory: Path) -> None:
    bus = UnixSocketBus(directory)
    await bus.start()
    try:
        heard = await _listening(bus, "t", 1)
        publisher = await asyncio.create_subprocess_exec(sys.executable, "-c", _peer_script(directory, "publisher"))
        assert await publisher.wait() == 0
        assert await heard == [{"from": "child"}]

        listener = await asyncio.create_subprocess_exec(
            sys.executable, "-c", _peer_script(directory, "listener"), stdout=subprocess.PIPE
        )
        assert listener.stdout is not None
        assert (await asyncio.wait_for(listener.stdout.readline(), 20)).strip() == b"ready"
        await _interest_reaches(bus, "t")
        await bus.publish("t", {"from": "parent"})
        assert json.loads(await asyncio.wait_for(listener.stdout.readline(), 10)) == {"from": "parent"}
        assert await listener.wait() == 0
    finally:
        await bus.stop()


async def test_a_socket_left_by_a_dead_process_is_removed_and_harms_nothing(directory: Path) -> None:
    directory.mkdir(parents=True, mode=0o700, exist_ok=True)
    stale = directory / "999999-deadbeef.sock"
    dead = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    dead.bind(str(stale))
    dead.close()  # bound, closed, never unlinked: what a killed process leaves
    first, second = UnixSocketBus(directory), UnixSocketBus(directory)
    try:
        async with asyncio.timeout(0.4):  # the dead one answers no greeting, and is not waited for
            await first.start()
        await second.start()
        assert not stale.exists()
        there = await _listening(second, "t", 1, heard_by=first)
        await first.publish("t", {"n": 1})
        assert await there == [{"n": 1}]
    finally:
        await first.stop()
        await second.stop()


async def test_only_processes_that_listen_on_a_topic_are_sent_its_events(bus_pair, directory: Path) -> None:
    first, second = bus_pair
    spy = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    spy.bind(str(directory / f"{os.getpid()}-spy.sock"))
    spy.setblocking(False)
    try:
        _announce(spy, directory, ["watched"])
        await _interest_reaches(first, "watched")
        here = await _listening(first, "unwatched", 1)
        await first.publish_many([("unwatched", {"n": 1}), ("watched", {"n": 2})])
        assert await here == [{"n": 1}]  # this process's own subscribers hear everything
        await asyncio.sleep(0.05)
        assert _event_batches(spy) == [[{"topic": "watched", "event": {"n": 2}}]]
        # a subscription that ends is withdrawn: the other process stops being sent those events
        there = await _listening(second, "t", 1, heard_by=first)
        there.cancel()
        await _interest_reaches(first, "t", present=False)
    finally:
        spy.close()


async def test_a_process_that_starts_later_hears_later_events(directory: Path) -> None:
    first = UnixSocketBus(directory)
    await first.start()
    late = UnixSocketBus(directory)
    try:
        heard_early = await _listening(first, "t", 2)  # subscribed before the other process starts
        await first.publish("t", {"n": 0})  # lists the peers: none yet
        await late.start()
        assert late.interested("t") == 1  # start waits for the others' answers
        heard = await _listening(late, "t", 1, heard_by=first)
        await first.publish("t", {"n": 1})
        assert await heard == [{"n": 1}]
        assert await heard_early == [{"n": 0}, {"n": 1}]
    finally:
        await first.stop()
        await late.stop()


async def test_an_oversized_event_stays_local_and_the_others_still_go(bus_pair, caplog: pytest.LogCaptureFixture) -> None:
    first, second = bus_pair
    there = await _listening(second, "t", 2, heard_by=first)
    with caplog.at_level(logging.WARNING, logger="bot.live_unix"):
        await first.publish_many([("t", {"n": 1}), ("t", {"big": "x" * MAX_DATAGRAM}), ("t", {"n": 2})])
    assert await there == [{"n": 1}, {"n": 2}]
    assert "too large" in caplog.text


async def test_a_malformed_datagram_is_ignored_with_a_warning(bus_pair, directory: Path, caplog: pytest.LogCaptureFixture) -> None:
    first, second = bus_pair
    target = next(p for p in directory.glob("*.sock"))
    receiver = first if str(target) == str(first._path) else second
    sender = second if receiver is first else first
    there = await _listening(receiver, "t", 1, heard_by=sender)
    with caplog.at_level(logging.WARNING, logger="bot.live_unix"), socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as raw:
        raw.sendto(b"{not json", str(target))
        raw.sendto(b'[{"no": "topic"}]', str(target))
        raw.sendto(b'I{"peer": 3}', str(target))
        await asyncio.sleep(0.1)
        await sender.publish("t", {"n": 1})
        assert await there == [{"n": 1}]
    assert caplog.text.count("malformed live event") == 3


async def test_a_directory_others_can_write_into_is_refused(directory: Path) -> None:
    directory.mkdir(parents=True, mode=0o700)
    directory.chmod(0o777)
    with pytest.raises(RuntimeError, match="not writable by others"):
        await UnixSocketBus(directory).start()


async def test_stop_is_safe_twice_and_afterwards_events_stay_local(bus_pair) -> None:
    first, second = bus_pair
    await first.stop()
    await first.stop()
    here, there = await _listening(first, "t", 1), await _listening(second, "t", 1)
    await asyncio.sleep(0.05)
    await first.publish("t", {"n": 1})
    assert await here == [{"n": 1}]
    await asyncio.sleep(0.2)
    assert not there.done()
    there.cancel()
    await UnixSocketBus(Path("/nonexistent")).stop()  # never started


async def test_a_peer_that_reads_nothing_never_blocks_publishing(directory: Path, caplog: pytest.LogCaptureFixture) -> None:
    directory.mkdir(parents=True, mode=0o700, exist_ok=True)
    stuck = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    stuck.bind(str(directory / f"{os.getpid()}-stuck.sock"))  # alive, never read
    bus = UnixSocketBus(directory)
    await bus.start()
    _announce(stuck, directory, ["t"])
    await _interest_reaches(bus, "t")
    try:
        with caplog.at_level(logging.WARNING, logger="bot.live_unix"):
            async with asyncio.timeout(10):
                for number in range(2000):
                    await bus.publish("t", {"n": number, "pad": "x" * 500})
                    await asyncio.sleep(0)  # one loop iteration each: 2,000 datagrams
        assert "has not read them" in caplog.text
        assert caplog.text.count("has not read them") < 10  # warned now and then, not per event
        assert sum(len(queue) for queue in bus._pending.values()) <= MAX_PENDING  # memory stays bounded
    finally:
        stuck.close()
        await bus.stop()


async def test_a_peer_that_falls_behind_gets_every_event_late_in_order(directory: Path) -> None:
    directory.mkdir(parents=True, mode=0o700, exist_ok=True)
    slow = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    slow.bind(str(directory / f"{os.getpid()}-slow.sock"))
    slow.setblocking(False)
    bus = UnixSocketBus(directory)
    await bus.start()
    _announce(slow, directory, ["t"])
    await _interest_reaches(bus, "t")
    try:
        for number in range(50):  # 50 datagrams: far more than the kernel queues for one socket (often 10)
            await bus.publish("t", {"n": number})
            await asyncio.sleep(0)
        received: list[int] = []
        async with asyncio.timeout(5):
            while len(received) < 50:
                received += [entry["event"]["n"] for batch in _event_batches(slow) for entry in batch]
                await asyncio.sleep(0.01)  # the bus tries again shortly
        assert received == list(range(50))
    finally:
        slow.close()
        await bus.stop()


async def test_a_peer_that_reads_nothing_does_not_hold_up_the_others(bus_pair, directory: Path) -> None:
    first, second = bus_pair
    stuck = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    stuck.bind(str(directory / f"{os.getpid()}-stuck.sock"))  # alive, never read
    _announce(stuck, directory, ["t"])
    try:
        there = await _listening(second, "t", 21)
        await _interest_reaches(first, "t", peers=2)
        for number in range(20):  # big datagrams: unread ones fill a sending socket's buffer
            await first.publish("t", {"n": number, "pad": "x" * 50_000})
            await asyncio.sleep(0)
        await first.publish("t", {"n": "last"})
        assert [e["n"] for e in await there] == [*range(20), "last"]
    finally:
        stuck.close()
