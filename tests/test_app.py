"""Every page's logic through Streamlit's AppTest, on the real build and the real model."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ingest.build import read_manifest
from search.engine import SearchEngine
from tests import appenv
from tests.appenv import app_reads

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 120


@pytest.fixture(scope="module", autouse=True)
def app_env(build_dir, tmp_path_factory):
    """The app reads the session build; uploads go to a scratch corpus, never the real one."""
    corpus = tmp_path_factory.mktemp("app_corpus") / "corpus"
    shutil.copytree(ROOT / "corpus", corpus, ignore=shutil.ignore_patterns("profiles"))
    build = tmp_path_factory.mktemp("app_build") / "build"
    shutil.copytree(build_dir, build)
    with app_reads(build, corpus):
        yield {"build": build, "corpus": corpus}


def run(**params) -> AppTest:
    return appenv.run(TIMEOUT, **params)


def text_of(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [h.value for h in at.subheader]
    parts += [t.value for t in at.title] + [str(getattr(w, "value", "")) for w in at.warning]
    return "\n".join(parts)


def test_ask_answer_card_for_a_practitioners_question():
    at = run(page="ask", q="how do I build a referral network")
    body = text_of(at)
    assert "Create a referral network" in body
    assert "Upskilling community facing support staff" in body.replace("\\", "")
    assert "What it leads to" in body and "What it needs" in body and "Assumptions" in body
    assert at.query_params["q"] == "how do I build a referral network"


def test_ask_says_when_nothing_answers_the_question_closely():
    at = run(page="ask", q="what time does the last train to the coast leave on sundays")
    warned = [w.value.replace("\\", "") for w in at.warning]
    assert len(warned) == 1 and warned[0].startswith("Nothing in the graph answers this closely")
    assert not run(page="ask", q="how do I build a referral network").warning


def test_ask_says_when_none_of_the_words_occur_in_the_graph():
    at = run(page="ask", q="asdkjh qwpoe zzzz")
    assert any(c.value.replace("\\", "").startswith("None of the query's words occur in the corpus")
               for c in at.caption)
    assert not any("None of the query" in c.value for c in run(page="ask", q="referral network").caption)


def test_ask_example_button_and_filters(app_env):
    at = run(page="ask")
    assert "Type a question" in "\n".join(i.value for i in at.info)
    at.button(key="example_1").click().run()
    q = at.text_input(key="q").value
    assert q == "help for clients who need halal finance"
    engine = SearchEngine.load(app_env["build"])  # the page shows what the library ranks, in that order
    shown = [r.replace("\\", "") for r in body_after_results(at)]
    expected = engine.search(q, k=len(shown))
    assert len(shown) == len(expected) and all(f">{r.label}</a>" in row for r, row in zip(expected, shown, strict=True))
    assert "Case study" in at.multiselect(key="f_types").options  # the type in words, not the class name
    at.multiselect(key="f_types").set_value(["CaseStudy"]).run()
    results = body_after_results(at)
    assert results and all(re.search(r"\*Case study\b", r) and "CaseStudy" not in r for r in results)
    cases = engine.search(q, k=10, types=["CaseStudy"])
    assert len(results) == len(cases) and all(f">{r.label}</a>" in row.replace("\\", "")
                                              for r, row in zip(cases, results, strict=True))
    # the card answers with the best result the filters allow, says so, and the link keeps the filter
    card = engine.card(q, types=["CaseStudy"])
    assert card.headline.id == cases[0].id and card.why == "the filters limit the answer to case studies"
    assert "the filters limit the answer to case studies" in text_of(at).replace("\\", "")
    assert at.query_params["types"] == "CaseStudy"
    again = run(page="ask", q=q, types="CaseStudy,NoSuchType")  # a copied link; an unknown name is dropped
    assert again.multiselect(key="f_types").value == ["CaseStudy"] and not again.exception
    assert "the filters limit the answer to case studies" in text_of(again).replace("\\", "")


def body_after_results(at: AppTest) -> list[str]:
    md = [m.value for m in at.markdown]
    i = next(i for i, m in enumerate(md) if m.startswith("#### Results"))
    return [m for m in md[i + 1 :] if re.match(r"\d+\. <a href=", m)]  # "3. <a …>Label</a> · similarity 0.52"


def test_pathways_forward_from_an_element_reaches_an_impact():
    at = run(page="pathways", mode="forward", **{"from": "process/create-a-referral-network"})
    assert not at.exception
    # the explorable picture is a custom component (drawn in the browser: see test_browser_explore.py)
    assert [b.label for b in at.get("download_button")] == [
        "Picture (SVG)", "Slide (PNG)", "Report (HTML)", "Report (PDF)", "CIDS (JSON-LD)"]
    assert at.multiselect(key="pw_levels").value == ["stated", "shown", "curated", "inferred"]
    body = text_of(at).replace("\\", "")
    assert "the product of its" in body and "link strengths" in body  # the strength is explained
    table = at.table[0].value
    assert "type" not in table.columns  # the stage says it, and the reasons get the width
    assert table["stage"].iloc[0] == "Processes" and table["stage"].iloc[-1].startswith("Impacts")
    assert table["why"].iloc[0] == "" and all(w for w in table["why"].iloc[1:])  # a reason for every link


def test_pathways_between_two_elements_and_url_state():
    at = run(page="pathways", mode="between", **{"from": "input/local-intelligence", "to": "impact/prosperity"})
    assert at.selectbox(key="pw_path").options
    table = at.table[0].value
    assert table["element"].iloc[0] == "Local intelligence" and table["element"].iloc[-1] == "Prosperity"
    assert at.query_params["to"] == "impact/prosperity"


def test_assumptions_chain_for_an_element_and_what_rests_on_an_assumption():
    at = run(page="assumptions", node="process/create-a-referral-network")
    body = text_of(at).replace("\\", "")
    # the process's own assumption (the one about every process), with why it is attached there
    assert "Assumes" in body and "Paying attention to, and adequately resourcing" in body
    assert "added by a curator: Added by assumption review" in body and "links.yaml" not in body
    rests = "assumption/process-commissioning-with-a-collective-mindset-rather-than"
    at = run(page="assumptions", node=rests)
    body = text_of(at).replace("\\", "")
    assert "**2 elements rest on it directly; " in body
    assert "Rests directly on it" in body and "Capacity support" in body and "Regular reflection" in body
    assert "matched by meaning: the assumption speaks of" in body
    fallback = "assumption/outcome-innovation-does-not-have-to-mean-completely"
    body = text_of(run(page="assumptions", node=fallback)).replace("\\", "")
    assert "Rests directly on it** (attached to its whole stage: no element named or matched)" in body


def test_chain_view_shows_each_steps_own_assumptions_under_it():
    """Two outcomes in a row (the same stage): the second lists its own assumptions under it, not a note that it
    rests on the previous step's; and the link into a step is 'reached by an inferred link'."""
    route = ["input/resources", "process/create-a-referral-network",
             "outcome/community-of-practice-around-social-purpose-business-support",
             "outcome/local-support-organisations-become-sustainable-connected",
             "outcome/businesses-sustainable-provide-opportunities-for-local-people", "outcome/good-business",
             "impact/prosperity"]
    at = run(page="assumptions", path=",".join(route))
    blocks = [m.value.replace("\\", "") for m in at.markdown]
    heads = [i for i, b in enumerate(blocks) if b.startswith("**Step ")]
    assert len(heads) == 7
    steps = [" ".join(blocks[a:b]) for a, b in zip(heads, heads[1:] + [len(blocks)], strict=True)]
    scaling, innovation = "Scaling across as well as up", "Innovation does not have to mean completely new"
    assert "Local support organisations become sustainable/connected" in steps[3]
    assert scaling in steps[3] and innovation in steps[3]  # its own, under it
    assert scaling not in steps[2] and scaling not in steps[4]  # and not two steps up or down
    assert "Social innovation benefits all SME’s" in steps[5] and "Social innovation" not in steps[4]
    assert "*attached to its whole stage: no element named or matched*" in steps[3]
    assert "**Assumes**\n\n*none*" in steps[6]  # no assumption speaks of Prosperity itself: said so
    captions = [c.value for c in at.caption]
    assert not any("Same stage as the previous step" in c for c in captions)
    assert any(c.startswith("reached by an inferred link") for c in captions)
    assert not any("by a inferred" in c for c in captions)


