"""Fragility: cut sets of assumptions and evidence strength, on hand-worked graphs and on the corpus.

The small graphs are written as RDF (the same triples ingest writes) and read through the real
records, view and path finder, so the attachment rule is tested from ``ep:underpinnedBy`` /
``ep:hasFoundation`` onwards. Every expected answer below was worked out by hand first.
"""

from __future__ import annotations

import csv
import io
import random

import networkx as nx
import pytest
from rdflib import Graph

from graph.analysis.fragility import FragilityAnalysis, RouteCounter, to_csv
from graph.analysis.pathways import Pathways
from graph.ns import ID

PREFIXES = """
@prefix ep: <https://w3id.org/empowering-places/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
"""


def _u(nid: str) -> str:
    return f"<{ID}{nid}>"


def _el(nid: str, cls: str, stage: str, label: str, attached: tuple[str, ...] = (), found: tuple[str, ...] = ()) -> str:
    extra = "".join(f" ; ep:underpinnedBy {_u(a)}" for a in attached) + "".join(f" ; ep:hasFoundation {_u(f)}"
                                                                               for f in found)
    return (f'{_u(nid)} a ep:{cls} ; skos:prefLabel "{label}" ; ep:text "{label}." ; '
            f"ep:stage ep:stage-{stage}{extra} .\n")


def _att(nid: str, cls: str, stage: str, text: str) -> str:
    return f'{_u(nid)} a ep:{cls} ; skos:prefLabel "{text}" ; ep:text "{text}" ; ep:stage ep:stage-{stage} .\n'


def _link(a: str, b: str, basis: str, weight: float, evidence: str = "", author: str = "") -> str:
    lid = f"link/{a.replace('/', '-')}--{b.replace('/', '-')}"
    who = f' ; prov:wasAttributedTo [ rdfs:label "{author}" ] ; ep:reason "a curator\'s reason"' if author else ""
    return (f"{_u(lid)} a ep:CausalLink ; ep:linkFrom {_u(a)} ; ep:linkTo {_u(b)} ; ep:basis \"{basis}\" ; "
            f'ep:weight {weight} ; ep:evidence "{evidence or a + " resembles " + b}"{who} .\n')


def _case_link(case: str, element: str, quote: str) -> str:
    return (f"[] a ep:CaseLink ; ep:case {_u(case)} ; ep:element {_u(element)} ; ep:basis \"semantic\" ; "
            f'ep:weight 0.5 ; ep:evidence "{quote}" .\n')


