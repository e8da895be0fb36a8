"""Runs the app under uvicorn and drains it on SIGTERM/SIGINT.

Before uvicorn closes connections, every chat connection finishes the turn it is working on
and is told ``{"type": "reconnect"}``, so visitors move to another process (or to this one
after a restart) without losing a message.
"""

from __future__ import annotations

import asyncio
import logging
import socket

import uvicorn
from fastapi import FastAPI

from bot.config import Settings

log = logging.getLogger(__name__)


class DrainingServer(uvicorn.Server):
    """uvicorn that asks the app to drain its chat connections before shutting them."""

    def __init__(self, config: uvicorn.Config, app: FastAPI, drain_seconds: float) -> None:
        super().__init__(config)
        self._app = app
        self._drain_seconds = drain_seconds

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        for server in self.servers:  # no new connections while draining
            server.close()
        drain = getattr(self._app.state, "drain", None)
        if drain is not None:
            try:
                await asyncio.wait_for(drain(), self._drain_seconds)
            except asyncio.TimeoutError:
                log.warning("drain took longer than %.0fs; closing the rest", self._drain_seconds)
        await super().shutdown(sockets)


def serve(app: FastAPI, settings: Settings) -> None:
    """Serve ``app`` until a signal, then drain."""
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level.lower(),
        timeout_graceful_shutdown=10,
        ws_max_size=settings.max_frame_bytes * 4,
        log_config=None,  # keep bot.logs' handlers: they mask secrets
    )
    DrainingServer(config, app, drain_seconds=8).run()
