"""Case studies ↔ model elements: what a case illustrates, and which cases back an element.

Reads the reified ep:CaseLink nodes (basis explicit | semantic, with the evidence sentence) and also
plain ``ep:illustrates`` triples made by ingest itself (case → listed characteristic), which carry
basis "extracted" and the case's own text as evidence.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from rdflib import Graph

from graph.store import KnowledgeGraph


@dataclass
class CaseLink:
    case: str
    element: str
    basis: str  # explicit | semantic | extracted
    weight: float
    evidence: str
    evidence_source: str = ""
    evidence_quote: str = ""
    figures: list[dict] = field(default_factory=list)  # the case's ep:hasEvidence (e.g. £2.43 per £1)

    def to_json(self) -> dict:
        return asdict(self)


def _figures(kg: KnowledgeGraph, case_id: str) -> list[dict]:
    out = []
    for ev in kg.edges("hasEvidence").get(case_id, []):
        n = kg.nodes.get(ev)
        if n is not None:
            out.append({"id": n.id, "figure": n.figure, "label": n.label, "text": n.text})
    return out


def all_case_links(g: Graph, kg: KnowledgeGraph) -> list[CaseLink]:
    out: dict[tuple[str, str], CaseLink] = {}
    for cl in kg.case_links:
        out[(cl.source, cl.target)] = CaseLink(cl.source, cl.target, cl.basis, cl.weight or 0.0, cl.evidence,
                                               cl.evidence_source, cl.evidence_quote)
    illustrates = kg.edges("illustrates")
    for case in kg.of_type("CaseStudy"):
        for e in illustrates.get(case.id, []):
            if (case.id, e) not in out and e in kg.nodes:
                out[(case.id, e)] = CaseLink(case.id, e, "extracted", 1.0, case.text)
    figures: dict[str, list[dict]] = {}
    for link in out.values():
        if link.case not in figures:
            figures[link.case] = _figures(kg, link.case)
        link.figures = figures[link.case]
    return sorted(out.values(), key=lambda x: (x.case, -x.weight))


def elements_for_case(g: Graph, kg: KnowledgeGraph, case_id: str) -> list[CaseLink]:
    """What a case study illustrates, strongest first (model elements and listed characteristics)."""
    return sorted((x for x in all_case_links(g, kg) if x.case == case_id), key=lambda x: -x.weight)


def cases_for_element(g: Graph, kg: KnowledgeGraph, element_id: str) -> list[CaseLink]:
    """The case studies that illustrate an element, strongest first, each with its figures."""
    return sorted((x for x in all_case_links(g, kg) if x.element == element_id), key=lambda x: -x.weight)