# Graph 1, by hand.
#
#   C (condition) ──stated──▶ P1 ──inferred .4──▶ O ──inferred .3──▶ T (impact)
#        └────────stated────▶ P2 ──shown .6─────▶ O        O ──inferred .5──▶ T2 (impact)
#   I (input) ─────curated .9─▶ P2 ──stated──────────────────────────▶ T
#
# Routes to T (simple paths from C or I, ≤ 8 links):
#   r1 C P1 O T · r2 C P2 O T · r3 C P2 T · r4 I P2 O T · r5 I P2 T               → 5
# Attachments: aC on C; aI on I; aP on P1 and P2 (a stage-wide assumption); fP (foundation) on P2 only;
# aO on O; aT on T; aV on the vision (on no route); aL on no element, but its sentence is the stated
# evidence of P2 → T, so the link rests on it.
# If it failed, T loses: aP r1–r5 = 5 (every route) · aT 5 (T itself falls: "own") · fP r2–r5 = 4 ·
# aC r1–r3 = 3 · aO r1 r2 r4 = 3 · aI r4 r5 = 2 · aL r3 r5 = 2 · aV 0.
# Evidence: C→P1 stated, C→P2 stated, I→P2 curated, P1→O inferred, P2→O shown (case K illustrates P2
# and O), P2→T stated, O→T inferred, O→T2 inferred. Strong (every step stated or shown) routes to T:
# r3 only → 1. Routes to T2: C P1 O T2 · C P2 O T2 · I P2 O T2 → 3, every one through O (and P2? no: r1
# goes through P1), so O is on every route and aO cuts all 3.
P2T = "Process two leads straight to the impact"
GRAPH_1 = PREFIXES + "".join([
    _el("vision/v", "Vision", "vision", "The vision", ("assumption/av",)),
    _el("condition/c", "Condition", "condition", "Condition C", ("assumption/ac",)),
    _el("input/i", "Input", "input", "Input I", ("assumption/ai",)),
    _el("process/p1", "Process", "process", "Process one", ("assumption/ap",)),
    _el("process/p2", "Process", "process", "Process two", ("assumption/ap",), ("foundation/fp",)),
    _el("outcome/o", "Outcome", "outcome", "Outcome O", ("assumption/ao",)),
    _el("impact/t", "Impact", "impact", "Impact T", ("assumption/at",)),
    _el("impact/t2", "Impact", "impact", "Impact T2"),
    _att("assumption/av", "Assumption", "vision", "A vision assumption."),
    _att("assumption/ac", "Assumption", "condition", "A condition assumption."),
    _att("assumption/ai", "Assumption", "input", "An input assumption."),
    _att("assumption/ap", "Assumption", "process", "A process assumption."),
    _att("foundation/fp", "Foundation", "process", "A process foundation."),
    _att("assumption/ao", "Assumption", "outcome", "An outcome assumption."),
    _att("assumption/at", "Assumption", "impact", "An impact assumption."),
    _att("assumption/al", "Assumption", "process", f"We take it that {P2T}."),
    _link("condition/c", "process/p1", "textual", 0.9, "C makes P1 happen"),
    _link("condition/c", "process/p2", "textual", 0.8, "C makes P2 happen"),
    _link("input/i", "process/p2", "curated", 0.9, "I feeds P2", author="a curator"),
    _link("process/p1", "outcome/o", "inferred", 0.4),
    _link("process/p2", "outcome/o", "inferred", 0.6),
    _link("process/p2", "impact/t", "textual", 0.85, P2T),
    _link("outcome/o", "impact/t", "inferred", 0.3),
    _link("outcome/o", "impact/t2", "inferred", 0.5),
    '<IDcasestudy/k> a ep:CaseStudy ; skos:prefLabel "Case K" ; ep:text "Case K did P2 and got O." .\n',
    _case_link("casestudy/k", "process/p2", "Case K ran process two."),
    _case_link("casestudy/k", "outcome/o", "Case K then saw outcome O."),
    # where aP's words come from: document, section, offsets, quote
    "<IDassumption/ap> ep:hasSource <IDspan/ap> .\n",
    '<IDspan/ap> oa:hasSource <IDdoc/d1> ; ep:section <IDsection/s1> ; oa:hasSelector [ oa:start 10 ; oa:end 32 ] ,'
    ' [ oa:exact "A process assumption." ] .\n',
    '<IDdoc/d1> dcterms:title "The model" ; dcterms:identifier "corpus/model.md" .\n',
    '<IDsection/s1> rdfs:label "Processes" .\n',
])


def _analysis(ttl: str) -> tuple[Pathways, FragilityAnalysis]:
    pw = Pathways(Graph().parse(data=ttl.replace("<ID", f"<{ID}"), format="turtle"))
    return pw, FragilityAnalysis.from_pathways(pw)


@pytest.fixture(scope="module")
def small():
    return _analysis(GRAPH_1)


def _rows(f) -> list[tuple]:
    return [(r.node["id"], r.lost, r.total, r.everywhere, r.own) for r in f.rows]


def test_attachment_rule_elements_and_stated_links(small):
    _, fa = small
    got = {a: (sorted(x.elements), sorted(x.links)) for a, x in fa.attached.items()}
    assert got == {
        "assumption/av": (["vision/v"], []),  # attached, but the vision is on no route (no arrow enters or leaves)
        "assumption/ac": (["condition/c"], []),
        "assumption/ai": (["input/i"], []),
        "assumption/ap": (["process/p1", "process/p2"], []),
        "foundation/fp": (["process/p2"], []),
        "assumption/ao": (["outcome/o"], []),
        "assumption/at": (["impact/t"], []),
        "assumption/al": ([], [("process/p2", "impact/t")]),  # the link is stated as this assumption
    }


