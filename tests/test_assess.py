"""Place self-assessment on the real graph: profiles worked out by hand first, asserted whole.

Every expected answer below was worked on paper from the rules in docs/assessment.md (columns, not
element links; conditions and foundations necessary; inputs contributing) before the code existed.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from graph.analysis.assess import (
    Entry,
    Profile,
    ProfileError,
    assess,
    causes,
    compare,
    gating_items,
    load_profile,
    parse_profile,
)
from graph.analysis.pathways import Pathways

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "corpus" / "profiles" / "example-fictional-town.yaml"

# The model, column by column (ids written out by hand from the report; labels A-Z within a column).
CONDITIONS = [
    "condition/collective-local-vision",
    "condition/inclusive-design-of-support",
    "condition/long-term-commitment",
    "condition/time-to-invest-in-the-inputs",
]
INPUTS = ["input/capacity-support", "input/local-intelligence", "input/regular-reflection", "input/resources"]
PROCESSES = [
    "process/communication",
    "process/create-a-referral-network",
    "process/education",
    "process/equitable-access-to-resources",
]
ACTIVITIES = [
    "activity/practical-help",
    "activity/relational-approaches",
    "activity/variety-of-support",
    "activity/wrap-around-support",
]
SHORT = [
    "outcome/community-of-practice-around-social-purpose-business-support",
    "outcome/knowledge-transfer-clusters-at-the-community-level",
    "outcome/local-support-organisations-become-sustainable-connected",
]
MEDIUM = [
    "outcome/businesses-sustainable-provide-opportunities-for-local-people",
    "outcome/income-is-retained-and-recycled-in-the-local",
    "outcome/quality-jobs-and-work-which-enable-a-good",
]
LONG = ["outcome/good-business", "outcome/social-business-sector-scales-both-in-size-and"]
IMPACTS = [
    "impact/agency-and-empowerment-through-having-a-credible-voice",
    "impact/life-opportunities-are-improved-for-everyone",
    "impact/people-support-each-other-s-aspirations",
    "impact/pride-in-place-purpose-and-community-levelling-up",
    "impact/equity-equality",
    "impact/local-voice-influence-and-accountability-is-amplified",
    "impact/prosperity",
    "impact/successful-communities",
]
F_CONDITION = [  # external conditions
    "foundation/condition-a-greater-appetite-for-longevity-and-risk",
    "foundation/condition-commitment-to-community-wealth-building-within-local",
    "foundation/condition-culture-of-authentic-co-creation-which-brings",
]
F_INPUT = [  # local conditions
    "foundation/input-commissioners-and-funders-understand-and-want-to",
    "foundation/input-continuous-learning-is-built-into-programmes-investing",
    "foundation/input-previous-or-current-footprint-of-support-for",
]
F_PROCESS = [  # system support
    "foundation/process-frequent-purposeful-communication-among-support-agencies-to",
    "foundation/process-locally-led-asset-based-design-and-communication",
    "foundation/process-mechanisms-need-to-be-put-in-place",
]
F_ACTIVITY = [  # delivery support
    "foundation/activity-monitoring-systems-which-take-into-account-and",
    "foundation/activity-pro-bono-or-in-kind-private-sector",
]
F_OUTCOME = [  # outcome catalysts
    "foundation/outcome-aligning-support-with-thematic-social-issues-such",
    "foundation/outcome-local-anchor-institutions-exhibit-a-good-level",
    "foundation/outcome-looking-sideways-at-examples-of-good-practice",
]
F_IMPACT = ["foundation/impact-greater-weight-is-being-given-to-wider"]
F_VISION = [
    "foundation/vision-a-more-democratic-economy-and-new-social",
    "foundation/vision-to-build-a-better-world-through-co",
    "foundation/vision-to-progress-a-new-socially-just-mainstream",
    "foundation/vision-transformed-places-that-are-better-to-live",
]
FOUNDATIONS = F_CONDITION + F_INPUT + F_PROCESS + F_ACTIVITY + F_OUTCOME + F_IMPACT
RESULTS = SHORT + MEDIUM + LONG + IMPACTS
DERIVED = PROCESSES + ACTIVITIES + RESULTS
ANCHOR = "foundation/outcome-local-anchor-institutions-exhibit-a-good-level"
LTC = "condition/long-term-commitment"


@pytest.fixture(scope="module")
def kg(build_dir):
    return Pathways.load(build_dir).kg


def profile(**marks: list[str]) -> Profile:
    """marks: in_place=[ids], partly=[ids], missing=[ids]; anything else unknown."""
    items = {}
    for status, ids in marks.items():
        for n in ids:
            items[n] = Entry(status.replace("_", " "))
    return Profile("test", items)


def states(**by_state: list[str]) -> dict[str, str]:
    return {n: s.replace("_", " ") for s, ids in by_state.items() for n in ids}


def ranking(r) -> list[tuple[str, int, int]]:
    return [(i.id, i.moves, i.holds) for i in r.invest]


def test_the_model_has_the_columns_written_out_here(kg):
    for typ, ids in (
        ("Condition", CONDITIONS),
        ("Input", INPUTS),
        ("Process", PROCESSES),
        ("Activity", ACTIVITIES),
        ("Outcome", SHORT + MEDIUM + LONG),
        ("Impact", IMPACTS),
        ("Foundation", FOUNDATIONS + F_VISION),
    ):
        assert sorted(n.id for n in kg.of_type(typ)) == sorted(ids), typ


def test_everything_in_place(kg):
    r = assess(kg, profile(in_place=CONDITIONS + INPUTS + FOUNDATIONS + F_VISION))
    assert r.state == states(in_place=CONDITIONS + INPUTS + DERIVED)
    assert r.because == {} and r.also == {}
    assert r.invest == []
    assert r.summary(kg) == {"blocked": 0, "unknown": 0, "at risk": 0, "in place": 16}


def test_one_condition_missing_blocks_everything_after_it(kg):
    r = assess(kg, profile(in_place=[c for c in CONDITIONS if c != LTC] + INPUTS + FOUNDATIONS, missing=[LTC]))
    assert r.state == states(in_place=[c for c in CONDITIONS if c != LTC] + INPUTS, blocked=[LTC] + DERIVED)
    assert r.because == {n: [LTC] for n in DERIVED}
    assert r.also == {}
    assert ranking(r) == [(LTC, 16, 16)]
    assert r.invest[0].moved == RESULTS
    assert r.together.ids == [LTC] and r.together.moves == 16


def test_only_foundations_missing(kg):
    r = assess(kg, profile(in_place=CONDITIONS + INPUTS, missing=FOUNDATIONS + F_VISION))
    assert r.state == states(in_place=CONDITIONS + INPUTS, blocked=DERIVED)
    first = F_CONDITION + F_INPUT + F_PROCESS
    expected = {n: first for n in PROCESSES}
    expected |= {n: first + F_ACTIVITY for n in ACTIVITIES + SHORT}
    expected |= {n: first + F_ACTIVITY + F_OUTCOME for n in MEDIUM + LONG}
    expected |= {n: first + F_ACTIVITY + F_OUTCOME + F_IMPACT for n in IMPACTS}
    assert r.because == expected
    assert r.also == {}
    # one foundation at a time moves nothing; ties by what each holds back, then column, then label
    assert ranking(r) == [(f, 0, 16) for f in first + F_ACTIVITY] + [(f, 0, 13) for f in F_OUTCOME] + [
        (F_IMPACT[0], 0, 8)
    ]
    assert r.together.ids == FOUNDATIONS and r.together.moves == 16


def test_everything_unknown(kg):
    r = assess(kg, profile())
    assert r.state == states(unknown=CONDITIONS + INPUTS + DERIVED)
    first = CONDITIONS + F_CONDITION + INPUTS + F_INPUT + F_PROCESS
    expected = {n: first for n in PROCESSES}
    expected |= {n: first + F_ACTIVITY for n in ACTIVITIES + SHORT}
    expected |= {n: first + F_ACTIVITY + F_OUTCOME for n in MEDIUM + LONG}
    expected |= {n: first + F_ACTIVITY + F_OUTCOME + F_IMPACT for n in IMPACTS}
    assert r.because == expected and r.also == {}
    assert ranking(r) == [(i, 0, 16) for i in first + F_ACTIVITY] + [(f, 0, 13) for f in F_OUTCOME] + [
        (F_IMPACT[0], 0, 8)
    ]
    assert r.summary(kg) == {"blocked": 0, "unknown": 16, "at risk": 0, "in place": 0}


def test_the_shipped_fictional_example(kg):
    p = load_profile(EXAMPLE, kg)
    r = assess(kg, p)
    ids, ltc, tti = "condition/inclusive-design-of-support", LTC, "condition/time-to-invest-in-the-inputs"
    assert r.state == states(
        in_place=["condition/collective-local-vision"],
        blocked=[ids, ltc, "input/resources", "input/regular-reflection", "input/capacity-support"] + DERIVED,
        unknown=[tti],
        at_risk=["input/local-intelligence"],
    )
    assert r.because == {n: [ids, ltc] for n in DERIVED}
    # once both conditions are in, these still hold the processes back (the unknown and partly ones)
    first_also = (
        [tti]
        + F_CONDITION
        + INPUTS
        + F_INPUT
        + [
            "foundation/process-locally-led-asset-based-design-and-communication",
            "foundation/process-mechanisms-need-to-be-put-in-place",
        ]
    )
    also = {n: first_also for n in PROCESSES}
    also |= {n: first_also + F_ACTIVITY for n in ACTIVITIES + SHORT}
    also |= {n: first_also + F_ACTIVITY + F_OUTCOME for n in MEDIUM + LONG}
    also |= {n: first_also + F_ACTIVITY + F_OUTCOME + F_IMPACT for n in IMPACTS}
    assert r.also == also
    rest = first_also + F_ACTIVITY + F_OUTCOME + F_IMPACT  # every other item not in place, by column
    assert ranking(r) == [(ids, 0, 16), (ltc, 0, 16)] + [(n, 0, 0) for n in rest]
    assert r.together.ids == [ids, ltc] and r.together.moves == 16
    assert r.summary(kg) == {"blocked": 16, "unknown": 0, "at risk": 0, "in place": 0}


def test_two_places_that_differ_rank_differently(kg):
    rest = [c for c in CONDITIONS if c != LTC] + INPUTS + [f for f in FOUNDATIONS if f != ANCHOR]
    a = assess(kg, profile(in_place=rest, missing=[LTC, ANCHOR]))
    b = assess(kg, profile(in_place=rest, partly=[LTC], missing=[ANCHOR]))
    assert a.state == states(in_place=[c for c in CONDITIONS if c != LTC] + INPUTS, blocked=[LTC] + DERIVED)
    assert a.because == {n: [LTC] for n in PROCESSES + ACTIVITIES + SHORT} | {
        n: [LTC, ANCHOR] for n in MEDIUM + LONG + IMPACTS
    }
    assert ranking(a) == [(LTC, 3, 16), (ANCHOR, 0, 13)]
    assert b.state == states(
        in_place=[c for c in CONDITIONS if c != LTC] + INPUTS,
        at_risk=[LTC] + PROCESSES + ACTIVITIES + SHORT,
        blocked=MEDIUM + LONG + IMPACTS,
    )
    assert b.because == {n: [LTC] for n in PROCESSES + ACTIVITIES + SHORT} | {
        n: [ANCHOR] for n in MEDIUM + LONG + IMPACTS
    }
    assert b.also == {n: [LTC] for n in MEDIUM + LONG + IMPACTS}
    assert ranking(b) == [(ANCHOR, 13, 13), (LTC, 3, 3)]
    assert [i.id for i in a.invest] != [i.id for i in b.invest]


def test_inputs_contribute_all_missing_blocks_some_missing_puts_at_risk(kg):
    base = CONDITIONS + FOUNDATIONS
    none = assess(kg, profile(in_place=base, missing=INPUTS))
    assert {none.state[n] for n in DERIVED} == {"blocked"} and none.because[PROCESSES[0]] == INPUTS
    some = assess(kg, profile(in_place=base + INPUTS[:1], missing=INPUTS[1:]))
    assert {some.state[n] for n in DERIVED} == {"at risk"} and some.because[PROCESSES[0]] == INPUTS[1:]
    assert ranking(some) == [(i, 0, 16) for i in INPUTS[1:]]
    unsure = assess(kg, profile(in_place=base + INPUTS[:3]))
    assert {unsure.state[n] for n in DERIVED} == {"unknown"} and unsure.because[PROCESSES[0]] == INPUTS[3:]
    assert ranking(unsure) == [(INPUTS[3], 16, 16)]


def test_example_profile_is_fictional_and_valid(kg):
    p = load_profile(EXAMPLE, kg)
    assert p.fictional and "fictional" in p.place.lower()
    assert "FICTIONAL" in EXAMPLE.read_text(encoding="utf-8")
    assert p.items["input/local-intelligence"].status == "partly"


def test_profile_validation_names_the_field(kg, tmp_path):
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


def test_compare_reports_what_moved_up_and_down(kg):
    before = assess(kg, profile(missing=CONDITIONS))
    after = assess(kg, profile(in_place=CONDITIONS + INPUTS + FOUNDATIONS))
    c = compare([before, after], kg)
    assert c.up == RESULTS and c.down == []
    assert [x["id"] for x in c.changed] == CONDITIONS + INPUTS + DERIVED  # every element, column by column
    assert c.changed[0]["states"] == ["blocked", "in place"] and c.changed[4]["states"] == ["unknown", "in place"]
    back = compare([after, before], kg)
    assert back.up == [] and back.down == RESULTS


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
    first, later = data["assessments"]
    assert first["summary"] == later["summary"] == {"blocked": 16, "unknown": 0, "at risk": 0, "in place": 0}
    top = later["invest"][0]  # Long-term commitment now in place: Inclusive design alone still blocks
    assert (top["id"], top["moves"], top["holds"]) == ("condition/inclusive-design-of-support", 16, 16)
    process = next(e for e in later["elements"] if e["id"] == "process/education")
    assert process["state"] == "blocked" and process["because"] == [
        {"id": "condition/inclusive-design-of-support", "label": "Inclusive design of support", "status": "missing"}
    ]
    assert data["comparison"]["items"][0]["statuses"] == ["missing", "in place"]
    text = subprocess.run(
        [c for c in cmd if c not in ("--json", str(second))], capture_output=True, text=True, cwd=ROOT
    )
    assert "blocked by: Inclusive design of support (missing), Long-term commitment (missing)" in text.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text("place: X\nitems: {input/local-intelligence: great}\n", encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "graph", "assess", str(bad), "--build", str(build_dir)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert out.returncode == 2 and "status" in out.stderr


def test_profile_round_trips_through_yaml_with_notes_evidence_and_assumptions(kg):
    import yaml

    p = load_profile(EXAMPLE, kg)
    again = parse_profile(yaml.safe_load(p.to_yaml(kg)), kg, "again")
    assert again.items == p.items and again.assumptions == p.assumptions
    assert again.fictional and again.date == p.date and again.place == p.place
    assert again.items["input/local-intelligence"].evidence


def test_profile_validation_of_files_and_assumptions(kg, tmp_path):
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


def test_assumptions_at_risk_follow_what_is_in_place_or_at_risk(kg):
    everything = profile(in_place=CONDITIONS + INPUTS + FOUNDATIONS)
    r = assess(kg, everything)
    assert r.assumptions_at_risk and all(a["status"] == "unknown" for a in r.assumptions_at_risk)
    first = r.assumptions_at_risk[0]["id"]
    everything.assumptions[first] = Entry("holds")
    assert first not in {a["id"] for a in assess(kg, everything).assumptions_at_risk}
    assert not assess(kg, profile(missing=CONDITIONS)).assumptions_at_risk  # nothing working, nothing relied on


def test_compare_lists_what_changed_in_the_profiles(kg):
    before = load_profile(EXAMPLE, kg)
    after = Profile("later", {**before.items, "input/capacity-support": Entry("in place")}, before.assumptions)
    c = compare([assess(kg, p) for p in (before, after)], kg, [before, after])
    assert c.items == [
        {
            "id": "input/capacity-support",
            "label": "Capacity support",
            "type": "Input",
            "statuses": ["missing", "in place"],
        }
    ]
    assert any(x["id"] == "input/capacity-support" for x in c.changed)


def test_printable_report_escapes_text(kg):
    from ui.place import report_html

    p = Profile("<script>alert(1)</script>", {"input/resources": Entry("missing", "<b>n</b>", "https://x/?a=<1>")})
    html = report_html(p, assess(kg, p), kg)
    assert "<script>alert" not in html and "&lt;script&gt;" in html and "&lt;b&gt;n" in html
    assert "Invest here first" in html and "Blocked, at risk, and by what" in html
    # the picture itself: every column of the model, each element a same-tab link to its page
    picture = html.split("Blocked, at risk, and by what")[0]
    assert picture.count('target="_self"') == 32 and "_blank" not in html
    assert "Short-term outcomes" in html and "Wider impacts" in html
    # a printed page carries its key and its date, and names the assumptions list as the app does (a walk)
    from ui.place import FILL

    assert all(f">{state}</span>" in picture for state in FILL) and re.search(r"<p>Printed: \d{4}-\d\d-\d\d</p>", html)
    assert "Assumptions under what is in place or at risk, not confirmed" in html and "Assumptions at risk<" not in html


def test_causes_say_each_reason_once_on_the_example(kg):
    """The fictional example: two missing conditions block all seven columns (one row, not seven), and the 19 items
    that would hold them back next are each named once, at the first column they hold back, by status."""
    r = assess(kg, load_profile(EXAMPLE, kg))
    c = causes(r)
    assert [(b.span(), b.state, b.items) for b in c.blocking] == [
        ("Processes to Wider impacts (7 columns)", "blocked",
         ["condition/inclusive-design-of-support", "condition/long-term-commitment"])]
    assert [(h.column, {s: len(ids) for s, ids in h.by_status.items()}) for h in c.next] == [
        ("Processes", {"missing": 3, "partly": 2, "unknown": 8}), ("Activities", {"unknown": 2}),
        ("Medium-term outcomes", {"partly": 1, "unknown": 2}), ("Individual impacts", {"unknown": 1})]
    assert c.next[0].by_status["missing"] == ["input/capacity-support", "input/regular-reflection", "input/resources"]
    assert c.next[0].by_status["partly"] == [
        "input/local-intelligence", "foundation/input-commissioners-and-funders-understand-and-want-to"]
    said = [i for h in c.next for ids in h.by_status.values() for i in ids]
    assert len(said) == len(set(said)) == 19  # each once; the per-column lists named 13 to 19 in each of 7 rows
    assert set(said) == {i for ids in r.also.values() for i in ids}  # and none lost


def test_causes_group_runs_of_columns_by_what_decides_them(kg):
    """Conditions and inputs in place but Local intelligence partly, the communication foundation unknown and the
    anchor-institutions foundation (it rests under medium-term outcomes) missing: two runs of columns, each with
    its own reason; an item said as a reason is not said again as a next one."""
    items = {i: Entry("in place") for i in gating_items(kg)}
    items["input/local-intelligence"] = Entry("partly")
    items["foundation/outcome-local-anchor-institutions-exhibit-a-good-level"] = Entry("missing")
    items["foundation/process-frequent-purposeful-communication-among-support-agencies-to"] = Entry("unknown")
    c = causes(assess(kg, Profile("Testville", items)))
    assert [(b.span(), b.state, b.items) for b in c.blocking] == [
        ("Processes to Short-term outcomes (3 columns)", "unknown",
         ["foundation/process-frequent-purposeful-communication-among-support-agencies-to"]),
        ("Medium-term outcomes to Wider impacts (4 columns)", "blocked",
         ["foundation/outcome-local-anchor-institutions-exhibit-a-good-level"])]
    assert [(h.column, h.by_status) for h in c.next] == [("Processes", {"partly": ["input/local-intelligence"]})]


def test_the_saved_report_links_to_the_app_not_to_itself(kg):
    """A downloaded report's relative links ("?page=node…") opened the saved file itself (found in a browser walk):
    with the app's address every link opens the node's page in the app."""
    import re

    from ui.place import report_html

    p = Profile("Town", {"input/resources": Entry("missing", "", "")})
    html = report_html(p, assess(kg, p), kg, base="http://127.0.0.1:8501/")
    links = re.findall(r'href="([^"]*)"', html)
    app = "http://127.0.0.1:8501/?page=node&amp;node="
    assert len(links) >= 32 and all(u.startswith(app) for u in links), links[:3]


def test_invest_here_first_lists_only_items_that_move_or_decide_something(kg):
    """One condition marked missing: it alone moves all 16 outcomes and impacts up; the unknown items after it
    scored 0 and 0 and were listed all the same (found in a browser walk)."""
    from ui.place import invest_rows

    r = assess(kg, Profile("T", {"condition/long-term-commitment": Entry("missing", "", "")}))
    assert invest_rows(r) == [{"item": "Long-term commitment", "type": "Condition", "now": "missing",
                               "moves up": 16, "holds back": 16}]


def test_the_printed_report_gives_each_item_its_whole_wording(kg):
    """The printed report listed "Mechanisms need to be put in place to build awareness of the…": a label cut to
    fit a box, with no tooltip on paper (found in a browser walk)."""
    from ui.place import report_html

    cut = "foundation/process-mechanisms-need-to-be-put-in-place"
    assert kg.nodes[cut].label.endswith("…")
    p = Profile("Testville", {cut: Entry("missing"), "condition/long-term-commitment": Entry("in place")})
    page = report_html(p, assess(kg, p), kg)
    whole = kg.nodes[cut].whole_label
    assert not whole.endswith("…") and whole.startswith(kg.nodes[cut].label.removesuffix("…"))
    assert html.escape(whole) in page and html.escape(kg.nodes[cut].label) not in page
    assert kg.nodes["condition/long-term-commitment"].whole_label == "Long-term commitment"
