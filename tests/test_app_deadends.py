"""Dead ends found by walking the app as a practitioner, a researcher and a commissioner (AppTest, real build).

Each test is a view a person reached that left them with nothing to do next, or with words they cannot read.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.appenv import app_reads, run
from ui.explore import FOCUS_LINE

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module", autouse=True)
def app_env(build_dir, tmp_path_factory):
    """The app reads the session build; uploads (if any) go to a scratch corpus, never the real one."""
    corpus = tmp_path_factory.mktemp("deadend_corpus") / "corpus"
    shutil.copytree(ROOT / "corpus", corpus, ignore=shutil.ignore_patterns("profiles"))
    with app_reads(build_dir, corpus):
        yield


def test_what_rests_on_an_assumption_says_what_to_do_before_one_is_chosen():
    at = run(page="assumptions")
    at.radio(key="as_mode").set_value("What rests on an assumption").run()
    assert not at.exception
    assert at.selectbox(key="as_assumption").value is None
    infos = [i.value for i in at.info]
    assert any("Choose an assumption" in i for i in infos), infos


def test_an_elements_supporting_case_studies_say_how_they_were_linked_in_words():
    """The chain under Prosperity listed its case studies as 'Manor House Development Trust · semantic'."""
    at = run(page="assumptions", node="impact/prosperity")
    cases = [m.value for m in at.markdown if m.value.startswith("**Supporting case studies**")]
    lines = [ln for c in cases for ln in c.splitlines() if ln.startswith("- ")]
    assert lines, cases
    assert not [ln for ln in lines if " · semantic" in ln or " · explicit" in ln or " · extracted" in ln], lines
    assert any("similar in meaning" in ln for ln in lines), lines


def _follow(at: AppTest) -> dict[str, dict[str, str]]:
    """The node page's 'Follow it' links: their words and the query each opens."""
    import re
    from html import unescape
    from urllib.parse import parse_qsl

    line = next((m.value for m in at.markdown if m.value.startswith("**Follow it:**")), "")
    return {
        words: dict(parse_qsl(unescape(href)[1:]))
        for href, words in re.findall(r'<a href="([^"]+)" target="_self">([^<]+)</a>', line)
    }


def test_an_elements_page_leads_on_to_its_pathways_assumptions_and_fragility():
    """Prosperity's page ended at its neighbours: no way on to the pathways into it or what it rests on."""
    follow = _follow(run(page="node", node="impact/prosperity"))
    assert set(follow) == {"Everything it rests on", "What it takes for granted, step by step", "How fragile it is"}, (
        follow
    )  # an impact leads nowhere: no link forward
    shows = {
        "Everything it rests on": "Strength",
        "What it takes for granted, step by step": "Step 1",
        "How fragile it is": "Routes from a condition or input",
    }
    resources = _follow(run(page="node", node="input/resources"))
    assert set(resources) == {"Pathways forward from it", "What it takes for granted, step by step"}, resources
    for words, expected in [*shows.items(), ("Pathways forward from it", "Strength")]:  # answers, not pickers
        at = run(**(resources if words == "Pathways forward from it" else follow)[words])
        body = "\n".join([m.value for m in at.markdown] + [str(m.label) for m in at.metric])
        assert expected in body, (words, follow[words])
        assert not at.error and not at.warning, (words, [e.value for e in at.error])


def test_an_assumptions_page_leads_on_to_what_rests_on_it():
    node = "assumption/vision-local-people-know-what-is-best-for"
    follow = _follow(run(page="node", node=node))
    assert list(follow) == ["What rests on it, and what breaks if it fails"], follow
    at = run(**follow["What rests on it, and what breaks if it fails"])
    assert at.selectbox(key="as_assumption").value == node
    assert any("rest on it directly" in m.value for m in at.markdown)


def test_a_case_study_says_which_document_it_comes_from_by_title_not_file_path():
    """Each case card's source line read 'New Start · corpus/004_886a3e0936d83125.txt'."""
    at = run(page="cases")
    lines = [c.value for c in at.caption if "New Start" in c.value]
    assert lines, [c.value for c in at.caption]
    assert not [ln for ln in lines if ".txt" in ln or "004\\_886a3e0936d83125" in ln], lines
    assert all(
        "How to… use commissioning to build local economic resilience" in ln.replace("\\", "") for ln in lines
    ), lines


