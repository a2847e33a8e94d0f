"""Case studies ↔ model elements: what a case illustrates, and which cases back an element.

Reads the reified ep:CaseLink nodes (basis explicit | semantic | evidence, with the evidence sentences and
the reason in plain words, or curated in ``corpus/links.yaml``) and also
plain ``ep:illustrates`` triples made by ingest itself (case → listed characteristic), which carry
basis "extracted" and the case's own text as evidence.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from rdflib import Graph

from graph.caselinks import CaseLink, all_case_links, case_figures
from graph.store import KnowledgeGraph


def elements_for_case(g: Graph, kg: KnowledgeGraph, case_id: str) -> list[CaseLink]:
    """What a case study illustrates, strongest first (model elements and listed characteristics)."""
    return sorted((x for x in all_case_links(g, kg) if x.case == case_id), key=lambda x: -x.weight)


def cases_for_element(g: Graph, kg: KnowledgeGraph, element_id: str) -> list[CaseLink]:
    """The case studies that illustrate an element, strongest first, each with its figures."""
    return sorted((x for x in all_case_links(g, kg) if x.element == element_id), key=lambda x: -x.weight)


@dataclass
class CaseDetails:
    """Everything a case study page shows: where it came from, who and where, its figures and links."""

    id: str
    title: str
    summary: str
    publisher: str
    date: str
    source: str
    document: str  # the file's path in the corpus (for tools); a person is shown ``document_title``
    span: tuple[int, int]
    organisations: list[dict]
    places: list[dict]
    people: list[dict]
    programmes: list[dict]
    figures: list[dict]
    links: list[CaseLink]
    other_figures: list[dict] = field(default_factory=list)  # dates, durations, distances …: kept, not evidence
    document_title: str = ""  # the document's title, as its metadata or first line gives it

    def to_json(self) -> dict:
        d = asdict(self)
        d["links"] = [x.to_json() for x in self.links]
        return d


def case_details(g: Graph, kg: KnowledgeGraph, case_id: str) -> CaseDetails:
    """One case study with its metadata (from its document), entities, figures and links, strongest first."""
    from rdflib.namespace import DCTERMS

    from graph.ns import ID

    c = kg.nodes[case_id]
    u = ID[case_id]

    def meta(p) -> str:
        v = g.value(u, p)
        return str(v) if v is not None else ""

    affiliated = kg.edges("affiliatedWith")

    def named(rel: str, cls: str | None = None) -> list[dict]:
        out = []
        for i in kg.edges(rel).get(case_id, []):
            n = kg.nodes.get(i)
            if n is not None and (cls is None or n.type == cls):
                row = {"id": n.id, "label": n.label, "alt_labels": list(n.alt_labels)}
                if n.type == "Person":  # who they are, as the text says it, and their organisation
                    row["text"] = n.text
                    row["organisations"] = [kg.nodes[o].label for o in affiliated.get(n.id, []) if o in kg.nodes]
                if n.type == "Figure":
                    row.update(figure=n.figure, kind=n.kind, text=n.text)
                out.append(row)
        return sorted(out, key=lambda x: x["label"])

    src = c.sources[0] if c.sources else None
    return CaseDetails(
        id=c.id, title=c.label, summary=c.text, publisher=meta(DCTERMS.publisher), date=meta(DCTERMS.date),
        source=meta(DCTERMS.source), document=src.path if src else "", span=(src.start, src.end) if src else (-1, -1),
        organisations=named("involves", "Organisation"), places=named("locatedIn", "Place"),
        people=named("mentions", "Person"), programmes=named("mentions", "Programme"),
        figures=case_figures(kg, case_id), links=elements_for_case(g, kg, case_id),
        other_figures=named("mentions", "Figure"), document_title=src.document if src else "",
    )


@dataclass
class DocumentYield:
    """What one document became in the graph: its case studies (in text order) and how many nodes of each
    type it is the first source of. The Data page says this after an upload, so the person can go to them."""

    file: str
    title: str
    cases: list[str]
    counts: dict[str, int]


def document_yield(kg: KnowledgeGraph, file_name: str) -> DocumentYield:
    """The nodes a corpus file (by its name, as the upload saved it) gave, case studies first."""
    from collections import Counter
    from pathlib import Path

    mine = [n for n in kg.nodes.values() if n.sources and Path(n.sources[0].path).name == file_name]
    title = next((s.document for n in mine for s in n.sources if Path(s.path).name == file_name), "")
    cases = sorted((n for n in mine if n.type == "CaseStudy"), key=lambda n: n.sources[0].start)
    return DocumentYield(file_name, title, [n.id for n in cases], dict(Counter(n.type for n in mine)))
