"""The queue as CSV, safe to open in a spreadsheet: no cell can start a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from bot.csvsafe import neutralize


def safe_cell(value: object) -> str:
    """The cell's text; prefixed with ``'`` when a spreadsheet would read it as a formula.

    Numbers the console writes itself (scores) are passed as ``int`` and kept as they are.
    """
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return neutralize(str(value))


def to_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A CSV document (RFC 4180 quoting, CRLF line ends) with every cell made safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL)
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return buffer.getvalue()
