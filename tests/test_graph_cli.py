"""python -m graph: paths, forward/backward, assumptions, cases, node, sparql, export — output and exit codes."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import networkx as nx

from graph.__main__ import main

ROOT = Path(__file__).resolve().parent.parent


def at(stored) -> tuple:
    """The CLI arguments that point at one backend's build of the seed corpus."""
    return ("--build", stored.build, "--store", stored.store)


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_help_and_usage_errors(capsys):
    p = subprocess.run([sys.executable, "-m", "graph", "--help"], capture_output=True, text=True, cwd=ROOT)
    assert p.returncode == 0 and "paths" in p.stdout and "sparql" in p.stdout
    code, _, _ = run(capsys, "paths", "--from", "x")  # --to missing
    assert code == 2
    code, _, _ = run(capsys, "teleport")
    assert code == 2


def test_missing_build_exits_3(capsys, tmp_path):
    code, _, err = run(capsys, "node", "Education", "--build", tmp_path / "nothing")
    assert code == 3 and "python -m ingest" in err


def test_paths_json_shape(capsys, stored):
    code, out, _ = run(capsys, "paths", "--from", "Create a referral network", "--to", "impact/prosperity",
                       "-k", "3", "--json", *at(stored))
    assert code == 0
    data = json.loads(out)
    assert data["from"]["id"] == "process/create-a-referral-network" and data["from"]["how"] == "label"
    assert 1 <= len(data["paths"]) <= 3
    for p in data["paths"]:
        assert {"id", "type", "label", "text"} <= set(p["nodes"][0])
        assert [n["id"] for n in p["nodes"]][-1] == "impact/prosperity"
        assert all({"basis", "weight", "evidence"} <= set(link) for link in p["links"])


def test_paths_name_each_links_evidence_and_strong_only_follows_stated_or_shown(capsys, stored):
    args = ("paths", "--from", "Resources", "--to", "outcome/good-business", "-k", "3", *at(stored))
    code, out, _ = run(capsys, *args)
    assert code == 0
    levels = [line.split("[", 1)[1].split(";")[0] for line in out.splitlines() if line.startswith("   → ")]
    # all three start Resources → Create a referral network (inferred) and end Local support organisations
    # connected → Businesses sustainable, drawn by wording but shown by a case that illustrates both its ends
    # (Cleobury Country Ltd, a hub of local knowledge running services for businesses), then Businesses
    # sustainable → 'Good business', shown by the network of anchor organisations' worked example ("1400 jobs and
    # £120m GVA": evidence for Businesses sustainable, an example of 'Good business'); none is strong all the way
    assert levels == (["inferred", "curated", "stated", "shown", "shown"]
                      + ["inferred", "stated", "inferred", "shown", "shown"]
                      + ["inferred", "inferred", "inferred", "shown", "shown"])
    code, out, _ = run(capsys, *args, "--json")
    data = json.loads(out)
    assert [[e["level"] for e in p["evidence"]] for p in data["paths"]] == [levels[:5], levels[5:10], levels[10:]]
    assert data["paths"][2]["evidence"][3] == {
        "level": "shown", "badge": "shown by a case",
        "why": "no document states it, but 1 case study illustrates both ends (Cleobury Country Ltd)"}
    code, out, _ = run(capsys, *args, "--strong-only")
    assert code == 1 and "no path from" in out and "--strong-only" in out
    # the one strong route between these two is the shown arrow itself (Boost Neighbourhood Finance)
    code, out, _ = run(capsys, "paths", "--from", "Equitable access to resources", "--to", "Variety of support",
                       "--strong-only", "--json", *at(stored))
    data = json.loads(out)
    assert code == 0 and [[e["level"] for e in p["evidence"]] for p in data["paths"]] == [["shown"]]


def test_free_phrase_says_which_node_was_picked(capsys, stored):
    code, out, _ = run(capsys, "forward", "referral network for local entrepreneurs", "--no-search",
                       "--max-paths", "3", *at(stored))
    assert code == 0
    assert out.splitlines()[0].startswith("'referral network for local entrepreneurs' → Create a referral network")


