"""Query understanding: soft priors from how close a question is to each stage's and node kind's definition.

The definitions are the ontology's ``skos:definition`` of every stage, outcome horizon, impact scope and
node class (``graph/ontology.ttl``), embedded once with the search model. A question is compared with each;
within each group (stages, horizons, scopes, classes) the similarities are centred on their mean, so a
question that leans to one member ("what is assumed …" to Assumption, "in a few years" to the medium term)
lifts the nodes of that member a little and lowers the rest. No list of query words is involved: the
lean comes from the definitions' wording alone, so it holds for questions and documents nobody tuned for.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from rdflib import URIRef
from rdflib.namespace import SKOS

from graph import stages as st
from graph.ns import EP, NODE_CLASSES, ontology
from graph.records import NodeRecord

GROUPS = ("type", "stage", "horizon", "scope")


@dataclass(frozen=True)
class Definition:
    group: str  # type | stage | horizon | scope
    key: str  # class name or concept key
    text: str


def definitions() -> list[Definition]:
    """Every definition the ontology gives, by group; a class or concept without one is simply absent."""
    g = ontology()
    out = []
    for cls in NODE_CLASSES:
        d = g.value(EP[cls], SKOS.definition)
        if d is not None:
            out.append(Definition("type", cls, str(d)))
    for group, concepts in (("stage", st.stages()), ("horizon", st.horizons()), ("scope", st.scopes())):
        for c in concepts:
            d = g.value(URIRef(c.uri), SKOS.definition)
            if d is not None:
                out.append(Definition(group, c.key, str(d)))
    return out


class Intent:
    """Per-node prior for a query vector: ``weight`` × the centred similarity of the node's class, stage,
    horizon and scope definitions to the query (summed over the groups the node has)."""

    def __init__(self, nodes: Sequence[NodeRecord], encode: Callable[[list[str]], np.ndarray],
                 defs: list[Definition] | None = None):
        self.defs = definitions() if defs is None else defs
        self.vectors = (np.asarray(encode([d.text for d in self.defs]), dtype="float32") if self.defs
                        else np.zeros((0, 1), "float32"))
        index = {(d.group, d.key): i for i, d in enumerate(self.defs)}
        # node row -> definition row for each group (-1: the node has none in that group)
        keys = {"type": lambda n: n.type, "stage": lambda n: n.stage, "horizon": lambda n: n.horizon,
                "scope": lambda n: n.scope}
        self.rows = np.array([[index.get((g, keys[g](n)), -1) for g in GROUPS] for n in nodes],
                             dtype="int64").reshape(len(nodes), len(GROUPS))
        self.members = [np.array([i for i, d in enumerate(self.defs) if d.group == g], dtype="int64")
                        for g in GROUPS]

    def leaning(self, qvec: np.ndarray) -> np.ndarray:
        """Each definition's similarity to the query minus its group's mean (0 for a one-member group)."""
        if not len(self.defs):
            return np.zeros(0, "float32")
        sims = self.vectors @ np.asarray(qvec, dtype="float32").reshape(-1)
        out = np.zeros_like(sims)
        for m in self.members:
            if len(m) > 1:
                out[m] = sims[m] - sims[m].mean()
        return out

    def prior(self, qvec: np.ndarray, weight: float) -> np.ndarray:
        """The prior of every node (index order) for this query; zeros when ``weight`` is 0."""
        if weight == 0 or not len(self.defs):
            return np.zeros(len(self.rows), "float32")
        lean = np.append(self.leaning(qvec), 0.0).astype("float32")  # row -1 reads the appended 0
        return weight * lean[self.rows].sum(axis=1)

    def top(self, qvec: np.ndarray, group: str) -> str:
        """The member of ``group`` the query leans to most ('' when the group has no definitions)."""
        m = self.members[GROUPS.index(group)]
        if not len(m):
            return ""
        lean = self.leaning(qvec)
        return self.defs[int(m[np.argmax(lean[m])])].key
