"""Case studies as first-class graph content: real case files from outside the corpus, ingested beside it.

Data: the seed corpus plus tests/eval/cases/dev (7 real case studies, with expected organisations,
places and figures written before any system ran on them). Small documents written for a test are
asserted whole.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from rdflib import URIRef
from rdflib.namespace import DCTERMS

from graph.analysis.cases import cases_for_element, elements_for_case
from graph.lookup import resolve
from graph.ns import EP, ID, OA, local_name
from graph.store import KnowledgeGraph
from ingest.build import build
from ingest.entities import find_entities
from ingest.extract import extract
from ingest.model import Doc

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "tests" / "eval" / "cases" / "dev"
EXPECTED = [e for e in yaml.safe_load((DEV / "expected.yaml").read_text()) if isinstance(e, dict) and "file" in e]
OTHER_KINDS = ("vision", "purpose", "assumption", "foundation")  # id prefixes of what is not an element


def _front(path: Path) -> dict:
    return yaml.safe_load(path.read_text().split("---")[1])


def _doc_id(name: str) -> str:
    import re

    return re.sub(r"[^a-z0-9]+", "-", Path(name).stem.lower()).strip("-")


@pytest.fixture(scope="module")
def dev_build(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("cases") / "build"
    build([ROOT / "corpus", DEV], out=out)
    return out


@pytest.fixture(scope="module")
def dkg(dev_build) -> KnowledgeGraph:
    return KnowledgeGraph.load(dev_build)


def _cases_of(kg: KnowledgeGraph, name: str):
    return [c for c in kg.of_type("CaseStudy") if c.sources[0].doc_id == _doc_id(name)]


def _items(text: str, kind: str = "case-study", title: str = "A case written for the test"):
    doc = Doc("t", "t.md", text, "x", "md", {"kind": kind, "title": title} if kind else {"title": title})
    ex = extract(doc)
    find_entities(ex)
    return ex


# ------------------------------------------------------------------ item 1: one CaseStudy per case document


def test_every_dev_case_file_is_one_case_study_with_its_metadata(dkg):
    g = dkg.g
    for e in EXPECTED:
        cases = _cases_of(dkg, e["file"])
        assert len(cases) == 1, e["file"]
        c = cases[0]
        fm = _front(DEV / e["file"])
        assert c.label == fm["title"]
        u = ID[c.id]
        assert str(g.value(u, DCTERMS.publisher)) == fm["publisher"]
        assert str(g.value(u, DCTERMS.source)) == fm["source_url"]
        assert 0 < len(c.text) <= 400 and c.text.split()[0] in (DEV / e["file"]).read_text()  # a short summary
        src = c.sources[0]
        body = (dev_text := (DEV / e["file"]).read_text())[dev_text.index("---", 3) + 4 :].strip()
        assert src.quote.strip() == body  # its span is the whole body


def test_seed_004_still_gives_one_case_study_per_worked_example(dkg):
    seed = [c for c in dkg.of_type("CaseStudy") if c.sources[0].doc_id.startswith("004")]
    assert len(seed) == 7


def test_hinton_case_has_its_organisations_places_people_and_figures(dkg):
    c = _cases_of(dkg, "02-hinton-st-george-our-shop.md")[0]
    nb = dkg.neighbours(c.id)
    orgs = {dkg.nodes[o].label: dkg.nodes[o].alt_labels for d, o in nb["involves"] if d == "out"}
    assert orgs == {"Hinton St George & Locality Rural Community Services": ("HRCS",),
                    "Co-operative & Community Finance": (), "Plunkett Foundation": (),
                    "Our Shop": ()}  # "it now trades under the name Our Shop"
    places = {dkg.nodes[o].label for d, o in nb["locatedIn"] if d == "out"}
    assert places == {"Hinton St George", "Somerset"}
    people = {dkg.nodes[o].label: dkg.nodes[o].alt_labels for d, o in nb["mentions"]
              if d == "out" and dkg.nodes[o].type == "Person"}
    assert people == {"Emma Way": ("Vice-Chairman of HRCS",)}
    figures = sorted(dkg.nodes[o].figure for d, o in nb["hasEvidence"] if d == "out")
    assert figures == sorted(["335 members", "99%", "96%", "£425,000"])  # results only: evidence
    others = sorted((dkg.nodes[o].figure, dkg.nodes[o].kind) for d, o in nb["mentions"]
                    if d == "out" and dkg.nodes[o].type == "Figure")
    assert others == [("30 July 2011", "date"), ("in 2010", "date"), ("six mile", "distance")]  # kept, not evidence
    ev = next(dkg.nodes[o] for d, o in nb["hasEvidence"] if dkg.nodes[o].figure == "£425,000")
    assert ev.text.startswith("By the time of the article an impressive £425,000 had been raised")


def test_name_variants_are_one_organisation():
    """Hollin Bank is the co-operative's short name; the town hall it meets in is a venue of its own."""
    ex = _items("Hollin Bank Community Co-operative runs the shop in Hebden Bridge. Hollin Bank raised £85,000 "
                "from 500 members in 2019, and the Hollin Bank volunteers meet at Hebden Bridge Town Hall.")
    orgs = [(i.label, i.alt_labels) for i in ex.items if i.cls == "Organisation"]
    assert orgs == [("Hollin Bank Community Co-operative", ["Hollin Bank"]), ("Hebden Bridge Town Hall", [])]


