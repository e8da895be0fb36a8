"""YAML with line numbers: the parsed document plus the line of every key and list item.

Flow and knowledge files are edited by hand, so every error must point at a line. PyYAML's
node marks give the lines; :func:`line_for` finds the nearest one for a pydantic error location.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import yaml

Loc = tuple[str | int, ...]


@dataclass
class Located:
    """A parsed YAML document, the line (1-based) of each path in it, and duplicated keys."""

    data: Any
    lines: dict[Loc, int] = field(default_factory=dict)
    duplicate_keys: list[tuple[Loc, int]] = field(default_factory=list)


def load_yaml(text: str) -> Located:
    """Parse ``text`` (safe loader only); raises ``yaml.YAMLError`` with a mark on bad YAML."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return Located(None)
        located = Located(loader.construct_document(node))
    finally:
        loader.dispose()
    located.lines[()] = node.start_mark.line + 1
    _walk(node, (), located)
    return located


def _walk(node: yaml.Node, loc: Loc, located: Located) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
            path = (*loc, key)
            line = key_node.start_mark.line + 1
            if path in located.lines:
                located.duplicate_keys.append((path, line))
            located.lines[path] = line
            _walk(value_node, path, located)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            located.lines[(*loc, index)] = item.start_mark.line + 1
            _walk(item, (*loc, index), located)


def line_for(lines: dict[Loc, int], loc: Sequence[str | int]) -> int:
    """The line of ``loc`` or of its nearest enclosing path that has one (1 when none)."""
    path = tuple(loc)
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get((), 1)