def test_what_every_route_to_an_impact_rests_on_and_the_cut_ranking(small):
    _, fa = small
    f = fa.for_target("impact/t")
    assert (f.total, f.strong_total, f.method, f.exact) == (5, 1, "counted", True)
    assert _rows(f) == [
        ("assumption/ap", 5, 5, True, False),
        ("assumption/at", 5, 5, True, True),
        ("foundation/fp", 4, 5, False, False),
        ("assumption/ac", 3, 5, False, False),
        ("assumption/ao", 3, 5, False, False),
        ("assumption/ai", 2, 5, False, False),
        ("assumption/al", 2, 5, False, False),
    ]
    assert [r.node["id"] for r in f.everywhere] == ["assumption/ap", "assumption/at"]
    assert [r.node["id"] for r in f.most_cutting] == ["assumption/ap"]
    assert f.on_every_route == []
    fp = next(r for r in f.rows if r.node["id"] == "foundation/fp")
    assert (fp.elements, fp.links) == (["process/p2"], [])
    al = next(r for r in f.rows if r.node["id"] == "assumption/al")
    assert (al.elements, al.links) == ([], [("process/p2", "impact/t")])


def test_an_element_on_every_route_makes_its_assumptions_common(small):
    _, fa = small
    f = fa.for_target("impact/t2")
    assert f.total == 3
    assert [n["id"] for n in f.on_every_route] == ["outcome/o"]
    assert _rows(f) == [
        ("assumption/ap", 3, 3, True, False),
        ("assumption/ao", 3, 3, True, False),
        ("assumption/ac", 2, 3, False, False),
        ("foundation/fp", 2, 3, False, False),
        ("assumption/ai", 1, 3, False, False),
    ]
    assert [r.node["id"] for r in f.most_cutting] == ["assumption/ap", "assumption/ao"]


def test_if_an_assumption_failed_across_every_outcome_and_impact(small):
    _, fa = small
    # Routes: O 3 (C P1 O, C P2 O, I P2 O), T 5, T2 3 → 11. fP (on P2) cuts O 2, T 4, T2 2 → 8 and cuts off none.
    cut = fa.if_failed("foundation/fp")
    assert (cut.lost, cut.total, cut.cut_off) == (8, 11, [])
    assert [(t["id"], t["lost"], t["total"], t["cut_off"]) for t in cut.per_target] == [
        ("impact/t", 4, 5, False), ("outcome/o", 2, 3, False), ("impact/t2", 2, 3, False)]
    # aO falls with O: O itself (3), T r1 r2 r4 (3), T2 all 3 → 9; O and T2 lose every route.
    cut = fa.if_failed("assumption/ao")
    assert (cut.lost, cut.cut_off) == (9, ["outcome/o", "impact/t2"])
    assert [(c.node["id"], c.lost) for c in fa.ranking()] == [
        ("assumption/ap", 11), ("assumption/ao", 9), ("foundation/fp", 8), ("assumption/ac", 7),
        ("assumption/at", 5), ("assumption/ai", 4), ("assumption/al", 2), ("assumption/av", 0)]


def test_evidence_strength_per_link(small):
    _, fa = small
    levels = {(a, b): fa.evidence(a, b).level for a, b in fa.G.edges}
    assert levels == {
        ("condition/c", "process/p1"): "stated", ("condition/c", "process/p2"): "stated",
        ("input/i", "process/p2"): "curated", ("process/p1", "outcome/o"): "inferred",
        ("process/p2", "outcome/o"): "shown", ("process/p2", "impact/t"): "stated",
        ("outcome/o", "impact/t"): "inferred", ("outcome/o", "impact/t2"): "inferred"}
    shown = fa.evidence("process/p2", "outcome/o")
    assert [c.to_json() for c in shown.cases] == [{"case": "casestudy/k", "source_quote": "Case K ran process two.",
                                                   "target_quote": "Case K then saw outcome O.", "figures": []}]
    assert shown.why == "no document states it, but 1 case study illustrates both ends (Case K)"  # its title
    assert "a curator" in fa.evidence("input/i", "process/p2").why
    assert fa.evidence("process/p2", "impact/t").quote == P2T


def test_weakest_step_of_a_chosen_route(small):
    _, fa = small
    # I →curated .9→ P2 →shown .6→ O: curated is weaker than shown whatever the weights.
    r = fa.route(["input/i", "process/p2", "outcome/o"])
    assert ([e.level for e in r.evidence], r.weakest, r.strong) == (["curated", "shown"], 0, False)
    # C →stated→ P1 →inferred .4→ O →inferred .3→ T: the lowest level, then the lowest weight.
    r = fa.route(["condition/c", "process/p1", "outcome/o", "impact/t"])
    assert (r.weakest, r.evidence[r.weakest].source, r.evidence[r.weakest].weight) == (2, "outcome/o", 0.3)
    assert fa.route(["condition/c", "process/p2", "impact/t"]).strong


