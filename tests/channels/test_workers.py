"""``qualbot serve --workers N``: several processes on one port, supervised, drained together."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.chat import ChatClient
from tests.support.server import LiveServer
from tests.support.waiting import eventually


def _workers(parent: int) -> set[int]:
    children = Path(f"/proc/{parent}/task/{parent}/children")
    return {int(pid) for pid in children.read_text().split()} if children.exists() else set()


@pytest.mark.postgres_only
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
        server.process.send_signal(signal.SIGTERM)
        # open chats are told to reconnect by whichever worker holds them, then everything exits
        told = await asyncio.gather(*(v.recv(timeout=15) for v in visitors))
        assert all(frame == {"type": "reconnect"} for frame in told)
        assert server.process.wait(timeout=20) == 0
        assert not any(Path(f"/proc/{pid}").exists() for pid in workers)
    finally:
        server.stop()


def test_several_workers_on_sqlite_are_refused_with_the_reason(tmp_path: Path) -> None:
    env = {**os.environ, "QUALBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/q.db", "QUALBOT_DATA_DIR": str(tmp_path)}
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "bot", "serve", "--workers", "2", "--port", "1"],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 1
    assert "QUALBOT_WORKERS > 1 needs PostgreSQL" in done.stderr
    assert time.monotonic() - started < 60
