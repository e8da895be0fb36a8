"""How the widget shows each server frame: typing, a person taking over, status, errors, draining.

The frames come from a real server; the test adds some of its own through Playwright's websocket
routing, standing in for the events (an SDR taking over, a drain) it cannot cause from a browser.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, WebSocketRoute

from tests.widget.chat import ANSWERS, Chat
from tests.support.server import LiveServer

pytestmark = pytest.mark.browser


class Relay:
    """Routes the widget's websocket to the real server and lets the test push frames to the page."""

    def __init__(self, page: Page) -> None:
        self.routes: list[WebSocketRoute] = []
        page.route_web_socket("**/ws/chat*", self._route)

    def _route(self, route: WebSocketRoute) -> None:
        route.connect_to_server()
        self.routes.append(route)

    def push(self, **frame: object) -> None:
        self.routes[-1].send(json.dumps(frame))


@pytest.fixture
def relayed(page: Page, qualbot: LiveServer) -> Iterator[tuple[Chat, Relay]]:
    relay = Relay(page)
    chat = Chat(page)
    page.goto(qualbot.base_url + "/")
    chat.open()
    chat.next_question()
    yield chat, relay


def test_typing_indicator_shows_until_the_next_message(page: Page, relayed: tuple[Chat, Relay]) -> None:
    chat, relay = relayed
    typing = page.locator("qualbot-widget .typing")
    assert typing.is_hidden()
    relay.push(type="typing")
    typing.wait_for(state="visible")
    relay.push(type="bot", text="One more thing.", field=None, quick_replies=[])
    typing.wait_for(state="hidden")
    assert chat.bubbles("bot")[-1] == "One more thing."


def test_a_person_taking_over_is_shown_as_a_person(page: Page, qualbot: LiveServer) -> None:
    chat = Chat(page)
    _, pending = chat.begin(qualbot.base_url + "/")
    conversation = next(f["conversation_id"] for f in chat.received if f["type"] == "session")
    api = qualbot.api()
    takeover = f"/api/conversations/{conversation}"
    assert api.post(f"{takeover}/takeover", json={"agent": "Dana"}).status_code == 200
    page.locator("qualbot-widget .m.sys").wait_for()
    assert chat.bubbles("sys") == ["Dana joined the chat."]
    payload = "Hi, I'm Dana from sales <img src=x onerror=\"window.__pwned=1\">"
    assert api.post(f"{takeover}/messages", json={"agent": "Dana", "text": payload}).status_code == 201
    page.locator("qualbot-widget .m.agent").wait_for()
    assert chat.bubbles("agent") == ["Dana " + payload]
    assert page.locator("qualbot-widget .m.agent .who").inner_text() == "Dana"
    assert page.evaluate("window.__pwned") is None
    assert "Dana" in page.locator("qualbot-widget [aria-live=polite]").inner_text()
    colours = [
        page.locator(f"qualbot-widget .m.{role}").last.evaluate("e => getComputedStyle(e).backgroundColor")
        for role in ("bot", "agent")
    ]
    assert colours[0] != colours[1]  # the person does not look like the bot
    chat.say(ANSWERS[pending["field"]])
    page.wait_for_timeout(400)
    assert page.locator("qualbot-widget .typing").is_hidden()  # the bot is not typing: a person has the chat
    page.reload()
    page.locator("qualbot-widget .m.agent").wait_for()
    page.wait_for_timeout(400)
    assert chat.bubbles("sys") == ["Dana joined the chat."]  # resuming repeats the status; told once
    assert api.post(f"{takeover}/handback", json={"agent": "Dana"}).status_code == 200
    page.wait_for_function(
        "() => document.querySelector('qualbot-widget').shadowRoot.querySelectorAll('.m.sys').length === 2"
    )
    assert chat.bubbles("sys")[-1] == "Dana left the chat."
    assert chat.next_question()["field"] != pending["field"]  # answered while Dana had the chat
    api.close()


def test_an_error_is_told_and_the_chat_goes_on(page: Page, relayed: tuple[Chat, Relay]) -> None:
    chat, relay = relayed
    relay.push(type="error", code="message_too_long", message="That message is too long.")
    page.locator("qualbot-widget .m.sys").wait_for()
    assert chat.bubbles("sys") == ["That message is too long."]
    chat.say("our leads go unanswered for hours, we need to qualify them faster")
    assert chat.next_question()["type"] in {"bot", "qualified"}


def test_a_draining_server_is_left_for_a_new_connection_quietly(page: Page, relayed: tuple[Chat, Relay]) -> None:
    chat, relay = relayed
    before = chat.bubbles("bot")
    relay.push(type="reconnect")
    page.wait_for_timeout(50)
    chat.next_question()  # the pending question again, on the new connection
    assert len(relay.routes) == 2
    assert chat.offline.is_hidden()
    page.wait_for_timeout(100)
    assert chat.bubbles("bot") == before  # not shown twice
