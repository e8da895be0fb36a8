"""Runs the app under uvicorn — in one process or several sharing the port — and drains it on SIGTERM/SIGINT.

Before uvicorn closes connections, every chat connection finishes the turn it is working on
and is told ``{"type": "reconnect"}``, so visitors move to another process (or to this one
after a restart) without losing a message.

With ``QUALBOT_WORKERS`` > 1 the parent holds the port, forks the workers (each builds its own
app, so no event loop, thread or connection crosses a fork) and supervises them: a worker that
dies is replaced, and SIGTERM/SIGINT is passed on to every worker, which drains as above. Each
worker listens on its own SO_REUSEPORT socket. The workers keep no conversation state of their
own and share live events through the database's bus (PostgreSQL NOTIFY, or Unix sockets for SQLite).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import time
from collections.abc import Callable

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


def serve(app: FastAPI, settings: Settings, sockets: list[socket.socket] | None = None) -> None:
    """Serve ``app`` until a signal, then drain; on ``sockets`` when given (a worker), else on host:port."""
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level.lower(),
        timeout_graceful_shutdown=10,
        ws_max_size=settings.max_frame_bytes * 4,
        ws_per_message_deflate=False,  # chat frames are a few hundred bytes: compressing them costs more CPU than it saves
        log_config=None,  # keep bot.logs' handlers: they mask secrets
    )
    DrainingServer(config, app, drain_seconds=8).run(sockets=sockets)


def serve_workers(settings: Settings, make_app: Callable[[], FastAPI]) -> None:
    """Bind host:port, run ``settings.workers`` forked worker processes on it, and supervise them."""
    # The parent only holds the port (bound, never listening, so the kernel gives it no
    # connections); each worker listens on its own SO_REUSEPORT socket, and the kernel spreads
    # new connections evenly over them. One shared listening socket let whichever worker woke
    # first take most connections, saturating it while the other idled.
    _port_socket(settings, reuse_port=False).close()  # fails if anything else holds the port
    placeholder = _port_socket(settings)
    workers: dict[int, int] = {}  # pid -> worker number
    stopping = False

    def start(number: int) -> None:
        pid = os.fork()
        if pid == 0:  # the worker
            code = 0
            try:
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                listener = _port_socket(settings)
                listener.listen(2048)
                serve(make_app(), settings, sockets=[listener])
            except BaseException:  # noqa: BLE001 - a worker reports and exits; the parent replaces it
                log.exception("worker %d failed", number)
                code = 1
            finally:
                logging.shutdown()
                os._exit(code)
        workers[pid] = number

    def stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        for pid in list(workers):
            with contextlib.suppress(ProcessLookupError):  # already gone
                os.kill(pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for number in range(settings.workers):
        start(number)
    log.info("serving on http://%s:%d with %d worker processes", settings.host, settings.port, settings.workers)
    last_restart = 0.0
    while workers:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            break
        number = workers.pop(pid, None)
        if number is None or stopping:
            continue
        log.error("worker %d (pid %d) exited with status %d; starting another", number, pid, os.waitstatus_to_exitcode(status))
        if time.monotonic() - last_restart < 1:
            time.sleep(1)  # a worker that cannot start must not make the parent spin
        last_restart = time.monotonic()
        start(number)
    placeholder.close()


def _port_socket(settings: Settings, *, reuse_port: bool = True) -> socket.socket:
    """A socket bound to host:port, with SO_REUSEPORT so that every worker may bind it too."""
    family = socket.AF_INET6 if ":" in settings.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((settings.host, settings.port))
    return sock
