"""Labelled sentences written for the weak fields (``cases/<field>.txt``), each read alone by the rules.

The files hold our own sentences, in other words and other trades than the dev and tune sets, so
they check the general cues (problem + lead object, approver + verb, totals, status verbs under
negation) rather than the sentences the rules were tuned on. Format: ``expected | asked | text``,
``-`` for "the field must stay empty".
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.extract.conftest import read

CASES = Path(__file__).with_name("cases")


def _cases() -> list[tuple[str, str, str | None, str]]:
    out = []
    for path in sorted(CASES.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                expected, asked, text = (x.strip() for x in line.split("|", 2))
                out.append((path.stem, expected, None if asked == "None" else asked, text))
    return out


def test_every_weak_field_has_forty_cases() -> None:
    counts: dict[str, int] = {}
    for field, *_ in _cases():
        counts[field] = counts.get(field, 0) + 1
    assert {f for f, n in counts.items() if n >= 40} >= {"need", "authority", "employees", "budget_status"}, counts


@pytest.mark.parametrize(("field", "expected", "asked", "text"), _cases())
def test_case(field: str, expected: str, asked: str | None, text: str) -> None:
    got = read(text, asked=asked).get(field)
    if expected == "-":
        assert got is None
    else:
        assert str(got) == expected
