"""Funnel computations (pure), the SVG charts, quote highlighting and CSV cells."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.console import analytics as a
from bot.console.charts import bar_chart, funnel_chart, stacked_chart, weekly_chart
from bot.console.csvexport import safe_cell, to_csv
from bot.console.highlight import find_quote, segments

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # a Monday


def _conv(cid: str, lead: str, *, channel: str = "chat", flow: str = "bant", days: float = 0, ended: bool = True,
          answers: int = 3, asked: tuple[str, ...] = ("need", "budget"), idle_h: float = 0) -> a.ConversationRecord:
    start = T0 + timedelta(days=days)
    return a.ConversationRecord(cid, lead, channel, flow, start, start + timedelta(hours=idle_h), ended, answers, asked)


def _lead(lid: str, stage: str, *, decided: dict[str, float] | None = None, outcome: str | None = None, outcome_stage: str | None = None) -> a.LeadRecord:
    first = {s: T0 + timedelta(minutes=m) for s, m in (decided or {}).items()}
    return a.LeadRecord(lid, T0, stage, first, outcome, outcome_stage)


LEADS = [
    _lead("l1", "sql", decided={"sql": 10}, outcome="won", outcome_stage="sql"),
    _lead("l2", "mql", decided={"mql": 30}),
    _lead("l3", "iql"),
    _lead("l4", "nurture", decided={"mql": 5, "nurture": 50}),  # was an MQL once
    _lead("l5", "disqualified", outcome="bad_fit", outcome_stage="disqualified"),
    _lead("l6", "iql"),  # never answered
]
CONVERSATIONS = [
    _conv("c1", "l1"),
    _conv("c1b", "l1", channel="email", days=3),  # a second conversation does not count the lead twice
    _conv("c2", "l2", channel="email", days=1),
    _conv("c3", "l3", days=8, ended=False, asked=("need", "budget", "authority"), idle_h=2),
    _conv("c4", "l4", flow="champ", days=8),
    _conv("c5", "l5", days=9, ended=False, asked=("need", "budget"), idle_h=5),
    _conv("c6", "l6", days=9, ended=False, answers=0, asked=("need",), idle_h=0.1),
]


def test_funnel_counts_leads_through_each_step() -> None:
    funnel = a.funnel(LEADS, CONVERSATIONS)
    assert funnel.counts == (6, 5, 3, 1, 1)
    assert funnel.conversion("iql") == 5 / 6 and funnel.conversion("sql") == 1 / 3
    assert funnel.conversion("conversations") is None and funnel.overall == 1 / 6


def test_funnel_by_channel_flow_and_week_uses_the_first_conversation() -> None:
    by_channel = a.funnel_by(LEADS, CONVERSATIONS, lambda c: c.channel)
    assert {k: f.counts for k, f in by_channel.items()} == {"chat": (5, 4, 2, 1, 1), "email": (1, 1, 1, 0, 0)}
    by_flow = a.funnel_by(LEADS, CONVERSATIONS, lambda c: c.flow)
    assert by_flow["champ"].counts == (1, 1, 1, 0, 0)
    by_week = a.funnel_by(LEADS, CONVERSATIONS, lambda c: a.week_of(c.started_at))
    assert list(by_week) == ["2026-11-02", "2026-11-09"]
    assert [f.count("conversations") for f in by_week.values()] == [2, 4]


def test_drop_off_is_the_open_question_of_quiet_unfinished_conversations() -> None:
    now = T0 + timedelta(days=9, hours=6)
    rows = {r.topic: r for r in a.drop_off(CONVERSATIONS, now=now, idle=timedelta(minutes=30))}
    assert (rows["budget"].dropped, rows["budget"].asked) == (1, 6)
    assert (rows["authority"].dropped, rows["authority"].asked, rows["authority"].rate) == (1, 1, 1.0)
    assert rows["need"].dropped == 1, "c6 went quiet 5.9 hours ago with need open"
    fresh = a.drop_off(CONVERSATIONS, now=T0 + timedelta(days=9, minutes=10), idle=timedelta(minutes=30))
    assert all(r.topic != "need" or r.dropped == 0 for r in fresh), "a conversation quiet for minutes is not left yet"


def test_median_time_to_qualify() -> None:
    assert a.median_minutes_to(LEADS, "sql") == 10
    assert a.median_minutes_to(LEADS, "mql") == 10, "first MQL-or-better decision: 10, 30, 5 -> 10"
    assert a.median_minutes_to([_lead("x", "iql")], "sql") is None


def test_outcomes_by_stage_use_the_stage_at_the_outcome() -> None:
    table = a.outcomes_by_stage(LEADS, ("iql", "mql", "sql", "nurture", "disqualified"))
    assert table["sql"] == {"won": 1, "lost": 0, "bad_fit": 0, "open": 0}
    assert table["disqualified"]["bad_fit"] == 1 and table["iql"]["open"] == 2


@given(st.lists(st.tuples(st.sampled_from(["iql", "mql", "sql", "nurture"]), st.booleans(), st.sampled_from([None, "won", "lost"])), max_size=30))
def test_funnel_steps_never_grow_before_won(rows: list[tuple[str, bool, str | None]]) -> None:
    leads = [_lead(f"l{i}", stage, outcome=outcome, outcome_stage=stage if outcome else None) for i, (stage, _, outcome) in enumerate(rows)]
    conversations = [_conv(f"c{i}", f"l{i}", answers=3 if answered else 0) for i, (_, answered, _) in enumerate(rows)]
    counts = a.funnel(leads, conversations).counts
    assert counts[0] == len(rows) and counts[0] >= counts[1] and counts[2] >= counts[3]
    assert counts[1] <= counts[0] and counts[4] == sum(1 for *_, o in rows if o == "won")


def test_charts_are_labelled_svg_with_escaped_text() -> None:
    funnel = a.funnel(LEADS, CONVERSATIONS)
    svgs = [
        funnel_chart(funnel, "Funnel <b>"),
        weekly_chart(a.funnel_by(LEADS, CONVERSATIONS, lambda c: a.week_of(c.started_at)), "Weeks"),
        bar_chart([("<script>", 3, "3 left")], "Drop-off"),
        stacked_chart({"sql": {"won": 1, "lost": 2, "bad_fit": 0, "open": 1}}, a.OUTCOME_KEYS, {"won": "Won", "lost": "Lost", "bad_fit": "Bad fit", "open": "Open"}, {"sql": "SQL"}, "Outcomes"),
    ]
    for svg in svgs:
        root = ET.fromstring(str(svg))  # well-formed XML: nothing unescaped
        ns = "{http://www.w3.org/2000/svg}"
        assert root.find(f"{ns}title") is not None and root.find(f"{ns}title").text
        assert root.get("role") == "img" and "style=" not in str(svg)
    assert "Funnel &lt;b&gt;" in str(svgs[0]) and "&lt;script&gt;" in str(svgs[2])
    texts = [t.text for t in ET.fromstring(str(svgs[0])).iter("{http://www.w3.org/2000/svg}text")]
    assert "Conversations" in texts and any(t and t.startswith("6") for t in texts)


def test_quotes_are_found_and_overlaps_split() -> None:
    text = "We have a budget of $40,000 per year"
    assert find_quote(text, "$40,000") == (20, 27)
    assert find_quote("I  SIGN off", "i sign") == (0, 7), "case and white space runs are ignored"
    assert find_quote(text, "not there") is None
    pieces = segments(text, [("a", "$40,000"), ("b", "budget of $40,000 per year")])
    assert "".join(p for p, _ in pieces) == text
    assert pieces == [("We have a ", ()), ("budget of ", ("b",)), ("$40,000", ("a", "b")), (" per year", ("b",))]
    assert segments("<b>hi</b>", []) == [("<b>hi</b>", ())]


def test_csv_cells_cannot_start_formulas() -> None:
    for dangerous in ("=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", " =1", "＝1"):
        assert safe_cell(dangerous).startswith("'"), dangerous
    assert safe_cell("Acme") == "Acme" and safe_cell(-5) == "-5" and safe_cell(None) == ""
    rows = list(csv.reader(io.StringIO(to_csv(["a", "b"], [["=x", 'say "hi",\nbye']]))))
    assert rows == [["a", "b"], ["'=x", 'say "hi",\nbye']]
