"""Place self-assessment: which pathways a place can walk today, and what to invest in first.

A *profile* (YAML, one per place) gives each Condition, Input and Foundation a status: ``in place``,
``partly``, ``missing`` or ``unknown`` (unlisted = unknown), with an optional note and evidence; it
may also mark assumptions ``holds``, ``doubtful`` or ``unknown``.

Semantics, kept simple enough to check by hand:

* A condition or input is **open** if in place, **at risk** if partly, **blocked** if missing and
  **unknown** otherwise.
* Every other element takes the best state among its causal predecessors (OR: one working route is
  enough), ranked open > at risk > unknown > blocked; an element with no predecessor is unknown.
* A stage's Foundation block gates its elements: if every foundation of the stage is marked missing
  the elements are blocked; if some are missing or partly, an open element becomes at risk.
* Vision and purpose sit outside the causal chain, so the vision's foundations gate nothing.
* A blocked element is blocked *by* the missing conditions and inputs upstream of it, plus its stage's
  foundations when all of them are missing.
* Assumptions at risk are those under open or at-risk elements that the profile does not mark as
  holding (doubtful first).
* "Invest here first": each missing, partly or unknown condition, input or foundation is put in
  place in turn; it is ranked by how many outcomes and impacts become open that were not (ties: by
  the total weight of its outgoing causal links).
* Comparison (profiles oldest first): entries whose status changed, outcomes and impacts open in the
  last profile but not the first ("opened") and the reverse ("closed"), elements whose state changed.

    kg, causal = pw.kg, graph.view.causal_subgraph(pw.view)
    a = assess(causal, kg, load_profile("corpus/profiles/example-fictional-town.yaml", kg))
    a.state, a.blockers, a.assumptions_at_risk, a.invest; compare([a, b], kg, [pa, pb])
"""

from __future__ import annotations

import difflib
from dataclasses import asdict, dataclass, field
from pathlib import Path

import networkx as nx
import yaml

from graph import yamlio
from graph.store import KnowledgeGraph

STATUSES = ("in place", "partly", "missing", "unknown")
ASSUMPTION_STATUSES = ("holds", "doubtful", "unknown")
ROOTS = ("Condition", "Input")
ASSESSED = ("Condition", "Input", "Foundation")
RESULTS = ("Outcome", "Impact")
LEVEL = {"blocked": 0, "unknown": 1, "at risk": 2, "open": 3}
FIELDS = ("place", "fictional", "date", "items", "assumptions")
ENTRY_FIELDS = ("status", "note", "evidence", "label")  # label: written by to_yaml for readers, ignored
STATE_OF_STATUS = {"in place": "open", "partly": "at risk", "missing": "blocked", "unknown": "unknown"}


class ProfileError(ValueError):
    """A profile that cannot be used; the message names the file and the field."""


@dataclass
class Entry:
    status: str
    note: str = ""
    evidence: str = ""


@dataclass
class Profile:
    place: str
    items: dict[str, Entry] = field(default_factory=dict)  # node id -> entry (conditions, inputs, foundations)
    assumptions: dict[str, Entry] = field(default_factory=dict)
    fictional: bool = False
    date: str = ""
    source: str = ""

    def status(self, node_id: str) -> str:
        e = self.items.get(node_id)
        return e.status if e else "unknown"

    def to_yaml(self, kg: KnowledgeGraph | None = None) -> str:
        def entry(nid: str, e: Entry) -> dict:
            d = {"status": e.status}
            if kg is not None and nid in kg.nodes:
                d = {"label": kg.nodes[nid].label, **d}
            if e.note:
                d["note"] = e.note
            if e.evidence:
                d["evidence"] = e.evidence
            return d

        data = {
            "place": self.place,
            "fictional": self.fictional,
            "date": self.date,
            "items": {k: entry(k, v) for k, v in self.items.items()},
            "assumptions": {k: entry(k, v) for k, v in self.assumptions.items()},
        }
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def _resolve_key(kg: KnowledgeGraph, key: str, types: tuple[str, ...], where: str) -> str:
    n = kg.nodes.get(key) or kg.find(key)
    if n is not None and n.type in types:
        return n.id
    if n is not None:
        raise ProfileError(f"{where}: '{key}' is a {n.type}; only {', '.join(types)} can be listed here")
    choices = [m.id for m in kg.nodes.values() if m.type in types]
    close = difflib.get_close_matches(key, choices, n=3, cutoff=0.5) or difflib.get_close_matches(
        key.lower(), [kg.nodes[c].label.lower() for c in choices], n=3, cutoff=0.5
    )
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise ProfileError(f"{where}: no {'/'.join(types)} with id or label '{key}'{hint}")


