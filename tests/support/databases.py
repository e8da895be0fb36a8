"""Which database a test runs on: SQLite by default, a fresh PostgreSQL database under QUALBOT_TEST_DB=postgresql.

``make test`` runs the suite on SQLite and then, when ``QUALBOT_TEST_POSTGRES_URL`` names a
server (CI starts one, see ``.ci/postgres.sh``), again on PostgreSQL: every test that stores
anything gets its own new database there.
"""

from __future__ import annotations

import asyncio
import os
import threading
import uuid
from pathlib import Path

ON_POSTGRES = os.environ.get("QUALBOT_TEST_DB", "sqlite") == "postgresql"


def postgres_admin_url() -> str:
    url = os.environ.get("QUALBOT_TEST_POSTGRES_URL")
    if not url:
        raise RuntimeError("QUALBOT_TEST_DB=postgresql needs QUALBOT_TEST_POSTGRES_URL (see .ci/postgres.sh)")
    return url


def _run_in_thread(coroutine_factory) -> None:  # type: ignore[no-untyped-def]
    """Run a coroutine to completion on a loop of its own (callers may be inside a running loop)."""
    errors: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(coroutine_factory())
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            errors.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]


def create_postgres_database() -> str:
    """Create an empty database on the test server and return its SQLAlchemy URL."""
    import asyncpg

    admin = postgres_admin_url()
    name = "qb_test_" + uuid.uuid4().hex[:16]
    plain = admin.replace("postgresql+asyncpg://", "postgresql://")

    async def create() -> None:
        connection = await asyncpg.connect(plain)
        try:
            await connection.execute(f'CREATE DATABASE "{name}"')
        finally:
            await connection.close()

    _run_in_thread(create)
    return admin.rsplit("/", 1)[0] + "/" + name


def database_url_for(workdir: Path) -> str:
    """A fresh database for one test: SQLite in ``workdir`` or a new PostgreSQL database."""
    if ON_POSTGRES:
        return create_postgres_database()
    return f"sqlite+aiosqlite:///{workdir / 'qualbot.db'}"