def test_places_are_checked_against_the_gazetteer():
    """A building is no place; the town its name starts with is where it is (a venue, issue 26: an organisation)."""
    ex = _items("The group meets in Hebden Bridge Town Hall every week. Volunteers came from Todmorden and "
                "from Nowhereville. The rural village of Heptonstall sits above it.")
    assert sorted(i.label for i in ex.items if i.cls == "Place") == ["Hebden Bridge", "Heptonstall", "Todmorden"]
    assert [i.label for i in ex.items if i.cls == "Organisation"] == ["Hebden Bridge Town Hall"]


def test_places_are_found_wherever_they_are_written_but_not_in_names_titles_or_words():
    """A British place, county or region counts without a locative word; "Mr Preston", "Hebden Bridge Town Hall"
    (a building: the place is Hebden Bridge), "Over the same period" and "Reading" (the text also writes "reading")
    are no places."""
    ex = _items("Mr Preston said the farm sits on the border between Oxfordshire and Wiltshire. It is the first of "
                "its kind in the UK, and the North West's shops have grown. Over the same period the group, based "
                "in Ancoats, Manchester, met at Hebden Bridge Town Hall. Reading groups met weekly, and reading is "
                "popular.")
    assert sorted(i.label for i in ex.items if i.cls == "Place") == [
        "Ancoats", "Hebden Bridge", "Manchester", "North West", "Oxfordshire", "UK", "Wiltshire"]


def test_a_case_study_heading_in_a_report_marks_one_case():
    text = ("# Annual report\n\nThe network supported many groups across the region this year, and this report "
            "sets out what it did.\n\n## Case study: Hollin Bank\n\nHollin Bank Community Co-operative in Hebden "
            "Bridge raised £85,000 from 500 members and now runs the village shop.\n\n## Finances\n\n"
            "The accounts show a small surplus for the year, which is held in reserve for next year.\n")
    ex = _items(text, kind="")
    cases = [i for i in ex.items if i.cls == "CaseStudy"]
    assert [(c.label, c.text) for c in cases] == [(
        "Hollin Bank", "Hollin Bank Community Co-operative in Hebden Bridge raised £85,000 from 500 members "
        "and now runs the village shop.")]


def test_a_case_with_nothing_to_find_is_still_a_case_and_says_what_is_missing():
    ex = _items("Volunteers worked together for a long time and the work went well for everyone who took part "
                "in it over the years.")
    cases = [i for i in ex.items if i.cls == "CaseStudy"]
    assert len(cases) == 1 and cases[0].label == "A case written for the test"
    assert ex.warnings == ["t.md: case study 'A case written for the test' names no organisation, no place, "
                           "no figure"]


def test_another_language_is_kept_as_passages_with_a_warning():
    ex = _items("Mae Cwmni Cydweithredol Nefyn wedi codi arian gan fwy na 500 o bobl leol i brynu tafarn y dref. "
                "Mae pobl y dref yn berchen ar y dafarn ac yn ei rhedeg gyda gwirfoddolwyr o bob oed yn yr ardal. "
                "Mae'r elw yn aros yn y gymuned ac yn talu am brosiectau i bobl ifanc.")
    assert {i.cls for i in ex.items} == {"Passage"}
    assert len(ex.warnings) == 1 and "does not read as English" in ex.warnings[0]


