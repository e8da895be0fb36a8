"""Deliveries survive an unreachable receiver and a killed server: retried, then delivered once per key."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable
from collections import Counter
from pathlib import Path

import pytest

from tests.handoff.test_handoff_e2e import SECRET, handoff_env, qualify
from tests.support.receiver import WebhookReceiver
from tests.support.server import LiveServer
from tests.support.waiting import eventually


def deliveries(server: LiveServer) -> list[dict]:
    with server.api() as api:
        return api.get("/api/deliveries").json()["deliveries"]


def wait_until(condition: Callable[[], bool], what: str) -> None:
    eventually(condition, bool, what=what)


async def test_receiver_down_then_back_gets_everything_after_retries(tmp_path: Path) -> None:
    receiver = WebhookReceiver(secret=SECRET)  # not listening yet: connections are refused
    server = LiveServer(tmp_path, env=handoff_env(receiver)).start()
    try:
        await qualify(server)
        wait_until(lambda: all(d["attempts"] >= 2 for d in deliveries(server)), what="two failed attempts each")
        failing = deliveries(server)
        assert failing and all(d["status"] == "pending" and d["last_error"] and d["next_attempt_at"] for d in failing)
        with receiver:
            wait_until(lambda: all(d["status"] == "delivered" for d in deliveries(server)), what="delivery")
            with server.api() as api:
                delivered = api.get("/api/deliveries", params={"status": "delivered"}).json()["deliveries"]
    finally:
        server.stop()
    assert len(delivered) == len(failing)
    assert all(d["attempts"] >= 3 and d["last_error"] is None for d in delivered)
    assert Counter(r.key for r in receiver.accepted()) == Counter({d["idempotency_key"]: 1 for d in delivered})
    assert all(r.verified for r in receiver.accepted() if r.path != "/slack")


@pytest.mark.database
async def test_server_killed_mid_retry_delivers_after_restart_once_per_key(tmp_path: Path) -> None:
    receiver = WebhookReceiver(secret=SECRET)
    env = handoff_env(receiver, QUALBOT_OUTBOX_LEASE_SECONDS="1")
    server = LiveServer(tmp_path, env=env).start()
    try:
        await qualify(server)
        wait_until(lambda: all(d["attempts"] >= 1 for d in deliveries(server)), what="a failed attempt each")
        keys = {d["idempotency_key"] for d in deliveries(server)}
        server.stop(signal.SIGKILL)
        assert server.process is not None and server.process.returncode == -signal.SIGKILL
        with receiver:
            server.start()
            wait_until(lambda: all(d["status"] == "delivered" for d in deliveries(server)), what="delivery after restart")
            after = deliveries(server)
            time.sleep(1.5)  # long enough for an expired lease to cause a duplicate, were there one
    finally:
        server.stop()
    assert {d["idempotency_key"] for d in after} == keys
    assert Counter(r.key for r in receiver.accepted()) == Counter({key: 1 for key in keys})
