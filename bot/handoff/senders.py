"""The IO of one delivery attempt: a signed webhook POST, a Slack incoming-webhook POST, or an SMTP email.

Each sender turns what happened into an :class:`Attempt` and never raises for a failed
delivery: the outbox decides what to do next (retry later, give up).
"""

from __future__ import annotations

import email.utils
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

import aiosmtplib
import httpx

from bot.channels.email.outbound import SmtpSender
from bot.config import Settings
from bot.handoff.models import Delivery
from bot.handoff.notify import build_email
from bot.handoff.slack import slack_message
from bot.handoff.webhooks import IDEMPOTENCY_HEADER, encode_body, webhook_headers

_ERROR_CHARS = 500


@dataclass(frozen=True)
class Attempt:
    """The result of one attempt: delivered or not, the status code, the error, and when to retry at the earliest."""

    ok: bool
    status_code: int | None = None
    error: str | None = None
    retry_after: float | None = None  # seconds the destination asked us to wait (HTTP Retry-After)
    permanent: bool = False  # retrying cannot help (e.g. a recipient the mail server refuses)


class Sender(Protocol):
    """Delivers one row of one ``kind``."""

    async def send(self, delivery: Delivery, now: datetime) -> Attempt: ...


class WebhookSender:
    """POSTs the payload, signed with the webhook secret, to the row's URL."""

    def __init__(self, client: httpx.AsyncClient, secret: bytes) -> None:
        self.client = client
        self.secret = secret

    async def send(self, delivery: Delivery, now: datetime) -> Attempt:
        body = encode_body(delivery.payload)
        headers = webhook_headers(
            self.secret,
            event=delivery.event,
            idempotency_key=delivery.idempotency_key,
            body=body,
            timestamp=int(now.timestamp()),
        )
        return await _post(self.client, delivery.target, body, headers)


class SlackSender:
    """POSTs a Slack message built from the payload to the configured incoming webhook."""

    def __init__(self, client: httpx.AsyncClient, url: str | None) -> None:
        self.client = client
        self.url = url

    async def send(self, delivery: Delivery, now: datetime) -> Attempt:
        if not self.url:
            return Attempt(False, error="QUALBOT_SLACK_WEBHOOK_URL is not set", permanent=True)
        body = encode_body(slack_message(delivery.payload))
        headers = {"Content-Type": "application/json; charset=utf-8", IDEMPOTENCY_HEADER: delivery.idempotency_key}
        return await _post(self.client, self.url, body, headers)


class EmailSender:
    """Sends the rendered rep email through the email channel's SMTP relay settings (``QUALBOT_SMTP_*``)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.smtp = SmtpSender(settings)

    async def send(self, delivery: Delivery, now: datetime) -> Attempt:
        s = self.settings
        if not s.smtp_host:
            return Attempt(False, error="QUALBOT_SMTP_HOST is not set", permanent=True)
        message = build_email(delivery.payload, sender=s.email_from, idempotency_key=delivery.idempotency_key, now=now)
        envelope_from = email.utils.parseaddr(s.email_from)[1] or s.email_from
        try:
            await self.smtp.send(message.as_bytes(), envelope_from, delivery.payload["to"])
        except aiosmtplib.SMTPResponseException as exc:
            # 5xx is a final refusal (unknown mailbox, policy); 4xx is "try again later".
            return Attempt(False, exc.code, _clip(f"SMTP {exc.code}: {exc.message}"), permanent=500 <= exc.code < 600)
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            return Attempt(False, error=_clip(f"{type(exc).__name__}: {exc}"))
        return Attempt(True, 250)


async def _post(client: httpx.AsyncClient, url: str, body: bytes, headers: dict[str, str]) -> Attempt:
    try:
        response = await client.post(url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        return Attempt(False, error=_clip(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__))
    if 200 <= response.status_code < 300:
        return Attempt(True, response.status_code)
    error = _clip(f"HTTP {response.status_code}: {response.text.strip()}")
    return Attempt(False, response.status_code, error, retry_after=_retry_after(response))


def _retry_after(response: httpx.Response) -> float | None:
    if response.status_code not in (429, 503):
        return None
    value = response.headers.get("retry-after", "").strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _clip(text: str) -> str:
    return text if len(text) <= _ERROR_CHARS else text[: _ERROR_CHARS - 1] + "…"
