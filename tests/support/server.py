"""A real qualbot server in a subprocess (uvicorn on a free loopback port), stoppable and restartable."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.support.databases import database_url_for

REPO_ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """``qualbot serve`` as a child process; the same port and database across restarts."""

    def __init__(
        self, workdir: Path, env: dict[str, str] | None = None, port: int | None = None, database_url: str | None = None
    ) -> None:
        self.workdir = workdir
        self.database_url = database_url or database_url_for(workdir)
        self.port = port or free_port()
        self.api_key = "qb_test_" + os.urandom(8).hex()
        self.env = {
            **os.environ,
            "QUALBOT_DATABASE_URL": self.database_url,
            "QUALBOT_API_KEY": self.api_key,
            "QUALBOT_API_KEY_FILE": str(workdir / "api-key.txt"),
            "QUALBOT_EXTRACTOR": "rules",
            "QUALBOT_LOG_LEVEL": "INFO",
            **(env or {}),
        }
        self.log_path = workdir / f"server-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> "LiveServer":
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            cwd=self.workdir,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}:\n{self.log()}")
            try:
                if httpx.get(f"{self.base_url}/healthz", timeout=1.0).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server did not come up in {timeout}s:\n{self.log()}")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(sig)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def api(self) -> httpx.Client:
        """An HTTP client authenticated with this server's API key."""
        return httpx.Client(base_url=self.base_url, headers={"Authorization": f"Bearer {self.api_key}"}, timeout=10)
