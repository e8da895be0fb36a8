"""The email channel in a real ``qualbot serve``: the webhook's secret, outreach errors over HTTP,
surviving a restart with mail queued and a follow-up due, and ``qualbot email send``."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx

import pytest

from tests.channels.email.support import SECRET, body_text, email_stack, message, relay, reply_to
from tests.support.server import LiveServer, free_port

pytestmark = pytest.mark.database  # stores through a live server


def test_webhook_secret_and_outreach_errors(tmp_path: Path) -> None:
    with email_stack(tmp_path) as stack, stack.server.api() as api:
        url = f"{stack.server.base_url}/inbound/email"
        raw = message("Hello there, we need help.", sender="stranger@nowhere.io").as_bytes()
        assert httpx.post(url, content=raw).status_code == 401
        wrong = httpx.post(url, content=raw, headers={"Authorization": "Bearer not-the-secret"})
        assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "invalid_secret"
        ok = httpx.post(url, content=raw, headers={"X-Qualbot-Secret": SECRET})
        assert ok.status_code == 200 and ok.json()["status"] == "unthreaded"

        bad = api.post("/api/outreach", json={"email": "dana@", "name": "Dana", "company": "Acme"})
        assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_email"
        assert "not a valid email address" in bad.json()["error"]["message"]
        unknown_flow = api.post("/api/outreach", json={"email": "dana@acmecorp.io", "flow": "nope"})
        assert unknown_flow.status_code == 404
        no_key = httpx.post(f"{stack.server.base_url}/api/outreach", json={"email": "dana@acmecorp.io"})
        assert no_key.status_code == 401

        started = api.post("/api/outreach", json={"email": "dana@acmecorp.io", "name": "Dana", "company": "Acme"})
        assert started.status_code == 201
        first = stack.relay.wait(1)[0]
        opt_out = httpx.post(url, content=reply_to(first, "Please stop emailing me."),
                             headers={"Authorization": f"Bearer {SECRET}"})
        assert opt_out.json()["reason"] == "opt-out"
        refused = api.post("/api/outreach", json={"email": "Dana@AcmeCorp.io", "name": "Dana"})
        assert refused.status_code == 409 and refused.json()["error"]["code"] == "email_opted_out"

        # One-click unsubscribe (RFC 8058): GET only shows a form; POST unsubscribes.
        lee = api.post("/api/outreach", json={"email": "lee@acmecorp.io", "name": "Lee"})
        assert lee.status_code == 201
        again = api.post("/api/outreach", json={"email": "lee@acmecorp.io", "name": "Lee"})
        assert again.status_code == 409 and again.json()["error"]["code"] == "email_conversation_active"
        second = stack.relay.wait(2)[1]
        assert second["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        link = re.search(r"<(http[^>]+)>", second["List-Unsubscribe"]).group(1)  # type: ignore[union-attr]
        assert link in body_text(second)
        page = httpx.get(link)
        assert page.status_code == 200 and 'method="post"' in page.text
        thread = f"/api/email/conversations/{lee.json()['conversation_id']}"
        assert api.get(thread).json()["status"] == "active"  # the GET changed nothing
        done = httpx.post(link)
        assert done.status_code == 200 and "lee@acmecorp.io" in done.text
        assert api.get(thread).json()["status"] == "stopped"
        refused = api.post("/api/outreach", json={"email": "lee@acmecorp.io"})
        assert refused.status_code == 409 and refused.json()["error"]["code"] == "email_opted_out"
        assert httpx.post(link.rsplit("/", 1)[0] + "/0000000000000000").status_code == 404


def test_smtp_receiver_survives_bad_input(tmp_path: Path) -> None:
    with email_stack(tmp_path) as stack, stack.server.api() as api:
        started = api.post("/api/outreach", json={"email": "dana@acmecorp.io", "name": "Dana"}).json()
        first = stack.relay.wait(1)[0]
        token_address = first["Reply-To"].addresses[0].addr_spec
        broken = (b"From: Dana <dana@acmecorp.io>\r\nMessage-ID: <broken@acmecorp.io>\r\nMIME-Version: 1.0\r\n"
                  b"Content-Type: multipart/mixed; boundary=\"X\"\r\n\r\n--X\r\nContent-Type: text/plain; "
                  b"charset=klingon\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!not base64!!!\r\n")
        for raw in (b"\x00\x01garbage\r\n", broken, b"From: dana@acmecorp.io\r\nSubject: nothing else\r\n\r\n"):
            stack.send(raw, to=token_address)
        stack.send(reply_to(first, "We need faster lead routing."), to=token_address)  # still serving
        answer = stack.relay.wait(2)[1]
        assert answer["In-Reply-To"] is not None
        inbound = api.get(f"/api/email/conversations/{started['conversation_id']}").json()["inbound"]
        assert [e["status"] for e in inbound] == ["rejected", "rejected", "rejected", "processed"]
        assert all(e["reason"] for e in inbound[:3])


def test_webhook_refused_without_a_configured_secret(live_server: LiveServer) -> None:
    response = httpx.post(f"{live_server.base_url}/inbound/email", content=b"Subject: x\r\n\r\nhi\r\n")
    assert response.status_code == 404 and response.json()["error"]["code"] == "inbound_disabled"


def test_queued_mail_and_due_followups_survive_a_restart(tmp_path: Path) -> None:
    with relay() as capture:
        env = {"QUALBOT_SMTP_HOST": "127.0.0.1", "QUALBOT_SMTP_PORT": str(free_port()),  # nothing listens: outage
               "QUALBOT_SMTP_SECURITY": "none", "QUALBOT_REPLY_DOMAIN": "reply.qualbot.test",
               "QUALBOT_EMAIL_SCHEDULER_INTERVAL_SECONDS": "0.2", "QUALBOT_EMAIL_FOLLOWUP_SPACING_SECONDS": "1",
               "QUALBOT_EMAIL_FOLLOWUPS": "1", "QUALBOT_EMAIL_RETRY_BASE_SECONDS": "0.2"}
        server = LiveServer(tmp_path, env=env).start()
        try:
            with server.api() as api:
                started = api.post("/api/outreach", json={"email": "dana@acmecorp.io", "name": "Dana", "company": "Acme"})
                assert started.status_code == 201
                time.sleep(0.5)
                outbound = api.get(f"/api/email/conversations/{started.json()['conversation_id']}").json()["outbound"]
                assert outbound[0]["status"] == "queued" and outbound[0]["last_error"]
        finally:
            server.stop()
        time.sleep(1)  # the follow-up falls due while the server is down
        server.env["QUALBOT_SMTP_PORT"] = str(capture.port)
        server.start()
        try:
            first, followup = capture.wait(2)
            assert first["Message-ID"] == started.json()["message_id"]
            assert followup["In-Reply-To"] == first["Message-ID"] and "1. " in body_text(followup)
            time.sleep(1.5)
            assert len(capture.messages) == 2  # QUALBOT_EMAIL_FOLLOWUPS=1
        finally:
            server.stop()


def test_cli_email_send(tmp_path: Path, database_url: str) -> None:
    with relay() as capture:
        env = {**os.environ, "QUALBOT_DATABASE_URL": database_url,
               "QUALBOT_SMTP_HOST": "127.0.0.1", "QUALBOT_SMTP_PORT": str(capture.port), "QUALBOT_SMTP_SECURITY": "none",
               "QUALBOT_API_KEY_FILE": str(tmp_path / "key.txt"), "QUALBOT_EXTRACTOR": "rules"}
        run = subprocess.run([sys.executable, "-m", "bot", "email", "send", "--to", "dana@acmecorp.io", "--name",
                              "Dana Smith", "--company", "Acme", "--flow", "champ"], env=env, capture_output=True,
                             text=True, timeout=60, cwd=tmp_path)
        assert run.returncode == 0, run.stderr
        assert "sent, Message-ID" in run.stdout
        sent = capture.wait(1)[0]
        assert sent["Subject"] == "Quick question about Acme's sales process"
