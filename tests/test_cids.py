"""A pathway exported as a CIDS ImpactPathway (JSON-LD) validates against our shapes; broken ones do not."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from rdflib import Literal
from rdflib.namespace import RDF

from graph.analysis import cids
from graph.analysis.pathways import Pathways
from graph.ns import CIDS, ID

START, END = "process/create-a-referral-network", "impact/prosperity"
WHEN = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def pwm(build_dir) -> Pathways:
    return Pathways.load(build_dir)


@pytest.fixture(scope="module")
def exported(pwm):
    path = pwm.paths(START, END, k=1).paths[0]
    return path, cids.pathway_graph(pwm.g, pwm.kg, path, pwm.chain(path), created=WHEN)


def test_export_validates_and_survives_a_json_ld_round_trip(pwm, exported):
    path, g = exported
    assert cids.validate(g) == (True, "Validation Report\nConforms: True\n")
    text = cids.export_pathway(pwm.g, pwm.kg, path, pwm.chain(path), created=WHEN)
    doc = json.loads(text)
    assert doc["@context"]["hasName"] == "org:hasName"
    back = cids.from_jsonld(text)
    assert cids.validate(back)[0]
    assert len(back) == len(g)
    pw_iri = cids.pathway_iri(path)
    assert (pw_iri, RDF.type, CIDS.ImpactPathway) in back
    # every step is there under its own IRI and the class CIDS gives it
    want = {"Process": CIDS.Activity, "Activity": CIDS.Activity, "Outcome": CIDS.Outcome, "Impact": CIDS.Outcome,
            "Input": CIDS.Input, "Condition": CIDS.Input}
    for nid in path.nodes:
        assert (ID[nid], RDF.type, want[pwm.kg.nodes[nid].type]) in back
    assert str(back.value(pw_iri, cids.ORG.hasName)) == f"{pwm.kg.nodes[START].label} to {pwm.kg.nodes[END].label}"
    org = back.value(pw_iri, CIDS.forOrganization)
    assert str(back.value(org, cids.ORG.hasLegalName)) == "Co-operatives UK"


def test_assumptions_become_impact_risks_for_the_next_outcome(pwm, exported):
    path, g = exported
    chain = pwm.chain(path)
    expected = {}
    for i, step in enumerate(chain.steps):
        outcome = next(n for n in path.nodes[i:] if pwm.kg.nodes[n].type in ("Outcome", "Impact"))
        for a in step.assumptions:
            expected.setdefault(a["id"], outcome)
    assert expected, "the path's steps carry assumptions"
    risks = {str(r).removeprefix(str(ID)) for r in g.subjects(RDF.type, CIDS.ImpactRisk)}
    assert risks == set(expected)
    for aid, outcome in expected.items():
        assert g.value(ID[aid], CIDS.forOutcome) == ID[outcome]
        assert str(g.value(ID[aid], CIDS.hasDescription)) == pwm.kg.nodes[aid].text


def _broken(g, change) -> tuple[bool, str]:
    h = type(g)()
    for t in g:
        h.add(t)
    change(h)
    return cids.validate(h)


def test_broken_exports_do_not_validate(exported):
    path, g = exported
    outcome = next(s for s in g.subjects(RDF.type, CIDS.Outcome))
    risk = next(s for s in g.subjects(RDF.type, CIDS.ImpactRisk))
    pw_iri = cids.pathway_iri(path)
    cases = {
        "an outcome without a name": lambda h: h.remove((outcome, cids.ORG.hasName, None)),
        "a pathway for two organisations": lambda h: h.add((pw_iri, CIDS.forOrganization, ID["cids/organisation/x"])),
        "a risk with a likelihood CIDS does not list": lambda h: h.add((risk, CIDS.hasLikelihood, Literal("maybe"))),
        "a pathway with no outcome": lambda h: h.remove((pw_iri, CIDS.hasOutcome, None)),
        "a creation date that is not a dateTime": lambda h: (h.remove((pw_iri, cids.SCH.dateCreated, None)),
                                                          h.add((pw_iri, cids.SCH.dateCreated, Literal("today")))),
    }
    for what, change in cases.items():
        ok, report = _broken(g, change)
        assert not ok, what
        assert "Constraint Violation" in report, what


def test_export_refuses_to_write_what_does_not_validate(pwm, monkeypatch):
    path = pwm.paths(START, END, k=1).paths[0]
    real = cids.pathway_graph

    def nameless(*a, **k):
        g = real(*a, **k)
        g.remove((None, cids.ORG.hasName, None))
        return g
    monkeypatch.setattr(cids, "pathway_graph", nameless)
    with pytest.raises(ValueError, match="does not conform"):
        cids.export_pathway(pwm.g, pwm.kg, path)


def test_each_arrow_carries_the_evidence_level_the_app_shows_beside_its_basis(pwm, exported):
    """A walk found the report badging two arrows "shown by a case" where the JSON-LD said only "inferred" (their
    basis): each arrow now says both, the level as every view of the app computes it."""
    from graph.evidence import graph_evidence
    from graph.ns import EP

    path, g = exported
    want = {(lk.source, lk.target): (lk.basis, ev.level) for lk in path.links
            for ev in [graph_evidence(pwm.kg, [lk])[(lk.source, lk.target)]]}
    got = {(str(g.value(x, EP.linkFrom)).rsplit("/id/", 1)[-1], str(g.value(x, EP.linkTo)).rsplit("/id/", 1)[-1]):
           (str(g.value(x, EP.basis)), str(g.value(x, EP.evidenceLevel))) for x in g.subjects(RDF.type, EP.CausalLink)}
    assert got == want and len(got) == len(path.links)
    assert {level for _, level in got.values()} - {"stated", "shown", "curated", "inferred"} == set()
    assert ("inferred", "shown") in got.values()  # the case the walk found: made by similarity, shown by a case
