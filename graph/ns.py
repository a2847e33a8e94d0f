"""Python names for the ontology in ``ontology.ttl`` and the identifiers of extracted resources."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

EP = Namespace("https://w3id.org/empowering-places/ontology#")
ID = Namespace("https://w3id.org/empowering-places/id/")
OA = Namespace("http://www.w3.org/ns/oa#")
CIDS = Namespace("https://ontology.commonapproach.org/cids#")
SCHEMA = Namespace("https://schema.org/")

ONTOLOGY_PATH = Path(__file__).with_name("ontology.ttl")
SHAPES_PATH = Path(__file__).with_name("shapes.ttl")

PREFIXES = {
    "ep": EP,
    "id": ID,
    "oa": OA,
    "cids": CIDS,
    "schema": SCHEMA,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "prov": PROV,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
}

# Classes whose instances are boxes of the logic model, in the model's left-to-right order.
ELEMENT_CLASSES = ("Vision", "Purpose", "Condition", "Input", "Process", "Activity", "Outcome", "Impact")
LINKED_CLASSES = ELEMENT_CLASSES[2:]  # the six stages causal links join: conditions … impacts
NODE_CLASSES = ELEMENT_CLASSES + (
    "Assumption",
    "Foundation",
    "CaseStudy",
    "Organisation",
    "Place",
    "Programme",
    "Person",
    "Evidence",
    "Figure",
    "Insight",
    "Passage",
)
# A class as a reader reads it, where its name is not already a word ("CaseStudy"); the search model embeds the
# same words (search.text), so what a person reads and what is matched agree. Evidence is a subclass of Figure
# (ontology.ttl): a node typed Figure is a number that is not a result, so the two say which figure each is, side
# by side in a sorted list ("Evidence (figure)" beside "Figure" read as one thing named twice).
TYPE_WORDS = {
    "CaseStudy": "Case study",
    "Evidence": "Figure: a result (evidence)",
    "Figure": "Figure: other fact (not evidence)",
    "Insight": "Practical insight",
}
# What a type holds, where its words alone leave a reader guessing (the Ask page's type filter says it).
TYPE_MEANING = {
    "Evidence": "a result a document states (money, a share, people, jobs or businesses reached), linked to the "
    "outcome or impact it supports",
    "Figure": "any other number a document states (a date, a duration, a price, a count of meetings or of the "
    "text's own points), kept as a fact and never taken as evidence",
}


def type_words(t: str) -> str:
    """A node type in words: "Case study" for CaseStudy; other class names are words already."""
    return TYPE_WORDS.get(t, t)


# A count of nodes of a type, where its words do not simply take an "s" (or a figure's long words would be counted).
COUNT_WORDS = {"Evidence": ("evidence figure", "evidence figures"), "Figure": ("other figure", "other figures"),
               "CaseStudy": ("case study", "case studies"), "Activity": ("activity", "activities"),
               "Process": ("process", "processes"), "Insight": ("practical insight", "practical insights"),
               "Passage": ("passage", "passages"), "Person": ("person", "people")}


def counted(t: str, n: int) -> str:
    """``n`` nodes of type ``t`` in words: "1 activity", "4 activities", "2 evidence figures"."""
    one, many = COUNT_WORDS.get(t, (t.lower(), t.lower() + "s"))
    return f"{n} {one if n == 1 else many}"


def bind_prefixes(g: Graph) -> Graph:
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True)
    return g


@lru_cache(maxsize=1)
def ontology() -> Graph:
    return bind_prefixes(Graph()).parse(ONTOLOGY_PATH, format="turtle")


def slug(text: str, max_words: int = 8) -> str:
    """A stable, readable identifier fragment: ascii, lower case, hyphenated, at most ``max_words`` words."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", text.lower())
    return "-".join(words[:max_words]) or "x"


def node_uri(kind: str, key: str) -> URIRef:
    return ID[f"{kind.lower()}/{key}"]


def local_name(uri: str) -> str:
    """'https://…/id/process/create-a-referral-network' -> 'process/create-a-referral-network'."""
    s = str(uri)
    for ns in (ID, EP):
        if s.startswith(str(ns)):
            return s[len(str(ns)) :]
    return s


def expand(node_id: str) -> URIRef:
    """Accept a short id ('process/x'), a prefixed name ('ep:Process') or a full IRI."""
    if node_id.startswith(("http://", "https://", "urn:")):
        return URIRef(node_id)
    if node_id.startswith("ep:"):
        return EP[node_id[3:]]
    if node_id.startswith("id:"):
        node_id = node_id[3:]
    return ID[node_id]
