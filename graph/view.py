"""The one networkx view of the RDF graph: every path, chain and export reads this, nothing else.

RDF stays the source of truth; this view is a derived, read-only index for graph algorithms. Keeping a
single builder means the app, the CLI, the exports and the tests can never disagree about which
arrows exist or what they weigh.
"""

from __future__ import annotations

import networkx as nx
from rdflib import Graph
from rdflib.namespace import RDF, SKOS

from graph.ns import ELEMENT_CLASSES, EP, ID, NODE_CLASSES, local_name
from graph.records import LinkRecord
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
    stages = {local_name(st): st for st in g.subjects(RDF.type, EP.Stage)}
    for link in kg.links:
        for s in (link.source, link.target):
            if s not in v:
                _stage_node(v, g, stages.get(s, ID[s]))
        v.add_edge(link.source, link.target, kind=CAUSAL, **link_attrs(link))
    if relations:
        _add_relations(v, g, kg)
    return v


def _stage_node(v: nx.DiGraph, g: Graph, u) -> None:
    from graph.ns import ontology

    onto = ontology()
    label = g.value(u, SKOS.prefLabel) or onto.value(u, SKOS.prefLabel) or local_name(u)
    order = g.value(u, EP.order) or onto.value(u, EP.order)
    v.add_node(local_name(u), type="Stage", label=str(label), text="",
               stage=local_name(u).removeprefix("stage-"),
               order=float(order) if order is not None else -1.0, horizon="", scope="")


def link_attrs(link: LinkRecord) -> dict:
    return {
        "basis": link.basis,
        "weight": link.weight if link.weight is not None else 0.0,
        "evidence": link.evidence,
        "link": link.id,
        "evidence_source": link.evidence_source,
        "evidence_quote": link.evidence_quote,
        "reason": link.reason,
        "author": link.author,
        "model": link.model,
        "rationale": link.rationale,
    }


def _add_relations(v: nx.DiGraph, g: Graph, kg: KnowledgeGraph) -> None:
    case_links = {(cl.source, cl.target): link_attrs(cl) for cl in kg.case_links}
    pairs: dict[tuple[str, str], set[str]] = {}
    for s, p, o in g:
        if not str(p).startswith(str(EP)) or p in (EP.leadsTo, EP.hasSource, EP.partOf, EP.stage):
            continue
        a, b = local_name(s), local_name(o)
        if a not in v or b not in v or v.nodes[a]["type"] not in NODE_CLASSES or v.has_edge(a, b):
            continue
        pairs.setdefault((a, b), set()).add(str(p).split("#")[-1])
    for (a, b), kinds in pairs.items():  # several relations on one pair: the edge names them all, in order
        kind = min(kinds)
        attrs = case_links.get((a, b), {}) if kind == "illustrates" else {}
        v.add_edge(a, b, kind=kind, kinds=" ".join(sorted(kinds)), **attrs)


def causal_subgraph(v: nx.DiGraph) -> nx.DiGraph:
    """The model elements (with their attributes) and only the causal arrows between them."""
    out = nx.DiGraph()
    out.add_nodes_from((n, d) for n, d in v.nodes(data=True) if d.get("type") in ELEMENT_CLASSES)
    out.add_edges_from((a, b, d) for a, b, d in v.edges(data=True)
                       if d.get("kind") == CAUSAL and a in out and b in out)
    return out
