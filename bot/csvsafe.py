"""CSV cells a spreadsheet will not run: text that would start a formula gets a leading quote."""

from __future__ import annotations

# The characters spreadsheets read as the start of a formula, full-width forms included.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def neutralize(text: str) -> str:
    """``text``, prefixed with ``'`` when a spreadsheet would evaluate it (leading spaces ignored)."""
    return "'" + text if text.lstrip(" ").startswith(FORMULA_START) else text
