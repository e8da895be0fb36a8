"""Email benchmark: inbound emails processed per second, end to end in one process.

Each email is a prospect's reply (quoted history, a signature) to an outreach email; processing
is parse + dedupe + thread + extract + store + reply queued in the outbox, on a fresh SQLite
database (no SMTP: the outbox is only filled). Prints emails/second and median / p95 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

REPLIES = [
    "We waste hours on unqualified leads. Budget is about $20,000 a year.",
    "I make the final call, and we'd like something this quarter.",
    "We're 120 people based in Germany; our SDRs can't keep up with inbound.",
    "Not sure about budget yet — still being decided. I'd recommend it to our COO.",
]


def _reply(to: str, in_reply_to: str, text: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Dana Smith <dana@acmecorp.io>"
    msg["To"] = to
    msg["Subject"] = "Re: Quick question about Acme's sales process"
    msg["Message-ID"] = make_msgid(domain="acmecorp.io")
    msg["In-Reply-To"] = in_reply_to
    quoted = "> Hi Dana,\n> 1. What problem are you hoping to solve?\n> 2. Is there a budget set aside for this?\n"
    msg.set_content(f"{text}\n\nThanks,\nDana Smith\nVP Sales | +1 (555) 010-2030\n\n"
                    f"On Mon, 23 Nov 2026 at 10:00, Sam <sales@vendor.test> wrote:\n{quoted}")
    return msg.as_bytes()


async def _run(count: int, workdir: Path) -> list[float]:
    from bot.app import create_app
    from bot.config import Settings
    from bot.db.schema import Base

    settings = Settings(database_url=f"sqlite+aiosqlite:///{workdir / 'bench.db'}", extractor="rules",
                        smtp_host="", api_key_file=workdir / "key.txt")
    app = create_app(settings)
    engine = app.state.service.sessionmaker.kw["bind"]
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    email = app.state.email
    messages = []
    for i in range(count):
        started = await email.channel.outreach(email=f"lead{i}@acmecorp.io", name="Dana Smith", company="Acme")
        async with email.channel.sessionmaker() as session:
            from bot.channels.email.models import EmailThread

            thread = await session.get(EmailThread, started.thread_id)
        messages.append(_reply(f"reply+{thread.reply_token}@{settings.reply_domain}", started.message_id,
                               REPLIES[i % len(REPLIES)]))
    timings = []
    for raw in messages:
        start = time.perf_counter()
        result = await email.processor.receive(raw, via="smtp")
        timings.append(time.perf_counter() - start)
        assert result.status == "processed" and result.reply_email_id, result
    await engine.dispose()
    return timings


def main(argv: list[str]) -> int:
    """Run the benchmark; ``--emails N`` sets how many replies are processed."""
    parser = argparse.ArgumentParser(prog="python -m bench email")
    parser.add_argument("--emails", type=int, default=200)
    args, _ = parser.parse_known_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        timings = asyncio.run(_run(args.emails, Path(tmp)))
    total = sum(timings)
    ms = sorted(t * 1000 for t in timings)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    print(f"inbound emails: {len(ms)} processed in {total:.2f}s -> {len(ms) / total:.1f} emails/s "
          f"(median {statistics.median(ms):.1f} ms, p95 {p95:.1f} ms; parse+thread+extract+store+reply queued, SQLite)")
    return 0
