"""What gets embedded and indexed for a node, how text is tokenised, and how a query is cleaned.

Kept apart from the index so the evaluation can swap the text variant without touching storage.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

from bm25s.stopwords import STOPWORDS_EN

from graph.ns import ELEMENT_CLASSES
from graph.records import NodeRecord

MAX_QUERY_CHARS = 1000  # the model reads ~256 word pieces; more only dilutes the query
TYPE_WORDS = {"CaseStudy": "Case study", "Evidence": "Evidence (figure)", "Insight": "Practical insight"}

# bm25s's English list plus the words people put around a question ("how do I …", "what if my …"):
# they carry no topic and, being rare in the corpus, would otherwise get a high idf.
_EXTRA_STOPWORDS = """
about after again all also am any because been before being both can could did do does doing done
during each few from further get gets getting had has have having he her here hers him his how i
i'm im its itself just me more most my myself nor now only other our ours out over own same she
should so some than them themselves those through too under until up very we were what when where
which while who whom why would you your yours yourself yourselves us want need needs help way ways
anything something someone there's what's thing things does kind sort much many really tell know
dont doesnt isnt cant wont arent
"""
STOPWORDS = frozenset(STOPWORDS_EN) | frozenset(_EXTRA_STOPWORDS.split())

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)
_SENT = re.compile(r"(?<=[.!?…])[\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9£])")
_SUFFIXES = ("ations", "ation", "ing", "ed", "ly")


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def light_stem(word: str) -> str:
    """Fold plurals and a few suffixes ('referrals' -> 'referral', 'coaching' -> 'coach'); no dictionary."""
    w = word
    if len(w) <= 3:
        return w
    if w.endswith("sses"):
        w = w[:-2]
    elif w.endswith("ies") and len(w) > 5:
        w = w[:-3] + "y"
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    for suf in _SUFFIXES:
        if w.endswith(suf) and len(w) - len(suf) >= 4:
            w = w[: -len(suf)]
            break
    return w[:-1] if w.endswith("e") and len(w) > 4 else w


def tokens(text: str) -> list[str]:
    """Lower-cased, accent-folded words without stopwords, lightly stemmed: the BM25 vocabulary."""
    text = unicodedata.normalize("NFKC", text).lower().replace("’", "'")
    out = []
    for w in _WORD.findall(text):
        w = w.replace("'", "")
        if len(w) < 2 or w in STOPWORDS:
            continue
        out.append(light_stem(w))
    return out


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``text``; abbreviations like 'e.g.' may split, which is harmless."""
    spans, pos = [], 0
    for m in _SENT.finditer(text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


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


def views_multi(n: NodeRecord) -> list[str]:
    """Several views of one node, each embedded: its text, the text with context, its label and summary
    wording, and (for texts of several sentences) each sentence, so a query matching one sentence of a long
    text is not averaged away. The node scores by its best view, mixed with its main view (see index.py)."""
    out = [text_plain(n), text_context(n)]
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
}
DEFAULT_VARIANT = "views"


def node_views(n: NodeRecord, variant: str = DEFAULT_VARIANT) -> list[str]:
    return VARIANTS[variant](n)


def node_text(n: NodeRecord) -> str:
    """The text BM25 indexes: type, stage, labels and the node's words (the 'context' composition)."""
    return text_context(n)


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
