"""``/api/leads``: the qualification records, for sales tools and people."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request

from bot.api.auth import require_scope
from bot.leads import lead_record, list_leads

STAGES = "^(iql|mql|sql|nurture|disqualified)$"


def leads_router() -> APIRouter:
    """Routes reading lead records."""
    router = APIRouter(prefix="/api/leads", tags=["leads"], dependencies=[Depends(require_scope("leads:read"))])

    @router.get("")
    async def index(
        request: Request,
        stage: str | None = Query(default=None, pattern=STAGES),
        limit: int = Query(default=50, ge=1, le=500),
        offset: int = Query(default=0, ge=0),
    ) -> dict[str, Any]:
        async with request.app.state.sessionmaker() as session:
            leads = await list_leads(session, stage=stage, limit=limit, offset=offset)
        return {"leads": leads, "limit": limit, "offset": offset}

    @router.get("/{lead_id}")
    async def show(request: Request, lead_id: str) -> dict[str, Any]:
        async with request.app.state.sessionmaker() as session:
            return await lead_record(session, lead_id)

    return router
