"""The stages of the logic model, read from the ontology (never typed in code)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rdflib.namespace import RDF, SKOS

from graph.ns import EP, ontology


@dataclass(frozen=True)
class Concept:
    key: str  # e.g. "process", "short", "local-conditions"
    uri: str
    label: str
    alt_labels: tuple[str, ...]
    order: float
    notation: str
    definition: str = ""  # skos:definition: what the stage is, in a sentence


def norm(text: str) -> str:
    """Lower-case words only: 'Assertions/Assumptions' -> 'assertions assumptions'."""
    return " ".join(re.findall(r"[a-z0-9]+", text.lower().replace("’", "'")))


def _concepts(cls, prefix: str) -> tuple[Concept, ...]:
    g = ontology()
    out = []
    for s in g.subjects(RDF.type, cls):
        order = g.value(s, EP.order)
        out.append(
            Concept(
                key=str(s).split("#")[1].removeprefix(prefix),
                uri=str(s),
                label=str(g.value(s, SKOS.prefLabel)),
                alt_labels=tuple(sorted(str(o) for o in g.objects(s, SKOS.altLabel))),
                order=float(order) if order is not None else 0.0,
                notation=str(g.value(s, SKOS.notation) or ""),
                definition=str(g.value(s, SKOS.definition) or ""),
            )
        )
    return tuple(sorted(out, key=lambda c: (c.order, c.key)))


@lru_cache(maxsize=1)
def stages() -> tuple[Concept, ...]:
    return _concepts(EP.Stage, "stage-")


@lru_cache(maxsize=1)
def horizons() -> tuple[Concept, ...]:
    return _concepts(EP.Horizon, "horizon-")


@lru_cache(maxsize=1)
def scopes() -> tuple[Concept, ...]:
    return _concepts(EP.ImpactScope, "scope-")


@lru_cache(maxsize=1)
def foundation_kinds() -> tuple[Concept, ...]:
    return _concepts(EP.FoundationKind, "foundation-")


def stage(key: str) -> Concept:
    return next(s for s in stages() if s.key == key)


# The class an element of a stage gets; the vision stage holds two classes, named by its subheadings.
STAGE_CLASS = {
    "vision": "Vision",
    "condition": "Condition",
    "input": "Input",
    "process": "Process",
    "activity": "Activity",
    "outcome": "Outcome",
    "impact": "Impact",
}
CLASS_STAGE = {**{v: k for k, v in STAGE_CLASS.items()}, "Purpose": "vision"}


def match(text: str, concepts: tuple[Concept, ...]) -> Concept | None:
    """The concept whose label or alternative label is the whole of ``text`` (numbering ignored)."""
    t = norm(re.sub(r"^\s*\d+[a-z]?\s*[.:)]?\s*", "", text))
    for c in concepts:
        if t in {norm(c.label), *(norm(a) for a in c.alt_labels)}:
            return c
    return None


def section_words(section: str) -> str:
    """A source's section heading as a reader reads it: the model's stage name where the heading names a stage
    ("PROCESSES" -> "Processes", "CONDITIONS FOR SUCCESS" -> "Conditions"), else the heading itself, in sentence
    case when the document set it in capitals (a heading in capitals read as shouting in a sentence)."""
    if not section.strip():
        return ""
    if c := match(section, stages()):
        return c.label
    return section[:1] + section[1:].lower() if section.isupper() else section
