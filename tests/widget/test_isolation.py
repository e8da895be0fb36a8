"""The widget stays itself on any page: hostile CSS, hostile text, strict CSP, other origins."""

from __future__ import annotations

import json

import pytest
import websockets.sync.client as ws_client
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page, WebSocketRoute
from websockets.exceptions import InvalidStatus, WebSocketException

from tests.support.servers import HostSite, host_site
from tests.widget.chat import ANSWERS, Chat
from tests.support.server import LiveServer
from tests.widget.pages import HOSTILE_CSS, host_page

pytestmark = pytest.mark.browser

STYLE_PROPS = [
    "font-family", "font-size", "color", "background-color", "padding", "margin", "border-top",
    "line-height", "letter-spacing", "text-transform", "display", "position", "opacity", "transform",
    "width", "height",
]
PARTS = [".launch", ".panel", "header", "h2", ".log", ".m.bot", "input", ".send"]


def _styles(page: Page) -> dict[str, dict[str, object]]:
    return page.evaluate(
        """([parts, props]) => {
            const root = document.querySelector('qualbot-widget').shadowRoot, out = {};
            for (const sel of parts) {
                const el = root.querySelector(sel), cs = getComputedStyle(el), r = el.getBoundingClientRect();
                out[sel] = Object.fromEntries(props.map(p => [p, cs.getPropertyValue(p)]));
                out[sel].box = [r.x, r.y, r.width, r.height].map(Math.round);
            }
            return out;
        }""",
        [PARTS, STYLE_PROPS],
    )


def _header_pixels(page: Page) -> bytes:
    """A screenshot of the panel's title bar, clear of its rounded corners (the page shows there)."""
    box = page.locator("qualbot-widget header").bounding_box()
    assert box is not None
    clip = {"x": box["x"] + 16, "y": box["y"], "width": box["width"] - 32, "height": box["height"]}
    return page.screenshot(clip=clip)


def _opened_with_question(page: Page, url: str) -> Chat:
    chat = Chat(page)
    page.goto(url)
    chat.open()
    chat.next_question()
    page.wait_for_timeout(300)  # let the panel's opening animation end
    return chat


def test_hostile_host_css_does_not_change_the_widget(
    page: Page, context: BrowserContext, qualbot: LiveServer, site: HostSite
) -> None:
    plain = site.add("/plain", host_page(qualbot.base_url))
    hostile = site.add("/hostile", host_page(qualbot.base_url, css=HOSTILE_CSS))
    other = context.browser.new_context(viewport=context.pages[0].viewport_size)  # fresh storage
    try:
        _opened_with_question(other.new_page(), plain)
        expected = _styles(other.pages[0])
        plain_header = _header_pixels(other.pages[0])
    finally:
        other.close()
    _opened_with_question(page, hostile)
    assert page.evaluate("getComputedStyle(document.querySelector('h1')).fontSize") == "31px"  # the CSS applies
    assert _styles(page) == expected
    assert _header_pixels(page) == plain_header


def test_the_widget_css_does_not_leak_into_the_page(page: Page, qualbot: LiveServer, site: HostSite) -> None:
    decoy = '<p class="launch panel m me qr"><button class="send x">host button</button><input></p>'
    url = site.add("/decoy", host_page(qualbot.base_url).replace("</main>", decoy + "</main>"))
    _opened_with_question(page, url)
    styles = page.evaluate(
        """() => [document.querySelector('p.launch'), document.querySelector('button.send')].map(e => {
            const cs = getComputedStyle(e);
            return [cs.position, cs.borderRadius, cs.backgroundColor];
        })"""
    )
    assert styles == [["static", "0px", "rgba(0, 0, 0, 0)"], ["static", "0px", styles[1][2]]]
    assert styles[1][2] != "rgb(33, 80, 200)"  # not the widget's accent


def test_markup_in_bot_and_agent_text_is_shown_as_text(page: Page, qualbot: LiveServer) -> None:
    payload = '<img src=x onerror="window.__pwned=1">'
    routes: list[WebSocketRoute] = []

    def relay(route: WebSocketRoute) -> None:
        route.connect_to_server()  # a real server behind; the test adds frames of its own
        routes.append(route)

    page.route_web_socket("**/ws/chat*", relay)
    chat = Chat(page)
    page.goto(qualbot.base_url + "/")
    chat.open()
    chat.next_question()
    routes[-1].send(json.dumps({"type": "bot", "text": payload + " bot", "field": None, "quick_replies": [payload]}))
    routes[-1].send(json.dumps({"type": "agent", "text": payload + " agent", "name": "<b>Dana</b>"}))
    page.locator("qualbot-widget .m.agent").wait_for()
    page.wait_for_timeout(200)
    assert page.evaluate("window.__pwned") is None
    assert page.locator("qualbot-widget img").count() == 0
    assert payload + " bot" in chat.bubbles("bot")
    assert "<b>Dana</b> " + payload + " agent" in chat.bubbles("agent")
    assert page.locator("qualbot-widget .qr button").inner_text() == payload


