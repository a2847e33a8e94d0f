"""The evidence and gap map: which case studies show each early element of the model with each result.

**Rows** are the conditions, inputs, processes and activities; **columns** the outcomes and impacts, each in
the model's order. A **cell** holds the case studies that illustrate both its row and its column (two case
links, ``graph.caselinks``, from the same case), with the sentence that links the case to each, and the causal
arrow from row to column when the model draws one. Its **level** is the strongest evidence level
(``graph.evidence.LEVELS``) for "the row leads to the column": ``shown`` (a case illustrates both ends, the
rule ``graph.evidence`` applies to an arrow), or ``stated`` when a document states that arrow outright.

The empty cells are the **gaps**. Each lists the routes (``graph.analysis.paths``: simple paths along the
causal arrows from a condition or an input to an impact, at most ``max_depth`` links) that pass through its
row and then its column: how many there are (counted, not listed, on the acyclic model; listed, up to
``fragility.MAX_ENUMERATED``, on a graph with a cycle), and the best few.
A gap many routes cross is evidence most worth finding. A gap's level is that of its direct arrow on its
basis alone (stated, curated or inferred; "" when there is none), so a filter never leaves a level that a
filtered-out case gave.

**Filters** choose the case studies first, then the map is made of them: a place (a case's ``ep:locatedIn``,
by id or name), an organisation type (of an organisation it ``ep:involves``, read from the type word in the
organisation's name: "… Development Trust" is a trust, "… Ltd" a company, see ``ORG_TYPES``; a name without
one is "not named") and a date range (the case's document's ``dcterms:date``; a case without a date is
left out by a date filter).
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import islice

import networkx as nx
from rdflib.namespace import DCTERMS

from graph.analysis.fragility import MAX_ENUMERATED, RouteCounter
from graph.analysis.paths import MAX_DEPTH, ROOT_TYPES, Pathfinder
from graph.caselinks import CaseLink, all_case_links
from graph.evidence import CaseShowing, level_of_basis
from graph.ns import ID
from graph.store import KnowledgeGraph

ROW_TYPES = ("Condition", "Input", "Process", "Activity")
COLUMN_TYPES = ("Outcome", "Impact")
END_TYPES = ("Impact",)
MAX_PATHWAYS = 3  # best routes listed per gap
NOT_NAMED = "not named"
# An organisation's type, from a word in its name; the first that matches wins (the legal forms come before
# the words they contain: a "community interest company" is not just a "company").
ORG_TYPES = (
    ("co-operative", r"co-?operatives?|co-?ops?"),
    ("community interest company", r"community interest company|cic"),
    ("community benefit society", r"community benefit society|bencom"),
    ("credit union", r"credit unions?"),
    ("social enterprise", r"social enterprises?"),
    ("charity", r"charity|charities|charitable"),
    ("trust", r"trusts?"),
    ("foundation", r"foundation"),
    ("association", r"association"),
    ("society", r"society"),
    ("company", r"ltd|limited|plc|company"),
    ("public body", r"council|authority|nhs"),
    ("network", r"network|partnership|alliance|consortium"),
)
_ORG_RES = [(name, re.compile(rf"(?<![\w-])(?:{pat})(?![\w-])", re.I)) for name, pat in ORG_TYPES]
_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")


def _real_date(value: str) -> bool:
    """A date the calendar has: "2023-13-45" has the form of one and is not."""
    whole = value + "-01" * ((10 - len(value)) // 3)  # a year or a month is checked as its first day
    try:
        datetime.date.fromisoformat(whole)
    except ValueError:
        return False
    return True


class BadFilter(ValueError):
    """A filter value that names nothing the map can filter on (the message lists what it can)."""


def org_type(names: list[str] | tuple[str, ...]) -> str:
    """The type of an organisation from the type word in its name or another name it goes by."""
    for name, rx in _ORG_RES:
        if any(rx.search(n) for n in names):
            return name
    return NOT_NAMED


@dataclass(frozen=True)
class Axis:
    """A row or a column: one model element."""

    id: str
    label: str
    type: str

    def to_json(self) -> dict:
        return {"id": self.id, "label": self.label, "type": self.type}


@dataclass
class CaseFacts:
    """What the filters read of one case study."""

    id: str
    label: str
    places: list[tuple[str, str]] = field(default_factory=list)  # (id, name)
    org_types: list[str] = field(default_factory=list)
    date: str = ""  # ISO date (or year, or year-month) of its document; "" when it has none

    def to_json(self) -> dict:
        return {"id": self.id, "label": self.label, "places": [{"id": i, "label": n} for i, n in self.places],
                "org_types": self.org_types, "date": self.date}


@dataclass(frozen=True)
class Filters:
    """Which case studies the map is made of; empty values filter nothing."""

    place: str = ""  # a place's id or name
    org_type: str = ""  # one of ORG_TYPES' names, or NOT_NAMED
    date_from: str = ""  # YYYY, YYYY-MM or YYYY-MM-DD, inclusive
    date_to: str = ""

    def check(self, cases: list[CaseFacts]) -> None:
        """Raise BadFilter when a value is malformed or names no place or type a case study has."""
        for value in (self.date_from, self.date_to):
            if value and not (_DATE.fullmatch(value) and _real_date(value)):
                raise BadFilter(f"'{value}' is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)")
        if self.date_from and self.date_to and self.date_from[:len(self.date_to)] > self.date_to:
            raise BadFilter(f"'dated from' ({self.date_from}) is after 'dated to' ({self.date_to})")
        places = {p for c in cases for pair in c.places for p in pair}
        if self.place and self.place.casefold() not in {p.casefold() for p in places}:
            names = sorted({n for c in cases for _, n in c.places})
            raise BadFilter(f"no case study is in '{self.place}' (places: {', '.join(names) or 'none'})")
        types = {t for c in cases for t in c.org_types}
        if self.org_type and self.org_type not in types:
            raise BadFilter(f"no case study involves an organisation of type '{self.org_type}' "
                            f"(types: {', '.join(sorted(types)) or 'none'})")

    def admits(self, case: CaseFacts) -> bool:
        if self.place and self.place.casefold() not in {p.casefold() for pair in case.places for p in pair}:
            return False
        if self.org_type and self.org_type not in case.org_types:
            return False
        if self.date_from or self.date_to:
            d = case.date
            if not d or (self.date_from and d[: len(self.date_from)] < self.date_from) \
                    or (self.date_to and d[: len(self.date_to)] > self.date_to):
                return False
        return True

    def to_json(self) -> dict:
        return {"place": self.place, "org_type": self.org_type, "date_from": self.date_from,
                "date_to": self.date_to}


@dataclass
class Cell:
    """The case studies that illustrate both a row and a column, with each one's two sentences."""

    row: str
    column: str
    cases: list[tuple[str, str]]  # (id, title), by title
    level: str  # shown, or stated when a document states the row → column arrow
    showing: list[CaseShowing] = field(default_factory=list)  # per case: its row quote and its column quote
    link: dict | None = None  # the causal arrow row → column, when the model draws one

    @property
    def count(self) -> int:
        return len(self.cases)

    def to_json(self) -> dict:
        return {"row": self.row, "column": self.column, "cases": [{"id": i, "label": t} for i, t in self.cases],
                "level": self.level, "count": self.count, "link": self.link,
                "quotes": [{"case": s.case, "row": s.source_quote, "column": s.target_quote} for s in self.showing]}