def test_case_studies_page_lists_every_case_with_its_links():
    at = run(page="cases")
    body = text_of(at).replace("\\", "")
    for org in ("Halifax Opportunities Trust", "Royds Community Association", "Boost Neighbourhood Finance"):
        assert org in body
    assert "£2" in body and "Bradford" in body
    assert not at.get("text_input")  # the second tab is drawn only when it is open
    at = run(page="cases", tab="find")  # as a copied link opens it
    assert any(i.value.startswith("Type an element of the model") for i in at.info)  # the empty tab says what to do
    at.text_input(key="case_q").set_value("keeping money circulating in the local area").run()
    assert "Case studies closest to your words" in text_of(at)
    assert at.query_params["case_q"] == "keeping money circulating in the local area"
    assert "tab" not in at.query_params  # search words imply the second tab


def test_a_case_quotes_each_sentence_once_however_many_elements_it_illustrates(app_env):
    from graph.analysis.cases import elements_for_case
    from graph.store import KnowledgeGraph

    kg = KnowledgeGraph.load(app_env["build"])
    case = "casestudy/boost-neighbourhood-finance"  # one sentence, several links
    links = [x for x in elements_for_case(kg.g, kg, case) if x.element in kg.nodes]
    assert len(links) >= 2 and len({" ".join(x.evidence.split()) for x in links}) == 1
    at = run(page="cases")
    sentence = "offers a range of advice and support services"
    quoted = [m.value for m in at.markdown if m.value.startswith("> ") and sentence in m.value.replace("\\", "")]
    assert len(quoted) == 1  # the case's summary as a quote; its links are listed under one line pointing back to it
    captions = [c.value for c in at.caption]
    assert f"These {len(links)} are shown by one sentence, the one quoted above." in captions
    pointers = [c for c in captions if c.endswith("the one quoted above.")]
    sentences = sum(len({" ".join(x.evidence.split()) for x in elements_for_case(kg.g, kg, c.id)})
                    for c in kg.of_type("CaseStudy"))
    assert 0 < len(pointers) <= sentences  # at most once a sentence of a case, not once a link


