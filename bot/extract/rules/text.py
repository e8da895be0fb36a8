"""Small text helpers shared by the rule families: clause splitting, quotes, number words."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from word2number import w2n

APOS = "['\u2019]"  # straight or curly apostrophe, as typed on phones

# Split after sentence punctuation or at line breaks, but not after abbreviations like "ca." or "Mr.".
_SPLIT = re.compile(r"\n+|(?<=[!?;])\s+|(?<=\.)\s+(?=\S)")
_ABBREV = re.compile(r"(?:\b(?:ca|approx|appr|mr|mrs|ms|dr|st|vs|etc|no|inc|ltd|co|e\.g|i\.e|p\.a|fr|sfr|rs)\.|(?<!\b[QH])\d\.)$", re.I)


@dataclass(frozen=True)
class Clause:
    """A sentence of the message: its text and where it starts in the text it was cut from."""

    text: str
    start: int


def clauses(text: str) -> list[Clause]:
    """Cut ``text`` into sentences; each keeps its offset so evidence stays an exact substring."""
    out: list[Clause] = []
    start = 0
    for m in _SPLIT.finditer(text):
        piece = text[start : m.start()]
        if m.group().strip() == "" and "\n" not in m.group() and _ABBREV.search(piece):
            continue
        _add(out, text, start, m.start())
        start = m.end()
    _add(out, text, start, len(text))
    return out


# Real sentences are shorter; a longer run without punctuation is cut at spaces into pieces of at
# most this many characters, so no pattern's backtracking can grow with the length of the message
# (a 4 KB run of "in in in …" used to hold the event loop for seconds).
MAX_CLAUSE = 400


def _add(out: list[Clause], text: str, start: int, end: int) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if not stripped:
        return
    offset = start + piece.index(stripped)
    while len(stripped) > MAX_CLAUSE:
        cut = stripped.rfind(" ", MAX_CLAUSE // 2, MAX_CLAUSE)
        cut = cut if cut > 0 else MAX_CLAUSE
        head = stripped[:cut].rstrip()
        out.append(Clause(head, offset))
        rest = stripped[cut:]
        offset += cut + (len(rest) - len(rest.lstrip()))
        stripped = rest.lstrip()
    if stripped:
        out.append(Clause(stripped, offset))


# Someone other than the writer's company is the subject: "even if they're a one-man band with no money".
OTHERS_BEFORE = re.compile(r"\b(?:they|they['’]re|who|he|she|anyone|someone)\b[^.;]{0,40}$", re.I)

_WORD_NUMBERS = (
    "zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    "sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
    "hundred|thousand|million|billion"
)
# "and" joins number words only after a scale ("one hundred and five"), so "between one and two thousand" stays two numbers.
NUMBER_WORDS = rf"(?:(?:{_WORD_NUMBERS})(?:(?:(?:(?<=hundred)|(?<=thousand)|(?<=million))[\s-]+and)?[\s-]+(?:{_WORD_NUMBERS}))*)"
_SMALL = {"a": 1, "an": 1, "a couple of": 2, "a couple": 2, "couple of": 2, "a few": 3, "few": 3, "several": 3, "a dozen": 12, "dozen": 12}
SMALL_WORDS = r"(?:a\s+couple(?:\s+of)?|couple\s+of|a\s+few|few|several|a\s+dozen|dozen|an?)"


@lru_cache(maxsize=512)
def word_number(words: str) -> float | None:
    """``"six"`` → 6, ``"fifty thousand"`` → 50000, ``"a couple of"`` → 2 (word2number plus idioms)."""
    key = " ".join(words.lower().split())
    if key in _SMALL:
        return float(_SMALL[key])
    try:
        return float(w2n.word_to_num(key.replace("-", " ")))
    except ValueError:
        return None


def to_number(token: str) -> float | None:
    """A figure as typed: ``1,200`` / ``1.200`` (thousands) / ``4.5`` / ``12,00,000`` / ``six``."""
    t = token.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace("'", "").replace("\u2019", "")
    if not t:
        return None
    if not t[0].isdigit():
        return word_number(token)
    if re.fullmatch(r"\d{1,3}(?:,\d{2})+,\d{3}", t) and not re.fullmatch(r"\d{1,3}(?:,\d{3})+", t):
        return float(t.replace(",", ""))  # Indian grouping: 12,00,000
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", t):
        return float(t.replace(",", ""))
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", t):
        return float(t.replace(".", "").replace(",", "."))  # 4.500 / 1.200,50 (continental)
    if re.fullmatch(r"\d+,\d{1,2}", t):
        return float(t.replace(",", "."))
    try:
        return float(t.replace(",", ""))
    except ValueError:
        return None
