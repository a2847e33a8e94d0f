"""One node per real thing: merge what several documents (and the summary table) say about it.

The inputs page and the report describe the same four inputs; the summary table repeats every
element in short form. Items of the same class and stage that name the same thing (same name, or
nearly the same words) become one node that keeps every source; summary-table wording becomes an
alternative label. Stable ids come from the class and the label.
"""

from __future__ import annotations

from array import array
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from scipy.optimize import linear_sum_assignment

from graph.ns import ELEMENT_CLASSES, slug
from graph.stages import norm
from graph.text.tokens import tokens as words
from ingest.model import Extraction, Item, Span
from ingest.structure import collapse

SAME_TEXT = 0.7  # token overlap above which two lines are the same assumption, element or passage
SUMMARY_MATCH = 0.5  # share of a summary's words found in an element for the summary to describe it
MODEL_CLASSES = set(ELEMENT_CLASSES)
ENTITY_CLASSES = ("Organisation", "Place", "Programme", "Person")  # one node per name (and alternative name)
FIGURE_CLASSES = ("Evidence", "Figure")  # one node per figure and sentence


def tokens(text: str) -> set[str]:
    """The set of a text's words, as every comparison in the project reads them (graph.text.tokens)."""
    return set(words(text))


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
    figure_kind: str = ""
    alt_labels: list[str] = field(default_factory=list)
    relations: list[tuple[str, str]] = field(default_factory=list)  # (predicate, node id)


def _names(it: Item) -> list[str]:
    """The names an entity is one thing by. A person's other labels are roles ("founder", "chair of the board")
    and short forms ("Ms Davies"), which two people may share: a person is matched by the full name alone."""
    if it.cls == "Person":
        return [norm(it.label)]
    return sorted({norm(it.label), *map(norm, it.alt_labels)})


def _same(a: Item, b: Item) -> bool:
    if a.cls != b.cls or a.stage != b.stage or a.horizon != b.horizon or a.scope != b.scope:
        return False
    if a.cls in ENTITY_CLASSES:
        return bool(set(_names(a)) & set(_names(b)))
    if a.cls in FIGURE_CLASSES:
        return norm(a.text) == norm(b.text) and norm(a.figure) == norm(b.figure)
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
    grouper = _Grouper([item for ex in extractions for item in ex.items])
    for ex in extractions:
        for item in ex.items:
            gi = grouper.find(item)
            if gi is not None:
                groups[gi].append(item)
                owner[id(item)] = gi
            else:
                owner[id(item)] = len(groups)
                grouper.add(item, len(groups))
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
    seen: dict[int, set[tuple[str, str]]] = defaultdict(set)  # node index -> its relations, for membership
    for ex in extractions:
        for item in ex.items:
            ni = owner[id(item)]
            node = nodes[ni]
            for pred, obj in item.relations:
                target = nodes[owner[id(obj)]].id
                if (pred, target) not in seen[ni] and target != node.id:
                    seen[ni].add((pred, target))
                    node.relations.append((pred, target))
    return nodes, warnings




@lru_cache(maxsize=4096)
def _need(size: int) -> int:
    """The fewest shared tokens k with k / size >= SAME_TEXT (computed as overlap() computes it)."""
    k = max(1, int(SAME_TEXT * size) - 1)
    while k / size < SAME_TEXT:
        k += 1
    return k


PROBE_EXTRA = 5  # tokens probed past the minimal prefix: more cheap counting, far fewer exact checks


def _probe(size: int) -> int:
    """How many of a set's first (rarest) tokens are probed or indexed."""
    return min(size, size - _need(size) + 1 + PROBE_EXTRA)


