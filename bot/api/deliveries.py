"""``/api/deliveries``: the outbox log — what was sent where, how often, what went wrong — and retrying a dead delivery."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from sqlalchemy import select

from bot.api.auth import require_scope
from bot.handoff.models import Delivery


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def delivery_json(row: Delivery) -> dict[str, Any]:
    """A delivery as the API shows it; Slack's secret URL is never stored, a webhook URL is shown without secrets."""
    return {
        "id": row.id,
        "idempotency_key": row.idempotency_key,
        "lead_id": row.lead_id,
        "kind": row.kind,
        "target": row.public_target(),
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
        filters = {Delivery.status: status, Delivery.lead_id: lead_id, Delivery.kind: kind, Delivery.event: event}
        for column, value in filters.items():
            if value is not None:
                query = query.where(column == value)
        async with request.app.state.sessionmaker() as session:
            rows = await session.scalars(query.limit(limit).offset(offset))
            return {"deliveries": [delivery_json(r) for r in rows], "limit": limit, "offset": offset}

    @router.get("/{delivery_id}")
    async def show(request: Request, delivery_id: str) -> dict[str, Any]:
        async with request.app.state.sessionmaker() as session:
            row = await _row(session, delivery_id)
            return {**delivery_json(row), "payload": row.payload}

    @router.post("/{delivery_id}/retry", dependencies=[Depends(require_scope("leads:write"))])
    async def retry(request: Request, delivery_id: str) -> dict[str, Any]:
        """Send a dead delivery again (same idempotency key), with a fresh allowance of attempts."""
        async with request.app.state.sessionmaker() as session:
            row = await _row(session, delivery_id, lock=True)
            if row.status != "dead":
                message = f"the delivery is {row.status}; only a dead one is retried"
                raise HTTPException(409, {"code": "not_dead", "message": message})
            if not row.payload:
                raise HTTPException(409, {"code": "erased", "message": "the lead's data was erased; nothing to send"})
            row.status, row.attempts, row.next_attempt_at = "pending", 0, datetime.now(UTC)
            row.claimed_by = row.claimed_until = None
            await session.commit()
            result = delivery_json(row)
        request.app.state.handoff.worker.wake()
        return result

    return router


async def _row(session: Any, delivery_id: str, *, lock: bool = False) -> Delivery:
    row = await session.get(Delivery, delivery_id, with_for_update=lock)
    if row is None:
        raise HTTPException(404, {"code": "delivery_not_found", "message": f"no delivery {delivery_id!r}"})
    return row