def test_everything_an_impact_rests_on_asks_for_the_impact_and_takes_it_from_to():
    """The backward mode asked to "Pick a start … → Prosperity", and a link naming the impact as to= dropped it."""
    at = run(page="pathways", mode="backward")
    infos = [i.value for i in at.info]
    assert any("outcome or impact to look back from" in i for i in infos), infos
    assert not any("Pick a start" in i for i in infos), infos
    at = run(page="pathways", mode="backward", to="impact/prosperity")
    assert at.selectbox(key="pw_from").value == "impact/prosperity"
    assert not at.info, [i.value for i in at.info]
    assert at.selectbox(key="pw_path").options, "no pathways into Prosperity shown"
    url = {k: at.query_params[k] for k in at.query_params}
    assert url.get("to") in ("impact/prosperity", ["impact/prosperity"]), url  # the link is kept as it came
    assert "from" not in url, url


def test_a_backward_link_naming_both_ends_says_which_it_uses():
    """mode=backward with from= and to= looked back from the start and dropped the end without a word."""
    at = run(page="pathways", mode="backward", to="impact/prosperity", **{"from": "outcome/good-business"})
    assert at.selectbox(key="pw_from").value == "outcome/good-business"
    infos = [i.value for i in at.info]
    assert infos == ["This view looks back from one element, the link's start; its end, “Prosperity”, is left out. "
                     "Choose “From one element to another” above for the pathways between the two."], infos
    assert at.selectbox(key="pw_path").options, "no pathways into 'Good business' shown"


def test_fragility_says_plainly_when_every_most_cutting_assumption_cuts_every_route():
    """Prosperity: 'Most cutting upstream: <one> (…, PROCESSES): … 314 of its 314 routes (tied with 8 more)' named
    one of the nine that each cut every route as if it stood out, and the section in capitals."""
    from graph.analysis.pathways import Pathways

    f = Pathways.load(Path(os.environ["EP_BUILD"])).fragility().for_target("impact/prosperity")
    top = f.most_cutting
    assert len(top) > 1 and all(r.lost == f.total for r in top), [(r.lost, f.total) for r in top]  # the case audited
    at = run(page="assumptions", look="fragility", node="impact/prosperity")
    line = next(m.value for m in at.markdown if m.value.startswith("Most cutting upstream")).replace("\\", "")
    assert f"all {len(top)} cut every route" in line, line
    assert "tied with" not in line, line
    assert not [r for r in top if r.node["label"] in line], line  # none singled out: they are listed above
    upstream = next(m.value for m in at.markdown if m.value.startswith("**Upstream: if any of these failed"))
    assert all(f">{r.node['label']}</a>" in upstream.replace("\\", "") for r in top), upstream
    assert any("source" in df.value for df in at.dataframe)
    shown = line + " ".join(str(v) for df in at.dataframe if "source" in df.value for v in df.value["source"])
    assert not [w for w in ("PROCESSES", "INPUTS", "ACTIVITIES", "CONDITIONS FOR SUCCESS") if w in shown], shown
    sources = " ".join(str(v) for df in at.dataframe if "source" in df.value for v in df.value["source"])
    assert ", Processes" in sources, sources  # the section as the model's stage


def test_a_passages_page_leads_on_to_the_parts_of_the_model_nearest_it_in_meaning():
    """A passage's page said "No links to other nodes" and ended there."""
    from search.engine import SearchEngine

    passage = "passage/002-5e2544817f0558dc-26168"
    near = SearchEngine.load(Path(os.environ["EP_BUILD"])).similar(passage)
    assert len(near) == 5 and all(m.type not in ("Passage", "CaseStudy") for m, _ in near), near
    at = run(page="node", node=passage)
    assert at.selectbox(key="node_pick").value == passage  # the box names the passage shown (it read "Choose …")
    assert [h.value for h in at.markdown if h.value == "#### Parts of the model similar in meaning"]
    line = next(m.value for m in at.markdown if "similar in meaning 0." in m.value)
    for m, score in near:  # each a same-tab link to its page, badged as meaning, not as a link's evidence
        assert f'href="?page=node&amp;node={m.id}" target="_self"' in line, (m.id, line)
        assert f"similar in meaning {score:.2f}" in line, line
    assert not any(b in line for b in ("stated in text", "curated", "shown by a case")), line
    sources = [e.label.replace("\\", "") for e in at.expander if " · characters " in e.label]
    assert [s for s in sources if "— Conclusion · " in s] and not [s for s in sources if "CONCLUSION" in s], sources
    # where a source stands, in words (it read "· full · chars 15182–15581"; a browser walk)
    assert not [s for s in sources if " · full · " in s or " · chars " in s], sources


