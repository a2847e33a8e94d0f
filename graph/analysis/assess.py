"""Place self-assessment: what a place has in place, what is at risk or blocked and why, what to invest in first.

A *profile* (YAML, one per place) gives each Condition, Input and Foundation a status: ``in place``,
``partly``, ``missing`` or ``unknown`` (unlisted = unknown), with an optional note and evidence; it
may also mark assumptions ``holds``, ``doubtful`` or ``unknown``.

The rules, read from the model's own text, are in docs/assessment.md; in short:

* States, worst first: blocked < unknown < at risk < in place (a marked item: missing, unknown,
  partly, in place).
* The model's columns carry the state, not the element-to-element links (most of those are inferred
  from wording; the model draws columns): processes → activities → short → medium → long-term
  outcomes → impacts, each column the worst of the column before and what it adds.
* Necessary (one missing blocks): the four conditions and each stage's foundations, at the column
  they rest under (FOUNDATION_GATES). Contributing: the inputs as a group (all in place: enough;
  all missing: blocked; some partly or missing: at risk; otherwise unknown).
* Every element not in place names what decides its state (``because``) and what would hold it back
  next (``also``).
* Invest here first: each item not in place is put in place alone; rank by outcomes and impacts that
  move up a state, then by how many it holds back, then earlier column, then label.

    a = assess(kg, load_profile("corpus/profiles/example-fictional-town.yaml", kg))
    a.state, a.because, a.also, a.invest, a.together; compare([a, b], kg, [pa, pb])
"""

from __future__ import annotations

import datetime
import difflib
import functools
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

from graph import yamlio
from graph.records import NodeRecord
from graph.store import KnowledgeGraph

STATUSES = ("in place", "partly", "missing", "unknown")
ASSUMPTION_STATUSES = ("holds", "doubtful", "unknown")
MARKED = ("Condition", "Input")  # elements the place marks itself
ASSESSED = ("Condition", "Input", "Foundation")
DERIVED = ("Process", "Activity", "Outcome", "Impact")  # elements whose state the assessment works out
RESULTS = ("Outcome", "Impact")
LEVEL = {"blocked": 0, "unknown": 1, "at risk": 2, "in place": 3}  # worst first: ordered by worst case
WHY = {"blocked": "blocked by", "at risk": "at risk from", "unknown": "unknown until marked"}
STATE_OF_STATUS = {"in place": "in place", "partly": "at risk", "missing": "blocked", "unknown": "unknown"}
FIELDS = ("place", "fictional", "date", "items", "assumptions")
ENTRY_FIELDS = ("status", "note", "evidence", "label")  # label: written by to_yaml for readers, ignored
# Which derived column a stage's Foundation block rests under: (element type, index of that type's column).
# Read from the model (docs/assessment.md): the conditions' and inputs' foundations act on what those columns
# feed; the outcome catalysts "enable smoother and quicker transitions between the achievement of short term
# outcomes and medium to long term outcomes"; the partner visions are read with the model and gate nothing.
FOUNDATION_GATES = {
    "condition": ("Process", 0),
    "input": ("Process", 0),
    "process": ("Process", 0),
    "activity": ("Activity", 0),
    "outcome": ("Outcome", 1),
    "impact": ("Impact", 0),
}
NECESSARY_AT = ("Process", 0)  # the conditions "need to be present … for the model to be implemented"
CONTRIBUTING_AT = ("Process", 0)  # the processes "build on the inputs"


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
    raw_status = value.get("status", "")
    if not isinstance(raw_status, str):
        raise ProfileError(f"{where}.status: must be one of: {', '.join(allowed)}; got {_kind(raw_status)}")
    status = raw_status.strip().lower()
    if status not in allowed:
        raise ProfileError(f"{where}.status: '{raw_status}' is not one of: {', '.join(allowed)}")
    return Entry(status, _text(value.get("note"), f"{where}.note"), _text(value.get("evidence"), f"{where}.evidence"))


