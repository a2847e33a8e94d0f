"""The explorable picture's logic: filters, Kumu-style focus and the cytoscape elements, on a small graph
whose answers are worked out by hand, and on the real build."""

from __future__ import annotations

import re

import networkx as nx
import pytest

from graph.analysis import explore
from graph.analysis.pathways import Pathways
from graph.evidence import STRONG


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


def test_filters_by_evidence_level_stage_and_strength():
    g = _small()
    stated = explore.visible(g, explore.Filters(levels=("stated", "curated")))
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
    nodes = {e["data"]["id"]: e["classes"] for e in els
             if "source" not in e["data"] and e["classes"] != "column" and not e["classes"].startswith("badge")}
    assert [e["data"]["label"] for e in els if e["classes"] == "column"] == [
        "Conditions and inputs", "Processes", "Activities", "Outcomes: short term", "Impacts"]
    assert nodes == {"input/a": "input path faded", "process/b": "process path near", "activity/c": "activity focus",
                     "outcome/d": "outcome near", "impact/e": "impact faded", "process/f": "process faded"}
    edges = {e["data"]["id"]: e["classes"] for e in els if "source" in e["data"]}
    # no levels given: each arrow's level is its basis's (textual → stated)
    assert edges == {"input/a->process/b": "inferred path faded", "process/b->activity/c": "inferred",
                     "activity/c->outcome/d": "stated", "outcome/d->impact/e": "inferred faded",
                     "input/a->process/f": "stated faded"}
    badges = [(e["data"]["id"], e["data"]["label"], e["classes"]) for e in els if e["classes"].startswith("badge")]
    assert badges == [("badge:input/a->process/b", "inferred", "badge inferred faded")]
    assert next(e for e in els if e["data"]["id"] == "process/b->activity/c")["data"]["reason"] == "why"
    assert [e["data"]["id"] for e in els if e.get("selected")] == ["activity/c"]
    for e in els:
        if "position" in e and e["classes"] != "column" and not e["classes"].startswith("badge"):
            n = lay.nodes[e["data"]["id"]]
            assert e["position"] == {"x": round(n.cx, 1), "y": round(n.cy, 1)}


# Evidence levels for _small() as Pathways.evidence would give them: process/b → activity/c is inferred by
# its basis but a case study illustrates both ends, so it is "shown".
LEVELS = {("input/a", "process/b"): "inferred", ("process/b", "activity/c"): "shown",
          ("activity/c", "outcome/d"): "stated", ("outcome/d", "impact/e"): "inferred",
          ("input/a", "process/f"): "stated"}


def test_strong_only_keeps_the_arrows_stated_or_shown_and_every_element():
    g = explore.visible(_small(), explore.Filters(strong_only=True), LEVELS)
    assert sorted(g.edges(data="level")) == [("activity/c", "outcome/d", "stated"), ("input/a", "process/f", "stated"),
                                             ("process/b", "activity/c", "shown")]
    assert g.number_of_nodes() == 6
    only_shown = explore.visible(_small(), explore.Filters(levels=("shown", "inferred")), LEVELS)
    assert sorted(only_shown.edges()) == [("input/a", "process/b"), ("outcome/d", "impact/e"),
                                          ("process/b", "activity/c")]


def test_every_arrow_is_styled_by_its_level_and_the_path_names_its_levels():
    path = [("input/a", "process/b"), ("process/b", "activity/c"), ("activity/c", "outcome/d")]
    els, lay = explore.elements(explore.visible(_small(), explore.Filters(), LEVELS), highlight_links=path)
    edges = {e["data"]["id"]: (e["data"]["level"], e["classes"]) for e in els if "source" in e["data"]}
    assert edges == {"input/a->process/b": ("inferred", "inferred path"),
                     "process/b->activity/c": ("shown", "shown path"),
                     "activity/c->outcome/d": ("stated", "stated path"),
                     "outcome/d->impact/e": ("inferred", "inferred"), "input/a->process/f": ("stated", "stated")}
    badges = [(e["data"]["id"], e["data"]["label"], e["classes"], e["selectable"]) for e in els
              if e["classes"].startswith("badge")]
    assert badges == [("badge:input/a->process/b", "inferred", "badge inferred", False),
                      ("badge:process/b->activity/c", "shown", "badge shown", False),
                      ("badge:activity/c->outcome/d", "stated", "badge stated", False)]
    for e in els:  # a badge sits between its arrow's two boxes, over neither
        if e["classes"].startswith("badge"):
            a, b = (lay.nodes[n] for n in e["data"]["id"].removeprefix("badge:").split("->"))
            x, y = e["position"]["x"], e["position"]["y"]
            assert min(a.cx, b.cx) <= x <= max(a.cx, b.cx)
            for n in (a, b):
                assert not (n.x < x < n.x + n.w and n.y < y < n.y + n.h)
    style = {s["selector"]: s["style"] for s in explore.stylesheet()}
    drawn = {lv: (style[f"edge.{lv}"]["line-color"], style[f"edge.{lv}"]["line-style"],
                  style[f"edge.{lv}"].get("line-dash-pattern")) for lv in ("stated", "shown", "curated", "inferred")}
    assert drawn == {
        "stated": ("#1f6f3f", "solid", None), "shown": ("#1565c0", "dashed", [14.0, 5.0, 3.0, 5.0]),
        "curated": ("#7a3db8", "dashed", [3.0, 4.0]), "inferred": ("#8a8a8a", "dashed", [9.0, 6.0])}
    selectors = [s["selector"] for s in explore.stylesheet()]
    assert max(selectors.index(f"edge.{lv}") for lv in LEVELS.values()) < selectors.index("edge.path")
    assert "line-color" not in style["edge.path"]  # the path keeps its arrows' level colours, over a halo
    assert re.findall(r'data-level="(\w+)"', explore.legend_html(False, STRONG)) == ["stated", "shown"]
    legend = explore.legend_html()
    assert re.findall(r'data-level="(\w+)"', legend) == ["stated", "shown", "curated", "inferred", "path"]
    assert [w for w in ("stated in a document", "shown by a case study", "curated: added by a curator",
                        "inferred by similarity", "the chosen path") if w in legend] == [
        "stated in a document", "shown by a case study", "curated: added by a curator", "inferred by similarity",
        "the chosen path"]


@pytest.fixture(scope="module")
def pwm(build_dir) -> Pathways:
    return Pathways.load(build_dir)


def test_hiding_inferred_links_leaves_what_the_documents_and_curators_state(pwm):
    g = explore.visible(pwm.finder.g, explore.Filters(levels=("stated", "curated")))  # levels from the basis
    bases = {d["basis"] for _, _, d in pwm.finder.g.edges(data=True)}
    assert "inferred" in bases
    assert {d["basis"] for _, _, d in g.edges(data=True)} <= {"textual", "curated"}
    assert g.number_of_edges() == sum(d["basis"] != "inferred" for _, _, d in pwm.finder.g.edges(data=True))
    assert g.number_of_nodes() == len(pwm.kg.of_type(*explore.ELEMENT_TYPES))
