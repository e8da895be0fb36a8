"""The email worker inside the server: sends the outbox, the follow-ups that fall due, and what
a person who took an email conversation over wrote.

All of its state is in the database (``email_outbox.next_attempt_at``,
``email_threads.next_followup_at``), so a restart loses nothing: the next round picks up what
was due. ``run_once(now)`` is one round with the time passed in, for tests with their own clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.email.channel import EmailChannel
from bot.channels.email.models import EmailThread, OutgoingEmail
from bot.channels.email.outbound import SmtpSender, drain_outbox, suppression
from bot.db import models
from bot.engine import dialogue
from bot.engine.dialogue import DialogueState
from bot.engine.flow import Flow
from bot.live import AGENTS_TOPIC

log = logging.getLogger(__name__)


def open_questions(flow: Flow, state: DialogueState) -> list[str]:
    """The texts of the questions still awaiting an answer (what a follow-up asks again)."""
    result = dialogue.resume(flow, state, channel="email")
    return [r.text for r in result.replies if r.kind in ("question", "clarify")]


async def _advance(session: AsyncSession, thread: EmailThread, *conditions: ColumnElement[bool], **values: object) -> bool:
    """Take the thread's next step if it is still to be taken: one conditional UPDATE, so of several
    workers exactly one wins even without row locks (SQLite, where ``skip_locked`` is ignored)."""
    result = await session.execute(update(EmailThread).where(EmailThread.id == thread.id, *conditions).values(**values))
    if result.rowcount == 1:
        return True
    await session.rollback()
    return False


class EmailWorker:
    """Background task: drains the outbox and sends due follow-ups, waking early for new mail."""

    def __init__(self, channel: EmailChannel, sender: SmtpSender | None = None) -> None:
        self.channel = channel
        self.settings = channel.settings
        self.sender = sender or SmtpSender(channel.settings)
        self._task: asyncio.Task[None] | None = None
        self._watch: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Start the loop (idempotent)."""
        if self._task is None:
            self._task = asyncio.create_task(self._loop(), name="qualbot-email-worker")
            self._watch = asyncio.create_task(self._watch_agents(), name="qualbot-email-agent-watch")

    async def stop(self) -> None:
        """Stop the loop; an email being sent is finished or left queued for the next start."""
        for task in (self._task, self._watch):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._task = self._watch = None

    async def _watch_agents(self) -> None:
        """Wake the loop at once when a person writes (the database stays the source of truth)."""
        try:
            async with self.channel.service.bus.subscribe(AGENTS_TOPIC) as events:
                async for event in events:
                    if event.get("type") == "agent":
                        self.channel.outbox_changed.set()
        except asyncio.CancelledError:
            raise
        except Exception:  # without the watch, agent emails still go out on the next round
            log.warning("email worker cannot watch the live bus", exc_info=True)

    async def run_once(self, now: datetime) -> tuple[int, int]:
        """One round at ``now``: (follow-ups queued, emails sent)."""
        await self.send_agent_messages(now)
        queued = await self.send_followups(now)
        sent = await drain_outbox(self.channel.sessionmaker, self.sender, self.settings, now)
        return queued, sent

    async def send_agent_messages(self, now: datetime) -> int:
        """Email what people who took email conversations over wrote since the last round."""
        async with self.channel.sessionmaker() as session:
            pending = list((await session.execute(
                select(models.Message.id, EmailThread.id)
                .join(EmailThread, EmailThread.conversation_id == models.Message.conversation_id)
                .where(models.Message.role == "agent", models.Message.id > EmailThread.agent_cursor)
                .order_by(models.Message.id).limit(100))).all())
        for message_id, thread_id in pending:
            async with self.channel.sessionmaker() as session:
                thread = await session.get(EmailThread, thread_id, with_for_update={"skip_locked": True})
                message = await session.get(models.Message, message_id)
                if thread is None or message is None or not await _advance(
                    session, thread, EmailThread.agent_cursor < message.id, agent_cursor=message.id
                ):
                    continue
                if await suppression(session, thread.address) is None:
                    await self.channel.queue_agent_message(session, thread, message.text, now)
                await session.commit()
        return len(pending)

    async def send_followups(self, now: datetime) -> int:
        """Queue a follow-up on every thread whose follow-up is due; returns how many."""
        async with self.channel.sessionmaker() as session:
            due: Sequence[str] = list(await session.scalars(
                select(EmailThread.id).where(EmailThread.status == "active", EmailThread.next_followup_at <= now)
                .order_by(EmailThread.next_followup_at).limit(100)))
        count = 0
        for thread_id in due:
            async with self.channel.sessionmaker() as session:
                thread = await session.get(EmailThread, thread_id, with_for_update={"skip_locked": True})
                if thread is None or not await _advance(
                    session, thread, EmailThread.followups_sent == thread.followups_sent, EmailThread.next_followup_at <= now,
                    next_followup_at=None,
                ):
                    continue
                conversation = await session.get(models.Conversation, thread.conversation_id)
                flow = self.channel.service.flows.get(conversation.flow) if conversation else None
                questions = (open_questions(flow, DialogueState.model_validate(conversation.state))
                             if flow is not None and conversation is not None and conversation.status == "active" else [])
                if not questions or await suppression(session, thread.address) is not None:
                    thread.next_followup_at = None
                elif thread.followups_sent >= self.settings.email_followups:
                    thread.next_followup_at = None
                else:
                    await self.channel.queue_followup(session, thread, questions, now)
                    count += 1
                await session.commit()
        if count:
            log.info("queued %d follow-up email(s)", count)
        return count

    async def _next_due(self) -> datetime | None:
        async with self.channel.sessionmaker() as session:
            outbox = await session.scalar(
                select(func.min(OutgoingEmail.next_attempt_at)).where(OutgoingEmail.status.in_(("queued", "sending"))))
            followup = await session.scalar(
                select(func.min(EmailThread.next_followup_at)).where(EmailThread.status == "active"))
        times = [t for t in (outbox if self.settings.smtp_host else None, followup) if t is not None]
        return min(times) if times else None

    async def _loop(self) -> None:
        interval = self.settings.email_scheduler_interval_seconds
        event = self.channel.outbox_changed
        while True:
            try:
                event.clear()
                await self.run_once(self.channel.clock())
                due = await self._next_due()
                wait = interval
                if due is not None:
                    wait = max(0.05, min(interval, (due - self.channel.clock()).total_seconds()))
            except asyncio.CancelledError:
                raise
            except Exception:  # a database hiccup must not end the worker; try again next round
                log.exception("email worker round failed")
                wait = interval
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(event.wait(), timeout=wait)
