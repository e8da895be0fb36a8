"""The built-in SMTP receiver (aiosmtpd) that takes prospects' replies, run on the app's event loop.

Started by ``qualbot serve`` when ``QUALBOT_SMTP_LISTEN`` is ``host:port``. Each message is
handed to :class:`InboundProcessor` and answered ``250`` once stored, whatever its status; a
database outage answers ``451`` so the sending server retries; a message over
``QUALBOT_EMAIL_MAX_MESSAGE_BYTES`` is refused with ``552`` by aiosmtpd (the sender is told).
It never relays mail.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session

from bot.channels.email.process import InboundProcessor
from bot.errors import StorageUnavailable

log = logging.getLogger(__name__)


def parse_listen(value: str) -> tuple[str, int]:
    """``host:port`` (``[v6]:port`` too) → (host, port); ValueError with the reason otherwise."""
    host, sep, port = value.strip().rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"QUALBOT_SMTP_LISTEN={value!r} is not host:port")
    return host.strip("[]") or "0.0.0.0", int(port)


class _Handler:
    """aiosmtpd handler: every accepted message goes to the processor."""

    def __init__(self, processor: InboundProcessor) -> None:
        self.processor = processor

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802 (aiosmtpd API)
        raw = envelope.original_content or envelope.content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        try:
            result = await self.processor.receive(
                raw, via="smtp", envelope_from=envelope.mail_from, envelope_rcpts=tuple(envelope.rcpt_tos)
            )
        except StorageUnavailable:
            return "451 4.3.0 Temporary storage failure, try again later"
        except Exception:  # the processor stores and handles bad input; anything else is ours: retry later
            log.exception("inbound SMTP message could not be stored")
            return "451 4.3.0 Temporary failure, try again later"
        log.info("inbound email #%s: %s%s", result.id, result.status, f" ({result.reason})" if result.reason else "")
        return "250 OK"


class SmtpReceiver:
    """The listening SMTP server; ``start``/``stop`` are called from the app's lifespan."""

    def __init__(self, processor: InboundProcessor, listen: str, max_bytes: int) -> None:
        self.host, self.port = parse_listen(listen)
        self.processor = processor
        self.max_bytes = max_bytes
        self._server: asyncio.AbstractServer | None = None

    async def start(self) -> None:
        """Listen on host:port (port 0 picks a free one; see ``bound_port``)."""
        loop = asyncio.get_running_loop()
        handler = _Handler(self.processor)

        def factory() -> Any:
            return SMTP(handler, data_size_limit=self.max_bytes, enable_SMTPUTF8=True, decode_data=False,
                        hostname="qualbot", ident="qualbot ESMTP", loop=loop)

        self._server = await loop.create_server(factory, host=self.host, port=self.port)
        log.info("SMTP receiver listening on %s:%s", self.host, self.bound_port)

    @property
    def bound_port(self) -> int:
        """The port actually listened on."""
        assert self._server is not None and self._server.sockets
        return int(self._server.sockets[0].getsockname()[1])

    async def stop(self) -> None:
        """Stop listening and close open sessions."""
        if self._server is not None:
            self._server.close()
            try:
                await asyncio.wait_for(self._server.wait_closed(), timeout=5)
            except asyncio.TimeoutError:
                log.warning("SMTP receiver sessions did not close in time")
            self._server = None
