"""Assumption chains: what each step of a pathway takes for granted, and what rests on an assumption.

Walking a path left to right, each element rests on the assumptions whose words speak about it
(ep:AssumptionAttachment, projected as ep:underpinnedBy: stated, similar, curated, or its whole stage as
a marked fallback), on the foundations written under its stage (ep:hasFoundation), and is backed by
the case studies that illustrate it (with their figures, e.g. £2.43 per £1 behind "Income is retained
and recycled in the local economy"). Read the other way, an assumption underpins elements, and everything
downstream of them depends on it: ``rests_on`` lists those elements, example paths through them, and — the point for a
researcher — which outcomes and impacts would lose every path from a condition or input if the
assumption failed and its elements fell away.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx
from rdflib import Graph

from graph.analysis.cases import cases_for_element
from graph.analysis.paths import END_TYPES, ROOT_TYPES, Path, Pathfinder
from graph.caselinks import CaseLink
from graph.ns import EP, ID, local_name
from graph.records import LinkRecord
from graph.store import KnowledgeGraph

BASIS_WORDS = {  # how an assumption is attached to an element, as a reader sees it
    "stated": "named in its words",
    "similar": "matched by meaning",
    "curated": "added by a curator",
    "stage": "attached to its whole stage: no element named or matched",
}


def attached_how(a: dict) -> str:
    """One line on why an assumption sits under an element: its basis in words, then the reason."""
    basis, reason = a.get("basis", ""), a.get("reason", "")
    if basis == "stage" or not basis:
        return BASIS_WORDS.get(basis, "")
    return f"{BASIS_WORDS.get(basis, basis)}: {reason}" if reason else BASIS_WORDS.get(basis, basis)


def with_article(word: str) -> str:
    """'an inferred', 'a textual': the indefinite article a word takes (by its first letter's sound)."""
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


def node_json(kg: KnowledgeGraph, nid: str) -> dict:
    n = kg.nodes[nid]
    return {"id": n.id, "type": n.type, "label": n.label, "text": n.text, "stage": n.stage, "order": n.order,
            "horizon": n.horizon, "scope": n.scope, "kind": n.kind, "figure": n.figure}


@dataclass
class Step:
    element: dict
    link_in: LinkRecord | None
    assumptions: list[dict]
    foundations: list[dict]
    cases: list[CaseLink]
    same_stage_as_previous: bool = False  # then its foundations (written per stage) are the previous step's
    stated_by: list[dict] = field(default_factory=list)  # assumptions whose own sentence states link_in

    def to_json(self) -> dict:
        return {"element": self.element, "link_in": self.link_in.to_json() if self.link_in else None,
                "assumptions": self.assumptions, "foundations": self.foundations,
                "cases": [c.to_json() for c in self.cases],
                "same_stage_as_previous": self.same_stage_as_previous,
                "stated_by": self.stated_by}


@dataclass
class Chain:
    path: Path | None
    steps: list[Step]

    def to_json(self) -> dict:
        return {"path": self.path.to_json() if self.path else None,
                "steps": [s.to_json() for s in self.steps]}


@dataclass
class RestsOn:
    """What depends on an assumption (or foundation)."""

    node: dict
    elements: list[dict]  # the elements it directly underpins, each with the basis and reason of its attachment
    downstream: list[dict]  # everything those elements lead to
    breaks: list[dict]  # outcomes/impacts left with no path from a condition or input without them
    paths: list[Path]  # example condition/input → … → impact paths through the elements
    links: list[LinkRecord]  # causal links whose evidence is this assumption's own sentence

    def to_json(self) -> dict:
        return {"node": self.node, "elements": self.elements, "downstream": self.downstream,
                "breaks": self.breaks, "paths": [p.to_json() for p in self.paths],
                "links": [link.to_json() for link in self.links]}


def _objects(g: Graph, kg: KnowledgeGraph, nid: str, pred) -> list[dict]:
    ids = sorted(local_name(o) for o in g.objects(ID[nid], pred))
    return [node_json(kg, i) for i in ids if i in kg.nodes]


def attachment_of(kg: KnowledgeGraph) -> dict[tuple[str, str], LinkRecord]:
    """(assumption, element) → its ep:AssumptionAttachment record (basis, reason, matched words)."""
    return {(x.source, x.target): x for x in kg.attachments}


def why_attached(kg: KnowledgeGraph, assumption: str, element: str,
                 index: dict[tuple[str, str], LinkRecord] | None = None) -> dict:
    """The basis and reason of one attachment; a bare ep:underpinnedBy (a hand-written graph) has neither."""
    x = (index if index is not None else attachment_of(kg)).get((assumption, element))
    return {"basis": x.basis, "reason": x.reason, "matched": x.evidence} if x else {"basis": "", "reason": "",
                                                                                     "matched": ""}


def _assumptions(g: Graph, kg: KnowledgeGraph, nid: str, index: dict) -> list[dict]:
    """An element's own assumptions, each with why it is attached, stated/similar/curated before the fallback."""
    rows = [{**a, **why_attached(kg, a["id"], nid, index)} for a in _objects(g, kg, nid, EP.underpinnedBy)]
    return sorted(rows, key=lambda a: (a["basis"] == "stage", a["order"], a["id"]))


def states(assumption_text: str, basis: str, evidence: str) -> bool:
    """Whether a causal link is stated *as* this assumption: its textual evidence is the assumption's own sentence."""
    ev = " ".join(evidence.split())
    return basis == "textual" and bool(ev) and ev in " ".join(assumption_text.split())


def _stated_by(kg: KnowledgeGraph, link: LinkRecord | None) -> list[dict]:
    if link is None:
        return []
    return [node_json(kg, a.id) for a in kg.of_type("Assumption", "Foundation")
            if states(a.text, link.basis, link.evidence)]


def chain_for_path(g: Graph, kg: KnowledgeGraph, path: Path) -> Chain:
    steps = []
    prev_stage = None
    index = attachment_of(kg)
    for i, nid in enumerate(path.nodes):
        link_in = path.links[i - 1] if i else None
        stage = kg.nodes[nid].stage
        steps.append(Step(node_json(kg, nid), link_in, _assumptions(g, kg, nid, index),
                          _objects(g, kg, nid, EP.hasFoundation), cases_for_element(g, kg, nid),
                          stage == prev_stage, _stated_by(kg, link_in)))
        prev_stage = stage
    return Chain(path, steps)


def chain_for_element(g: Graph, kg: KnowledgeGraph, element_id: str) -> Chain:
    """One step: the element's own assumptions, foundations and supporting cases."""
    return Chain(None, [Step(node_json(kg, element_id), None, _assumptions(g, kg, element_id, attachment_of(kg)),
                             _objects(g, kg, element_id, EP.hasFoundation),
                             cases_for_element(g, kg, element_id))])


def rests_on(g: Graph, kg: KnowledgeGraph, finder: Pathfinder, node_id: str, max_paths: int = 5) -> RestsOn:
    """The elements an assumption/foundation underpins, what follows, and what breaks without them."""
    n = kg.nodes[node_id]
    pred = EP.hasFoundation if n.type == "Foundation" else EP.underpinnedBy
    elements = sorted({local_name(s) for s in g.subjects(pred, ID[node_id])} & set(finder.g.nodes),
                      key=lambda x: (kg.nodes[x].order, x))
    G = finder.g
    downstream = set()
    for e in elements:
        downstream |= nx.descendants(G, e)
    downstream -= set(elements)
    roots = {x for x, d in G.nodes(data=True) if d["type"] in ROOT_TYPES}
    ends = [x for x, d in G.nodes(data=True) if d["type"] in ("Outcome",) + END_TYPES]
    before = _reachable_from(G, roots)
    after = _reachable_from(G.subgraph(set(G.nodes) - set(elements)), roots - set(elements))
    breaks = [x for x in ends if x in before and (x not in after or x in elements)]
    paths: list[Path] = []
    for e in elements:
        paths.extend(finder.through(e, k=2))
    paths = sorted({tuple(p.nodes): p for p in paths}.values(), key=lambda p: p.cost)[:max_paths]
    links = [finder.link(a, b) for a, b, d in G.edges(data=True)
             if states(n.text, d.get("basis", ""), d.get("evidence", ""))]
    order = lambda x: (kg.nodes[x].order, x)  # noqa: E731
    index = attachment_of(kg)
    return RestsOn(node_json(kg, node_id), [{**node_json(kg, e), **why_attached(kg, node_id, e, index)}
                                            for e in elements],
                   [node_json(kg, x) for x in sorted(downstream, key=order)],
                   [node_json(kg, x) for x in sorted(breaks, key=order)], paths, links)


def _reachable_from(G: nx.DiGraph, roots: set[str]) -> set[str]:
    seen = set(roots)
    for r in roots:
        if r in G:
            seen |= nx.descendants(G, r)
    return seen
