"""A websocket chat client speaking the qualbot protocol (``docs/protocol.md``), for tests and benchmarks."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import websockets


class ChatClient:
    """One visitor's connection: send frames, read frames until the bot waits for an answer."""

    def __init__(self, connection: websockets.ClientConnection) -> None:
        self.connection = connection
        self.session: dict[str, Any] | None = None

    @classmethod
    async def connect(cls, ws_base: str, query: str = "flow=bant", origin: str | None = None) -> "ChatClient":
        headers = {"Origin": origin} if origin else None
        connection = await websockets.connect(f"{ws_base}/ws/chat?{query}", additional_headers=headers)
        return cls(connection)

    async def recv(self, timeout: float = 10.0) -> dict[str, Any]:
        frame = json.loads(await asyncio.wait_for(self.connection.recv(), timeout))
        if frame.get("type") == "session":
            self.session = frame
        return frame

    async def send(self, frame: dict[str, Any] | str) -> None:
        await self.connection.send(frame if isinstance(frame, str) else json.dumps(frame))

    async def until_question(self, timeout: float = 10.0) -> list[dict[str, Any]]:
        """Frames up to and including the next bot question, closing, error or qualification."""
        frames: list[dict[str, Any]] = []
        while True:
            frame = await self.recv(timeout)
            frames.append(frame)
            kind = frame.get("type")
            if kind == "error" or kind == "qualified":
                return frames
            if kind == "bot" and frame.get("field"):
                return frames
            if kind == "status" and frame.get("state") == "waiting_human":
                return frames

    async def say(self, text: str, timeout: float = 10.0) -> list[dict[str, Any]]:
        await self.send({"type": "message", "text": text})
        return await self.until_question(timeout)

    async def close(self) -> None:
        await self.connection.close()
