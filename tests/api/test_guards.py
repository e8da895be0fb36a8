"""Rate limits and size limits on the websocket and the API."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
import websockets

from tests.support.chat import ChatClient
from tests.support.server import LiveServer

pytestmark = pytest.mark.database


@pytest.fixture
def strict_server(tmp_path: Path):
    server = LiveServer(
        tmp_path,
        env={
            "QUALBOT_RATE_LIMIT_WS_CONNECT": "3/minute",
            "QUALBOT_RATE_LIMIT_WS_MESSAGE": "2/minute",
            "QUALBOT_RATE_LIMIT_API": "5/minute",
            "QUALBOT_MAX_BODY_BYTES": "2000",
        },
    ).start()
    yield server
    server.stop()


async def test_chat_connections_per_ip_are_limited(strict_server: LiveServer) -> None:
    clients = [await ChatClient.connect(strict_server.ws_url) for _ in range(3)]
    with pytest.raises(websockets.InvalidStatus) as refused:
        await ChatClient.connect(strict_server.ws_url)
    assert refused.value.response.status_code == 429
    assert int(refused.value.response.headers["Retry-After"]) >= 1
    for client in clients:
        await client.close()


async def test_messages_per_conversation_are_limited_and_the_connection_stays(strict_server: LiveServer) -> None:
    client = await ChatClient.connect(strict_server.ws_url)
    await client.until_question()
    await client.say("We lose inbound leads because nobody replies fast enough.")
    await client.say("About $10k a year.")
    await client.send({"type": "message", "text": "I'm the CEO."})
    error = await client.recv()
    assert error["type"] == "error" and error["code"] == "rate_limited" and "try again" in error["message"]
    await client.send({"type": "ping"})
    assert (await client.recv())["type"] == "pong"
    await client.close()


def test_api_calls_per_key_are_limited(strict_server: LiveServer) -> None:
    with strict_server.api() as api:
        codes = [api.get("/api/leads").status_code for _ in range(6)]
    assert codes[:5] == [200] * 5
    assert codes[5] == 429
    other = httpx.get(f"{strict_server.base_url}/api/leads", headers={"Authorization": "Bearer someone-else"})
    assert other.status_code == 401, "another key has its own budget"


def test_oversized_bodies_are_refused(strict_server: LiveServer) -> None:
    with strict_server.api() as api:
        big = api.post("/api/conversations/x/messages", content=b"{" + b" " * 5000 + b"}", headers={"content-type": "application/json"})

        def chunks():
            for _ in range(5):
                yield b" " * 1000

        streamed = api.post("/api/conversations/x/messages", content=chunks(), headers={"content-type": "application/json"})
    for response in (big, streamed):
        assert response.status_code == 413
        assert response.json()["error"]["code"] == "body_too_large"
