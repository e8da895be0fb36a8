"""``/api/leads``: the qualification records, for sales tools and people; ``format=csv|jsonl`` exports them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import AwareDatetime

from bot.api.auth import require_scope
from bot.api.exports import csv_stream, jsonl_stream
from bot.leads import LeadFilter, lead_record, list_leads

STAGES = "^(iql|mql|sql|nurture|disqualified)$"


def leads_router() -> APIRouter:
    """Routes reading lead records."""
    router = APIRouter(prefix="/api/leads", tags=["leads"], dependencies=[Depends(require_scope("leads:read"))])

    @router.get("", response_model=None)
    async def index(
        request: Request,
        stage: str | None = Query(default=None, pattern=STAGES),
        owner: str | None = Query(default=None, max_length=320),
        created_from: AwareDatetime | None = None,
        created_to: AwareDatetime | None = None,
        updated_from: AwareDatetime | None = None,
        updated_to: AwareDatetime | None = None,
        format: str = Query(default="json", pattern="^(json|csv|jsonl)$"),
        limit: int = Query(default=50, ge=1, le=500),
        offset: int = Query(default=0, ge=0),
    ) -> dict[str, Any] | StreamingResponse:
        where = LeadFilter(stage, owner, created_from, created_to, updated_from, updated_to)
        sessionmaker = request.app.state.sessionmaker
        if format != "json":  # an export: every matching lead, streamed, no paging
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            csv_export = format == "csv"
            stream = csv_stream if csv_export else jsonl_stream
            media = "text/csv; charset=utf-8" if csv_export else "application/x-ndjson"
            headers = {"Content-Disposition": f'attachment; filename="leads-{stamp}.{format}"'}
            return StreamingResponse(stream(sessionmaker, where), media_type=media, headers=headers)
        async with sessionmaker() as session:
            leads = await list_leads(session, limit=limit, offset=offset, where=where)
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
