"""The batch core behind ``qualbot extract``: JSON lines in, prediction lines out."""

from __future__ import annotations

import io
import json

import pytest

from bot.extract.batch import BatchInputError, run_extract
from bot.extract.rules import RulesExtractor


def _line(**kw: object) -> str:
    row = {"id": "a", "channel": "chat", "asked": "budget", "ref_date": "2026-05-04", "text": "around $900 a month"}
    row.update(kw)
    return json.dumps(row)


def test_writes_one_prediction_per_line_in_order() -> None:
    out = io.StringIO()
    lines = [_line(id="x1", expected={"ignored": True}), "\n", _line(id="x2", text="no budget", asked=None)]
    run_extract(lines, out, RulesExtractor())
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["id"] for r in rows] == ["x1", "x2"]
    assert rows[0]["fields"]["budget_max"] == 900
    assert rows[1]["fields"] == {"budget_status": "none"}


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ("{not json", "not JSON"),
        (json.dumps({"channel": "chat", "ref_date": "2026-05-04", "text": "hi"}), "missing id"),
        (_line(channel="sms"), "channel"),
        (_line(ref_date="yesterday"), "ref_date"),
        (_line(asked="pricing"), "asked"),
        (_line(text=None), "text"),
    ],
)
def test_a_bad_line_names_its_number_and_nothing_is_written(bad: str, reason: str) -> None:
    out = io.StringIO()
    with pytest.raises(BatchInputError) as err:
        run_extract([_line(id="ok"), bad, _line(id="later")], out, RulesExtractor())
    assert err.value.line == 2
    assert "line 2" in str(err.value) and reason in str(err.value)
    assert out.getvalue() == ""
