"""No secret reaches the logs: API keys, LLM keys, resume tokens, bearer credentials."""

from __future__ import annotations

import logging
from pathlib import Path

import httpx
import pytest

from bot.logs import RedactSecrets, redact
from tests.support.chat import ChatClient
from tests.support.fake_openai import FakeOpenAI, Status
from tests.support.server import LiveServer

pytestmark = pytest.mark.database


async def test_a_busy_server_logs_no_secret(tmp_path: Path, fake_openai: FakeOpenAI) -> None:
    llm_key = "sk-proj-" + "Z" * 40
    fake_openai.script(Status(500))
    server = LiveServer(
        tmp_path,
        env={
            "QUALBOT_EXTRACTOR": "llm",
            "QUALBOT_LLM_BASE_URL": fake_openai.base_url,
            "QUALBOT_LLM_API_KEY": llm_key,
            "QUALBOT_LLM_MAX_RETRIES": "0",
            "QUALBOT_LOG_LEVEL": "DEBUG",
        },
    ).start()
    try:
        client = await ChatClient.connect(server.ws_url)
        frames = await client.until_question()
        token = frames[0]["resume_token"]
        await client.say("We lose inbound leads because nobody replies fast enough.")
        await client.close()
        again = await ChatClient.connect(server.ws_url, f"resume={token}")
        await again.until_question()
        await again.close()
        with server.api() as api:
            assert api.get("/api/leads").status_code == 200
        httpx.get(f"{server.base_url}/api/leads", headers={"Authorization": "Bearer qb_guessed_but_wrong_key_123"})
        httpx.get(f"{server.base_url}/api/leads?api_key={server.api_key}")
    finally:
        server.stop()
    log = server.log()
    assert "WebSocket /ws/chat" in log, "the log is really being written"
    assert fake_openai.requests, "the LLM was called (and failed), so its client logged"
    for secret in (llm_key, server.api_key, token, "qb_guessed_but_wrong_key_123"):
        assert secret not in log, f"a secret leaked into the log: {secret[:6]}…"


def test_redaction_masks_known_values_and_token_shapes() -> None:
    assert redact("GET /ws/chat?resume=rt_abcdefghijkl&flow=x") == "GET /ws/chat?resume=***&flow=x"
    assert redact("Authorization: Bearer abc.def") == "Authorization: Bearer ***"
    assert redact("key qb_0123456789abcdef in text") == "key qb_*** in text"
    assert redact("password hunter22 here", ["hunter22"]) == "password *** here"
    assert redact("nothing secret at all") == "nothing secret at all"


def test_the_filter_rewrites_records_with_arguments_and_tracebacks() -> None:
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "token %s failed", ("rt_aaaaaaaaaaaa",), None)
    try:
        raise ValueError("with sk-abcdefghijklmnop inside")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    assert RedactSecrets().filter(record)
    assert record.getMessage() == "token rt_*** failed"
    assert "sk-abcdefghijklmnop" not in record.exc_text and "sk-***" in record.exc_text
