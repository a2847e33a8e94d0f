"""Causal and case links made at ingest: bases, evidence, stage order, curation, reachability."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from rdflib import Graph
from rdflib.namespace import PROV, RDF

from graph.ns import EP, ID, OA, local_name
from graph.store import KnowledgeGraph
from graph.view import causal_subgraph, to_networkx
from ingest.build import build, read_manifest

ELEMENT_TYPES = ("Condition", "Input", "Process", "Activity", "Outcome", "Impact")


@pytest.fixture(scope="session")
def session_graph(build_dir) -> Graph:
    return Graph().parse(build_dir / "graph.ttl")


def _links(g: Graph) -> list[dict]:
    out = []
    for link in g.subjects(RDF.type, EP.CausalLink):
        out.append({"uri": link, "from": g.value(link, EP.linkFrom), "to": g.value(link, EP.linkTo),
                    "basis": str(g.value(link, EP.basis)), "weight": g.value(link, EP.weight),
                    "evidence": str(g.value(link, EP.evidence) or "")})
    return out


def test_every_link_has_basis_weight_evidence_and_projection(session_graph, build_dir):
    g = session_graph
    links = _links(g)
    assert {x["basis"] for x in links} == {"textual", "inferred", "curated"}
    for x in links:
        assert x["weight"] is not None and 0 < float(x["weight"]) <= 1, x
        assert x["evidence"].strip(), x
        assert (x["from"], EP.leadsTo, x["to"]) in g
        if x["basis"] == "textual":  # the evidence sentence is quoted exactly where the span says
            span = g.value(x["uri"], EP.evidenceSource)
            doc = local_name(g.value(span, OA.hasSource)).rsplit("/", 1)[-1]
            text = (build_dir / "texts" / f"{doc}.txt").read_text(encoding="utf-8")
            pos = next(s for s in g.objects(span, OA.hasSelector) if g.value(s, OA.start) is not None)
            quote = text[int(g.value(pos, OA.start)):int(g.value(pos, OA.end))]
            assert " ".join(quote.split()) == x["evidence"]
        if x["basis"] == "inferred":
            assert g.value(x["uri"], EP.model) and g.value(x["uri"], PROV.wasGeneratedBy)
        if x["basis"] == "curated":
            assert g.value(x["uri"], EP.reason) and g.value(x["uri"], PROV.wasAttributedTo)


def test_textual_links_include_the_stated_ones(session_graph):
    g = session_graph
    by_pair = {(local_name(x["from"]), local_name(x["to"])): x for x in _links(g)}
    # "As a result, local support organisations become more connected and sustainable."
    ar = by_pair[("outcome/knowledge-transfer-clusters-at-the-community-level",
                  "outcome/local-support-organisations-become-sustainable-connected")]
    assert ar["basis"] == "textual" and ar["evidence"].startswith("As a result")
    # "These build on the inputs and support the activities" → stage-level links, not an element mesh
    assert ("stage-input", "stage-process") in by_pair and ("stage-process", "stage-activity") in by_pair
    referral = [x for (a, _), x in by_pair.items() if a == "process/create-a-referral-network"
                and x["basis"] == "textual"]
    assert any("can also help create a referral network" in x["evidence"] for x in referral)


def test_links_run_forward_and_make_no_cycle(build_dir, session_graph):
    v = causal_subgraph(to_networkx(session_graph))
    assert v.number_of_edges() > 20
    for a, b, d in v.edges(data=True):
        oa, ob = v.nodes[a]["order"], v.nodes[b]["order"]
        assert ob > oa or (ob == oa and d["basis"] in ("textual", "curated")), (a, b, d["basis"])
    assert nx.is_directed_acyclic_graph(v)
    # inferred links are the best few per element, never a complete mesh between columns
    from ingest.links.match import tier

    kg = KnowledgeGraph(session_graph)
    cols: dict[float, set[str]] = {}
    for n in kg.of_type(*ELEMENT_TYPES):
        cols.setdefault(tier(n), set()).add(n.id)
    tiers = sorted(cols)
    for up, down in zip(tiers, tiers[1:], strict=False):
        between = [(a, b) for a, b, d in v.edges(data=True)
                   if d["basis"] == "inferred" and a in cols[up] and b in cols[down]]
        assert 0 < len(between) < len(cols[up]) * len(cols[down]), (up, down)
        assert all(v.in_degree(b) > 0 for b in cols[down])  # every element has a cause


def test_report_counts_and_every_outcome_and_impact_is_reachable(build_dir, kg):
    report = read_manifest(build_dir)["links"]
    assert report["counts"]["textual"] > 5 and report["counts"]["inferred"] > 10
    assert report["counts"]["curated"] >= 1 and report["curated"]["file"].endswith("links.yaml")
    assert report["unreachable"] == []
    ends = kg.of_type("Outcome", "Impact")
    assert report["reachable"] == {"outcomes_impacts": len(ends), "of": len(ends)}
    assert report["model"]


def test_case_studies_illustrate_elements_with_evidence(session_graph, kg):
    g = session_graph
    halifax = ID["casestudy/halifax-opportunities-trust-jubilee-childrens-centre"]
    income = ID["outcome/income-is-retained-and-recycled-in-the-local"]
    assert (halifax, EP.illustrates, income) in g
    for cl in g.subjects(RDF.type, EP.CaseLink):
        case = kg.nodes[local_name(g.value(cl, EP.case))]
        assert g.value(cl, EP.basis) is not None
        evidence = str(g.value(cl, EP.evidence) or "")
        assert evidence, cl
        body = " ".join(s.quote for s in case.sources if s.role != "mention")  # the case's own words
        assert " ".join(evidence.split()) in " ".join(body.split()), cl


def _curated_yaml(removed: tuple[str, str], overridden: tuple[str, str]) -> str:
    return f"""# test curation