def _entry(value, allowed: tuple[str, ...], where: str) -> Entry:
    if isinstance(value, str):
        value = {"status": value}
    if not isinstance(value, dict):
        raise ProfileError(f"{where}: expected a status or a mapping with 'status', got {type(value).__name__}")
    extra = sorted(str(k) for k in value if k not in ENTRY_FIELDS)
    if extra:
        raise ProfileError(f"{where}: unknown field(s) {', '.join(extra)}; allowed: {', '.join(ENTRY_FIELDS)}")
    status = str(value.get("status", "")).strip().lower()
    if status not in allowed:
        raise ProfileError(f"{where}.status: '{value.get('status')}' is not one of: {', '.join(allowed)}")
    return Entry(status, str(value.get("note") or ""), str(value.get("evidence") or ""))


def _section(
    data: dict, name: str, types: tuple[str, ...], allowed: tuple[str, ...], kg: KnowledgeGraph, source: str
) -> dict[str, Entry]:
    """One mapping of node id (or label) -> status entry, each key resolved and checked once."""
    raw = data.get(name) or {}
    if not isinstance(raw, dict):
        raise ProfileError(f"{source}: field '{name}' must map node ids (or labels) to a status")
    out: dict[str, Entry] = {}
    for key, value in raw.items():
        where = f"{source}: {name}.{key}"
        nid = _resolve_key(kg, str(key), types, where)
        if nid in out:
            raise ProfileError(f"{where}: {nid} is listed twice (by id and by label?)")
        out[nid] = _entry(value, allowed, where)
    return out


def parse_profile(data, kg: KnowledgeGraph, source: str = "profile") -> Profile:
    if not isinstance(data, dict):
        raise ProfileError(f"{source}: a profile must be a YAML mapping with 'place' and 'items'")
    unknown = sorted(str(k) for k in data if k not in FIELDS)
    if unknown:
        raise ProfileError(f"{source}: unknown field(s) {', '.join(unknown)}; allowed: {', '.join(FIELDS)}")
    place = data.get("place")
    if not isinstance(place, str) or not place.strip():
        raise ProfileError(f"{source}: field 'place' is required (the place's name)")
    items = _section(data, "items", ASSESSED, STATUSES, kg, source)
    assumptions = _section(data, "assumptions", ("Assumption",), ASSUMPTION_STATUSES, kg, source)
    return Profile(
        place.strip(), items, assumptions, bool(data.get("fictional", False)), str(data.get("date") or ""), source
    )


def load_profile(path: Path | str, kg: KnowledgeGraph) -> Profile:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise ProfileError(f"{path}: cannot be read ({e.strerror})") from e
    return profile_from_bytes(raw, kg, str(path))


def profile_from_bytes(raw: bytes, kg: KnowledgeGraph, source: str) -> Profile:
    """A profile file's bytes (read from disk or uploaded) as a Profile, or a ProfileError naming the file."""
    try:
        text = yamlio.decode(raw, source)
    except ValueError as e:
        raise ProfileError(str(e)) from e
    try:
        data = yamlio.load(text)
    except yamlio.ERRORS as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ProfileError(f"{source}: not valid YAML{where} ({getattr(e, 'problem', None) or e})") from e
    return parse_profile(data, kg, source)