def test_strong_only_keeps_routes_whose_every_step_is_stated_or_shown(small):
    _, fa = small
    f = fa.for_target("impact/t", strong_only=True)
    assert (f.total, f.strong_total) == (1, 1)
    assert [r.path.nodes for r in f.routes] == [["condition/c", "process/p2", "impact/t"]]
    # On that one route, every assumption on C, P2, T and the stated link cut it.
    assert _rows(f) == [("assumption/ac", 1, 1, True, False), ("assumption/ap", 1, 1, True, False),
                        ("assumption/al", 1, 1, True, False), ("foundation/fp", 1, 1, True, False),
                        ("assumption/at", 1, 1, True, True)]


def test_listed_routes_carry_their_weakest_step(small):
    _, fa = small
    f = fa.for_target("impact/t", routes=10)
    assert sorted(r.path.nodes for r in f.routes) == sorted([
        ["condition/c", "process/p1", "outcome/o", "impact/t"], ["condition/c", "process/p2", "outcome/o", "impact/t"],
        ["condition/c", "process/p2", "impact/t"], ["input/i", "process/p2", "outcome/o", "impact/t"],
        ["input/i", "process/p2", "impact/t"]])
    js = f.to_json()
    assert js["routes_total"] == 5 and js["everywhere"] == ["assumption/ap", "assumption/at"]
    weakest = {tuple(r["nodes"]): (r["weakest"]["source"], r["weakest"]["level"]) for r in js["routes"]}
    assert weakest[("input/i", "process/p2", "impact/t")] == ("input/i", "curated")
    assert weakest[("condition/c", "process/p2", "impact/t")] == ("condition/c", "stated")  # 0.8 < 0.85


def test_csv_lists_every_assumption_with_its_sources(small):
    _, fa = small
    rows = list(csv.DictReader(io.StringIO(to_csv(fa.for_target("impact/t")))))
    assert [(r["rank"], r["id"], r["routes_lost"], r["routes_total"], r["on_every_route"]) for r in rows] == [
        ("1", "assumption/ap", "5", "5", "yes"), ("2", "assumption/at", "5", "5", "yes"),
        ("3", "foundation/fp", "4", "5", "no"), ("4", "assumption/ac", "3", "5", "no"),
        ("5", "assumption/ao", "3", "5", "no"), ("6", "assumption/ai", "2", "5", "no"),
        ("7", "assumption/al", "2", "5", "no")]
    ap = rows[0]
    assert (ap["document"], ap["section"], ap["start"], ap["end"], ap["quote"]) == (
        "The model", "Processes", "10", "32", "A process assumption.")
    assert ap["elements"] == "process/p1; process/p2" and ap["stage"] == "Processes"
    assert ap["text"] == "A process assumption." and ap["also_in"] == ""


def test_the_seed_csv_counts_each_assumption_once_with_its_whole_text(pw):
    """The download listed an assumption once per source document (ranks 6–9 twice) and only its label, cut at
    60 characters ("…build awareness of the…"; found in a browser walk)."""
    fa = FragilityAnalysis.from_pathways(pw)
    target = "outcome/income-is-retained-and-recycled-in-the-local"
    rows = list(csv.DictReader(io.StringIO(to_csv(fa.for_target(target)))))
    assert [r["rank"] for r in rows] == [str(i) for i in range(1, len(rows) + 1)]
    assert len({r["id"] for r in rows}) == len(rows) > 10
    for r in rows:
        assert not r["text"].endswith("…") and r["text"].startswith(r["label"].removesuffix("…"))
    assert any(r["also_in"] for r in rows)


# Graph 2, by hand: a cycle P1 ⇄ P2 (a hand-made graph may have one; routes are then enumerated).
#   C → P1 → T, C → P1 → P2 → T, P2 → P1. Simple routes to T: C P1 T · C P1 P2 T → 2
#   (C P1 P2 P1 … repeats P1). aQ on P2 cuts 1; aC on C cuts 2.
GRAPH_2 = PREFIXES + "".join([
    _el("condition/c", "Condition", "condition", "Condition C", ("assumption/ac",)),
    _el("process/p1", "Process", "process", "Process one"),
    _el("process/p2", "Process", "process", "Process two", ("assumption/aq",)),
    _el("impact/t", "Impact", "impact", "Impact T"),
    _att("assumption/ac", "Assumption", "condition", "A condition assumption."),
    _att("assumption/aq", "Assumption", "process", "A process assumption."),
    _link("condition/c", "process/p1", "inferred", 0.5),
    _link("process/p1", "process/p2", "curated", 0.5, author="x"),
    _link("process/p2", "process/p1", "curated", 0.5, author="x"),
    _link("process/p1", "impact/t", "inferred", 0.5),
    _link("process/p2", "impact/t", "inferred", 0.5),
])


