"""Case studies ↔ model elements as records: every case link, reified or a plain ``ep:illustrates``.

Core, so every layer reads case links one way: the evidence rule (``graph.evidence``) asks which cases
illustrate both ends of an arrow, the analysis layer (``graph.analysis.cases``) builds case pages on them.
Reads the reified ep:CaseLink nodes (basis explicit | semantic | evidence, with the evidence sentences and
the reason in plain words, or curated: added in ``corpus/links.yaml`` with the curator's reason and name) and
also plain ``ep:illustrates`` triples made by ingest itself (case → listed characteristic), which carry basis
"extracted" and the case's own text as evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Graph

from graph.ns import EP
from graph.records import LinkRecord
from graph.store import KnowledgeGraph

BASIS_WORDS = {  # how a case link was made, in the words the answer card uses for the same bases
    "explicit": "named in the case",
    "semantic": "similar in meaning",
    "evidence": "by its figures",
    "curated": "curated",
    "extracted": "the case is the worked example",
}


@dataclass
class CaseLink:
    """A case link as the case pages and the evidence rule read it: the graph's ``LinkRecord`` (source = the
    case, target = the element) and, beside it, the case's figures (its ep:hasEvidence). The figures belong to
    the case, not to the link, so they sit next to the record instead of in it; the link's data is the record's."""

    link: LinkRecord
    figures: list[dict] = field(default_factory=list)  # the case's ep:hasEvidence (e.g. £2.43 per £1)

    case = property(lambda self: self.link.source, doc="the case study's id")
    element = property(lambda self: self.link.target, doc="the element it illustrates")
    basis = property(lambda self: self.link.basis, doc="explicit | semantic | evidence | curated | extracted")
    weight = property(lambda self: self.link.weight or 0.0)
    evidence = property(lambda self: self.link.evidence)
    evidence_source = property(lambda self: self.link.evidence_source)
    evidence_quote = property(lambda self: self.link.evidence_quote)
    reason = property(lambda self: self.link.reason, doc="how the link was made, with its numbers")
    rationale = property(lambda self: self.link.rationale or self.link.reason,
                         doc="why the link was made, in one line of plain words")

    @property
    def basis_words(self) -> str:
        """The basis as a reader says it ('similar in meaning', not 'semantic'): pages show this, never the code."""
        return BASIS_WORDS.get(self.basis, self.basis)

    def to_json(self) -> dict:
        return {"case": self.case, "element": self.element, "basis": self.basis, "weight": self.weight,
                "evidence": self.evidence, "evidence_source": self.evidence_source,
                "evidence_quote": self.evidence_quote, "figures": self.figures, "reason": self.reason,
                "rationale": self.rationale}


def case_figures(kg: KnowledgeGraph, case_id: str) -> list[dict]:
    """The case's evidence figures, each with its kind, the outcome or impact it is evidence for and why."""
    out = []
    supports = kg.edges("evidenceFor")
    for ev in kg.edges("hasEvidence").get(case_id, []):
        n = kg.nodes.get(ev)
        if n is not None:
            el = next((kg.nodes[e] for e in supports.get(ev, []) if e in kg.nodes), None)
            why = kg.g.value(kg.uri(ev), EP.rationale) if el is not None else None
            out.append({"id": n.id, "figure": n.figure, "label": n.label, "text": n.text, "kind": n.kind,
                        "evidence_for": el.id if el else "", "evidence_for_label": el.label if el else "",
                        "why": str(why) if why is not None else ""})
    return out


def all_case_links(g: Graph, kg: KnowledgeGraph) -> list[CaseLink]:
    out: dict[tuple[str, str], CaseLink] = {}
    for cl in kg.case_links:
        out[(cl.source, cl.target)] = CaseLink(cl)
    illustrates = kg.edges("illustrates")
    for case in kg.of_type("CaseStudy"):
        for e in illustrates.get(case.id, []):
            if (case.id, e) not in out and e in kg.nodes:
                out[(case.id, e)] = CaseLink(LinkRecord("", case.id, e, "extracted", 1.0, case.text,
                                                        reason="the case is the worked example of this list item"))
    figures: dict[str, list[dict]] = {}
    for link in out.values():
        if link.case not in figures:
            figures[link.case] = case_figures(kg, link.case)
        link.figures = figures[link.case]
    return sorted(out.values(), key=lambda x: (x.case, -x.weight))
