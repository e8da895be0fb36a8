"""The console's web plumbing: templates, the signed-in user as a dependency, CSRF checks, security headers.

Routes in ``bot/console/pages/`` stay thin: they take ``Signed`` (any user) or ``Admin``
(admins only) and call :func:`render`. POST routes take ``CsrfSigned``/``CsrfAdmin``, which
also check the session's CSRF token (form field ``csrf_token`` or header ``X-CSRF-Token``).
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.config import Settings
from bot.console.auth import SignedIn, signed_in
from bot.console.format import FILTERS

SESSION_COOKIE = "qb_console"
LOGIN_CSRF_COOKIE = "qb_login_csrf"
PREFIX = "/console"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
_TEMPLATES = Path(__file__).parent / "templates"
_env = Environment(loader=FileSystemLoader(_TEMPLATES), autoescape=True, undefined=StrictUndefined)
_env.filters.update(FILTERS)


class LoginRequired(Exception):
    """No live session: the browser is sent to the login page, then back to ``next_url``."""

    def __init__(self, next_url: str) -> None:
        self.next_url = next_url


class Forbidden(Exception):
    """The signed-in user may not do this (an SDR on an admin page, a bad CSRF token)."""

    def __init__(self, message: str) -> None:
        self.message = message


class PageNotFound(Exception):
    """A console page about something that does not exist (e.g. an unknown lead)."""

    def __init__(self, message: str) -> None:
        self.message = message


def now() -> datetime:
    return datetime.now(UTC)


def settings_of(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def render(request: Request, template: str, *, status: int = 200, headers: dict[str, str] | None = None, **context: Any) -> HTMLResponse:
    """A page from ``templates/`` with the signed-in user, CSRF token and current path in its context."""
    me: SignedIn | None = getattr(request.state, "signed_in", None)
    html = _env.get_template(template).render(
        me=me,
        csrf_token=me.csrf_token if me else "",
        path=request.url.path,
        **context,
    )
    return HTMLResponse(html, status_code=status, headers=headers)


def redirect(url: str) -> RedirectResponse:
    """A 303 redirect (the browser follows with GET after a form POST)."""
    return RedirectResponse(url, status_code=303)


async def _signed(request: Request) -> SignedIn:
    token = request.cookies.get(SESSION_COOKIE)
    async with request.app.state.sessionmaker() as session:
        me = await signed_in(session, token, now())
    if me is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(target)
    request.state.signed_in = me
    return me


async def _admin(me: Annotated[SignedIn, Depends(_signed)]) -> SignedIn:
    if not me.is_admin:
        raise Forbidden("This page is for administrators.")
    return me


async def check_csrf(request: Request, expected: str) -> None:
    """Raise :class:`Forbidden` unless the request echoes ``expected`` (form field or header)."""
    presented = request.headers.get("x-csrf-token")
    if presented is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        presented = (await request.form()).get("csrf_token")  # type: ignore[assignment]
    if not isinstance(presented, str) or not secrets.compare_digest(presented.encode(), expected.encode()):
        raise Forbidden("The form has expired or did not come from this console. Reload the page and try again.")


async def _csrf_signed(request: Request, me: Annotated[SignedIn, Depends(_signed)]) -> SignedIn:
    await check_csrf(request, me.csrf_token)
    return me


async def _csrf_admin(request: Request, me: Annotated[SignedIn, Depends(_admin)]) -> SignedIn:
    await check_csrf(request, me.csrf_token)
    return me


Signed = Annotated[SignedIn, Depends(_signed)]
Admin = Annotated[SignedIn, Depends(_admin)]
CsrfSigned = Annotated[SignedIn, Depends(_csrf_signed)]
CsrfAdmin = Annotated[SignedIn, Depends(_csrf_admin)]


def safe_next(url: str | None) -> str:
    """Where to go after login: a console path only (never another site)."""
    if url and url.startswith(PREFIX) and not url.startswith("//") and "\\" not in url:
        return url
    return PREFIX + "/"


def login_url(next_url: str) -> str:
    return f"{PREFIX}/login?next={quote(next_url, safe='')}"


def secure_cookie(request: Request) -> bool:
    """Whether cookies get the Secure flag (``secure_cookies``: auto follows the scheme)."""
    mode = settings_of(request).secure_cookies
    if mode != "auto":
        return mode == "always"
    return request.url.scheme == "https" or settings_of(request).effective_public_url().startswith("https://")


def set_cookie(request: Request, response: Response, name: str, value: str, max_age: int | None) -> None:
    response.set_cookie(
        name, value, max_age=max_age, path=PREFIX, httponly=True, samesite="lax", secure=secure_cookie(request)
    )


class SecurityHeaders:
    """ASGI middleware: console responses get a strict CSP, no framing, no sniffing, no caching."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not (path == PREFIX or path.startswith(PREFIX + "/")):
            await self.app(scope, receive, send)
            return
        static = path.startswith(PREFIX + "/static/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                extra = {
                    b"content-security-policy": CSP.encode(),
                    b"x-frame-options": b"DENY",
                    b"x-content-type-options": b"nosniff",
                    b"referrer-policy": b"same-origin",
                }
                if not static:
                    extra[b"cache-control"] = b"no-store"
                headers += [(k, v) for k, v in extra.items() if k not in names]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)
