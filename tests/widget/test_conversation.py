"""Whole conversations through the widget on the demo page, against a real qualbot server."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page

from tests.support.browser import artifact_path
from tests.widget.chat import ANSWERS, Chat
from tests.support.databases import execute
from tests.support.server import LiveServer

pytestmark = pytest.mark.browser


def test_a_whole_conversation_on_the_demo_page(page: Page, qualbot: LiveServer) -> None:
    chat = Chat(page)
    page.goto(qualbot.base_url + "/")
    chat.open()
    assert chat.active() == "input"  # opening by click moves focus to the text field
    done = chat.answer_until_done()
    assert done["stage"] in {"sql", "mql", "nurture", "disqualified"}
    mine = chat.bubbles("me")
    for topic in ("need", "budget", "authority", "timeline"):
        assert ANSWERS[topic] in mine
    shown = chat.bubbles("bot")
    said = [f["text"] for f in chat.received if f["type"] == "bot"]
    if done.get("meeting_link"):  # an SQL's booking link follows, as a button (its text is the link's)
        said.append("")
    assert shown[-len(said):] == said  # every bot message shown, in order, as sent
    assert chat.sent[0]["type"] in {"message", "event"}
    assert [f["text"] for f in chat.sent if f["type"] == "message"] == mine


def test_a_reload_mid_conversation_continues_it(page: Page, qualbot: LiveServer) -> None:
    chat = Chat(page)
    first, second = chat.begin(qualbot.base_url + "/")
    before = chat.bubbles("bot")
    page.reload()
    chat.panel.wait_for(state="visible")  # it was open: it stays open
    repeated = chat.next_question()
    assert repeated["field"] == second["field"]  # the pending question, not an answered one
    page.wait_for_timeout(200)
    assert chat.bubbles("bot") == before  # transcript redrawn, the repeated question shown once
    assert ANSWERS[first["field"]] in chat.bubbles("me")
    chat.answer_until_done(repeated)
    assert [f["field"] for f in chat.received if f["type"] == "bot" and f.get("field")].count(first["field"]) == 1


def test_the_visitor_finishes_across_a_server_restart(page: Page, make_qualbot) -> None:
    server: LiveServer = make_qualbot()
    chat = Chat(page)
    _, second = chat.begin(server.base_url + "/")
    server.stop()
    chat.offline.wait_for(state="visible")
    chat.say(ANSWERS[second["field"]])  # typed while offline: queued, shown as not sent
    assert "Not sent yet" in page.locator("qualbot-widget .log .m.me").last.inner_text()
    sent_before, sockets_before = len(chat.sent), len(chat.sockets)
    page.wait_for_timeout(4000)
    # backoff: attempts after ~0.25-0.5 s, then twice as long each time (not one every moment)
    assert 2 <= len(chat.sockets) - sockets_before <= 6
    server.start()
    chat.offline.wait_for(state="hidden", timeout=20_000)
    repeated = chat.next_question(timeout=20)  # on resume the server repeats the pending question
    assert repeated["field"] == second["field"]
    third = chat.next_question()  # ...then answers the queued message
    assert third.get("field") != second["field"]
    assert chat.bubbles("bot").count(second["text"]) == 1
    assert {"type": "message", "text": ANSWERS[second["field"]]} in chat.sent[sent_before:]
    assert "Not sent yet" not in page.locator("qualbot-widget .log").inner_text()
    chat.answer_until_done(third)
    assert len(chat.sockets) >= 2


def test_a_conversation_the_server_forgot_starts_anew(page: Page, make_qualbot) -> None:
    server: LiveServer = make_qualbot()
    chat = Chat(page)
    chat.begin(server.base_url + "/")
    server.stop()
    execute(server.database_url, "UPDATE conversations SET resume_token_hash = id")  # every token forgotten
    server.start()
    page.reload()
    first = chat.next_question(timeout=15)
    assert any(f["type"] == "error" and f["code"] == "unknown_resume_token" for f in chat.received)
    assert "Starting a new conversation." in chat.bubbles("sys")
    sessions = [f for f in chat.received if f["type"] == "session"]
    # The widget's own reconnect may race the reload, so a session can be resumed twice: what
    # matters is that exactly one new conversation replaced the forgotten one.
    assert len({s["conversation_id"] for s in sessions}) == 2
    assert sessions[0]["resume_token"] != sessions[-1]["resume_token"]
    chat.answer_until_done(first)


def test_keyboard_only_completion(page: Page, qualbot: LiveServer) -> None:
    chat = Chat(page)
    page.goto(qualbot.base_url + "/")
    for _ in range(30):
        page.keyboard.press("Tab")
        if chat.active() == "launch":
            break
    assert chat.active() == "launch"
    page.keyboard.press("Enter")
    chat.panel.wait_for(state="visible")
    assert chat.active() == "input"

    offered: list[int] = []

    def type_and_enter(text: str) -> None:
        if chat.page.locator("qualbot-widget .qr button").count():
            offered.append(1)  # suggested answers sit just before the field
            page.keyboard.press("Shift+Tab")
            assert chat.active() == "button"
            assert page.evaluate(
                "() => document.querySelector('qualbot-widget').shadowRoot.activeElement.parentElement.className"
            ) == "qr"
            page.keyboard.press("Tab")
            assert chat.active() == "input"
        page.keyboard.type(text)
        page.keyboard.press("Enter")

    chat.answer_until_done(say=type_and_enter)
    assert offered  # the shipped flow offers suggested answers
    assert chat.active() == "input"
    page.keyboard.press("Escape")
    chat.panel.wait_for(state="hidden")
    assert chat.active() == "launch"
    assert chat.launcher.get_attribute("aria-expanded") == "false"
    page.keyboard.press("Enter")
    chat.panel.wait_for(state="visible")
    assert chat.launcher.get_attribute("aria-expanded") == "true"


@pytest.mark.parametrize(("name", "width", "height"), [("desktop", 1280, 800), ("phone", 360, 740)])
def test_screenshots_and_fit(browser: Browser, qualbot: LiveServer, name: str, width: int, height: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=width < 500)
    try:
        page = context.new_page()
        chat = Chat(page)
        chat.begin(qualbot.base_url + "/")
        page.wait_for_timeout(300)
        box = chat.panel.bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
        assert box["y"] >= 0 and box["y"] + box["height"] <= height
        log, last = chat.log_box(), page.locator("qualbot-widget .log .m").last.bounding_box()
        assert last is not None and last["y"] + last["height"] <= log["y"] + log["height"] + 1  # scrolled down
        send = page.locator("qualbot-widget .send").bounding_box()
        assert send is not None and send["x"] + send["width"] <= width and send["y"] + send["height"] <= height
        path = artifact_path(f"widget-{name}.png")
        page.screenshot(path=str(path))
        assert path.stat().st_size > 10_000
    finally:
        context.close()


def test_a_second_tab_follows_the_conversation(page: Page, qualbot: LiveServer) -> None:
    chat = Chat(page)
    first, second = chat.begin(qualbot.base_url + "/")
    other = page.context.new_page()
    other_chat = Chat(other)
    other.goto(qualbot.base_url + "/pricing")
    other_chat.panel.wait_for(state="visible")
    assert ANSWERS[first["field"]] in other_chat.bubbles("me")
    chat.say(ANSWERS[second["field"]])
    chat.next_question()
    other.wait_for_function(
        "t => document.querySelector('qualbot-widget').shadowRoot.querySelector('.log').textContent.includes(t)",
        arg=ANSWERS[second["field"]],
    )


def test_an_sql_gets_the_reps_booking_link_as_a_button_that_survives_a_reload(page: Page, qualbot: LiveServer) -> None:
    chat = Chat(page)
    page.goto(qualbot.base_url + "/")
    chat.open()
    done = chat.answer_until_done()
    assert done["stage"] == "sql" and done["meeting_link"].startswith("https://")
    button = page.locator("qualbot-widget .log a.book")
    button.wait_for()
    assert button.get_attribute("href") == done["meeting_link"]
    assert button.get_attribute("target") == "_blank" and "noopener" in (button.get_attribute("rel") or "")
    assert button.inner_text() == f"Book a meeting with {done['rep_name']}"
    page.reload()
    chat.panel.wait_for(state="visible")
    assert page.locator("qualbot-widget .log a.book").get_attribute("href") == done["meeting_link"]