def test_a_link_to_no_such_page_says_so_and_opens_ask():
    at = run(page="zzz")
    assert not at.exception and at.title[0].value == "Ask"
    assert any("names no page called “zzz”" in i.value for i in at.info)
    assert at.query_params["page"] == "ask"
    assert not any("names no page" in i.value for i in run(page="ask").info)


def test_node_page_shows_text_sources_and_neighbours():
    at = run(page="node", node="outcome/income-is-retained-and-recycled-in-the-local")
    body = text_of(at).replace("\\", "")
    assert "Income is retained and recycled in the local economy" in body
    assert "Sources (" in body and "Rests on assumptions" in body
    assert len(at.expander) >= 2  # one per source
    missing = run(page="node", node="nope/not-a-node")
    assert any("No node with id" in e.value for e in missing.error)


def test_node_page_names_a_case_studys_type_in_words(app_env):
    from graph.store import KnowledgeGraph

    kg = KnowledgeGraph.load(app_env["build"])
    case = min(kg.of_type("CaseStudy"), key=lambda n: n.id)
    at = run(page="node", node=case.id)
    facts = next(c.value for c in at.caption if " · id " in c.value)
    assert facts.startswith("Case study · "), facts
    shown = text_of(at) + "\n".join(str(o) for o in at.selectbox(key="node_pick").options)
    assert "CaseStudy" not in shown and "Case study: " in shown  # the picker too


def test_data_page_downloads_sparql_and_refusal():
    at = run(page="data")
    labels = {b.proto.label for b in at.get("download_button")}
    assert {"TTL", "JSONLD", "GRAPHML", "GEXF", "CSV"} <= labels
    at.button(key="sparql_run").click().run()
    assert at.dataframe, "the example query returns rows"
    rows = at.dataframe[0].value
    assert not any(str(v).endswith("…") for v in rows["assumption"])  # whole wording, not a label cut to fit
    at.run()  # a rerun (another tab opened and this one again): the answer stays under its query
    assert at.dataframe and len(at.dataframe[0].value) == len(rows)
    key = [t.key for t in at.text_area][0]
    at.text_area(key=key).set_value("DELETE WHERE { ?s ?p ?o }").run()
    at.button(key="sparql_run").click().run()
    assert any("read-only" in e.value or "refused" in e.value for e in at.error)
    at.text_area(key=key).set_value("").run()  # the box emptied: asked for a query, not told of an update
    at.button(key="sparql_run").click().run()
    assert [e.value.replace("\\", "") for e in at.error] == ["Type a SPARQL query first: the query is empty"]


def test_upload_checks_type_and_rebuilds(app_env):
    """One rebuild for three uploads: a new case study, a seed's file name (kept beside the seed, never over
    it) and a file ingest would refuse (never saved, so it cannot warn at every later build)."""
    corpus = app_env["corpus"]
    seed = corpus / "000_e226e1c30bd1adf5.txt"
    seed_bytes = seed.read_bytes()
    at = run(page="data")
    at.file_uploader[0].set_value([
        ("wigan-pilot.md", b"# Referral pilot\n\nIn Wigan, community connectors referred 40 new businesses "
         b"to coaching. As a result, local support organisations became more connected.\n", "text/markdown"),
        (seed.name, b"Inputs, revised\n\nA revised note on inputs in Bury.\n", "text/plain"),
        ("script-only.html", b"<script>alert(1)</script>", "text/html"),
    ]).run()
    at.button(key="upload_go").click().run()
    assert not at.exception
    said = [s.value.replace("\\", "") for s in at.success]
    assert any("Added wigan-pilot.md, 000_e226e1c30bd1adf5-2.txt" in s for s in said), [e.value for e in at.error]
    assert [e.value.replace("\\", "") for e in at.error] == ["script-only.html: has no text"]
    assert any("kept both, this one as 000_e226e1c30bd1adf5-2.txt" in i.value.replace("\\", "") for i in at.info)
    assert (corpus / "wigan-pilot.md").exists() and not (corpus / "script-only.html").exists()
    assert seed.read_bytes() == seed_bytes
    kept = (corpus / "000_e226e1c30bd1adf5-2.txt").read_bytes()  # with the chosen Kind as front matter, as .md
    assert kept == b"---\nkind: case-study\n---\nInputs, revised\n\nA revised note on inputs in Bury.\n"
    docs = {Path(p).name for p in read_manifest(app_env["build"])["documents"]}
    assert {seed.name, "000_e226e1c30bd1adf5-2.txt", "wigan-pilot.md"} <= docs
    from ui.data import check_upload

    assert "unsupported" in check_upload("evil.exe", b"MZ")
    assert "not a PDF" in check_upload("fake.pdf", b"<html>")
    assert "empty" in check_upload("blank.txt", b"  ")