def test_the_element_a_card_speaks_to_is_named_once_and_its_text_cut_between_words():
    """An insight answering for an element listed the element as 'Label: text' under its own link; where the
    element's text is its label ('Income is retained and recycled in the local economy') that read as the same
    words twice, and a long text was cut at 300 characters mid-word."""
    at = run(page="ask", q="we're a community pub in a former mining village and want the council to buy our catering")
    values = [m.value.replace("\\", "") for m in at.markdown]  # as read: Markdown escapes taken out
    assert any("The part of the model it speaks to" in v for v in values), values
    twice = [v for v in values if ": " in v and v.split(": ", 1)[0].strip() == v.split(": ", 1)[1].strip()]
    assert not twice, twice


def test_a_cards_lists_lead_on_to_what_they_leave_out_and_its_sources_name_links():
    """'… and 3 more' under What it needs / leads to was plain text (the rest unreachable), and the Sources panel
    named 23 nodes in bold with no link, where the README says any name opens its page (found in a browser walk).
    The card also said it answered 'with a part of the model: the best-matching part of the model'."""
    import re

    at = run(page="ask", q="help for clients who need halal finance")
    values = [m.value for m in at.markdown]
    more = [ln for v in values for ln in v.splitlines() if "more*" in ln]
    assert more and all(re.search(r"\*… and \d+ more\* on the page of <a href=\"\?", ln) for ln in more), more
    sources = [v for v in values if v.startswith(("**What it needs**\n- ", "**What it leads to**\n- "))
               and " — *" in v]
    assert sources, values
    for v in sources:
        lines = [ln for ln in v.splitlines() if ln.startswith("- ")]
        assert lines and all(ln.startswith('- <a href="?') for ln in lines), lines
    assert not [c.value for c in at.caption if "the best-matching part of the model." in c.value]


def test_one_path_asked_for_is_the_best_path_and_the_box_says_its_range():
    """'Showing the best 1 paths' (found in a browser walk); the box's label and help say what it takes."""
    at = run(page="pathways", mode="between", k="1", **{"from": "input/local-intelligence", "to": "impact/prosperity"})
    box = at.number_input(key="pw_k")
    assert box.value == 1 and box.label == "Paths (1–50)" and "from 1 to 50" in box.help
    said = " ".join(c.value for c in at.caption)
    assert "Showing the best path; more exist" in said and "best 1 paths" not in said, said


def test_the_maps_focus_is_in_the_link_and_its_line_stands_above_the_picture():
    """Focusing an element of the whole-model map put 'Focused on … Open its page / Clear focus' below the picture
    (off screen at 1400 × 1000), and Back from its page lost the focus (found in a browser walk)."""
    at = run(page="ask", focus="process/create-a-referral-network")
    lines = [m for m in at.markdown if m.value.startswith(f'<span id="{FOCUS_LINE}"></span>Focused on <b>Create a '
                                                          "referral network</b>")]
    assert len(lines) == 1 and "Open its page" in lines[0].value
    assert at.query_params["focus"] == "process/create-a-referral-network"
    order = [getattr(e, "value", "") for e in at.main]
    first_caption = next(i for i, v in enumerate(order) if isinstance(v, str) and "links shown. Click" in v)
    assert order.index(lines[0].value) < first_caption  # the focus line comes before the picture's caption
    at.button(key="home_clear").click().run()
    assert not [m for m in at.markdown if "Focused on" in m.value] and "focus" not in at.query_params
    bad = run(page="ask", focus="no/such-node")
    assert not [m for m in bad.markdown if "Focused on" in m.value] and "focus" not in bad.query_params


def test_the_data_pages_open_tab_is_in_the_link():
    """A copied link of the Data page opened Download whatever tab was open, and Back left the app (found in a
    browser walk): the tab is part of the view, left out for the first; a tab the page lacks opens the first."""
    at = run(page="data", tab="add")
    assert at.session_state["data_tab"] == "Add a document" and at.query_params["tab"] == "add"
    first = run(page="data")
    assert first.session_state["data_tab"] == "Download" and "tab" not in first.query_params
    bad = run(page="data", tab="nope")
    assert bad.session_state["data_tab"] == "Download" and "tab" not in bad.query_params