def test_a_cyclic_graph_is_enumerated_with_the_same_rule():
    _, fa = _analysis(GRAPH_2)
    f = fa.for_target("impact/t")
    assert (f.total, f.method, f.exact) == (2, "enumerated", True)
    assert _rows(f) == [("assumption/ac", 2, 2, True, False), ("assumption/aq", 1, 2, False, False)]
    assert [n["id"] for n in f.on_every_route] == ["condition/c", "process/p1"]


def test_the_length_cap_bounds_the_route_set(small):
    _, fa = small
    # With at most 2 links only C P2 T and I P2 T reach T; aP and fP (both on P2) and aL (the stated
    # link P2 → T) then cut both; aC and aI one each.
    f = fa.for_target("impact/t", max_depth=2)
    assert f.total == 2
    assert _rows(f) == [("assumption/ap", 2, 2, True, False), ("assumption/al", 2, 2, True, False),
                        ("foundation/fp", 2, 2, True, False), ("assumption/at", 2, 2, True, True),
                        ("assumption/ac", 1, 2, False, False), ("assumption/ai", 1, 2, False, False)]


def test_counting_equals_enumerating_on_random_dags():
    """The counting pass and plain enumeration of simple paths agree, for every removal, on 30 DAGs."""
    rng = random.Random(7)
    for trial in range(30):
        n = rng.randint(4, 11)
        G = nx.DiGraph()
        G.add_nodes_from(range(n))
        G.add_edges_from((a, b) for a in range(n) for b in range(a + 1, n) if rng.random() < 0.35)
        roots = [v for v in range(n) if rng.random() < 0.3] or [0]
        depth = rng.randint(1, 6)
        counted = RouteCounter(G, roots, depth)
        listed = RouteCounter(G, roots, depth)
        listed.acyclic = False
        for _ in range(5):
            nodes = frozenset(v for v in range(n) if rng.random() < 0.15)
            links = frozenset(e for e in G.edges if rng.random() < 0.1)
            assert counted.routes(range(n), nodes, links) == listed.routes(range(n), nodes, links), trial
        target = n - 1
        assert counted.through(target) == listed.through(target), trial


# --------------------------------------------------------------------------- the corpus

PROSPERITY = "impact/prosperity"
OUTCOME_STAGE = ["assumption/outcome-innovation-does-not-have-to-mean-completely",
                 "assumption/outcome-social-innovation-benefits-all-smes-and-anchor",
                 "foundation/outcome-aligning-support-with-thematic-social-issues-such",
                 "foundation/outcome-local-anchor-institutions-exhibit-a-good-level",
                 "foundation/outcome-looking-sideways-at-examples-of-good-practice"]
IMPACT_STAGE = ["assumption/impact-community-social-capital-and-co-operation-can",
                "assumption/impact-greater-recognition-of-the-role-democratic-business",
                "assumption/impact-scaling-across-as-well-as-up-will",
                "foundation/impact-greater-weight-is-being-given-to-wider"]
PROCESS_STAGE = ["assumption/process-commissioning-with-a-collective-mindset-rather-than",
                 "assumption/process-paying-attention-to-and-adequately-resourcing-the",
                 "foundation/process-frequent-purposeful-communication-among-support-agencies-to",
                 "foundation/process-locally-led-asset-based-design-and-communication",
                 "foundation/process-mechanisms-need-to-be-put-in-place"]
ACTIVITY_STAGE = ["assumption/activity-relational-approaches-are-not-necessarily-more-expensive",
                  "assumption/activity-transformational-support-is-more-effective-over-the",
                  "foundation/activity-monitoring-systems-which-take-into-account-and",
                  "foundation/activity-pro-bono-or-in-kind-private-sector"]
INPUT_STAGE = ["assumption/input-building-in-time-for-reflection-and-funding",
               "assumption/input-shared-outcomes-and-resources-encourage-meaningful-collaboration",
               "foundation/input-commissioners-and-funders-understand-and-want-to",
               "foundation/input-continuous-learning-is-built-into-programmes-investing",
               "foundation/input-previous-or-current-footprint-of-support-for"]
