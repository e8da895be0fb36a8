"""Loading flows: YAML files in ``flows/`` read, shape-checked and sense-checked into :class:`Flow`.

``load_flow`` raises :class:`FlowError` naming the file and line of the first problem;
:func:`flow_problems` returns all of them (``qualbot flows check`` prints those). The models
themselves are in :mod:`bot.engine.schema`; the sense checks in :mod:`bot.engine.validate`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Type, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from bot.engine.knowledge import Knowledge
from bot.engine.schema import Flow
from bot.engine.validate import semantic_problems
from bot.engine.yamlsource import Located, Loc, line_for, load_yaml

__all__ = ["Flow", "FlowError", "flow_problems", "load_flow", "load_flows", "is_flow_file", "knowledge_problems", "load_knowledge"]

M = TypeVar("M", bound=BaseModel)


class FlowError(Exception):
    """A flow (or its knowledge file) that cannot be used; the message names file and line."""

    def __init__(self, path: Path, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line
        self.message = message


def is_flow_file(path: Path) -> bool:
    """Flows are ``*.yaml``/``*.yml`` files; ``knowledge*.yaml`` files are knowledge, not flows."""
    return path.suffix in (".yaml", ".yml") and not path.stem.startswith("knowledge")


def load_flow(path: Path) -> Flow:
    """Read one flow file (and its knowledge file); raise :class:`FlowError` on the first problem."""
    flow, problems = flow_problems(path)
    if problems:
        raise problems[0]
    assert flow is not None
    return flow


def load_flows(directory: Path) -> dict[str, Flow]:
    """Every flow in ``directory`` by name (the file stem); raise :class:`FlowError` on any problem."""
    if not directory.is_dir():
        raise FlowError(directory, 1, "flows directory not found")
    flows: dict[str, Flow] = {}
    for path in sorted(directory.iterdir()):
        if is_flow_file(path):
            if path.stem in flows:
                raise FlowError(path, 1, f"another file in {directory} is also named {path.stem!r}")
            flows[path.stem] = load_flow(path)
    return flows


def flow_problems(path: Path) -> tuple[Flow | None, list[FlowError]]:
    """The flow in ``path`` (None when unusable) and every problem found in it, in line order."""
    located, problems = _parse(path)
    if located is None:
        return None, problems
    data = located.data
    if isinstance(data, dict) and "name" not in data:
        data = {**data, "name": path.stem}
    flow, shape = _validate(Flow, data, path, located)
    problems += shape
    if flow is None:
        return None, _sorted(problems)
    if flow.name != path.stem:
        line = line_for(located.lines, ("name",))
        problems.append(FlowError(path, line, f"name {flow.name!r} must be the file name {path.stem!r}"))
    problems += [FlowError(path, line_for(located.lines, loc), msg) for loc, msg in semantic_problems(flow)]
    knowledge, in_knowledge = _knowledge_for(flow, path, located)
    problems += in_knowledge
    if problems:
        return None, _sorted(problems)
    return flow.with_knowledge(knowledge), []


def load_knowledge(path: Path) -> Knowledge:
    """Read a knowledge file; raise :class:`FlowError` on its first problem."""
    knowledge, problems = knowledge_problems(path)
    if problems:
        raise problems[0]
    assert knowledge is not None
    return knowledge


def knowledge_problems(path: Path) -> tuple[Knowledge | None, list[FlowError]]:
    """The knowledge in ``path`` (None when unusable) and every problem found in it."""
    located, problems = _parse(path)
    if located is None:
        return None, problems
    knowledge, shape = _validate(Knowledge, located.data, path, located)
    problems = _sorted(problems + shape)
    return (None if problems else knowledge), problems


def _knowledge_for(flow: Flow, path: Path, located: Located) -> tuple[Knowledge, list[FlowError]]:
    if flow.knowledge is None:
        return Knowledge(), []
    target = path.parent / flow.knowledge
    explicit = isinstance(located.data, dict) and "knowledge" in located.data
    if not target.is_file():
        if explicit:
            line = line_for(located.lines, ("knowledge",))
            return Knowledge(), [FlowError(path, line, f"knowledge file {flow.knowledge!r} not found")]
        return Knowledge(), []
    knowledge, problems = knowledge_problems(target)
    return knowledge or Knowledge(), problems


def _parse(path: Path) -> tuple[Located | None, list[FlowError]]:
    """The file's YAML (None when unreadable) and its duplicate keys as problems."""
    located, error = _read(path)
    if located is None:
        return None, [error] if error else []
    return located, [FlowError(path, line, f"duplicate key {loc[-1]!r}") for loc, line in located.duplicate_keys]


def _read(path: Path) -> tuple[Located | None, FlowError | None]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, FlowError(path, 1, f"cannot read: {exc}")
    try:
        located = load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        return None, FlowError(path, mark.line + 1 if mark else 1, f"bad YAML: {problem}")
    if not isinstance(located.data, dict):
        return None, FlowError(path, 1, "expected a mapping of keys at the top of the file")
    return located, None


def _validate(model: Type[M], data: Any, path: Path, located: Located) -> tuple[M | None, list[FlowError]]:
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        return None, [_from_pydantic(err, path, located) for err in exc.errors()]


def _from_pydantic(err: Any, path: Path, located: Located) -> FlowError:
    loc: Loc = tuple(err["loc"])
    where = ".".join(str(part) for part in loc) or "top level"
    if err["type"] == "extra_forbidden":
        message = f"unknown field {loc[-1]!r} in {'.'.join(str(p) for p in loc[:-1]) or 'top level'}"
    elif err["type"] == "missing":
        message = f"missing field {where}"
    else:
        message = f"{where}: {err['msg']}"
    return FlowError(path, line_for(located.lines, loc), message)


def _sorted(problems: list[FlowError]) -> list[FlowError]:
    return sorted(problems, key=lambda p: (str(p.path), p.line))
