"""The FastAPI application factory: wires settings, database, flows, extractor, policy and channels."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.engine import make_url
from starlette.exceptions import HTTPException as StarletteHTTPException

from bot.api.conversations import conversations_router
from bot.api.deliveries import deliveries_router
from bot.api.events import events_router
from bot.api.guards import BodySizeLimit, rate_limit_api
from bot.api.leads import leads_router
from bot.apikeys import ensure_api_key
from bot.channels.email import EmailSetup
from bot.channels.email.privacy import EMAIL_PRIVACY
from bot.channels.web import ChatSessions, chat_router
from bot.config import Settings
from bot.console.privacy import CONSOLE_PRIVACY
from bot.console.router import install_console
from bot.conversations import ConversationService
from bot.db.session import create_engine, create_sessionmaker
from bot.engine.flow import load_flows
from bot.errors import QualbotError
from bot.live import Bus, LocalBus
from bot.live_pg import PostgresBus
from bot.live_unix import UnixSocketBus, live_directory_for
from bot.extract.base import Extractor
from bot.handoff.privacy import HANDOFF_PRIVACY
from bot.handoff.service import build_handoff
from bot.privacy import PrivacyService
from bot.qualify.policy import load_policy
from bot.ratelimit import RateLimits

log = logging.getLogger(__name__)


def _settle(extractor: Extractor) -> None:
    """Get ready to serve: load lookup tables now, not in the first visitor's turn, then freeze the heap.

    Everything alive after start-up lives as long as the process; ``gc.freeze`` takes it out of
    the collector's full passes, which otherwise walk it all and stall every open chat for tens of
    milliseconds at a time.
    """
    if extractor.name in ("rules", "hybrid"):
        from bot.extract.rules import places

        places.countries()
        places.regions()
    gc.collect()
    gc.freeze()


def create_app(settings: Settings, *, extractor: Extractor | None = None) -> FastAPI:
    """Build the app. Raises ``FlowError``/``PolicyError`` on invalid configuration, before serving."""
    flows = load_flows(settings.flows_dir)
    if settings.default_flow not in flows:
        raise QualbotError(f"QUALBOT_DEFAULT_FLOW={settings.default_flow!r} is not a flow in {settings.flows_dir}")
    policy = load_policy(settings.policy_dir / "policy.yaml")
    if extractor is None:
        from bot.extract.factory import build_extractor

        from bot.extract.rules import RulesExtractor
        from bot.extract.worker import RulesWithTimeLimit

        # The rules — alone, or first and as fallback of an LLM — read long texts in a worker
        # process with a time limit: no crafted text may hold the event loop.
        rules = RulesWithTimeLimit(
            RulesExtractor(), inline_chars=settings.rules_inline_chars, timeout=settings.rules_timeout_seconds
        )
        extractor = build_extractor(settings, rules=rules)
    engine = create_engine(settings)
    sessionmaker = create_sessionmaker(engine)
    bus = _live_bus(settings)
    handoff = build_handoff(settings, sessionmaker, policy)
    service = ConversationService(
        settings=settings,
        sessionmaker=sessionmaker,
        flows=flows,
        extractor=extractor,
        policy=policy,
        bus=bus,
        listeners=[handoff.listener],
        inline_extraction=extractor.name == "rules",
    )
    email = EmailSetup.build(service)

    privacy = PrivacyService(sessionmaker, areas=[EMAIL_PRIVACY, HANDOFF_PRIVACY, CONSOLE_PRIVACY])

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await ensure_api_key(settings, sessionmaker)
        retention = asyncio.create_task(_retention_loop(privacy, settings)) if settings.retention_days > 0 else None
        await bus.start()
        await email.start()
        await handoff.start()
        _settle(extractor)
        log.info("qualbot ready: flows %s, extractor %s", ", ".join(sorted(flows)), extractor.name)
        yield
        await handoff.stop()
        await email.stop()
        for part in (extractor, getattr(extractor, "rules", None), getattr(extractor, "fallback", None)):
            close = getattr(part, "close", None)
            if close is not None:
                close()
        if retention is not None:
            retention.cancel()
        await bus.stop()
        await engine.dispose()

    app = FastAPI(title="qualbot", version="0.1.0", lifespan=lifespan)
    app.state.settings = settings
    app.state.sessionmaker = sessionmaker
    app.state.service = service
    app.state.privacy = privacy
    app.state.flows = flows
    app.state.handoff = handoff
    app.state.email = email
    _install_error_handlers(app)
    chat_sessions = ChatSessions()
    app.state.drain = chat_sessions.drain
    app.state.rate_limits = RateLimits(settings)
    app.middleware("http")(rate_limit_api)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes, exempt_prefixes=("/inbound/",))
    app.include_router(chat_router(service, chat_sessions, app.state.rate_limits))
    app.include_router(leads_router())
    app.include_router(conversations_router())
    app.include_router(events_router())
    app.include_router(deliveries_router())
    app.include_router(email.router())
    _include_widget(app, settings)
    install_console(app, settings)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


async def _retention_loop(privacy: PrivacyService, settings: Settings) -> None:
    """Purge old transcripts now and then, for as long as the server runs."""
    while True:
        try:
            await privacy.purge_transcripts(settings.retention_days, datetime.now(UTC))
        except Exception:  # noqa: BLE001 - a failed purge is retried next round, never kills the server
            log.exception("retention purge failed")
        await asyncio.sleep(settings.retention_check_seconds)


def _live_bus(settings: Settings) -> Bus:
    """Across processes: on PostgreSQL by LISTEN/NOTIFY, on a SQLite file by Unix sockets; else in-process."""
    if settings.database_url.startswith("postgresql"):
        return PostgresBus(settings.database_url)
    database = make_url(settings.database_url).database
    if settings.database_url.startswith("sqlite") and database and database != ":memory:":
        return UnixSocketBus(live_directory_for(database))
    return LocalBus()


def _include_widget(app: FastAPI, settings: Settings) -> None:
    try:
        from bot.channels.widget_http import widget_router
    except ImportError:  # the widget router is optional while the widget is being built
        return
    app.include_router(widget_router(settings))


def _error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, **extra}}


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(QualbotError)
    async def qualbot_error(_: Request, exc: QualbotError) -> JSONResponse:
        return JSONResponse(_error_body(exc.code, exc.message), status_code=exc.http_status)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail
        if isinstance(detail, dict) and "code" in detail:
            body = {"error": detail}
        else:
            body = _error_body("http_error", str(detail))
        return JSONResponse(body, status_code=exc.status_code, headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        details = [{"loc": list(e.get("loc", ())), "message": e.get("msg", "")} for e in exc.errors()]
        return JSONResponse(_error_body("invalid_request", "the request is not valid", details=details), status_code=422)