# Entity extraction's linearity is held by work counts in tests/test_ingest_linear.py and measured in
# bench/ingest_scaling.py (the town_sentence shape); no wall-clock ratio is asserted here.


# ------------------------------------------------------------------ item 2: case links


def test_case_links_carry_basis_score_sentences_with_offsets_and_a_reason(dkg, dev_build):
    ours = {c.id: c for e in EXPECTED for c in _cases_of(dkg, e["file"])}
    links = [x for x in dkg.case_links if x.source in ours]
    assert {x.source for x in links} == set(ours)  # every dev case links to something
    for link in links:
        assert link.basis in ("explicit", "semantic", "evidence")
        assert link.weight > 0 and len(link.reason) > 20
        # one line a person reads: what the case says, then the element; no statistics in it
        assert link.rationale.startswith(("the case says ", "the case reports ", "the case names "))
        if not link.target.startswith(("vision/", "purpose/")):  # those read "the model's purpose at work"
            assert f"‘{dkg.nodes[link.target].label.strip(chr(39))}’" in link.rationale
        assert "threshold" not in link.rationale and "chance" not in link.rationale
        assert " ".join(link.evidence_quote.split()) in link.evidence  # the quote is (the first of) its sentences
        span = ID[link.evidence_source]
        start = int(dkg.g.value(URIRef(f"{span}/position"), OA.start))
        end = int(dkg.g.value(URIRef(f"{span}/position"), OA.end))
        text = (dev_build / "texts" / f"{ours[link.source].sources[0].doc_id}.txt").read_text()
        assert text[start:end] == link.evidence_quote
    # at most three element links a case, and beside them at most one vision, purpose, assumption or foundation
    semantic = [x.source for x in links if x.basis == "semantic" and x.target.split("/")[0] not in OTHER_KINDS]
    assert max(semantic.count(c) for c in set(semantic)) <= 3
    other = [x.source for x in links if x.target.split("/")[0] in OTHER_KINDS]
    assert other and max(other.count(c) for c in set(other)) == 1


def test_a_money_kept_local_figure_is_evidence_for_income_retained(dkg):
    halifax = next(c for c in dkg.of_type("CaseStudy") if c.label.startswith("Halifax Opportunities Trust"))
    links = {x.element: x for x in elements_for_case(dkg.g, dkg, halifax.id)}
    link = links["outcome/income-is-retained-and-recycled-in-the-local"]
    assert link.basis == "evidence" and "£2.43" in link.evidence
    assert link.reason.startswith("the figure '£2.43")  # the numbers, one click away
    assert link.rationale == ("the case reports £2.43 for the local economy for every £1: found that the organisation "
                              "generated £2.43 for the local economy for every £1 of income — evidence for ‘Income is "
                              "retained and recycled in the local economy’")
    supported = {local_name(o) for s, o in dkg.g.subject_objects(EP.evidenceFor) if "2-43" in str(s)}
    assert supported == {"outcome/income-is-retained-and-recycled-in-the-local"}


def test_cases_for_an_element_come_strongest_first(dkg):
    got = cases_for_element(dkg.g, dkg, "outcome/income-is-retained-and-recycled-in-the-local")
    assert len(got) >= 2
    assert [x.weight for x in got] == sorted((x.weight for x in got), reverse=True)


# ------------------------------------------------------------------ item 3: names resolve to themselves


def test_a_pasted_title_resolves_to_its_own_case(dkg):
    for e in EXPECTED:
        title = _front(DEV / e["file"])["title"]
        r = resolve(dkg.nodes, title, ("CaseStudy", "Outcome"))
        assert (r.node.id, r.how) == (_cases_of(dkg, e["file"])[0].id, "label")
        r = resolve(dkg.nodes, title.upper().replace("'", "’") + ".", ("CaseStudy",))
        assert (r.node.id, r.how) == (_cases_of(dkg, e["file"])[0].id, "near-label")


