"""Labels fitted to narrow places (graph/text/labels.py) on every element label of the seed build: cut only
between words or after a slash, marked by "…" whenever anything is left out, and never longer than asked."""

from __future__ import annotations

import re

import pytest

from graph.store import KnowledgeGraph
from graph.text.labels import fit_parts, shorten, wrap


@pytest.fixture(scope="module")
def labels(build_dir) -> dict[str, str]:
    kg = KnowledgeGraph.load(build_dir)
    return {n.id: n.label for n in kg.of_type("Condition", "Input", "Process", "Activity", "Outcome", "Impact")}


def _words(text: str) -> list[str]:
    """The words in order, without the punctuation a cut may drop after the last one kept."""
    return [w for w in (w.strip(",;:–—-(&") for w in re.findall(r"[^\s/]+", text.replace("…", ""))) if w]


def test_shorten_cuts_between_words_with_an_ellipsis(labels):
    for label in labels.values():
        for n in (20, 28, 40):
            short = shorten(label, n)
            assert len(short) <= n
            if short == label:
                assert len(label) <= n
                continue
            assert short.endswith("…")
            kept = _words(short)  # every word kept is whole: the label's own first words
            assert kept == _words(label)[: len(kept)], (label, short)
    assert shorten(labels["outcome/community-of-practice-around-social-purpose-business-support"], 28) == \
        "Community of practice…"  # the select box showed "Community of practice around"
    assert shorten(labels["outcome/businesses-sustainable-provide-opportunities-for-local-people"], 28) == \
        "Businesses sustainable…"  # it showed "Businesses sustainable, prov"


def test_wrap_keeps_whole_words_and_breaks_after_a_slash(labels):
    for label in labels.values():
        lines = wrap(label, 11, 5)
        assert 1 <= len(lines) <= 5
        longest = max(len(w) for w in re.findall(r"[^\s/]*/*", label))
        assert all(len(line) <= max(11, longest + 1) for line in lines), lines
        cut = lines[-1].endswith("…")
        kept = _words(" ".join(lines))
        assert kept == _words(label)[: len(kept)] and (cut or kept == _words(label)), (label, lines)
    assert wrap(labels["outcome/local-support-organisations-become-sustainable-connected"], 11, 5) == [
        "Local support", "organisations", "become", "sustainable/", "connected"]
    assert wrap(labels["impact/pride-in-place-purpose-and-community-levelling-up"], 11, 5) == [
        "Pride in", "place,", "purpose and", "community", "(levelling…"]


def test_fit_parts_shortens_the_longest_parts_first_and_keeps_the_ends(build_dir, labels):
    from graph.analysis.pathways import Pathways

    pw = Pathways.load(build_dir)
    for p in pw.paths("condition/long-term-commitment",
                      "impact/pride-in-place-purpose-and-community-levelling-up", k=5).paths:
        names = [labels[n] for n in p.nodes]
        for width in (60, 90, 120, 400):
            line = fit_parts(names, width)
            parts = line.split(" → ")
            assert len(parts) == len(names)
            assert len(line) <= width or all(len(_words(x)) == 1 for x in parts[1:-1])  # fits, or all it can
            for part, name in zip(parts, names, strict=True):
                kept = _words(part)
                assert part == name or (part.endswith("…") and kept == _words(name)[: len(kept)] and kept)
            if width == 400:
                assert parts == names
    names = [labels[n] for n in ("input/local-intelligence", "process/create-a-referral-network",
                                 "outcome/community-of-practice-around-social-purpose-business-support",
                                 "outcome/businesses-sustainable-provide-opportunities-for-local-people",
                                 "impact/prosperity")]
    assert fit_parts(names, 110) == ("Local intelligence → Create a referral network → Community of practice… → "
                                     "Businesses sustainable… → Prosperity")  # the longest gave first
    assert fit_parts(names, 90) == "Local intelligence → Create a referral… → Community of… → Businesses… → Prosperity"


def test_a_slash_keeps_the_spaces_the_text_has_around_it():
    """A slash between spaced words is kept as written: the purpose's "socially / locally minded" was cited as
    "socially /locally minded"; a slash inside a word still joins with nothing and may end a line."""
    text = "activate the latent potential of socially / locally minded entrepreneurs at the community level"
    assert shorten(text, 70) == "activate the latent potential of socially / locally minded…"
    assert wrap("become sustainable/connected", 16, 3) == ["become", "sustainable/", "connected"]
    assert wrap("socially / locally minded", 12, 3) == ["socially /", "locally", "minded"]
