"""A visitor qualifies over the websocket; the running server routes the lead and notifies everyone.

Real parts only: a ``qualbot serve`` subprocess, a webhook receiver and an SMTP server on
loopback ports.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.channels.test_chat_e2e import ANSWERS
from tests.support.chat import ChatClient
from tests.support.receiver import MailSink, WebhookReceiver
from tests.support.server import LiveServer
from tests.support.waiting import eventually

SECRET = b"whsec_test_secret"


def handoff_env(receiver: WebhookReceiver, **extra: str) -> dict[str, str]:
    return {
        "QUALBOT_WEBHOOK_URLS": f"{receiver.url('/a')},{receiver.url('/b')}",
        "QUALBOT_WEBHOOK_SECRET": SECRET.decode(),
        "QUALBOT_SLACK_WEBHOOK_URL": receiver.url("/slack"),
        "QUALBOT_OUTBOX_POLL_SECONDS": "0.1",
        "QUALBOT_OUTBOX_BACKOFF_BASE_SECONDS": "0.2",
        "QUALBOT_OUTBOX_BACKOFF_CAP_SECONDS": "1",
        "QUALBOT_PUBLIC_URL": "https://qualbot.example.com",
        **extra,
    }


async def qualify(server: LiveServer, answers: dict[str, str] = ANSWERS, pages: tuple[str, ...] = ()) -> dict:
    """Answer the BANT flow over the websocket (after viewing ``pages``); return the ``qualified`` frame."""
    client = await ChatClient.connect(server.ws_url, "flow=bant")
    frames = await client.until_question()
    for url in pages:
        await client.send({"type": "event", "name": "page_view", "url": url})
    while frames[-1]["type"] != "qualified":
        frames = await client.say(answers[frames[-1]["field"]])
    await client.close()
    return frames[-1]


@pytest.mark.database
async def test_sql_is_routed_offered_a_meeting_and_announced_everywhere(tmp_path: Path) -> None:
    with WebhookReceiver(secret=SECRET) as receiver, MailSink() as mail:
        env = handoff_env(receiver, QUALBOT_SMTP_HOST="127.0.0.1", QUALBOT_SMTP_PORT=str(mail.port), QUALBOT_SMTP_SECURITY="none",
                          QUALBOT_EMAIL_FROM="qualbot@acme.example")  # fmt: skip
        server = LiveServer(tmp_path, env=env).start()
        try:
            qualified = await qualify(server, pages=("https://acme.example/pricing",))
            assert qualified["stage"] == "sql"
            # Canada is in the americas territory; its first rep takes the first lead.
            assert qualified["meeting_link"] == "https://cal.example.com/ana"
            receiver.wait_for(lambda: len(receiver.accepted()) >= 5, what="webhooks and a Slack message")
            mail.wait_for(1)
            with server.api() as api:
                record = api.get(f"/api/leads/{qualified['lead_id']}").json()
                log = eventually(
                    lambda: api.get("/api/deliveries", params={"lead_id": qualified["lead_id"]}).json()["deliveries"],
                    lambda found: len(found) == 6 and all(d["status"] == "delivered" for d in found),
                    what="every delivery recorded as delivered",
                )
        finally:
            server.stop()

    assert record["owner"] == "ana@example.com"
    assert record["assignment"]["team"] == "americas" and "round-robin" in record["assignment"]["reason"]
    parts = record["score_explanation"]
    assert parts and round(sum(p["points"] for p in parts)) == record["score"] > 0
    assert {p["source"] for p in parts} >= {"need", "authority", "event:pricing_page_view"}, "widget page views count"

    # Mid-conversation changes are lead.updated; the flow's outcome is announced once per URL.
    hooks = [r for r in receiver.accepted() if r.path in ("/a", "/b") and r.json()["event"] == "lead.qualified"]
    assert sorted(r.path for r in hooks) == ["/a", "/b"]
    for hook in hooks:
        assert hook.verified, "signature checked by verify() and by an independent HMAC"
        body = hook.json()
        assert hook.headers["x-qualbot-event"] == body["event"] == "lead.qualified"
        assert hook.key == body["id"]
        assert body["lead"]["url"] == f"https://qualbot.example.com/console/leads/{qualified['lead_id']}"
        assert body["assignment"]["rep"]["meeting_link"] == "https://cal.example.com/ana"
        assert body["facts"]["need"] == "confirmed" and body["evidence"]["need"] in ANSWERS["need"]
    assert hooks[0].key != hooks[1].key, "one idempotency key per delivery row"

    slack = receiver.accepted("/slack")[0].json()
    assert "sales-qualified" in slack["text"] and any(b["type"] == "actions" for b in slack["blocks"])

    recipients, email = mail.messages[0]
    assert recipients == ["ana@example.com"]
    text = email.get_body(("plain",)).get_content()
    assert f"https://qualbot.example.com/console/leads/{qualified['lead_id']}" in text
    assert ANSWERS["budget"].split(" set aside")[0].split("about ")[1] in text, "facts come with their evidence"
    assert email["Message-ID"].startswith("<evt_")

    assert {(d["kind"], d["event"], d["status"]) for d in log} == {
        ("webhook", "lead.updated", "delivered"),
        ("webhook", "lead.qualified", "delivered"),
        ("slack", "lead.qualified", "delivered"),
        ("email", "lead.qualified", "delivered"),
    }
    assert len(log) == 6 and len({d["idempotency_key"] for d in log}) == 6
    assert all(d["attempts"] == 1 and d["delivered_at"] for d in log)