def test_case_studies_closest_to_words_say_how_similar_and_when_none_is_close():
    """The list showed 'score 0.500, 0.333, 0.250 …' for any words (its fused rank score, which reads as nothing),
    and gibberish got five case studies with no word that none is close (found in a browser walk)."""
    import re

    def sims(at):
        text = "\n".join(m.value for m in at.markdown)
        assert "— score " not in text
        return [float(x) for x in re.findall(r"</a> — similarity (-?\d\.\d\d)", text)]

    at = run(page="cases", tab="find", case_q="a childrens centre run by a community trust")
    got = sims(at)
    assert len(got) == 5 and got[0] >= 0.35, got
    assert not [i.value for i in at.info if i.value.startswith("No case study is close")]
    # listed in the order of the numbers beside them (0.39, 0.13, 0.13, 0.05, 0.16 for a typo; a browser walk)
    assert got == sorted(got, reverse=True)
    typo = sims(run(page="cases", tab="find", case_q="Cleobry"))
    assert len(typo) == 5 and typo == sorted(typo, reverse=True)
    gib = run(page="cases", tab="find", case_q="zzqx 🦄🦄 ###")
    assert len(sims(gib)) == 5
    assert [i.value for i in gib.info if i.value.startswith("No case study is close to these words: the nearest is")]


def test_ask_results_give_their_place_and_similarity_not_a_fused_score():
    """Results read "score 1.125", "score 0.750" with nothing to say what that was (a browser walk)."""
    import re

    at = run(q="how do I build a referral network")
    lines = [m.value for m in at.markdown if re.match(r"\d+\. ", m.value)]
    assert len(lines) == 10 and [int(x.split(".")[0]) for x in lines] == list(range(1, 11))
    sims = [float(re.search(r"· similarity (-?\d\.\d\d)$", x).group(1)) for x in lines]
    assert all(-1 <= s <= 1 for s in sims) and sims[0] >= 0.35
    assert not [m.value for m in at.markdown if "· score " in m.value]
    assert [c.value for c in at.caption if c.value.startswith("In the order search ranks them")]


def test_our_place_with_nothing_working_says_no_assumption_is_relied_on_yet():
    """Everything blocked showed "Assumptions the working part relies on" over "none" (a browser walk), and a
    single item to put in place read "Put in place together, Long-term commitment would move …"."""
    at = run(page="place", place="Kirkby Moor", items="condition/long-term-commitment:m")
    body = "\n".join(m.value for m in at.markdown).replace("\\", "")
    assert "Assumptions under what is in place or at risk, not confirmed" in body
    assert "*none yet: nothing is in place or at risk, so no assumption is being relied on*" in body
    assert "Putting Long-term commitment in place would move 16 of 16 outcomes and impacts up." in body
    assert "working part" not in body and "Put in place together" not in body


def test_an_unsure_card_says_so_and_links_what_reads_almost_as_well():
    at = run(q="our volunteers are burning out what can we do")
    said = [i.value for i in at.info if i.value.startswith("A fair match, not a close one")]
    assert len(said) == 1
    body = "\n".join(m.value for m in at.markdown)
    card = body.split("#### Results")[0]
    links = [ln for ln in card.splitlines() if ln.startswith("- <a href=")]
    assert len(links) >= 2  # the two it names, each a link to its page
    sure = run(q="how do I build a referral network")
    assert not [i.value for i in sure.info if i.value.startswith("A fair match")]


def test_an_element_picked_on_assumptions_comes_first_then_the_pathway_marks_it():
    """Picking an outcome showed one pathway of seven steps with the outcome as step 5, two screens down, and
    foundations "the same as the previous step's" three times running (a browser walk)."""
    el = "outcome/income-is-retained-and-recycled-in-the-local"
    at = run(page="assumptions", node=el)
    body = "\n".join(m.value for m in at.markdown).replace("\\", "")
    heads = [ln for ln in body.splitlines() if ln.startswith("#### ")]
    assert heads[0].startswith("#### What <a href=") and heads[0].endswith("takes for granted")
    assert "Income is retained and recycled in the local economy" in heads[0]
    assert heads[1].startswith("#### The best pathway through it (it is step ")
    step, of = (int(x) for x in heads[1].split("(it is step ")[1].split(")")[0].split(" of "))
    assert 1 <= step <= of
    assert body.count("*the element you chose*") == 1
    assert "the same as the previous step" not in body


def test_an_assumption_cards_panels_say_whose_they_are():
    """On an assumption's card the panels "What it needs / What it leads to" are the element's it speaks to, and
    read as the assumption's (a browser walk)."""
    at = run(q="what is assumed about coaching being worth the money")
    body = "\n".join(m.value for m in at.markdown).replace("\\", "")
    card = body.split("#### Results")[0]
    heads = [ln for ln in card.splitlines() if ln.startswith("**What ‘") or ln.startswith("**Assumptions of ‘")
             or ln.startswith("**Case studies of ‘")]
    el = "Relational approaches"  # the element the assumption sits under
    assert heads == [f"**What ‘{el}’ needs**", f"**What ‘{el}’ leads to**", f"**Assumptions of ‘{el}’**",
                     f"**Case studies of ‘{el}’**"]