CONDITION_STAGE = ["assumption/condition-enabling-local-support-organisations-to-learn-and",
                   "assumption/condition-there-are-enough-local-actors-who-are",
                   "foundation/condition-a-greater-appetite-for-longevity-and-risk",
                   "foundation/condition-commitment-to-community-wealth-building-within-local",
                   "foundation/condition-culture-of-authentic-co-creation-which-brings"]


@pytest.fixture(scope="module")
def corpus(build_dir):
    pw = Pathways.load(build_dir, "memory")
    return pw, FragilityAnalysis.from_pathways(pw)


def test_prosperity_on_the_seed_model(corpus):
    """Worked example of docs/pathways.md: every route to Prosperity, what they all rest on, what cuts most."""
    _, fa = corpus
    f = fa.for_target(PROSPERITY)
    assert (f.total, f.strong_total, f.method, f.exact) == (314, 0, "counted", True)
    # the same route set listed by networkx: 148 start at a condition, 166 at an input
    aug = fa.G.copy()
    aug.add_edges_from(("start", n) for n, d in fa.G.nodes(data=True) if d["type"] in ("Condition", "Input"))
    listed = [p[1:] for p in nx.all_simple_paths(aug, "start", PROSPERITY, cutoff=9)]
    assert len(listed) == 314
    assert sum(fa.G.nodes[p[0]]["type"] == "Condition" for p in listed) == 148
    assert [n["id"] for n in f.on_every_route] == ["outcome/good-business"]
    # Foundations are written for a whole stage; assumptions sit under the elements their words speak about
    # (tests/test_assumption_attachments.py). Every route passes through a process (inferred links never skip a
    # stage) and through 'Good business', so what cuts every route is: the process and outcome foundations, the
    # assumption about "the frameworks and processes which underpin delivery" (every process), the outcome
    # assumption nothing matched (its whole stage, marked), and the one on 'Good business'. The rest cut the
    # routes through their own elements only: 35 through Relational approaches, 46 through Local intelligence, …
    process_f, outcome_f = PROCESS_STAGE[2:], OUTCOME_STAGE[2:]
    expected = ([("assumption/process-paying-attention-to-and-adequately-resourcing-the", 314)]
                + [(a, 314) for a in process_f]
                + [("assumption/outcome-innovation-does-not-have-to-mean-completely", 314),
                   ("assumption/outcome-social-innovation-benefits-all-smes-and-anchor", 314)]
                + [(a, 314) for a in outcome_f] + [(IMPACT_STAGE[3], 314)]
                + [(a, 294) for a in ACTIVITY_STAGE[2:]]
                + [("assumption/impact-scaling-across-as-well-as-up-will", 267)]
                + [(a, 166) for a in INPUT_STAGE[2:]] + [(a, 148) for a in CONDITION_STAGE[2:]]
                + [("assumption/impact-greater-recognition-of-the-role-democratic-business", 136),
                   ("assumption/input-building-in-time-for-reflection-and-funding", 120),
                   ("assumption/input-shared-outcomes-and-resources-encourage-meaningful-collaboration", 106),
                   ("assumption/activity-transformational-support-is-more-effective-over-the", 105),
                   ("assumption/condition-enabling-local-support-organisations-to-learn-and", 92),
                   ("assumption/process-commissioning-with-a-collective-mindset-rather-than", 74),
                   ("assumption/condition-there-are-enough-local-actors-who-are", 46),
                   ("assumption/activity-relational-approaches-are-not-necessarily-more-expensive", 35)])
    assert [(r.node["id"], r.lost) for r in f.rows] == expected
    everywhere = [a for a, lost in expected if lost == 314]
    assert [r.node["id"] for r in f.everywhere] == everywhere
    assert [r.node["id"] for r in f.most_cutting] == everywhere[:-1]  # less Prosperity's own foundation
    # Prosperity's own: the impact stage's foundation; no assumption speaks of Prosperity itself
    assert {r.node["id"] for r in f.rows if r.own} == {IMPACT_STAGE[3]}
    relational = next(r for r in f.rows if r.node["id"].startswith("assumption/activity-relational"))
    assert relational.elements == ["activity/relational-approaches"]
    assert [(a["element"], a["basis"]) for a in relational.attached] == [("activity/relational-approaches", "stated")]
    # the best route: Resources → Create a referral network (inferred) → … → Local support organisations
    # become sustainable/connected → Businesses sustainable (shown: Cleobury Country Ltd, "a hub for a wide range
    # of local knowledge and information [that] runs services for local businesses and citizens", illustrates
    # both) → 'Good business' (shown: the network of anchor organisations' worked example, "1400 jobs and £120m
    # GVA to the local economy", is evidence for the one and an example of the other) → Prosperity (no case
    # illustrates both ends: inferred); its weakest is its least similar inferred step, 'Good business' →
    # Prosperity (0.36)
    best = f.routes[0]
    w = best.evidence[best.weakest]
    assert (w.source, w.target, w.level) == ("outcome/good-business", PROSPERITY, "inferred")
    assert [e.level for e in best.evidence] == ["inferred", "curated", "stated", "shown", "shown", "inferred"]
    assert [c.case for c in best.evidence[3].cases] == ["casestudy/cleobury-country-ltd"]
    assert [c.case for c in best.evidence[4].cases] == [
        "casestudy/network-of-diverse-responsible-businesses-and-enterprises-example"]