@dataclass
class Investment:
    id: str
    label: str
    type: str
    status: str
    unblocks: int  # outcomes and impacts that become open
    opened: list[str]
    weight: float


@dataclass
class Assessment:
    place: str
    state: dict[str, str]  # element id -> open | at risk | unknown | blocked
    blockers: dict[str, list[str]]  # blocked element -> missing conditions/inputs/foundations behind it
    assumptions_at_risk: list[dict]
    invest: list[Investment]

    def of(self, *states: str, types: tuple[str, ...] | None = None, kg: KnowledgeGraph | None = None) -> list[str]:
        return [n for n, s in self.state.items() if s in states and (types is None or kg.nodes[n].type in types)]

    def summary(self, kg: KnowledgeGraph) -> dict[str, int]:
        res = [n for n in self.state if kg.nodes[n].type in RESULTS]
        return {s: sum(1 for n in res if self.state[n] == s) for s in LEVEL}

    def to_json(self, kg: KnowledgeGraph) -> dict:
        return {
            "place": self.place,
            "summary": self.summary(kg),
            "elements": [
                {
                    "id": n,
                    "label": kg.nodes[n].label,
                    "type": kg.nodes[n].type,
                    "state": s,
                    "blocked_by": self.blockers.get(n, []),
                }
                for n, s in self.state.items()
            ],
            "assumptions_at_risk": self.assumptions_at_risk,
            "invest": [asdict(i) for i in self.invest],
        }


def _foundation_gate(kg: KnowledgeGraph, profile: Profile) -> dict[str, str]:
    """stage -> 'blocked' | 'at risk' | '' from the statuses of that stage's foundations."""
    gate: dict[str, str] = {}
    by_stage: dict[str, list[str]] = {}
    for f in kg.of_type("Foundation"):
        by_stage.setdefault(f.stage, []).append(profile.status(f.id))
    for stage, sts in by_stage.items():
        if sts and all(s == "missing" for s in sts):
            gate[stage] = "blocked"
        elif any(s in ("missing", "partly") for s in sts):
            gate[stage] = "at risk"
    return gate


def propagate(causal: nx.DiGraph, kg: KnowledgeGraph, profile: Profile) -> dict[str, str]:
    gate = _foundation_gate(kg, profile)
    state: dict[str, str] = {}
    for n in nx.topological_sort(causal):
        rec = kg.nodes[n]
        if rec.type in ROOTS:
            s = STATE_OF_STATUS[profile.status(n)]
        else:
            preds = [state[p] for p in causal.predecessors(n)]
            s = max(preds, key=LEVEL.get) if preds else "unknown"
        g = gate.get(rec.stage, "")
        if g == "blocked":
            s = "blocked"
        elif g == "at risk" and s == "open":
            s = "at risk"
        state[n] = s
    return state


def pathway_graph(causal: nx.DiGraph, kg: KnowledgeGraph) -> nx.DiGraph:
    """Conditions and inputs through to impacts (vision and purpose sit outside the causal chain)."""
    return causal.subgraph(n for n in causal if kg.nodes[n].type not in ("Vision", "Purpose"))


def assess(causal: nx.DiGraph, kg: KnowledgeGraph, profile: Profile) -> Assessment:
    """``causal`` is graph.view.causal_subgraph(...): elements and causal links only."""
    causal = pathway_graph(causal, kg)
    state = propagate(causal, kg, profile)
    missing_roots = {n for n in causal if kg.nodes[n].type in ROOTS and profile.status(n) == "missing"}
    missing_found = {f.stage: [] for f in kg.of_type("Foundation")}
    for f in kg.of_type("Foundation"):
        if profile.status(f.id) == "missing":
            missing_found[f.stage].append(f.id)
    blockers = {}
    for n, s in state.items():
        if s == "blocked" and kg.nodes[n].type not in ROOTS:
            why = sorted(a for a in nx.ancestors(causal, n) if a in missing_roots)
            why += (
                missing_found.get(kg.nodes[n].stage, [])
                if all(
                    profile.status(f.id) == "missing" for f in kg.of_type("Foundation") if f.stage == kg.nodes[n].stage
                )
                else []
            )
            blockers[n] = why
    at_risk = []
    for n, s in state.items():
        if s not in ("open", "at risk"):
            continue
        for d, a in kg.neighbours(n).get("underpinnedBy", []):
            st_ = profile.assumptions.get(a, Entry("unknown")).status
            if d == "out" and st_ != "holds" and all(x["id"] != a for x in at_risk):
                at_risk.append({"id": a, "label": kg.nodes[a].label, "status": st_})
    at_risk.sort(key=lambda x: (x["status"] != "doubtful", kg.nodes[x["id"]].order))
    return Assessment(profile.place, state, blockers, at_risk, rank_investments(causal, kg, profile, state))


