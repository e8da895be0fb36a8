"""``qualbot flows check``: every kind of error, reported with its file and line."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot.engine.check import check_paths, main_flows_check
from bot.engine.flow import FlowError, load_flow, load_flows

FLOWS = Path(__file__).resolve().parents[2] / "flows"

VALID = """\
greeting: hi
questions:
  - id: need
    topic: need
    ask: What do you need?
  - id: budget
    topic: budget
    ask: Any budget?
    when: {need: confirmed}
exits:
  - id: no_need
    when: {need: none}
    outcome: nurture
closings:
  sql: {say: "book?", action: book_meeting}
  mql: {say: resources}
  nurture: {say: later}
  disqualified: {say: bye}
  iql: {say: come back}
"""


def _write(tmp_path: Path, text: str, name: str = "demo.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def _only_problem(tmp_path: Path, text: str) -> FlowError:
    problems = check_paths([_write(tmp_path, text)])
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


def test_valid_flow_has_no_problems(tmp_path: Path) -> None:
    path = _write(tmp_path, VALID)
    assert check_paths([path]) == []
    assert load_flow(path).name == "demo"


@pytest.mark.parametrize(
    ("old", "new", "needle", "message"),
    [
        ("    ask: Any budget?", "    ask: Any budget?\n    quick_reply: [a]", "quick_reply", "unknown field 'quick_reply'"),
        ("    topic: budget", "    topic: budget\n    fills: [budget_status, salary]", "fills:", "unknown field 'salary'"),
        ("    topic: budget", "    topic: money", "topic: money", "unknown topic 'money'"),
        ("    when: {need: confirmed}", "    when: {needs: confirmed}", "needs: confirmed", "condition on unknown fact 'needs'"),
        ("    when: {need: confirmed}", "    when: {need: maybe}", "need: maybe", "'maybe' is not one of"),
        ("  - id: budget", "  - id: need", "  - id: need\n    topic: budget", "duplicate question id 'need'"),
        ("  iql: {say: come back}\n", "", "closings:", "missing closing for outcome 'iql'"),
        ("  iql: {say: come back}\n", "  iql: {say: come back}\n  hot: {say: x}\n", "hot:", "unknown outcome 'hot'"),
        ("    when: {need: confirmed}", "    when: {need: none}", "when: {need: none}", "unreachable question 'budget': exit 'no_need'"),
        ("    when: {need: confirmed}", "    when: {budget_status: allocated}", "budget_status: allocated", "unreachable question 'budget'"),
        ("    when: {need: confirmed}", "    when: {need: confirmed}\n    when_not: {need: [confirmed]}", "when_not", "unreachable question 'budget'"),
        ("    ask: Any budget?", "    ask: Any budget?\n    attempts: 0", "attempts: 0", "greater than or equal to 1"),
        ("    ask: What do you need?", "    ask: []", "ask: []", "wording must be"),
        ("    ask: What do you need?\n", "", "  - id: need", "missing field questions.0.ask"),
        ("greeting: hi", "greeting: hi\nname: other", "name: other", "must be the file name 'demo'"),
        ("greeting: hi", "greeting: hi\ngreeting: hello", "greeting: hello", "duplicate key 'greeting'"),
        ("greeting: hi", "greeting: hi\nknowledge: faq.yaml", "knowledge:", "knowledge file 'faq.yaml' not found"),
        ("    when: {need: none}\n", "    when: {employees: {min: x}}\n", "employees", "min"),
        ("    when: {need: none}\n", "    when: {country: NO}\n", "country: NO", "quote the value"),
        ("    when: {need: none}\n", "    when: {country: [SE, NO]}\n", "country: [SE", "quote the value"),
    ],
)
def test_each_error_kind_names_its_line(tmp_path: Path, old: str, new: str, needle: str, message: str) -> None:
    assert old in VALID
    text = VALID.replace(old, new, 1)
    problem = _only_problem(tmp_path, text)
    assert message in problem.message
    if needle.startswith("  - id: need\n"):  # the duplicate: the second question's id line
        expected = [i for i, line in enumerate(text.splitlines(), 1) if line == "  - id: need"][1]
    else:
        expected = _line_of(text, needle)
    assert problem.line == expected
    assert str(problem).startswith(f"{problem.path}:{expected}: ")


def test_bad_yaml_names_its_line(tmp_path: Path) -> None:
    text = VALID.replace("    ask: Any budget?", "    ask: [Any budget?")
    problem = _only_problem(tmp_path, text)
    assert problem.message.startswith("bad YAML")
    assert _line_of(text, "ask: [Any") <= problem.line <= _line_of(text, "ask: [Any") + 2


def test_all_problems_are_reported_in_line_order(tmp_path: Path) -> None:
    text = VALID.replace("topic: budget", "topic: money").replace("{need: confirmed}", "{nope: 1}")
    problems = check_paths([_write(tmp_path, text)])
    assert [p.line for p in problems] == sorted(p.line for p in problems) and len(problems) == 2


def test_load_flow_raises_the_first_problem(tmp_path: Path) -> None:
    path = _write(tmp_path, VALID.replace("topic: budget", "topic: money"))
    with pytest.raises(FlowError, match=rf"demo.yaml:{_line_of(path.read_text(), 'money')}: unknown topic"):
        load_flow(path)


def test_knowledge_file_problems_name_the_knowledge_file(tmp_path: Path) -> None:
    _write(tmp_path, "entries:\n  - id: x\n    keywords: [a]\n    answr: typo\n", "knowledge.yaml")
    problems = check_paths([_write(tmp_path, VALID)])
    assert [(p.path.name, p.line) for p in problems] == [("knowledge.yaml", 2), ("knowledge.yaml", 4)]


def test_load_flows_by_name_skipping_knowledge(tmp_path: Path) -> None:
    _write(tmp_path, VALID, "one.yaml")
    _write(tmp_path, VALID, "two.yaml")
    _write(tmp_path, "entries: []\n", "knowledge.yaml")
    flows = load_flows(tmp_path)
    assert sorted(flows) == ["one", "two"] and flows["two"].name == "two"


def test_two_files_with_one_name_are_refused(tmp_path: Path) -> None:
    _write(tmp_path, VALID, "one.yaml")
    _write(tmp_path, VALID, "one.yml")
    with pytest.raises(FlowError, match="also named 'one'"):
        load_flows(tmp_path)


def test_shipped_flows_are_valid() -> None:
    assert check_paths([FLOWS]) == []
    assert {"bant", "champ", "agency"} <= set(load_flows(FLOWS))


def test_command_exit_status_and_output(tmp_path: Path) -> None:
    good = _write(tmp_path, VALID, "good.yaml")
    bad = _write(tmp_path, VALID.replace("topic: budget", "topic: money"), "bad.yaml")
    out = io.StringIO()
    assert main_flows_check([str(good)], out=out) == 0
    assert "1 file(s) OK" in out.getvalue()
    out = io.StringIO()
    assert main_flows_check([str(good), str(bad)], out=out) == 1
    assert f"{bad}:{_line_of(bad.read_text(), 'money')}: unknown topic 'money'" in out.getvalue()
    assert main_flows_check([], out=io.StringIO(), flows_dir=FLOWS) == 0
    assert main_flows_check(["--bogus"], out=io.StringIO()) == 2
