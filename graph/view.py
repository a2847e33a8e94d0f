"""The one networkx view of the RDF graph: every path, chain and export reads this, nothing else.

RDF stays the source of truth; this view is a derived, read-only index for graph algorithms. Keeping a
single builder means the app, the CLI, the exports and the tests can never disagree about which
arrows exist or what they weigh.
"""

from __future__ import annotations

import networkx as nx
from rdflib import Graph
from rdflib.namespace import PROV, RDF, RDFS, SKOS

from graph.ns import ELEMENT_CLASSES, EP, NODE_CLASSES, OA, local_name
from graph.store import KnowledgeGraph

CAUSAL = "leadsTo"


def to_networkx(g: Graph, relations: bool = False, kg: KnowledgeGraph | None = None) -> nx.DiGraph:
    """Nodes (id → type, label, text, stage, order, horizon, scope) and ep:CausalLink edges.

    Edge attributes: kind="leadsTo", basis, weight (float), evidence, link (the CausalLink id),
    evidence_source (span id or ""), evidence_quote, reason, author, model. Stage-level links join
    the ep:Stage nodes (type "Stage"), never elements, so element paths do not pass through them.
    With ``relations=True`` the other node-to-node relations (illustrates, underpinnedBy,
    hasFoundation, hasEvidence, involves, …) are added as edges with ``kind`` = the relation name and,
    for case links, their basis, weight and evidence; a causal arrow is never overwritten by them.
    """
    kg = kg or KnowledgeGraph(g)
    v = nx.DiGraph()
    for n in kg.nodes.values():
        v.add_node(n.id, type=n.type, label=n.label, text=n.text, stage=n.stage, order=n.order,
                   horizon=n.horizon, scope=n.scope)
    for st in g.subjects(RDF.type, EP.Stage):
        _stage_node(v, g, st)
    for link in g.subjects(RDF.type, EP.CausalLink):
        a, b = g.value(link, EP.linkFrom), g.value(link, EP.linkTo)
        if a is None or b is None:
            continue
        sa, sb = local_name(a), local_name(b)
        for s, u in ((sa, a), (sb, b)):
            if s not in v:
                _stage_node(v, g, u)
        v.add_edge(sa, sb, kind=CAUSAL, **_link_attrs(g, link))
    if relations:
        _add_relations(v, g)
    return v


def _stage_node(v: nx.DiGraph, g: Graph, u) -> None:
    from graph.ns import ontology

    onto = ontology()
    label = g.value(u, SKOS.prefLabel) or onto.value(u, SKOS.prefLabel) or local_name(u)
    order = g.value(u, EP.order) or onto.value(u, EP.order)
    v.add_node(local_name(u), type="Stage", label=str(label), text="",
               stage=local_name(u).removeprefix("stage-"),
               order=float(order) if order is not None else -1.0, horizon="", scope="")


def _link_attrs(g: Graph, link) -> dict:
    span = g.value(link, EP.evidenceSource)
    quote = ""
    if span is not None:
        for sel in g.objects(span, OA.hasSelector):
            if g.value(sel, OA.exact) is not None:
                quote = str(g.value(sel, OA.exact))
    agent = g.value(link, PROV.wasAttributedTo)
    return {
        "basis": str(g.value(link, EP.basis) or ""),
        "weight": float(g.value(link, EP.weight) or 0.0),
        "evidence": str(g.value(link, EP.evidence) or ""),
        "link": local_name(link),
        "evidence_source": local_name(span) if span is not None else "",
        "evidence_quote": quote,
        "reason": str(g.value(link, EP.reason) or ""),
        "author": str(g.value(agent, RDFS.label) or "") if agent is not None else "",
        "model": str(g.value(link, EP.model) or ""),
    }


def _add_relations(v: nx.DiGraph, g: Graph) -> None:
    case_links = {}
    for cl in g.subjects(RDF.type, EP.CaseLink):
        c, e = g.value(cl, EP.case), g.value(cl, EP.element)
        if c is not None and e is not None:
            case_links[(local_name(c), local_name(e))] = _link_attrs(g, cl)
    for s, p, o in g:
        if not str(p).startswith(str(EP)) or p in (EP.leadsTo, EP.hasSource, EP.partOf, EP.stage):
            continue
        a, b = local_name(s), local_name(o)
        if a not in v or b not in v or v.nodes[a]["type"] not in NODE_CLASSES or v.has_edge(a, b):
            continue
        attrs = case_links.get((a, b), {}) if p == EP.illustrates else {}
        v.add_edge(a, b, kind=str(p).split("#")[-1], **attrs)


def causal_subgraph(v: nx.DiGraph) -> nx.DiGraph:
    """The model elements (with their attributes) and only the causal arrows between them."""
    out = nx.DiGraph()
    out.add_nodes_from((n, d) for n, d in v.nodes(data=True) if d.get("type") in ELEMENT_CLASSES)
    out.add_edges_from((a, b, d) for a, b, d in v.edges(data=True)
                       if d.get("kind") == CAUSAL and a in out and b in out)
    return out
