"""What gets embedded and indexed for a node, how text is tokenised, and how a query is cleaned.

Kept apart from the index so the evaluation can swap the text variant without touching storage.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from graph.ns import ELEMENT_CLASSES, TYPE_WORDS
from graph.records import NodeRecord
from graph.text.sentences import sentences
from graph.text.tokens import tokens
from search.intent import definitions

MAX_QUERY_CHARS = 1000  # the model reads ~256 word pieces; more only dilutes the query

def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ------------------------------------------------------------------ what a node is embedded as

def _context(n: NodeRecord) -> str:
    kind = TYPE_WORDS.get(n.type, n.type)
    if n.stage_label and n.type not in ELEMENT_CLASSES:
        kind = f"{kind} of {n.stage_label.lower()}"  # "Assumption of processes"
    elif n.stage_label:
        kind = f"{kind} ({n.stage_label})"
    if n.kind:
        kind += f", {n.kind.lower()}"
    return kind


def text_plain(n: NodeRecord) -> str:
    return n.text or n.label


def text_labelled(n: NodeRecord) -> str:
    label = n.label.rstrip("…")
    body = n.text or n.label
    return body if body.startswith(label) else f"{label}. {body}"


def text_context(n: NodeRecord) -> str:
    """Type and stage, label, summary-table wording, then the node's own words."""
    parts = [f"{_context(n)}: {n.label.rstrip('…')}."]
    for alt in n.alt_labels:
        if alt.lower() != n.label.lower():
            parts.append(alt.rstrip(".") + ".")
    if n.figure and n.figure not in n.text:
        parts.append(n.figure + ".")
    body = n.text or ""
    if body and not body.startswith(n.label.rstrip("…")):
        parts.append(body)
    elif body:
        parts.append(body[len(n.label.rstrip("…")):].lstrip(" .–-"))
    return " ".join(p for p in parts if p)


@lru_cache(maxsize=1)
def _definitions() -> dict[tuple[str, str], str]:
    return {(d.group, d.key): d.text for d in definitions()}


def text_defined(n: NodeRecord) -> str:
    """The 'context' text followed by what the ontology says the node's kind, stage and horizon or scope are
    (``skos:definition``): a question in the words of a definition ("what has to be in place", "what is
    assumed") then meets the nodes it defines, in every document alike."""
    defs = _definitions()
    extra = [defs.get(("type", n.type), "") if n.type not in ELEMENT_CLASSES else "",
             defs.get(("stage", n.stage), ""), defs.get(("horizon", n.horizon), ""),
             defs.get(("scope", n.scope), "")]
    return " ".join([text_context(n), *(e for e in extra if e)])


def views_multi(n: NodeRecord, main_context=None) -> list[str]:
    """Several views of one node, each embedded: its text, the text with context, its label and summary
    wording, and (for texts of several sentences) each sentence, so a query matching one sentence of a long
    text is not averaged away. The node scores by its best view, mixed with its main view (see index.py)."""
    out = [text_plain(n), (main_context or text_context)(n)]
    label = n.label.rstrip("…").strip()
    if label and not n.label.endswith("…"):
        out.append(label)
    out.extend(n.alt_labels)
    spans = sentences(n.text or "")
    if len(spans) > 1:
        out.extend(n.text[s:e] for s, e in spans)
    seen: set[str] = set()
    return [v for v in out if v.strip() and not (v in seen or seen.add(v))]


# name -> the texts embedded for a node; the first one is the node's main vector
VARIANTS = {
    "plain": lambda n: [text_plain(n)],
    "labelled": lambda n: [text_labelled(n)],
    "context": lambda n: [text_context(n)],
    "views": views_multi,
    "defined": lambda n: views_multi(n, text_defined),  # definitions embedded, BM25 text unchanged
    "defined+bm25": lambda n: views_multi(n, text_defined),  # … and in BM25's text too
    "asked": lambda n: views_asked(n),  # "defined" plus the node's users' questions, in dense and BM25
    "asked-dense": lambda n: views_asked(n),  # … in dense only (BM25 text as "defined")
}
DEFAULT_VARIANT = "asked"  # chosen on tuned + set3 (bench/results/eval.md)
ASKED_VARIANTS = ("asked", "asked-dense")


