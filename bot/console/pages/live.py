"""Live chats: the conversations happening now, one conversation in real time, take over / write / hand back.

The page listens to ``/console/live/{id}/events`` (Server-Sent Events fed by the service's
live bus); the SDR's actions go through ``ConversationService.take_over``/``agent_message``/
``hand_back``, which deliver to the visitor's widget at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from sqlalchemy import case, func, select

from bot.console.web import CsrfSigned, PageNotFound, Signed, SignedIn, now, redirect, render, settings_of
from bot.db import models
from bot.errors import QualbotError

LIVE_STATUSES = ("active", "waiting_human", "agent")
KEEPALIVE_SECONDS = 15.0


def agent_name(me: SignedIn) -> str:
    """How the visitor sees the SDR: the email's name part, e.g. ``dana.fox@x`` -> ``Dana Fox``."""
    local = me.user.email.split("@", 1)[0]
    return " ".join(part.capitalize() for part in local.replace("_", ".").replace("-", ".").split(".") if part) or "Sales team"


def live_router() -> APIRouter:
    """Routes of the live chats pages."""
    router = APIRouter()

    @router.get("/live")
    async def live_list(request: Request, me: Signed) -> Response:
        since = now() - timedelta(minutes=settings_of(request).console_live_minutes)
        waiting_first = case((models.Conversation.status == "waiting_human", 0), (models.Conversation.status == "agent", 1), else_=2)
        async with request.app.state.sessionmaker() as session:
            rows = (
                await session.execute(
                    select(models.Conversation, models.Lead)
                    .join(models.Lead, models.Lead.id == models.Conversation.lead_id)
                    .where(models.Conversation.status.in_(LIVE_STATUSES), models.Conversation.updated_at >= since)
                    .order_by(waiting_first, models.Conversation.updated_at.desc())
                    .limit(200)
                )
            ).all()
            last = await _last_messages(session, [c.id for c, _ in rows])
        return render(request, "live_list.html", rows=rows, last=last, now=now(), minutes=settings_of(request).console_live_minutes)

    @router.get("/live/{conversation_id}")
    async def live_page(request: Request, conversation_id: str, me: Signed) -> Response:
        return await _show(request, conversation_id)

    @router.get("/live/{conversation_id}/events")
    async def events(request: Request, conversation_id: str, me: Signed) -> Response:
        bus = request.app.state.service.bus
        return StreamingResponse(
            _stream(request, bus, conversation_id),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )

    async def act(request: Request, conversation_id: str, action: Any) -> Response:
        wants_json = "application/json" in request.headers.get("accept", "")
        try:
            result = await action()
        except QualbotError as exc:
            if wants_json:
                return JSONResponse({"error": {"code": exc.code, "message": exc.message}}, status_code=exc.http_status)
            return await _show(request, conversation_id, error=exc.message, status=exc.http_status)
        if wants_json:
            return JSONResponse({"ok": True, **(result or {})}, status_code=201)
        return redirect(f"/console/live/{conversation_id}")

    @router.post("/live/{conversation_id}/takeover")
    async def take_over(request: Request, conversation_id: str, me: CsrfSigned) -> Response:
        service = request.app.state.service
        return await act(request, conversation_id, lambda: service.take_over(conversation_id, agent_name(me)))

    @router.post("/live/{conversation_id}/messages")
    async def write(request: Request, conversation_id: str, me: CsrfSigned) -> Response:
        service = request.app.state.service
        text = str((await request.form()).get("text", ""))

        async def send() -> dict[str, Any]:
            return {"message_id": await service.agent_message(conversation_id, agent_name(me), text)}

        return await act(request, conversation_id, send)

    @router.post("/live/{conversation_id}/handback")
    async def hand_back(request: Request, conversation_id: str, me: CsrfSigned) -> Response:
        service = request.app.state.service

        async def back() -> None:
            await service.hand_back(conversation_id, agent_name(me))

        return await act(request, conversation_id, back)

    return router


async def _show(request: Request, conversation_id: str, *, error: str = "", status: int = 200) -> Response:
    async with request.app.state.sessionmaker() as session:
        conversation = await session.get(models.Conversation, conversation_id)
        if conversation is None:
            raise PageNotFound("There is no such conversation.")
        lead = await session.get(models.Lead, conversation.lead_id)
        known = await request.app.state.service.known_facts(session, conversation.lead_id)
        messages = list(
            await session.scalars(
                select(models.Message).where(models.Message.conversation_id == conversation_id).order_by(models.Message.created_at, models.Message.id)
            )
        )
    return render(request, "live.html", status=status, conversation=conversation, lead=lead, known=known, messages=messages, error=error, now=now())


async def _last_messages(session: Any, conversation_ids: list[str]) -> dict[str, models.Message]:
    """The last thing the visitor wrote in each conversation."""
    if not conversation_ids:
        return {}
    last_ids = (
        select(func.max(models.Message.id))
        .where(models.Message.conversation_id.in_(conversation_ids), models.Message.role == "prospect")
        .group_by(models.Message.conversation_id)
    )
    return {m.conversation_id: m for m in await session.scalars(select(models.Message).where(models.Message.id.in_(last_ids)))}


async def _stream(request: Request, bus: Any, conversation_id: str) -> AsyncIterator[str]:
    """The conversation's live events as SSE ``data:`` lines, with keep-alive comments."""
    async with bus.subscribe(conversation_id) as events:
        iterator = events.__aiter__()
        yield "retry: 3000\nevent: ready\ndata: {}\n\n"
        pending: asyncio.Future[dict[str, Any]] | None = None
        try:
            while not await request.is_disconnected():
                if pending is None:
                    pending = asyncio.ensure_future(iterator.__anext__())
                done, _ = await asyncio.wait({pending}, timeout=KEEPALIVE_SECONDS)
                if not done:
                    yield ": keep-alive\n\n"
                    continue
                event, pending = pending.result(), None
                public = {k: v for k, v in event.items() if k != "origin"}
                yield f"data: {json.dumps(public)}\n\n"
        finally:
            if pending is not None:
                pending.cancel()
                with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration):
                    await pending
