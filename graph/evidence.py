"""How well evidenced is a causal link: stated in a document > shown by a case study > curated > inferred.

The rule, one level per link, the strongest that applies:

- **stated**: the link's basis is ``textual`` — a sentence of a document says it, and the link keeps that
  sentence and its span (the document is named from the span);
- **shown**: a case study illustrates *both* ends of the link (two ``ep:illustrates`` / ``ep:CaseLink``
  records from the same case), so the case shows the cause and the effect happening together; the
  evidence is that case's two quotes and its figures. A stated link a case also shows stays "stated" and
  lists the case too Every case link counts here, whatever its basis: one a
  person added in ``links.yaml`` (basis ``curated``, its quote the curator's evidence text) as much as the
  linker's, and one a person removed is not in the graph, so it shows nothing;
- **curated**: a person added the arrow in ``corpus/links.yaml`` with a signed reason. It sits *below*
  shown and *above* inferred: a reason a curator wrote is an argument a reader can check, more than a
  similarity score, but it is not the documents' or a case's own evidence;
- **inferred**: anything else (today the semantic matches between successive columns): similarity only.

A pathway is as strong as its weakest step; ``STRONG`` names the levels a researcher can filter on
("only pathways where every step is stated or shown").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Protocol

from graph.caselinks import all_case_links
from graph.text.labels import shorten

LEVELS = ("stated", "shown", "curated", "inferred")  # strongest first
RANK = {name: len(LEVELS) - i for i, name in enumerate(LEVELS)}  # stated 4 … inferred 1
STRONG = frozenset({"stated", "shown"})
BADGE = {"stated": "stated in text", "shown": "shown by a case", "curated": "curated", "inferred": "inferred"}
MEANING = {"stated": "stated in a document", "shown": "shown by a case study", "curated": "added by a curator",
           "inferred": "inferred by similarity"}  # a legend's words for each level
BASIS_LEVEL = {"textual": "stated", "curated": "curated"}  # a link's level before case studies are read


def level_of_basis(basis: str) -> str:
    """The level a link has on its basis alone (no case study read): a fallback for drawings of plain graphs."""
    return BASIS_LEVEL.get(basis, "inferred")


class LinkLike(Protocol):
    source: str
    target: str
    basis: str
    weight: float | None
    evidence: str
    evidence_source: str
    evidence_quote: str
    reason: str
    author: str


class CaseLinkLike(Protocol):
    case: str
    element: str
    evidence: str
    evidence_quote: str
    figures: list


@dataclass
class CaseShowing:
    """One case study that illustrates both ends of a link, with the sentence for each end."""

    case: str
    source_quote: str
    target_quote: str
    figures: list[dict] = field(default_factory=list)

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class Evidence:
    source: str
    target: str
    level: str  # one of LEVELS
    weight: float
    why: str  # in words: what the link stands on, and what it lacks
    document: str = ""  # stated: the document whose sentence states it
    quote: str = ""  # stated: that sentence; curated: the curator's evidence text
    cases: list[CaseShowing] = field(default_factory=list)

    @property
    def rank(self) -> int:
        return RANK[self.level]

    @property
    def strong(self) -> bool:
        return self.level in STRONG

    @property
    def badge(self) -> str:
        return BADGE[self.level]

    def to_json(self) -> dict:
        return {"source": self.source, "target": self.target, "level": self.level, "badge": self.badge,
                "rank": self.rank, "weight": self.weight, "why": self.why, "document": self.document,
                "quote": self.quote, "cases": [c.to_json() for c in self.cases]}


def _short(text: str, n: int = 160) -> str:
    """A quote or reason on one line in at most ``n`` characters, cut between words (``shorten``)."""
    return shorten(text or "", n)


def _doc_id(span_id: str) -> str:
    """``doc/002-…/span/11103-11347`` → ``002-…`` (the id ingest gives a document)."""
    parts = span_id.split("/")
    return parts[1] if len(parts) > 2 and parts[0] == "doc" else ""


def link_evidence(link: LinkLike, cases: Mapping[str, Iterable[CaseLinkLike]],
                  documents: Mapping[str, str] | None = None, names: Mapping[str, str] | None = None) -> Evidence:
    """The evidence level of one causal link, with what backs it and why (see the module docstring).

    ``cases`` maps an element id to the case links that illustrate it; ``documents`` maps a document id
    to its title (to name the document a stated link comes from); ``names`` maps a case study id to its
    title, so "why" names cases as a reader knows them (the id when it has none).
    """
    # every case link of both ends, curated ones included: a curator's correction of a case's links is what the
    # case illustrates, so it decides what the case shows (see the module docstring)
    by_case_src = {c.case: c for c in cases.get(link.source, ())}
    showing = [CaseShowing(c.case, _short(by_case_src[c.case].evidence_quote or by_case_src[c.case].evidence),
                           _short(c.evidence_quote or c.evidence), list(c.figures or []))
               for c in cases.get(link.target, ()) if c.case in by_case_src]
    showing.sort(key=lambda s: s.case)
    weight = float(link.weight or 0.0)
    if link.basis == "textual":
        doc = (documents or {}).get(_doc_id(link.evidence_source), "")
        quote = _short(link.evidence_quote or link.evidence, 300)
        where = f" in {doc}" if doc else ""
        return Evidence(link.source, link.target, "stated", weight, f"stated{where}: \u201c{quote}\u201d", doc,
                        quote, showing)
    if showing:
        titles = ", ".join((names or {}).get(s.case) or s.case for s in showing)
        return Evidence(link.source, link.target, "shown", weight,
                        f"no document states it, but {len(showing)} case stud{'y' if len(showing) == 1 else 'ies'} "
                        f"illustrate{'s' if len(showing) == 1 else ''} both ends ({titles})", cases=showing)
    if link.basis == "curated":
        who = f" by {link.author}" if link.author else ""
        return Evidence(link.source, link.target, "curated", weight,
                        f"added{who} with a reason (\u201c{_short(link.reason)}\u201d); no document states it and "
                        "no case study illustrates both ends", quote=_short(link.evidence, 300))
    how = "by similarity only" if link.basis == "inferred" else f"(basis '{link.basis or 'none'}')"
    return Evidence(link.source, link.target, "inferred", weight,
                    f"inferred {how}, weight {weight:.2f}: no document states it, no case study illustrates both "
                    "ends, no curator added it")


def cases_by_element(case_links: Iterable[CaseLinkLike]) -> dict[str, list[CaseLinkLike]]:
    out: dict[str, list[CaseLinkLike]] = defaultdict(list)
    for c in case_links:
        out[c.element].append(c)
    return dict(out)


def graph_evidence(kg, links: Iterable[LinkLike] | None = None) -> dict[tuple[str, str], Evidence]:
    """(source, target) → the evidence of every causal link of ``kg`` (``graph.store.KnowledgeGraph``),
    with its case links and document titles read from the same graph, so every view badges alike."""
    cases = cases_by_element(all_case_links(kg.g, kg))
    documents = {s.doc_id: s.document for n in kg.nodes.values() for s in n.sources}
    names = {n.id: n.label for n in kg.of_type("CaseStudy")}
    links = kg.links if links is None else links
    return {(lk.source, lk.target): link_evidence(lk, cases, documents, names) for lk in links}


WEAKEST_RULE = "the lowest evidence level (stated > shown > curated > inferred), then the lowest strength"


def weakest(evidence: list[Evidence]) -> int | None:
    """Index of a path's weakest step: the lowest level, then the lowest weight, then the first.

    The one rule for "weakest" (``WEAKEST_RULE`` says it in words): the strength sentence, the table's mark,
    the report and the fragility view all name the step this returns, so a page never names two."""
    if not evidence:
        return None
    return min(range(len(evidence)), key=lambda i: (evidence[i].rank, evidence[i].weight, i))