@dataclass
class Gap:
    """An empty cell, with the routes from a condition or input to an impact that pass through both."""

    row: str
    column: str
    level: str  # the direct arrow's level on its basis alone; "" when there is no direct arrow
    routes: int  # how many routes pass through the row and then the column
    pathways: list[dict] = field(default_factory=list)  # the best few: {"nodes": [ids], "weight"}

    def to_json(self) -> dict:
        return {"row": self.row, "column": self.column, "level": self.level, "routes": self.routes,
                "pathways": self.pathways}


@dataclass
class EvidenceMap:
    rows: list[Axis]
    columns: list[Axis]
    cells: list[Cell]  # the cells with a case study, row by row
    gaps: list[Gap]  # the empty cells, most routes first
    cases: list[CaseFacts]  # every case study, and whether the filters kept it (``kept``)
    kept: list[str]  # ids of the case studies the map is made of
    filters: Filters = field(default_factory=Filters)
    max_depth: int = MAX_DEPTH

    def cell(self, row: str, column: str) -> Cell | None:
        return next((c for c in self.cells if c.row == row and c.column == column), None)

    def gap(self, row: str, column: str) -> Gap | None:
        return next((g for g in self.gaps if g.row == row and g.column == column), None)

    def label(self, node_id: str) -> str:
        return next((a.label for a in self.rows + self.columns if a.id == node_id), node_id)

    def options(self) -> dict:
        """What each filter can take (from every case study, not only those kept)."""
        return filter_options(self.cases)

    def to_json(self) -> dict:
        return {"rows": [a.to_json() for a in self.rows], "columns": [a.to_json() for a in self.columns],
                "cells": [c.to_json() for c in self.cells], "gaps": [g.to_json() for g in self.gaps],
                "filters": self.filters.to_json(), "options": self.options(),
                "cases": {"total": len(self.cases), "kept": self.kept}, "max_depth": self.max_depth}

    def to_csv(self) -> str:
        """Every cell of the grid, row by row: its case studies with the sentence that shows each end (or the
        routes through a gap), so a spreadsheet reader sees the evidence, not only titles."""
        buf = io.StringIO()
        fields = ["row_id", "row_label", "row_type", "column_id", "column_label", "column_type", "count",
                  "level", "case_ids", "case_titles", "row_quotes", "column_quotes", "gap", "routes"]
        w = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        for r in self.rows:
            for c in self.columns:
                cell, gap = self.cell(r.id, c.id), self.gap(r.id, c.id)
                w.writerow({"row_id": r.id, "row_label": r.label, "row_type": r.type, "column_id": c.id,
                            "column_label": c.label, "column_type": c.type, "count": cell.count if cell else 0,
                            "level": cell.level if cell else gap.level,
                            "case_ids": "; ".join(i for i, _ in cell.cases) if cell else "",
                            "case_titles": "; ".join(t for _, t in cell.cases) if cell else "",
                            **_quote_columns(cell),
                            "gap": "no" if cell else "yes", "routes": gap.routes if gap else ""})
        return buf.getvalue()