def test_works_under_a_strict_csp_on_another_site(page: Page, qualbot: LiveServer, site: HostSite) -> None:
    ws_origin = qualbot.base_url.replace("http://", "ws://")
    csp = (
        f"default-src 'none'; script-src {qualbot.base_url}; connect-src {ws_origin}; "
        "style-src 'none'; img-src data:; base-uri 'none'"
    )
    url = site.add("/csp", host_page(qualbot.base_url), {"Content-Security-Policy": csp})
    chat = Chat(page)
    chat.begin(url)
    assert chat.launcher.evaluate("e => getComputedStyle(e).position") == "fixed"  # styled: the sheet applied
    # the page fixture fails the test on any CSP violation


def test_pages_of_other_origins_are_refused(page: Page, make_qualbot) -> None:
    with host_site() as allowed, host_site() as other:
        server: LiveServer = make_qualbot(widget_allowed_origins=[allowed.origin])
        statuses: dict[str, int] = {}
        page.on("response", lambda r: statuses.__setitem__(r.url, r.status) if "widget.js" in r.url else None)
        page.goto(other.add("/", host_page(server.base_url)))
        page.wait_for_load_state("networkidle")
        assert statuses[f"{server.base_url}/widget.js"] == 403
        assert page.locator("qualbot-widget").count() == 0

        chat = Chat(page)
        page.goto(allowed.add("/", host_page(server.base_url)))
        chat.open()
        assert chat.next_question()["type"] == "bot"

        ws_url = server.base_url.replace("http://", "ws://") + "/ws/chat?flow=bant"
        with pytest.raises((InvalidStatus, WebSocketException, OSError)):
            with ws_client.connect(ws_url, origin=other.origin, open_timeout=5) as sock:
                sock.recv(timeout=5)
                sock.recv(timeout=5)
        with ws_client.connect(ws_url, origin=allowed.origin, open_timeout=5) as sock:
            assert json.loads(sock.recv(timeout=5))["type"] == "session"


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}, {"width": 360, "height": 740}])
def test_no_serious_accessibility_violations(page: Page, qualbot: LiveServer, viewport: dict[str, int]) -> None:
    page.set_viewport_size(viewport)
    Chat(page).begin(qualbot.base_url + "/")
    page.wait_for_timeout(300)
    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v["impact"] in {"serious", "critical"}]
    assert not bad, results.generate_report()
    assert page.locator("qualbot-widget [aria-live=polite]").inner_text() != ""  # new messages announced


def test_reduced_motion_turns_animation_off(page: Page, qualbot: LiveServer) -> None:
    page.emulate_media(reduced_motion="reduce")
    chat = Chat(page)
    page.goto(qualbot.base_url + "/")
    chat.open()
    assert chat.panel.evaluate("e => getComputedStyle(e).animationName") == "none"
    page.emulate_media(reduced_motion="no-preference")
    assert chat.panel.evaluate("e => getComputedStyle(e).animationName") == "qb-in"


@pytest.mark.parametrize(
    ("attrs", "accent", "left"),
    [
        ('data-color="#0b5e57" data-color-text="#fffbe6" data-position="left"', "rgb(11, 94, 87)", True),
        ('data-color="red;}:host{display:none" data-position="middle"', "rgb(33, 80, 200)", False),  # ignored
    ],
)
def test_colours_and_position_from_the_tag(
    page: Page, qualbot: LiveServer, site: HostSite, attrs: str, accent: str, left: bool
) -> None:
    page.goto(site.add("/", host_page(qualbot.base_url, attrs=f'data-flow="bant" {attrs}')))
    launcher = Chat(page).launcher
    launcher.wait_for()
    assert launcher.evaluate("e => getComputedStyle(e).backgroundColor") == accent
    box = launcher.bounding_box()
    assert box is not None and (box["x"] < 100) is left
    if left:
        assert launcher.evaluate("e => getComputedStyle(e).color") == "rgb(255, 251, 230)"
