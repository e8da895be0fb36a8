"""Routing: which team and rep a lead goes to (``policy/routing.yaml``).

Territory by country -> team, round-robin among the team's reps, and an existing owner always
wins. Pure: the round-robin counters are passed in and the updated ones returned, so the caller
persists them (in the same transaction as the assignment).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pydantic import EmailStr, Field, HttpUrl, field_validator, model_validator

from bot.qualify._yamlfile import ConfigFileError, CountryCode, StrictModel, load_model
from bot.qualify.policy import STAGES


class RoutingError(ConfigFileError):
    """A routing file that cannot be read or breaks the schema (message: file, line, problem)."""


class Rep(StrictModel):
    """A sales rep: who they are, where to book a meeting, and whether they take new leads."""

    name: str = Field(min_length=1)
    email: EmailStr
    meeting_link: HttpUrl | None = None
    active: bool = True


class Team(StrictModel):
    """A team: the countries of its territory and its reps, in round-robin order."""

    countries: tuple[CountryCode, ...] = ()
    reps: tuple[Rep, ...] = Field(min_length=1)

    @field_validator("countries", mode="before")
    @classmethod
    def _one_country(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value

    @field_validator("countries")
    @classmethod
    def _no_wildcard(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if "*" in value:
            raise ValueError('"*" is not a territory: use default_team for every other country')
        return value


class RoutingRules(StrictModel):
    """Teams and territories; which stages are routed; where unmatched countries go."""

    version: int = 1
    route_stages: tuple[str, ...] = ("sql",)
    default_team: str | None = None
    teams: dict[str, Team] = Field(min_length=1)

    @field_validator("route_stages")
    @classmethod
    def _stages(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [s for s in value if s not in STAGES]
        if unknown:
            raise ValueError(f"unknown stage {unknown[0]!r}; stages are {', '.join(STAGES)}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> RoutingRules:
        if self.default_team is not None and self.default_team not in self.teams:
            raise ValueError(f"default_team {self.default_team!r} is not one of the teams")
        owner: dict[str, str] = {}
        emails: dict[str, str] = {}
        for name, team in self.teams.items():
            for country in team.countries:
                if country in owner:
                    raise ValueError(f"{country} is in the territory of both {owner[country]!r} and {name!r}")
                owner[country] = name
            for rep in team.reps:
                email = rep.email.lower()
                if email in emails and emails[email] != name:
                    raise ValueError(f"{rep.email} is a rep of both {emails[email]!r} and {name!r}")
                emails[email] = name
        return self

    def team_for(self, country: str | None) -> str | None:
        """The team whose territory holds ``country``, else ``default_team``."""
        if country:
            for name, team in self.teams.items():
                if country.upper() in team.countries:
                    return name
        return self.default_team

    def rep(self, email: str) -> tuple[str, Rep] | None:
        """The team and rep with this email, if any."""
        for name, team in self.teams.items():
            for rep in team.reps:
                if rep.email.lower() == email.lower():
                    return name, rep
        return None


@dataclass(frozen=True)
class RoutingInput:
    """What routing needs to know about a lead."""

    country: str | None
    existing_owner: str | None
    stage: str


@dataclass(frozen=True)
class Assignment:
    """Who gets the lead (``owner``: a rep's email, or None), why, and the counters to persist."""

    owner: str | None
    team: str | None
    reason: str
    counters: dict[str, int]
    rep: Rep | None = None


def route(lead: RoutingInput, rules: RoutingRules, counters: Mapping[str, int]) -> Assignment:
    """Assign ``lead`` to a rep: existing owner first, then territory and round-robin."""
    after = dict(counters)
    if lead.existing_owner:
        known = rules.rep(lead.existing_owner)
        owner_team, owner = known if known is not None else (None, None)
        return Assignment(lead.existing_owner, owner_team, "existing owner kept", after, owner)
    if lead.stage not in rules.route_stages:
        return Assignment(None, None, f"stage {lead.stage} is not routed", after)
    team_name = rules.team_for(lead.country)
    if team_name is None:
        where = lead.country or "unknown country"
        return Assignment(None, None, f"no territory for {where} and no default_team", after)
    team = rules.teams[team_name]
    active = [rep for rep in team.reps if rep.active]
    if not active:
        return Assignment(None, team_name, f"team {team_name} has no active rep", after)
    turn = after.get(team_name, 0)
    rep = active[turn % len(active)]
    after[team_name] = turn + 1
    how = "territory" if lead.country and lead.country.upper() in team.countries else "default team"
    reason = f"{how} {team_name}, round-robin: rep {turn % len(active) + 1} of {len(active)}"
    return Assignment(rep.email, team_name, reason, after, rep)


def load_routing(path: Path) -> RoutingRules:
    """Read and validate a routing file; raise :class:`RoutingError` naming the file and line."""
    return load_model(Path(path), RoutingRules, RoutingError)
