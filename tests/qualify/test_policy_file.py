"""Loading policy files: the shipped one, and clear errors (file, line, problem) for bad ones."""

from __future__ import annotations

from pathlib import Path

import pycountry
import pytest

from bot.config import Settings
from bot.qualify.policy import PolicyError, decide, default_policy, load_policy
from tests.qualify.factories import sql_facts

SHIPPED = Path(__file__).resolve().parents[2] / "policy" / "policy.yaml"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_policy_loads_and_is_the_default() -> None:
    assert load_policy(SHIPPED) == default_policy()
    assert (Settings().policy_dir / "policy.yaml").resolve() == SHIPPED


def test_shipped_policy_keeps_the_baseline_rule() -> None:
    policy = default_policy()
    assert decide(sql_facts(budget_min=50_000, budget_max=50_000), policy, complete=True).stage == "sql"
    assert decide(sql_facts(timeline_days=91), policy, complete=True).stage == "nurture"
    assert decide(sql_facts(need="none"), policy, complete=True).stage == "disqualified"
    assert decide(sql_facts(budget_status="none"), policy, complete=True).stage == "nurture"
    assert policy.sql.longest_timeline_days == 90
    assert set(policy.sql.authority) == {"decision_maker", "influencer"}


def test_shipped_rates_are_real_currencies_and_norway_is_a_country() -> None:
    policy = default_policy()
    assert all(pycountry.currencies.get(alpha_3=code) for code in policy.currency_rates)
    # YAML 1.1 reads a bare NO as false; the loader must not.
    assert "NO" in policy.icp.countries


def test_an_empty_mapping_is_the_built_in_defaults(tmp_path: Path) -> None:
    policy = load_policy(write(tmp_path, "version: 1\n"))
    assert policy.icp.countries == ("*",)
    assert decide(sql_facts(country="JP"), policy, complete=True).stage == "sql"


@pytest.mark.parametrize(
    ("text", "line", "fragments"),
    [
        ("version: 1\nicp:\n  countries: [US]\n  sizes: 3\n", 4, ["icp.sizes", "unknown key"]),
        ("version: 1\nsql:\n  minimum_budget: lots\n", 3, ["sql.minimum_budget", "number"]),
        ("sql:\n  minimum_budget: -5\n", 2, ["sql.minimum_budget", "greater than or equal to 0"]),
        ("currency: DOLLARS\n", 1, ["currency", "'DOLLARS' is not an ISO 4217 currency code"]),
        ("currency_rates:\n  EUR: 1.1\n  XYZ: 2\n", 3, ["currency_rates", "'XYZ' is not an ISO 4217"]),
        ("currency_rates:\n  EUR: 0\n", 2, ["currency_rates.EUR", "greater than 0"]),
        ("currency_rates:\n  USD: 2\n", 1, ["currency_rates.USD must be 1"]),
        ("icp:\n  countries: [US, UK]\n", 2, ["'UK' is not an ISO 3166-1 alpha-2", "did you mean GB"]),
        ("icp:\n  countries: []\n", 2, ["icp.countries", "at least 1 item"]),
        ("icp:\n  employees: {min: 500, max: 10}\n", 2, ["min (500) is larger than max (10)"]),
        ("sql:\n  authority: [none]\n", 2, ["sql.authority", "none can never qualify"]),
        ("sql:\n  authority: [boss]\n", 2, ["sql.authority.0", "decision_maker"]),
        ("sql:\n  timeline_buckets: [now, none]\n", 2, ["sql.timeline_buckets", "no plan to buy"]),
        ("failed_check:\n  no_budget: sql\n", 2, ["failed_check.no_budget", "'mql', 'nurture' or 'disqualified'"]),
        ("missing:\n  budget: maybe\n", 2, ["missing.budget", "'ignore'"]),
        ("missing:\n  hair_colour: ignore\n", 2, ["missing.hair_colour", "unknown key"]),
        ("scoring:\n  fit: {max: 60}\n  intent: {max: 40}\n  engagement: {max: 20}\n", 1, ["120", "at most 100"]),
        ("scoring:\n  engagement:\n    events: {download: -2}\n", 3, ["scoring.engagement.events.download"]),
        ("scoring:\n  engagement:\n    half_life_days: 0\n", 3, ["half_life_days", "greater than 0"]),
        ("version: 2\n", 1, ["version", "1"]),
    ],
)
def test_invalid_policy_names_file_line_and_problem(
    tmp_path: Path, text: str, line: int, fragments: list[str]
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    error = caught.value
    assert (error.path, error.line) == (path, line)
    message = str(error)
    assert message.startswith(f"{path}:{line}: ")
    for fragment in fragments:
        assert fragment in message


def test_yaml_syntax_error_has_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "version: 1\nicp:\n  countries: [US, GB\nsql: {}\n")
    with pytest.raises(PolicyError, match="not valid YAML") as caught:
        load_policy(path)
    assert caught.value.line in (3, 4)


def test_duplicate_key_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "sql:\n  minimum_budget: 10\n  minimum_budget: 20\n")
    with pytest.raises(PolicyError, match="'minimum_budget' appears twice") as caught:
        load_policy(path)
    assert caught.value.line == 3


@pytest.mark.parametrize("text", ["", "- a list\n", "just text\n"])
def test_top_level_must_be_a_mapping(tmp_path: Path, text: str) -> None:
    with pytest.raises(PolicyError, match="expected a mapping"):
        load_policy(write(tmp_path, text))


def test_missing_file_is_a_policy_error(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="cannot read") as caught:
        load_policy(tmp_path / "nope.yaml")
    assert caught.value.line is None


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    path = write(tmp_path, "currency: XX\nsql:\n  longest_timeline_days: soon\n")
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    message = str(caught.value)
    assert "currency" in message and "sql.longest_timeline_days" in message
