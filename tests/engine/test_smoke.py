"""The shipped BANT flow loads and runs a conversation to its end."""

from pathlib import Path

from bot.engine.dialogue import resume, start, step
from bot.engine.flow import load_flow

FLOWS = Path(__file__).resolve().parents[2] / "flows"


def test_bant_runs_to_sql_closing() -> None:
    flow = load_flow(FLOWS / "bant.yaml")
    result = start(flow, seed=1)
    assert result.replies[-1].field == "need"
    known: dict[str, str | int] = {}
    answers = [
        {"need": "confirmed"},
        {"budget_status": "allocated"},
        {"authority": "decision_maker"},
        {"timeline_bucket": "quarter"},
        {"employees": 40, "country": "DE"},
    ]
    for new in answers:
        assert not result.ended
        known.update(new)
        result = step(flow, result.state, known=known, new_fields=set(new), text="x", stage="sql")
    assert result.ended and result.outcome == "sql"
    assert result.replies[-1].kind == "closing" and result.replies[-1].action == "book_meeting"
    assert resume(flow, result.state).replies == ()
