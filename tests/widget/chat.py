"""Drives the widget like a visitor and records the websocket frames it exchanges."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Locator, Page, WebSocket

# How a prospect answers each topic the flow may ask about.
ANSWERS = {
    "need": "our leads go unanswered for hours, we need to qualify them faster",
    "budget": "about $20k a year",
    "authority": "I'm the head of sales and I sign off",
    "timeline": "within the next month",
    "company": "we're about 120 people, based in Germany",
}
FALLBACK_ANSWER = "not sure yet"

Frame = dict[str, Any]


def _is_question(frame: Frame) -> bool:
    return frame.get("type") == "qualified" or (frame.get("type") == "bot" and bool(frame.get("field")))


class Chat:
    """A visitor on ``page``: opens the widget, answers, and watches frames sent and received."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.received: list[Frame] = []
        self.sent: list[Frame] = []
        self.sockets: list[WebSocket] = []
        self._cursor = 0
        page.on("websocket", self._watch)

    def _watch(self, ws: WebSocket) -> None:
        self.sockets.append(ws)
        ws.on("framereceived", lambda payload: self.received.append(json.loads(payload)))
        ws.on("framesent", lambda payload: self.sent.append(json.loads(payload)))

    # --- the widget's parts (Playwright's CSS engine pierces the open shadow root) ---
    @property
    def launcher(self) -> Locator:
        return self.page.locator("qualbot-widget .launch")

    @property
    def panel(self) -> Locator:
        return self.page.locator("qualbot-widget .panel")

    @property
    def input(self) -> Locator:
        return self.page.locator("qualbot-widget input")

    @property
    def offline(self) -> Locator:
        return self.page.locator("qualbot-widget .off")

    def log_box(self) -> dict[str, float]:
        box = self.page.locator("qualbot-widget .log").bounding_box()
        assert box is not None
        return box

    def bubbles(self, role: str) -> list[str]:
        """Texts of the transcript's bubbles of one role (bot, me, agent, sys), screen-reader prefix removed."""
        return self.page.locator(f"qualbot-widget .log .m.{role}").evaluate_all(
            "els => els.map(e => [...e.childNodes].filter(n => n.nodeType === 3 || n.className === 'who')"
            ".map(n => n.textContent).join(' ').trim())"
        )

    def active(self) -> str:
        """Class (or tag) of the focused element, looking into the widget's shadow root."""
        return self.page.evaluate(
            "() => { let a = document.activeElement; while (a && a.shadowRoot && a.shadowRoot.activeElement)"
            " a = a.shadowRoot.activeElement; return a ? (a.className || a.tagName.toLowerCase()) : '' }"
        )

    # --- acting ---
    def open(self) -> None:
        self.launcher.click()
        self.panel.wait_for(state="visible")

    def say(self, text: str) -> None:
        self.input.fill(text)
        self.input.press("Enter")

    def begin(self, url: str) -> tuple[Frame, Frame]:
        """Open the widget on ``url`` and answer the first question; return it and the second one."""
        self.page.goto(url)
        self.open()
        first = self.next_question()
        self.say(ANSWERS[first["field"]])
        return first, self.next_question()

    def wait_frame(self, match: Callable[[Frame], bool], timeout: float = 10.0) -> Frame:
        """The next received frame (after the last one waited for) that ``match`` accepts."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            while self._cursor < len(self.received):
                frame = self.received[self._cursor]
                self._cursor += 1
                if match(frame):
                    return frame
            self.page.wait_for_timeout(30)  # lets Playwright deliver events
        raise AssertionError(f"no matching frame; received: {self.received}")

    def next_question(self, timeout: float = 10.0) -> Frame:
        """The next question (a bot frame with a field) or the ``qualified`` frame."""
        return self.wait_frame(_is_question, timeout)

    def answer_until_done(self, first: Frame | None = None, say: Callable[[str], None] | None = None) -> Frame:
        """Answer every question the bot asks until it sends ``qualified``; return that frame."""
        frame = first or self.next_question()
        for _ in range(15):
            if frame["type"] == "qualified":
                return frame
            (say or self.say)(ANSWERS.get(frame["field"], FALLBACK_ANSWER))
            frame = self.next_question()
        raise AssertionError(f"the flow did not end: {self.received}")
