"""One node per real thing: merge what several documents (and the summary table) say about it.

The inputs page and the report describe the same four inputs; the summary table repeats every
element in short form. Items of the same class and stage that name the same thing (same name, or
nearly the same words) become one node that keeps every source; summary-table wording becomes an
alternative label. Stable ids come from the class and the label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment

from graph.ns import slug
from graph.stages import norm
from ingest.model import Extraction, Item, Span
from ingest.structure import collapse

SAME_TEXT = 0.7  # token overlap above which two lines are the same assumption, element or passage
SUMMARY_MATCH = 0.5  # share of a summary's words found in an element for the summary to describe it
_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "by",
        "can",
        "for",
        "from",
        "has",
        "have",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "their",
        "them",
        "there",
        "these",
        "they",
        "this",
        "those",
        "to",
        "was",
        "were",
        "which",
        "who",
        "will",
        "with",
        "within",
        "our",
        "we",
        "not",
    ]  # noqa: SIM905
)
MODEL_CLASSES = {"Vision", "Purpose", "Condition", "Input", "Process", "Activity", "Outcome", "Impact"}


def tokens(text: str) -> set[str]:
    out = set()
    for w in re.findall(r"[a-z]+", text.lower().replace("’", "'")):
        if len(w) < 3 or w in _STOP:
            continue
        for suf in ("ations", "ation", "ings", "ing", "ies", "ed", "es", "s", "ly"):
            if w.endswith(suf) and len(w) - len(suf) >= 4:
                w = w[: -len(suf)]
                break
        out.add(w)
    return out


def overlap(a: str, b: str) -> float:
    ta, tb = tokens(a), tokens(b)
    return len(ta & tb) / max(1, min(len(ta), len(tb))) if ta and tb else 0.0


def coverage(part: str, whole: str) -> float:
    tp = tokens(part)
    return len(tp & tokens(whole)) / len(tp) if tp else 0.0


@dataclass
class Node:
    """A merged node: what ends up in the graph."""

    id: str
    cls: str
    label: str
    text: str
    spans: list[Span]
    stage: str = ""
    horizon: str = ""
    scope: str = ""
    notation: str = ""
    foundation_kind: str = ""
    insight_kind: str = ""
    figure: str = ""
    alt_labels: list[str] = field(default_factory=list)
    relations: list[tuple[str, str]] = field(default_factory=list)  # (predicate, node id)


def _same(a: Item, b: Item) -> bool:
    if a.cls != b.cls or a.stage != b.stage or a.horizon != b.horizon or a.scope != b.scope:
        return False
    if a.cls in ("Organisation", "Place", "Programme"):
        names_a = {norm(a.label), *map(norm, a.alt_labels)}
        return bool(names_a & {norm(b.label), *map(norm, b.alt_labels)})
    if a.cls == "Evidence":
        return norm(a.text) == norm(b.text)
    if a.cls in MODEL_CLASSES and norm(a.label) == norm(b.label):
        return True
    if a.cls == "Insight" and (a.insight_kind != b.insight_kind or norm(a.label) != norm(b.label)):
        return False
    if a.cls == "Passage":
        return norm(a.text) == norm(b.text)
    return overlap(a.text, b.text) >= SAME_TEXT


def merge(extractions: list[Extraction]) -> tuple[list[Node], list[str]]:
    """Merge items of all documents into nodes; returns (nodes, warnings)."""
    groups: list[list[Item]] = []
    owner: dict[int, int] = {}  # id(item) -> group index
    for ex in extractions:
        for item in ex.items:
            for gi, group in enumerate(groups):
                if _same(group[0], item):
                    group.append(item)
                    owner[id(item)] = gi
                    break
            else:
                owner[id(item)] = len(groups)
                groups.append([item])

    warnings: list[str] = []
    leftovers: list[Item] = []
    for ex in extractions:
        for summary, gi in _align_summaries(ex.summaries, groups):
            if gi is None:
                leftovers.append(summary)
            else:
                groups[gi].append(summary)
                owner[id(summary)] = gi
    # A summary table with no explainer text behind it still yields its elements; other leftovers
    # (column descriptions, say) are kept as passages.
    covered = {(g[0].cls, g[0].stage) for g in groups}
    for s in leftovers:
        if (s.cls, s.stage) not in covered and s.label != s.text:
            owner[id(s)] = len(groups)
            groups.append([s])
        else:
            p = Item("Passage", s.label, s.text, [s.spans[0]])
            owner[id(s)] = owner[id(p)] = len(groups)
            groups.append([p])

    nodes = [_node(group) for group in groups]
    _assign_ids(nodes)
    for ex in extractions:
        for item in ex.items:
            node = nodes[owner[id(item)]]
            for pred, obj in item.relations:
                target = nodes[owner[id(obj)]].id
                if (pred, target) not in node.relations and target != node.id:
                    node.relations.append((pred, target))
    return nodes, warnings


def _align_summaries(summaries: list[Item], groups: list[list[Item]]) -> list[tuple[Item, int | None]]:
    """Match each summary-table entry to the element it abbreviates, one entry per element.

    A "Name – description" entry matches by name; an unnamed entry by how many of its words the
    element's text holds (plus how close the two are overall, to break ties between short entries).
    """
    result: dict = {id(s): None for s in summaries}
    by_id = {id(s): s for s in summaries}
    pairs = []
    for s in summaries:
        for gi, group in enumerate(groups):
            g = group[0]
            if g.cls != s.cls or g.stage != s.stage:
                continue
            if (s.horizon or s.scope) and (g.horizon, g.scope) != (s.horizon, s.scope):
                continue
            if s.label != s.text and norm(s.label) == norm(g.label):
                pairs.append((2.0, id(s), gi))
                continue
            cov = coverage(s.text, g.text)
            if cov >= SUMMARY_MATCH:
                ts, tg = tokens(s.text), tokens(g.text)
                pairs.append((cov + 0.5 * len(ts & tg) / len(ts | tg), id(s), gi))
    # List lines (outcomes, impacts) take one table entry each: solve that as an assignment that
    # maximises the total score, so a short entry like "'Good business'" cannot steal the line that
    # merely shares its words. Other entries (a vision paraphrased twice) go to their best match.
    one_to_one = [p for p in pairs if groups[p[2]][0].cls in ("Outcome", "Impact")]
    if one_to_one:
        sids = sorted({p[1] for p in one_to_one})
        gis = sorted({p[2] for p in one_to_one})
        score = np.zeros((len(sids), len(gis)))
        for sc, sid, gi in one_to_one:
            score[sids.index(sid), gis.index(gi)] = sc
        for r, c in zip(*linear_sum_assignment(score, maximize=True), strict=True):
            if score[r, c] > 0:
                result[sids[r]] = gis[c]
    for _score, sid, gi in sorted((p for p in pairs if p not in one_to_one), key=lambda p: -p[0]):
        if result[sid] is None:
            result[sid] = gi
    return [(by_id[sid], gi) for sid, gi in result.items()]


def _node(group: list[Item]) -> Node:
    full = [i for i in group if all(s.role != "summary" for s in i.spans)]
    summaries = [i for i in group if i not in full]
    main = max(full or group, key=lambda i: len(i.text))
    label = main.label
    alt: list[str] = []
    for s in summaries:
        wording = collapse(s.text).rstrip(".")
        if s.label == s.text and main.cls in ("Outcome", "Impact") and label == main.label:
            label = wording  # the summary table's short wording names an unnamed list line best
        elif wording != label and wording not in alt and len(wording.split()) <= 25:
            alt.append(wording)
    for i in group:
        names = i.alt_labels + ([i.label] if i.cls in ("Organisation", "Place", "Programme") else [])
        alt.extend(a for a in names if a not in alt and a != label)
    spans: list[Span] = []
    for i in sorted(group, key=lambda i: (i is not main, i.order_key)):
        for s in i.spans:
            if s not in spans:
                spans.append(s)
    return Node(
        id="",
        cls=main.cls,
        label=label,
        text=main.text,
        spans=spans,
        stage=main.stage,
        horizon=main.horizon,
        scope=main.scope,
        notation=next((i.notation for i in group if i.notation), ""),
        foundation_kind=main.foundation_kind,
        insight_kind=main.insight_kind,
        figure=main.figure,
        alt_labels=alt,
    )


def _assign_ids(nodes: list[Node]) -> None:
    used: set[str] = set()
    for n in nodes:
        if n.cls == "Passage":
            sp = n.spans[0]
            base = f"passage/{sp.doc_id}-{sp.start}"
        elif n.cls in ("Assumption", "Foundation"):
            base = f"{n.cls.lower()}/{n.stage}-{slug(n.label, 7)}"
        elif n.cls == "Insight":
            base = f"insight/{slug(n.insight_kind.split()[-1], 1)}-{slug(n.label, 7)}"
        elif n.cls == "Evidence":
            base = f"evidence/{slug(n.figure, 8)}"
        else:
            base = f"{n.cls.lower()}/{slug(n.label, 8)}"
        nid, k = base, 2
        while nid in used:
            nid, k = f"{base}-{k}", k + 1
        used.add(nid)
        n.id = nid