def test_a_verbatim_phrase_resolves_to_the_one_node_holding_it(dkg):
    r = resolve(dkg.nodes, "a survey in 2010 found   that 99% OF residents", ("CaseStudy",))
    assert (r.node.id, r.how) == (_cases_of(dkg, "02-hinton-st-george-our-shop.md")[0].id, "phrase")


def test_paths_to_prefers_a_node_downstream_of_the_source(pw):
    src = pw.resolve("Resources", elements_only=True).node
    downstream = pw.downstream_of(src.id)
    upstream = pw.downstream_of("impact/prosperity")
    r = pw.resolve("Prosperity", elements_only=True, prefer=downstream)
    assert r.node.id == "impact/prosperity" and downstream(r.node) and not upstream(src)


# ------------------------------------------------------------------ item 6: re-upload and delete


def test_reuploading_replaces_and_deleting_removes_the_case_and_its_links(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    case = corpus / "hinton.md"
    shutil.copy(DEV / "02-hinton-st-george-our-shop.md", case)
    out = tmp_path / "build"
    build([corpus], out=out)
    first = [c for c in KnowledgeGraph.load(out).of_type("CaseStudy") if c.sources[0].doc_id == "hinton"]
    case.write_text(case.read_text().replace("title: Hinton St George's", "title: Revised - Hinton St George's"))
    build([corpus], out=out)
    kg = KnowledgeGraph.load(out)
    again = [c for c in kg.of_type("CaseStudy") if c.sources[0].doc_id == "hinton"]
    assert len(first) == len(again) == 1 and again[0].label.startswith("Revised - ")
    assert any(x.source == again[0].id for x in kg.case_links)
    case.unlink()
    build([corpus], out=out)
    kg = KnowledgeGraph.load(out)
    assert not [c for c in kg.of_type("CaseStudy") if c.sources[0].doc_id == "hinton"]
    assert not [x for x in kg.case_links if "hinton" in x.source]


def test_the_seed_case_studies_link_to_foundations_as_well_as_elements(build_dir):
    """The seed's case studies reach the other kinds of node too: two of the seven each show one foundation,
    beside their element links, each saying in plain words that the case shows it at work, the numbers one click
    away. Hebden Bridge Town Hall (Positive and productive use of local assets) is a transformed place, and Royds'
    health services speak to wider social impacts such as the determinants of wellbeing. (Manor House had shown a
    mechanism that builds awareness of the sector's value, read off the sentence before its example, "This could be
    measured annually by … monitoring the usage of green spaces".)"""
    kg = KnowledgeGraph.load(build_dir)
    other = sorted((x.source, x.target) for x in kg.case_links if x.target.split("/")[0] in OTHER_KINDS)
    assert other == [
        ("casestudy/hebden-bridge-town-hall",
         "foundation/vision-transformed-places-that-are-better-to-live"),
        ("casestudy/royds-community-association", "foundation/impact-greater-weight-is-being-given-to-wider")]
    for x in kg.case_links:
        if x.target.split("/")[0] in OTHER_KINDS:
            assert x.basis == "semantic" and x.rationale.endswith("’ at work")
            assert x.reason.startswith("on this case's words alone, the foundation ")
            assert x.evidence_quote and x.evidence_quote in kg.nodes[x.source].text
    per_case = {}
    for x in kg.case_links:
        per_case.setdefault(x.source, []).append(x.target.split("/")[0] in OTHER_KINDS)
    assert max(sum(v) for v in per_case.values()) == 1  # at most one other-kind link a case


def test_a_case_study_linked_to_a_foundation_is_its_evidence_in_the_fragility_view(dev_build):
    """North Ayrshire's community wealth building (a dev case) is linked to the foundation 'commitment to
    community wealth building within local …': the fragility analysis lists it as that foundation's evidence,
    with the sentence that shows it."""
    from graph.analysis.fragility import FragilityAnalysis
    from graph.analysis.pathways import Pathways

    fa = FragilityAnalysis.from_pathways(Pathways.load(dev_build, "memory"))
    got = fa.case_evidence("foundation/condition-commitment-to-community-wealth-building-within-local")
    assert [c["label"] for c in got] == [
        "North Ayrshire Council's first year as Scotland's first Community Wealth Building council"]
    assert got[0]["basis"] == "semantic" and got[0]["rationale"].endswith("’ at work") and got[0]["quote"]


def test_a_links_reason_leads_with_a_sentence_no_stronger_link_of_its_case_leads_with():
    import numpy as np

    from ingest.links.cases import CaseCandidate, _showing
    from ingest.model import Span

    sents = [(f"sentence {i}", Span("case", 20 * i, 20 * i + 10)) for i in range(3)]
    stronger = {"activity/practical-help": CaseCandidate("c", "activity/practical-help", "semantic", 0.9, "q",
                                                         sents[0][1])}
    # the best sentence is taken by a stronger link; the next one has over half its share: it leads
    assert _showing(np.array([0.6, 0.4, 0.1]), sents, stronger) == [1, 0]
    # under half the best share, the best sentence leads again rather than a weak one
    assert _showing(np.array([0.6, 0.2, 0.1]), sents, stronger) == [0, 1]
    assert _showing(np.array([0.6, 0.4, 0.1]), sents, {}) == [0, 1]


def test_a_worked_example_starts_where_it_names_what_it_shows(build_dir):
    """Seed 004's examples each follow a sentence on what the characteristic means in general; the case studies
    had quoted "Resilient economies display high levels of trust …" (Cleobury) and "This could be measured
    annually by …" (Manor House) as what they showed (a browser walk). A case starts at the sentence naming its
    organisation, place or figure, or at an "E.g" sentence before it, which is the example's own."""
    kg = KnowledgeGraph.load(build_dir)
    starts = {n.label: n.text.split(" ", 4)[:4] for n in kg.of_type("CaseStudy")}
    assert starts == {
        "Cleobury Country Ltd": ["Cleobury", "Country", "Ltd", "is"],
        "Manor House Development Trust": ["The", "report", "cites", "Manor"],
        "Halifax Opportunities Trust · Jubilee Children’s Centre": ["E.g", "the", "public", "sector"],
        "Hebden Bridge Town Hall": ["The", "report", "suggests", "that"],
        "Royds Community Association": ["Community", "anchors", "like", "Royds"],
        "Boost Neighbourhood Finance": ["An", "example", "of", "this"],
        "Network of diverse, responsible businesses and enterprises (example)": ["An", "analysis", "of", "the"]}


def test_a_building_a_place_names_is_a_venue_in_that_place_and_a_street_or_a_body_is_not():
    """ "Hebden Bridge Town Hall", "Leeds Central Library": venues (organisations), in Hebden Bridge and Leeds.
    "Hatfield Road Methodist Church" stands on a road, not in Hatfield; the "Wales Co-operative Centre" is a
    development agency, not a building in Wales."""
    ex = _items("The town hall story: Hebden Bridge Town Hall was transferred to the community in 2010. Volunteers "
                "at Leeds Central Library ran sessions. The credit union met at Hatfield Road Methodist Church, and "
                "the Wales Co-operative Centre gave advice.")
    assert sorted(i.label for i in ex.items if i.cls == "Place") == ["Hebden Bridge", "Leeds"]
    assert sorted(i.label for i in ex.items if i.cls == "Organisation") == [
        "Hatfield Road Methodist Church", "Hebden Bridge Town Hall", "Leeds Central Library",
        "Wales Co-operative Centre"]


def test_who_lives_in_a_place_says_it_is_one():
    """ "Residents of Ashby Parva in Leicestershire": a village no gazetteer holds (a walk's uploaded story kept only
    the county), named as where people live."""
    ex = _items("Residents of Ashby Parva in Leicestershire opened their own village shop this week. Villagers of "
                "Little Hadley bought the pub.")
    assert sorted(i.label for i in ex.items if i.cls == "Place") == ["Ashby Parva", "Leicestershire", "Little Hadley"]


def test_villagers_in_a_place_say_it_is_one():
    """ "Villagers in Ings, near Windermere in Cumbria" (round ten's walk: the village itself was missing, the
    places it is near were listed); residents "in" a place say where they live as residents "of" it do."""
    ex = _items("Villagers in Ings, near Windermere in Cumbria, have opened a shop. Residents in Upper Tean asked for "
                "it. The village in question is small.")
    assert sorted(i.label for i in ex.items if i.cls == "Place") == ["Cumbria", "Ings", "Upper Tean", "Windermere"]