class _OverlapIndex:
    """Groups whose first item's tokens may overlap a query's by SAME_TEXT, found without trying them all.

    Prefix filtering: with tokens in one fixed order (rarest first), two sets A (no larger than B)
    sharing at least k tokens share at least ``k - (|A| - p)`` of them among A's first p tokens.
    overlap() divides by the smaller set, so each group is indexed by all its tokens (counted
    against a smaller-or-equal query's first tokens) and by its own first tokens (counted against a
    larger-or-equal query's tokens). Counting runs in numpy over posting arrays; only groups with
    enough shared tokens are checked with the exact overlap(), so the answer is the one a scan of
    every group gives.
    """

    def __init__(self) -> None:
        self.full: dict[str, array] = {}  # token -> local ids of the groups holding it
        self.prefix: dict[str, array] = {}  # token -> local ids of the groups whose first tokens hold it
        self.gis = array("q")  # local id -> group index
        self.sizes = array("q")  # local id -> token count
        self.needs = array("q")  # local id -> shared tokens its first ones must hold
        self.sets: list[frozenset[str]] = []  # local id -> tokens

    def add(self, gi: int, ordered: list[str]) -> None:
        if not ordered:
            return
        n, local = len(ordered), len(self.gis)
        self.gis.append(gi)
        self.sizes.append(n)
        self.needs.append(_need(n) - (n - _probe(n)))
        self.sets.append(frozenset(ordered))
        for t in ordered:
            self.full.setdefault(t, array("q")).append(local)
        for t in ordered[: _probe(n)]:
            self.prefix.setdefault(t, array("q")).append(local)

    def _counts(self, postings: dict[str, array], toks: list[str]) -> np.ndarray:
        """For every group (local id), how many of ``toks`` its postings hold."""
        lists = [np.frombuffer(postings[t], dtype=np.int64) for t in toks if t in postings]
        if not lists:
            return np.zeros(len(self.gis), dtype=np.int64)
        return np.bincount(np.concatenate(lists), minlength=len(self.gis))

    def first(self, ordered: list[str]) -> int | None:
        """The lowest group index whose tokens overlap ``ordered`` by at least SAME_TEXT."""
        if not ordered or not self.sets:
            return None
        m = len(ordered)
        p = _probe(m)
        sizes = np.frombuffer(self.sizes, dtype=np.int64)
        # groups no smaller than the query: shared tokens among the query's first p
        hits = self._counts(self.full, ordered[:p])
        ok = (hits >= _need(m) - (m - p)) & (sizes >= m)
        # groups no larger than the query: shared tokens among the group's own first ones
        hits = self._counts(self.prefix, ordered)
        ok |= (hits >= np.frombuffer(self.needs, dtype=np.int64)) & (sizes <= m)
        local = np.flatnonzero(ok)
        if not len(local):
            return None
        gis = np.frombuffer(self.gis, dtype=np.int64)[local]
        mine = frozenset(ordered)
        for k in np.argsort(gis, kind="stable"):
            theirs = self.sets[int(local[k])]
            if len(mine & theirs) / max(1, min(len(mine), len(theirs))) >= SAME_TEXT:
                return int(gis[k])
        return None


