"""The import graph obeys the layering in docs/architecture.md, has no circle, and settings are declared once.

    graph core  <  ingest | search (never each other)  <  graph.analysis  <  CLIs (cli/, graph's CLI), ui, app, bench

and nothing under ``graph/`` outside ``graph/analysis/`` imports ingest or search, its CLI included: what
reaches across packages (the ``ep`` script, search handed to the resolver) lives in ``cli/``.

Every import counts, those inside functions included: an import moved into a function to dodge a
circle is still a circle.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import networkx as nx
import pytest

from graph import settings

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("cli", "graph", "ingest", "search", "ui", "bench")
TOP = ("cli", "graph.cli", "graph.__main__", "ingest.__main__", "search.__main__", "search.index.__main__",
       "search.evaluate", "ui", "app", "bench")
LAYERS = {"core": 0, "ingest": 1, "search": 1, "analysis": 2, "top": 3}


def _modules() -> dict[str, Path]:
    files = [ROOT / "app.py"] + [f for p in PACKAGES for f in sorted((ROOT / p).rglob("*.py"))]
    out = {}
    for f in files:
        parts = list(f.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = f
    return out


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def layer(name: str) -> str:
    if any(_within(name, t) for t in TOP):
        return "top"
    if _within(name, "graph.analysis"):
        return "analysis"
    if _within(name, "ingest"):
        return "ingest"
    if _within(name, "search"):
        return "search"
    return "core"


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """Every project module ``path`` imports, at any depth of the file (functions included)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{a.name}" for a in node.names] + [node.module]
        else:
            continue
        for n in names:
            while n and n not in modules:
                n = n.rpartition(".")[0]
            if n and n.split(".")[0] in (*PACKAGES, "app"):
                found.add(n)
    return found


def import_graph() -> nx.DiGraph:
    modules = _modules()
    g = nx.DiGraph()
    for name, path in modules.items():
        g.add_node(name)
        for dep in _imports(path, modules):
            if dep != name and not _within(name, dep):  # a package's own __init__ is not a dependency
                g.add_edge(name, dep)
    return g


def test_no_import_runs_against_the_layering():
    bad = []
    for a, b in import_graph().edges:
        la, lb = layer(a), layer(b)
        if LAYERS[lb] > LAYERS[la] or {la, lb} == {"ingest", "search"}:
            bad.append(f"{a} ({la}) imports {b} ({lb})")
    assert bad == []


def graph_reaching_up(g: nx.DiGraph) -> list[str]:
    """Imports of ingest or search from a module under graph/ that is not under graph/analysis/."""
    return [f"{a} imports {b}" for a, b in g.edges
            if _within(a, "graph") and not _within(a, "graph.analysis") and layer(b) in ("ingest", "search")]


def test_graph_outside_analysis_never_imports_ingest_or_search():
    assert graph_reaching_up(import_graph()) == []


def test_the_graph_rule_sees_a_violation():
    """The check above can fail: the graph CLI importing search directly, as it once did through analysis, is
    caught; graph.analysis importing search is allowed by the layers."""
    g = import_graph()
    g.add_edge("graph.__main__", "search.engine")
    g.add_edge("graph.analysis.pathways", "search.engine")
    assert graph_reaching_up(g) == ["graph.__main__ imports search.engine"]


def test_no_module_imports_another_in_a_circle():
    assert sorted(sorted(c) for c in nx.simple_cycles(import_graph())) == []


def test_bench_does_not_import_the_tests():
    for path in (ROOT / "bench").rglob("*.py"):
        assert not re.search(r"^\s*(from|import) tests\b", path.read_text(encoding="utf-8"), re.M), path


def test_the_layering_test_sees_a_violation():
    """The checks above can fail: the real graph plus one upward edge is caught."""
    g = import_graph()
    g.add_edge("graph.store", "search.engine")
    assert ("graph.store", "search.engine") in g.edges
    assert LAYERS[layer("search.engine")] > LAYERS[layer("graph.store")]
    g.add_edge("search.engine", "graph.store")
    assert any("graph.store" in c for c in nx.simple_cycles(g))


def test_readme_settings_table_matches_the_declaration():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    m = re.search(r"<!-- settings -->\n(.*?)\n<!-- /settings -->", readme, re.S)
    assert m, "README.md has no settings table between <!-- settings --> markers"
    assert m.group(1).strip() == settings.readme_table()


def test_every_ep_variable_in_the_code_is_declared():
    used = set()
    for name, path in _modules().items():
        if name != "graph.settings":
            used |= set(re.findall(r"\bEP_[A-Z_]+\b", path.read_text(encoding="utf-8")))
    declared = {s.name for s in settings.SETTINGS}
    assert used - declared == set()


@pytest.mark.parametrize("name", [s.name for s in settings.SETTINGS])
def test_a_setting_is_read_when_asked_for(name, monkeypatch):
    s = next(x for x in settings.SETTINGS if x.name == name)
    monkeypatch.delenv(name, raising=False)
    assert settings.get(name) == s.kind(s.default) if s.default else settings.get(name) == ""
    value = "7" if s.kind in (int, float) else "x"
    monkeypatch.setenv(name, value)
    assert settings.get(name) == s.kind(value)


LONGEST = 80  # lines a function of the library (graph/, ingest/, search/) may take


def test_no_library_function_is_over_80_lines():
    long = []
    for pkg in ("graph", "ingest", "search"):
        for path in sorted((ROOT / pkg).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    lines = node.end_lineno - node.lineno + 1
                    if lines > LONGEST:
                        long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({lines} lines)")
    assert long == []
