"""HTTP routes of the embeddable chat widget, and the rule for which sites may embed it.

``widget_router(settings)`` serves ``GET /widget.js`` (ETag + Cache-Control, gzip when the
client accepts it, 403 for a page whose Origin/Referer is not allowed) and the demo landing
pages ``GET /`` and ``GET /pricing`` (served under a strict Content-Security-Policy, which
proves the widget needs no inline script or style). ``origin_allowed`` is the same rule for
the chat websocket's ``Origin`` header.
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from fastapi import APIRouter, Request, Response
from fastapi.responses import PlainTextResponse

from bot.config import Settings

_DEFAULT_PORTS = {"http": 80, "https": 443}
_WS_SCHEMES = {"ws": "http", "wss": "https"}

# The demo pages carry no inline script or style; the widget must work under this policy.
DEMO_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
_SCRIPT_CACHE = "public, max-age=300"  # short: the URL is not versioned; ETag makes refreshes cheap
_DEMO_PAGES = {"/": "demo.html", "/pricing": "pricing.html"}
_DEMO_ASSETS = {"/demo.css": ("demo.css", "text/css; charset=utf-8")}


def normalize_origin(url: str | None) -> str | None:
    """``scheme://host[:port]`` of a URL or Origin value, lower-cased, default port dropped.

    ``ws``/``wss`` count as ``http``/``https`` so a websocket's own URL compares with a page's
    origin. Returns None for anything that is not an absolute http(s)/ws(s) URL (e.g. ``null``).
    """
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = _WS_SCHEMES.get(parts.scheme.lower(), parts.scheme.lower())
    host = (parts.hostname or "").lower()
    if scheme not in _DEFAULT_PORTS or not host:
        return None
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    if port is None or port == _DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def _matches(origin: str, pattern: str) -> bool:
    """True when ``origin`` equals ``pattern`` or, for ``scheme://*.domain``, is a subdomain of it."""
    if "://*." in pattern:
        scheme, rest = pattern.split("://*.", 1)
        wanted = normalize_origin(f"{scheme}://{rest}")
        got_scheme, _, got_host = origin.partition("://")
        if wanted is None:
            return False
        want_scheme, _, want_host = wanted.partition("://")
        return got_scheme == want_scheme and got_host.endswith("." + want_host)
    return origin == normalize_origin(pattern)


def origin_allowed(settings: Settings, origin: str | None, own: str | None = None) -> bool:
    """May a page on ``origin`` use the widget (load the script, open the chat websocket)?

    Every origin is allowed when ``settings.widget_allowed_origins`` is empty. Otherwise the
    origin must be listed (``https://*.example.com`` allows subdomains), or be the server's own
    public URL, or ``own`` (the URL the request itself reached, e.g. ``websocket.url``, so the
    demo page the server serves always works). A missing Origin (not a browser) is allowed:
    the rule keeps other sites' pages out; it is not authentication.
    """
    if not settings.widget_allowed_origins or not origin:
        return True
    got = normalize_origin(origin)
    if got is None:
        return False
    own_origins = {normalize_origin(settings.effective_public_url()), normalize_origin(own)}
    if got in own_origins:
        return True
    return any(_matches(got, pattern) for pattern in settings.widget_allowed_origins)


@dataclass(frozen=True)
class _Asset:
    """A file's bytes, its gzip form and their ETags, kept until the file changes."""

    stamp: tuple[int, int]
    body: bytes
    gzipped: bytes
    etag: str

    @classmethod
    def load(cls, path: Path) -> _Asset:
        stat = path.stat()
        body = path.read_bytes()
        digest = hashlib.sha256(body).hexdigest()[:20]
        return cls((stat.st_mtime_ns, stat.st_size), body, gzip.compress(body, 9, mtime=0), digest)


class _AssetCache:
    """Re-reads a file only when its mtime or size changed (edits show without a restart)."""

    def __init__(self) -> None:
        self._assets: dict[Path, _Asset] = {}

    def get(self, path: Path) -> _Asset:
        stat = path.stat()
        asset = self._assets.get(path)
        if asset is None or asset.stamp != (stat.st_mtime_ns, stat.st_size):
            asset = self._assets[path] = _Asset.load(path)
        return asset


def _page_origin(request: Request) -> str | None:
    """The embedding page's origin: the Origin header, else the Referer's origin."""
    origin = request.headers.get("origin")
    if origin:
        return origin
    referer = request.headers.get("referer")
    return normalize_origin(referer) if referer else None


def _accepts_gzip(request: Request) -> bool:
    return any(
        part.split(";")[0].strip() == "gzip"
        for part in request.headers.get("accept-encoding", "").split(",")
    )


def _not_modified(request: Request, etags: set[str]) -> bool:
    header = request.headers.get("if-none-match", "")
    sent = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return "*" in sent or bool(sent & etags)


def widget_router(settings: Settings) -> APIRouter:
    """The routes that serve the widget script and the demo pages carrying it."""
    router = APIRouter(tags=["widget"])
    cache = _AssetCache()
    restricted = bool(settings.widget_allowed_origins)

    @router.api_route("/widget.js", methods=["GET", "HEAD"], include_in_schema=False)
    async def widget_js(request: Request) -> Response:
        page = _page_origin(request)
        if not origin_allowed(settings, page, own=str(request.base_url)):
            return PlainTextResponse(
                "This site is not allowed to embed the chat widget.",
                status_code=403,
                headers={"Cache-Control": "no-store", "Vary": "Origin, Referer"},
            )
        asset = cache.get(settings.widget_dir / "widget.js")
        zipped = _accepts_gzip(request)
        etag = f'"{asset.etag}-gz"' if zipped else f'"{asset.etag}"'
        headers = {
            "ETag": etag,
            "Cache-Control": _SCRIPT_CACHE,
            "Vary": "Accept-Encoding, Origin, Referer" if restricted else "Accept-Encoding",
            "X-Content-Type-Options": "nosniff",
            "Cross-Origin-Resource-Policy": "cross-origin",
            "Access-Control-Allow-Origin": (page or "*") if restricted else "*",
        }
        if _not_modified(request, {f'"{asset.etag}"', f'"{asset.etag}-gz"'}):
            return Response(status_code=304, headers=headers)
        if zipped:
            headers["Content-Encoding"] = "gzip"
        body = asset.gzipped if zipped else asset.body
        return Response(body, media_type="text/javascript; charset=utf-8", headers=headers)

    def _serve(filename: str, media_type: str, extra: dict[str, str]):
        async def serve(request: Request) -> Response:
            asset = cache.get(settings.widget_dir / filename)
            headers = {"ETag": f'"{asset.etag}"', "Cache-Control": "no-cache", **extra}
            if _not_modified(request, {headers["ETag"]}):
                return Response(status_code=304, headers=headers)
            return Response(asset.body, media_type=media_type, headers=headers)

        return serve

    for path, filename in _DEMO_PAGES.items():
        router.add_api_route(
            path,
            _serve(filename, "text/html; charset=utf-8", {"Content-Security-Policy": DEMO_CSP}),
            methods=["GET", "HEAD"],
            include_in_schema=False,
        )
    for path, (filename, media_type) in _DEMO_ASSETS.items():
        router.add_api_route(
            path, _serve(filename, media_type, {}), methods=["GET", "HEAD"], include_in_schema=False
        )
    return router
