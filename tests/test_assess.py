"""Place self-assessment on the real graph: hand-checkable reachability, ranking, profile validation."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from graph.analysis.assess import Entry, Profile, ProfileError, assess, compare, load_profile, parse_profile
from graph.analysis.pathways import Pathways
from graph.view import causal_subgraph

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "corpus" / "profiles" / "example-fictional-town.yaml"


@pytest.fixture(scope="module")
def pw(build_dir):
    return Pathways.load(build_dir)


@pytest.fixture(scope="module")
def causal(pw):
    return causal_subgraph(pw.view)


def profile_all(kg, status: str) -> Profile:
    return Profile("test", {n.id: Entry(status) for n in kg.of_type("Condition", "Input", "Foundation")})


def downstream(causal, kg):
    return [n for n in causal if kg.nodes[n].type not in ("Condition", "Input", "Vision", "Purpose")]


def test_everything_in_place_opens_every_outcome_and_impact(pw, causal):
    r = assess(causal, pw.kg, profile_all(pw.kg, "in place"))
    assert all(s == "open" for s in r.state.values()) and len(r.state) == 32
    assert r.summary(pw.kg) == {"blocked": 0, "unknown": 0, "at risk": 0, "open": 16}


def test_nothing_in_place_opens_nothing_beyond_the_inputs(pw, causal):
    r = assess(causal, pw.kg, profile_all(pw.kg, "missing"))
    assert all(r.state[n] == "blocked" for n in downstream(causal, pw.kg))
    assert all(r.blockers[n] for n in downstream(causal, pw.kg))


def test_one_missing_input_blocks_exactly_what_depends_on_it_alone(pw, causal):
    kg = pw.kg
    causal = causal.subgraph(n for n in causal if kg.nodes[n].type not in ("Vision", "Purpose"))
    roots = [n for n in causal if kg.nodes[n].type in ("Condition", "Input")]
    for missing in roots:
        prof = profile_all(kg, "in place")
        prof.items[missing] = Entry("missing")
        r = assess(causal, kg, prof)
        # expectation computed independently: what is still reachable once that input is gone
        g = causal.copy()
        g.remove_node(missing)
        reach = set().union(*(nx.descendants(g, s) | {s} for s in roots if s != missing))
        expected_blocked = {n for n in causal if n != missing and n not in reach}
        assert {n for n, s in r.state.items() if s == "blocked" and n != missing} == expected_blocked, missing


def test_all_foundations_of_a_stage_missing_blocks_that_stage(pw, causal):
    kg = pw.kg
    prof = profile_all(kg, "in place")
    for f in kg.of_type("Foundation"):
        if f.stage == "process":
            prof.items[f.id] = Entry("missing")
    r = assess(causal, kg, prof)
    assert all(r.state[n.id] == "blocked" for n in kg.of_type("Process"))


def test_invest_here_first_is_ranked_by_what_it_opens(pw, causal):
    kg = pw.kg
    start = profile_all(kg, "in place")  # foundations in place, every condition and input missing
    for n in kg.of_type("Condition", "Input"):
        start.items[n.id] = Entry("missing")
    r = assess(causal, kg, start)
    gains = [i.unblocks for i in r.invest]
    assert gains == sorted(gains, reverse=True) and gains[0] > 0
    top = r.invest[0]
    trial = Profile("t", {**start.items, top.id: Entry("in place")})
    # the ranking agrees with recomputing the assessment with that one item put in place
    again = assess(causal, kg, trial)
    assert (
        sum(1 for n in again.state if again.state[n] == "open" and kg.nodes[n].type in ("Outcome", "Impact"))
        == top.unblocks
    )


def test_example_profile_is_fictional_and_valid(pw):
    p = load_profile(EXAMPLE, pw.kg)
    assert p.fictional and "fictional" in p.place.lower()
    assert "FICTIONAL" in EXAMPLE.read_text(encoding="utf-8")
    assert p.items["input/local-intelligence"].status == "partly"


def test_profile_validation_names_the_field(pw, tmp_path):
    kg = pw.kg
    with pytest.raises(ProfileError, match=r"items.input/local-intelligence.status: 'sorted'"):
        parse_profile({"place": "X", "items": {"input/local-intelligence": "sorted"}}, kg)
    with pytest.raises(ProfileError, match="did you mean input/local-intelligence"):
        parse_profile({"place": "X", "items": {"input/local-inteligence": "missing"}}, kg)
    with pytest.raises(ProfileError, match="is a Process"):
        parse_profile({"place": "X", "items": {"Create a referral network": "missing"}}, kg)
    with pytest.raises(ProfileError, match="'place' is required"):
        parse_profile({"items": {}}, kg)
    with pytest.raises(ProfileError, match="must be a YAML mapping"):
        parse_profile(["a list"], kg)
    bad = tmp_path / "bad.yaml"
    bad.write_text("place: X\nitems:\n  input/resources: [unclosed\n", encoding="utf-8")
    with pytest.raises(ProfileError, match=r"bad.yaml: not valid YAML at line \d+"):
        load_profile(bad, kg)
    ok = parse_profile({"place": "X", "items": {"Local intelligence": {"status": "In place", "note": "n"}}}, kg)
    assert ok.items["input/local-intelligence"] == Entry("in place", "n", "")


def test_compare_reports_opened_pathways(pw, causal):
    kg = pw.kg
    before = assess(causal, kg, profile_all(kg, "missing"))
    after = assess(causal, kg, profile_all(kg, "in place"))
    c = compare([before, after], kg)
    assert len(c.opened) == 16 and not c.closed and c.changed


def test_cli_assess_and_compare(build_dir, tmp_path):
    second = tmp_path / "later.yaml"
    second.write_text(
        EXAMPLE.read_text(encoding="utf-8").replace(
            "condition/long-term-commitment: {status: missing", "condition/long-term-commitment: {status: in place"
        ),
        encoding="utf-8",
    )
    cmd = [
        sys.executable,
        "-m",
        "graph",
        "assess",
        str(EXAMPLE),
        str(second),
        "--json",
        "--build",
        str(build_dir),
        "--no-search",
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert len(data["assessments"]) == 2 and "comparison" in data
    bad = tmp_path / "bad.yaml"
    bad.write_text("place: X\nitems: {input/local-intelligence: great}\n", encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "graph", "assess", str(bad), "--build", str(build_dir)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert out.returncode == 2 and "status" in out.stderr


def test_profile_round_trips_through_yaml_with_notes_evidence_and_assumptions(pw):
    import yaml

    kg = pw.kg
    p = load_profile(EXAMPLE, kg)
    again = parse_profile(yaml.safe_load(p.to_yaml(kg)), kg, "again")
    assert again.items == p.items and again.assumptions == p.assumptions
    assert again.fictional and again.date == p.date and again.place == p.place
    assert again.items["input/local-intelligence"].evidence


def test_profile_validation_of_files_and_assumptions(pw, tmp_path):
    kg = pw.kg
    listed = tmp_path / "list.yaml"
    listed.write_text("- input/resources\n- input/local-intelligence\n", encoding="utf-8")
    with pytest.raises(ProfileError, match=r"list.yaml: a profile must be a YAML mapping"):
        load_profile(listed, kg)
    with pytest.raises(ProfileError, match=r"assumptions\..*\.status: 'maybe' is not one of: holds, doubtful, unknown"):
        parse_profile({"place": "X", "assumptions": {kg.of_type("Assumption")[0].id: "maybe"}}, kg)
    with pytest.raises(ProfileError, match=r"unknown field\(s\) itmes; allowed: place, fictional"):
        parse_profile({"place": "X", "itmes": {}}, kg)
    with pytest.raises(ProfileError, match=r"items.input/resources: unknown field\(s\) notes; allowed: status"):
        parse_profile({"place": "X", "items": {"input/resources": {"status": "missing", "notes": "n"}}}, kg)
    with pytest.raises(ProfileError, match="listed twice"):
        parse_profile({"place": "X", "items": {"input/resources": "missing", "Resources": "partly"}}, kg)
    with pytest.raises(ProfileError, match=r"items.input/resources: expected a status or a mapping"):
        parse_profile({"place": "X", "items": {"input/resources": 3}}, kg)


def test_ranking_ties_are_broken_by_weight(pw, causal):
    kg = pw.kg
    r = assess(causal, kg, profile_all(kg, "missing"))
    for a, b in zip(r.invest, r.invest[1:], strict=False):
        assert (a.unblocks, a.weight) >= (b.unblocks, b.weight)
    assert {i.status for i in r.invest} == {"missing"}


def test_assumptions_at_risk_follow_the_open_pathways(pw, causal):
    kg = pw.kg
    everything = profile_all(kg, "in place")
    r = assess(causal, kg, everything)
    assert r.assumptions_at_risk and all(a["status"] == "unknown" for a in r.assumptions_at_risk)
    first = r.assumptions_at_risk[0]["id"]
    everything.assumptions[first] = Entry("holds")
    assert first not in {a["id"] for a in assess(causal, kg, everything).assumptions_at_risk}
    assert not assess(causal, kg, profile_all(kg, "missing")).assumptions_at_risk  # nothing open, nothing relied on


def test_compare_lists_what_changed_in_the_profiles(pw, causal):
    kg = pw.kg
    before = load_profile(EXAMPLE, kg)
    after = Profile("later", {**before.items, "input/capacity-support": Entry("in place")}, before.assumptions)
    c = compare([assess(causal, kg, p) for p in (before, after)], kg, [before, after])
    assert c.items == [
        {
            "id": "input/capacity-support",
            "label": "Capacity support",
            "type": "Input",
            "statuses": ["missing", "in place"],
        }
    ]
    assert any(x["id"] == "input/capacity-support" for x in c.changed)


def test_printable_report_escapes_text(pw, causal):
    from ui.place import report_html

    kg = pw.kg
    p = Profile("<script>alert(1)</script>", {"input/resources": Entry("missing", "<b>n</b>", "https://x/?a=<1>")})
    html = report_html(p, assess(causal, kg, p), kg, "digraph { a -> b }")
    assert "<script>alert" not in html and "&lt;script&gt;" in html and "&lt;b&gt;n" in html
    assert "Invest here first" in html and "Blocked, and by what" in html and "digraph { a -&gt; b }" in html
