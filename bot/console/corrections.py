"""What SDRs change on a lead — a fact, the stage, the owner, the outcome — each kept in the audit trail.

A corrected fact becomes the lead's active fact (extractor ``sdr:<email>``, evidence = the
SDR's note); the stage and score are then recomputed with the same policy and scoring the
conversation uses, and the new decision is stored.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.console.models import OUTCOMES, Correction, LeadOutcome
from bot.db import models
from bot.db.turns import active_facts
from bot.errors import LeadNotFound, QualbotError
from bot.facts import FIELDS, INTEGER_FIELDS, NUMBER_FIELDS, FactValue, InvalidFactValue, normalize_value
from bot.handoff.scores import rescore
from bot.qualify.policy import STAGES, Decision, Policy, decide


class InvalidCorrection(QualbotError):
    """A correction that cannot be stored as asked (unknown field, value that does not fit, no note)."""

    code = "invalid_correction"
    http_status = 422


async def _lead(session: AsyncSession, lead_id: str) -> models.Lead:
    lead = await session.get(models.Lead, lead_id, with_for_update=True)
    if lead is None:
        raise LeadNotFound(f"no lead {lead_id!r}")
    return lead


def _audit(session: AsyncSession, lead_id: str, who: str, kind: str, field: str | None, old: Any, new: Any, note: str, now: datetime) -> None:
    session.add(
        Correction(
            lead_id=lead_id, user_email=who, kind=kind, field=field, old_value=old, new_value=new, note=note, created_at=now
        )
    )


async def correct_fact(
    session: AsyncSession,
    lead_id: str,
    *,
    field: str,
    raw_value: str,
    note: str,
    who: str,
    now: datetime,
    policy: Policy,
) -> Decision:
    """Replace (or, with an empty value, remove) a fact; recompute stage and score. Caller commits."""
    if field not in FIELDS:
        raise InvalidCorrection(f"unknown field {field!r}")
    note = note.strip()
    if not note:
        raise InvalidCorrection("say where the corrected value comes from (the note is the fact's evidence)")
    new: FactValue | None = None
    if raw_value.strip():
        try:
            numeric = field in NUMBER_FIELDS or field in INTEGER_FIELDS
            new = normalize_value(field, raw_value.strip().replace(",", "") if numeric else raw_value)
        except InvalidFactValue as exc:
            raise InvalidCorrection(str(exc)) from None
    lead = await _lead(session, lead_id)
    old = (await active_facts(session, lead_id)).get(field)
    await session.execute(
        update(models.Fact).where(models.Fact.lead_id == lead_id, models.Fact.field == field).values(active=False)
    )
    if new is not None:
        session.add(
            models.Fact(
                lead_id=lead_id,
                conversation_id=None,
                field=field,
                value=new,
                evidence=note[:2000],
                source_message_id=None,
                extractor=f"sdr:{who}",
                confidence=1.0,
                active=True,
                created_at=now,
            )
        )
    _audit(session, lead_id, who, "fact", field, old, new, note, now)
    await session.flush()
    return await requalify(session, lead, now=now, policy=policy)


async def requalify(session: AsyncSession, lead: models.Lead, *, now: datetime, policy: Policy) -> Decision:
    """Decide the stage and score from the lead's current facts and store the decision and the explained score."""
    known = await active_facts(session, lead.id)
    statuses = list(await session.scalars(select(models.Conversation.status).where(models.Conversation.lead_id == lead.id)))
    complete = bool(statuses) and all(status == "ended" for status in statuses)
    decision = decide(known, policy, complete=complete)
    await rescore(session, lead, policy, now=now, known=known)
    lead.updated_at = now
    if lead.stage_set_by is None:  # a stage a person set stays until a person changes it
        lead.stage = decision.stage
        session.add(models.Qualification(lead_id=lead.id, stage=decision.stage, reasons=decision.to_json()["reasons"], decided_at=now))
    return decision


async def correct_stage(session: AsyncSession, lead_id: str, *, stage: str, note: str, who: str, now: datetime) -> None:
    """Set the stage by hand; the note becomes the decision's reason. Caller commits."""
    if stage not in STAGES:
        raise InvalidCorrection(f"stage must be one of {', '.join(STAGES)}")
    note = note.strip()
    if not note:
        raise InvalidCorrection("say why the stage changes")
    lead = await _lead(session, lead_id)
    old = lead.stage
    lead.stage, lead.stage_set_by, lead.updated_at = stage, who, now
    reason = {"code": "sdr_override", "fields": [], "detail": f"set by {who}: {note}"}
    session.add(models.Qualification(lead_id=lead_id, stage=stage, reasons=[reason], decided_at=now))
    _audit(session, lead_id, who, "stage", None, old, stage, note, now)


async def set_owner(session: AsyncSession, lead_id: str, *, owner: str | None, who: str, now: datetime) -> None:
    """Give the lead to ``owner`` (an email) or to no one. Caller commits."""
    lead = await _lead(session, lead_id)
    owner = (owner or "").strip()[:200] or None
    if owner == lead.owner:
        return
    _audit(session, lead_id, who, "owner", None, lead.owner, owner, "", now)
    lead.owner, lead.updated_at = owner, now


async def set_outcome(session: AsyncSession, lead_id: str, *, outcome: str | None, note: str, who: str, now: datetime) -> None:
    """Record how the lead ended for sales (won, lost, bad fit), or clear it. Caller commits."""
    if outcome is not None and outcome not in OUTCOMES:
        raise InvalidCorrection(f"outcome must be one of {', '.join(OUTCOMES)}")
    lead = await _lead(session, lead_id)
    row = await session.get(LeadOutcome, lead_id)
    old = row.outcome if row else None
    if outcome is None:
        if row is not None:
            await session.delete(row)
    elif row is None:
        session.add(LeadOutcome(lead_id=lead_id, outcome=outcome, stage=lead.stage, decided_by=who, decided_at=now))
    else:
        row.outcome, row.stage, row.decided_by, row.decided_at = outcome, lead.stage, who, now
    _audit(session, lead_id, who, "outcome", None, old, outcome, note.strip(), now)

