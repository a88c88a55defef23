"""The layering STYLE.md asks for, checked on the source: dependencies point one way, no import cycles,
no entry point reaches into another's private parts."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("schemas", "carriers", "tracking_service")


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imports(path: Path) -> Iterator[tuple[str, str | None]]:
    """(module, imported name or None) for every import in the file, at any depth (function-level too)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, None
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                yield node.module, alias.name


def _targets(module: str, name: str | None) -> set[str]:
    """Our modules an import statement loads: the module, or the submodule it names."""
    if name is not None and f"{module}.{name}" in MODULES:
        return {f"{module}.{name}"}
    return {module} if module in MODULES else set()


GRAPH = {m: set().union(*(_targets(mod, name) for mod, name in _imports(p))) - {m} for m, p in MODULES.items()}


def _cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in GRAPH[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(GRAPH):
        if v not in index:
            visit(v)
    return found


def test_the_architecture_check_sees_the_whole_codebase() -> None:
    assert len(MODULES) > 80
    assert "tracking_service.usecases.answers" in GRAPH["tracking_service.api.routes_answers"]


def test_there_is_no_import_cycle() -> None:
    assert _cycles() == []


@pytest.mark.parametrize(
    ("layer", "may_not_import"),
    [
        ("schemas", ("carriers", "tracking_service")),
        ("carriers", ("tracking_service",)),
        ("tracking_service.usecases", ("tracking_service.api", "tracking_service.console")),
        ("tracking_service.console", ("tracking_service.api",)),
        ("tracking_service.db", ("tracking_service.api", "tracking_service.console", "tracking_service.usecases")),
    ],
)
def test_dependencies_point_one_way(layer: str, may_not_import: tuple[str, ...]) -> None:
    wrong = sorted(
        f"{m} → {d}"
        for m, deps in GRAPH.items()
        if m == layer or m.startswith(layer + ".")
        for d in deps
        if any(d == f or d.startswith(f + ".") for f in may_not_import)
    )
    assert wrong == []


def test_no_module_imports_another_modules_private_name() -> None:
    wrong = sorted(
        f"{m} imports {mod}.{name}"
        for m, path in MODULES.items()
        for mod, name in _imports(path)
        if name and name.startswith("_") and not name.startswith("__") and mod in MODULES
    )
    assert wrong == []


VOCABULARIES = {
    "terminal statuses": {"delivered", "returned", "expired"},
    "incident kinds": {"delayed", "stalled", "lost", "damaged", "customs_hold", "delivery_disputed"},
    "intents": {"where_is_my_parcel", "when_will_it_arrive", "change_address", "return_status"},
    "locales": {"zh-Hans", "zh-Hant", "en"},
    "quiet hours": {"22:00", "08:00"},
}


def _word_groups(path: Path) -> Iterator[set[str]]:
    """The string words written together in one place: a tuple/set/list literal, a regex alternation, an
    SQL ``IN ('a', 'b')`` list, or the arguments of one call. (A dict keyed by a vocabulary, such as a
    translation table, is a use of it, not a restatement.)"""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Tuple | ast.Set | ast.List):
            yield {e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)}
        elif isinstance(node, ast.Call):
            yield {a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)}
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield set(node.value.replace("(", "|").replace(")", "|").replace("^", "|").replace("$", "|").split("|"))
            yield {w.strip("' ,") for w in node.value.split("'") if w.strip("' ,")}


def test_the_vocabularies_are_written_once_in_schemas() -> None:
    wrong = sorted(
        f"{m} restates the {name}"
        for m, path in MODULES.items()
        if not m.startswith("schemas")
        for group in _word_groups(path)
        for name, words in VOCABULARIES.items()
        if words <= group
    )
    assert wrong == []