def _kind(value) -> str:
    return "a list" if isinstance(value, list) else "a mapping" if isinstance(value, dict) else \
        "true/false" if isinstance(value, bool) else type(value).__name__


def _text(value, where: str) -> str:
    """A free-text field: text (a number reads as written); a list, mapping or true/false is a mistake to name."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ProfileError(f"{where}: must be text, got {_kind(value)}")
    return str(value)


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
    fictional = data.get("fictional", False)
    if not isinstance(fictional, bool):
        raise ProfileError(f"{source}: field 'fictional' must be true or false, got {_kind(fictional)} "
                           f"'{str(fictional)[:40]}'")
    date = data.get("date")
    if date is not None and not isinstance(date, str | datetime.date):
        raise ProfileError(f"{source}: field 'date' must be a date (YYYY-MM-DD) or text, got {_kind(date)}")
    items = _section(data, "items", ASSESSED, STATUSES, kg, source)
    assumptions = _section(data, "assumptions", ("Assumption",), ASSUMPTION_STATUSES, kg, source)
    return Profile(place.strip(), items, assumptions, fictional, str(date or ""), source)


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


@dataclass(frozen=True)
class Column:
    """One column of the model (processes, activities, short-term outcomes, …) and what it adds."""

    label: str
    elements: tuple[str, ...]
    necessary: tuple[str, ...] = ()  # conditions and foundations that rest under it
    contributing: tuple[str, ...] = ()  # inputs, taken as a group


def item_key(n: NodeRecord) -> tuple:
    """Column order, a column's conditions or inputs before its foundations, then label A-Z."""
    return (int(n.order), n.type == "Foundation", n.label.casefold(), n.id)


def _column_label(n: NodeRecord) -> str:
    if n.type == "Outcome" and n.horizon:
        return f"{n.horizon.capitalize()}-term outcomes"
    if n.type == "Impact" and n.scope:
        return f"{n.scope.capitalize()} impacts"
    return n.stage_label or n.type


@functools.lru_cache(maxsize=8)
def columns(kg: KnowledgeGraph) -> tuple[Column, ...]:
    """The derived columns left to right, each with the necessary and contributing items it adds.

    Worked out once per graph (a build), not on every rerun of a page."""
    by_order: dict[float, list[NodeRecord]] = {}
    for n in kg.of_type(*DERIVED):
        by_order.setdefault(n.order, []).append(n)
    orders = sorted(by_order)
    index: dict[tuple[str, int], float] = {}
    for o in orders:
        typ = by_order[o][0].type
        index[(typ, sum(1 for k in index if k[0] == typ))] = o
    necessary: dict[float, list[NodeRecord]] = {o: [] for o in orders}
    for f in kg.of_type("Foundation"):
        gate = FOUNDATION_GATES.get(f.stage)
        if gate in index:
            necessary[index[gate]].append(f)
    if NECESSARY_AT in index:
        necessary[index[NECESSARY_AT]] += kg.of_type("Condition")
    inputs = kg.of_type("Input")
    out = []
    for o in orders:
        els = sorted(by_order[o], key=item_key)
        out.append(
            Column(
                _column_label(els[0]),
                tuple(n.id for n in els),
                tuple(n.id for n in sorted(necessary[o], key=item_key)),
                tuple(n.id for n in sorted(inputs, key=item_key)) if index.get(CONTRIBUTING_AT) == o else (),
            )
        )
    return tuple(out)


@functools.lru_cache(maxsize=8)
def gating_items(kg: KnowledgeGraph) -> tuple[str, ...]:
    """Every item a profile can mark that changes the assessment (partner visions gate nothing)."""
    used = {i for c in columns(kg) for i in (*c.necessary, *c.contributing)}
    return tuple(n.id for n in sorted(kg.of_type(*ASSESSED), key=item_key) if n.id in used)