def test_upload_messages_name_files_without_the_servers_paths(app_env):
    """A warning about an upload, and the page around it, name the file and the corpus folder, never where the
    server keeps them (issue 27, item 10)."""
    at = run(page="data")
    at.file_uploader[0].set_value([
        ("no-organisation.md", b"---\nkind: case-study\n---\n# A small case\n\nIn Wigan, community connectors "
         b"referred forty new businesses to coaching over the year.\n", "text/markdown"),
    ]).run()
    at.button(key="upload_go").click().run()
    assert not at.exception
    said = [w.value for kind in (at.success, at.info, at.warning, at.error) for w in kind]
    said = [s.replace("\\", "") for s in said + [m.value for m in at.markdown] + [c.value for c in at.caption]]
    assert {s for s in said if "no-organisation.md: " in s} == {  # in the upload's notes and the status tab
        "no-organisation.md: case study 'A small case' names no organisation"}, said
    servers = [str(app_env["corpus"].parent), str(app_env["build"].parent), str(ROOT)]
    assert not [s for s in said if any(p in s for p in servers)], said


def test_a_nodes_sources_name_the_corpus_file_not_the_servers_path(app_env):
    """The Node page's source expanders ended in the server's path to the corpus file ("/tmp/…/corpus/004_….txt",
    found in a browser walk): they name the file."""
    at = run(page="node", node="process/create-a-referral-network")
    assert not at.exception
    captions = [c.value.replace("\\", "") for c in at.caption]
    servers = [str(app_env["corpus"].parent), str(app_env["build"].parent), str(ROOT)]
    assert not [c for c in captions if any(p in c for p in servers)], captions
    assert [c for c in captions if re.fullmatch(r"\d{3}_[0-9a-f]{16}\.txt", c)], captions


def test_our_place_checklist_reasons_ranking_and_downloads():
    at = run(page="place")
    at.button(key="place_example").click().run()
    assert not at.exception
    assert at.text_input(key="place_name").value == "Fernbridge (fictional)"
    assert at.selectbox(key="pl_input/local-intelligence").value == "partly"
    assert {m.label: m.value for m in at.metric}["Outcomes & impacts blocked"] == "16"
    causes = next(m.value for m in at.markdown if "decided by" in m.value)  # each cause once, not once a column
    assert causes.count("Processes to Wider impacts (7 columns)") == 1 and causes.count("<b>blocked</b>") == 1
    assert causes.count(">Inclusive design of support</a> <em>(missing)</em>") == 1
    assert causes.count(">Resources</a>") == 1  # what would hold them back next: once, not in each of 7 rows
    invest = at.table[0].value
    assert list(invest["item"].str.replace("\\", "", regex=False))[:2] == [
        "Inclusive design of support",
        "Long-term commitment",
    ]
    assert list(invest["moves up"])[:2] == [0, 0] and list(invest["holds back"])[:2] == [16, 16]
    body = text_of(at).replace("\\", "")
    assert "Put in place together, Inclusive design of support and Long-term commitment would move 16" in body
    # the view is in the URL, so a copied link restores it
    assert "condition/inclusive-design-of-support:m" in at.query_params["items"]
    assert at.query_params["place"] == "Fernbridge (fictional)"
    for n in ("condition/inclusive-design-of-support", "condition/long-term-commitment"):
        at.selectbox(key=f"pl_{n}").set_value("in place")
    at.run()
    after = {m.label: m.value for m in at.metric}
    assert after["Outcomes & impacts blocked"] == "0" and after["Outcomes & impacts unknown"] == "16"
    labels = {b.proto.label for b in at.get("download_button")}
    assert {"Download profile (YAML)", "Download printable report (HTML)"} <= labels
    at.toggle(key="place_show_notes").set_value(True).run()  # the example's notes are kept, and shown on request
    assert at.text_input(key="pln_condition/long-term-commitment").value == "Funding runs year to year"


def test_our_place_link_restores_the_view():
    items = "condition/long-term-commitment:m,input/resources:p"
    at = run(page="place", place="Linkton", items=items)
    assert at.text_input(key="place_name").value == "Linkton"
    assert at.selectbox(key="pl_condition/long-term-commitment").value == "missing"
    assert at.selectbox(key="pl_input/resources").value == "partly"
    assert {m.label: m.value for m in at.metric}["Outcomes & impacts blocked"] == "16"
    bad = run(page="place", items="input/resources:sorted,condition/long-term-commitment:m")
    assert [e.value.replace("\\", "") for e in bad.error] == [
        "This link names an item or a status that the checklist does not have (“input/resources:sorted”); showing "
        "the rest of it."]  # in words, no field path; the good part of the link is kept
    assert bad.selectbox(key="pl_condition/long-term-commitment").value == "missing"
    assert bad.selectbox(key="pl_input/resources").value == "unknown"
    assert bad.query_params["items"] == "condition/long-term-commitment:m"


def _in_order(node) -> list[str]:
    """Every element's text under ``node``, in the order the page draws them."""
    out = []
    for child in getattr(node, "children", {}).values():
        value = getattr(child, "value", None) if child.type != "selectbox" else f"selectbox {child.key}"
        if isinstance(value, str):
            out.append(value)
        out += _in_order(child)
    return out


