"""Ingest on the real seed corpus: the whole logic model, merged, with exact provenance."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import RDF, SKOS

from graph.ns import EP, ID
from graph.stages import stages
from ingest.build import BuildError, build, read_manifest
from ingest.validate import check, quotes, shacl

ROOT = Path(__file__).resolve().parent.parent


def by_type(kg, cls):
    return kg.of_type(cls)


def test_expected_model_counts(kg):
    count = Counter(n.type for n in kg.nodes.values())
    assert count["Vision"] == 1 and count["Purpose"] == 1
    assert count["Condition"] == 4
    assert count["Input"] == 4
    assert count["Process"] == 4
    assert count["Activity"] == 4


@pytest.mark.parametrize("cls, attr, expected", [
    ("Outcome", "horizon", {"short": 3, "medium": 3, "long": 2}),
    ("Impact", "scope", {"individual": 4, "wider": 4}),
    ("Assumption", "stage", {"vision": 3, "condition": 2, "input": 2, "process": 2, "activity": 2, "outcome": 2,
                             "impact": 3}),
    ("Foundation", "kind", {"Partner visions": 4, "External conditions": 3, "Local conditions": 3,
                            "System support": 3, "Delivery support": 2, "Outcome catalysts": 3,
                            "Impact catalysts": 1}),
])
def test_nodes_of_a_class_by_horizon_scope_stage_or_kind(kg, cls, attr, expected):
    assert Counter(getattr(n, attr) for n in by_type(kg, cls)) == expected


def test_assumptions_each_its_own_node_linked_to_its_stage_and_attached_near_it(kg):
    """Every assumption keeps its stage and sits under at least one element of that stage or a column next to it
    (the elements its words speak about; its whole stage only as the marked fallback)."""
    columns = {s.key: int(s.order) for s in stages()}
    under = kg.edges("underpinnedBy")
    for a in kg.of_type("Assumption"):
        assert a.stage, a.id
        els = [e for e, assumptions in under.items() if a.id in assumptions]
        assert els, f"{a.id} is attached to no element"
        for e in els:
            if a.stage == "vision":  # vision and purpose frame the model: their assumptions stay among them
                assert kg.nodes[e].stage == "vision", (a.id, e)
            else:
                assert abs(columns[kg.nodes[e].stage] - columns[a.stage]) <= 1, (a.id, e)


def test_partner_vision_foundations_are_attributed_to_the_four_partners(kg):
    partner = {
        kg.nodes[o].label
        for f in by_type(kg, "Foundation")
        if f.kind == "Partner visions"
        for d, o in kg.neighbours(f.id).get("attributedTo", [])
    }
    assert partner == {
        "Power to Change",
        "New Economics Foundation",
        "Co-operatives UK",
        "Centre for Local Economic Strategies",
    }


def test_one_node_per_real_thing_with_every_source(kg):
    inputs = by_type(kg, "Input")
    assert {n.label for n in inputs} == {"Local intelligence", "Resources", "Regular reflection", "Capacity support"}
    for n in inputs:  # the web page, the report's explainer and the summary table
        docs = {s.doc_id for s in n.sources}
        assert {"000-e226e1c30bd1adf5", "002-5e2544817f0558dc"} <= docs
        assert any(s.role == "summary" for s in n.sources)
        assert any(" – " in a for a in n.alt_labels), "the table's short wording is an alternative label"
    income = kg.find("Income is retained and recycled in the local economy")
    assert income is not None and income.type == "Outcome" and income.horizon == "medium"
    assert {s.doc_id for s in income.sources} == {"001-b0192faa265386a0", "002-5e2544817f0558dc"}
    good = kg.nodes["outcome/good-business"]  # the table's short wording names the right line
    assert good.text.startswith("‘Good business’") and "scale" not in good.label.lower()
    assert kg.nodes["outcome/social-business-sector-scales-both-in-size-and"].text.startswith("Social business sector")
    labels = [n.label.lower() for n in kg.of_type("Outcome", "Impact", "Process", "Input", "Condition", "Activity")]
    assert len(labels) == len(set(labels))


def test_case_studies_with_organisations_places_and_figures(kg):
    characteristics = [n for n in by_type(kg, "Insight") if n.kind == "characteristics"]
    assert len(characteristics) == 7
    cases = by_type(kg, "CaseStudy")
    assert len(cases) == 7
    illustrated = {o for c in cases for d, o in kg.neighbours(c.id).get("illustrates", []) if d == "out"}
    assert {c.id for c in characteristics} <= illustrated

    def case_of(org):
        return next(c for c in cases if org in c.label)

    halifax = kg.neighbours(case_of("Halifax Opportunities Trust").id)
    figures = {kg.nodes[o].figure for d, o in halifax["hasEvidence"]}
    assert any("£2.43" in f and "£1" in f for f in figures)
    royds = kg.neighbours(case_of("Royds Community Association").id)
    assert {kg.nodes[o].label for d, o in royds["locatedIn"]} == {"Bradford"}
    assert {kg.nodes[o].label for d, o in kg.neighbours(case_of("Boost Neighbourhood Finance").id)["locatedIn"]} == {
        "Bristol"
    }
    evidence = {n.figure for n in by_type(kg, "Evidence")}
    assert "1400 jobs and £120m GVA" in evidence


def test_council_insights_challenges_places_programmes(kg):
    insights = [n for n in by_type(kg, "Insight") if n.kind == "practical insights"]
    assert [n.label for n in sorted(insights, key=lambda n: int(n.notation))][:2] == ["Political buy-in", "Education"]
    assert len(insights) == 8
    assert len([n for n in by_type(kg, "Insight") if "challenges" in n.kind]) == 2
    places = {n.label for n in by_type(kg, "Place")}
    assert {"Wigan", "Bradford", "Leicester", "Plymouth", "Grimsby", "Hartlepool"} <= places
    programmes = {n.label for n in by_type(kg, "Programme")}
    assert {"LEGI", "Bizfizz", "Empowering Places"} <= programmes
    orgs = {n.label for n in by_type(kg, "Organisation")}
    assert {
        "Power to Change",
        "Co-operatives UK",
        "Centre for Local Economic Strategies",
        "New Economics Foundation",
    } <= orgs


def test_every_node_quote_is_exactly_at_its_offsets(kg, build_dir):
    for n in kg.nodes.values():
        assert n.sources, n.id
        for s in n.sources:
            text = (build_dir / "texts" / f"{s.doc_id}.txt").read_text(encoding="utf-8")
            assert text[s.start : s.end] == s.quote, (n.id, s)
            assert s.quote.strip()
    # and the texts are the corpus files themselves for plain-text documents
    assert (build_dir / "texts" / "002-5e2544817f0558dc.txt").read_text(encoding="utf-8") == (
        ROOT / "corpus" / "002_5e2544817f0558dc.txt"
    ).read_text(encoding="utf-8")


def test_shacl_shapes_hold(build_dir):
    g = Graph().parse(build_dir / "graph.ttl")
    report = shacl(g)
    assert report.conforms, report.problems[:10]
    assert quotes(g, build_dir / "texts").conforms


def test_shacl_catches_an_element_without_stage(build_dir):
    g = Graph().parse(build_dir / "graph.ttl")
    node = ID["process/create-a-referral-network"]
    g.remove((node, EP.stage, None))
    g.remove((node, SKOS.prefLabel, None))
    report = shacl(g)
    assert not report.conforms
    assert any("create-a-referral-network" in p for p in report.problems)


def test_manifest_counts_and_hashes(build_dir):
    m = read_manifest(build_dir)
    assert len(m["documents"]) == 5
    assert all(len(d["sha256"]) == 64 for d in m["documents"].values())
    assert m["nodes"]["Process"] == 4 and m["edges"]["underpinnedBy"] > 0
    # the build says what each case study of seed 004 does not name (issue 14: a case keeps what it has)
    assert m["warnings"] == {"corpus/004_886a3e0936d83125.txt": [
        "case study 'Network of diverse, responsible businesses and enterprises (example)' names no organisation, "
        "no place",
        "case study 'Boost Neighbourhood Finance' names no figure",
        "case study 'Cleobury Country Ltd' names no place, no figure",
        "case study 'Manor House Development Trust' names no figure",
        "case study 'Royds Community Association' names no figure",
    ]}
    assert (build_dir / "graph.jsonld").stat().st_size > 0


def test_unchanged_corpus_does_nothing_and_changed_sentence_changes_graph(corpus_copy, tmp_path):
    out = tmp_path / "b"
    first = build([corpus_copy], out=out)
    assert first.status == "built"
    assert build([corpus_copy], out=out).status == "up-to-date"
    f = corpus_copy / "002_5e2544817f0558dc.txt"
    f.write_text(
        f.read_text(encoding="utf-8").replace(
            "Upskilling community facing support staff", "Training community facing support staff"
        ),
        encoding="utf-8",
    )
    again = build([corpus_copy], out=out)
    assert again.status == "built"
    g = Graph().parse(out / "graph.ttl")
    text = str(g.value(ID["process/create-a-referral-network"], EP.text))
    assert text.startswith("Training community facing support staff")


def _minimal_pdf(text: str) -> bytes:
    """A one-page PDF with real text, written by hand so the test needs no PDF library."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return out


