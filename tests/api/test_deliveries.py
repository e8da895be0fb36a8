"""``/api/deliveries/{id}``: the payload as sent, secrets kept out of the log, and re-sending a dead delivery."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import Settings
from tests.api.test_events import new_lead
from tests.support.appserver import migrated_settings, running_app
from tests.support.receiver import WebhookReceiver
from tests.support.waiting import eventually

SECRET = b"whsec_retry"


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver(secret=SECRET) as receiver:
        yield receiver


@pytest.fixture
def settings(database_url: str, tmp_path: Path, receiver: WebhookReceiver) -> Settings:
    url = receiver.url("/hooks?token=hush").replace("http://", "http://user:pw@")
    return migrated_settings(
        database_url,
        tmp_path,
        webhook_urls=[url],
        webhook_secret=SECRET.decode(),
        outbox_poll_seconds=0.05,
        outbox_max_attempts=1,
    )


async def test_a_dead_delivery_is_retried_on_request_with_the_same_key(settings: Settings, receiver: WebhookReceiver) -> None:
    receiver.fail(1, status=500)
    with running_app(settings) as app:
        lead_id = await new_lead(app)
        with app.api() as api:
            api.post("/api/events", json={"lead_id": lead_id, "name": "webinar_signup"})
            receiver.wait_for(lambda: len(receiver.requests) == 1, what="the failed attempt")
            (dead,) = eventually(
                lambda: api.get("/api/deliveries", params={"lead_id": lead_id}).json()["deliveries"],
                lambda found: len(found) == 1 and found[0]["status"] == "dead",
                what="the delivery to die",
            )
            detail = api.get(f"/api/deliveries/{dead['id']}").json()
            retried = api.post(f"/api/deliveries/{dead['id']}/retry")
            receiver.wait_for(lambda: len(receiver.accepted()) == 1, what="the retried delivery")
            again = api.post(f"/api/deliveries/{dead['id']}/retry")
            missing = api.get("/api/deliveries/nope")
    assert dead["status"] == "dead" and dead["attempts"] == 1 and dead["last_error"].startswith("HTTP 500")
    assert dead["target"] == receiver.url("/hooks"), "no user info, no query string"
    assert detail["payload"]["id"] == dead["idempotency_key"] and detail["payload"]["event"] == "lead.updated"
    assert retried.status_code == 200 and retried.json()["status"] == "pending"
    assert [r.key for r in receiver.requests] == [dead["idempotency_key"]] * 2
    assert receiver.accepted()[0].path == "/hooks?token=hush" and receiver.accepted()[0].verified
    assert again.status_code == 409 and missing.status_code == 404


async def test_an_erased_leads_deliveries_keep_no_payload_and_cannot_be_resent(
    settings: Settings, receiver: WebhookReceiver
) -> None:
    receiver.fail(1, status=500)
    with running_app(settings) as app:
        lead_id = await new_lead(app, name="Zoë", email="zoe@example.org")
        with app.api() as api:
            api.post("/api/events", json={"lead_id": lead_id, "name": "webinar_signup"})
            (dead,) = eventually(
                lambda: api.get("/api/deliveries", params={"lead_id": lead_id, "status": "dead"}).json()["deliveries"],
                lambda found: len(found) == 1,
                what="the delivery to die",
            )
            assert api.get(f"/api/deliveries/{dead['id']}").json()["payload"]["lead"]["email"] == "zoe@example.org"
            assert api.delete(f"/api/leads/{lead_id}").status_code == 204
            detail = api.get(f"/api/deliveries/{dead['id']}").json()
            retry = api.post(f"/api/deliveries/{dead['id']}/retry")
    assert detail["payload"] == {} and detail["status"] == "dead"
    assert retry.status_code == 409 and retry.json()["error"]["code"] == "erased"