def test_our_place_says_what_to_do_and_shows_the_checklist_before_the_long_results():
    """A first-time user sees 16 unknown: the hint above says to tick the checklist, linked to it, and the
    checklist comes straight after the counts, before the model picture and the tables it changes."""
    at = run(page="place")
    drawn = [t.replace("\\", "") for t in _in_order(at.main)]
    hint = next(i for i, t in enumerate(drawn) if t.startswith("Mark what your place has in the [checklist below]"))
    assert "(#checklist)" in drawn[hint] and "(#results)" in drawn[hint]
    checklist = drawn.index("Checklist: what is in place here?")
    first_item = next(i for i, t in enumerate(drawn) if t.startswith("selectbox pl_"))
    results = drawn.index("What this means for the outcomes and impacts")
    causes = next(i for i, t in enumerate(drawn) if "decided by" in t or "Nothing is blocked" in t)
    assert hint < checklist < first_item < results < causes, (hint, checklist, first_item, results, causes)
    assert not [t for t in drawn[:checklist] if "<table" in t]  # nothing long between the hint and the checklist
    assert all("docs/" not in t and ".md" not in t for t in drawn)  # no file names shown to the user


def test_leaving_a_page_from_the_sidebar_clears_its_parameters():
    at = run(
        page="pathways", mode="between", path="2", **{"from": "input/local-intelligence", "to": "impact/prosperity"}
    )
    at.sidebar.radio(key="nav").set_value("assumptions").run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert set(at.query_params) == {"page"} and at.query_params["page"] == "assumptions"
    assert at.selectbox(key="as_el").value is None  # starts clean: no element carried over
    at = run(page="place", place="Linkton", items="condition/long-term-commitment:m")
    at.sidebar.radio(key="nav").set_value("ask").run()
    at.sidebar.radio(key="nav").set_value("place").run()
    assert at.text_input(key="place_name").value == ""
    assert at.selectbox(key="pl_condition/long-term-commitment").value == "unknown"


def test_our_place_starts_unknown_and_compares_profiles():
    at = run(page="place")
    at.text_input(key="place_name").set_value("Testville").run()  # any rerun: nothing becomes "in place" by itself
    assert {m.label: m.value for m in at.metric}["Outcomes & impacts unknown"] == "16"
    assert at.selectbox(key="pl_input/resources").value == "unknown"
    assert "items" not in at.query_params  # nothing marked, nothing in the URL
    assert not [b for b in at.selectbox if b.key.startswith("pla_")]  # assumptions only on request
    at.toggle(key="place_show_assumptions").set_value(True).run()
    assumption = next(b for b in at.selectbox if b.key.startswith("pla_"))
    assert assumption.value == "unknown"
    assumption.set_value("doubtful").run()
    at.toggle(key="place_show_assumptions").set_value(False).run()  # hidden, yet kept
    assert f"{assumption.key[4:]}:d" in at.query_params["assume"]
    at.selectbox(key="pl_input/capacity-support").set_value("in place").run()
    at.checkbox(key="place_compare_example").check()
    at.checkbox(key="place_compare_current").check().run()
    assert not at.exception
    text = " ".join(str(m.value) for m in at.markdown)
    assert "Moved up" in text and "Moved down" in text
    tables = [t.value for t in at.table]
    changed = next(t for t in tables if "item" in t.columns and "type" in t.columns and "now" not in t.columns)
    assert "Capacity support" in list(changed["item"])
    first, last = list(changed.columns)[-2:]  # "1. Fernbridge (fictional)", "2. Testville" (Markdown-escaped)
    assert "Fernbridge" in first and "Testville" in last


