"""``python -m bench [NAME ...]``: run the registered benchmarks (all when none is named).

A benchmark is a function taking the remaining command-line arguments and returning an exit
code; add one by putting it in ``BENCHMARKS``.
"""

from __future__ import annotations

import sys
from typing import Callable

from bench import email, extract, load

BENCHMARKS: dict[str, Callable[[list[str]], int]] = {
    "extract": extract.main,
    "load": load.main,
    "email": email.main,
}


def main(argv: list[str]) -> int:
    """Run the named benchmarks (or all); the exit code is the worst one's."""
    names: list[str] = []
    while argv and argv[0] in BENCHMARKS:
        names.append(argv.pop(0))
    if argv and not argv[0].startswith("-") and "/" not in argv[0] and not argv[0].endswith(".jsonl"):
        print(f"unknown benchmark {argv[0]!r}; known: {', '.join(BENCHMARKS)}", file=sys.stderr)
        return 2
    names = names or list(BENCHMARKS)
    rest = argv
    code = 0
    for name in names:
        print(f"== {name}")
        code = max(code, BENCHMARKS[name](rest))
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
