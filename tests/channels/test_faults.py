"""Faults: a hanging LLM, a database outage, and a shutdown while a turn is in flight."""

from __future__ import annotations

import asyncio
import signal
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.support.chat import ChatClient
from tests.support.databases import create_postgres_database
from tests.support.fake_openai import FakeOpenAI, Hang
from tests.support.server import LiveServer
from tests.support.tcpproxy import TcpProxy

pytestmark = pytest.mark.database

CLEAR_NEED = "We lose inbound leads because nobody replies fast enough."


def llm_env(fake: FakeOpenAI, timeout: float) -> dict[str, str]:
    return {
        "QUALBOT_EXTRACTOR": "llm",
        "QUALBOT_LLM_BASE_URL": fake.base_url,
        "QUALBOT_LLM_API_KEY": "sk-test-not-a-real-key",
        "QUALBOT_LLM_TIMEOUT_SECONDS": str(timeout),
        "QUALBOT_LLM_MAX_RETRIES": "0",
    }


async def test_hanging_llm_falls_back_within_the_bound(tmp_path: Path, fake_openai: FakeOpenAI) -> None:
    fake_openai.script(Hang(30))
    server = LiveServer(tmp_path, env=llm_env(fake_openai, timeout=1.0)).start()
    try:
        client = await ChatClient.connect(server.ws_url)
        frames = await client.until_question()
        asked = frames[-1]["field"]
        started = time.monotonic()
        frames = await client.say(CLEAR_NEED)
        elapsed = time.monotonic() - started
        assert elapsed < 1.0 + 1.5, f"turn took {elapsed:.2f}s with a 1s LLM timeout"
        assert [f["type"] for f in frames] == ["typing", "bot"], "a slow answer shows the typing dots first"
        assert frames[-1]["field"] != asked, "the rules fallback understood the answer"
        assert fake_openai.requests, "the LLM was asked first"
        await client.close()
        assert "sk-test-not-a-real-key" not in server.log()
    finally:
        server.stop()


async def test_shutdown_finishes_the_turn_in_flight_then_asks_to_reconnect(
    tmp_path: Path, fake_openai: FakeOpenAI
) -> None:
    fake_openai.script(Hang(1.5))  # the turn is still being worked on when the signal comes
    server = LiveServer(tmp_path, env=llm_env(fake_openai, timeout=10))
    server.start()
    client = await ChatClient.connect(server.ws_url)
    frames = await client.until_question()
    token = frames[0]["resume_token"]
    await client.send({"type": "message", "text": "hmm, let me think about how to put it"})
    assert (await client.recv())["type"] == "typing"
    await asyncio.sleep(0.3)
    stopping = asyncio.to_thread(server.stop, signal.SIGTERM)
    task = asyncio.ensure_future(stopping)
    rest = []
    while not rest or rest[-1]["type"] != "reconnect":
        rest.append(await client.recv(timeout=10))
    assert [f["type"] for f in rest][:1] == ["bot"], "the in-flight turn was answered before the drain"
    await task

    server.start()
    try:
        again = await ChatClient.connect(server.ws_url, f"resume={token}")
        frames = await again.until_question()
        assert frames[0]["type"] == "session"
        with server.api() as api:
            lead = api.get("/api/leads").json()["leads"][0]
            transcript = api.get(f"/api/leads/{lead['id']}").json()["transcript"]
        said = [m["text"] for m in transcript if m["role"] == "prospect"]
        assert said == ["hmm, let me think about how to put it"], "stored once, not lost"
        await again.close()
    finally:
        server.stop()


@pytest.mark.postgres_only
async def test_database_outage_keeps_the_message_and_the_conversation_goes_on(tmp_path: Path) -> None:
    direct = create_postgres_database()
    parts = urlsplit(direct)
    proxy = TcpProxy(parts.hostname or "127.0.0.1", parts.port or 5432).start()
    proxied = direct.replace(f"{parts.hostname}:{parts.port}", f"127.0.0.1:{proxy.port}")
    server = LiveServer(tmp_path, database_url=proxied).start()
    try:
        client = await ChatClient.connect(server.ws_url)
        frames = await client.until_question()
        asked = frames[-1]["field"]

        proxy.cut()
        await client.send({"type": "message", "text": CLEAR_NEED})
        delayed = await client.recv(timeout=10)
        if delayed["type"] == "typing":  # the turn outlasted the typing delay before the outage was noticed
            delayed = await client.recv(timeout=10)
        assert delayed["type"] == "status" and delayed["state"] == "delayed" and delayed["message"]
        await asyncio.sleep(2)
        proxy.restore()
        frames = await client.until_question(timeout=30)
        assert frames[-1]["type"] == "bot" and frames[-1]["field"] not in (None, asked)
        await client.close()

        with server.api() as api:
            lead = api.get("/api/leads").json()["leads"][0]
            transcript = api.get(f"/api/leads/{lead['id']}").json()["transcript"]
        assert [m["text"] for m in transcript if m["role"] == "prospect"] == [CLEAR_NEED]
    finally:
        server.stop()
        proxy.stop()