def group_state(statuses: list[str]) -> str:
    """Contributing items as a group: all in place is enough; all missing leaves nothing to build on."""
    if all(s == "in place" for s in statuses):
        return "in place"
    if all(s == "missing" for s in statuses):
        return "blocked"
    if any(s in ("partly", "missing") for s in statuses) and any(s in ("in place", "partly") for s in statuses):
        return "at risk"
    return "unknown"


@dataclass
class Derived:
    state: dict[str, str]  # element id -> state, column by column
    because: dict[str, list[str]]  # element not in place -> the items that decide its state
    also: dict[str, list[str]]  # element -> the other items not in place it rests on


def derive(cols: tuple[Column, ...], kg: KnowledgeGraph, profile: Profile) -> Derived:
    """Walk the columns left to right; each takes the worst of the column before and what it adds."""
    state = {n.id: STATE_OF_STATUS[profile.status(n.id)] for n in sorted(kg.of_type(*MARKED), key=item_key)}
    because: dict[str, list[str]] = {}
    also: dict[str, list[str]] = {}
    rests_on: list[tuple[str, str]] = []  # (item, the state it imposes), cumulative along the columns
    for col in cols:
        rests_on += [(i, STATE_OF_STATUS[profile.status(i)]) for i in col.necessary]
        if col.contributing:
            g = group_state([profile.status(i) for i in col.contributing])
            rests_on += [(i, g) for i in col.contributing if profile.status(i) != "in place"]
        rests_on.sort(key=lambda x: item_key(kg.nodes[x[0]]))
        s = min((st_ for _, st_ in rests_on), key=LEVEL.get, default="in place")
        decide = [i for i, st_ in rests_on if st_ == s and s != "in place"]
        rest = [i for i, st_ in rests_on if st_ != "in place" and i not in decide]
        for n in col.elements:
            state[n] = s
            if decide:
                because[n] = decide
            if rest:
                also[n] = rest
    return Derived(state, because, also)


@dataclass
class Investment:
    id: str
    label: str
    type: str
    status: str
    moves: int  # outcomes and impacts that move up at least one state if this alone were put in place
    holds: int  # outcomes and impacts whose state it helps decide now
    moved: list[str]


@dataclass
class Together:
    """Every item deciding the state of the worst-off outcomes and impacts, put in place at once."""

    ids: list[str] = field(default_factory=list)
    moves: int = 0
    moved: list[str] = field(default_factory=list)


@dataclass
class Assessment:
    place: str
    state: dict[str, str]  # element id -> in place | at risk | unknown | blocked
    because: dict[str, list[str]]  # element not in place -> the items that decide its state
    also: dict[str, list[str]]  # element -> other items not in place that would hold it back next
    assumptions_at_risk: list[dict]
    invest: list[Investment]
    together: Together
    statuses: dict[str, str] = field(default_factory=dict)  # every item that counts -> its status as marked
    columns: tuple[Column, ...] = ()  # the derived columns the state was worked out over

    def of(self, *states: str, types: tuple[str, ...] | None = None, kg: KnowledgeGraph | None = None) -> list[str]:
        return [n for n, s in self.state.items() if s in states and (types is None or kg.nodes[n].type in types)]

    def summary(self, kg: KnowledgeGraph) -> dict[str, int]:
        res = [n for n in self.state if kg.nodes[n].type in RESULTS]
        return {s: sum(1 for n in res if self.state[n] == s) for s in LEVEL}

    def named(self, ids: list[str], kg: KnowledgeGraph) -> list[dict]:
        """Items with their label and marked status, as the reasons are shown."""
        return [{"id": i, "label": kg.nodes[i].label, "status": self.statuses.get(i, "unknown")} for i in ids]

    def why(self, n: str, kg: KnowledgeGraph) -> str:
        """'blocked by: A (missing), B (missing)'; '' for an element in place or marked by the place."""
        if n not in self.because:
            return ""
        items = ", ".join(f"{x['label']} ({x['status']})" for x in self.named(self.because[n], kg))
        return f"{WHY[self.state[n]]}: {items}"

    def to_json(self, kg: KnowledgeGraph) -> dict:
        named = lambda ids: self.named(ids, kg)  # noqa: E731

        return {
            "place": self.place,
            "summary": self.summary(kg),
            "elements": [
                {
                    "id": n,
                    "label": kg.nodes[n].label,
                    "type": kg.nodes[n].type,
                    "state": s,
                    "because": named(self.because.get(n, [])),
                    "also": named(self.also.get(n, [])),
                }
                for n, s in self.state.items()
            ],
            "assumptions_at_risk": self.assumptions_at_risk,
            "invest": [asdict(i) for i in self.invest],
            "together": asdict(self.together),
        }


