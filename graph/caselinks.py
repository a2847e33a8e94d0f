"""Case studies ↔ model elements as records: every case link, reified or a plain ``ep:illustrates``.

Core, so every layer reads case links one way: the evidence rule (``graph.evidence``) asks which cases
illustrate both ends of an arrow, the analysis layer (``graph.analysis.cases``) builds case pages on them.
Reads the reified ep:CaseLink nodes (basis explicit | semantic | evidence, with the evidence sentences and
the reason in plain words) and also plain ``ep:illustrates`` triples made by ingest itself (case → listed
characteristic), which carry basis "extracted" and the case's own text as evidence.
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
    reason: str = ""  # why the link was made, in plain words

    def to_json(self) -> dict:
        return asdict(self)


def case_figures(kg: KnowledgeGraph, case_id: str) -> list[dict]:
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
                                               cl.evidence_source, cl.evidence_quote, reason=cl.reason)
    illustrates = kg.edges("illustrates")
    for case in kg.of_type("CaseStudy"):
        for e in illustrates.get(case.id, []):
            if (case.id, e) not in out and e in kg.nodes:
                out[(case.id, e)] = CaseLink(case.id, e, "extracted", 1.0, case.text,
                                             reason="the case is the worked example of this list item")
    figures: dict[str, list[dict]] = {}
    for link in out.values():
        if link.case not in figures:
            figures[link.case] = case_figures(kg, link.case)
        link.figures = figures[link.case]
    return sorted(out.values(), key=lambda x: (x.case, -x.weight))
