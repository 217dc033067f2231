"""The import graph keeps DESIGN's layers: parsers are pure, the dashboard reads the lake only
through ``pipeline.query``, nothing below the app imports it, and no two modules import each
other (directly or round a loop), counting imports made inside functions too.

The graph is read from the source with :mod:`ast`, so a test that fails names the import to
remove; nothing is imported to build it.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import Final

import pytest

ROOT: Final = Path(__file__).resolve().parents[1]
PACKAGES: Final = ("parsers", "pipeline", "app")
# what a pure parser must not reach for (STYLE.md "Parsers are pure")
NOT_IN_PARSERS: Final = ("pipeline", "app", "pandas", "duckdb", "pyarrow", "dask")
# the app's one door into the pipeline (README "Code map")
APP_MAY_USE: Final = "pipeline.query"

Graph = Mapping[str, frozenset[str]]


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported(module: str, is_package: bool, node: ast.Import | ast.ImportFrom) -> Iterator[str]:
    """Dotted names an import statement may reach, best guess first: ``from a import b`` tries
    ``a.b`` (a submodule) before ``a``."""
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
        return
    base = node.module or ""
    if node.level:
        parts = module.split(".") if is_package else module.split(".")[:-1]
        parts = parts[: len(parts) - (node.level - 1)]
        base = ".".join([*parts, base] if base else parts)
    for alias in node.names:
        yield f"{base}.{alias.name}|{base}"


def _target(name: str, modules: Collection[str], packages: tuple[str, ...]) -> str | None:
    """The project module a name reaches, or the top-level third-party package."""
    for candidate in name.split("|"):
        if candidate in modules:
            return candidate
    top = name.split(".")[0]
    return None if top in packages or not top else top


def import_graph(root: Path, packages: tuple[str, ...] = PACKAGES) -> dict[str, frozenset[str]]:
    """module → the project modules and top-level third-party packages it imports."""
    paths = {
        module_name(path, root): path
        for package in packages
        for path in sorted((root / package).rglob("*.py"))
    }
    graph: dict[str, frozenset[str]] = {}
    for module, path in paths.items():
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import | ast.ImportFrom):
                for name in _imported(module, path.name == "__init__.py", node):
                    target = _target(name, paths, packages)
                    if target is not None:
                        targets.add(target)
        graph[module] = frozenset(targets - {module})
    return graph


def cycles(graph: Graph) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph.get(node, ()):
            if target not in graph:
                continue
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def violations(graph: Graph) -> list[str]:
    """Every import that crosses a layer the wrong way, as ``importer -> imported``."""
    bad = []
    for module, targets in sorted(graph.items()):
        top = module.split(".")[0]
        for target in sorted(targets):
            target_top = target.split(".")[0]
            if top in ("parsers", "pipeline") and target_top == "app":
                bad.append(f"{module} -> {target}: nothing below the dashboard imports it")
            if top == "parsers" and target_top in NOT_IN_PARSERS:
                bad.append(f"{module} -> {target}: parsers are pure")
            if (
                top == "app"
                and target_top == "pipeline"
                and not (target == APP_MAY_USE or target.startswith(APP_MAY_USE + "."))
            ):
                bad.append(f"{module} -> {target}: the app uses {APP_MAY_USE} only")
    return bad


@pytest.fixture(scope="module")
def graph() -> dict[str, frozenset[str]]:
    return import_graph(ROOT)


def test_the_graph_sees_the_project(graph: Graph) -> None:
    assert "pipeline.query.queries" in graph["app.data"]
    assert "duckdb" in graph["pipeline.query.db"]
    assert "parsers.registry" in graph  # a package's modules, not only its __init__


def test_no_import_cycle(graph: Graph) -> None:
    assert cycles(graph) == []


def test_layers(graph: Graph) -> None:
    assert violations(graph) == []


# the checks themselves can fail: a small tree that breaks each rule


def _tree(root: Path, files: dict[str, str]) -> dict[str, frozenset[str]]:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return import_graph(root)


def test_a_cycle_through_a_function_level_import_is_found(tmp_path: Path) -> None:
    graph = _tree(
        tmp_path,
        {
            "pipeline/__init__.py": "",
            "pipeline/ingest.py": "def run():\n    from pipeline import mail\n",
            "pipeline/mail.py": "from pipeline.ingest import run\n",
            "parsers/__init__.py": "",
            "app/__init__.py": "",
        },
    )
    assert cycles(graph) == [["pipeline.ingest", "pipeline.mail"]]


def test_a_relative_import_is_resolved(tmp_path: Path) -> None:
    graph = _tree(
        tmp_path,
        {
            "parsers/__init__.py": "",
            "parsers/received/__init__.py": "from . import parse\n",
            "parsers/received/parse.py": "from ..dialect import Dialect\n",
            "parsers/dialect.py": "",
            "pipeline/__init__.py": "",
            "app/__init__.py": "",
        },
    )
    assert graph["parsers.received"] == {"parsers.received.parse"}
    assert graph["parsers.received.parse"] == {"parsers.dialect"}


def test_each_layer_rule_is_enforced(tmp_path: Path) -> None:
    graph = _tree(
        tmp_path,
        {
            "parsers/__init__.py": "",
            "parsers/bad.py": "import pandas as pd\nfrom pipeline.query import db\n",
            "pipeline/__init__.py": "",
            "pipeline/query/__init__.py": "",
            "pipeline/query/db.py": "",
            "pipeline/lake.py": "from app import data\n",
            "app/__init__.py": "",
            "app/data.py": "from pipeline.query import db\nfrom pipeline import lake\n",
        },
    )
    assert violations(graph) == [
        "app.data -> pipeline.lake: the app uses pipeline.query only",
        "parsers.bad -> pandas: parsers are pure",
        "parsers.bad -> pipeline.query.db: parsers are pure",
        "pipeline.lake -> app.data: nothing below the dashboard imports it",
    ]