class _Grouper:
    """For each item, the first group (in creation order) whose first item ``_same`` accepts.

    Scanning every group for every item is quadratic (a national corpus has 10^5 items); instead
    each group's first item is indexed under exactly what ``_same`` compares for its class (names,
    normalised text, label, tokens), so an item finds its group by lookups. The result is the
    scan's, item for item.
    """

    def __init__(self, items: list[Item]):
        self.names: dict[tuple, int] = {}  # (bucket, normalised name or text or label) -> group index
        self.overlaps: dict[tuple, _OverlapIndex] = defaultdict(_OverlapIndex)
        df: Counter = Counter()
        toks: dict[int, set[str]] = {}
        for it in items:
            if self._by_overlap(it):
                toks[id(it)] = tokens(it.text)
                df.update(toks[id(it)])
        # Rarest tokens first: short candidate lists. Any fixed order would give the same answer.
        self.ordered = {k: sorted(v, key=lambda t: (df[t], t)) for k, v in toks.items()}

    @staticmethod
    def _by_overlap(it: Item) -> bool:
        return it.cls not in ENTITY_CLASSES and it.cls not in (*FIGURE_CLASSES, "Passage")

    @staticmethod
    def _bucket(it: Item) -> tuple:
        return (it.cls, it.stage, it.horizon, it.scope)

    def _keys(self, it: Item) -> list[tuple]:
        """The exact-match keys ``_same`` would compare (an item matches a group sharing any one)."""
        b = self._bucket(it)
        if it.cls in ENTITY_CLASSES:
            return [(b, "name", n) for n in _names(it)]
        if it.cls in FIGURE_CLASSES:
            return [(b, "text", norm(it.text), norm(it.figure))]
        if it.cls == "Passage":
            return [(b, "text", norm(it.text))]
        if it.cls in MODEL_CLASSES:
            return [(b, "label", norm(it.label))]
        return []

    def _overlap_key(self, it: Item) -> tuple:
        b = self._bucket(it)
        return (b, it.insight_kind, norm(it.label)) if it.cls == "Insight" else (b,)

    def find(self, it: Item) -> int | None:
        found = [self.names[k] for k in self._keys(it) if k in self.names]
        if self._by_overlap(it):
            index = self.overlaps.get(self._overlap_key(it))
            gi = index.first(self.ordered[id(it)]) if index is not None else None
            if gi is not None:
                found.append(gi)
        return min(found) if found else None

    def add(self, it: Item, gi: int) -> None:
        for k in self._keys(it):
            self.names.setdefault(k, gi)
        if self._by_overlap(it):
            self.overlaps[self._overlap_key(it)].add(gi, self.ordered[id(it)])


def _align_summaries(summaries: list[Item], groups: list[list[Item]]) -> list[tuple[Item, int | None]]:
    """Match each summary-table entry to the element it abbreviates, one entry per element.

    A "Name – description" entry matches by name; an unnamed entry by how many of its words the
    element's text holds (plus how close the two are overall, to break ties between short entries).
    """
    result: dict = {id(s): None for s in summaries}
    by_id = {id(s): s for s in summaries}
    pairs = []
    same_kind: dict[tuple[str, str], list[int]] = defaultdict(list)  # (class, stage) -> group indices, in order
    if summaries:
        for gi, group in enumerate(groups):
            same_kind[(group[0].cls, group[0].stage)].append(gi)
    for s in summaries:
        for gi in same_kind.get((s.cls, s.stage), ()):
            g = groups[gi][0]
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
    full_ids = {id(i) for i in full}  # (an item with a summary span never equals one without)
    summaries = [i for i in group if id(i) not in full_ids]
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
        names = i.alt_labels + ([i.label] if i.cls in ENTITY_CLASSES else [])
        alt.extend(a for a in names if a not in alt and a != label)
    spans: list[Span] = []
    seen: set[Span] = set()
    for i in sorted(group, key=lambda i: (i is not main, i.order_key)):
        for s in i.spans:
            if s not in seen:
                seen.add(s)
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
        figure_kind=main.figure_kind,
        alt_labels=alt,
    )


def _assign_ids(nodes: list[Node]) -> None:
    used: set[str] = set()
    next_k: dict[str, int] = {}  # base -> first suffix not yet tried (all below it are taken for good)
    for n in nodes:
        if n.cls == "Passage":
            sp = n.spans[0]
            base = f"passage/{sp.doc_id}-{sp.start}"
        elif n.cls in ("Assumption", "Foundation"):
            base = f"{n.cls.lower()}/{n.stage}-{slug(n.label, 7)}"
        elif n.cls == "Insight":
            base = f"insight/{slug(n.insight_kind.split()[-1], 1)}-{slug(n.label, 7)}"
        elif n.cls in FIGURE_CLASSES:
            base = f"{n.cls.lower()}/{slug(n.figure, 8)}"
        else:
            base = f"{n.cls.lower()}/{slug(n.label, 8)}"
        nid, k = base, next_k.get(base, 2)
        while nid in used:
            nid, k = f"{base}-{k}", k + 1
        next_k[base] = k
        used.add(nid)
        n.id = nid
