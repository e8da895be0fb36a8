"""``POST /api/events`` records engagement from other systems and rescores the lead; ``GET /api/deliveries`` shows what followed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.handoff.factories import add_lead
from tests.support.appserver import RunningApp, migrated_settings, running_app
from tests.support.receiver import WebhookReceiver
from tests.support.waiting import eventually

SECRET = b"whsec_events"
FACTS = {"need": "confirmed", "authority": "decision_maker", "country": "US"}


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver(secret=SECRET) as receiver:
        yield receiver


@pytest.fixture
def app(database_url: str, tmp_path: Path, receiver: WebhookReceiver) -> Iterator[RunningApp]:
    settings = migrated_settings(
        database_url, tmp_path, webhook_urls=[receiver.url()], webhook_secret=SECRET.decode(), outbox_poll_seconds=0.05
    )
    with running_app(settings) as app:
        yield app


async def new_lead(app: RunningApp, **fields: object) -> str:
    engine, db = app.db()
    async with db() as session:
        lead = await add_lead(session, facts=FACTS, **fields)
        await session.commit()
    await engine.dispose()
    return lead.id


async def test_an_event_by_email_rescores_with_an_explanation_and_is_announced(
    app: RunningApp, receiver: WebhookReceiver
) -> None:
    lead_id = await new_lead(app, name="Zoë", email="Zoe@Example.org")
    with app.api() as api:
        first = api.post("/api/events", json={"email": "zoe@example.ORG", "name": "page_view",
                                               "properties": {"url": "https://acme.example/pricing"}})  # fmt: skip
        assert first.status_code == 201, first.text
        old = (datetime.now(UTC) - timedelta(days=28)).isoformat()
        second = api.post("/api/events", json={"lead_id": lead_id, "name": "download", "occurred_at": old})
        record = api.get(f"/api/leads/{lead_id}").json()
    body = first.json()
    assert body["lead_id"] == lead_id and body["score"] > body["previous_score"]
    assert "event:pricing_page_view" in {p["source"] for p in body["score_explanation"]}
    assert {"need", "authority"} <= {p["source"] for p in body["score_explanation"]}, "facts still count"
    # A download is worth 3 but 28 days old, two half-lives of 14 days: 0.75 points.
    download = next(p for p in second.json()["score_explanation"] if p["source"] == "event:download")
    assert download["points"] == pytest.approx(0.75)
    assert record["score"] == second.json()["score"]
    assert record["score_explanation"] == second.json()["score_explanation"]
    assert round(sum(p["points"] for p in record["score_explanation"])) == record["score"]

    receiver.wait_for(lambda: len(receiver.accepted()) >= 1, what="a lead.updated webhook")
    update = receiver.accepted()[0]
    assert update.verified and update.json()["event"] == "lead.updated"
    assert update.json()["score"]["score"] == body["score"] and update.json()["lead"]["email"] == "Zoe@Example.org"


async def test_events_that_change_no_score_announce_nothing_and_bad_events_are_refused(
    app: RunningApp, receiver: WebhookReceiver
) -> None:
    lead_id = await new_lead(app)
    with app.api() as api:
        api.post("/api/events", json={"lead_id": lead_id, "name": "newsletter_open"})  # first scoring: 0 -> facts
        unscored = api.post("/api/events", json={"lead_id": lead_id, "name": "newsletter_open"})
        missing = api.post("/api/events", json={"email": "nobody@example.org", "name": "page_view"})
        anonymous = api.post("/api/events", json={"name": "page_view"})
        naive = api.post("/api/events", json={"lead_id": lead_id, "name": "x", "occurred_at": "2026-11-01T10:00:00"})
        log = api.get("/api/deliveries", params={"lead_id": lead_id}).json()
    unauthenticated = app.api()
    unauthenticated.headers.pop("Authorization")
    assert unauthenticated.post("/api/events", json={"lead_id": lead_id, "name": "x"}).status_code == 401
    assert unscored.status_code == 201 and unscored.json()["score"] == unscored.json()["previous_score"]
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "lead_not_found"
    assert anonymous.status_code == 422 and naive.status_code == 422
    assert [d["event"] for d in log["deliveries"]] == ["lead.updated"], "an unchanged score is not news"


async def test_the_delivery_log_filters_by_status_and_lead(app: RunningApp, receiver: WebhookReceiver) -> None:
    delivered_lead, failing_lead = await new_lead(app), await new_lead(app)
    with app.api() as api:
        api.post("/api/events", json={"lead_id": delivered_lead, "name": "webinar_signup"})
        eventually(
            lambda: api.get("/api/deliveries", params={"status": "delivered"}).json()["deliveries"],
            lambda found: len(found) == 1,
            what="the first webhook delivered",
        )
        receiver.fail(100)
        api.post("/api/events", json={"lead_id": failing_lead, "name": "webinar_signup"})
        delivered = api.get("/api/deliveries", params={"status": "delivered"}).json()["deliveries"]
        pending = eventually(
            lambda: api.get("/api/deliveries", params={"status": "pending", "lead_id": failing_lead}).json()["deliveries"],
            lambda found: len(found) == 1 and found[0]["attempts"] >= 1,
            what="the failed attempt recorded",
        )
        other = api.get("/api/deliveries", params={"lead_id": delivered_lead, "status": "pending"}).json()["deliveries"]
        bad = api.get("/api/deliveries", params={"status": "lost"})
    assert [d["lead_id"] for d in delivered] == [delivered_lead] and delivered[0]["delivered_at"]
    assert delivered[0]["last_status_code"] == 200 and delivered[0]["next_attempt_at"] is None
    (failing,) = pending
    assert failing["attempts"] >= 1 and failing["last_status_code"] == 500 and failing["last_error"].startswith("HTTP 500")
    assert failing["next_attempt_at"] and failing["target"] == receiver.url() and failing["kind"] == "webhook"
    assert other == [] and bad.status_code == 422
