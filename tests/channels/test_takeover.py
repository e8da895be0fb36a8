"""A person takes a live chat over: the bot pauses, the visitor sees the person's messages at once, then the bot returns."""

from __future__ import annotations

import asyncio

from tests.support.chat import ChatClient
from tests.support.server import LiveServer


async def test_takeover_message_and_hand_back(live_server: LiveServer) -> None:
    client = await ChatClient.connect(live_server.ws_url)
    frames = await client.until_question()
    conversation = frames[0]["conversation_id"]
    pending = frames[-1]["field"]

    with live_server.api() as api:
        assert api.post(f"/api/conversations/{conversation}/messages", json={"agent": "Dana", "text": "hi"}).status_code == 409
        assert api.post(f"/api/conversations/{conversation}/takeover", json={"agent": "Dana"}).status_code == 200
    joined = await client.recv()
    assert joined == {"type": "status", "state": "agent_joined", "name": "Dana"}

    with live_server.api() as api:
        sent = api.post(
            f"/api/conversations/{conversation}/messages", json={"agent": "Dana", "text": "Hi, I'm Dana from sales <b>!</b>"}
        )
    assert sent.status_code == 201
    agent = await client.recv()
    assert agent == {"type": "agent", "text": "Hi, I'm Dana from sales <b>!</b>", "name": "Dana"}

    await client.send({"type": "message", "text": "Great. We lose inbound leads because nobody replies fast enough, can you help?"})
    with_bot_paused = await asyncio.wait_for(_quiet(client), 3)
    assert with_bot_paused == [], "the bot says nothing while a person has the conversation"

    with live_server.api() as api:
        back = api.post(f"/api/conversations/{conversation}/handback", json={"agent": "Dana"})
        assert back.status_code == 200
    left = await client.recv()
    assert left["type"] == "status" and left["state"] == "agent_left"
    question = await client.until_question()
    assert question[-1]["type"] == "bot" and question[-1]["field"] and question[-1]["field"] != pending, (
        "need was answered while the person had the chat, so the bot moves on"
    )
    await client.close()

    with live_server.api() as api:
        leads = api.get("/api/leads").json()["leads"]
        transcript = api.get(f"/api/leads/{leads[0]['id']}").json()["transcript"]
    roles = [m["role"] for m in transcript]
    assert "agent" in roles and roles.index("agent") < len(roles) - 1
    facts_need = [m for m in transcript if m["role"] == "prospect"]
    assert facts_need and "inbound leads" in facts_need[0]["text"]


async def _quiet(client: ChatClient) -> list[dict]:
    """Frames that arrive within a second (there should be none)."""
    frames = []
    try:
        while True:
            frames.append(await client.recv(timeout=1.0))
    except asyncio.TimeoutError:
        return frames


async def test_no_typing_dots_while_a_person_has_the_conversation(tmp_path) -> None:  # type: ignore[no-untyped-def]
    server = LiveServer(tmp_path, env={"QUALBOT_TYPING_DELAY_SECONDS": "0"}).start()  # dots at once for the bot
    try:
        client = await ChatClient.connect(server.ws_url)
        frames = await client.until_question()
        conversation = frames[0]["conversation_id"]
        assert [f["type"] for f in await client.say("We lose leads at night.")][0] == "typing"
        with server.api() as api:
            assert api.post(f"/api/conversations/{conversation}/takeover", json={"agent": "Dana"}).status_code == 200
        assert (await client.recv())["state"] == "agent_joined"
        await client.send({"type": "message", "text": "Hello Dana, are you there?"})
        assert await asyncio.wait_for(_quiet(client), 3) == []
        await client.close()

        again = await ChatClient.connect(server.ws_url, f"resume={frames[0]['resume_token']}")  # resumed: still with Dana
        opened = await asyncio.wait_for(_quiet(again), 3)
        assert {"type": "status", "state": "agent_joined"} in opened, opened
        await again.send({"type": "message", "text": "Still there?"})
        assert await asyncio.wait_for(_quiet(again), 3) == []
        await again.close()
    finally:
        server.stop()