NEXT_ORDER = ("missing", "partly", "unknown")  # what would hold back next, the most to do first


@dataclass
class Blocking:
    """Consecutive columns in one state for one reason: what decides them, said once for all of them."""

    columns: list[str]  # column labels, left to right
    state: str
    items: list[str]  # the items that decide it (ids)

    def span(self) -> str:
        """'Processes', or 'Processes to Wider impacts (7 columns)'."""
        if len(self.columns) == 1:
            return self.columns[0]
        return f"{self.columns[0]} to {self.columns[-1]} ({len(self.columns)} columns)"


@dataclass
class HoldsNext:
    """The items that would hold the model back next, from the first column they rest under (and every one after
    it: a column rests on everything the columns before it rest on), grouped by status."""

    column: str
    by_status: dict[str, list[str]]  # missing / partly / unknown -> ids


@dataclass
class Causes:
    """Why the columns are not in place, each cause said once: what decides each run of columns, then what would
    hold them back next once that is in place. ``Assessment.because`` and ``also`` list, per element, every item
    again in every column after it (a cell of 15 to 19 names each); this is the same reasoning, read once."""

    blocking: list[Blocking]
    next: list[HoldsNext]


def causes(result: Assessment) -> Causes:
    """Group ``result.because`` over consecutive columns and give each item of ``result.also`` once, at the first
    column it holds back; an item that decides a state somewhere is said there, not again as a next cause."""
    blocking: list[Blocking] = []
    joins = False  # the column before this one had a reason: a run can go on
    for c in result.columns:
        n = c.elements[0]
        decide = result.because.get(n, [])
        if joins and blocking[-1].state == result.state[n] and blocking[-1].items == decide:
            blocking[-1].columns.append(c.label)
        elif decide:
            blocking.append(Blocking([c.label], result.state[n], list(decide)))
        joins = bool(decide)
    said = {i for b in blocking for i in b.items}
    nxt: list[HoldsNext] = []
    for c in result.columns:
        new = [i for i in result.also.get(c.elements[0], []) if i not in said]
        said.update(new)
        groups = {s: [i for i in new if result.statuses.get(i, "unknown") == s] for s in NEXT_ORDER}
        if new:
            nxt.append(HoldsNext(c.label, {s: ids for s, ids in groups.items() if ids}))
    return Causes(blocking, nxt)


def _results(kg: KnowledgeGraph, state: dict[str, str]) -> list[str]:
    return [n for n in state if kg.nodes[n].type in RESULTS]


def _moved(kg: KnowledgeGraph, before: dict[str, str], after: dict[str, str]) -> list[str]:
    return [n for n in _results(kg, before) if LEVEL[after[n]] > LEVEL[before[n]]]


def rank_investments(cols: tuple[Column, ...], kg: KnowledgeGraph, profile: Profile, now: Derived) -> list[Investment]:
    """Each item not in place, put in place alone; ranked by what moves up, then what it holds back."""
    results = _results(kg, now.state)
    out = []
    for c in gating_items(kg):
        if profile.status(c) == "in place":
            continue
        trial = Profile(profile.place, {**profile.items, c: Entry("in place")}, profile.assumptions)
        moved = _moved(kg, now.state, derive(cols, kg, trial).state)
        holds = sum(1 for n in results if c in now.because.get(n, []))
        n = kg.nodes[c]
        out.append(Investment(c, n.label, n.type, profile.status(c), len(moved), holds, moved))
    out.sort(key=lambda i: (-i.moves, -i.holds, item_key(kg.nodes[i.id])))
    return out


