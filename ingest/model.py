"""Plain data passed between the ingest stages: documents, spans and extracted items."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Doc:
    """A readable document: ``text`` is what every offset refers to."""

    doc_id: str
    path: str  # path relative to the corpus root (or as given)
    text: str
    content_hash: str
    fmt: str  # txt | md | html | pdf
    meta: dict = field(default_factory=dict, hash=False, compare=False)
    body_start: int = 0  # first offset past any front matter
    warnings: tuple[str, ...] = field(default=(), compare=False)  # metadata values left out, and why

    @property
    def title(self) -> str:
        return str(self.meta.get("title") or self.doc_id)

    @property
    def kind(self) -> str:
        return str(self.meta.get("kind") or "report")


@dataclass(frozen=True)
class Span:
    """Where some words stand: ``doc.text[start:end]`` is exactly the quoted text."""

    doc_id: str
    start: int
    end: int
    section: str = ""  # heading text of the enclosing section
    section_start: int = -1  # offset of that heading, -1 when the text has none
    role: str = "full"  # full (explainer text) | summary (short table wording) | mention


@dataclass
class Item:
    """One thing extracted from a document, before merging across documents."""

    cls: str  # ontology class name: Process, Assumption, Insight, …
    label: str
    text: str
    spans: list[Span]
    stage: str = ""  # stage key for model elements, assumptions and foundations
    horizon: str = ""  # short | medium | long (outcomes)
    scope: str = ""  # individual | wider (impacts)
    notation: str = ""  # the model's own numbering, e.g. "5a"
    foundation_kind: str = ""  # label of the Foundation block, e.g. "Local conditions"
    insight_kind: str = ""  # "practical insights", "characteristics", …
    alt_labels: list[str] = field(default_factory=list)
    attributed_to: str = ""  # organisation named in a trailing "(…)" attribution
    figure: str = ""  # for Evidence and Figure
    figure_kind: str = ""  # money | share | ratio | count | amount (evidence); date | duration | distance | … (not)
    key: str = ""  # identity within its class, set when merging
    extra_numbered: bool = False  # list items: numbered ("1.") rather than bulleted
    relations: list[tuple[str, Item]] = field(default_factory=list)  # (predicate, object) found in text

    @property
    def order_key(self) -> tuple:
        s = self.spans[0]
        return (s.doc_id, s.start)


@dataclass
class Extraction:
    """All that one document yields, plus what could not be made sense of."""

    doc: Doc
    items: list[Item] = field(default_factory=list)
    summaries: list[Item] = field(default_factory=list)  # short table wording, merged later
    sections: list[tuple[int, int, str, int]] = field(default_factory=list)  # (start, end, heading, level)
    warnings: list[str] = field(default_factory=list)
    blocks: list = field(default_factory=list)  # the document's structure.Block list, for the link stage
