"""Sign in and sign out. The login form is CSRF-protected with a double-submit cookie; failures are rate-limited."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Request
from fastapi.responses import Response

from bot.console.auth import LoginLimiter, authenticate, close_session, open_session
from bot.console.web import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    CsrfSigned,
    Forbidden,
    now,
    redirect,
    render,
    safe_next,
    set_cookie,
    settings_of,
)


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def login_router(limiter: LoginLimiter) -> APIRouter:
    """``GET/POST /console/login`` and ``POST /console/logout``."""
    router = APIRouter()

    def _form(request: Request, *, status: int = 200, error: str = "", email: str = "", next_url: str = "", headers: dict[str, str] | None = None) -> Response:
        token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)
        response = render(
            request, "login.html", status=status, headers=headers, login_csrf=token, error=error, email=email,
            next_url=safe_next(next_url or request.query_params.get("next")),
        )
        set_cookie(request, response, LOGIN_CSRF_COOKIE, token, max_age=3600)
        return response

    @router.get("/login")
    async def login_page(request: Request) -> Response:
        return _form(request)

    @router.post("/login")
    async def login(request: Request) -> Response:
        form = await request.form()
        email, password = str(form.get("email", "")), str(form.get("password", ""))
        next_url = str(form.get("next", ""))
        cookie, sent = request.cookies.get(LOGIN_CSRF_COOKIE, ""), str(form.get("csrf_token", ""))
        if not cookie or not secrets.compare_digest(cookie.encode(), sent.encode()):
            raise Forbidden("The sign-in form expired. Reload the page and sign in again.")
        ip = _client_ip(request)
        wait = limiter.blocked_for(ip, email)
        if wait is not None:
            minutes = f"{wait // 60 + 1} minutes" if wait > 90 else f"{wait} seconds"
            return _form(
                request, status=429, email=email, next_url=next_url, headers={"Retry-After": str(wait)},
                error=f"Too many failed sign-in attempts. Wait {minutes} and try again.",
            )
        settings = settings_of(request)
        async with request.app.state.sessionmaker() as session:
            user = await authenticate(session, email, password, now())
            if user is None:
                limiter.failed(ip, email)
                await session.rollback()
                return _form(request, status=401, email=email, next_url=next_url, error="That email and password do not match an account.")
            token = await open_session(session, user, now=now(), hours=settings.console_session_hours)
            await session.commit()
        response = redirect(safe_next(next_url))
        set_cookie(request, response, SESSION_COOKIE, token, max_age=int(settings.console_session_hours * 3600))
        response.delete_cookie(LOGIN_CSRF_COOKIE, path="/console")
        return response

    @router.post("/logout")
    async def logout(request: Request, me: CsrfSigned) -> Response:
        async with request.app.state.sessionmaker() as session:
            await close_session(session, request.cookies.get(SESSION_COOKIE))
            await session.commit()
        response = redirect("/console/login")
        response.delete_cookie(SESSION_COOKIE, path="/console")
        return response

    return router