def rank_investments(
    causal: nx.DiGraph, kg: KnowledgeGraph, profile: Profile, state: dict[str, str]
) -> list[Investment]:
    open_now = {n for n, s in state.items() if s == "open" and kg.nodes[n].type in RESULTS}
    out = []
    candidates = [n for n in kg.nodes.values() if n.type in ASSESSED and profile.status(n.id) != "in place"]
    for c in candidates:
        trial = Profile(profile.place, {**profile.items, c.id: Entry("in place")}, profile.assumptions)
        after = propagate(causal, kg, trial)
        opened = sorted(
            n for n, s in after.items() if s == "open" and kg.nodes[n].type in RESULTS and n not in open_now
        )
        weight = sum(d.get("weight", 0.0) for _, _, d in causal.out_edges(c.id, data=True)) if c.id in causal else 0.0
        out.append(Investment(c.id, c.label, c.type, profile.status(c.id), len(opened), opened, round(weight, 3)))
    out.sort(key=lambda i: (-i.unblocks, -i.weight, i.label))
    return out


@dataclass
class Comparison:
    places: list[str]
    changed: list[dict]  # element, state per profile
    opened: list[str]  # outcomes/impacts open in the last profile but not the first
    closed: list[str]
    items: list[dict] = field(default_factory=list)  # profile entries whose status differs: id, label, statuses

    def to_json(self) -> dict:
        return asdict(self)


def item_changes(profiles: list[Profile], kg: KnowledgeGraph) -> list[dict]:
    """Conditions, inputs, foundations and assumptions whose status differs between the profiles."""
    out = []
    for kind, get, default in (
        ("item", lambda p, n: p.status(n), "unknown"),
        ("assumption", lambda p, n: p.assumptions.get(n, Entry("unknown")).status, "unknown"),
    ):
        ids = {n for p in profiles for n in (p.items if kind == "item" else p.assumptions)}
        for n in sorted(ids, key=lambda n: (kg.nodes[n].order, kg.nodes[n].type, kg.nodes[n].label)):
            statuses = [get(p, n) or default for p in profiles]
            if len(set(statuses)) > 1:
                out.append({"id": n, "label": kg.nodes[n].label, "type": kg.nodes[n].type, "statuses": statuses})
    return out


def compare(assessments: list[Assessment], kg: KnowledgeGraph, profiles: list[Profile] | None = None) -> Comparison:
    """Element states side by side; with ``profiles`` (same order) also the entries that changed."""
    first, last = assessments[0], assessments[-1]
    changed = [
        {
            "id": n,
            "label": kg.nodes[n].label,
            "type": kg.nodes[n].type,
            "states": [a.state.get(n, "unknown") for a in assessments],
        }
        for n in first.state
        if len({a.state.get(n) for a in assessments}) > 1
    ]
    res = [n for n in first.state if kg.nodes[n].type in RESULTS]
    opened = [n for n in res if last.state[n] == "open" and first.state[n] != "open"]
    closed = [n for n in res if first.state[n] == "open" and last.state[n] != "open"]
    items = item_changes(profiles, kg) if profiles else []
    return Comparison([a.place for a in assessments], changed, opened, closed, items)