def test_unknown_node_and_no_path_exit_1(capsys, stored):
    code, _, err = run(capsys, "node", "process/does-not-exist", *at(stored))
    assert code == 1 and "does-not-exist" in err
    code, out, _ = run(capsys, "paths", "--from", "impact/prosperity", "--to", "process/education", "--json",
                       *at(stored))
    data = json.loads(out)
    assert code == 1 and data["found"] is False and data["message"] and data["nearest"]


def test_assumptions_cases_and_node(capsys, stored, kg):
    income = "outcome/income-is-retained-and-recycled-in-the-local"
    code, out, _ = run(capsys, "assumptions", income, "--json", *at(stored))
    steps = json.loads(out)["chain"]["steps"]
    assert code == 0
    ids = [s["element"]["id"] for s in steps]
    assert income in ids
    leads = {(a, b) for a, bs in kg.edges("leadsTo").items() for b in bs}
    assert all((a, b) in leads for a, b in zip(ids, ids[1:], strict=False)), ids  # one causal chain, in order
    a = next(s for s in steps if s["assumptions"])
    assert a["assumptions"][0]["type"] == "Assumption"
    code, out, _ = run(capsys, "assumptions", "Commissioning with a collective mindset, rather than a competitive one",
                       "--no-search", "--json", *at(stored))
    rests = json.loads(out)["rests_on"]
    # it speaks of commissioning: the inputs Capacity support (curated) and Regular reflection (matched)
    assert code == 0 and [(e["id"], e["basis"]) for e in rests["elements"]] == [
        ("input/capacity-support", "curated"), ("input/regular-reflection", "similar")]
    assert all(e["reason"] for e in rests["elements"])
    code, out, _ = run(capsys, "cases", income, "--json", *at(stored))
    results = json.loads(out)["results"]
    assert code == 0 and any("Halifax" in r["label"] for r in results)
    assert all({"id", "type", "label", "text", "basis", "evidence"} <= set(r) for r in results)
    code, out, _ = run(capsys, "node", "process/create-a-referral-network", "--json", *at(stored))
    data = json.loads(out)
    assert code == 0 and "leadsTo" in data["neighbours"] and "underpinnedBy" in data["neighbours"]


def test_sparql_is_read_only(capsys, stored):
    code, out, _ = run(capsys, "sparql", "SELECT (COUNT(?l) AS ?n) WHERE { ?l a ep:CausalLink }", "--json",
                       *at(stored))
    assert code == 0 and int(json.loads(out)["rows"][0]["n"]) > 20
    for q in ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "DELETE WHERE { ?s ?p ?o }", "DROP ALL",
              "CLEAR DEFAULT", "LOAD <http://example.org/x>", "CREATE GRAPH <urn:g>",
              "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"):
        code, _, err = run(capsys, "sparql", q, *at(stored))
        assert code == 2 and "refused" in err, q
    code, _, err = run(capsys, "sparql", "SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }", *at(stored))
    assert code == 2 and "FROM" in err
    # a variable called ?from is not a FROM clause
    code, out, _ = run(capsys, "sparql", "SELECT ?from ?to WHERE { ?l ep:linkFrom ?from ; ep:linkTo ?to } LIMIT 3",
                       "--json", *at(stored))
    assert code == 0 and len(json.loads(out)["rows"]) == 3


