"""``qualbot flows check [PATH...]``: validate flow files and print each problem with file and line.

Paths may be flow files, knowledge files (``knowledge*.yaml``) or directories (every file in
them); with none, the configured flows directory is checked. Exit status 0 when all are valid,
1 when any problem was found, 2 on bad usage.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence, TextIO

from bot.engine.flow import FlowError, flow_problems, is_flow_file, knowledge_problems


def check_paths(paths: Sequence[Path]) -> list[FlowError]:
    """Every problem in the flows and knowledge files under ``paths``, in file and line order."""
    problems: list[FlowError] = []
    for path in _expand(paths):
        if not path.exists():
            problems.append(FlowError(path, 1, "file not found"))
        elif is_flow_file(path):
            problems += flow_problems(path)[1]
        else:
            problems += knowledge_problems(path)[1]
    return problems


def _expand(paths: Sequence[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml"))
        else:
            files.append(path)
    return files


def main_flows_check(argv: list[str], *, out: TextIO | None = None, flows_dir: Path | None = None) -> int:
    """Run ``qualbot flows check`` with ``argv`` (the arguments after ``check``); return the exit status."""
    out = out or sys.stdout
    parser = argparse.ArgumentParser(prog="qualbot flows check", description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, help="flow or knowledge files, or directories")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return 2 if exc.code else 0
    paths: list[Path] = args.paths
    if not paths:
        if flows_dir is None:
            from bot.config import Settings

            flows_dir = Settings().flows_dir
        paths = [flows_dir]
    files = _expand(paths)
    problems = check_paths(paths)
    for problem in problems:
        print(problem, file=out)
    bad = len({p.path for p in problems})
    if problems:
        print(f"{len(problems)} problem(s) in {bad} of {len(files)} file(s)", file=out)
        return 1
    print(f"{len(files)} file(s) OK", file=out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main_flows_check(sys.argv[1:]))
