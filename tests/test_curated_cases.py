"""A person corrects a case study's links in corpus/links.yaml: add (basis curated) or remove, with a reason.

Data: the seed corpus plus a small case study written for the test, built for real three times into one build
directory: with the shipped links.yaml (the machine's links), with case entries added to a copy of it, and with
the shipped file again (a re-build). Which links to remove and replace is read off the first build, never
written down here.
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from graph.analysis.cases import case_details, cases_for_element, elements_for_case
from graph.evidence import graph_evidence
from graph.ns import EP, ID
from graph.records import LinkRecord
from graph.store import KnowledgeGraph
from ingest.build import build
from ingest.links.stage import case_link_uri

ROOT = Path(__file__).resolve().parent.parent
TITLE = "Riverside Bakery: a community-owned bakery on the high street"
CASE = "casestudy/riverside-bakery-a-community-owned-bakery-on-the"
CASE_DOC = f"""---
title: "{TITLE}"
kind: case-study
publisher: Written for the tests
---
# {TITLE}

When the last bakery in Otley closed, 200 residents bought shares to reopen it as Riverside Bakery, a
community-owned co-operative. A local co-operative development agency helped the members write their business
plan and introduced them to a community lender, which offered a loan alongside the share offer. The bakery now
employs nine people from the town, trains young people who left school without qualifications, and buys its
flour from a mill twenty miles away. Members meet every quarter to decide what the bakery sells and where its
surplus goes; last year the surplus paid for free bread for the food bank.
"""
AUTHOR = "Riverside Bakery members"
EVIDENCE = "The bakery now employs nine people from the town, trains young people who left school"


@dataclass
class Run:
    kg: KnowledgeGraph
    manifest: dict
    warnings: dict[str, list[str]]


@dataclass
class Picks:
    """What the test does, chosen from the first build: drop the strongest machine link, replace the next, and add
    the element at the other end of a causal arrow from one the case keeps (so a case then shows that arrow)."""

    removed: LinkRecord
    replaced: LinkRecord
    kept: list[LinkRecord]
    added: str
    arrow: tuple[str, str]
    other_case: str


def _entries(p: Picks) -> list[tuple[str, list[str]]]:
    """(name, lines) of each entry appended to links.yaml; the good ones first, then one of each bad kind."""
    return [
        ("add", [f'  - from: "{TITLE}"', f"    to: {p.added}", "    weight: 0.8",
                 "    reason: the members say the bakery does what this element describes",
                 f"    author: {AUTHOR}", f"    evidence: {EVIDENCE}"]),
        ("replace", [f"  - from: {CASE}", f"    to: {p.replaced.target}",
                     "    reason: confirmed by the members who run the bakery", f"    author: {AUTHOR}"]),
        ("remove", [f"  - from: {CASE}", f"    to: {p.removed.target}", "    action: remove",
                    "    reason: nothing in the case is about this", f"    author: {AUTHOR}"]),
        ("unknown case", ["  - from: casestudy/no-such-case", f"    to: {p.added}", "    reason: r",
                          f"    author: {AUTHOR}"]),
        ("unknown element", [f"  - from: {CASE}", "    to: outcome/no-such-outcome", "    reason: r",
                             f"    author: {AUTHOR}"]),
        ("case to case", [f"  - from: {CASE}", f"    to: {p.other_case}", "    reason: r", f"    author: {AUTHOR}"]),
        ("element to case", [f"  - from: {p.added}", f"    to: {CASE}", "    reason: r", f"    author: {AUTHOR}"]),
        ("no reason", [f"  - from: {CASE}", f"    to: {p.kept[0].target}", f"    author: {AUTHOR}"]),
        ("no author", [f"  - from: {CASE}", f"    to: {p.kept[0].target}", "    reason: r"]),
    ]


def _with_entries(shipped: str, p: Picks) -> tuple[str, dict[str, int]]:
    """The shipped links.yaml with the entries appended, and the line each entry starts on."""
    lines = shipped.rstrip("\n").split("\n")
    where = {}
    for name, body in _entries(p):
        where[name] = len(lines) + 1
        lines.extend(body)
    return "\n".join(lines) + "\n", where


def _case_links(kg: KnowledgeGraph, case: str = CASE) -> list[LinkRecord]:
    return sorted((x for x in kg.case_links if x.source == case), key=lambda x: -(x.weight or 0))


def _pick(kg: KnowledgeGraph) -> Picks:
    links = _case_links(kg)
    assert len(links) == 3 and all(x.basis in ("explicit", "semantic", "evidence") for x in links), links
    removed, replaced, *kept = links
    keeps = {replaced.target, *(x.target for x in kept)}
    linked = {x.target for x in links}
    shown = {k for k, ev in graph_evidence(kg).items() if ev.level in ("stated", "shown")}
    arrows = sorted((lk.source, lk.target) for lk in kg.links if (lk.source, lk.target) not in shown
                    and not lk.source.startswith("stage") and not lk.target.startswith("stage")
                    and len({lk.source, lk.target} & keeps) == 1 and len({lk.source, lk.target} & linked) == 1)
    assert arrows, "no causal arrow with one end among the case's kept links"
    arrow = arrows[0]
    added = next(e for e in arrow if e not in keeps)
    other = sorted(n.id for n in kg.of_type("CaseStudy") if n.id != CASE)[0]
    return Picks(removed, replaced, kept, added, arrow, other)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """(machine, curated, rebuilt, picks, lines, build dir of the curated run, links.yaml path)."""
    base = tmp_path_factory.mktemp("curcases")
    corpus = base / "corpus"
    shutil.copytree(ROOT / "corpus", corpus, ignore=shutil.ignore_patterns("profiles"))
    (corpus / "riverside_bakery.md").write_text(CASE_DOC, encoding="utf-8")
    links_yaml = corpus / "links.yaml"
    shipped = links_yaml.read_text(encoding="utf-8")
    out = base / "b" / "build"

    def run() -> Run:
        result = build([corpus], out=out)
        assert result.status == "built"
        return Run(KnowledgeGraph.load(out), result.manifest, result.warnings)

    machine = run()
    picks = _pick(machine.kg)
    text, lines = _with_entries(shipped, picks)
    links_yaml.write_text(text, encoding="utf-8")
    curated = run()
    kept_build = base / "curated"
    shutil.copytree(out.resolve(), kept_build)  # the curated build on disk, for the CLI and the search engine
    links_yaml.write_text(shipped, encoding="utf-8")
    rebuilt = run()
    return machine, curated, rebuilt, picks, lines, kept_build, links_yaml


def test_an_add_writes_a_curated_case_link_with_weight_reason_author_and_its_line(runs):
    _, curated, _, p, lines, _, path = runs
    added = next(x for x in curated.kg.case_links if (x.source, x.target) == (CASE, p.added))
    reason = "the members say the bakery does what this element describes"
    assert added == LinkRecord(
        id=f"caselink/{CASE.replace('/', '-')}--{p.added.replace('/', '-')}", source=CASE, target=p.added,
        basis="curated", weight=0.8, evidence=EVIDENCE, reason=f"Added by {AUTHOR}: {reason}", author=AUTHOR)
    report = curated.manifest["links"]["curated"]
    assert report["file"] == str(path)
    assert [x for x in report["added"] if x["kind"] == "case"] == [
        {"kind": "case", "from": CASE, "to": p.added, "line": lines["add"], "reason": reason, "author": AUTHOR},
        {"kind": "case", "from": CASE, "to": p.replaced.target, "line": lines["replace"],
         "reason": "confirmed by the members who run the bakery", "author": AUTHOR}]
    g = curated.kg.g
    assert (ID[CASE], EP.illustrates, ID[p.added]) in g
    assert curated.manifest["links"]["case_links"]["curated"] == 2


def test_an_add_replaces_the_machine_link_on_its_pair_and_says_which(runs):
    _, curated, _, p, _, _, _ = runs
    links = [x for x in curated.kg.case_links if (x.source, x.target) == (CASE, p.replaced.target)]
    why = "confirmed by the members who run the bakery"
    assert links == [LinkRecord(
        id=f"caselink/{CASE.replace('/', '-')}--{p.replaced.target.replace('/', '-')}", source=CASE,
        target=p.replaced.target, basis="curated", weight=1.0, evidence=why, author=AUTHOR,
        reason=f"Added by {AUTHOR}: {why} [curated: replaces the {p.replaced.basis} link "
               f"(weight {p.replaced.weight:.2f})]")]
    g = curated.kg.g
    u = case_link_uri(CASE, p.replaced.target)
    assert g.value(u, EP.evidenceSource) is None and g.value(u, EP.model) is None  # nothing of the machine's left


def test_a_remove_drops_the_machine_link_and_the_manifest_lists_it(runs):
    machine, curated, _, p, lines, _, _ = runs
    assert (ID[CASE], EP.illustrates, ID[p.removed.target]) in machine.kg.g
    assert not [x for x in curated.kg.case_links if (x.source, x.target) == (CASE, p.removed.target)]
    assert (ID[CASE], EP.illustrates, ID[p.removed.target]) not in curated.kg.g
    # (the shipped links.yaml also removes two assumption attachments: kind "assumption")
    assert [x for x in curated.manifest["links"]["curated"]["removed"] if x["kind"] == "case"] == [
        {"kind": "case", "from": CASE, "to": p.removed.target, "reason": "nothing in the case is about this",
         "author": AUTHOR, "line": lines["remove"], "removed_basis": p.removed.basis}]
    # the case's other machine links are untouched
    assert [x for x in _case_links(curated.kg) if x.basis != "curated"] == p.kept


def test_each_bad_case_entry_is_a_warning_with_its_line_and_field_and_the_rest_applies(runs):
    machine, curated, _, p, lines, _, path = runs
    assert str(path) not in machine.warnings
    to_line = {k: v + 1 for k, v in lines.items()}  # 'to' is the second line of every entry
    assert curated.warnings[str(path)] == [
        f"line {lines['unknown case']}: field 'from': no model element, case study or assumption "
        "'casestudy/no-such-case' (use an id such as 'process/create-a-referral-network', 'casestudy/…' or "
        "'assumption/…', or an exact label or title)",
        f"line {to_line['unknown element']}: field 'to': no model element 'outcome/no-such-outcome' (use an id "
        "such as 'process/create-a-referral-network' or an element's exact label)",
        f"line {to_line['case to case']}: field 'to': '{p.other_case}' is a case study, not a model element "
        "(a case link starts at a case study and ends at the model element it illustrates)",
        f"line {to_line['element to case']}: field 'to': '{CASE}' is a case study, not a model element "
        "(put the case study under 'from' and the element it illustrates under 'to')",
        f"line {lines['no reason']}: field 'reason' is missing or empty",
        f"line {lines['no author']}: field 'author' is missing or empty",
    ]
    assert curated.manifest["links"]["curated"]["errors"] == curated.warnings[str(path)]
    # the shipped causal curation still applies beside the case entries
    assert [x["kind"] for x in curated.manifest["links"]["curated"]["added"]].count("causal") == 1
    assert {(x.source, x.target, x.basis) for x in curated.kg.links} == \
        {(x.source, x.target, x.basis) for x in machine.kg.links}


def test_rebuilding_without_the_entries_restores_the_machine_links(runs):
    machine, _, rebuilt, _, _, _, _ = runs
    assert _case_links(rebuilt.kg) == _case_links(machine.kg)
    assert sorted(rebuilt.kg.case_links, key=lambda x: x.id) == sorted(machine.kg.case_links, key=lambda x: x.id)
    assert "curated" not in rebuilt.manifest["links"]["case_links"]
    assert [x["kind"] for x in rebuilt.manifest["links"]["curated"]["added"] if x["kind"] != "assumption"] == [
        "causal"]


def test_a_curated_case_link_counts_wherever_case_links_are_read(runs):
    _, curated, _, p, _, build_dir, _ = runs
    kg = curated.kg
    expected = sorted([(p.replaced.target, "curated", 1.0), (p.added, "curated", 0.8),
                       *((x.target, x.basis, x.weight) for x in p.kept)], key=lambda x: -x[2])
    assert [(x.element, x.basis, x.weight) for x in elements_for_case(kg.g, kg, CASE)] == expected
    assert [(x.element, x.basis, x.weight) for x in case_details(kg.g, kg, CASE).links] == expected
    ours = [x for x in cases_for_element(kg.g, kg, p.added) if x.case == CASE]
    assert [(x.basis, x.weight, x.reason) for x in ours] == [
        ("curated", 0.8, f"Added by {AUTHOR}: the members say the bakery does what this element describes")]
    weights = [x.weight for x in cases_for_element(kg.g, kg, p.added)]
    assert weights == sorted(weights, reverse=True)  # strongest first
    # a causal arrow one of whose ends the case illustrated is now shown by the case, through the curated link
    ev = graph_evidence(kg)[p.arrow]
    assert ev.level == "shown" and CASE in [c.case for c in ev.cases]


def test_graph_cases_lists_the_curated_link_with_its_basis(runs):
    from graph.__main__ import main

    _, _, _, p, _, build_dir, _ = runs
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = main(["cases", CASE, "--build", str(build_dir), "--json"])
    assert code == 0
    got = [(r["id"], r["basis"], r["weight"]) for r in json.loads(buf.getvalue())["results"]]
    assert got[:2] == [(p.replaced.target, "curated", 1.0), (p.added, "curated", 0.8)]
    assert p.removed.target not in [g[0] for g in got]


def test_the_answer_card_lists_the_case_with_its_curated_basis(runs):
    from search.engine import SearchEngine

    _, curated, _, p, _, build_dir, _ = runs
    engine = SearchEngine.load(build_dir)
    weight = {p.added: 0.8, p.replaced.target: 1.0}
    # the card picks its element from the question: ask for each curated element by its label, then its id
    cards = [engine.card(q) for e in weight for q in (curated.kg.nodes[e].label, e)]
    card = next((c for c in cards if c is not None and c.element.id in weight), None)
    assert card is not None, [c.element.id for c in cards if c is not None]
    line = next(c for c in card.case_studies if c.id == CASE)
    # the basis keeps the curated weight; the badge a person reads says the words only
    assert (line.basis, line.badge()) == (f"curated {weight[card.element.id]:.2f}", "curated")
    strengths = [float(c.basis.split()[-1]) for c in card.case_studies if c.basis.split()[-1][:1].isdigit()]
    assert strengths == sorted(strengths, reverse=True)  # strongest first


def test_the_shipped_links_yaml_has_no_case_entries(build_dir):
    manifest = json.loads((build_dir / "manifest.json").read_text())
    assert {x["kind"] for x in manifest["links"]["curated"]["added"]} == {"causal", "assumption"}
    assert "curated" not in manifest["links"]["case_links"]
    assert all(x.basis != "curated" for x in KnowledgeGraph.load(build_dir).case_links)
