"""The package's own modules, parsed: for the tests that say "only module X does Y"."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "speechkit"


def package_modules(but: str) -> Iterator[tuple[str, ast.Module]]:
    """``(path below src/speechkit, syntax tree)`` of every module except ``but``."""
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if rel != but:
            yield rel, ast.parse(path.read_text("utf-8"))
