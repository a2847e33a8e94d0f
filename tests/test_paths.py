"""Pathways, assumption chains and case-study evidence over the real built graph."""

from __future__ import annotations

import pytest

from graph.analysis.paths import UnknownNode
from graph.analysis.pathways import ELEMENT_TYPES, Pathways

REFERRAL = "process/create-a-referral-network"
INCOME = "outcome/income-is-retained-and-recycled-in-the-local"
HALIFAX = "casestudy/halifax-opportunities-trust-jubilee-childrens-centre"


def _respects_stage_order(pw: Pathways, path) -> None:
    for link in path.links:
        a, b = pw.kg.nodes[link.source], pw.kg.nodes[link.target]
        assert b.order > a.order or (b.order == a.order and link.basis in ("textual", "curated")), link
        assert link.basis in ("textual", "inferred", "curated") and link.evidence and 0 < link.weight <= 1
    assert [link.source for link in path.links] == path.nodes[:-1]
    assert [link.target for link in path.links] == path.nodes[1:]


def test_referral_network_reaches_short_term_outcomes_and_impacts(pw):
    res = pw.forward(REFERRAL, max_paths=50)
    assert res.found
    reached = {n for p in res.paths for n in p.nodes}
    assert any(pw.kg.nodes[n].horizon == "short" for n in reached)
    assert all(pw.kg.nodes[p.nodes[-1]].type == "Impact" for p in res.paths)
    for p in res.paths:
        _respects_stage_order(pw, p)
    costs = [p.cost for p in res.paths]
    assert costs == sorted(costs)


def test_k_best_paths_between_two_elements(pw):
    res = pw.paths(REFERRAL, "impact/prosperity", k=3)
    assert 1 <= len(res.paths) <= 3
    assert len({tuple(p.nodes) for p in res.paths}) == len(res.paths)
    for p in res.paths:
        assert p.nodes[0] == REFERRAL and p.nodes[-1] == "impact/prosperity"
        _respects_stage_order(pw, p)
    js = res.to_json()["paths"][0]
    assert {"id", "type", "label", "text"} <= set(js["nodes"][0])
    assert {"basis", "weight", "evidence"} <= set(js["links"][0])


def test_backward_paths_rest_on_conditions_and_inputs(pw):
    res = pw.backward("impact/successful-communities", max_paths=20)
    assert res.found
    for p in res.paths:
        assert pw.kg.nodes[p.nodes[0]].type in ("Condition", "Input")
        assert p.nodes[-1] == "impact/successful-communities"
        _respects_stage_order(pw, p)
    assert len(res.paths) <= 20 and all(len(p.links) <= 8 for p in res.paths)


def test_no_path_says_so_and_offers_the_nearest_nodes(pw):
    res = pw.paths("impact/prosperity", REFERRAL)  # backwards in the model
    assert not res.found and "earlier" in res.message
    assert res.reverse and pw.paths(REFERRAL, "impact/prosperity").found  # the other way round runs
    assert res.message == ("no path from 'Prosperity' (impact/prosperity) to 'Create a referral network' ("
                           f"{REFERRAL}): the end comes earlier in the model, and arrows only run left to right; "
                           "a path runs the other way")
    assert res.explain(lambda i: pw.kg.nodes[i].label) == ("no path from Prosperity to Create a referral network: "
                                                          "the end comes earlier in the model, and arrows only run "
                                                          "left to right; a path runs the other way")
    res = pw.paths("condition/collective-local-vision", "condition/long-term-commitment")
    assert not res.found and res.message.startswith("no path") and not res.reverse
    assert res.nearest and {x["side"] for x in res.nearest} <= {"reachable from source", "leads to target"}


def test_unknown_node(pw):
    with pytest.raises(UnknownNode):
        pw.paths("process/does-not-exist", "impact/prosperity")
    assert pw.resolve("process/does-not-exist").node is None
    assert pw.resolve("xyzzy plugh").node is None


def test_free_phrase_resolves_without_the_search_package(pw):
    r = pw.resolve("referral network for local entrepreneurs", elements_only=True)
    assert r.node.id == REFERRAL and r.how == "tokens"


def test_a_search_handed_in_picks_what_word_overlap_would_guess(build_dir):
    """Pathways never imports search: the graph CLI hands it the search package's pick (``cli.resolve``)."""
    from cli.resolve import searcher

    pw = Pathways.load(build_dir)
    text = "coaching for new entrepreneurs"
    assert pw.resolve(text, elements_only=True).how == "tokens"
    r = pw.resolve(text, elements_only=True, search=searcher(build_dir, ELEMENT_TYPES))
    assert r.how == "search" and r.node.type in ELEMENT_TYPES


def test_assumption_chain_carries_case_evidence(pw):
    path = pw.backward(INCOME, max_paths=1).paths[0]
    chain = pw.chain(path)
    assert [s.element["id"] for s in chain.steps] == path.nodes
    assert all(s.assumptions or s.same_stage_as_previous for s in chain.steps)
    last = chain.steps[-1]
    assert any(c.case == HALIFAX for c in last.cases)
    figures = [f["figure"] for c in last.cases for f in c.figures]
    assert any("£2.43" in f for f in figures)


def test_what_rests_on_an_assumption(pw):
    a = "assumption/process-paying-attention-to-and-adequately-resourcing-the"  # speaks of every process
    ro = pw.rests_on(a)
    assert {e["id"] for e in ro.elements} == {n.id for n in pw.kg.of_type("Process")}
    assert {e["basis"] for e in ro.elements} == {"curated", "similar"} and all(e["reason"] for e in ro.elements)
    assert any(d["type"] == "Impact" for d in ro.downstream)
    assert ro.paths and all(any(n in {e["id"] for e in ro.elements} for n in p.nodes) for p in ro.paths)
    assert isinstance(ro.breaks, list)
    # an input assumption states a link itself ("… yields greater, more sustainable outcomes …")
    js = ro.to_json()
    assert {"node", "elements", "downstream", "breaks", "paths", "links"} <= set(js)


def test_cases_both_ways(pw):
    assert any(c.case == HALIFAX and c.evidence for c in pw.cases_of(INCOME))
    elements = pw.illustrated_by(HALIFAX)
    income = next(c for c in elements if c.element == INCOME)
    assert income.basis == "evidence" and "Halifax" in income.evidence + pw.kg.nodes[HALIFAX].text
