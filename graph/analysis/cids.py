"""A pathway as a CIDS ``ImpactPathway`` (Common Impact Data Standard), in RDF and JSON-LD, with its check.

How our classes map (cids.ttl): conditions and inputs → ``cids:Input`` (what must be in place);
processes and activities → ``cids:Activity`` (``cids:canProduce`` the outcome a step leads to,
``cids:hasInput`` the input it builds on); outcomes and impacts → ``cids:Outcome`` (CIDS has no impact
class; an impact is the longest-run outcome). An ``ep:Assumption`` under a step must be a
``cids:ImpactRisk`` here: CIDS defines that as the likelihood "that impact will be different than
expected", which is what a failed assumption means; its ``forOutcome`` (functional in CIDS) is the
first outcome at or after the step it underpins. The likelihood and consequence the Full tier asks for
are not in the model's text, so they are left out rather than made up. Every step keeps its own IRI,
so an export can be joined back to the graph, and each arrow keeps its basis and reason
(``ep:leadsTo`` reified as ``ep:CausalLink``). The result is checked against ``cids_shapes.ttl``.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path as FsPath

from pyshacl import validate as shacl_validate
from rdflib import XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF

from graph.analysis.chains import Chain
from graph.analysis.paths import Path
from graph.evidence import graph_evidence
from graph.ns import CIDS, EP, ID
from graph.store import KnowledgeGraph

ORG = Namespace("http://ontology.eil.utoronto.ca/tove/organization#")
OEP = Namespace("http://www.w3.org/2001/sw/BestPractices/OEP/SimplePartWhole/part.owl#")
SCH = Namespace("http://schema.org/")  # CIDS writes schema.org with http
SHAPES_PATH = FsPath(__file__).parent.parent / "cids_shapes.ttl"
CIDS_CLASS = {"Condition": CIDS.Input, "Input": CIDS.Input, "Process": CIDS.Activity, "Activity": CIDS.Activity,
              "Outcome": CIDS.Outcome, "Impact": CIDS.Outcome}
PART_OF = {CIDS.Input: CIDS.hasInput, CIDS.Activity: CIDS.hasActivity, CIDS.Outcome: CIDS.hasOutcome}
CONTEXT = {  # our own compact names for the CIDS terms this export uses
    "cids": str(CIDS), "org": str(ORG), "oep": str(OEP), "sch": str(SCH), "ep": str(EP), "prov": str(PROV),
    "xsd": str(XSD), "dcterms": str(DCTERMS),
    "hasName": "org:hasName", "hasLegalName": "org:hasLegalName", "hasIdentifier": "org:hasIdentifier",
    "hasDescription": "cids:hasDescription",
    "forOrganization": {"@id": "cids:forOrganization", "@type": "@id"},
    "partOf": {"@id": "oep:partOf", "@type": "@id"},
    "hasInput": {"@id": "cids:hasInput", "@type": "@id"},
    "hasActivity": {"@id": "cids:hasActivity", "@type": "@id"},
    "hasOutcome": {"@id": "cids:hasOutcome", "@type": "@id"},
    "canProduce": {"@id": "cids:canProduce", "@type": "@id"},
    "forOutcome": {"@id": "cids:forOutcome", "@type": "@id"},
    "dateCreated": {"@id": "sch:dateCreated", "@type": "xsd:dateTime"},
}


def pathway_iri(path: Path) -> URIRef:
    """One IRI per sequence of steps, so exporting the same pathway twice names it the same."""
    return ID[f"cids/pathway/{hashlib.sha1(' '.join(path.nodes).encode()).hexdigest()[:12]}"]


def default_organisation(g: Graph, kg: KnowledgeGraph, path: Path) -> str:
    """The publisher of the document the pathway's first step comes from (or 'Unknown organisation')."""
    for nid in path.nodes:
        for s in kg.nodes[nid].sources:
            pub = g.value(ID[f"doc/{s.doc_id}"], DCTERMS.publisher)
            if pub:
                return str(pub)
    return "Unknown organisation"


