"""The inline SQLite driver: statements on the loop's thread, and a locked database waited for cooperatively."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.config import Settings
from bot.db.session import create_engine
from bot.db.sqlite_inline import InlineConnection, inline_creator


async def _table(path: Path) -> None:
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")


async def test_a_sqlite_file_runs_on_the_inline_driver(tmp_path: Path) -> None:
    engine = create_engine(Settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/q.db", data_dir=tmp_path))
    try:
        async with engine.connect() as conn:
            raw = await conn.get_raw_connection()
            assert isinstance(raw.driver_connection, InlineConnection)
            assert (await conn.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
            assert (await conn.execute(text("PRAGMA foreign_keys"))).scalar() == 1
    finally:
        await engine.dispose()


async def test_a_writer_waits_for_another_tasks_transaction_without_blocking_the_loop(tmp_path: Path) -> None:
    path = tmp_path / "q.db"
    await _table(path)
    engine = create_async_engine(f"sqlite+aiosqlite:///{path}", async_creator=inline_creator(str(path), busy_timeout=10))
    order: list[str] = []
    try:
        async with engine.connect() as first, engine.connect() as second:
            await first.execute(text("INSERT INTO notes (body) VALUES ('first')"))  # holds the write lock

            async def second_writer() -> None:
                await second.execute(text("INSERT INTO notes (body) VALUES ('second')"))
                await second.commit()
                order.append("second committed")

            waiting = asyncio.create_task(second_writer())
            await asyncio.sleep(0.2)  # the loop runs: a blocking busy handler would have frozen it here
            assert not waiting.done()
            order.append("first commits")
            await first.commit()
            await asyncio.wait_for(waiting, 5)
        async with engine.connect() as conn:
            bodies = (await conn.execute(text("SELECT body FROM notes ORDER BY id"))).scalars().all()
    finally:
        await engine.dispose()
    assert order == ["first commits", "second committed"]
    assert bodies == ["first", "second"]


async def test_a_lock_held_past_the_busy_timeout_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "q.db"
    await _table(path)
    engine = create_async_engine(f"sqlite+aiosqlite:///{path}", async_creator=inline_creator(str(path), busy_timeout=0.3))
    try:
        async with engine.connect() as first, engine.connect() as second:
            await first.execute(text("INSERT INTO notes (body) VALUES ('first')"))
            started = asyncio.get_running_loop().time()
            with pytest.raises(Exception, match="database is locked"):
                await second.execute(text("INSERT INTO notes (body) VALUES ('second')"))
            assert 0.2 <= asyncio.get_running_loop().time() - started < 3
            await first.commit()
    finally:
        await engine.dispose()


async def test_waiting_writers_write_in_the_order_they_began_waiting(tmp_path: Path) -> None:
    path = tmp_path / "q.db"
    await _table(path)
    engine = create_async_engine(f"sqlite+aiosqlite:///{path}", async_creator=inline_creator(str(path), busy_timeout=10))
    try:
        holder = sqlite3.connect(path, timeout=0)  # as another server process would hold it
        holder.execute("INSERT INTO notes (body) VALUES ('holder')")

        async def writer(number: int) -> None:
            async with engine.connect() as conn:
                await conn.execute(text("INSERT INTO notes (body) VALUES (:body)"), {"body": f"w{number}"})
                await conn.commit()

        waiting = []
        for number in range(6):
            waiting.append(asyncio.create_task(writer(number)))
            await asyncio.sleep(0.03)  # each has failed its first attempt and queued before the next starts
        assert not any(task.done() for task in waiting)
        holder.commit()
        holder.close()
        await asyncio.wait_for(asyncio.gather(*waiting), 5)
        async with engine.connect() as conn:
            bodies = (await conn.execute(text("SELECT body FROM notes ORDER BY id"))).scalars().all()
    finally:
        await engine.dispose()
    assert bodies == ["holder", *(f"w{n}" for n in range(6))]
