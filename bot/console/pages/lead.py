"""A lead's page (``GET /console/leads/{id}``) and the corrections an SDR makes there."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from bot.console import corrections
from bot.console.auth import list_users
from bot.console.corrections import InvalidCorrection
from bot.console.format import FIELD_LABELS
from bot.console.models import OUTCOMES
from bot.console.story import lead_story
from bot.console.web import CsrfSigned, PageNotFound, Signed, SignedIn, now, redirect, render
from bot.errors import LeadNotFound
from bot.facts import ENUM_FIELDS, FIELDS
from bot.qualify.policy import STAGES

# What an SDR may type for each fact, shown under the correction form.
VALUE_HINTS = {
    **{field: " / ".join(m.value for m in enum) for field, enum in ENUM_FIELDS.items()},
    "budget_min": "a number, e.g. 40000",
    "budget_max": "a number, e.g. 60000",
    "budget_currency": "ISO code, e.g. EUR",
    "timeline_days": "days from today, e.g. 90",
    "employees": "a number, e.g. 120",
    "country": "ISO code, e.g. DE",
}


def lead_router() -> APIRouter:
    """Routes of the lead page."""
    router = APIRouter()

    async def show(request: Request, lead_id: str, *, error: str = "", status: int = 200, form: dict[str, str] | None = None) -> Response:
        service = request.app.state.service
        async with request.app.state.sessionmaker() as session:
            known = await service.known_facts(session, lead_id)
            try:
                story = await lead_story(session, lead_id, service.policy, known, now())
            except LeadNotFound:
                raise PageNotFound("There is no such lead. It may have been deleted.") from None
            people = [user.email for user in await list_users(session) if user.disabled_at is None]
        return render(
            request, "lead.html", status=status, story=story, lead=story.record, error=error, form=form or {},
            people=people, fields=FIELDS, field_labels=FIELD_LABELS, hints=VALUE_HINTS, stages=STAGES, outcomes=OUTCOMES, now=now(),
        )

    @router.get("/leads/{lead_id}")
    async def lead_page(request: Request, lead_id: str, me: Signed) -> Response:
        return await show(request, lead_id)

    async def change(request: Request, lead_id: str, action: Callable[[AsyncSession, dict[str, str]], Awaitable[Any]], anchor: str) -> Response:
        form = {k: str(v) for k, v in (await request.form()).items()}
        async with request.app.state.sessionmaker() as session:
            try:
                await action(session, form)
            except InvalidCorrection as exc:
                await session.rollback()
                return await show(request, lead_id, error=exc.message, status=422, form=form)
            except LeadNotFound:
                raise PageNotFound("There is no such lead.") from None
            await session.commit()
        return redirect(f"/console/leads/{lead_id}#{anchor}")

    def _who(me: SignedIn) -> str:
        return me.user.email

    @router.post("/leads/{lead_id}/facts")
    async def correct_fact(request: Request, lead_id: str, me: CsrfSigned) -> Response:
        service = request.app.state.service

        async def act(session: AsyncSession, form: dict[str, str]) -> None:
            await corrections.correct_fact(
                session, lead_id, field=form.get("field", ""), raw_value=form.get("value", ""), note=form.get("note", ""),
                who=_who(me), now=now(), policy=service.policy,
            )

        return await change(request, lead_id, act, "facts")

    @router.post("/leads/{lead_id}/stage")
    async def correct_stage(request: Request, lead_id: str, me: CsrfSigned) -> Response:
        async def act(session: AsyncSession, form: dict[str, str]) -> None:
            await corrections.correct_stage(session, lead_id, stage=form.get("stage", ""), note=form.get("note", ""), who=_who(me), now=now())

        return await change(request, lead_id, act, "stage")

    @router.post("/leads/{lead_id}/owner")
    async def set_owner(request: Request, lead_id: str, me: CsrfSigned) -> Response:
        async def act(session: AsyncSession, form: dict[str, str]) -> None:
            mine = "me" in (form.get("assign"), form.get("owner"))
            owner = me.user.email if mine else form.get("owner", "")
            await corrections.set_owner(session, lead_id, owner=owner, who=_who(me), now=now())

        return await change(request, lead_id, act, "owner")

    @router.post("/leads/{lead_id}/outcome")
    async def set_outcome(request: Request, lead_id: str, me: CsrfSigned) -> Response:
        async def act(session: AsyncSession, form: dict[str, str]) -> None:
            outcome = form.get("outcome") or None
            await corrections.set_outcome(
                session, lead_id, outcome=None if outcome == "clear" else outcome, note=form.get("note", ""), who=_who(me), now=now()
            )

        return await change(request, lead_id, act, "outcome")

    return router
