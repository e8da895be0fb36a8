"""The rules' literal prefilters change speed only: every cue answers exactly as its pattern does."""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

import pytest

import bot.extract.email_text
import bot.extract.rules.authority
import bot.extract.rules.budget_status
import bot.extract.rules.company
import bot.extract.rules.currency
import bot.extract.rules.money
import bot.extract.rules.need
import bot.extract.rules.timeline_cues
from bot.extract.prefilter import Cue, CueAlternatives, fold, required_literals, split_alternatives
from bot.extract.rules.text import clauses
from tests.extract.conftest import DEV

MODULES = (
    bot.extract.email_text,
    bot.extract.rules.authority,
    bot.extract.rules.budget_status,
    bot.extract.rules.company,
    bot.extract.rules.currency,
    bot.extract.rules.money,
    bot.extract.rules.need,
    bot.extract.rules.timeline_cues,
)
CUES = {
    f"{module.__name__.rsplit('.', 1)[-1]}.{name}": value
    for module in MODULES
    for name, value in vars(module).items()
    if isinstance(value, (Cue, CueAlternatives))
}
HERE = Path(__file__).parent


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"\bbudget\b", {"budget"}),
        (r"no\s+(?:budget|money)", {"budget", "money"}),  # the longer requirement of the sequence
        (r"(?:sign|approve)s?\s+off", {"sign", "approve"}),
        (r"(?:a|b)?c+", {"c"}),  # an optional part requires nothing; a repeated one its body
        (r"x*", None),
        (r"\d+|x", None),  # one alternative needs no literal: the whole needs none
        (r"(?-i:IT)\s+team", {"team"}),
        (r"gesch[äa]ftsf[üu]hrer", {"gesch"}),  # ASCII literals only
        (r"\bVP\b", {"vp"}),
    ],
)
def test_required_literals(pattern: str, expected: set[str] | None) -> None:
    found = required_literals(re.compile(pattern, re.I))
    assert (set(found) if found is not None else None) == expected


def test_alternatives_split_at_the_top_level_only() -> None:
    pattern = r"a\|b|[|(]x|(c|d)|(?:e|(f|g))h|i"
    parts = split_alternatives(pattern)
    assert parts == [r"a\|b", r"[|(]x", r"(c|d)", r"(?:e|(f|g))h", "i"]
    assert "|".join(parts) == pattern
    assert split_alternatives(r"[]|]x|y") == [r"[]|]x", "y"]
    with pytest.raises(ValueError):
        CueAlternatives(r"a|b?")  # could match nothing: finditer could not be mirrored


def test_fold_equates_what_re_equates_with_ascii_letters() -> None:
    letter = re.compile(r"[a-z]", re.I)
    everything = "".join(chr(c) for c in range(128, sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    exotic = [m.group() for m in letter.finditer(everything)]  # 'ſ', 'K' (Kelvin), 'İ', 'ı', ...
    assert exotic, "re equates some non-ASCII letters with ASCII ones"
    for char in exotic:
        folded = fold(char)
        assert folded.isascii() and re.fullmatch(folded, char, re.I), char
    assert fold("ſeKret İnfo") == "sekret info"


def _corpus() -> list[str]:
    texts = []
    for path in [*HERE.glob("*.jsonl"), DEV]:
        if path.exists():
            texts += [json.loads(line)["text"] for line in path.read_text().splitlines() if line.strip()]
    for path in (HERE / "cases").glob("*.txt"):
        texts += [line.split(" | ", 2)[-1] for line in path.read_text().splitlines() if line and not line.startswith("#")]
    return texts


def _generated(literals: list[str], rng: random.Random, count: int) -> list[str]:
    """Sentences made of the cues' own words, mixed case, the odd look-alike letter and filler."""
    filler = ["we", "the", "I", "our", "and", "not", "no", "it", "is", "to", "me", "my", "boss", "50k", "Q3", ",", "."]
    swaps = {"s": "ſ", "k": "K", "i": "ı", "I": "İ"}
    texts = []
    for _ in range(count):
        words = rng.sample(literals, min(len(literals), rng.randint(1, 4))) + rng.sample(filler, rng.randint(0, 6))
        rng.shuffle(words)
        text = " ".join(w.upper() if rng.random() < 0.15 else w.capitalize() if rng.random() < 0.15 else w for w in words)
        if rng.random() < 0.2:
            text = "".join(swaps.get(c, c) if rng.random() < 0.3 else c for c in text)
        texts.append(text)
    return texts


def _answers(finder, text: str) -> list[tuple[tuple[int, int], str]]:  # type: ignore[no-untyped-def]
    return [(m.span(), m.group()) for m in finder(text)]


def test_every_cue_finds_exactly_what_its_pattern_finds() -> None:
    assert len(CUES) > 60, "the rules use prefiltered cues"
    rng = random.Random(20261124)
    corpus = rng.sample([c.text for text in _corpus() for c in clauses(text)], 700)
    for name, cue in CUES.items():
        literals = sorted(
            lit
            for part in (cue.alternatives if isinstance(cue, CueAlternatives) else [cue])
            for lit in (part.literals or ())
        )
        texts = corpus + _generated(literals or ["x"], rng, 200)
        for text in texts:
            assert _answers(cue.finditer, text) == _answers(cue.pattern.finditer, text), (name, text)
            found, expected = cue.search(text), cue.pattern.search(text)
            assert (found and (found.span(), found.group())) == (expected and (expected.span(), expected.group())), (name, text)


def test_the_prefilters_skip_most_scans() -> None:
    corpus = [c.text for text in _corpus() for c in clauses(text)]
    skipped = sum(not cue.possible(text) for cue in CUES.values() if isinstance(cue, Cue) for text in corpus)
    tried = sum(1 for cue in CUES.values() if isinstance(cue, Cue) for _ in corpus)
    assert skipped / tried > 0.5, f"only {skipped / tried:.0%} of scans skipped"
