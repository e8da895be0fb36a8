"""Reading a whole database generically: every table of ``Base.metadata``, every column, every row."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.schema import Base
from tests.privacy.scenario import mime_texts


def _texts(value: Any) -> list[str]:
    """The searchable text of one stored value (JSON as its dump, bytes as they are and decoded as MIME)."""
    if value is None or isinstance(value, bool | int | float):
        return []
    if isinstance(value, bytes | bytearray | memoryview):
        raw = bytes(value)
        return [raw.decode("utf-8", "replace"), *(mime_texts(raw) if raw else [])]
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict | list):
        return [json.dumps(value, ensure_ascii=False)]
    return [str(value)]


async def find(session: AsyncSession, markers: Iterable[str]) -> dict[str, set[str]]:
    """Where each marker occurs: ``{"table.column": {marker, ...}}`` over the whole database (case-insensitive)."""
    wanted = [m.lower() for m in markers]
    found: dict[str, set[str]] = {}
    for table in Base.metadata.sorted_tables:
        for row in (await session.execute(select(table))).mappings():
            for column, value in row.items():
                for text in _texts(value):
                    hits = {m for m in wanted if m in text.lower()}
                    if hits:
                        found.setdefault(f"{table.name}.{column}", set()).update(hits)
    return found