def together(cols: tuple[Column, ...], kg: KnowledgeGraph, profile: Profile, now: Derived) -> Together:
    results = _results(kg, now.state)
    worst = min((now.state[n] for n in results), key=LEVEL.get, default="in place")
    if worst == "in place":
        return Together()
    ids = sorted(
        {i for n in results if now.state[n] == worst for i in now.because.get(n, [])},
        key=lambda i: item_key(kg.nodes[i]),
    )
    trial = Profile(profile.place, {**profile.items, **{i: Entry("in place") for i in ids}}, profile.assumptions)
    moved = _moved(kg, now.state, derive(cols, kg, trial).state)
    return Together(ids, len(moved), moved)


def assumptions_at_risk(kg: KnowledgeGraph, profile: Profile, state: dict[str, str]) -> list[dict]:
    """Assumptions under elements in place or at risk that the place has not confirmed (doubtful first)."""
    out: dict[str, dict] = {}
    for n, s in state.items():
        if s not in ("in place", "at risk"):
            continue
        for d, a in kg.neighbours(n).get("underpinnedBy", []):
            status = profile.assumptions.get(a, Entry("unknown")).status
            if d == "out" and status != "holds" and a not in out:
                out[a] = {"id": a, "label": kg.nodes[a].label, "status": status}
    return sorted(out.values(), key=lambda x: (x["status"] != "doubtful", kg.nodes[x["id"]].order))


def assess(kg: KnowledgeGraph, profile: Profile) -> Assessment:
    """The place's assessment under the rules of docs/assessment.md (columns, not element links)."""
    cols = columns(kg)
    now = derive(cols, kg, profile)
    return Assessment(
        profile.place,
        now.state,
        now.because,
        now.also,
        assumptions_at_risk(kg, profile, now.state),
        rank_investments(cols, kg, profile, now),
        together(cols, kg, profile, now),
        {i: profile.status(i) for i in gating_items(kg)},
        cols,
    )


@dataclass
class Comparison:
    places: list[str]
    changed: list[dict]  # element, state per profile
    up: list[str]  # outcomes/impacts in a better state in the last profile than in the first
    down: list[str]  # … in a worse state
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
    up = [n for n in res if LEVEL[last.state[n]] > LEVEL[first.state[n]]]
    down = [n for n in res if LEVEL[last.state[n]] < LEVEL[first.state[n]]]
    items = item_changes(profiles, kg) if profiles else []
    return Comparison([a.place for a in assessments], changed, up, down, items)


TOGETHER_NAMED = 4  # items a "together" sentence names; the rest are counted


def _named(label: str) -> str:
    """A label inside a sentence: its own closing stop left out, and quoted when it holds a comma or a stop of its
    own ("Time to invest in the inputs and Commissioners … in their places." read as two sentences)."""
    label = label.strip().rstrip(" .;,")
    return f"“{label}”" if any(c in label for c in ",.;:") else label


def together_sentence(kg: KnowledgeGraph, result: Assessment) -> str:
    """What putting ``result.together`` in place would move, in one sentence (the app, its report and the CLI)."""
    t = result.together
    if not t.ids:
        return ""
    names = [_named(kg.nodes[i].whole_label) for i in t.ids]
    if len(names) == 1:  # "put in place together" read oddly of one item (a browser walk)
        return f"Putting {names[0]} in place would move {t.moves} of 16 outcomes and impacts up."
    if len(names) > TOGETHER_NAMED:  # an empty profile's sentence had run through all 23 items
        more = len(names) - TOGETHER_NAMED
        names = [*names[:TOGETHER_NAMED], f"{more} more of the items above"]
    return (f"Put in place together, {', '.join(names[:-1])} and {names[-1]} would move {t.moves} of 16 outcomes "
            "and impacts up.")