def test_graphml_gexf_and_csv_exports_open(capsys, stored, tmp_path):
    for fmt in ("graphml", "gexf"):
        out = tmp_path / f"g.{fmt}"
        code, _, _ = run(capsys, "export", "--format", fmt, "-o", out, *at(stored))
        assert code == 0
        g = nx.read_graphml(out) if fmt == "graphml" else nx.read_gexf(out)
        causal = [d for _, _, d in g.edges(data=True) if d.get("kind") == "leadsTo"]
        assert len(causal) > 20 and all(d["basis"] in ("textual", "inferred", "curated") for d in causal)
        assert g.nodes["process/create-a-referral-network"]["label"] == "Create a referral network"
    code, _, _ = run(capsys, "export", "--format", "csv", "-o", tmp_path / "csv", *at(stored))
    assert code == 0
    assert (tmp_path / "csv" / "nodes.csv").read_text().startswith("id,type,label")
    assert "leadsTo" in (tmp_path / "csv" / "edges.csv").read_text()
    code, out, _ = run(capsys, "export", "--format", "ttl", *at(stored))
    assert code == 0 and "ep:CausalLink" in out


def test_sparql_over_its_time_limit_exits_5(capsys, stored):
    """A query the store abandons is a store failure (exit 5, as docs/stores.md says), reported as JSON too."""
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?x . ?c ?d ?x . ?e ?f ?x . ?g ?h ?x }"  # joined, not crossed
    code, out, err = run(capsys, "sparql", runaway, "--timeout", "0.5", "--json", *at(stored))
    assert code == 5 and "0.5 s" in err
    assert json.loads(out)["error"] == "timeout"


PROSPERITY = "impact/prosperity"


def test_fragility_of_an_impact_json_and_csv(capsys, stored, tmp_path):
    out_csv = tmp_path / "prosperity.csv"
    code, out, _ = run(capsys, "fragility", "Prosperity", "--json", "--routes", "2", "--csv", out_csv, *at(stored))
    assert code == 0
    data = json.loads(out)
    assert data["resolved"]["id"] == PROSPERITY and data["resolved"]["how"] == "label"
    f = data["fragility"]
    assert (f["routes_total"], f["routes_strong"], f["method"], f["exact"], f["max_depth"]) == (314, 0, "counted",
                                                                                               True, 8)
    assert [n["id"] for n in f["on_every_route"]] == ["outcome/good-business"]
    stages = [r["node"]["stage"] for r in f["if_failed"]]
    lost = [r["lost"] for r in f["if_failed"]]
    # foundations per stage, assumptions under the elements their words speak about (the same rows as
    # tests/test_fragility.py::test_prosperity_on_the_seed_model)
    assert stages == (["process"] * 4 + ["outcome"] * 5 + ["impact"] + ["activity"] * 2 + ["impact"] + ["input"] * 3
                      + ["condition"] * 3 + ["impact", "input", "input", "activity", "condition", "process",
                                             "condition", "activity"])
    assert lost == [314] * 10 + [294] * 2 + [267] + [166] * 3 + [148] * 3 + [136, 120, 106, 105, 92, 74, 46, 35]
    assert f["everywhere"] == [r["node"]["id"] for r in f["if_failed"][:10]]
    assert f["most_cutting"] == f["everywhere"][:9]
    assert [r["own"] for r in f["if_failed"][:10]] == [False] * 9 + [True]
    assert f["if_failed"][-1]["attached"] == [{"element": "activity/relational-approaches", "basis": "stated",
                                               "reason": "the assumption names Relational approaches: "
                                                         "“Relational approaches”"}]
    assert all(r["sources"] and r["sources"][0]["quote"] for r in f["if_failed"])
    assert len(f["routes"]) == 2
    # both routes go … → Create a referral network → … → 'Good business' → Prosperity (the same rows as
    # tests/test_fragility.py); the first starts with a step a case shows (Resources: Cleobury Country Ltd), the
    # second with an inferred one (Local intelligence, 0.51); the weakest of both is their least similar inferred
    # step, 'Good business' → Prosperity (0.36)
    assert [r["nodes"][:2] for r in f["routes"]] == [["input/resources", "process/create-a-referral-network"],
                                                     ["input/local-intelligence", "process/create-a-referral-network"]]
    assert [(r["weakest"]["source"], r["weakest"]["level"]) for r in f["routes"]] == [
        ("outcome/good-business", "inferred"), ("outcome/good-business", "inferred")]
    for r in f["routes"]:
        assert r["nodes"][-1] == PROSPERITY
        assert [s["source"] for s in r["steps"]] == r["nodes"][:-1]
    rows = out_csv.read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("rank,id,type,stage,label,text,routes_lost,routes_total")
    assert len(list(csv.DictReader(io.StringIO(out_csv.read_text(encoding="utf-8"))))) == len(f["if_failed"])
    # one row per assumption


