"""``POST /api/events``: engagement from other systems (web analytics, marketing automation) that rescores a lead."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from bot.api.auth import require_scope


class EventIn(BaseModel):
    """One engagement event; the lead is named by ``lead_id`` or ``email`` (the newest lead with it)."""

    model_config = ConfigDict(extra="forbid")

    lead_id: str | None = Field(default=None, max_length=32)
    email: str | None = Field(default=None, max_length=320)
    name: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.:-]+$")
    occurred_at: AwareDatetime | None = None
    properties: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _lead(self) -> "EventIn":
        if not (self.lead_id or self.email):
            raise ValueError("give lead_id or email")
        if len(repr(self.properties)) > 8192:
            raise ValueError("properties are larger than 8 KiB")
        return self


def events_router() -> APIRouter:
    """Routes recording engagement events."""
    router = APIRouter(prefix="/api/events", tags=["events"], dependencies=[Depends(require_scope("events:write"))])

    @router.post("", status_code=201)
    async def create(request: Request, body: EventIn) -> dict[str, Any]:
        handoff = request.app.state.handoff
        occurred: datetime | None = body.occurred_at
        result = await handoff.record_engagement(
            lead_id=body.lead_id, email=body.email, name=body.name, occurred_at=occurred, properties=body.properties
        )
        return {
            "event_id": result.event_id,
            "lead_id": result.lead_id,
            "previous_score": result.previous_score,
            "score": result.score.score,
            "score_explanation": [part.to_json() for part in result.score.parts],
        }

    return router
