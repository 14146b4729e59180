"""No import circles among the product's modules.

Imports are read with ``ast`` from every module of the product packages, not by importing them.
Every import counts: at module level, inside a function (a deferred import only hides a circle
from Python, not from a reader), and under ``if TYPE_CHECKING`` (a type that both sides need
belongs in a module both import). ``from package import name`` is an edge to the submodule
``package.name`` when there is one, else to the package. A package's ``__init__`` is not an
edge of each of its submodules' imports: Python runs it first, but a submodule importing a
sibling is not a circle a reader has to follow.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("programs", "applicants", "tiering", "strategy", "tracker", "advising",
            "residency_planner")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _product_modules() -> dict[str, Path]:
    return {_module_name(path): path for package in PACKAGES
            for path in sorted((ROOT / package).rglob("*.py")) if "migrations" not in path.parts}


def import_graph() -> dict[str, set[str]]:
    """Each product module -> the product modules it imports."""
    modules = _product_modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        edges: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                edges.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, *([base] if base else [])])
                for alias in node.names:
                    edges.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules
                              else base)
        graph[name] = {edge for edge in edges if edge in modules and edge != name}
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for edge in sorted(graph[node]):
            if edge not in index:
                visit(edge)
                low[node] = min(low[node], low[edge])
            elif edge in stack:
                low[node] = min(low[node], index[edge])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_product_modules_import_each_other_one_way() -> None:
    assert circles(import_graph()) == []


def test_the_check_finds_a_circle_and_reads_every_kind_of_import() -> None:
    graph = import_graph()
    # Deferred and type-only imports are read too (the check must see what it is to refuse).
    assert "tiering.scoring.context" in graph["tiering.scoring.tiers"]
    assert "tiering.lists" in graph["tiering.apps"]
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
