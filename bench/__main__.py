"""``python -m bench [NAME ...]``: run the registered benchmarks (all when none is named).

A benchmark is a function taking the remaining command-line arguments and returning an exit
code; add one by putting it in ``BENCHMARKS``.
"""

from __future__ import annotations

import sys
from typing import Callable

from bench import email, extract

BENCHMARKS: dict[str, Callable[[list[str]], int]] = {
    "extract": extract.main,
    "email": email.main,
}


def main(argv: list[str]) -> int:
    """Run the named benchmarks (or all); the exit code is the worst one's."""
    names = [a for a in argv if a in BENCHMARKS] or list(BENCHMARKS)
    rest = [a for a in argv if a not in BENCHMARKS]
    unknown = [a for a in rest if not a.startswith("-") and "/" not in a and not a.endswith(".jsonl")]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}", file=sys.stderr)
        return 2
    code = 0
    for name in names:
        print(f"== {name}")
        code = max(code, BENCHMARKS[name](rest))
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