links:
  - from: process/education
    to: outcome/knowledge-transfer-clusters-at-the-community-level
    weight: 0.8
    reason: helping providers understand each other's strengths builds knowledge transfer clusters
    author: test curator
  - from: {removed[0]}
    to: {removed[1]}
    action: remove
    reason: wording match only
    author: test curator
  - from: {overridden[0]}
    to: {overridden[1]}
    weight: 0.7
    reason: confirmed by a practitioner
    author: test curator
  - from: outcome/local-support-organisations-become-sustainable-connected
    to: outcome/community-of-practice-around-social-purpose-business-support
    reason: would close a loop with the stated 'As a result' link
    author: test curator
  - from: impact/prosperity
    to: process/education
    reason: backwards
    author: test curator
  - from: process/education
    to: outcome/good-business
    reason: no author given
  - from: process/education
    to: outcome/no-such-outcome
    reason: unknown target
    author: test curator
"""


CASE_DOC = """---
title: "Wigan hub: a referral network in practice"
kind: case-study
---
# Wigan hub: a referral network in practice

Here are two practical lessons from the hub:

1. Referral network. Wigan Community Hub Ltd trained twelve community support staff in coaching skills, which \
helped create a referral network across the town; 40 new social purpose businesses started in 2023.
2. Local spending. Leigh Food Co-operative buys from local growers, so that income is retained and recycled in \
the local economy, generating £1.80 for every £1 spent.
"""


def test_curated_add_remove_override_and_refusals(corpus_copy, tmp_path, session_graph):
    inferred = [x for x in _links(session_graph) if x["basis"] == "inferred"]
    removed = (local_name(inferred[0]["from"]), local_name(inferred[0]["to"]))
    overridden = (local_name(inferred[1]["from"]), local_name(inferred[1]["to"]))
    (corpus_copy / "links.yaml").write_text(_curated_yaml(removed, overridden), encoding="utf-8")
    (corpus_copy / "wigan_hub.md").write_text(CASE_DOC, encoding="utf-8")
    result = build([corpus_copy], out=tmp_path / "b")
    assert result.status == "built"
    report = result.manifest["links"]["curated"]
    added = {(x["from"], x["to"]) for x in report["added"]}
    assert ("process/education", "outcome/knowledge-transfer-clusters-at-the-community-level") in added
    assert overridden in added
    assert [(x["from"], x["to"], x["removed_basis"]) for x in report["removed"]] == [(*removed, "inferred")]
    refused = {x["from"]: x["why"] for x in report["refused"]}
    assert "cycle" in refused["outcome/local-support-organisations-become-sustainable-connected"]
    assert "backwards" in refused["impact/prosperity"]
    msgs = next(v for k, v in result.warnings.items() if k.endswith("links.yaml"))
    text = "\n".join(msgs)
    assert "field 'author'" in text and "field 'to'" in text and "no-such-outcome" in text
    assert all(m.startswith("line ") for m in msgs)

    g = Graph().parse(tmp_path / "b" / "graph.ttl")
    pairs = {(local_name(x["from"]), local_name(x["to"])): x for x in _links(g)}
    assert removed not in pairs and (ID[removed[0]], EP.leadsTo, ID[removed[1]]) not in g
    assert pairs[overridden]["basis"] == "curated"
    reason = str(g.value(pairs[overridden]["uri"], EP.reason))
    assert "replaces the inferred link" in reason
    assert ("impact/prosperity", "process/education") not in pairs
    # the newly added case study document illustrates the elements it names
    kg = KnowledgeGraph(g)
    wigan = next(n for n in kg.of_type("CaseStudy") if "Wigan" in n.label)
    assert (ID[wigan.id], EP.illustrates, ID["process/create-a-referral-network"]) in g


def test_malformed_links_yaml_names_the_line_and_the_build_goes_on(corpus_copy, tmp_path):
    (corpus_copy / "links.yaml").write_text(
        "links:\n  - from: process/education\n    to: [unclosed\n    reason: x\n", encoding="utf-8")
    result = build([corpus_copy], out=tmp_path / "b")
    assert result.status == "built"
    msgs = next(v for k, v in result.warnings.items() if k.endswith("links.yaml"))
    assert any(m.startswith("line ") and "not valid YAML" in m for m in msgs), msgs
    counts = result.manifest["links"]["counts"]
    assert counts["curated"] == 0 and counts["textual"] > 0 and counts["inferred"] > 0
    assert (Path(tmp_path / "b") / "graph.ttl").exists()
