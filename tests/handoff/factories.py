"""Rows for handoff tests: leads with facts, written straight to a test database."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import models


async def add_lead(
    session: AsyncSession,
    *,
    facts: dict[str, Any] | None = None,
    at: datetime | None = None,
    **fields: Any,
) -> models.Lead:
    """A lead (``fields``: name, email, company, stage, score, owner) with active ``facts``, flushed."""
    at = at or datetime.now(UTC)
    lead = models.Lead(created_at=at, updated_at=at, **fields)
    session.add(lead)
    await session.flush()
    for name, value in (facts or {}).items():
        session.add(
            models.Fact(
                lead_id=lead.id, field=name, value=value, evidence=f"said {name}", extractor="test",
                confidence=1.0, active=True, created_at=at,
            )
        )  # fmt: skip
    await session.flush()
    return lead
