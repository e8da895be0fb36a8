"""The live-chat channel: the websocket protocol of ``docs/protocol.md`` over the conversation service."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from starlette.websockets import WebSocketState

from bot.channels.widget_http import origin_allowed
from bot.conversations import ConversationService, Opened, TurnOutcome
from bot.engine.dialogue import Reply
from bot.errors import QualbotError
from bot.live import visitor_topic
from bot.ratelimit import RateLimits, too_many_requests

log = logging.getLogger(__name__)

EVENT_NAMES = frozenset({"page_view", "pricing_time", "download", "webinar_signup", "widget_open"})
_TYPING = json.dumps({"type": "typing"})


class ProtocolError(QualbotError):
    """A client frame that breaks the protocol; the connection stays open."""


def _error(code: str, message: str) -> dict[str, Any]:
    return {"type": "error", "code": code, "message": message}


def reply_frames(replies: tuple[Reply, ...]) -> list[dict[str, Any]]:
    """The protocol frames for what the bot says."""
    return [
        {"type": "bot", "text": r.text, "field": r.field, "quick_replies": list(r.quick_replies)} for r in replies
    ]


class ChatSession:
    """One websocket connection: at most one conversation at a time, frames in, frames out."""

    def __init__(
        self, websocket: WebSocket, service: ConversationService, max_frame_bytes: int, limits: RateLimits
    ) -> None:
        self.ws = websocket
        self.service = service
        self.limits = limits
        self.max_frame_bytes = max_frame_bytes
        self.conversation_id: str | None = None
        self.lead_id: str | None = None
        self._listener: asyncio.Task[None] | None = None
        self._send_lock = asyncio.Lock()
        self._idle = asyncio.Event()  # set while no turn is being worked on
        self._idle.set()
        self.draining = False
        self._answering = False  # a turn is being worked on and its replies have not been sent
        self._with_agent = False  # a person has the conversation: the bot only listens, so no typing dots
        self._typing: asyncio.Task[None] | None = None

    async def send(self, frame: dict[str, Any]) -> None:
        async with self._send_lock:
            await self.ws.send_text(json.dumps(frame, ensure_ascii=False))

    async def _listen(self, conversation_id: str) -> None:
        """Forward what others say in this conversation (an SDR, a hand-back) to the visitor."""
        async with self.service.bus.subscribe(visitor_topic(conversation_id)) as events:
            async for event in events:
                frame = {k: v for k, v in event.items() if k not in ("conversation_id", "lead_id")}
                if frame.get("type") == "status" and frame.get("state") in ("agent_joined", "agent_left"):
                    self._with_agent = frame["state"] == "agent_joined"
                await self.send(frame)

    async def close(self) -> None:
        """Stop forwarding live events."""
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._listener
            self._listener = None

    async def open(self, *, flow: str | None, resume: str | None) -> None:
        """Start or resume the conversation named by the query string."""
        try:
            if resume:
                opened = await self.service.resume(resume)
                await self._opened(opened, resume)
            else:
                opened = await self.service.start(flow_name=flow or self.service.settings.default_flow)
                await self._opened(opened, opened.resume_token)
        except QualbotError as exc:
            await self.send(_error(exc.code, exc.message))

    async def _opened(self, opened: Opened, token: str | None) -> None:
        await self.close()
        self.conversation_id, self.lead_id = opened.conversation_id, opened.lead_id
        self._listener = asyncio.create_task(self._listen(opened.conversation_id))
        await self.send({"type": "session", "conversation_id": opened.conversation_id, "resume_token": token})
        for frame in reply_frames(opened.replies):
            await self.send(frame)
        if opened.status == "waiting_human":
            await self.send({"type": "status", "state": "waiting_human"})
        elif opened.status == "agent":
            await self.send({"type": "status", "state": "agent_joined"})
        self._with_agent = opened.status == "agent"

    async def run(self) -> None:
        """Read frames until the client leaves; each bad frame gets an error frame and nothing else."""
        while True:
            message = await self.ws.receive()
            if message["type"] == "websocket.disconnect":
                return
            raw = message.get("text")
            if raw is None:
                await self.send(_error("binary_not_supported", "send JSON text frames"))
                continue
            try:
                await self.handle_frame(raw)
            except QualbotError as exc:
                await self.send(_error(exc.code, exc.message))

    async def handle_frame(self, raw: str) -> None:
        if len(raw.encode("utf-8")) > self.max_frame_bytes:
            raise _protocol("frame_too_large", f"frame larger than {self.max_frame_bytes} bytes")
        try:
            frame = json.loads(raw)
        except ValueError:
            raise _protocol("invalid_json", "the frame is not JSON") from None
        if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
            raise _protocol("invalid_frame", "a frame is a JSON object with a string 'type'")
        kind = frame["type"]
        if kind == "message":
            await self._message(frame)
        elif kind == "event":
            await self._event(frame)
        elif kind == "start":
            await self.open(flow=_str_or_none(frame.get("flow")), resume=None)
        elif kind == "resume":
            await self.open(flow=None, resume=_str_or_none(frame.get("resume_token")) or "-")
        elif kind == "ping":
            await self.send({"type": "pong"})
        else:
            raise _protocol("unknown_type", f"unknown frame type {kind!r}")

    async def drain(self) -> None:
        """Finish the turn in flight, tell the client to reconnect, and close (server shutting down)."""
        self.draining = True
        await self._idle.wait()
        with contextlib.suppress(Exception):
            await self.send({"type": "reconnect"})
            await self.ws.close(code=1012, reason="server restarting")

    async def _message(self, frame: dict[str, Any]) -> None:
        if self.draining:
            raise _protocol("draining", "the server is restarting; reconnect and send again")
        if self.conversation_id is None:
            raise _protocol("no_conversation", "no conversation is open; send 'start' or 'resume'")
        text = frame.get("text")
        if isinstance(text, str) and len(text.encode("utf-8")) > self.service.settings.max_message_chars:
            raise _protocol("message_too_long", f"text over {self.service.settings.max_message_chars} bytes")
        if not isinstance(text, str) or not text.strip():
            raise _protocol("empty_message", "text must be a non-empty string")
        verdict = self.limits.hit("ws_message", self.conversation_id)
        if not verdict.allowed:
            error = _protocol("rate_limited", f"too many messages; try again in {verdict.retry_after}s")
            raise error
        self._idle.clear()
        self._answering = True
        delay = self.service.settings.typing_delay_seconds
        typing = not self._with_agent
        # Dots that flash for the few milliseconds a rules turn takes only cost a frame each way.
        later = asyncio.get_running_loop().call_later(delay, self._typing_due) if typing and delay > 0 else None
        try:
            if typing and delay <= 0:
                await self.send({"type": "typing"})
            try:
                outcome = await self.service.handle_message(self.conversation_id, text, on_delay=self._ask_to_wait)
            finally:
                self._answering = False
                if later is not None:
                    later.cancel()
            await self._turn(outcome)
        finally:
            self._idle.set()

    def _typing_due(self) -> None:
        self._typing = asyncio.ensure_future(self._send_typing())

    async def _send_typing(self) -> None:
        async with self._send_lock:
            if self._answering:  # else the answer went first: dots after it would hang on screen
                with contextlib.suppress(Exception):  # a connection closing meanwhile ends the turn's sends anyway
                    await self.ws.send_text(_TYPING)

    async def _ask_to_wait(self) -> None:
        await self.send({"type": "status", "state": "delayed", "message": "One moment please — we're catching up."})

    async def _turn(self, outcome: TurnOutcome) -> None:
        for frame in reply_frames(outcome.replies):
            await self.send(frame)
        if outcome.qualified:
            frame = {"type": "qualified", "stage": outcome.stage, "lead_id": outcome.lead_id}
            if outcome.handoff.get("meeting_link"):
                frame["meeting_link"] = outcome.handoff["meeting_link"]
                frame["rep_name"] = outcome.handoff.get("rep_name")
            await self.send(frame)
        elif outcome.status == "waiting_human":
            await self.send({"type": "status", "state": "waiting_human"})

    async def _event(self, frame: dict[str, Any]) -> None:
        if self.conversation_id is None:
            raise _protocol("no_conversation", "no conversation is open; send 'start' or 'resume'")
        name = frame.get("name")
        if name not in EVENT_NAMES:
            raise _protocol("unknown_event", f"unknown event {name!r}; known: {', '.join(sorted(EVENT_NAMES))}")
        properties = {k: v for k, v in frame.items() if k in ("url", "seconds", "title") and _plain(v)}
        await self.service.record_event(self.conversation_id, name, properties)


def _plain(value: Any) -> bool:
    return isinstance(value, (int, float)) or (isinstance(value, str) and len(value) <= 2048)


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _protocol(code: str, message: str) -> ProtocolError:
    error = ProtocolError(message)
    error.code = code
    return error


class ChatSessions:
    """The open chat connections of this process, so a shutdown can drain them."""

    def __init__(self) -> None:
        self.open: set[ChatSession] = set()

    async def drain(self) -> None:
        await asyncio.gather(*(session.drain() for session in list(self.open)), return_exceptions=True)


def chat_router(service: ConversationService, sessions: ChatSessions, limits: RateLimits) -> APIRouter:
    """The ``/ws/chat`` websocket endpoint."""
    router = APIRouter()

    @router.websocket("/ws/chat")
    async def chat(websocket: WebSocket, flow: str | None = None, resume: str | None = None) -> None:
        if not origin_allowed(service.settings, websocket.headers.get("origin"), own=str(websocket.url)):
            await websocket.close(code=1008, reason="origin not allowed")  # before accept: HTTP 403
            return
        verdict = limits.hit("ws_connect", websocket.client.host if websocket.client else "?")
        if not verdict.allowed:
            await websocket.send_denial_response(too_many_requests(verdict.retry_after))
            return
        await websocket.accept()
        session = ChatSession(websocket, service, service.settings.max_frame_bytes, limits)
        sessions.open.add(session)
        try:
            await session.open(flow=flow, resume=resume)
            await session.run()
        except (WebSocketDisconnect, RuntimeError):  # RuntimeError: a receive after a drain closed it
            pass
        finally:
            sessions.open.discard(session)
            await session.close()
            if websocket.client_state == WebSocketState.CONNECTED:
                await websocket.close()

    return router