def test_every_impact_names_what_all_its_routes_share_and_what_cuts_most_with_sources(corpus):
    _, fa = corpus
    impacts = [t for t in fa.targets() if t.startswith("impact/")]
    assert len(impacts) == 8
    for t in impacts:
        f = fa.for_target(t, routes=1)
        assert f.total > 0 and f.everywhere and f.most_cutting, t
        assert {r.node["stage"] for r in f.everywhere if r.own} == {"impact"}, t
        for r in f.everywhere + f.most_cutting:
            assert r.sources and all(s["document"] and s["quote"] for s in r.sources), (t, r.node["id"])
        assert f.routes and f.routes[0].weakest is not None


def test_corpus_cut_offs_agree_with_what_rests_on_an_assumption(corpus):
    """Two implementations, one answer: counting's "no route left" equals rests_on's reachability breaks."""
    pw, fa = corpus
    for aid in fa.attached:
        assert sorted(fa.if_failed(aid).cut_off) == sorted(b["id"] for b in pw.rests_on(aid).breaks), aid


def test_every_corpus_link_has_one_evidence_level(corpus):
    pw, fa = corpus
    levels = [fa.evidence(a, b).level for a, b in fa.G.edges]
    bases = [d["basis"] for _, _, d in fa.G.edges(data=True)]
    assert len(levels) == len(bases) == len(pw.kg.links) - 7  # less the stage-level links
    assert levels.count("stated") == bases.count("textual")
    assert levels.count("curated") + levels.count("shown") + levels.count("inferred") == len(levels) - bases.count(
        "textual")
    for a, b in fa.G.edges:
        e = fa.evidence(a, b)
        if e.level == "stated":
            assert e.document and e.quote


def test_a_case_linked_to_an_assumption_is_evidence_for_it_in_the_fragility_view():
    """A case link to an assumption reads as evidence for it: the fragility rows, the failure of one assumption
    and the CSV say from how many case studies, with the sentence; an assumption no case reaches has none."""
    extra = ('<IDcasestudy/l> a ep:CaseStudy ; skos:prefLabel "Case L" ; ep:text "Case L." .\n'
             + _case_link("casestudy/k", "assumption/ap", "Case K kept process two cheap.")
             + _case_link("casestudy/l", "assumption/ap", "Case L found the process paid for itself."))
    _, fa = _analysis(GRAPH_1 + extra)
    f = fa.for_target("impact/t")
    ap = next(r for r in f.rows if r.node["id"] == "assumption/ap")
    assert [(c["case"], c["label"], c["basis"], c["quote"]) for c in ap.cases] == [
        ("casestudy/k", "Case K", "semantic", "Case K kept process two cheap."),
        ("casestudy/l", "Case L", "semantic", "Case L found the process paid for itself.")]
    assert [len(r.cases) for r in f.rows] == [2, 0, 0, 0, 0, 0, 0]
    assert ap.to_json()["evidence_cases"] == 2 and fa.if_failed("assumption/ap").to_json()["evidence_cases"] == 2
    rows = list(csv.DictReader(io.StringIO(to_csv(f))))
    assert [(r["id"], r["evidence_cases"]) for r in rows][:2] == [("assumption/ap", "2"), ("assumption/at", "0")]
    assert fa.case_evidence("assumption/ac") == []