def _quote_columns(cell: Cell | None) -> dict[str, str]:
    """Each case's sentence for the row and for the column, in the order of ``case_ids``, each after its case's
    title ("Case K: …"), so a cell of several cases says whose each sentence is; " | " between cases (a quote may
    hold a semicolon)."""
    if cell is None:
        return {"row_quotes": "", "column_quotes": ""}
    by_case = {s.case: s for s in cell.showing}

    def joined(end: str) -> str:
        return " | ".join(f"{title}: {getattr(by_case[i], end)}" for i, title in cell.cases
                          if i in by_case and getattr(by_case[i], end))

    return {"row_quotes": joined("source_quote"), "column_quotes": joined("target_quote")}


# --------------------------------------------------------------------------- reading the graph

def case_facts(kg: KnowledgeGraph) -> list[CaseFacts]:
    """Every case study with its places, its organisations' types and its document's date, by title."""
    located, involves = kg.edges("locatedIn"), kg.edges("involves")
    out = []
    for c in kg.of_type("CaseStudy"):
        places = sorted({(p, kg.nodes[p].label) for p in located.get(c.id, []) if p in kg.nodes},
                        key=lambda x: x[1])
        types = sorted({org_type((kg.nodes[o].label, *kg.nodes[o].alt_labels))
                        for o in involves.get(c.id, []) if o in kg.nodes and kg.nodes[o].type == "Organisation"})
        date = kg.g.value(ID[c.id], DCTERMS.date)
        out.append(CaseFacts(c.id, c.label, places, types, str(date) if date is not None else ""))
    return sorted(out, key=lambda c: (c.label, c.id))


def filter_options(cases: list[CaseFacts]) -> dict:
    """What each filter can take: the places, organisation types and date range of ``cases``."""
    places = sorted({pair for c in cases for pair in c.places}, key=lambda p: p[1])
    dates = sorted(c.date for c in cases if c.date)
    return {"places": [{"id": i, "label": n} for i, n in places],
            "org_types": sorted({t for c in cases for t in c.org_types}),
            "dates": [dates[0], dates[-1]] if dates else [], "undated": sum(not c.date for c in cases)}


def _axis(kg: KnowledgeGraph, types: tuple[str, ...]) -> list[Axis]:
    els = sorted(kg.of_type(*types), key=lambda n: (n.order, types.index(n.type), n.label, n.id))
    return [Axis(n.id, n.label, n.type) for n in els]


def _quote(link: CaseLink) -> str:
    return " ".join((link.evidence_quote or link.evidence or "").split())


# --------------------------------------------------------------------------- routes through a gap

