"""The export holds everything stored about the person, compared row by row with the database."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from bot.channels.email.inbound import parse
from bot.channels.email.models import EmailThread, InboundEmail, OutgoingEmail
from bot.console.models import Correction
from bot.db import models
from bot.handoff.models import Delivery, LeadAssignment
from tests.privacy.scenario import ADDRESS, EMAIL_ANSWER, NAME, PHONE, QUESTION, Person

pytestmark = pytest.mark.database


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


async def test_export_holds_every_email_delivery_assignment_and_correction(person: Person) -> None:
    response = await person.api.get(f"/api/leads/{person.lead_id}/export")
    assert response.status_code == 200 and "attachment" in response.headers["content-disposition"]
    data = response.json()
    async with person.app.state.sessionmaker() as session:
        thread_ids = list(await session.scalars(select(EmailThread.id).where(EmailThread.lead_id == person.lead_id)))
        sent = list(await session.scalars(select(OutgoingEmail).where(OutgoingEmail.thread_id.in_(thread_ids)).order_by(OutgoingEmail.id)))
        received = list(await session.scalars(select(InboundEmail).order_by(InboundEmail.id)))
        deliveries = list(await session.scalars(select(Delivery).where(Delivery.lead_id == person.lead_id)))
        assignments = list(await session.scalars(select(LeadAssignment).where(LeadAssignment.lead_id == person.lead_id)))
        corrections = list(await session.scalars(select(Correction).where(Correction.lead_id == person.lead_id).order_by(Correction.id)))
        facts = list(await session.scalars(select(models.Fact).where(models.Fact.lead_id == person.lead_id)))
        messages = list(await session.scalars(select(models.Message)))

    email = data["email"]
    assert [(e["kind"], e["to"], e["subject"], e["text"], e["status"], e["sent_at"]) for e in email["sent"]] == [
        (e.kind, e.to_address, e.subject, e.text, e.status, _iso(e.sent_at)) for e in sent
    ]
    assert len(sent) >= 2 and all(e["to"] == ADDRESS for e in email["sent"])
    assert [(e["from"], e["subject"], e["status"], e["received_at"], e["date"], e["text"]) for e in email["received"]] == [
        (r.from_address, r.subject, r.status, _iso(r.received_at), _iso(parse(r.raw).date), parse(r.raw).body) for r in received
    ], "every email received from them, the refused one in no thread included"
    assert len(received) == 3 and EMAIL_ANSWER in email["received"][0]["text"]
    assert [t["address"] for t in email["threads"]] == [ADDRESS]
    assert [(s["address"], s["status"]) for s in email["suppressions"]] == [(ADDRESS, "opted_out")]
    assert "MIME-Version" not in json.dumps(data) and "Content-Transfer-Encoding" not in json.dumps(data), "text, not raw MIME"

    assert sorted((d["id"], d["kind"], d["event"], d["status"], d["delivered_at"], json.dumps(d["payload"], sort_keys=True))
                  for d in data["deliveries"]) == sorted(
        (d.id, d.kind, d.event, d.status, _iso(d.delivered_at), json.dumps(d.payload, sort_keys=True)) for d in deliveries
    )  # fmt: skip
    assert {d["kind"] for d in data["deliveries"]} == {"webhook", "slack", "email"}
    assert any(NAME in json.dumps(d["payload"]) for d in data["deliveries"]), "the payload they carried"
    assert [(a["owner"], a["team"], a["reason"]) for a in data["assignments"]] == [(a.owner, a.team, a.reason) for a in assignments]
    assert data["assignment"]["owner"] == assignments[-1].owner

    assert [(c["by"], c["kind"], c["field"], c["old_value"], c["new_value"], c["note"], c["at"]) for c in data["corrections"]] == [
        (c.user_email, c.kind, c.field, c.old_value, c.new_value, c.note, _iso(c.created_at)) for c in corrections
    ]
    assert any(PHONE in c["note"] for c in data["corrections"]) and data["outcome"]["outcome"] == "won"

    assert len(data["fact_history"]) == len(facts) > len(data["facts"]), "superseded facts too"
    assert len(data["transcript"]) == len(messages) and any(m["role"] == "agent" for m in data["transcript"])
    assert QUESTION in [q["text"] for q in data["prospect_questions"]]
    assert {e["name"] for e in data["events"]} >= {"page_view", "download", "email_reply", "prospect_question"}
