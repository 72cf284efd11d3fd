"""The rules of the house, read from the import graph of every module under mllens_tui/.

Each module is parsed with ``ast``; its imports, at module level and inside functions, are the
edges; imports under ``if TYPE_CHECKING:`` are left out (they are for annotations and never
run). A package is not counted as imported by its submodules: only import statements are.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import mllens_tui

ROOT = Path(mllens_tui.__file__).parent

# The core: pure code that the app and the command line build on.
CORE = (
    "mllens_tui.lens",
    "mllens_tui.assessment",
    "mllens_tui.scoring",
    "mllens_tui.snapshot",
    "mllens_tui.history",
    "mllens_tui.summary",
    "mllens_tui.charts.specs",
    "mllens_tui.charts.text",
    "mllens_tui.report",
    "mllens_tui.portfolio",
    "mllens_tui.workshop",
)
UI_AND_DATABASE = ("textual", "textual_plotext", "sqlmodel", "sqlalchemy")


@dataclass(frozen=True)
class Import:
    """One import statement's target, as written in ``source`` at ``line``."""

    source: str
    target: str
    names: tuple[str, ...]
    line: int

    def __str__(self) -> str:
        path = ROOT.parent / (self.source.replace(".", "/") + ".py")
        if not path.exists():
            path = ROOT.parent / self.source.replace(".", "/") / "__init__.py"
        where = f"{path.relative_to(ROOT.parent)}:{self.line}"
        what = f"from {self.target} import {', '.join(self.names)}" if self.names else ""
        return f"{where}: {self.source} imports {self.target}" + (f" ({what})" if what else "")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement under ``node``, at any depth, except under ``if TYPE_CHECKING:``."""
    if isinstance(node, ast.Import | ast.ImportFrom):
        yield node
        return
    if isinstance(node, ast.If) and _is_type_checking(node.test):
        children: list[ast.AST] = list(node.orelse)
    else:
        children = list(ast.iter_child_nodes(node))
    for child in children:
        yield from _imports(child)


def imports_of(name: str) -> list[Import]:
    path = MODULES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    edges: list[Import] = []
    for node in _imports(tree):
        if isinstance(node, ast.Import):
            edges += [Import(name, alias.name, (), node.lineno) for alias in node.names]
            continue
        base = node.module or ""
        if node.level:
            anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
            base = ".".join([*anchor, base] if base else anchor)
        names = tuple(alias.name for alias in node.names)
        submodules = [n for n in names if f"{base}.{n}" in MODULES]
        edges += [Import(name, f"{base}.{n}", (), node.lineno) for n in submodules]
        rest = tuple(n for n in names if n not in submodules)
        if rest:
            edges.append(Import(name, base, rest, node.lineno))
    return edges


GRAPH = {name: imports_of(name) for name in MODULES}


def _within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def _top(module: str) -> str:
    return module.split(".")[0]


def test_the_graph_sees_the_packages_and_their_imports() -> None:
    # Guards the rules below against passing on an empty or misread graph.
    assert {"mllens_tui.cli", "mllens_tui.store.service", "mllens_tui.charts.specs"} <= set(MODULES)
    targets = {edge.target for edge in GRAPH["mllens_tui.store.service"]}
    assert "mllens_tui.store.workshops" in targets
    assert "sqlalchemy" in targets


def test_storage_does_not_import_the_command_line() -> None:
    offending = [
        str(edge)
        for name, edges in GRAPH.items()
        if _within(name, "mllens_tui.store")
        for edge in edges
        if _within(edge.target, "mllens_tui.cli")
    ]
    assert not offending, "the store imports the CLI:\n" + "\n".join(offending)


def _reach(start: str) -> dict[str, list[Import]]:
    """Every module ``start`` imports, directly or through mllens_tui modules, with the chain of
    imports that gets there."""
    chains: dict[str, list[Import]] = {start: []}
    queue = [start]
    while queue:
        current = queue.pop(0)
        for edge in GRAPH.get(current, []):
            if edge.target in chains:
                continue
            chains[edge.target] = [*chains[current], edge]
            if edge.target in GRAPH:
                queue.append(edge.target)
    return chains


def _shell(module: str) -> bool:
    return _top(module) in UI_AND_DATABASE or any(
        _within(module, p) for p in ("mllens_tui.app", "mllens_tui.store", "mllens_tui.cli")
    )


@pytest.mark.parametrize("core", CORE)
def test_core_never_imports_textual_or_the_database(core: str) -> None:
    offending = [
        "\n  then ".join(str(edge) for edge in chain)
        for name in MODULES
        if _within(name, core)
        for target, chain in _reach(name).items()
        # Only the first step into the shell: what lies beyond it is the shell's business.
        if _shell(target) and not any(_shell(edge.target) for edge in chain[:-1])
    ]
    assert not offending, f"the core ({core}) reaches the shell:\n" + "\n".join(offending)


def test_the_app_and_the_command_line_meet_only_in_make_app() -> None:
    offending = []
    for name, edges in GRAPH.items():
        for edge in edges:
            if _within(name, "mllens_tui.app") and _within(edge.target, "mllens_tui.cli"):
                offending.append(str(edge))
            if (
                _within(name, "mllens_tui.cli")
                and _within(edge.target, "mllens_tui.app")
                and (edge.target != "mllens_tui.app" or set(edge.names) != {"make_app"})
            ):
                offending.append(str(edge))
    assert not offending, "the app and the CLI meet outside make_app:\n" + "\n".join(offending)


def _cycles() -> list[list[str]]:
    """The strongly connected components of more than one module, or a module importing
    itself (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in GRAPH:
        if root in index:
            continue
        work = [(root, iter([e.target for e in GRAPH[root] if e.target in GRAPH]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append(
                        (child, iter([e.target for e in GRAPH[child] if e.target in GRAPH]))
                    )
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    selfloop = any(e.target == node for e in GRAPH[node])
                    if len(component) > 1 or selfloop:
                        found.append(sorted(component))
    return found


def test_no_import_circles() -> None:
    messages = []
    for component in _cycles():
        members = set(component)
        edges = [str(e) for name in component for e in GRAPH[name] if e.target in members]
        messages.append("a circle between " + ", ".join(component) + ":\n  " + "\n  ".join(edges))
    assert not messages, "\n".join(messages)
