"""``/api/conversations``: a person takes a live conversation over, writes in it, and hands it back."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from bot.api.auth import require_scope


class AgentAction(BaseModel):
    """Who acts (shown to the visitor as the person's name)."""

    agent: str = Field(min_length=1, max_length=100)


class AgentMessage(AgentAction):
    """A message a person writes to the visitor."""

    text: str = Field(min_length=1, max_length=4096)


def conversations_router() -> APIRouter:
    """Routes for human takeover of live conversations."""
    router = APIRouter(
        prefix="/api/conversations",
        tags=["conversations"],
        dependencies=[Depends(require_scope("conversations:write"))],
    )

    @router.post("/{conversation_id}/takeover")
    async def take_over(request: Request, conversation_id: str, body: AgentAction) -> dict[str, Any]:
        await request.app.state.service.take_over(conversation_id, body.agent)
        return {"conversation_id": conversation_id, "status": "agent"}

    @router.post("/{conversation_id}/messages", status_code=201)
    async def write(request: Request, conversation_id: str, body: AgentMessage) -> dict[str, Any]:
        message_id = await request.app.state.service.agent_message(conversation_id, body.agent, body.text)
        return {"conversation_id": conversation_id, "message_id": message_id}

    @router.post("/{conversation_id}/handback")
    async def hand_back(request: Request, conversation_id: str, body: AgentAction) -> dict[str, Any]:
        replies = await request.app.state.service.hand_back(conversation_id, body.agent)
        return {"conversation_id": conversation_id, "status": "active", "bot": [r.text for r in replies]}

    return router
