"""HTTP routes of the email channel: ``POST /api/outreach``, ``POST /inbound/email`` (raw RFC 822,
shared secret), the one-click unsubscribe link (RFC 8058) and ``GET /api/email/conversations/{id}``
(what was sent and received)."""

from __future__ import annotations

import hmac
import html
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import select

from bot.api.auth import require_scope
from bot.channels.email.channel import EmailChannel
from bot.channels.email.models import EmailThread, InboundEmail, OutgoingEmail
from bot.channels.email.process import InboundProcessor


class OutreachRequest(BaseModel):
    """Who to email and with which flow; ``downloaded`` is what they downloaded, if anything."""

    email: str = Field(min_length=1, max_length=320)
    name: str | None = Field(default=None, max_length=200)
    company: str | None = Field(default=None, max_length=200)
    flow: str | None = Field(default=None, max_length=100)
    downloaded: str | None = Field(default=None, max_length=300)


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def email_router(channel: EmailChannel, processor: InboundProcessor) -> APIRouter:
    """The email channel's routes."""
    router = APIRouter(tags=["email"])
    settings = channel.settings

    @router.post("/api/outreach", status_code=201, dependencies=[Depends(require_scope("outreach:write"))])
    async def outreach(body: OutreachRequest) -> dict[str, Any]:
        result = await channel.outreach(email=body.email, name=body.name, company=body.company, flow=body.flow,
                                        downloaded=body.downloaded)
        return {
            "conversation_id": result.conversation_id, "lead_id": result.lead_id, "email_id": result.email_id,
            "message_id": result.message_id, "subject": result.subject, "questions": list(result.questions),
        }

    @router.post("/inbound/email")
    async def inbound(request: Request) -> JSONResponse:
        _check_secret(request, settings.inbound_secret.get_secret_value() if settings.inbound_secret else None)
        raw = bytearray()
        limit = settings.email_max_message_bytes
        async for chunk in request.stream():
            raw += chunk
            if len(raw) > limit + 1:
                break  # keep the excess out of memory; the processor records the refusal
        envelope_to = tuple(a.strip() for a in request.headers.get("x-envelope-to", "").split(",") if a.strip())
        result = await processor.receive(bytes(raw), via="webhook", envelope_from=request.headers.get("x-envelope-from"),
                                         envelope_rcpts=envelope_to)
        code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE if len(raw) > limit else status.HTTP_200_OK
        body = {"id": result.id, "status": result.status, "reason": result.reason,
                "conversation_id": result.conversation_id}
        if code != 200:
            body = {"error": {"code": "message_too_large", "message": result.reason or "", **body}}
        return JSONResponse(body, status_code=code)

    @router.get("/email/unsubscribe/{token}", include_in_schema=False)
    async def unsubscribe_page(token: str) -> HTMLResponse:
        # A GET never unsubscribes: link scanners and previews open links on their own.
        page = (f'<!doctype html><meta charset="utf-8"><title>Unsubscribe</title><form method="post">'
                f'<p>Stop all emails from us to this address?</p><button type="submit">Unsubscribe</button></form>')
        return HTMLResponse(page)

    @router.post("/email/unsubscribe/{token}", include_in_schema=False)
    async def unsubscribe(token: str) -> HTMLResponse:
        address = await channel.unsubscribe(token)
        if address is None:
            return HTMLResponse("<!doctype html><p>This unsubscribe link is not valid.</p>", status_code=404)
        return HTMLResponse(f"<!doctype html><p>{html.escape(address)} will not receive any more emails from us.</p>")

    @router.get("/api/email/conversations/{conversation_id}", dependencies=[Depends(require_scope("leads:read"))])
    async def show(request: Request, conversation_id: str) -> dict[str, Any]:
        async with channel.sessionmaker() as session:
            thread = await session.scalar(select(EmailThread).where(EmailThread.conversation_id == conversation_id))
            if thread is None:
                raise HTTPException(404, {"code": "email_thread_not_found", "message": f"no email thread for {conversation_id!r}"})
            sent = await session.scalars(select(OutgoingEmail).where(OutgoingEmail.thread_id == thread.id).order_by(OutgoingEmail.id))
            received = await session.scalars(select(InboundEmail).where(InboundEmail.thread_id == thread.id).order_by(InboundEmail.id))
            return {
                "conversation_id": conversation_id, "lead_id": thread.lead_id, "address": thread.address,
                "subject": thread.subject, "status": thread.status, "followups_sent": thread.followups_sent,
                "next_followup_at": _iso(thread.next_followup_at),
                "outbound": [{"id": e.id, "kind": e.kind, "message_id": e.message_id, "subject": e.subject,
                              "status": e.status, "attempts": e.attempts, "last_error": e.last_error,
                              "created_at": _iso(e.created_at), "sent_at": _iso(e.sent_at), "text": e.text}
                             for e in sent],
                "inbound": [{"id": e.id, "message_id": e.message_id, "from": e.from_address, "subject": e.subject,
                             "status": e.status, "reason": e.reason, "received_at": _iso(e.received_at)}
                            for e in received],
            }

    return router


def _check_secret(request: Request, secret: str | None) -> None:
    if not secret:
        raise HTTPException(404, {"code": "inbound_disabled", "message": "set QUALBOT_INBOUND_SECRET to accept email over HTTP"})
    header = request.headers.get("authorization", "")
    scheme, _, presented = header.partition(" ")
    presented = presented.strip() if scheme.lower() == "bearer" else request.headers.get("x-qualbot-secret", "")
    if not hmac.compare_digest(presented.encode(), secret.encode()):
        raise HTTPException(401, {"code": "invalid_secret", "message": "the inbound secret is missing or wrong"})
