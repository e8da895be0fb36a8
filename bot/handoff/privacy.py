"""Erasing a lead's personal data from the handoff tables (an ``Eraser`` of :mod:`bot.privacy`).

Delivery payloads are snapshots of the lead (name, email, quotes), so they are emptied; a
delivery not yet sent is given up (nothing more about the person leaves the server) while the
log of what was sent stays. The score explanation repeats the facts and goes too; the
assignment names the rep, not the person, and stays for analytics.
"""

from __future__ import annotations

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.handoff.models import Delivery, LeadScoreRecord

ERASED = "erased before delivery"


async def erase_handoff(session: AsyncSession, lead_id: str, conversation_ids: list[str]) -> None:
    """Remove what the handoff stored about one lead (inside the erasure's transaction)."""
    await session.execute(
        update(Delivery)
        .where(Delivery.lead_id == lead_id, Delivery.status == "pending")
        .values(status="dead", last_error=ERASED, claimed_by=None, claimed_until=None)
    )
    await session.execute(update(Delivery).where(Delivery.lead_id == lead_id).values(payload={}))
    await session.execute(delete(LeadScoreRecord).where(LeadScoreRecord.lead_id == lead_id))
