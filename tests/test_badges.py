"""Every link shows its evidence level (stated > shown > curated > inferred), wherever a link is shown:
the Pathways table and its "only stated or shown" filter, the Node page, the answer card; and every view
reads one rule (``graph.evidence``), so a link never has two levels. On the real build, through AppTest.

The pathway used throughout is the third best from Create a referral network to Prosperity: its first
step is only inferred by wording, but the Royds Community Association case illustrates both its ends,
so it is "shown"; so is its third (a seed worked example illustrates both its ends); the other three
are inferred.
"""

from __future__ import annotations

import pytest

from graph.analysis import explore
from graph.analysis.pathways import Pathways
from graph.evidence import graph_evidence
from tests.test_app import app_env, run, text_of  # noqa: F401 - app_env: the app reads the session build

START, END = "process/create-a-referral-network", "impact/prosperity"
WRAP = "activity/wrap-around-support"
EVIDENCE_COLUMN = "link in: evidence, strength"


@pytest.fixture(scope="module")
def pwm(build_dir) -> Pathways:
    return Pathways.load(build_dir)


def test_the_card_and_the_pictures_read_one_level_per_link(pwm):
    card_levels = {edge: ev.level for edge, ev in graph_evidence(pwm.kg).items()}
    view_levels = {edge: ev.level for edge, ev in pwm.evidence().items()}
    assert view_levels and all(card_levels[edge] == level for edge, level in view_levels.items())
    assert sorted(edge for edge, level in view_levels.items() if level == "shown") == [
        ("outcome/local-support-organisations-become-sustainable-connected",
         "outcome/businesses-sustainable-provide-opportunities-for-local-people"),
        (START, WRAP)]
    assert pwm.evidence()[(START, WRAP)].why == ("no document states it, but 1 case study illustrates both ends "
                                                 "(Royds Community Association)")


def test_pathways_table_badges_every_step_and_names_the_weakest(pwm):
    path = pwm.paths(START, END, k=3).paths[2]
    at = run(page="pathways", mode="between", **{"from": START, "to": END}, k="3", path="2")
    table = at.table[0].value
    assert [e.replace("\\", "") for e in table["element"]] == [pwm.kg.nodes[n].label for n in path.nodes]
    shown, inferred = ":blue-badge[shown by a case]", ":gray-badge[inferred]"
    badges = [shown, inferred, shown, inferred, inferred]
    assert list(table[EVIDENCE_COLUMN]) == [""] + [f"{b} {lk.weight:.2f}" for b, lk in zip(badges, path.links,
                                                                                          strict=True)]
    why = table["why"].iloc[1].replace("\\", "")
    assert why.endswith("Shown: no document states it, but 1 case study illustrates both ends (Royds Community "
                        "Association).")
    body = text_of(at).replace("\\", "")
    assert "Weakest step by evidence: **'Good business' → Prosperity** :gray-badge[inferred] strength 0.36" in body
    assert at.multiselect(key="pw_levels").value == ["stated", "shown", "curated", "inferred"]


def test_only_stated_or_shown_applies_to_the_paths_table_and_picture(pwm):
    strong_links = pwm.fragility().strong_graph().number_of_edges()
    elements = explore.visible(pwm.finder.g, explore.Filters()).number_of_nodes()
    assert strong_links == sum(ev.strong for ev in pwm.evidence().values()) == 9
    at = run(page="pathways", mode="between", **{"from": START, "to": WRAP}, strong="1")
    assert at.checkbox(key="pw_strong").value is True
    assert at.multiselect(key="pw_levels_strong").options == ["stated", "shown"]  # the picture's filter
    assert f"{elements} elements, {strong_links} links shown" in text_of(at)  # the picture: strong arrows only
    assert list(at.table[0].value[EVIDENCE_COLUMN])[1:] == [
        f":blue-badge[shown by a case] {pwm.finder.link(START, WRAP).weight:.2f}"]
    # no route to Prosperity is stated or shown at every step: the page says so, the picture keeps its
    # strong arrows, and no table of inferred steps is shown
    at = run(page="pathways", mode="between", **{"from": START, "to": END}, strong="1")
    warning = " ".join(str(w.value) for w in at.warning)
    assert "No pathway here has every step stated in a document or shown by a case study" in warning
    assert f"{elements} elements, {strong_links} links shown" in text_of(at)
    assert not at.table
    at = run(page="pathways", mode="between", **{"from": START, "to": END})
    assert f"{elements} elements, {pwm.finder.g.number_of_edges()} links shown" in text_of(at)


def test_node_page_badges_each_causal_neighbour(pwm):
    at = run(page="node", node=WRAP)
    lines = [m.value.replace("\\", "") for m in at.markdown]
    rows = lines[lines.index("**Builds on**") + 1].split("\n")
    levels = {a: pwm.evidence()[(a, WRAP)].level for a in pwm.finder.g.predecessors(WRAP)}
    assert len(rows) == len(levels)
    for a, level in levels.items():
        row = next(r for r in rows if pwm.kg.nodes[a].label in r)
        word = {"shown": ":blue-badge[shown by a case]", "inferred": ":gray-badge[inferred]",
                "stated": ":green-badge[stated in text]", "curated": ":violet-badge[curated]"}[level]
        assert row.endswith(word), row
    assert levels[START] == "shown"


def test_answer_card_badges_what_it_needs_and_leads_to():
    at = run(page="ask", q="wrap-around support that addresses wider barriers")
    body = text_of(at).replace("\\", "")
    needs = body.split("**What it needs**")[1].split("**What it leads to**")[0]
    assert "Create a referral network" in needs and ":blue-badge[shown by a case]" in needs
    first = next(line for line in needs.split("\n") if "Create a referral network" in line)
    assert first.endswith(":blue-badge[shown by a case]")
    assert ":gray-badge[inferred]" in body.split("**What it leads to**")[1]