def pathway_graph(g: Graph, kg: KnowledgeGraph, path: Path, chain: Chain | None = None,
                  organisation: str | None = None, name: str | None = None,
                  created: datetime | None = None) -> Graph:
    """The pathway, its steps, their arrows and (from ``chain``) the assumptions as CIDS RDF."""
    out = Graph()
    for prefix, ns in (("cids", CIDS), ("org", ORG), ("oep", OEP), ("sch", SCH), ("ep", EP), ("prov", PROV)):
        out.bind(prefix, ns)
    pw = pathway_iri(path)
    labels = [kg.nodes[n].label for n in path.nodes]
    organisation = organisation or default_organisation(g, kg, path)
    org_iri = ID[f"cids/organisation/{hashlib.sha1(organisation.encode()).hexdigest()[:12]}"]
    out.add((org_iri, RDF.type, CIDS.Organization))
    out.add((org_iri, ORG.hasLegalName, Literal(organisation, datatype=XSD.string)))
    out.add((pw, RDF.type, CIDS.ImpactPathway))
    out.add((pw, RDF.type, CIDS.ImpactModel))  # ImpactPathway ⊑ ImpactModel, stated so no reasoner is needed
    out.add((pw, ORG.hasName, Literal(name or f"{labels[0]} to {labels[-1]}", datatype=XSD.string)))
    out.add((pw, CIDS.hasDescription, Literal(
        "Pathway through the Empowering Places logic model: " + " → ".join(labels) +
        f". Strength {path.weight:.2f} (the product of its {len(path.links)} link weights).", datatype=XSD.string)))
    out.add((pw, CIDS.forOrganization, org_iri))
    when = (created or datetime.now(UTC)).replace(microsecond=0)
    out.add((pw, SCH.dateCreated, Literal(when.isoformat(), datatype=XSD.dateTime)))
    cls_of = {}
    for nid in path.nodes:
        n = kg.nodes[nid]
        u, cls = ID[nid], CIDS_CLASS[n.type]
        cls_of[nid] = cls
        out.add((u, RDF.type, cls))
        out.add((u, ORG.hasName, Literal(n.label, datatype=XSD.string)))
        out.add((u, CIDS.hasDescription, Literal(n.text or n.label, datatype=XSD.string)))
        out.add((u, OEP.partOf, pw))
        out.add((u, PROV.wasDerivedFrom, ID[nid]))
        out.add((pw, PART_OF[cls], u))
        if cls == CIDS.Outcome:
            out.add((u, CIDS.forOrganization, org_iri))
    levels = {edge: ev.level for edge, ev in graph_evidence(kg, path.links).items()}
    for i, lk in enumerate(path.links):
        a, b = ID[lk.source], ID[lk.target]
        out.add((a, EP.leadsTo, b))
        if cls_of[lk.source] == CIDS.Activity and cls_of[lk.target] == CIDS.Outcome:
            out.add((a, CIDS.canProduce, b))
        if cls_of[lk.source] == CIDS.Input and cls_of[lk.target] == CIDS.Activity:
            out.add((b, CIDS.hasInput, a))
        link = BNode(f"link{i}")
        out.add((link, RDF.type, EP.CausalLink))
        out.add((link, EP.linkFrom, a))
        out.add((link, EP.linkTo, b))
        out.add((link, EP.basis, Literal(lk.basis)))
        # what the app's badges and reports say of the arrow ("shown by a case" where its basis is "inferred")
        out.add((link, EP.evidenceLevel, Literal(levels[(lk.source, lk.target)])))
        out.add((link, EP.weight, Literal(round(lk.weight, 4))))
        if getattr(lk, "rationale", ""):
            out.add((link, EP.rationale, Literal(lk.rationale)))
    if chain is not None:
        _risks(out, kg, path, chain, cls_of)
    return out


def _risks(out: Graph, kg: KnowledgeGraph, path: Path, chain: Chain, cls_of: dict) -> None:
    seen = set()
    for i, step in enumerate(chain.steps):
        outcome = next((ID[n] for n in path.nodes[i:] if cls_of[n] == CIDS.Outcome), None)
        for a in step.assumptions:
            if a["id"] in seen:
                continue
            seen.add(a["id"])
            u = ID[a["id"]]
            out.add((u, RDF.type, CIDS.ImpactRisk))
            out.add((u, RDF.type, EP.Assumption))
            out.add((u, ORG.hasIdentifier, Literal(a["id"], datatype=XSD.string)))
            out.add((u, CIDS.hasDescription, Literal(kg.nodes[a["id"]].text or a["label"], datatype=XSD.string)))
            out.add((ID[step.element["id"]], EP.underpinnedBy, u))
            if outcome is not None:
                out.add((u, CIDS.forOutcome, outcome))


def to_jsonld(g: Graph) -> str:
    """JSON-LD with our compact context (CIDS terms by their CIDS names)."""
    return g.serialize(format="json-ld", context=CONTEXT, indent=2)


def from_jsonld(text: str) -> Graph:
    return Graph().parse(data=text, format="json-ld")


def validate(g: Graph) -> tuple[bool, str]:
    """(conforms, report text) against cids_shapes.ttl; RDFS inference off, so classes are as written."""
    shapes = Graph().parse(SHAPES_PATH)
    conforms, _, text = shacl_validate(g, shacl_graph=shapes, inference="none", advanced=False)
    return bool(conforms), str(text)


def export_pathway(g: Graph, kg: KnowledgeGraph, path: Path, chain: Chain | None = None,
                   organisation: str | None = None, created: datetime | None = None) -> str:
    """Validated JSON-LD of one pathway; raises ValueError with SHACL's report when it does not conform."""
    rdf = pathway_graph(g, kg, path, chain, organisation, created=created)
    ok, report = validate(rdf)
    if not ok:
        raise ValueError(f"the CIDS export does not conform to {SHAPES_PATH.name}:\n{report}")
    return to_jsonld(rdf)


def summary(jsonld: str) -> dict:
    """Counts by CIDS class in an exported document (for the CLI's --json)."""
    g = from_jsonld(jsonld)
    return {cls: len(set(g.subjects(RDF.type, CIDS[cls])))
            for cls in ("ImpactPathway", "Input", "Activity", "Outcome", "ImpactRisk", "Organization")} | {
        "bytes": len(json.dumps(json.loads(jsonld)))}
