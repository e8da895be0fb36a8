"""Engagement events, consent before any connection, and opening by itself on chosen pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.support.servers import HostSite
from tests.widget.chat import ANSWERS, Chat
from tests.widget.conftest import QualbotProcess
from tests.widget.pages import host_page

pytestmark = pytest.mark.browser


def _page_views(chat: Chat) -> list[dict]:
    return [f for f in chat.sent if f["type"] == "event" and f["name"] == "page_view"]


def test_views_before_the_chat_opens_are_sent_once_it_connects(page: Page, qualbot: QualbotProcess) -> None:
    chat = Chat(page)
    page.goto(qualbot.base_url + "/pricing")
    page.wait_for_timeout(1200)
    page.goto(qualbot.base_url + "/")
    assert chat.sockets == []  # no conversation is started just for browsing
    chat.open()
    chat.next_question()
    page.wait_for_timeout(200)
    views = _page_views(chat)
    assert [v["url"] for v in views] == [qualbot.base_url + "/pricing"]
    assert views[0]["seconds"] >= 1


def test_consent_required_sends_nothing_before_agreement(page: Page, qualbot: QualbotProcess, site: HostSite) -> None:
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


def test_opens_by_itself_only_on_the_chosen_pages(page: Page, qualbot: QualbotProcess, site: HostSite) -> None:
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
    page.keyboard.press("Tab")
    page.locator("qualbot-widget .x").click()
    page.reload()
    page.wait_for_timeout(800)
    assert chat.panel.is_hidden()  # closed by the visitor: it does not pop up again
