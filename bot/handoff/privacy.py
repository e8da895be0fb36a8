"""The handoff's part of erasure, export and retention (a :class:`bot.privacy.PrivacyArea`).

Delivery payloads are snapshots of the lead (name, email, quotes), so they are emptied; a
delivery not yet sent is given up (nothing more about the person leaves the server) while the
log of what was sent stays. The score explanation repeats the facts and goes too; the
assignment names the rep, not the person, and stays for analytics.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Text, cast, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.handoff.models import Delivery, LeadAssignment, LeadScoreRecord
from bot.privacy import PrivacyArea, iso

ERASED = "erased before delivery"


async def erase_handoff(session: AsyncSession, lead_id: str, conversation_ids: list[str]) -> None:
    """Remove what the handoff stored about one lead (inside the erasure's transaction)."""
    # An error may echo what a receiver made of the payload; the status code stays.
    await session.execute(update(Delivery).where(Delivery.lead_id == lead_id).values(payload={}, last_error=None))
    await session.execute(
        update(Delivery)
        .where(Delivery.lead_id == lead_id, Delivery.status == "pending")
        .values(status="dead", last_error=ERASED, claimed_by=None, claimed_until=None)
    )
    await session.execute(delete(LeadScoreRecord).where(LeadScoreRecord.lead_id == lead_id))


async def export_handoff(session: AsyncSession, lead_id: str) -> dict[str, Any]:
    """Every notification made about the person, with what it carried (replacing the lead record's shorter
    ``deliveries``), and every assignment."""
    deliveries = await session.scalars(
        select(Delivery).where(Delivery.lead_id == lead_id).order_by(Delivery.created_at, Delivery.id)
    )
    assignments = await session.scalars(
        select(LeadAssignment).where(LeadAssignment.lead_id == lead_id).order_by(LeadAssignment.assigned_at, LeadAssignment.id)
    )
    return {
        "deliveries": [
            {
                "id": d.id,
                "kind": d.kind,
                "target": d.public_target(),
                "event": d.event,
                "status": d.status,
                "attempts": d.attempts,
                "last_error": d.last_error,
                "created_at": iso(d.created_at),
                "delivered_at": iso(d.delivered_at),
                "payload": d.payload,
            }
            for d in deliveries
        ],
        "assignments": [
            {
                "owner": a.owner,
                "team": a.team,
                "reason": a.reason,
                "rep_name": a.rep_name,
                "meeting_link": a.meeting_link,
                "assigned_at": iso(a.assigned_at),
            }
            for a in assignments
        ],
    }


async def purge_handoff(session: AsyncSession, cutoff: datetime) -> int:
    """Payloads of deliveries made before ``cutoff`` (they quote the transcript); one still pending keeps its own."""
    result = await session.execute(
        update(Delivery)
        .where(Delivery.created_at < cutoff, Delivery.status != "pending", func.length(cast(Delivery.payload, Text)) > 2)
        .values(payload={})
    )
    return result.rowcount or 0


HANDOFF_PRIVACY = PrivacyArea("handoff", erase=erase_handoff, export=export_handoff, purge=purge_handoff)
