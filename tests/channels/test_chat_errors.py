"""Bad input on the websocket gets an error frame; the connection stays usable and nothing stored is lost."""

from __future__ import annotations

import json

import pytest

from tests.support.chat import ChatClient
from tests.support.server import LiveServer


async def _transcript(server: LiveServer, client: ChatClient) -> list[dict]:
    with server.api() as api:
        leads = api.get("/api/leads").json()["leads"]
        records = [api.get(f"/api/leads/{lead['id']}").json() for lead in leads]
    conversation = client.session["conversation_id"]
    return [m for r in records for m in r["transcript"] if m["conversation_id"] == conversation]


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("this is not json", "invalid_json"),
        ("[1, 2]", "invalid_frame"),
        (json.dumps({"type": "shout", "text": "hi"}), "unknown_type"),
        (json.dumps({"type": "message", "text": "   "}), "empty_message"),
        (json.dumps({"type": "message"}), "empty_message"),
        (json.dumps({"type": "message", "text": "x" * 5000}), "message_too_long"),
        (json.dumps({"type": "message", "text": "é" * 2100}), "message_too_long"),
        (json.dumps({"type": "event", "name": "rm -rf"}), "unknown_event"),
        (json.dumps({"type": "message", "text": "y" * 40000}), "frame_too_large"),
    ],
)
async def test_bad_frame_gets_error_and_connection_stays_usable(live_server: LiveServer, frame: str, code: str) -> None:
    client = await ChatClient.connect(live_server.ws_url)
    frames = await client.until_question()
    pending = frames[-1]["field"]
    await client.send(frame)
    error = await client.recv()
    assert error["type"] == "error" and error["code"] == code and error["message"]

    before = await _transcript(live_server, client)
    frames = await client.say("We lose leads at night and need to qualify them faster.")
    assert frames[-1]["type"] == "bot" and frames[-1]["field"] != pending, "the good message was understood"
    after = await _transcript(live_server, client)
    assert after[: len(before)] == before, "nothing stored was lost"
    assert [m["role"] for m in after[len(before) :]][0] == "prospect"
    await client.close()


async def test_binary_frame_is_refused(live_server: LiveServer) -> None:
    client = await ChatClient.connect(live_server.ws_url)
    await client.until_question()
    await client.connection.send(b"\x00\x01")
    error = await client.recv()
    assert error["code"] == "binary_not_supported"
    await client.say("yes we need this, our leads go cold")
    await client.close()


async def test_unknown_flow_then_start_works(live_server: LiveServer) -> None:
    client = await ChatClient.connect(live_server.ws_url, "flow=no-such-flow")
    error = await client.recv()
    assert error["type"] == "error" and error["code"] == "unknown_flow"
    await client.send({"type": "message", "text": "hello?"})
    assert (await client.recv())["code"] == "no_conversation"
    await client.send({"type": "start", "flow": "bant"})
    frames = await client.until_question()
    assert frames[0]["type"] == "session" and frames[-1]["field"]
    await client.close()


async def test_unknown_resume_token_then_resume_works(live_server: LiveServer) -> None:
    first = await ChatClient.connect(live_server.ws_url)
    frames = await first.until_question()
    token, pending = frames[0]["resume_token"], frames[-1]["field"]
    await first.close()

    client = await ChatClient.connect(live_server.ws_url, "resume=rt_not-a-real-token")
    error = await client.recv()
    assert error["code"] == "unknown_resume_token"
    await client.send({"type": "resume", "resume_token": token})
    frames = await client.until_question()
    assert frames[0]["conversation_id"] == first.session["conversation_id"]
    assert frames[-1]["field"] == pending
    await client.close()


async def test_page_view_event_is_accepted(live_server: LiveServer) -> None:
    client = await ChatClient.connect(live_server.ws_url)
    await client.until_question()
    await client.send({"type": "event", "name": "page_view", "url": "https://example.com/pricing"})
    await client.send({"type": "ping"})
    assert (await client.recv())["type"] == "pong", "events are acknowledged silently"
    await client.close()