def views_asked(n: NodeRecord) -> list[str]:
    """The "defined" views, then each question users ask for the node (``ep:askedAs``) as a view of its own:
    a user's words meet the closest of several dozen ways of asking, not only the model's wording."""
    own = views_multi(n, text_defined)
    seen = set(own)
    return own + [q for q in n.questions if q.strip() and not (q in seen or seen.add(q))]

# graph-aware variants: a model element also carries, as extra views, the texts of what the graph ties to
# it (its assumptions, foundations, the case studies illustrating it), so a question in the words of one of
# those finds the element itself by max-sim; other nodes keep their own views.
LINKED = {
    "views+assumptions": ("underpinnedBy",),
    "views+assumptions+cases": ("underpinnedBy", "illustrates"),
    "views+ties": ("underpinnedBy", "hasFoundation", "illustrates"),
}
VARIANT_NAMES = (*VARIANTS, *LINKED)


def node_views(n: NodeRecord, variant: str = DEFAULT_VARIANT, kg=None) -> list[str]:
    """The texts embedded for ``n``; the graph-aware variants need the graph ``kg``."""
    if variant not in LINKED:
        return VARIANTS[variant](n)
    own = views_multi(n)
    if kg is None or n.type not in ELEMENT_CLASSES:
        return own
    tied = []
    for rel in LINKED[variant]:
        if rel == "illustrates":
            tied += [kg.nodes[c] for c, els in kg.edges(rel).items() if n.id in els and c in kg.nodes]
        else:
            tied += [kg.nodes[t] for t in kg.edges(rel).get(n.id, []) if t in kg.nodes]
    extra = [t.text or t.label for t in tied]
    return list(dict.fromkeys(own + [x for x in extra if x.strip()]))


def node_text(n: NodeRecord, variant: str = DEFAULT_VARIANT) -> str:
    """The text BM25 indexes: type, stage, labels and the node's words (the 'context' composition), with
    the ontology's definitions when the variant embeds them too."""
    if variant == "asked":
        return " ".join([text_context(n), *n.questions])
    return text_defined(n) if variant == "defined+bm25" else text_context(n)


# ------------------------------------------------------------------ queries

@dataclass(frozen=True)
class Query:
    """A query as the engine uses it, with what was done to it (shown to the user as notes)."""

    raw: str
    text: str  # cleaned and truncated: what is embedded
    tokens: tuple[str, ...]  # BM25 tokens
    notes: tuple[str, ...] = ()

    @property
    def has_words(self) -> bool:
        return any(ch.isalnum() for ch in self.text)


CLAUSE_BREAK = re.compile(r"[,;:?!]|\s(?:and|or|but|so|because|while|when|then)\s", re.I)


def clauses(text: str, min_words: int = 2) -> list[str]:
    """A question's clauses (split at punctuation and coordinating words), each with at least ``min_words``
    content words; a one-clause question gives one."""
    parts = [p.strip() for p in CLAUSE_BREAK.split(text)]
    return [p for p in parts if len(tokens(p)) >= min_words]


def clean_query(raw: str | None, max_chars: int = MAX_QUERY_CHARS) -> Query:
    notes: list[str] = []
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", raw or "")).strip()
    if len(text) > max_chars:
        cut = text.rfind(" ", 0, max_chars)
        text = text[: cut if cut > max_chars // 2 else max_chars]
        notes.append(f"the query was {len(raw or '')} characters; only the first {len(text)} were used")
    if not text:
        notes.append("the query is empty")
    elif not any(ch.isalnum() for ch in text):
        notes.append("the query has no letters or digits")
    return Query(raw=raw or "", text=text, tokens=tuple(tokens(text)), notes=tuple(notes))