def test_assumptions_fragility_section_counts_weakest_step_and_csv():
    at = run(page="assumptions", look="fragility", node="impact/prosperity")
    assert [s.value for s in at.subheader] == ["What this rests on everywhere", "Weakest step",
                                               "If this assumption failed"]
    assert [(m.label, m.value) for m in at.metric] == [("Routes from a condition or input", "314"),
                                                       ("Every step stated or shown", "0"),
                                                       ("Assumptions under every route", "10")]
    body = text_of(at).replace("\\", "")
    assert "Every route passes through" in body and "'Good business'" in body
    # assumptions sit under the elements their words speak about (tests/test_assumption_attachments.py): of the
    # 10 under every route, 9 are upstream and 1 (the impact stage's foundation) is Prosperity's own
    assert "Upstream: if any of these failed, no route would be left (9)" in body
    assert "Its own assumptions and foundations (1)" in body
    assert "Most cutting upstream: **all 9 cut every route** to Prosperity (all 314): any one of them failing " \
        "leaves none" in body  # the nine tie: none singled out ('… (tied with 8 more)')
    # the best route's weakest step: its least similar inferred one, 'Good business' → Prosperity (0.36); its
    # fourth, Local support organisations connected → Businesses sustainable, is shown by a case (Cleobury Country
    # Ltd), and its fifth, Businesses sustainable → 'Good business', by the network of anchor organisations' worked
    # example, whose "1400 jobs and £120m GVA" is evidence for Businesses sustainable and an example of 'Good
    # business'
    assert ":gray-badge[inferred]" in body and "inferred by similarity only, weight 0.36" in body
    steps, table = _steps(at), at.dataframe[0].value
    assert list(steps["from"])[0] == "Resources" and list(steps["to"])[-1] == "Prosperity"
    assert list(steps["evidence"]) == ["inferred", "curated", "stated in text", "shown by a case",
                                       "shown by a case", "inferred"]
    assert list(table["routes lost"]) == ([314] * 10 + [294] * 2 + [267] + [166] * 3 + [148] * 3
                                          + [136, 120, 106, 105, 92, 74, 46, 35])
    assert list(table["on every route"]).count("yes") == 10
    assert table["attached to (on these routes)"].iloc[-1] == "Relational approaches (named in its words)"
    assert all(table["source"])  # every assumption names where its words come from
    csv_button = at.get("download_button")[0]
    assert csv_button.proto.label.startswith("Download this table")
    # a chosen pathway (from the URL, as the Pathways page links it; not among the best routes) is the one
    # whose weakest step is shown
    pride = "impact/pride-in-place-purpose-and-community-levelling-up"
    route = ("input/regular-reflection,process/equitable-access-to-resources,activity/practical-help,"
             "outcome/local-support-organisations-become-sustainable-connected,"
             f"outcome/income-is-retained-and-recycled-in-the-local,outcome/good-business,{pride}")
    at = run(page="assumptions", look="fragility", node=pride, path=route)
    assert at.selectbox(key="as_route").value == 0
    # stated in the logic model (Regular reflection → Equitable access); Boost Neighbourhood Finance and Royds
    # Community Association illustrate both Equitable access and Practical help, Halifax Opportunities Trust both
    # income recycled and 'Good business'; no case illustrates both 'Good business' and Pride in place, whose
    # inferred step (0.35) is the weakest though the shown one before it is weaker by strength (0.32)
    steps = _steps(at)
    assert list(steps["from"])[0] == "Regular reflection"
    assert list(steps["evidence"]) == ["stated in text", "shown by a case", "inferred", "inferred",
                                       "shown by a case", "inferred"]
    assert list(steps["weight"]) == ["0.83", "0.47", "0.56", "0.35", "0.32", "0.35"]
    body = text_of(at).replace("\\", "")
    weakest = next(line for line in body.split("\n") if line.endswith(":gray-badge[inferred] weight 0.35"))
    assert weakest.startswith("**<a href=\"?page=node&amp;node=outcome/good-business\"") and pride in weakest
    at.checkbox(key="as_strong").check().run()
    assert [(m.label, m.value) for m in at.metric][:2] == [("Routes from a condition or input", "0"),
                                                           ("Every step stated or shown", "0")]
    assert at.query_params["strong"] == "1"


def test_assumptions_page_shows_the_case_studies_that_are_evidence_for_a_foundation():
    """A case link to an assumption or foundation is evidence for it: the page says from how many case studies,
    each with its plain reason (the seed's Royds Community Association shows this foundation at work)."""
    at = run(page="assumptions", node="foundation/impact-greater-weight-is-being-given-to-wider")
    body = text_of(at).replace("\\", "")
    assert "**Evidence from 1 case study**" in body
    assert "Royds Community Association" in body and "health inequalities" in body and "at work" in body


def _drawn(at: AppTest) -> tuple[set[str], set[tuple[str, str]]]:
    """The boxes and the (non-invisible) arrows of the page's one Graphviz picture, read from its DOT."""
    (chart,) = at.get("graphviz_chart")
    dot = chart.proto.spec
    boxes = set(re.findall(r'^  "([^"]+)" \[label=', dot, re.M))
    arrows = {(a, b) for a, b, rest in re.findall(r'^"([^"]+)" -> "([^"]+)" \[(.*)\];$', dot, re.M)
              if "invis" not in rest}
    return boxes, arrows


def test_what_rests_on_an_assumption_draws_every_link_between_its_boxes(app_env):
    """The picture draws every model link among its boxes (only the example paths' links left boxes such as
    'Income is retained and recycled in the local economy' without an arrow); a box the model links to nothing
    drawn is said so in words: the vision's two elements, which no arrow joins."""
    from graph.analysis.pathways import Pathways

    pw = Pathways.load(app_env["build"])
    innovation = "assumption/outcome-innovation-does-not-have-to-mean-completely"
    at = run(page="assumptions", node=innovation)
    boxes, arrows = _drawn(at)
    assert "outcome/income-is-retained-and-recycled-in-the-local" in boxes
    assert arrows == set(pw.finder.g.subgraph(boxes).edges())
    assert {x for a in arrows for x in a} == boxes  # every box has an arrow
    assert len(boxes) == 20 and len(arrows) == 25  # the example paths alone gave 13 arrows
    assert not any("no arrow" in c.value.lower() for c in at.caption)

    at = run(page="assumptions", node="assumption/vision-local-people-know-what-is-best-for")
    assert _drawn(at) == ({"purpose/purpose", "vision/vision"}, set())
    said = [c.value.replace("\\", "") for c in at.caption if "arrow joins" in c.value]
    assert said == ["No arrow joins Purpose and Vision: the model has no link between them."]

    at = run(page="assumptions", node="foundation/impact-greater-weight-is-being-given-to-wider")
    said = [c.value.replace("\\", "") for c in at.caption if "no arrow" in c.value]
    assert said == ["People support each other's aspirations has no arrow: the model links it to nothing else "
                    "drawn here."]


