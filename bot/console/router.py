"""Mounting the console: ``install_console(app)`` adds everything to the FastAPI app: the routes under ``/console``
(queue, lead, live chats, analytics, admin), the static files, the HTML error pages for
"sign in first" / "forbidden" / "not found", and the security headers. See ``docs/console.md``.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

from bot.config import Settings
from bot.console.auth import LoginLimiter
from bot.console.pages.admin import admin_router
from bot.console.pages.analytics import analytics_router
from bot.console.pages.lead import lead_router
from bot.console.pages.live import live_router
from bot.console.pages.login import login_router
from bot.console.pages.queue import queue_router
from bot.console.web import PREFIX, Forbidden, LoginRequired, PageNotFound, SecurityHeaders, login_url, redirect, render

__all__ = ["console_router", "install_console", "page_routers"]

STATIC_DIR = Path(__file__).parent / "static"


def page_routers(settings: Settings) -> list[APIRouter]:
    """The routers of the console's pages (paths relative to ``/console``)."""
    limiter = LoginLimiter(settings.console_login_limit_ip, settings.console_login_limit_account)
    return [login_router(limiter), queue_router(), lead_router(), live_router(), analytics_router(), admin_router()]


def console_router(settings: Settings) -> APIRouter:
    """Every console route, under ``/console``."""
    router = APIRouter(prefix=PREFIX, include_in_schema=False)
    for pages in page_routers(settings):
        router.include_router(pages)
    return router


def install_console(app: FastAPI, settings: Settings) -> None:
    """Add the console's routes, static files, error pages and security headers to ``app``."""
    app.include_router(console_router(settings))
    app.mount(PREFIX + "/static", StaticFiles(directory=STATIC_DIR), name="console-static")
    app.add_middleware(SecurityHeaders)

    @app.get(PREFIX, include_in_schema=False)
    async def console_root() -> Response:
        return redirect(PREFIX + "/")

    @app.exception_handler(LoginRequired)
    async def login_required(_: Request, exc: LoginRequired) -> Response:
        return redirect(login_url(exc.next_url))

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> Response:
        return render(request, "error.html", status=403, title="Not allowed", message=exc.message)

    @app.exception_handler(PageNotFound)
    async def not_found(request: Request, exc: PageNotFound) -> Response:
        return render(request, "error.html", status=404, title="Not found", message=exc.message)
