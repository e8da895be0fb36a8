"""A real webhook receiver on loopback: a threaded stdlib HTTP server that records every request.

It can answer with failures for the next N requests, be taken down (the port refuses
connections) and brought back on the same port, and, given a secret, checks each request's
signature twice: with ``bot.handoff.webhooks.verify`` and with its own HMAC computation.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from bot.handoff.webhooks import verify
from tests.support.server import free_port


@dataclass
class Received:
    """One request as the receiver saw it, and the status it answered."""

    path: str
    headers: dict[str, str]
    body: bytes
    status: int
    at: float
    verified: bool | None = None  # None: unsigned, or no secret to check against

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def key(self) -> str | None:
        return self.headers.get("idempotency-key")


def independent_hmac_ok(secret: bytes, header: str, body: bytes) -> bool:
    """The signature check written from docs/webhooks.md alone, not using qualbot's code."""
    fields = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    expected = hmac.new(secret, fields.get("t", "").encode() + b"." + body, hashlib.sha256).hexdigest()
    return "t" in fields and hmac.compare_digest(expected, fields.get("v1", ""))


@dataclass
class WebhookReceiver:
    """Records POSTs; ``fail(n)`` answers the next n with an error; ``down()``/``up()`` stop and restart it."""

    secret: bytes | None = None
    port: int = field(default_factory=free_port)
    requests: list[Received] = field(default_factory=list)
    _failures: int = 0
    _failure_status: int = 500
    _server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str = "/hooks") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def fail(self, times: int, status: int = 500) -> None:
        """Answer the next ``times`` requests with ``status``."""
        with self._lock:
            self._failures, self._failure_status = times, status

    def up(self) -> "WebhookReceiver":
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, verified = receiver._answer(headers, body)
                receiver.requests.append(Received(self.path, headers, body, status, time.monotonic(), verified))
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        ThreadingHTTPServer.allow_reuse_address = True
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def down(self) -> None:
        """Stop listening: connections to the port are refused until :meth:`up`."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def _answer(self, headers: dict[str, str], body: bytes) -> tuple[int, bool | None]:
        verified = None
        signature = headers.get("x-qualbot-signature")
        if self.secret is not None and signature is not None:  # Slack messages are not signed
            ours = verify(self.secret, signature, body, now=int(time.time()))
            verified = ours and independent_hmac_ok(self.secret, signature, body)
        with self._lock:
            if self._failures > 0:
                self._failures -= 1
                return self._failure_status, verified
        return (200 if verified in (None, True) else 401), verified

    def accepted(self, path: str | None = None) -> list[Received]:
        """Requests answered with 2xx (optionally only those to ``path``)."""
        return [r for r in self.requests if 200 <= r.status < 300 and (path is None or r.path == path)]

    def wait_for(self, condition: Callable[[], bool], timeout: float = 15.0, what: str = "requests") -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}; received {[(r.path, r.status) for r in self.requests]}")
            time.sleep(0.05)

    def __enter__(self) -> "WebhookReceiver":
        return self.up()

    def __exit__(self, *exc: object) -> None:
        self.down()


class MailSink:
    """A real SMTP server (aiosmtpd) on loopback that keeps every message it is given."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.port = free_port()
        self.messages: list[Any] = []
        sink = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
                from email import message_from_bytes, policy

                sink.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content, policy=policy.default)))
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> "MailSink":
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()

    def wait_for(self, count: int, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {count} emails; got {len(self.messages)}")
            time.sleep(0.05)