class _Routes:
    """Counts and best few of the routes (root … row … column … impact) through two elements."""

    def __init__(self, finder: Pathfinder, max_depth: int):
        self.finder, self.L = finder, max_depth
        self.G = G = finder.g
        roots = [n for n, d in G.nodes(data=True) if d.get("type") in ROOT_TYPES]
        self.counter = RouteCounter(G, roots, max_depth)  # fragility's walk counts, by length, on a DAG
        self.acyclic = self.counter.acyclic
        if self.acyclic:
            self.up = self.counter.by_length()
            self.down: dict[str, list[int]] = {v: [0] * (max_depth + 1) for v in G}
            for t in (n for n, d in G.nodes(data=True) if d.get("type") in END_TYPES):
                for v, vec in self.counter.by_length(reverse_from=t).items():
                    self.down[v] = [a + b for a, b in zip(self.down[v], vec, strict=True)]
        self._from: dict[str, dict[str, list[int]]] = {}
        self._heads: dict[str, list[list[str]]] = {}
        self._tails: dict[str, list[list[str]]] = {}

    def count(self, row: str, column: str) -> int:
        if row not in self.G or column not in self.G:
            return 0
        if not self.acyclic:  # a cycle: walks are not routes, so the routes are listed (as fragility does)
            return sum(1 for p in self._listed() if row in p and column in p and p.index(row) < p.index(column))
        if row not in self._from:
            self._from[row] = RouteCounter(self.G, [row], self.L).by_length()
        mid, up, down, L = self._from[row][column], self.up[row], self.down[column], self.L
        return sum(up[a] * mid[b] * down[d] for b in range(1, L + 1) for a in range(L + 1 - b)
                   for d in range(L + 1 - a - b))

    def _listed(self) -> list[tuple[str, ...]]:
        """Every route, listed (only on a graph with a cycle), at most MAX_ENUMERATED: then a lower bound."""
        if "_routes" not in self.__dict__:
            aug = self.G.copy()
            aug.add_edges_from(("__roots__", n) for n, d in self.G.nodes(data=True) if d.get("type") in ROOT_TYPES)
            ends = [n for n, d in self.G.nodes(data=True) if d.get("type") in END_TYPES]
            self._routes = list(islice((tuple(p[1:]) for p in nx.all_simple_paths(aug, "__roots__", ends,
                                                                                 cutoff=self.L + 1) if len(p) > 2),
                                       MAX_ENUMERATED))
        return self._routes

    def best(self, row: str, column: str, k: int = MAX_PATHWAYS) -> list[dict]:
        f = self.finder
        if row not in self._heads:
            self._heads[row] = [p.nodes for p in f.backward(row, k, self.L).paths] + (
                [[row]] if self.G.nodes[row].get("type") in ROOT_TYPES else [])
        if column not in self._tails:
            self._tails[column] = [p.nodes for p in f.forward(column, k, self.L).paths] + (
                [[column]] if self.G.nodes[column].get("type") in END_TYPES else [])
        mids = [p.nodes for p in f.between(row, column, k, self.L).paths]
        seen, combos = set(), []
        for h in self._heads[row]:
            for m in mids:
                for t in self._tails[column]:
                    nodes = tuple(h + m[1:] + t[1:])
                    if len(set(nodes)) == len(nodes) and len(nodes) - 1 <= self.L and nodes not in seen:
                        seen.add(nodes)
                        combos.append(f.make_path(list(nodes)))
        combos.sort(key=lambda p: (p.cost, p.nodes))
        return [{"nodes": p.nodes, "weight": round(p.weight, 6)} for p in combos[:k]]


# --------------------------------------------------------------------------- the map

def evidence_map(kg: KnowledgeGraph, finder: Pathfinder, filters: Filters | None = None,
                 max_depth: int = MAX_DEPTH, pathways: int = MAX_PATHWAYS) -> EvidenceMap:
    """The map of ``kg``'s case studies (those ``filters`` keep) over its rows and columns, with its gaps.

    ``finder`` is the path finder over the same graph (``Pathways.finder``). Raises BadFilter when a filter
    names nothing the case studies have."""
    filters = filters or Filters()
    cases = case_facts(kg)
    filters.check(cases)
    kept = [c for c in cases if filters.admits(c)]
    kept_ids = {c.id for c in kept}
    titles = {c.id: c.label for c in cases}
    rows, columns = _axis(kg, ROW_TYPES), _axis(kg, COLUMN_TYPES)
    by_element: dict[str, dict[str, CaseLink]] = defaultdict(dict)
    for link in all_case_links(kg.g, kg):
        if link.case in kept_ids:
            by_element[link.element][link.case] = link
    G = finder.g
    routes = _Routes(finder, max_depth)
    cells, gaps = [], []
    for r in rows:
        for c in columns:
            both = sorted(by_element[r.id].keys() & by_element[c.id].keys(), key=lambda i: (titles[i], i))
            arrow = G.edges[r.id, c.id] if G.has_edge(r.id, c.id) else None
            arrow_level = level_of_basis(arrow.get("basis", "")) if arrow else ""
            if both:
                level = "stated" if arrow_level == "stated" else "shown"
                link = ({"source": r.id, "target": c.id, "basis": arrow.get("basis", ""),
                         "weight": float(arrow.get("weight", 0.0))} if arrow else None)
                showing = [CaseShowing(i, _quote(by_element[r.id][i]), _quote(by_element[c.id][i]),
                                       list(by_element[c.id][i].figures or [])) for i in both]
                cells.append(Cell(r.id, c.id, [(i, titles[i]) for i in both], level, showing, link))
            else:
                n = routes.count(r.id, c.id)
                best = routes.best(r.id, c.id, pathways) if n and pathways else []
                gaps.append(Gap(r.id, c.id, arrow_level, n, best))
    pos = {a.id: i for i, a in enumerate(rows + columns)}
    gaps.sort(key=lambda g: (-g.routes, pos[g.row], pos[g.column]))
    return EvidenceMap(rows, columns, cells, gaps, cases, [c.id for c in kept], filters, max_depth)


