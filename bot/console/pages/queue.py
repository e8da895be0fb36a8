"""The lead queue (``GET /console/``) and its CSV export (``GET /console/leads.csv``)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from bot.console.csvexport import to_csv
from bot.console.queue import CHANNELS, QueueFilter, export_rows, owners, queue_page
from bot.console.web import Signed, now, render
from bot.qualify.policy import STAGES

CSV_HEADER = ("lead_id", "name", "email", "company", "stage", "score", "owner", "outcome", "waiting_for_contact",
              "channels", "last_message", "created_at", "updated_at")


def queue_router() -> APIRouter:
    """Routes of the queue page."""
    router = APIRouter()

    @router.get("/")
    async def queue(request: Request, me: Signed) -> Response:
        f = QueueFilter.from_query(request.query_params)
        async with request.app.state.sessionmaker() as session:
            page = await queue_page(session, f, me.user.email)
            known_owners = await owners(session)
        return render(request, "queue.html", f=f, page=page, stages=STAGES, channels=CHANNELS, owners=known_owners, now=now())

    @router.get("/leads.csv")
    async def export(request: Request, me: Signed) -> Response:
        f = QueueFilter.from_query(request.query_params)
        async with request.app.state.sessionmaker() as session:
            rows = await export_rows(session, f, me.user.email)
        body = to_csv(
            CSV_HEADER,
            (
                (
                    r.lead.id, r.lead.name, r.lead.email, r.lead.company, r.lead.stage, r.lead.score, r.lead.owner,
                    r.outcome, "yes" if r.waiting else "no", " ".join(r.channels), r.last_message,
                    r.lead.created_at.isoformat(), r.lead.updated_at.isoformat(),
                )
                for r in rows
            ),
        )
        stamp = now().strftime("%Y%m%d-%H%M")
        return Response(
            body,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="qualbot-leads-{stamp}.csv"'},
        )

    return router

