"""``/api/leads``: the qualification records, for sales tools and people."""

from __future__ import annotations

from typing import Any

from datetime import UTC, datetime

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response

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

    @router.get("/{lead_id}/export")
    async def export(request: Request, lead_id: str) -> JSONResponse:
        """Everything stored about the person (their right of access), as a download."""
        data = await request.app.state.privacy.export(lead_id)
        headers = {"Content-Disposition": f'attachment; filename="lead-{lead_id}.json"'}
        return JSONResponse(data, headers=headers)

    @router.delete("/{lead_id}", status_code=204, dependencies=[Depends(require_scope("leads:write"))])
    async def erase(request: Request, lead_id: str) -> Response:
        """Erase the person's data and transcripts; anonymous counts stay for analytics."""
        await request.app.state.privacy.erase(lead_id, datetime.now(UTC))
        return Response(status_code=204)

    return router