def test_every_format_ingests_and_bad_input_is_named_without_losing_the_rest(corpus_copy, tmp_path):
    (corpus_copy / "notes.md").write_text(
        "---\ntitle: Our referral pilot\nkind: case-study\n---\n# Referral pilot in Wigan\n\n"
        "The Wigan hub trained twelve community connectors. As a result, 40 businesses were referred "
        "to specialist support.\n",
        encoding="utf-8",
    )
    (corpus_copy / "page.html").write_text(
        "<html><head><script>alert('x')</script><style>p{}</style></head><body><h1>Peer support</h1>"
        "<p>Action learning sets helped founders in Grimsby support each other's aspirations.</p>"
        "<p><script>document.cookie</script>&lt;b&gt;not bold&lt;/b&gt; stays text.</p></body></html>",
        encoding="utf-8",
    )
    (corpus_copy / "report.pdf").write_bytes(_minimal_pdf("Community anchors in Plymouth created jobs."))
    (corpus_copy / "empty.txt").write_text("   \n", encoding="utf-8")
    (corpus_copy / "binary.txt").write_bytes(b"\x00\x01\x02binary")
    (corpus_copy / "latin1.txt").write_bytes("Caf\xe9 society".encode("latin-1"))
    (corpus_copy / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    (corpus_copy / "copy.txt").write_bytes((corpus_copy / "003_fccb13ffadf0c76f.txt").read_bytes())
    big = corpus_copy / "huge.txt"
    with big.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    out = tmp_path / "b"
    result = build([corpus_copy], out=out)
    w = result.warnings
    name = {Path(k).name: " ".join(v) for k, v in w.items()}
    assert "empty" in name["empty.txt"]
    assert "binary" in name["binary.txt"]
    assert "UTF-8" in name["latin1.txt"] and "offset 3" in name["latin1.txt"]
    assert "PDF" in name["broken.pdf"]
    assert "duplicate" in name["copy.txt"] and "003_fccb13ffadf0c76f.txt" in name["copy.txt"]
    assert "MB" in name["huge.txt"]
    docs = result.manifest["documents"]
    assert {Path(p).name for p in docs} >= {"notes.md", "page.html", "report.pdf", "002_5e2544817f0558dc.txt"}
    assert result.manifest["nodes"]["Process"] == 4
    html_text = (out / "texts" / "page.txt").read_text(encoding="utf-8")
    assert "alert" not in html_text and "document.cookie" not in html_text
    assert "<b>not bold</b> stays text." in html_text  # markup in a document is kept as text
    g = Graph().parse(out / "graph.ttl")
    texts = " ".join(str(o) for o in g.objects(None, EP.text))
    assert "Plymouth created jobs" in texts and "Action learning sets" in texts
    assert "Wigan hub trained twelve" in texts
    assert check(out).conforms


def test_failed_build_keeps_the_previous_one(corpus_copy, tmp_path):
    out = tmp_path / "b"
    build([corpus_copy], out=out)
    before = (out / "graph.ttl").read_bytes()
    for f in corpus_copy.glob("*.txt"):
        f.write_bytes(b"")
    with pytest.raises(BuildError, match="no document could be read"):
        build([corpus_copy], out=out)
    assert (out / "graph.ttl").read_bytes() == before


def test_cli_help_json_and_check(build_dir, tmp_path):
    run = [sys.executable, "-m", "ingest"]
    h = subprocess.run(run + ["--help"], capture_output=True, text=True, cwd=ROOT)
    assert h.returncode == 0 and "--out" in h.stdout
    j = subprocess.run(run + ["--out", str(build_dir), "--json", "--check"], capture_output=True, text=True, cwd=ROOT)
    assert j.returncode == 0, j.stderr
    data = json.loads(j.stdout)
    assert data["status"] == "up-to-date" and data["check"]["conforms"] is True
    missing = subprocess.run(run + ["nowhere/", "--out", str(tmp_path / "x")], capture_output=True, text=True, cwd=ROOT)
    assert missing.returncode == 1 and "nowhere" in missing.stderr


def test_types_are_ontology_classes(build_dir):
    g = Graph().parse(build_dir / "graph.ttl")
    onto = Graph().parse(ROOT / "graph" / "ontology.ttl")
    used = {o for o in g.objects(None, RDF.type) if str(o).startswith(str(EP))}
    declared = set(onto.subjects(RDF.type, None))
    assert used <= declared, used - declared


def _local_model(place: str, element: str, prose: str, assumption: str, foundation: str) -> str:
    return (f"{place} local logic model\n\nThis local logic model was written by partners in {place}.\n\n"
            f"CONDITIONS\n\n{place} {element}\n\n{prose}\n\n"
            f"Assertions/Assumptions\n{assumption}\n\nFoundation (External conditions)\n{foundation}\n")


def test_assumptions_underpin_the_elements_of_their_own_document(tmp_path):
    """A place's own logic model speaks for its own elements: links grow with the corpus, not its square."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "alpha.txt").write_text(_local_model(
        "Alphaton", "shared investment plan",
        "The council, the housing trust and two credit unions pool their capital budgets so that tenants' "
        "co-operatives can borrow for repairs at low interest.",
        "Visible early successes in Alphaton persuade sceptical partners to back micro enterprises",
        "Regional policy in Alphaton recognises community enterprise as economic development"))
    (corpus / "beta.txt").write_text(_local_model(
        "Betaford", "open data sharing",
        "Hospitals and colleges publish what they buy each quarter, and market traders use it to bid "
        "together for catering contracts.",
        "Local ownership in Betaford keeps more of the value created by social purpose businesses",
        "Public health teams in Betaford treat good work as a route to better health"))
    out = tmp_path / "b"
    build([corpus], out=out)
    g = Graph().parse(out / "graph.ttl")
    pairs = {(str(g.value(e, SKOS.prefLabel)), str(g.value(a, EP.text)))
             for e, a in g.subject_objects(EP.underpinnedBy)}
    assert pairs, "the local models' assumptions were not extracted"
    for element, assumption in pairs:
        place = "Alphaton" if "Alphaton" in element else "Betaford"
        assert place in assumption, (element, assumption)
    assert {p.split()[0] for p, _ in pairs} == {"Alphaton", "Betaford"}
    founded = {(str(g.value(e, SKOS.prefLabel)), str(g.value(f, EP.text)))
               for e, f in g.subject_objects(EP.hasFoundation)}
    assert founded and all(e.split()[0] in f for e, f in founded)


def test_warnings_are_printed_once_per_corpus_change_and_names_are_whole(tmp_path):
    """A build prints its warnings once; an unchanged corpus says "nothing to do" and keeps them in the manifest."""
    out = tmp_path / "build"
    run = [sys.executable, "-m", "ingest", "--out", str(out)]
    first = subprocess.run(run, capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert first.returncode == 0, first.stderr
    kept = read_manifest(out)["warnings"]
    printed = [ln for ln in first.stderr.splitlines() if ln.startswith("warning: ")]
    assert printed == [f"warning: {path}: {msg}" for path, msgs in kept.items() for msg in msgs]
    seed = "corpus/004_886a3e0936d83125.txt"
    assert [m for m in kept[seed] if "Network of diverse" in m] == [
        "case study 'Network of diverse, responsible businesses and enterprises (example)' names no organisation, "
        "no place"]
    again = subprocess.run(run, capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert again.returncode == 0 and again.stderr == ""
    n = sum(len(m) for m in kept.values())
    assert again.stdout.strip().endswith(f"nothing to do; its {n} warning(s) are in {out / 'manifest.json'}")
    assert read_manifest(out)["warnings"] == kept
