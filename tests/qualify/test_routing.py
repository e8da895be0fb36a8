"""Routing: territory by country, round-robin within a team, existing owner first, only SQLs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.qualify.routing import Assignment, RoutingError, RoutingInput, RoutingRules, load_routing, route


def rules(**changes: Any) -> RoutingRules:
    data: dict[str, Any] = {
        "default_team": "west",
        "teams": {
            "west": {
                "countries": ["US", "CA"],
                "reps": [
                    {"name": "Ann", "email": "ann@example.com", "meeting_link": "https://cal.example.com/ann"},
                    {"name": "Bo", "email": "bo@example.com"},
                    {"name": "Cy", "email": "cy@example.com"},
                ],
            },
            "east": {"countries": ["DE"], "reps": [{"name": "Di", "email": "di@example.com"}]},
        },
    }
    data.update(changes)
    return RoutingRules.model_validate(data)


def sql_lead(country: str | None = "US", owner: str | None = None, stage: str = "sql") -> RoutingInput:
    return RoutingInput(country=country, existing_owner=owner, stage=stage)


def test_territory_picks_the_team() -> None:
    assignment = route(sql_lead("DE"), rules(), {})
    assert (assignment.owner, assignment.team) == ("di@example.com", "east")
    assert assignment.rep is not None and assignment.rep.name == "Di"
    assert "territory east" in assignment.reason


def test_round_robin_cycles_through_the_team_in_order() -> None:
    table = rules()
    reps = [str(r.email) for r in table.teams["west"].reps]
    counters: dict[str, int] = {"east": 7}
    owners = []
    for _ in range(7):
        assignment = route(sql_lead("US"), table, counters)
        owners.append(assignment.owner)
        counters = assignment.counters
    assert owners == [reps[i % len(reps)] for i in range(7)]
    assert counters == {"west": 7, "east": 7}


def test_counters_passed_in_are_not_mutated() -> None:
    counters = {"west": 1}
    assignment = route(sql_lead("CA"), rules(), counters)
    assert counters == {"west": 1}
    assert assignment.counters == {"west": 2}
    assert assignment.owner == "bo@example.com"


def test_existing_owner_wins_over_territory_and_stage() -> None:
    counters = {"west": 0}
    for stage in ("sql", "mql", "nurture"):
        assignment = route(sql_lead("US", owner="di@example.com", stage=stage), rules(), counters)
        assert (assignment.owner, assignment.team) == ("di@example.com", "east")
        assert assignment.counters == counters
        assert assignment.reason == "existing owner kept"


def test_existing_owner_outside_the_rules_is_kept() -> None:
    assignment = route(sql_lead("US", owner="former@example.com"), rules(), {})
    assert assignment == Assignment("former@example.com", None, "existing owner kept", {}, None)


@pytest.mark.parametrize("stage", ["iql", "mql", "nurture", "disqualified"])
def test_only_sqls_are_routed_by_default(stage: str) -> None:
    assignment = route(sql_lead("US", stage=stage), rules(), {"west": 2})
    assert (assignment.owner, assignment.team) == (None, None)
    assert assignment.counters == {"west": 2}
    assert stage in assignment.reason


def test_routed_stages_are_configurable() -> None:
    assert route(sql_lead("US", stage="mql"), rules(route_stages=["sql", "mql"]), {}).owner == "ann@example.com"


def test_unknown_or_unserved_country_goes_to_the_default_team() -> None:
    for country in (None, "JP"):
        assignment = route(sql_lead(country), rules(), {})
        assert (assignment.team, assignment.owner) == ("west", "ann@example.com")
        assert "default team" in assignment.reason


def test_without_a_default_team_the_lead_stays_unassigned() -> None:
    assignment = route(sql_lead("JP"), rules(default_team=None), {})
    assert (assignment.owner, assignment.team) == (None, None)
    assert "JP" in assignment.reason


def test_inactive_reps_are_skipped() -> None:
    table = rules(
        teams={"only": {"countries": ["US"], "reps": [
            {"name": "Ann", "email": "ann@example.com", "active": False},
            {"name": "Bo", "email": "bo@example.com"},
        ]}},
        default_team=None,
    )  # fmt: skip
    owners = set()
    counters: dict[str, int] = {}
    for _ in range(3):
        assignment = route(sql_lead("US"), table, counters)
        owners.add(assignment.owner)
        counters = assignment.counters
    assert owners == {"bo@example.com"}


def test_team_with_no_active_rep_leaves_the_lead_unassigned() -> None:
    away = {"name": "A", "email": "a@example.com", "active": False}
    table = rules(teams={"t": {"countries": ["US"], "reps": [away]}}, default_team=None)
    assignment = route(sql_lead("US"), table, {})
    assert (assignment.owner, assignment.team) == (None, "t")


def test_lower_case_country_matches() -> None:
    assert route(sql_lead("de"), rules(), {}).team == "east"


def test_shipped_routing_file_loads() -> None:
    table = load_routing(Settings().policy_dir / "routing.yaml")
    assert "NO" in {c for team in table.teams.values() for c in team.countries}
    assert table.route_stages == ("sql",)


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("teams:\n  a:\n    countries: [US]\n    reps: []\n", 4, "at least 1 item"),
        ("teams:\n  a:\n    countries: [US]\n    reps:\n      - {name: A, email: not-an-email}\n", 5, "email"),
        ("teams:\n  a:\n    reps:\n      - {name: A, email: a@example.com, phone: 1}\n", 4, "unknown key"),
        ("teams:\n  a:\n    countries: [US, XX]\n    reps: [{name: A, email: a@example.com}]\n", 3, "'XX'"),
        ("teams:\n  a:\n    countries: ['*']\n    reps: [{name: A, email: a@example.com}]\n", 3, "default_team"),
        (
            "teams:\n  a:\n    countries: [US]\n    reps: [{name: A, email: a@example.com}]\n"
            "  b:\n    countries: [US]\n    reps: [{name: B, email: b@example.com}]\n",
            1,
            "US is in the territory of both 'a' and 'b'",
        ),
        ("default_team: c\nteams:\n  a:\n    reps: [{name: A, email: a@example.com}]\n", 1, "'c' is not one of"),
        (
            "teams:\n  a:\n    reps: [{name: A, email: a@example.com}]\n"
            "  b:\n    reps: [{name: A2, email: A@example.com}]\n",
            1,
            "is a rep of both 'a' and 'b'",
        ),
        ("route_stages: [sql, hot]\nteams: {}\n", 1, "unknown stage 'hot'"),
        ("teams: {}\n", 1, "at least 1 item"),
    ],
)
def test_invalid_routing_names_file_line_and_problem(tmp_path: Path, text: str, line: int, fragment: str) -> None:
    path = tmp_path / "routing.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RoutingError) as caught:
        load_routing(path)
    assert caught.value.line == line
    assert str(caught.value).startswith(f"{path}:{line}: ")
    assert fragment in str(caught.value)
