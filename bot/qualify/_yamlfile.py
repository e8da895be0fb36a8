"""Loads a customer-edited YAML file into a pydantic model, with errors that name file and line.

Shared by the policy and routing loaders (with the code types both validate): both are files a
customer edits by hand, so a mistake must point at the line to fix, not at a traceback.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, TypeVar

import pycountry
import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError

Model = TypeVar("Model", bound=BaseModel)
_LIKELY_MEANT = {"UK": "GB", "EL": "GR"}


class StrictModel(BaseModel):
    """A frozen model that refuses unknown keys: a typo in a config file is an error."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def country_code(value: str) -> str:
    """``value`` as an upper-case ISO 3166-1 alpha-2 code (or ``*``); ValueError otherwise."""
    code = str(value).strip().upper()
    if code == "*":
        return code
    if pycountry.countries.get(alpha_2=code) is None:
        hint = f" (did you mean {_LIKELY_MEANT[code]}?)" if code in _LIKELY_MEANT else ""
        raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code{hint}")
    return code


def currency_code(value: str) -> str:
    """``value`` as an upper-case ISO 4217 code; ValueError otherwise."""
    code = str(value).strip().upper()
    if len(code) != 3 or pycountry.currencies.get(alpha_3=code) is None:
        raise ValueError(f"{value!r} is not an ISO 4217 currency code")
    return code


CountryCode = Annotated[str, AfterValidator(country_code)]
CurrencyCode = Annotated[str, AfterValidator(currency_code)]


class _Loader(yaml.SafeLoader):  # type: ignore[misc]  # PyYAML ships no type hints
    """YAML 1.2 booleans: only true/false. In YAML 1.1 ``NO`` (Norway) and ``on`` are booleans."""


_BOOL = "tag:yaml.org,2002:bool"
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _BOOL]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


class ConfigFileError(ValueError):
    """A configuration file that cannot be read or does not fit its schema."""

    def __init__(self, path: Path, line: int | None, problem: str) -> None:
        self.path = path
        self.line = line
        self.problem = problem
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {problem}")


def load_model(path: Path, model: type[Model], error: type[ConfigFileError]) -> Model:
    """Parse ``path`` as YAML and validate it as ``model``; raise ``error`` naming file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise error(path, None, f"cannot read: {exc.strerror or exc}") from None
    try:
        root = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise error(path, line, f"not valid YAML: {problem}") from None
    if root is None or not isinstance(data, dict):
        line = root.start_mark.line + 1 if root is not None else 1
        raise error(path, line, "expected a mapping of settings at the top level")
    duplicate = _first_duplicate_key(root)
    if duplicate is not None:
        key, line = duplicate
        raise error(path, line, f"key {key!r} appears twice in the same mapping")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = exc.errors(include_url=False)
        first = problems[0]
        line = _line_of(root, first["loc"])
        lines = [_describe(p) for p in problems]
        raise error(path, line, "; ".join(lines)) from None


def _describe(problem: Any) -> str:
    where = ".".join(str(part) for part in problem["loc"])
    if problem["type"] == "extra_forbidden":
        return f"{where}: unknown key"
    # pydantic prefixes messages from our own validators with "Value error, ".
    message = str(problem["msg"]).removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


def _line_of(root: yaml.Node, loc: tuple[Any, ...]) -> int:
    """The 1-based line that ``loc`` points at: the key of a mapping entry, the item of a list."""
    node, line = root, int(root.start_mark.line) + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if str(k.value) == str(part)), None)
            if match is None:
                break
            line = match[0].start_mark.line + 1
            node = match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _first_duplicate_key(node: yaml.Node) -> tuple[str, int] | None:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            name = str(key.value)
            if name in seen:
                return name, key.start_mark.line + 1
            seen.add(name)
            found = _first_duplicate_key(value)
            if found is not None:
                return found
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            found = _first_duplicate_key(item)
            if found is not None:
                return found
    return None
