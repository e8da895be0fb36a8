"""Find each fact's quote in its source message, so the page can mark it: pure, no HTML.

The page renders the returned segments as text (autoescaped) inside ``<mark>`` elements that
name the facts they belong to; nothing of the prospect's text is ever treated as markup.
"""

from __future__ import annotations

import re
from collections.abc import Sequence


def find_quote(text: str, quote: str) -> tuple[int, int] | None:
    """Where ``quote`` occurs in ``text``: exactly, else ignoring case and runs of white space."""
    if not quote.strip():
        return None
    start = text.find(quote)
    if start >= 0:
        return start, start + len(quote)
    pattern = r"\s+".join(re.escape(word) for word in quote.split())
    match = re.search(pattern, text, re.IGNORECASE)
    return (match.start(), match.end()) if match else None


def segments(text: str, quotes: Sequence[tuple[str, str]]) -> list[tuple[str, tuple[str, ...]]]:
    """``text`` cut into pieces, each with the keys of the quotes covering it (``()`` for plain text).

    ``quotes`` are ``(key, quote)`` pairs; overlapping quotes split the text at every boundary.
    """
    spans = [(span, key) for key, quote in quotes if (span := find_quote(text, quote))]
    cuts = sorted({0, len(text), *(s for (s, _), _ in spans), *(e for (_, e), _ in spans)})
    pieces: list[tuple[str, tuple[str, ...]]] = []
    for start, end in zip(cuts, cuts[1:]):
        keys = tuple(key for (s, e), key in spans if s <= start and end <= e)
        if pieces and pieces[-1][1] == keys:
            pieces[-1] = (pieces[-1][0] + text[start:end], keys)
        else:
            pieces.append((text[start:end], keys))
    return pieces
