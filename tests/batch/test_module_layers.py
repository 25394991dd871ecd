"""The batch modules import one another in one direction: no circle, even through the imports
done inside functions."""

from __future__ import annotations

import ast
from pathlib import Path

import speechkit.batch

PACKAGE = Path(speechkit.batch.__file__).parent


def _imports(path: Path) -> set[str]:
    """Batch modules imported anywhere in ``path`` (top level or inside functions)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "speechkit.batch":
                found.update(alias.name for alias in node.names)
            elif node.module.startswith("speechkit.batch."):
                found.add(node.module.split(".")[2])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("speechkit.batch."):
                    found.add(alias.name.split(".")[2])
    return found


def test_batch_modules_have_no_import_circle() -> None:
    modules = {p.stem: p for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    graph = {name: _imports(path) & set(modules) for name, path in modules.items()}
    assert graph["worker"] and "plan" not in graph["worker"]  # the graph was read
    state: dict[str, int] = {}  # 1 visiting, 2 done

    def visit(name: str, trail: list[str]) -> None:
        state[name] = 1
        for nxt in graph[name]:
            assert state.get(nxt) != 1, " → ".join([*trail, name, nxt])
            if nxt not in state:
                visit(nxt, [*trail, name])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [])
