"""Erasing a lead's personal data from the email tables (an ``Eraser`` of :mod:`bot.privacy`).

Received emails and every email queued or sent to the lead are deleted (nothing more is sent);
threads keep only their ids and status. The suppression list is kept: it is what guarantees an
address that opted out or bounced is never emailed again.
"""

from __future__ import annotations

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.email.models import EmailThread, InboundEmail, OutgoingEmail


async def erase_email(session: AsyncSession, lead_id: str, conversation_ids: list[str]) -> None:
    """Remove what the email channel stored about one lead (inside the erasure's transaction)."""
    thread_ids = list(await session.scalars(select(EmailThread.id).where(EmailThread.lead_id == lead_id)))
    conditions = [InboundEmail.thread_id.in_(thread_ids)] if thread_ids else []
    if conversation_ids:
        conditions.append(InboundEmail.conversation_id.in_(conversation_ids))
    if conditions:
        await session.execute(delete(InboundEmail).where(or_(*conditions)))
    if thread_ids:
        await session.execute(delete(OutgoingEmail).where(OutgoingEmail.thread_id.in_(thread_ids)))
        await session.execute(
            update(EmailThread)
            .where(EmailThread.id.in_(thread_ids))
            .values(address="", subject="", variables={}, status="stopped", next_followup_at=None)
        )
