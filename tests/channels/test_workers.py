"""``qualbot serve --workers N``: several processes on one port, supervised, drained together."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path


from tests.support.chat import ChatClient
from tests.support.server import LiveServer
from tests.support.waiting import eventually


def _workers(parent: int) -> set[int]:
    children = Path(f"/proc/{parent}/task/{parent}/children")
    return {int(pid) for pid in children.read_text().split()} if children.exists() else set()


def _connections(workers: set[int], port: int) -> dict[int, int]:
    """How many established connections to ``port`` each worker process holds (from /proc)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            columns = line.split()
            if columns[3] == "01" and int(columns[1].rsplit(":", 1)[1], 16) == port:  # 01: ESTABLISHED
                inodes.add(columns[9])
    held = {}
    for pid in workers:
        links = []
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            with contextlib.suppress(OSError):
                links.append(os.readlink(fd))
        held[pid] = sum(1 for link in links if link.startswith("socket:[") and link[8:-1] in inodes)
    return held


async def test_workers_share_the_port_replace_a_dead_one_and_drain_on_sigterm(tmp_path: Path, database_url: str) -> None:
    server = LiveServer(tmp_path, database_url=database_url, env={"QUALBOT_WORKERS": "2"}).start()
    try:
        assert server.process is not None
        parent = server.process.pid
        first = _workers(parent)
        assert len(first) == 2

        victim = sorted(first)[0]
        os.kill(victim, signal.SIGKILL)
        eventually(lambda: _workers(parent), lambda now: len(now) == 2 and victim not in now, what="a replacement worker")

        visitors = [await ChatClient.connect(server.ws_url) for _ in range(6)]
        for visitor in visitors:  # every visitor, whichever process took it, gets through a turn
            await visitor.until_question()
            frames = await visitor.say("We lose inbound leads because nobody replies fast enough.")
            assert frames[-1]["type"] == "bot" and frames[-1]["field"]

        workers = _workers(parent)
        # each worker listens on its own SO_REUSEPORT socket: the kernel spreads connections over them
        more = [await ChatClient.connect(server.ws_url) for _ in range(34)]
        spread = _connections(workers, server.port)
        assert sum(spread.values()) == 40 and min(spread.values()) >= 6, spread
        for visitor in more:
            await visitor.close()

        server.process.send_signal(signal.SIGTERM)
        # open chats are told to reconnect by whichever worker holds them, then everything exits
        told = await asyncio.gather(*(v.recv(timeout=15) for v in visitors))
        assert all(frame == {"type": "reconnect"} for frame in told)
        assert server.process.wait(timeout=20) == 0
        assert not any(Path(f"/proc/{pid}").exists() for pid in workers)
    finally:
        server.stop()


def test_workers_refuse_a_port_another_server_holds(tmp_path: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        env = {**os.environ, "QUALBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/q.db", "QUALBOT_DATA_DIR": str(tmp_path)}
        done = subprocess.run(
            [sys.executable, "-m", "bot", "serve", "--workers", "2", "--port", str(port)],
            env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    assert done.returncode != 0
    assert "Address already in use" in done.stderr
