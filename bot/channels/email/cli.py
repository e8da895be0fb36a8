"""``qualbot email send``: start an email conversation from the command line."""

from __future__ import annotations

import sys

from bot.config import Settings


async def send_outreach(settings: Settings, *, to: str, name: str | None, company: str | None, flow: str | None,
                        downloaded: str | None) -> int:
    """Queue the first email and try to send it now; a running server's worker retries if the relay fails."""
    from bot.app import create_app
    from bot.channels.email.outbound import drain_outbox
    from bot.errors import QualbotError

    app = create_app(settings)
    email = app.state.email
    engine = app.state.service.sessionmaker.kw["bind"]
    try:
        try:
            result = await email.channel.outreach(email=to, name=name, company=company, flow=flow,
                                                  downloaded=downloaded)
        except QualbotError as exc:
            print(f"qualbot: {exc.code}: {exc.message}", file=sys.stderr)
            return 1
        sent = await drain_outbox(email.channel.sessionmaker, email.worker.sender, settings, email.channel.clock())
        print(f"conversation {result.conversation_id} (lead {result.lead_id}): {result.subject!r} to {to.strip()}")
        if sent:
            print(f"sent, Message-ID {result.message_id}")
        else:
            where = "no QUALBOT_SMTP_HOST set" if not settings.smtp_host else "the relay did not take it yet"
            print(f"queued ({where}); a running `qualbot serve` sends it")
        return 0
    finally:
        await engine.dispose()