def test_pathways_from_an_impact_to_an_input_names_them_and_offers_a_swap():
    """Arrows run inputs → impacts: asked the other way round, the page says why by the elements' labels (it
    showed 'impact/prosperity' and 'input/resources') and one click swaps the start and the end, in the URL too."""
    at = run(page="pathways", **{"from": "impact/prosperity", "to": "input/resources"})
    (warned,) = [w.value.replace("\\", "") for w in at.warning]
    assert warned == ("No path from “Prosperity” to “Resources”: the end comes earlier in the model, and arrows "
                      "only run left to right; a path runs the other way.")
    assert "pw_path" not in [s.key for s in at.selectbox]
    at.button(key="pw_swap").click().run()
    assert not at.exception and not at.warning
    assert (at.selectbox(key="pw_from").value, at.selectbox(key="pw_to").value) == (
        "input/resources", "impact/prosperity")
    assert (at.query_params["from"], at.query_params["to"]) == ("input/resources", "impact/prosperity")
    assert at.selectbox(key="pw_path").options  # the pathways from Resources to Prosperity
    assert at.table[0].value["element"].iloc[0] == "Resources"
    assert not [b for b in at.button if b.key == "pw_swap"]

    at = run(page="pathways", strong="1", **{"from": "impact/prosperity", "to": "input/resources"})
    assert [b.key for b in at.button if b.key == "pw_swap"] == ["pw_swap"]  # with only stated or shown steps too


def test_highlighted_path_options_cut_labels_between_words_and_help_gives_the_whole_path(app_env):
    """Each element of a path option is its whole label or the label's first words and "…" (it was cut at 28
    characters: "Community of practice around", "Businesses sustainable, prov"); the help gives the whole path."""
    from graph.analysis.pathways import Pathways

    pw = Pathways.load(app_env["build"])
    at = run(page="pathways", path="3", **{"from": "input/local-intelligence", "to": "impact/prosperity"})
    box = at.selectbox(key="pw_path")
    paths = pw.paths("input/local-intelligence", "impact/prosperity", k=5).paths
    assert len(box.options) == len(paths) == 5
    for i, (option, p) in enumerate(zip(box.options, paths, strict=True)):
        head, strength = option.rsplit("  (strength ", 1)
        assert head.startswith(f"{i + 1}. ") and strength == f"{p.weight:.2f})"
        parts = head[len(f"{i + 1}. "):].split(" → ")
        labels = [pw.kg.nodes[n].label for n in p.nodes]
        assert len(parts) == len(labels) and len(head) <= 125
        for part, label in zip(parts, labels, strict=True):
            kept = part.removesuffix("…")
            assert part == label or (part.endswith("…") and label.startswith(kept)
                                     and label[len(kept)] in " ,/"), (part, label)
        assert parts[0] == "Local intelligence" and parts[-1] == "Prosperity"  # the ends whole
    whole = " → ".join(pw.kg.nodes[n].label for n in paths[3].nodes)
    assert box.value == 3 and box.help.replace("\\", "") == f"In full: {whole}. Every step is in the table below."


def test_a_steps_badge_and_its_caption_agree(app_env):
    """A step badged "shown by a case" was captioned only "reached by an inferred link", which read as a
    contradiction (found in a browser walk): an inferred link a case study shows says so in its caption."""
    from graph.analysis.pathways import Pathways
    from graph.evidence import BADGE

    route = ["outcome/community-of-practice-around-social-purpose-business-support",
             "outcome/local-support-organisations-become-sustainable-connected",
             "outcome/businesses-sustainable-provide-opportunities-for-local-people"]
    at = run(page="assumptions", path=",".join(route))
    pw = Pathways.load(app_env["build"])
    levels = [pw.fragility().evidence(a, b).level for a, b in zip(route, route[1:], strict=False)]
    captions = [c.value.replace("\\", "") for c in at.caption if c.value.startswith("reached by")]
    badges = [m.value for m in at.markdown if any(BADGE[lv] in m.value for lv in BADGE)]
    assert len(captions) == 2 and len(badges) >= 2, (captions, badges)
    for level, caption in zip(levels, captions, strict=True):
        if level == "shown":
            assert "case stud" in caption and "illustrate" in caption, caption
        if caption.startswith("reached by an inferred link") and level == "inferred":
            assert "case stud" not in caption, caption
    assert "shown" in levels, levels  # the route has a step a case study shows (else this tests nothing)


def _steps(at):
    """The weakest step's table of the route's steps, as a person reads it (md() escapes taken out)."""
    return at.table[0].value.map(lambda v: v.replace("\\", "") if isinstance(v, str) else v)


def test_the_route_chosen_under_weakest_step_is_kept_in_the_link():
    """Picking another route under "Weakest step" left the address bar as it was, so a copied link reopened the
    first route (found in a browser walk): the chosen route is now part of the link, and the link reopens it."""
    at = run(page="assumptions", look="fragility", node="impact/prosperity")
    assert "path" not in at.query_params  # the first route is the default: left out of the link
    options = at.selectbox(key="as_route").options
    assert len(options) >= 4
    at.selectbox(key="as_route").set_value(3).run()
    path = at.query_params["path"]
    assert path.endswith(",impact/prosperity") and path.count(",") >= 2
    steps = list(_steps(at)["from"])
    again = run(page="assumptions", look="fragility", node="impact/prosperity", path=path)  # the copied link
    assert again.selectbox(key="as_route").value == 0 and again.query_params["path"] == path
    assert list(_steps(again)["from"]) == steps