def test_a_case_study_linked_to_a_foundation_is_its_evidence_in_cases_and_fragility(capsys, stored):
    """The seed's Royds Community Association shows the foundation on wider social impacts at work: `cases` lists
    it for the foundation; `fragility` counts it as the foundation's evidence, with the case's plain reason, in the
    text, in the JSON and on the foundation's row of an impact's table."""
    fid = "foundation/impact-greater-weight-is-being-given-to-wider"
    code, out, _ = run(capsys, "cases", fid, "--json", *at(stored))
    results = json.loads(out)["results"]
    assert code == 0 and [(r["id"], r["basis"]) for r in results] == [("casestudy/royds-community-association",
                                                                      "semantic")]
    assert results[0]["rationale"].startswith("the case says Community anchors like Royds Community Association")
    assert results[0]["rationale"].endswith(": the foundation ‘Greater weight is being given to wider social "
                                            "impacts, such as determinants…’ at work")
    code, out, _ = run(capsys, "fragility", fid, *at(stored))
    assert code == 0 and "\nevidence from 1 case study:\n  Royds Community Association: the case says " in out
    code, out, _ = run(capsys, "fragility", fid, "--json", *at(stored))
    cut = json.loads(out)["if_failed"]
    assert cut["evidence_cases"] == 1 and [c["case"] for c in cut["cases"]] == ["casestudy/royds-community-association"]
    code, out, _ = run(capsys, "fragility", "Prosperity", *at(stored))
    rows = [line for line in out.splitlines() if "evidence from" in line]
    assert code == 0 and [line.strip().split("  ", 1)[1].split(" [")[0] for line in rows] == [
        "Greater weight is being given to wider social impacts, such as determinants…"]
    code, out, _ = run(capsys, "cases", "purpose/purpose", *at(stored))
    assert code == 1 and "no case studies" in out  # no seed case shows the purpose


def test_fragility_of_an_assumption_and_of_every_target(capsys, stored):
    code, out, _ = run(capsys, "fragility", "assumption/process-paying-attention-to-and-adequately-resourcing-the",
                       "--json", *at(stored))
    assert code == 0
    cut = json.loads(out)["if_failed"]
    # every route passes through a process, so the assumption about every process cuts all of them
    assert (cut["lost"], cut["total"], cut["basis"]) == (3234, 3234, "curated+similar")
    assert len(cut["cut_off"]) == 16 and cut["cut_off"][0] == "outcome/good-business"
    assert [(t["id"].split("/")[1], t["lost"], t["total"]) for t in cut["per_target"]][:3] == [
        ("good-business", 314, 314), ("agency-and-empowerment-through-having-a-credible-voice", 314, 314),
        ("life-opportunities-are-improved-for-everyone", 314, 314)]
    assert len(cut["per_target"]) == 16
    code, out, _ = run(capsys, "fragility", "assumption/process-commissioning-with-a-collective-mindset-rather-than",
                       "--json", *at(stored))
    cut = json.loads(out)["if_failed"]  # the other process assumption speaks of commissioning: two inputs
    assert (cut["lost"], cut["total"], cut["cut_off"]) == (762, 3234, [])
    code, out, _ = run(capsys, "fragility", "--json", *at(stored))
    data = json.loads(out)
    assert code == 0 and len(data["targets"]) == 16 and len(data["ranking"]) == 35
    assert all(t["everywhere"] for t in data["targets"])  # every outcome and impact rests on something everywhere
    code, out, _ = run(capsys, "fragility", "condition/long-term-commitment", *at(stored))
    assert code == 1 and "routes start at conditions and inputs" in out