def test_a_case_study_page_says_what_it_illustrates_with_the_sentence_that_shows_it():
    """A case study's page listed "Illustrates: Successful communities, Resources …" with no sentence for any link,
    where an element's page gives each case its reason and quote (a browser walk)."""
    from graph.analysis.cases import elements_for_case
    from graph.store import KnowledgeGraph

    case = "casestudy/cleobury-country-ltd"
    kg = KnowledgeGraph.load(Path(os.environ["EP_BUILD"]))
    links = elements_for_case(kg.g, kg, case)
    at = run(page="node", node=case)
    body = [m.value.replace("\\", "") for m in at.markdown]
    assert f"#### What it illustrates ({len(links)})" in body and len(links) >= 2
    lines = [v for v in body if v.startswith("- <a href=") and " — " in v and "\n" not in v]
    assert len(lines) == len(links)
    for link, line in zip(links, lines, strict=True):
        assert f"node={link.element}" in line.replace("&amp;", "&")
    # one sentence shows all four links and opens the page: quoted once, not nine times (a browser walk)
    sentence = kg.nodes[case].text
    assert {" ".join(x.link.evidence.split()) for x in links} == {sentence}
    after = body[body.index(f"#### What it illustrates ({len(links)})"):]
    assert not [v for v in after if "Cleobury Country Ltd is a community organisation" in v]  # at the top only
    assert sum(sentence in v for v in body) == 2  # the page's own text, and its source (in a closed expander)
    assert "These 4 are shown by one sentence, the one at the top of this page." in [c.value for c in at.caption]


def test_fragility_says_why_a_linked_element_is_not_used_and_a_chosen_outcome_survives_a_change_of_view():
    """A walk opened fragility for an input (a copied link): the picker stood empty with no word. And changing
    "Look at" dropped the outcome just chosen, so it had to be found again."""
    from ui.assumptions import MODES

    at = run(page="assumptions", look="fragility", node="input/resources")
    assert not at.exception
    assert ("Resources is an input: what every pathway rests on is worked out for an outcome or impact. Choose one "
            "below.") in [i.value.replace("\\", "") for i in at.info]  # as shown: md() escapes ":" and "."
    assert at.selectbox(key="as_target").value is None
    outcome = "outcome/good-business"
    at = run(page="assumptions")
    at.selectbox(key="as_el").set_value(outcome).run()
    at.radio(key="as_mode").set_value(MODES[2]).run()  # to fragility: the outcome is still chosen
    assert at.selectbox(key="as_target").value == outcome and at.query_params["node"] == outcome
    assert not [i.value for i in at.info if "is worked out for" in i.value]
    at.radio(key="as_mode").set_value(MODES[0]).run()  # and back
    assert at.selectbox(key="as_el").value == outcome


def test_the_together_sentence_of_an_empty_place_names_a_few_items_and_counts_the_rest():
    """A walk read, for a place with nothing marked: "Put in place together, Collective local vision, … worth.,
    Commitment to … institutions., Culture of …" through all 23 items, each whole label's stop before a comma."""
    from graph.analysis.assess import TOGETHER_NAMED

    at = run(page="place")
    assert not at.exception
    line = next(m.value.replace("\\", "") for m in at.markdown if m.value.replace("\\", "").startswith(
        "Put in place together"))
    assert ".," not in line and line.count("“") <= TOGETHER_NAMED
    assert re.search(r"and \d+ more of the items above would move \d+ of 16 outcomes and impacts up\.$", line), line


def test_a_persons_roles_are_not_listed_as_other_ways_of_writing_their_name():
    """A walk's uploaded story gave Sarah Whitmore the page line 'Also written as: “chair of Little Hadley Community
    Pub Ltd”': ingest keeps a person's roles with their other names, and the page now tells them apart."""
    from graph.records import NodeRecord

    n = NodeRecord("person/sarah-whitmore", "Person", "Sarah Whitmore", "Sarah Whitmore, chair of …",
                   alt_labels=("chair of Little Hadley Community Pub Ltd", "Ms Whitmore"))
    assert n.roles_and_names() == (["chair of Little Hadley Community Pub Ltd"], ["Ms Whitmore"])
    org = NodeRecord("organisation/x", "Organisation", "Chair Works Ltd", "", alt_labels=("chair of the board",))
    assert org.roles_and_names() == ([], ["chair of the board"])  # only a person has roles
