"""A scriptable OpenAI-compatible chat-completions server for tests, run by a real uvicorn on loopback.

Each test scripts what the next requests get (:meth:`FakeOpenAI.script`): a JSON answer (sent as
message content, or as a tool call when the request forces one), raw content, a hang, or an HTTP
error. The last step repeats, so a scripted 429 answers the client's retries too. Every request is
recorded (headers and JSON body) for assertions.

Use the ``fake_openai`` fixture (``tests/extract/conftest.py`` imports it); the server is
shared per test module and reset before each test.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.support.server import free_port


@dataclass(frozen=True)
class Reply:
    """Answer with ``answer`` as JSON: message content, or tool-call arguments when a tool is forced."""

    answer: Any
    prompt_tokens: int = 120
    completion_tokens: int = 30


@dataclass(frozen=True)
class Content:
    """Answer with this exact message content (e.g. something that is not JSON)."""

    content: str
    finish_reason: str = "stop"  # "length": the answer was cut at the token limit


@dataclass(frozen=True)
class Hang:
    """Answer nothing for ``seconds`` (or until the test ends), then a valid empty answer."""

    seconds: float = 30.0


@dataclass(frozen=True)
class Status:
    """Answer with an HTTP error status and an OpenAI-style error body."""

    code: int
    retry_after_ms: int | None = 20  # keeps the client's retry back-off short in tests


Step = Reply | Content | Hang | Status


@dataclass
class Recorded:
    """One request the server received."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    def messages(self, role: str) -> list[str]:
        """The text of the request's chat messages with ``role``."""
        return [m["content"] for m in self.body.get("messages", []) if m.get("role") == role]


@dataclass
class FakeOpenAI:
    """The scripted server's state, shared between the test and the server thread."""

    base_url: str = ""
    requests: list[Recorded] = field(default_factory=list)
    _steps: list[Step] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _release: threading.Event = field(default_factory=threading.Event)

    def script(self, *steps: Step) -> None:
        """Answer the next requests with ``steps`` in order; the last one repeats."""
        with self._lock:
            self._steps = list(steps)

    def reset(self) -> None:
        """Forget requests and script; let any hanging request finish."""
        self._release.set()
        with self._lock:
            self.requests.clear()
            self._steps = [Reply({})]
        self._release = threading.Event()

    def _next(self) -> Step:
        with self._lock:
            return self._steps.pop(0) if len(self._steps) > 1 else self._steps[0]

    async def _chat(self, request: Request) -> Response:
        body = await request.json()
        with self._lock:
            self.requests.append(Recorded(request.url.path, dict(request.headers), body))
        step = self._next()
        if isinstance(step, Hang):
            release, deadline = self._release, time.monotonic() + step.seconds
            while not release.is_set() and time.monotonic() < deadline:
                await asyncio.sleep(0.02)
            return JSONResponse(_completion(body, "{}", 0, 0))
        if isinstance(step, Status):
            headers = {"retry-after-ms": str(step.retry_after_ms)} if step.retry_after_ms is not None else {}
            error = {"error": {"message": f"scripted {step.code}", "type": "server_error", "code": None}}
            return JSONResponse(error, status_code=step.code, headers=headers)
        if isinstance(step, Content):
            return JSONResponse(_completion(body, step.content, 100, 10, step.finish_reason))
        return JSONResponse(_completion(body, json.dumps(step.answer), step.prompt_tokens, step.completion_tokens))


def _completion(
    request: dict[str, Any], text: str, prompt: int, completion: int, finish: str = "stop"
) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": text}
    forced = request.get("tool_choice")
    if request.get("tools") and isinstance(forced, dict):
        name = forced.get("function", {}).get("name", request["tools"][0]["function"]["name"])
        message = {
            "role": "assistant",
            "content": None,
            "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": name, "arguments": text}}],
        }
        finish = "tool_calls" if finish == "stop" else finish
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": request.get("model", "fake"),
        "choices": [{"index": 0, "message": message, "finish_reason": finish, "logprobs": None}],
        "usage": {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion},
    }


@pytest.fixture(scope="module")
def fake_openai_server() -> Iterator[FakeOpenAI]:
    fake = FakeOpenAI()
    fake.reset()
    app = Starlette(routes=[Route("/v1/chat/completions", fake._chat, methods=["POST"])])
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("fake OpenAI server did not start")
        time.sleep(0.01)
    fake.base_url = f"http://127.0.0.1:{port}/v1"
    yield fake
    fake.reset()
    server.should_exit = True
    thread.join(timeout=5)


@pytest.fixture
def fake_openai(fake_openai_server: FakeOpenAI) -> Iterator[FakeOpenAI]:
    """The fake OpenAI server, with no requests recorded and an empty answer scripted."""
    fake_openai_server.reset()
    yield fake_openai_server
    fake_openai_server.reset()
