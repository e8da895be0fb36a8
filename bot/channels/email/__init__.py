"""The email channel: outreach, inbound replies (SMTP receiver and webhook), follow-ups.

``EmailSetup.build(service)`` wires it for the app: the channel, the inbound processor, the
worker that sends the outbox and follow-ups, and the SMTP receiver when ``QUALBOT_SMTP_LISTEN``
is set. See ``docs/email.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter

from bot.channels.email.channel import EmailChannel
from bot.channels.email.learn import EmailAddressLearner
from bot.channels.email.process import InboundProcessor
from bot.channels.email.receiver import SmtpReceiver
from bot.channels.email.render import Templates
from bot.channels.email.routes import email_router
from bot.channels.email.scheduler import EmailWorker
from bot.conversations import ConversationService
from bot.errors import QualbotError


@dataclass
class EmailSetup:
    """Everything the app runs for email; ``start``/``stop`` belong in its lifespan."""

    channel: EmailChannel
    processor: InboundProcessor
    worker: EmailWorker
    receiver: SmtpReceiver | None

    @classmethod
    def build(cls, service: ConversationService) -> "EmailSetup":
        """Compile the templates (raising ``EmailTemplateError`` naming the file) and wire the parts."""
        settings = service.settings
        channel = EmailChannel(service=service, templates=Templates(settings.prompts_dir / "email"))
        processor = InboundProcessor(channel)
        try:
            receiver = (
                SmtpReceiver(processor, settings.smtp_listen, settings.email_max_message_bytes)
                if settings.smtp_listen else None
            )
        except ValueError as exc:
            raise QualbotError(str(exc)) from None
        service.listeners.append(EmailAddressLearner())
        return cls(channel, processor, EmailWorker(channel), receiver)

    def router(self) -> APIRouter:
        """``/api/outreach``, ``/inbound/email``, ``/api/email/conversations/{id}``."""
        return email_router(self.channel, self.processor)

    async def start(self) -> None:
        """Start the SMTP receiver (if configured) and the worker."""
        if self.receiver is not None:
            await self.receiver.start()
        await self.worker.start()

    async def stop(self) -> None:
        """Stop the receiver, then the worker."""
        if self.receiver is not None:
            await self.receiver.stop()
        await self.worker.stop()
