"""Test helpers for the email channel: a capturing SMTP relay, a qualbot with email configured,
and builders of reply messages."""

from __future__ import annotations

import email
import smtplib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from aiosmtpd.controller import Controller

from tests.support.server import LiveServer, free_port

REPLY_DOMAIN = "reply.qualbot.test"
SECRET = "inbound-secret-for-tests"


@dataclass
class Relay:
    """An SMTP server standing for the company's outgoing relay: keeps every message it is given."""

    messages: list[tuple[str, list[str], EmailMessage]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    port: int = 0
    refuse: bool = False  # answer 451 to every message (an outage)

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802
        if self.refuse:
            return "451 4.3.0 relay unavailable"
        msg = email.message_from_bytes(envelope.content, policy=policy.default)  # type: ignore[attr-defined]
        with self.lock:
            self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), msg))  # type: ignore[attr-defined]
        return "250 OK"

    def wait(self, count: int, timeout: float = 15.0) -> list[EmailMessage]:
        """Wait until ``count`` messages arrived; return all messages so far."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.messages) >= count:
                    return [m for _, _, m in self.messages]
            time.sleep(0.05)
        raise AssertionError(f"relay got {len(self.messages)} messages, expected {count}")


@contextmanager
def relay() -> Iterator[Relay]:
    """A running :class:`Relay` on a free loopback port."""
    handler = Relay()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    try:
        yield handler
    finally:
        controller.stop()


def email_env(relay_port: int, smtp_listen_port: int, **extra: str) -> dict[str, str]:
    """Environment for a qualbot that sends through the test relay and receives on a free port."""
    return {
        "QUALBOT_SMTP_HOST": "127.0.0.1",
        "QUALBOT_SMTP_PORT": str(relay_port),
        "QUALBOT_SMTP_SECURITY": "none",
        "QUALBOT_EMAIL_FROM": "Sam from Acme Sales <sales@vendor.test>",
        "QUALBOT_REPLY_DOMAIN": REPLY_DOMAIN,
        "QUALBOT_SMTP_LISTEN": f"127.0.0.1:{smtp_listen_port}",
        "QUALBOT_INBOUND_SECRET": SECRET,
        "QUALBOT_EMAIL_SCHEDULER_INTERVAL_SECONDS": "0.2",
        "QUALBOT_EMAIL_FOLLOWUP_SPACING_SECONDS": "3600",
        "QUALBOT_EMAIL_RETRY_BASE_SECONDS": "0.5",
        **extra,
    }


@dataclass
class EmailStack:
    """A live qualbot wired to a relay; ``smtp_port`` is its own SMTP receiver."""

    server: LiveServer
    relay: Relay
    smtp_port: int

    def send(self, raw: bytes, to: str, sender: str = "dana@acmecorp.io") -> None:
        """Deliver ``raw`` to qualbot's receiver over SMTP."""
        with smtplib.SMTP("127.0.0.1", self.smtp_port, timeout=10) as smtp:
            smtp.sendmail(sender, [to], raw)


@contextmanager
def email_stack(workdir: Path, **extra: str) -> Iterator[EmailStack]:
    """A relay and a ``qualbot serve`` subprocess configured for email."""
    with relay() as r:
        port = free_port()
        server = LiveServer(workdir, env=email_env(r.port, port, **extra)).start()
        try:
            yield EmailStack(server, r, port)
        finally:
            server.stop()


def body_text(msg: EmailMessage) -> str:
    """The plain-text part of a message qualbot sent."""
    part = msg.get_body(preferencelist=("plain",))
    assert part is not None
    return part.get_content().replace("\r\n", "\n")


def html_text(msg: EmailMessage) -> str:
    """The HTML part of a message qualbot sent."""
    part = msg.get_body(preferencelist=("html",))
    assert part is not None
    return part.get_content().replace("\r\n", "\n")


def reply_to(original: EmailMessage, text: str, *, sender: str = "Dana Smith <dana@acmecorp.io>",
             quote: bool = True, headers: dict[str, str] | None = None, keep_threading: bool = True) -> bytes:
    """A reply to ``original`` written like a mail client would: the new text, then the quoted original."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = str(original["Reply-To"])
    msg["Subject"] = "Re: " + str(original["Subject"])
    msg["Message-ID"] = make_msgid(domain="acmecorp.io")
    msg["Date"] = formatdate(localtime=False)
    if keep_threading:
        msg["In-Reply-To"] = str(original["Message-ID"])
        msg["References"] = str(original["Message-ID"])
    for name, value in (headers or {}).items():
        msg[name] = value
    body = text
    if quote:
        quoted = "\n".join("> " + line for line in body_text(original).splitlines())
        body += f"\n\nOn Mon, 23 Nov 2026 at 10:00, Sam from Acme Sales <sales@vendor.test> wrote:\n{quoted}\n"
    msg.set_content(body)
    return msg.as_bytes(policy=policy.SMTP)


def message(text: str | None = "", *, sender: str = "Dana Smith <dana@acmecorp.io>", to: str = "",
            subject: str = "Re: Quick question", headers: dict[str, str] | None = None,
            message_id: str | None = None) -> EmailMessage:
    """A plain email from a prospect (add parts to it for MIME tests)."""
    msg = EmailMessage()
    msg["From"] = sender
    if to:
        msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = message_id or make_msgid(domain="acmecorp.io")
    msg["Date"] = formatdate(localtime=False)
    for name, value in (headers or {}).items():
        msg[name] = value
    if text is not None:
        msg.set_content(text)
    return msg
