"""The modules of speechkit import one another in one direction only: no import cycle.

Every ``import`` counts — at module level, inside ``if TYPE_CHECKING:`` and inside functions
(a lazy import hides a cycle from Python, not from a reader). One kind of edge is left out: a
package's ``__init__`` importing its own submodules (an application factory registering its
parts); Python imports a package before any of its submodules anyway.
"""

from __future__ import annotations

import ast
from pathlib import Path

import speechkit

ROOT = Path(speechkit.__file__).parent
# Lazy imports awaiting removal elsewhere, each with its reason. batch.worker → batch.plan is
# removed on the batch branch (issue 17 gives that circle to the batch engineer); delete the
# entry when it lands. Any other circle fails the test.
PENDING = {("speechkit.batch.worker", "speechkit.batch.plan")}


def _modules() -> dict[str, tuple[Path, bool]]:
    found = {}
    for path in ROOT.rglob("*.py"):
        parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts = parts[:-1]
        found[".".join(parts)] = (path, is_package)
    return found


def import_graph() -> dict[str, set[str]]:
    """``{module: modules it imports}`` over speechkit (see the module docstring)."""
    modules = _modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, (path, is_package) in modules.items():
        package = name.split(".") if is_package else name.split(".")[:-1]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    prefix = package[: len(package) - node.level + 1]
                    base = ".".join([*prefix, *([node.module] if node.module else [])])
                targets = [
                    f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                    for alias in node.names
                ]
            else:
                continue
            for target in targets:
                if target not in modules or target == name:
                    continue
                if is_package and target.startswith(name + "."):
                    continue  # a package assembling its own parts
                graph[name].add(target)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as ``[a, b, ..., a]``, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_find_cycle_reports_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_graph_sees_lazy_and_type_checking_imports():
    graph = import_graph()
    assert "speechkit.errors" in graph["speechkit.engine.preprocess"]
    assert "speechkit.engine.tags" in graph["speechkit.engine.messages"]  # TYPE_CHECKING only
    assert "speechkit.check.htmlreport" in graph["speechkit.check.report"]  # inside a function


def test_speechkit_has_no_import_cycle():
    graph = import_graph()
    for source, target in PENDING:
        graph[source].discard(target)
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " → ".join(cycle or [])
