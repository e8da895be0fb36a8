"""``GET /api/deliveries``: the outbox log — what was sent where, how often, and what went wrong."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy import select

from bot.api.auth import require_scope
from bot.handoff.models import Delivery


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def delivery_json(row: Delivery) -> dict[str, Any]:
    """A delivery as the API shows it; Slack's secret URL is never shown."""
    return {
        "id": row.id,
        "idempotency_key": row.idempotency_key,
        "lead_id": row.lead_id,
        "kind": row.kind,
        "target": row.target,
        "event": row.event,
        "status": row.status,
        "attempts": row.attempts,
        "last_status_code": row.last_status_code,
        "last_error": row.last_error,
        "next_attempt_at": _iso(row.next_attempt_at) if row.status == "pending" else None,
        "created_at": _iso(row.created_at),
        "updated_at": _iso(row.updated_at),
        "delivered_at": _iso(row.delivered_at),
    }


def deliveries_router() -> APIRouter:
    """Routes reading the delivery log."""
    router = APIRouter(prefix="/api/deliveries", tags=["deliveries"], dependencies=[Depends(require_scope("leads:read"))])

    @router.get("")
    async def index(
        request: Request,
        status: str | None = Query(default=None, pattern="^(pending|delivered|dead)$"),
        lead_id: str | None = Query(default=None, max_length=32),
        kind: str | None = Query(default=None, pattern="^(webhook|slack|email)$"),
        event: str | None = Query(default=None, max_length=40),
        limit: int = Query(default=50, ge=1, le=500),
        offset: int = Query(default=0, ge=0),
    ) -> dict[str, Any]:
        query = select(Delivery).order_by(Delivery.created_at.desc(), Delivery.id)
        for column, value in ((Delivery.status, status), (Delivery.lead_id, lead_id), (Delivery.kind, kind), (Delivery.event, event)):
            if value is not None:
                query = query.where(column == value)
        async with request.app.state.sessionmaker() as session:
            rows = await session.scalars(query.limit(limit).offset(offset))
            return {"deliveries": [delivery_json(r) for r in rows], "limit": limit, "offset": offset}

    return router
