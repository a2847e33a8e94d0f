"""The plain records the graph is read into: a node, where its text came from, and a link.

``LinkRecord`` is the one link type: causal links (``ep:CausalLink``) and case links (``ep:CaseLink``)
alike, wherever they are read, walked, drawn or exported.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Source:
    doc_id: str
    document: str  # title
    path: str
    section: str
    start: int
    end: int
    quote: str
    role: str

    def to_dict(self) -> dict:
        """What ``dataclasses.asdict`` gives, without its deep copy (every field is a str or an int): a card
        makes dozens of these a question."""
        return dict(self.__dict__)


@dataclass(frozen=True)
class NodeRecord:
    id: str  # short id, e.g. "process/create-a-referral-network"
    type: str  # ontology class name
    label: str
    text: str
    stage: str = ""  # stage key (vision … impact) for elements, assumptions, foundations
    stage_label: str = ""
    order: float = -1.0  # position left to right in the model (outcome horizons 5.1–5.3, impact scopes 6.1–6.2)
    horizon: str = ""
    scope: str = ""
    notation: str = ""
    kind: str = ""  # foundation kind or insight kind
    figure: str = ""
    alt_labels: tuple[str, ...] = ()
    questions: tuple[str, ...] = ()  # ep:askedAs: how users ask for this node, in their own words
    sources: tuple[Source, ...] = field(default=())

    @property
    def whole_label(self) -> str:
        """The label, or the whole text where the label was cut to fit ("…build awareness of the…"): what a
        printed report or a spreadsheet shows, where nothing is a click away."""
        return " ".join(self.text.split()) if self.label.endswith("…") and self.text else self.label

    def roles_and_names(self) -> tuple[list[str], list[str]]:
        """(roles, other names) of the alternative labels. Ingest keeps a person's roles with their other names;
        "chair of Little Hadley Community Pub Ltd" is a role, "Ms Whitmore" a name (it holds the surname). Any other
        node's alternative labels are all names."""
        if self.type != "Person":
            return [], list(self.alt_labels)
        surname = self.label.split()[-1].lower() if self.label.split() else ""
        names = [a for a in self.alt_labels if surname and surname in a.lower().split()]
        return [a for a in self.alt_labels if a not in names], names

    def to_json(self) -> dict:
        d = asdict(self)
        d["alt_labels"] = list(self.alt_labels)
        d["questions"] = list(self.questions)
        d["sources"] = [asdict(s) for s in self.sources]
        d["source"] = d["sources"][0] if d["sources"] else None
        return d


@dataclass(frozen=True)
class LinkRecord:
    """A reified causal (ep:CausalLink) or case (ep:CaseLink) link: who joins whom, on what basis."""

    id: str
    source: str  # cause, or the case study
    target: str  # effect, or the element it illustrates
    basis: str
    weight: float | None
    evidence: str = ""
    evidence_source: str = ""
    evidence_quote: str = ""
    reason: str = ""
    author: str = ""
    model: str = ""
    rationale: str = ""  # why the arrow is there, in one line of plain words (ep:rationale)

    def to_json(self) -> dict:
        """The shape every ``--json`` output has used for a link (its IRI id under "link")."""
        return {"source": self.source, "target": self.target, "basis": self.basis, "weight": self.weight,
                "evidence": self.evidence, "evidence_source": self.evidence_source, "link": self.id,
                "evidence_quote": self.evidence_quote, "reason": self.reason, "author": self.author,
                "model": self.model, "rationale": self.rationale}
