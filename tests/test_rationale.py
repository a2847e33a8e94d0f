"""A reason on every arrow, in plain words, and inferred links only between adjacent stages (real build)."""

from __future__ import annotations

import pytest

from graph.store import KnowledgeGraph
from ingest.build import read_manifest
from ingest.links import rationale
from ingest.links.match import LINKED_CLASSES, tier

COP = "outcome/community-of-practice-around-social-purpose-business-support"
LOCAL = "outcome/local-support-organisations-become-sustainable-connected"
REFERRAL = "process/create-a-referral-network"


@pytest.fixture(scope="module")
def kgm(build_dir) -> KnowledgeGraph:
    return KnowledgeGraph.load(build_dir)


@pytest.fixture(scope="module")
def links(kgm) -> dict:
    return {(lk.source, lk.target): lk for lk in kgm.links}


def test_textual_and_curated_reasons_whole(links):
    assert links[(COP, LOCAL)].rationale == (
        "Stated in “Outcomes”, Short term: “As a result, local support organisations become more connected and "
        "sustainable.”")
    assert links[(REFERRAL, "activity/relational-approaches")].rationale == (
        "Stated in “Innovations in Business Support”, Processes: “Bringing them together through coaching skills "
        "training and peer-support (such as using action learning sets) can also help create a referral network "
        "which identifies and encourages local entrepreneurs.”")
    assert links[(REFERRAL, COP)].rationale == (
        "Added by link review: The short-term outcome is a community of practice that \"enables better flow "
        "of information and referrals\"; the referral network built by this process is that flow, and the "
        "process stage's foundation asks for \"fluid, inclusive links and referrals between services\".")


def test_inferred_reasons_name_the_two_sentences_and_the_strength_in_words(kgm, links):
    inferred = [lk for lk in links.values() if lk.basis == "inferred"]
    assert inferred
    for lk in inferred:
        a, b = kgm.nodes[lk.source], kgm.nodes[lk.target]
        r = lk.rationale
        assert r.startswith("Inferred from wording: “"), r
        assert f"({a.label}) and “" in r and f"({b.label}); " in r, r
        band = rationale.strength_words(lk.weight)
        assert r.endswith(f"similarity {lk.weight:.2f}, {band}."), r
        first, second = lk.evidence.removeprefix("“").removesuffix("”").split("” / “")
        assert " ".join(first.split()) in " ".join(a.text.split()) and " ".join(second.split()) in " ".join(
            b.text.split()), lk.evidence


def test_no_arrow_shows_a_model_id_or_the_old_similarity_string(kgm):
    for lk in kgm.links:
        assert lk.rationale.strip(), lk
        assert "Semantic similarity" not in lk.rationale + lk.evidence, lk
        if lk.model:
            assert lk.model not in lk.rationale and lk.model not in lk.evidence, lk


def test_inferred_links_join_only_adjacent_stages(kgm, build_dir):
    elements = kgm.of_type(*LINKED_CLASSES)
    tiers = sorted({tier(n) for n in elements})
    following = dict(zip(tiers, tiers[1:], strict=False))
    inferred = [lk for lk in kgm.links if lk.basis == "inferred"]
    assert inferred
    for lk in inferred:
        assert following[tier(kgm.nodes[lk.source])] == tier(kgm.nodes[lk.target]), lk
    skipped = read_manifest(build_dir)["links"]["skipped"]
    capacity = [s for s in skipped if s["from"] == "input/capacity-support" and s["to"] == LOCAL]
    assert capacity and all("does not join adjacent stages" in s["why"] for s in capacity)
    assert (("input/capacity-support", LOCAL) not in {(lk.source, lk.target) for lk in kgm.links})


def test_rationale_words():
    assert rationale.strength_words(0.66) == "strong"
    assert rationale.strength_words(0.5) == "moderate"
    assert rationale.strength_words(0.3) == "weak"
    common = rationale.common_stems(["support local referrals", "support for businesses", "business support",
                                     "support networks", "training support"])
    assert common == frozenset({"support"})
    assert rationale.shared_words("Support builds referral networks for traders",
                                  "A network of referrals and support", common=common) == (
        ["referral", "networks"], ["support"])
    assert rationale.textual("A sentence.", "Long Title Of The Report: With A Very Long Subtitle Indeed Here",
                             "PROCESSES") == "Stated in “Long Title Of The Report”, Processes: “A sentence.”"
    said = rationale.curated("A. Curator", "  because\nthe text says so ")
    assert said == "Added by A. Curator: because the text says so"
