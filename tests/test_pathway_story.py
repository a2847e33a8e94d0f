"""A pathway tells one story: one rule for its weakest step (``graph.evidence.weakest``: the lowest evidence level,
then the lowest strength), and the strength sentence, the table's badges and mark, and the printed report all
read it. On the real seed graph, Local intelligence → Prosperity, whose last step ('Good business' →
Prosperity, strength 0.36) was drawn by similarity but is shown by a case study (Cleobury Country Ltd
illustrates both ends): the lowest strength is not the weakest step.
"""

from __future__ import annotations

import html

import pytest

from graph.analysis import report
from graph.analysis.pathways import Pathways
from graph.evidence import WEAKEST_RULE, weakest
from tests.test_app import app_env, run, text_of  # noqa: F401 - app_env: the app reads the session build

START, END = "input/local-intelligence", "impact/prosperity"
LI, REFERRAL = "input/local-intelligence", "process/create-a-referral-network"
COP = "outcome/community-of-practice-around-social-purpose-business-support"
BS, GB = "outcome/businesses-sustainable-provide-opportunities-for-local-people", "outcome/good-business"
EVIDENCE_COLUMN = "link in: evidence, strength"


@pytest.fixture(scope="module")
def pwm(build_dir) -> Pathways:
    return Pathways.load(build_dir)


@pytest.fixture(scope="module")
def paths(pwm):
    return pwm.paths(START, END, k=5).paths


def test_the_weakest_step_is_the_lowest_level_then_the_lowest_strength(pwm, paths):
    """Every one of the five paths ends 'Good business' → Prosperity (0.36, its lowest strength), shown by
    Cleobury Country Ltd; the weakest is an inferred step: the first (0.51) on four, 0.30 on the fourth."""
    assert all(p.nodes[-2:] == [GB, END] for p in paths)
    last = pwm.evidence()[(GB, END)]
    assert last.level == "shown" and round(last.weight, 2) == 0.36
    assert "Cleobury Country Ltd" in last.why
    picked = []
    for p in paths:
        steps = report.path_steps(p, pwm.evidence())
        w = steps[weakest(steps)]
        assert w.target != END  # the shown step is never the weakest, though on four it has the lowest strength
        assert w.level == "inferred" and w.weight == min(s.weight for s in steps if s.level == "inferred")
        picked.append((w.source, w.target, round(w.weight, 2)))
    assert picked == [(LI, REFERRAL, 0.51)] * 3 + [(COP, BS, 0.30), (LI, REFERRAL, 0.51)]
    assert [min(p.links, key=lambda lk: lk.weight).target for p in paths] == [END] * 3 + [BS, END]


def test_the_strength_sentence_names_the_weakest_step_by_the_rule(pwm, paths):
    steps = report.path_steps(paths[0], pwm.evidence())
    text = report.score_text(pwm.kg, paths[0], steps)
    assert text == (
        "Strength 0.06 = 0.51 × 0.90 × 0.90 × 0.66 × 0.57 × 0.36, the product of its 6 link strengths (1.00 would "
        "mean every link is certain; each extra link multiplies in, so longer paths score lower). A pathway is as "
        f"strong as its weakest step, {WEAKEST_RULE}: here step 1, Local intelligence → Create a referral network: "
        "inferred by similarity, strength 0.51. Read its reason before relying on the path.")


def test_the_page_tells_one_story(pwm, paths):
    """Sentence, badges, the table's weakest mark and each row's reason agree on the page (AppTest)."""
    at = run(page="pathways", **{"from": START, "to": END}, path="3")
    body = text_of(at).replace("\\", "")
    assert "here step 3, Community of practice around social purpose business support → Businesses sustainable" \
        in body
    assert "Weakest step by evidence" not in body  # one sentence, not two
    table = at.table[0].value
    badges = list(table[EVIDENCE_COLUMN])
    assert badges == ["", ":gray-badge[inferred] 0.51", ":violet-badge[curated] 0.90",
                      ":gray-badge[inferred] 0.30 **weakest**", ":blue-badge[shown by a case] 0.57",
                      ":blue-badge[shown by a case] 0.36"]
    why = [w.replace("\\", "") for w in table["why"]]
    assert why[5].startswith("No document states it, but 1 case study illustrates both ends (Cleobury Country Ltd).")
    assert why[4].startswith("No document states it, but 1 case study illustrates both ends (Manor House "
                             "Development Trust).")
    assert why[3].startswith("Inferred by similarity only, weight 0.30")


def test_the_report_names_the_case_behind_a_shown_link_and_the_same_weakest_step(pwm, paths):
    path = paths[0]
    doc = report.report_html(pwm.kg, path, pwm.chain(path), "<svg></svg>", evidence=pwm.evidence())
    text = html.unescape(doc)
    assert "shown by a case study, strength 0.36" in text
    assert "No document states it, but 1 case study illustrates both ends (Cleobury Country Ltd)." in text
    assert "No document states it, but 1 case study illustrates both ends (Manor House Development Trust)." in text
    assert text.count("(the weakest step)") == 1
    row = text.split("(the weakest step)")[0].rsplit("<tr>", 1)[1]
    assert "Create a referral network" in row and "inferred by similarity, strength 0.51" in row
    assert report.score_text(pwm.kg, path, report.path_steps(path, pwm.evidence())) in text
