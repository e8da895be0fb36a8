"""The console in a real browser (Debian's headless Chromium): read a lead, see a quote, correct a fact,
take over a live chat with a visitor on the demo page, and no prospect text ever runs as code.

Screenshots of the queue, a lead, a live chat and the analytics go to ``test-artifacts/``.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.console.conftest import PASSWORD
from tests.console.seed import SCRIPTS, Script, seed
from tests.support.browser import artifact_path
from tests.support.server import LiveServer

pytestmark = pytest.mark.browser

XSS = '<img src=x onerror="window.__xss=1;alert(1)"><script>window.__xss=2</script><svg onload="window.__xss=3">'


def _cli_user(server: LiveServer, email: str, role: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "bot", "users", "add", "--email", email, "--role", role, "--password-stdin"],
        input=PASSWORD + "\n", text=True, env=server.env, cwd=server.workdir, check=True, capture_output=True, timeout=60,
    )


def _watch(page: Page) -> list[str]:
    """Collect anything that would show a script ran: dialogs and page errors."""
    seen: list[str] = []
    page.on("dialog", lambda dialog: (seen.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    page.on("pageerror", lambda error: seen.append(f"error: {error}"))
    return seen


def _sign_in(context: BrowserContext, server: LiveServer, email: str) -> Page:
    page = context.new_page()
    page.goto(server.base_url + "/console/")
    expect(page).to_have_url(f"{server.base_url}/console/login?next=%2Fconsole%2F")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Leads")
    return page


@pytest.fixture
def seeded_server(tmp_path: Path, database_url: str) -> Iterator[LiveServer]:
    seed(database_url, [*SCRIPTS, Script(XSS, XSS, "x@evil.example", [f"We lose leads {XSS}"], 0.5)])
    server = LiveServer(tmp_path, database_url=database_url).start()
    try:
        _cli_user(server, "dana@example.com", "admin")
        yield server
    finally:
        server.stop()


def test_sdr_reads_a_lead_sees_a_quote_and_corrects_a_fact(browser: Browser, seeded_server: LiveServer) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        page = _sign_in(context, seeded_server, "dana@example.com")
        alarms = _watch(page)
        expect(page.locator("tr.waiting .lead-link", has_text="Priya Natarajan")).to_be_visible()
        expect(page.get_by_text(XSS).first).to_be_visible()  # the markup shows as text
        page.screenshot(path=artifact_path("console-queue.png"), full_page=True)

        page.click("text=Priya Natarajan")
        expect(page.locator(".msg.role-prospect .bubble").filter(has_text="I sign off on it")).to_be_visible()
        expect(page.locator("#fact-authority .value")).to_have_text("decision maker")
        mark = page.locator("mark.q", has_text="I sign")
        assert mark.evaluate("m => getComputedStyle(m).backgroundColor") == "rgba(0, 0, 0, 0)", "quotes are not marked until asked"
        page.click("#fact-authority a.quote")
        expect(mark).to_have_class("q on")
        expect(mark).not_to_have_css("background-color", "rgba(0, 0, 0, 0)")
        expect(page.locator(".lead-head .stage")).to_have_text("SQL")
        page.screenshot(path=artifact_path("console-lead.png"), full_page=True)

        page.click("text=Correct a fact")
        page.select_option("select[name=field]", "authority")
        page.fill("#facts input[name=value]", "none")
        page.fill("#facts textarea[name=note]", "Call on Monday: she only researches, the board decides")
        page.click("text=Save and requalify")
        expect(page.locator(".lead-head .stage")).not_to_have_text("SQL")
        expect(page.locator("#fact-authority .value")).to_have_text("none")
        expect(page.locator(".event.correction")).to_contain_text("dana@example.com changed Authority")

        page.goto(seeded_server.base_url + "/console/?q=evil.example")
        page.click(".lead-link")
        expect(page.locator(".msg.role-prospect .bubble").filter(has_text="We lose leads")).to_contain_text("<script>window.__xss=2</script>")
        page.goto(seeded_server.base_url + "/console/analytics")
        expect(page.locator("svg.chart title").first).to_have_text("Funnel, last 12 weeks")
        page.screenshot(path=artifact_path("console-analytics.png"), full_page=True)
        assert page.evaluate("window.__xss") is None and alarms == []
    finally:
        context.close()


def test_sdr_takes_over_a_live_chat_with_the_visitor(browser: Browser, live_server: LiveServer) -> None:
    _cli_user(live_server, "dana@example.com", "sdr")
    visitor_context = browser.new_context()
    sdr_context = browser.new_context(viewport={"width": 1200, "height": 900})
    try:
        visitor = visitor_context.new_page()
        visitor_alarms = _watch(visitor)
        visitor.goto(live_server.base_url + "/")
        visitor.click("qualbot-widget .launch")
        widget_log = visitor.locator("qualbot-widget .log")
        expect(visitor.locator("qualbot-widget .m.bot").last).to_contain_text("?")  # the first question

        sdr = _sign_in(sdr_context, live_server, "dana@example.com")
        alarms = _watch(sdr)
        sdr.click("text=Live chats")
        sdr.click("td.lead-cell a")
        expect(sdr.locator("#live")).to_have_attribute("data-connected", "yes")

        visitor.fill("qualbot-widget input", f"Can I talk to a person? {XSS}")
        visitor.press("qualbot-widget input", "Enter")
        chatlog = sdr.locator("#chatlog")
        expect(chatlog.locator(".role-prospect").last).to_contain_text("<script>window.__xss=2</script>")

        sdr.click("#takeover")
        expect(sdr.locator("#live")).to_have_attribute("data-connected", "yes")
        expect(sdr.locator("#live")).to_have_attribute("data-status", "agent")
        expect(widget_log).to_contain_text("Dana joined the chat.")

        sdr.fill("#agent-text", "Hi, I'm Dana from the sales team. How can I help?")
        sdr.press("#agent-text", "Enter")
        agent_bubble = visitor.locator("qualbot-widget .m.agent").last
        expect(agent_bubble).to_contain_text("Hi, I'm Dana from the sales team.")
        expect(agent_bubble.locator(".who")).to_have_text("Dana")
        expect(chatlog.locator(".role-agent").last).to_contain_text("Hi, I'm Dana")

        visitor.fill("qualbot-widget input", "We lose inbound leads because nobody replies fast enough")
        visitor.press("qualbot-widget input", "Enter")
        expect(chatlog.locator(".role-prospect").last).to_contain_text("nobody replies fast enough")
        sdr.screenshot(path=artifact_path("console-live.png"), full_page=True)

        sdr.click("#handback")
        expect(widget_log).to_contain_text("Dana left the chat.")
        expect(visitor.locator("qualbot-widget .m.bot").last).to_contain_text("budget")
        assert sdr.evaluate("window.__xss") is None and visitor.evaluate("window.__xss") is None
        assert alarms == [] and visitor_alarms == []
    finally:
        sdr_context.close()
        visitor_context.close()
