"""Announcing a lead event: build its payload from the database and enqueue one delivery per destination.

Destinations come from settings: every ``QUALBOT_WEBHOOK_URLS`` entry (events in
``webhook_events``), the Slack webhook (events in ``slack_events``), and the assigned rep's
email (outcome events of a routed lead, when SMTP is configured). Runs inside the caller's
transaction; nothing here does IO besides the session.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.db import models
from bot.facts import Fact
from bot.handoff.assignment import current_assignment
from bot.handoff.models import Delivery, LeadAssignment
from bot.handoff.notify import RepEmailRenderer
from bot.handoff.outbox import enqueue, new_idempotency_key
from bot.handoff.payloads import build_payload
from bot.qualify.policy import Decision, Reason
from bot.qualify.routing import Assignment, Rep, RoutingRules
from bot.qualify.scoring import LeadScore

class Unknown(enum.Enum):
    """An argument the caller did not give (None is a value: "there is none")."""

    UNKNOWN = "unknown"


UNKNOWN = Unknown.UNKNOWN

OUTCOME_EVENTS = {
    "sql": "lead.qualified",
    "mql": "lead.nurture",
    "nurture": "lead.nurture",
    "disqualified": "lead.disqualified",
}


def outcome_event(stage: str) -> str:
    """The event announcing a conversation's outcome: an MQL goes to nurture like a nurture lead."""
    return OUTCOME_EVENTS.get(stage, "lead.updated")


class Dispatcher:
    """Turns "this happened to this lead" into pending deliveries."""

    def __init__(
        self,
        settings: Settings,
        *,
        rules: RoutingRules | None = None,
        renderer: RepEmailRenderer | None = None,
        on_enqueue: Callable[[], None] | None = None,
    ) -> None:
        self.settings = settings
        self.rules = rules
        self.renderer = renderer
        self.on_enqueue = on_enqueue

    async def announce(
        self,
        session: AsyncSession,
        lead: models.Lead,
        event: str,
        *,
        now: datetime,
        decision: Decision | None = None,
        score: LeadScore | None = None,
        conversation: models.Conversation | None = None,
        assignment: LeadAssignment | None | Unknown = UNKNOWN,
    ) -> list[Delivery]:
        """Enqueue ``event`` about ``lead`` to every configured destination; returns the rows.

        ``assignment`` is the lead's current assignment row when the caller has it at hand
        (None: it has none); by default it is looked up.
        """
        s = self.settings
        webhook = event in s.webhook_events and bool(s.webhook_urls)
        slack = event in s.slack_events and s.slack_webhook_url is not None
        if assignment is UNKNOWN:
            assignment = await current_assignment(session, lead.id) if lead.owner else None
        assignment = self._assignment(lead, assignment)
        rep_email = self._rep_email_target(event, assignment)
        if not (webhook or slack or rep_email):
            return []
        base = await self._payload(session, lead, event, now, decision, score, conversation, assignment)
        rows: list[Delivery] = []

        def add(kind: str, target: str, payload: dict[str, Any], key: str) -> None:
            row = enqueue(
                session, lead_id=lead.id, kind=kind, target=target, event=event, payload=payload, now=now,
                idempotency_key=key,
            )  # fmt: skip
            rows.append(row)

        if webhook:
            for url in s.webhook_urls:
                key = new_idempotency_key()
                add("webhook", url, {**base, "id": key}, key)
        if slack:
            key = new_idempotency_key()
            add("slack", "slack", {**base, "id": key}, key)
        if rep_email and self.renderer is not None:
            key = new_idempotency_key()
            name = assignment.rep.name if assignment and assignment.rep else None
            add("email", rep_email, self.renderer.render({**base, "id": key}, to=rep_email, rep_name=name), key)
        if rows and self.on_enqueue is not None:
            # Wake the worker once the rows are committed; before, it would find nothing.
            notify = self.on_enqueue
            sa_event.listen(session.sync_session, "after_commit", lambda _session: notify(), once=True)
        return rows

    def _rep_email_target(self, event: str, assignment: Assignment | None) -> str | None:
        """The owner's address for an outcome event, when rep emails are on and SMTP is configured."""
        if not (self.settings.rep_email and self.settings.smtp_host and self.renderer is not None):
            return None
        if event == "lead.updated" or assignment is None or not assignment.owner:
            return None
        return assignment.owner if "@" in assignment.owner else None

    def _assignment(self, lead: models.Lead, row: LeadAssignment | None) -> Assignment | None:
        """Who owns ``lead`` now: its routing row, else an owner set another way (the console), with its rep if known."""
        if not lead.owner:
            return None
        if row is not None and row.owner == lead.owner:
            rep = None
            if row.rep_name and "@" in lead.owner:
                # Built from stored, once-validated values; no need to validate again.
                rep = Rep.model_construct(
                    name=row.rep_name, email=lead.owner, meeting_link=row.meeting_link, active=True
                )
            return Assignment(owner=row.owner, team=row.team, reason=row.reason, counters={}, rep=rep)
        known = self.rules.rep(lead.owner) if self.rules is not None else None
        team, rep = known if known is not None else (None, None)
        return Assignment(owner=lead.owner, team=team, reason="owner set by hand", counters={}, rep=rep)

    async def _payload(
        self,
        session: AsyncSession,
        lead: models.Lead,
        event: str,
        now: datetime,
        decision: Decision | None,
        score: LeadScore | None,
        conversation: models.Conversation | None,
        assignment: Assignment | None,
    ) -> dict[str, Any]:
        if decision is None:
            decision = await latest_decision(session, lead)
        elif decision.stage != lead.stage:  # a flow's exit may set a stage other than the policy's
            decision = Decision(lead.stage, decision.reasons)
        if conversation is None:
            conversation = await session.scalar(
                select(models.Conversation)
                .where(models.Conversation.lead_id == lead.id)
                .order_by(models.Conversation.updated_at.desc())
                .limit(1)
            )
        rows = await session.scalars(
            select(models.Fact)
            .where(models.Fact.lead_id == lead.id, models.Fact.active.is_(True))
            .order_by(models.Fact.id)
        )
        # Stored values are already normalised: no need to validate them again.
        facts = {
            r.field: Fact.model_construct(field=r.field, value=r.value, evidence=r.evidence, confidence=r.confidence)
            for r in rows
        }
        record = {
            "id": lead.id,
            "name": lead.name,
            "email": lead.email,
            "company": lead.company,
            "channel": conversation.channel if conversation else None,
            "conversation_id": conversation.id if conversation else None,
            "url": self.settings.lead_url(lead.id),
            "created_at": lead.created_at,
        }
        return build_payload(
            event, record, decision, score, assignment, facts, event_id="pending", occurred_at=now
        )


async def latest_decision(session: AsyncSession, lead: models.Lead) -> Decision:
    """The lead's stage with the reasons of its latest qualification."""
    latest = await session.scalar(
        select(models.Qualification)
        .where(models.Qualification.lead_id == lead.id)
        .order_by(models.Qualification.decided_at.desc(), models.Qualification.id.desc())
        .limit(1)
    )
    reasons = tuple(
        Reason(code=r["code"], fields=tuple(r.get("fields", ())), detail=r.get("detail", ""))
        for r in (latest.reasons if latest else [])
    )
    return Decision(lead.stage, reasons)
