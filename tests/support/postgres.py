"""A throwaway PostgreSQL cluster on loopback for tests of PostgreSQL-only paths (row locks, SKIP LOCKED).

Uses the machine's ``initdb``/``pg_ctl``; as root they run as the ``postgres`` user. Each call
of :meth:`PostgresCluster.new_database` gives a fresh database URL.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

from tests.support.server import free_port


def available() -> bool:
    """True when initdb and pg_ctl can be run here."""
    return bool(shutil.which("initdb") and shutil.which("pg_ctl"))


class PostgresCluster:
    """``initdb`` + ``pg_ctl start`` in a fresh temporary folder; :meth:`stop` stops it and removes the folder."""

    def __init__(self) -> None:
        # Not pytest's tmp_path: as root that is private to root, and PostgreSQL runs as postgres.
        self.workdir = Path(tempfile.mkdtemp(prefix="qualbot-pg-"))
        self.data = self.workdir / "data"
        self.port = free_port()
        self._user: str | None = None
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            self._user = "postgres"
            entry = pwd.getpwnam(self._user)
            os.chown(self.workdir, entry.pw_uid, entry.pw_gid)

    def _run(self, *args: str) -> None:
        command = ["runuser", "-u", self._user, "--", *args] if self._user else list(args)
        subprocess.run(command, check=True, capture_output=True, timeout=60)

    def start(self) -> "PostgresCluster":
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        options = f"-p {self.port} -k {self.workdir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.workdir / "log"), "-w", "start")
        return self

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.workdir, ignore_errors=True)

    async def new_database(self) -> str:
        """A fresh, empty database; returns its SQLAlchemy asyncpg URL."""
        import asyncpg

        name = "t_" + uuid.uuid4().hex[:12]
        connection = await asyncpg.connect(host="127.0.0.1", port=self.port, user="postgres", database="postgres")
        try:
            await connection.execute(f'CREATE DATABASE "{name}"')
        finally:
            await connection.close()
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{name}"
