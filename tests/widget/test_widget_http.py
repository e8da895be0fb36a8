"""The widget's HTTP routes (script, demo pages) and the embedding-origin rule, on a real server."""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from bot.channels.widget_http import DEMO_CSP, normalize_origin, origin_allowed, widget_router
from bot.config import Settings
from tests.support.servers import serve_asgi

ROOT = Path(__file__).resolve().parents[2]
WIDGET_JS = ROOT / "widget" / "widget.js"
MAX_GZIPPED_BYTES = 15 * 1024


def _settings(**overrides: object) -> Settings:
    return Settings(widget_dir=ROOT / "widget", **overrides)


@pytest.fixture
def open_server() -> Iterator[str]:
    app = FastAPI()
    app.include_router(widget_router(_settings()))
    with serve_asgi(app) as url:
        yield url


@pytest.fixture
def closed_server() -> Iterator[str]:
    app = FastAPI()
    app.include_router(widget_router(_settings(widget_allowed_origins=["https://shop.example.com"])))
    with serve_asgi(app) as url:
        yield url


def test_script_is_at_most_15_kb_gzipped() -> None:
    size = len(gzip.compress(WIDGET_JS.read_bytes(), 9))
    assert size <= MAX_GZIPPED_BYTES, f"widget.js is {size} bytes gzipped"


def test_script_never_builds_html_or_code_from_strings() -> None:
    source = WIDGET_JS.read_text()
    for risky in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function", "setAttribute(\"style\""):
        assert risky not in source, risky


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://Shop.Example.com:443/page?x=1", "https://shop.example.com"),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("ws://127.0.0.1:8000/ws/chat", "http://127.0.0.1:8000"),
        ("wss://chat.example.com/ws/chat", "https://chat.example.com"),
        ("null", None),
        ("file:///tmp/x.html", None),
        ("", None),
    ],
)
def test_normalize_origin(url: str, expected: str | None) -> None:
    assert normalize_origin(url) == expected


def test_every_origin_is_allowed_when_no_list_is_set() -> None:
    assert origin_allowed(_settings(), "https://anyone.example.org")


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        ("https://shop.example.com", True),
        ("https://shop.example.com:443", True),
        ("http://shop.example.com", False),  # another scheme is another origin
        ("https://evil.example.net", False),
        ("https://shop.example.com.evil.net", False),
        ("https://eu.brand.example", True),  # *.brand.example
        ("https://brand.example", False),
        ("null", False),
        ("http://qualbot.internal:8000", True),  # the server's own public URL
        (None, True),  # no Origin: not a browser page
    ],
)
def test_origin_rule_with_a_list(origin: str | None, allowed: bool) -> None:
    settings = _settings(
        widget_allowed_origins=["https://shop.example.com", "https://*.brand.example"],
        public_url="http://qualbot.internal:8000",
    )
    assert origin_allowed(settings, origin) is allowed


def test_the_url_a_request_reached_counts_as_own_origin() -> None:
    settings = _settings(widget_allowed_origins=["https://shop.example.com"])
    assert origin_allowed(settings, "http://10.0.0.5:9000", own="ws://10.0.0.5:9000/ws/chat")
    assert not origin_allowed(settings, "http://10.0.0.5:9001", own="ws://10.0.0.5:9000/ws/chat")


def test_script_is_served_cacheable_and_revalidates(open_server: str) -> None:
    response = httpx.get(f"{open_server}/widget.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.content == WIDGET_JS.read_bytes()
    assert re.search(r"max-age=\d+", response.headers["cache-control"])
    etag = response.headers["etag"]
    again = httpx.get(f"{open_server}/widget.js", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert response.headers["access-control-allow-origin"] == "*"


def test_script_is_gzipped_when_accepted(open_server: str) -> None:
    with httpx.Client() as client:
        raw = client.get(f"{open_server}/widget.js", headers={"Accept-Encoding": "gzip"})
    assert raw.headers["content-encoding"] == "gzip"
    assert int(raw.headers["content-length"]) <= MAX_GZIPPED_BYTES
    assert raw.content == WIDGET_JS.read_bytes()  # httpx inflated it
    assert "Accept-Encoding" in raw.headers["vary"]


def test_script_refused_to_pages_of_other_origins(closed_server: str) -> None:
    foreign = httpx.get(f"{closed_server}/widget.js", headers={"Referer": "https://evil.example.net/landing"})
    assert foreign.status_code == 403
    foreign_origin = httpx.get(f"{closed_server}/widget.js", headers={"Origin": "https://evil.example.net"})
    assert foreign_origin.status_code == 403


def test_script_served_to_allowed_and_own_pages(closed_server: str) -> None:
    listed = httpx.get(f"{closed_server}/widget.js", headers={"Referer": "https://shop.example.com/pricing"})
    assert listed.status_code == 200
    assert listed.headers["access-control-allow-origin"] == "https://shop.example.com"
    assert "Referer" in listed.headers["vary"]
    own = httpx.get(f"{closed_server}/widget.js", headers={"Referer": f"{closed_server}/"})
    assert own.status_code == 200
    assert httpx.get(f"{closed_server}/widget.js").status_code == 200  # no Referer: privacy settings


@pytest.mark.parametrize("path", ["/", "/pricing"])
def test_demo_pages_carry_the_tag_under_a_strict_csp(open_server: str, path: str) -> None:
    response = httpx.get(open_server + path)
    assert response.status_code == 200
    assert response.headers["content-security-policy"] == DEMO_CSP
    assert "'unsafe-inline'" not in DEMO_CSP and "'unsafe-eval'" not in DEMO_CSP
    assert re.search(r'<script src="/widget.js" data-flow="bant"[^>]*\basync\b', response.text)
    assert "<style" not in response.text and " style=" not in response.text
    css = httpx.get(f"{open_server}/demo.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