def test_checklist_labels_carry_no_needless_escapes():
    """A widget's label is its accessible name: "Long\\-term commitment" was read out with its backslash (found in
    a browser walk). Labels escape only what a label would read as Markdown."""
    from ui.common import label

    at = run(page="place")
    assert at.selectbox(key="pl_condition/long-term-commitment").label == "Long-term commitment"
    assert label("x ![b](http://h/x.png) *y* :red[z]") == "x `![b](http://h/x.png`) \\*y\\* \\:red\\[z\\]"


def test_a_person_linked_from_a_page_is_named_with_their_role():
    """A case's page listed "Margaret Evans *Person*" under Mentions (round ten's walk): the role ingest found for
    her says who she is, as document text (escaped)."""
    from graph.records import NodeRecord
    from ui.common import node_link

    p = NodeRecord("person/margaret-evans", "Person", "Margaret Evans", "",
                   alt_labels=("chair of the Clun Community Pub Society", "Mrs Evans"))
    assert node_link(p).endswith(">Margaret Evans</a> *Person · chair of the Clun Community Pub Society*")
    odd = NodeRecord("person/x", "Person", "Jo Bloggs", "", alt_labels=("*founder* of [X](http://x)",))
    assert node_link(odd).endswith(" *Person · \\*founder\\* of `[X](http://x`\\)*")
    assert node_link(p, with_type=False).endswith("</a>")


def test_an_address_in_document_text_is_shown_and_copied_as_itself():
    """md() had put an invisible word joiner into every address to stop autolinks, so a copied source URL carried
    it (found in a browser walk). An address is now a code span: never a link, and copied as its characters."""
    from ui.common import md

    assert md("See https://www.uk.coop/x_y, or mail info@x.org.") == (
        "See `https://www.uk.coop/x_y`, or mail `info@x.org`\\.")
    assert md("[Official source](http://h/`a`)") == "\\[Official `` source](http://h/`a` ``\\)"
    assert "\u2060" not in md("www.example.org and a@b.c")


def test_a_figures_page_names_every_relation_in_words(app_env):
    """A figure's page showed the raw "evidenceFor" and "(out)" beside its proper sections (found in a browser
    walk): every relation of every node of the seed graph now has a heading in words."""
    from graph.store import KnowledgeGraph
    from ui.node import RELATION_TITLES

    kg = KnowledgeGraph.load(app_env["build"])
    used = {(p, d) for n in kg.nodes for p, v in kg.neighbours(n).items() for d, _ in v}
    assert used <= set(RELATION_TITLES), used - set(RELATION_TITLES)
    at = run(page="node", node="evidence/1400-jobs-and-120m-gva")
    heads = [m.value for m in at.markdown if m.value.startswith("**")]
    assert heads[:2] == ["**A figure of**", "**Evidence for**"] and not any("(out)" in m.value for m in at.markdown)


def test_a_query_of_symbols_is_not_promised_results_that_do_not_follow():
    at = run(page="ask", q="????")
    assert [w.value for w in at.warning] == ["No part of the model matches that question well."]
    assert any(m.value == "#### Results (0)" for m in at.markdown)


def test_fragility_with_only_strong_steps_and_none_says_what_to_do():
    """Ticking "only stated or shown steps" where no route has them ended at "No route reaches it" (found in a
    browser walk): the page says how many routes there are with weaker steps, and how to see them."""
    node = "outcome/businesses-sustainable-provide-opportunities-for-local-people"
    at = run(page="assumptions", look="fragility", node=node, strong="1")
    (w,) = [w.value for w in at.warning]
    assert w.startswith("No route reaches it with every step stated or shown; ") and "untick" in w, w
    assert run(page="assumptions", look="fragility", node=node).metric[0].value == w.split("; ")[1].split(" ")[0]


def test_the_rests_on_view_is_kept_in_the_link_before_an_assumption_is_chosen():
    """Choosing "What rests on an assumption" left the address as the default view's, so Back skipped it and a
    copied link opened the element view (found in a browser walk)."""
    at = run(page="assumptions")
    at.radio(key="as_mode").set_value("What rests on an assumption").run()
    assert dict(at.query_params.items()) == {"page": "assumptions", "look": "rests"}
    again = run(page="assumptions", look="rests")
    assert again.radio(key="as_mode").value == "What rests on an assumption"
    assert dict(again.query_params.items()) == {"page": "assumptions", "look": "rests"}


def test_a_copied_place_link_keeps_the_profiles_date_and_that_it_is_fictional():
    """A copied link of the fictional example gave a profile saying 'fictional: false' and no date (found in a
    browser walk); notes and evidence are said to travel in the YAML, not the link."""
    at = run(page="place")
    at.button(key="place_example").click().run()
    params = {k: at.query_params[k] for k in ("place", "items", "assume", "dated", "fictional")}
    assert params["fictional"] == "1" and params["dated"] == at.session_state["place_meta"]["date"] != ""
    again = run(page="place", **params)
    assert again.session_state["place_meta"] == {"fictional": True, "date": params["dated"]}  # what the YAML reads
    assert "not in the page's link" in again.toggle(key="place_show_notes").help
