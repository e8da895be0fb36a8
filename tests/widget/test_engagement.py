"""Engagement events, consent before any connection, and opening by itself on chosen pages."""

from __future__ import annotations

import json
import sqlite3
import time

import pytest
from playwright.sync_api import Page

from tests.support.servers import HostSite
from tests.widget.chat import ANSWERS, Chat
from tests.support.server import LiveServer
from tests.widget.pages import host_page

pytestmark = pytest.mark.browser


def _events(chat: Chat) -> list[tuple[str, str]]:
    return [(f["name"], f["url"]) for f in chat.sent if f["type"] == "event"]


def _stored_events(server: LiveServer, conversation_id: str, count: int) -> list[tuple[str, dict]]:
    """The conversation's stored events, once ``count`` are there (the server stores them as they come)."""
    deadline = time.monotonic() + 5
    while True:
        with sqlite3.connect(server.workdir / "qualbot.db") as db:
            rows = db.execute(
                "SELECT name, properties FROM engagement_events WHERE conversation_id = ? ORDER BY id",
                (conversation_id,),
            ).fetchall()
        if len(rows) >= count or time.monotonic() > deadline:
            return [(name, json.loads(props)) for name, props in rows]
        time.sleep(0.05)


def test_browsing_before_and_during_the_chat_reaches_the_lead(page: Page, qualbot: LiveServer) -> None:
    home, pricing = qualbot.base_url + "/", qualbot.base_url + "/pricing"
    chat = Chat(page)
    page.goto(pricing)
    page.wait_for_timeout(1200)
    page.get_by_role("link", name="Product").click()
    page.wait_for_url(home)
    assert chat.sockets == []  # browsing alone opens no conversation
    chat.open()
    first = chat.next_question()
    page.wait_for_timeout(200)
    # what happened before the chat is sent as soon as it connects
    assert _events(chat) == [("page_view", pricing), ("pricing_time", pricing), ("page_view", home), ("widget_open", home)]
    chat.say(ANSWERS[first["field"]])
    chat.next_question()
    page.get_by_role("link", name="Pricing", exact=True).click()
    page.wait_for_url(pricing)
    chat.panel.wait_for(state="visible")  # still open on the next page
    chat.next_question()  # resumed
    page.wait_for_timeout(2200)
    page.get_by_role("link", name="Product").click()
    page.wait_for_url(home)
    chat.next_question()
    conversation_id = next(f["conversation_id"] for f in chat.received if f["type"] == "session")
    stored = _stored_events(qualbot, conversation_id, 7)
    assert [(name, props["url"]) for name, props in stored] == [
        ("page_view", pricing), ("pricing_time", pricing), ("page_view", home), ("widget_open", home),
        ("page_view", pricing), ("pricing_time", pricing), ("page_view", home),
    ]
    seconds = [props["seconds"] for name, props in stored if name == "pricing_time"]
    assert seconds[0] >= 1 and seconds[1] >= 2
    assert stored[0][1]["title"] == "Pricing: Leadline"


def test_consent_required_sends_nothing_before_agreement(page: Page, qualbot: LiveServer, site: HostSite) -> None:
    attrs = 'data-flow="bant" data-consent="required"'
    home = site.add("/", host_page(qualbot.base_url, attrs=attrs))
    site.add("/pricing", host_page(qualbot.base_url, attrs=attrs, title="Pricing"))
    chat = Chat(page)
    page.goto(home)
    page.get_by_role("link", name="Pricing").click()
    page.wait_for_url("**/pricing")
    chat.open()
    agree = page.locator("qualbot-widget .agree")
    assert agree.evaluate("e => e.getRootNode().activeElement === e")
    assert not chat.input.is_visible()
    page.wait_for_timeout(500)
    assert chat.sockets == []
    assert page.evaluate("JSON.stringify(localStorage)").count("page_view") == 0
    agree.press("Enter")
    assert chat.next_question()["type"] == "bot"
    assert chat.active() == "input"
    page.reload()
    chat.panel.wait_for(state="visible")  # the agreement is remembered
    assert not agree.is_visible()


def test_opens_by_itself_only_on_the_chosen_pages(page: Page, qualbot: LiveServer, site: HostSite) -> None:
    attrs = 'data-flow="bant" data-open-on="/pricing" data-delay="0.3" data-greeting="Questions about plans?"'
    home = site.add("/", host_page(qualbot.base_url, attrs=attrs))
    pricing = site.add("/pricing", host_page(qualbot.base_url, attrs=attrs, title="Pricing"))
    chat = Chat(page)
    page.goto(home)
    page.wait_for_timeout(800)
    assert chat.panel.is_hidden()
    page.goto(pricing)
    chat.panel.wait_for(state="visible")
    assert chat.active() != "input"  # opening by itself does not steal the visitor's focus
    assert chat.bubbles("bot")[0] == "Questions about plans?"
    chat.next_question()
    page.locator("qualbot-widget .x").click()
    page.reload()
    page.wait_for_timeout(800)
    assert chat.panel.is_hidden()  # closed by the visitor: it does not pop up again
