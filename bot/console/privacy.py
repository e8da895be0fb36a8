"""The console's part of erasure and export (a :class:`bot.privacy.PrivacyArea`).

SDRs' corrections keep who changed what kind of thing and when; the values a fact correction
held and every note (an SDR writes what the person told them) are erased. Stages, owners and
outcomes describe the sales process, not the person, and stay for analytics.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.console.models import Correction, LeadOutcome
from bot.privacy import PrivacyArea, iso


async def erase_console(session: AsyncSession, lead_id: str, conversation_ids: list[str]) -> None:
    """Remove the notes and fact values of the lead's corrections (inside the erasure's transaction)."""
    await session.execute(update(Correction).where(Correction.lead_id == lead_id).values(note=""))
    await session.execute(
        update(Correction).where(Correction.lead_id == lead_id, Correction.kind == "fact").values(old_value=None, new_value=None)
    )


async def export_console(session: AsyncSession, lead_id: str) -> dict[str, Any]:
    """Every correction made to the person's record, and the outcome recorded for them."""
    corrections = await session.scalars(
        select(Correction).where(Correction.lead_id == lead_id).order_by(Correction.created_at, Correction.id)
    )
    outcome = await session.get(LeadOutcome, lead_id)
    return {
        "corrections": [
            {
                "by": c.user_email,
                "kind": c.kind,
                "field": c.field,
                "old_value": c.old_value,
                "new_value": c.new_value,
                "note": c.note,
                "at": iso(c.created_at),
            }
            for c in corrections
        ],
        "outcome": (
            {"outcome": outcome.outcome, "stage": outcome.stage, "by": outcome.decided_by, "at": iso(outcome.decided_at)}
            if outcome
            else None
        ),
    }


async def purge_console(session: AsyncSession, cutoff: datetime) -> int:
    """Nothing: corrections are SDRs' words, kept with the record until it is erased."""
    return 0


CONSOLE_PRIVACY = PrivacyArea("console", erase=erase_console, export=export_console, purge=purge_console)
