"""A whole qualification by email against a real ``qualbot serve``: outreach through the relay,
replies into qualbot's own SMTP receiver, the record read back through the API."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from tests.channels.email.support import REPLY_DOMAIN, body_text, email_stack, html_text, reply_to

FIRST_REPLY = """Hi Sam,

We're drowning in unqualified leads and our SDRs waste hours chasing them.
We have about $20,000 a year set aside for this.

Thanks,
Dana Smith
VP Sales, Acme Inc.
+1 (555) 010-2030 | 250 Main Street, Springfield"""

SECOND_REPLY = """I'm the VP of Sales and I make the final call. We'd like something in place this quarter.
We're 120 people, based in Germany.

Dana"""

pytestmark = pytest.mark.database  # stores through a live server


def _numbered(text: str) -> list[str]:
    return re.findall(r"^\d+\. (.+)$", text, re.M)


def _sent_to(relay, address: str, count: int, timeout: float = 15.0) -> list:  # type: ignore[no-untyped-def]
    """The messages to ``address`` once ``count`` arrived (the lead's rep is emailed through the same relay)."""
    deadline = time.monotonic() + timeout
    while True:
        found = [m for m in relay.wait(1) if m["To"] == address]
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def _wait_conversation(api, conversation_id: str, predicate, timeout: float = 10.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        data = api.get(f"/api/email/conversations/{conversation_id}").json()
        if predicate(data) or time.monotonic() > deadline:
            return data
        time.sleep(0.1)


def test_whole_qualification_by_email(tmp_path: Path) -> None:
    with email_stack(tmp_path) as stack, stack.server.api() as api:
        response = api.post("/api/outreach", json={
            "email": "Dana@AcmeCorp.io", "name": "Dana Smith", "company": "Acme <Labs>", "flow": "bant",
            "downloaded": "the 2026 SDR playbook"})
        assert response.status_code == 201, response.text
        started = response.json()

        first = stack.relay.wait(1)[0]
        assert first["Subject"] == "Quick question about Acme <Labs>'s sales process"
        assert first["To"] == "dana@acmecorp.io"
        token_address = first["Reply-To"].addresses[0].addr_spec
        assert re.fullmatch(rf"reply\+[a-z0-9]+@{re.escape(REPLY_DOMAIN)}", token_address)
        assert first["Message-ID"] == started["message_id"]
        text = body_text(first)
        assert text.startswith("Hi Dana,")
        assert "the 2026 SDR playbook" in text
        asked = _numbered(text)
        assert len(asked) == 3 and asked == started["questions"]
        assert "Acme &lt;Labs&gt;" in html_text(first) or "<Labs>" not in html_text(first)
        assert "<li>" in html_text(first)

        stack.send(reply_to(first, FIRST_REPLY), to=token_address)
        second = stack.relay.wait(2)[1]
        assert second["In-Reply-To"] is not None and second["Subject"].startswith("Re: Quick question")
        text = body_text(second)
        assert "noted:" in text and "$20,000 a year" in text and "unqualified leads" in text
        still = _numbered(text)
        assert still and not any("budget" in q.lower() for q in still)
        assert not any("problem" in q.lower() for q in still)
        record = api.get(f"/api/leads/{started['lead_id']}").json()
        facts = {f["field"]: f["value"] for f in record["facts"]}
        assert facts["budget_max"] == 20000 and facts["need"] == "confirmed"
        assert "employees" not in facts  # the signature's numbers are not facts

        stack.send(reply_to(second, SECOND_REPLY), to=token_address)
        closing = _sent_to(stack.relay, "dana@acmecorp.io", 3)[2]
        text = body_text(closing)
        assert not _numbered(text)
        assert "great fit" in text or "Thank" in text

        record = api.get(f"/api/leads/{started['lead_id']}").json()
        facts = {f["field"]: f["value"] for f in record["facts"]}
        assert facts["authority"] == "decision_maker"
        assert facts["employees"] == 120 and facts["country"] == "DE"
        assert facts["timeline_bucket"] == "quarter"
        assert record["contact"]["email"] == "dana@acmecorp.io"
        assert [c["status"] for c in record["conversations"]] == ["ended"]
        assert record["stage"] in ("sql", "mql") and record["decided_at"] is not None
        prospect = [m["text"] for m in record["transcript"] if m["role"] == "prospect"]
        assert len(prospect) == 2
        data = _wait_conversation(api, started["conversation_id"], lambda d: all(e["status"] == "sent" for e in d["outbound"]))
        assert [e["kind"] for e in data["outbound"]] == ["first", "reply", "closing"]
        assert [e["status"] for e in data["inbound"]] == ["processed", "processed"]
        assert data["status"] == "closed" and data["next_followup_at"] is None


def test_an_sdr_message_in_an_email_conversation_is_sent_at_once(tmp_path: Path) -> None:
    # The scheduler's rounds are 30 s apart: only the live bus's note that a person wrote can
    # make the email go out within seconds.
    with email_stack(tmp_path, QUALBOT_EMAIL_SCHEDULER_INTERVAL_SECONDS="30") as stack, stack.server.api() as api:
        started = api.post("/api/outreach", json={"email": "dana@acmecorp.io", "name": "Dana", "flow": "bant"}).json()
        stack.relay.wait(1)
        conversation = started["conversation_id"]
        assert api.post(f"/api/conversations/{conversation}/takeover", json={"agent": "Sam"}).status_code == 200
        written = time.monotonic()
        sent = api.post(f"/api/conversations/{conversation}/messages", json={"agent": "Sam", "text": "Hi Dana, Sam here."})
        assert sent.status_code == 201
        mail = _sent_to(stack.relay, "dana@acmecorp.io", 2, timeout=10)
        assert len(mail) == 2 and "Sam here" in body_text(mail[1])
        assert time.monotonic() - written < 5
