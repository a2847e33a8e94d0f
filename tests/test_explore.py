"""The explorable picture's logic: filters, Kumu-style focus and the cytoscape elements, on a small graph
whose answers are worked out by hand, and on the real build."""

from __future__ import annotations

import networkx as nx
import pytest

from graph.analysis import explore
from graph.analysis.pathways import Pathways


def _small() -> nx.DiGraph:
    """input/a → process/b → activity/c → outcome/d (short) → impact/e; input/a → process/f (textual)."""
    g = nx.DiGraph()
    for nid, typ, order in [("input/a", "Input", 2.0), ("process/b", "Process", 3.0), ("activity/c", "Activity", 4.0),
                            ("outcome/d", "Outcome", 5.1), ("impact/e", "Impact", 6.1), ("process/f", "Process", 3.0)]:
        g.add_node(nid, type=typ, label=nid.split("/")[1].upper(), order=order)
    for a, b, basis, w in [("input/a", "process/b", "inferred", 0.4), ("process/b", "activity/c", "inferred", 0.6),
                           ("activity/c", "outcome/d", "textual", 0.9), ("outcome/d", "impact/e", "inferred", 0.3),
                           ("input/a", "process/f", "textual", 0.8)]:
        g.add_edge(a, b, basis=basis, weight=w)
    return g


def test_focus_reaches_one_or_two_steps_either_way():
    g = _small()
    assert explore.focus(g, "process/b", 1) == {"input/a", "process/b", "activity/c"}
    assert explore.focus(g, "process/b", 2) == {"input/a", "process/b", "activity/c", "outcome/d", "process/f"}
    assert explore.focus(g, "nowhere", 2) == set()


def test_filters_by_basis_stage_and_strength():
    g = _small()
    stated = explore.visible(g, explore.Filters(bases=("textual", "curated")))
    assert sorted(stated.edges()) == [("activity/c", "outcome/d"), ("input/a", "process/f")]
    assert stated.number_of_nodes() == 6  # elements stay, so the columns do not jump
    strong = explore.visible(g, explore.Filters(min_strength=0.5))
    assert sorted(strong.edges()) == [("activity/c", "outcome/d"), ("input/a", "process/f"),
                                      ("process/b", "activity/c")]
    keep = tuple(s for s in explore.STAGE_GROUPS if s != "Processes")
    no_processes = explore.visible(g, explore.Filters(stages=keep))
    assert sorted(no_processes.nodes()) == ["activity/c", "impact/e", "input/a", "outcome/d"]
    assert sorted(no_processes.edges()) == [("activity/c", "outcome/d"), ("outcome/d", "impact/e")]


def test_elements_fade_all_but_the_focus_and_its_neighbours():
    els, lay = explore.elements(_small(), focused="activity/c", depth=1, highlight=["input/a", "process/b"],
                                highlight_links=[("input/a", "process/b")],
                                reasons={("process/b", "activity/c"): "why"})
    nodes = {e["data"]["id"]: e["classes"] for e in els if "source" not in e["data"] and e["classes"] != "column"}
    assert [e["data"]["label"] for e in els if e["classes"] == "column"] == [
        "Conditions and inputs", "Processes", "Activities", "Outcomes: short term", "Impacts"]
    assert nodes == {"input/a": "input path faded", "process/b": "process path near", "activity/c": "activity focus",
                     "outcome/d": "outcome near", "impact/e": "impact faded", "process/f": "process faded"}
    edges = {e["data"]["id"]: e["classes"] for e in els if "source" in e["data"]}
    assert edges == {"input/a->process/b": "inferred path faded", "process/b->activity/c": "inferred",
                     "activity/c->outcome/d": "textual", "outcome/d->impact/e": "inferred faded",
                     "input/a->process/f": "textual faded"}
    assert next(e for e in els if e["data"]["id"] == "process/b->activity/c")["data"]["reason"] == "why"
    assert [e["data"]["id"] for e in els if e.get("selected")] == ["activity/c"]
    for e in els:
        if "position" in e and e["classes"] != "column":
            n = lay.nodes[e["data"]["id"]]
            assert e["position"] == {"x": round(n.cx, 1), "y": round(n.cy, 1)}


@pytest.fixture(scope="module")
def pwm(build_dir) -> Pathways:
    return Pathways.load(build_dir)


def test_hiding_inferred_links_leaves_what_the_documents_and_curators_state(pwm):
    g = explore.visible(pwm.finder.g, explore.Filters(bases=("textual", "curated")))
    bases = {d["basis"] for _, _, d in pwm.finder.g.edges(data=True)}
    assert "inferred" in bases
    assert {d["basis"] for _, _, d in g.edges(data=True)} <= {"textual", "curated"}
    assert g.number_of_edges() == sum(d["basis"] != "inferred" for _, _, d in pwm.finder.g.edges(data=True))
    assert g.number_of_nodes() == len(pwm.kg.of_type(*explore.ELEMENT_TYPES))
