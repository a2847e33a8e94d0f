"""Named blocks: the parts of the model a question names by the ontology's own labels.

"What are the assumptions behind the short term outcomes?" names a kind of node (Assumption), a stage
(Outcomes) and a horizon (Short term). Embedding similarity blurs such a question into the elements it
resembles; a researcher wants the block it names. Every name here is read from the ontology
(``rdfs:label`` of the block classes, ``skos:prefLabel``/``skos:altLabel`` of stages, horizons, impact
scopes and foundation kinds), matched as a run of BM25 tokens (stemmed, stop words dropped) so plurals
and hyphens fold ("short-term outcomes" names both). No list of query words is involved.

The engine ranks the nodes that fit every group the question names by their similarity to it and fuses
that ranking with the others, so a named block is found without excluding anything else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rdflib import RDFS, SKOS

from graph import stages as st
from graph.ns import EP, ontology
from graph.records import NodeRecord
from graph.text.tokens import tokens

# The kinds of node a question asks for by name beside the stages' elements: each stage's
# "Assertions/Assumptions" and "Foundation" blocks, and the evidence around the model. Other classes
# (Place, Organisation, Passage …) are ordinary words in questions ("in my place"), not block names.
BLOCK_CLASSES = ("Assumption", "Foundation", "CaseStudy", "Evidence")
GROUPS = ("type", "stage", "horizon", "scope", "kind")


@dataclass(frozen=True)
class Name:
    group: str  # type | stage | horizon | scope | kind
    key: str  # class name or concept key
    words: tuple[str, ...]  # the label as BM25 tokens


def _phrases(label: str) -> tuple[str, ...]:
    return tuple(tokens(label))


def names() -> list[Name]:
    """Every block name the ontology gives, as token runs (duplicates and empty labels dropped)."""
    g = ontology()
    out: list[Name] = []
    for cls in BLOCK_CLASSES:
        for lab in (*g.objects(EP[cls], RDFS.label), *g.objects(EP[cls], SKOS.altLabel)):
            out.append(Name("type", cls, _phrases(str(lab))))
    impact = st.stage("impact")
    # A stage by its preferred label only: its alternatives include "Purpose", which every question
    # about "social purpose business" writes without naming the vision stage.
    for group, concepts in (("stage", st.stages()), ("horizon", st.horizons())):
        for c in concepts:
            out.append(Name(group, c.key, _phrases(c.label)))
    for c in st.foundation_kinds():  # a foundation carries its kind's label ("Outcome catalysts"), not a key
        out.append(Name("kind", c.label, _phrases(c.label)))
    for c in st.scopes():  # "Individual" alone is an everyday word; the block is "Individual impacts"
        out.append(Name("scope", c.key, _phrases(f"{c.label} {impact.label}")))
    return list({n: None for n in out if n.words})


def _contains(seq: Sequence[str], run: Sequence[str]) -> bool:
    n = len(run)
    return any(tuple(seq[i:i + n]) == tuple(run) for i in range(len(seq) - n + 1))


def named(query_tokens: Sequence[str], vocabulary: list[Name]) -> dict[str, set[str]]:
    """The keys the question names, by group: {'type': {'Assumption'}, 'horizon': {'short'}, …}."""
    out: dict[str, set[str]] = {}
    for n in vocabulary:
        if _contains(query_tokens, n.words):
            out.setdefault(n.group, set()).add(n.key)
    if "horizon" in out or "scope" in out:  # a horizon or an impact scope belongs to its stage
        out.setdefault("stage", set()).update({"outcome"} if "horizon" in out else set())
        out["stage"].update({"impact"} if "scope" in out else set())
    return out


def fits(node: NodeRecord, wanted: dict[str, set[str]]) -> bool:
    """A node fits when it is of a named kind (or, with none named, a part of the model) and matches every
    other named group it has: a case study or evidence has no stage, so "evidence for the individual
    impacts" keeps all evidence (the dense ranking orders it), and a node without a horizon or scope
    is not excluded by one being named."""
    if "type" in wanted:
        if node.type not in wanted["type"]:
            return False
        if not node.stage:
            return True
    elif not node.stage:
        return False
    if "stage" in wanted and node.stage not in wanted["stage"]:
        return False
    for group, value in (("horizon", node.horizon), ("scope", node.scope), ("kind", node.kind)):
        if group in wanted and value and value not in wanted[group]:
            return False
    return True


class NamedBlocks:
    """The rows of the index that fit what a question names (None when it names nothing). The nodes'
    kinds, stages, horizons, scopes and foundation kinds are held as arrays, so a question costs a few
    vector comparisons however large the graph (the same rule as ``fits``)."""

    def __init__(self, nodes: Sequence[NodeRecord], vocabulary: list[Name] | None = None):
        self.vocabulary = names() if vocabulary is None else vocabulary
        nodes = list(nodes)
        self.attrs = {g: np.array([getattr(n, a) for n in nodes], dtype=object)
                      for g, a in (("type", "type"), ("stage", "stage"), ("horizon", "horizon"),
                                   ("scope", "scope"), ("kind", "kind"))}

    def rows(self, query_tokens: Sequence[str]) -> np.ndarray | None:
        wanted = named(query_tokens, self.vocabulary)
        if not wanted:
            return None
        a = self.attrs
        staged = a["stage"] != ""
        if "type" in wanted:
            of_type = np.isin(a["type"], list(wanted["type"]))
            keep = of_type & ~staged  # a case study or evidence: its kind is all that is asked of it
            rest = of_type & staged
        else:
            keep, rest = np.zeros(len(staged), bool), staged
        if "stage" in wanted:
            rest &= np.isin(a["stage"], list(wanted["stage"]))
        for group in ("horizon", "scope", "kind"):
            if group in wanted:
                rest &= (a[group] == "") | np.isin(a[group], list(wanted[group]))
        return np.flatnonzero(keep | rest).astype("int64")
