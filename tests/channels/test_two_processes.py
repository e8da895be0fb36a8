"""Two server processes over one database (SQLite file or PostgreSQL): no conversation state lives in a process."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.chat import ChatClient
from tests.support.server import LiveServer


@pytest.fixture
def two_servers(tmp_path: Path, database_url: str) -> Iterator[tuple[LiveServer, LiveServer]]:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = LiveServer(tmp_path / "a", database_url=database_url).start()
    second = LiveServer(tmp_path / "b", database_url=database_url, env={"QUALBOT_API_KEY": first.api_key})
    second.api_key = first.api_key
    second.start()
    try:
        yield first, second
    finally:
        first.stop()
        second.stop()


async def test_takeover_from_another_process_reaches_the_visitor_live(two_servers) -> None:
    first, second = two_servers
    visitor = await ChatClient.connect(first.ws_url)
    frames = await visitor.until_question()
    conversation = frames[0]["conversation_id"]

    with second.api() as api:
        assert api.post(f"/api/conversations/{conversation}/takeover", json={"agent": "Ana"}).status_code == 200
        joined = await visitor.recv(timeout=5)
        assert joined == {"type": "status", "state": "agent_joined", "name": "Ana"}
        api.post(f"/api/conversations/{conversation}/messages", json={"agent": "Ana", "text": "Hello from process B"})
    assert await visitor.recv(timeout=5) == {"type": "agent", "text": "Hello from process B", "name": "Ana"}
    await visitor.close()


async def test_visitor_reconnecting_to_the_other_process_resumes(two_servers) -> None:
    first, second = two_servers
    visitor = await ChatClient.connect(first.ws_url)
    frames = await visitor.until_question()
    token, first_question = frames[0]["resume_token"], frames[-1]["field"]
    frames = await visitor.say("We lose inbound leads because nobody replies fast enough.")
    pending = frames[-1]["field"]
    assert pending != first_question
    await visitor.close()

    again = await ChatClient.connect(second.ws_url, f"resume={token}")
    frames = await again.until_question()
    assert frames[0]["conversation_id"] == visitor.session["conversation_id"]
    assert frames[-1]["field"] == pending
    frames = await again.say("About $30,000 a year is set aside.")
    assert frames[-1]["field"] not in (pending, first_question)
    await again.close()
    await asyncio.sleep(0)
