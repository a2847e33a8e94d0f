"""Text cut short to fit is cut between words (graph/text/labels.py), on the seed build: the Evidence map's grid
headings, its slide's labels, and the quotes and reasons a link's evidence carries. The audit found "local peo…"
in the grid, "around social purpos…" on the slide and a curator's reason ending "that f…"."""

from __future__ import annotations

import html
import re

import pytest

from graph.analysis.gapmap_picture import to_svg
from graph.analysis.pathways import Pathways
from tests.test_labels import _words
from ui.gapmap import grid_html


@pytest.fixture(scope="module")
def pw(build_dir) -> Pathways:
    return Pathways.load(build_dir)


def _cut_between_words(short: str, whole: str) -> bool:
    """Whether ``short`` is ``whole`` or its first whole words ending in "…" (asserted); True when it was cut."""
    whole = " ".join(whole.split())
    if short == whole:
        return False
    kept = _words(short)
    assert short.endswith("…") and kept and kept == _words(whole)[: len(kept)], (short, whole)
    return True


def test_the_grid_cuts_long_headings_between_words(pw):
    grid = grid_html(pw.evidence_map(), {}, None)
    heads = re.findall(r'<th class="gm-(?:col|row)" title="([^"]*)">(?:<div>)?([^<]*)<', grid)
    assert len(heads) == 16 + 16  # every column and row heading, each with its whole label as its title
    cut = [html.unescape(s) for whole, s in heads if _cut_between_words(html.unescape(s), html.unescape(whole))]
    assert cut == ["Businesses sustainable, provide opportunities for local…"]  # was "… local peo…"


def test_the_slide_cuts_long_labels_between_words(pw):
    m = pw.evidence_map()
    for size in ((1920, 1080), (1280, 720), (960, 540)):  # smaller slides: fewer characters a line
        svg = to_svg(m, size=size)
        labels = re.findall(r'<text class="(col|row)"[^>]*><title>([^<]*)</title>(.*?)</text>', svg)
        assert len(labels) == len(m.columns) + len(m.rows)
        cut = 0
        for _, whole, drawn in labels:
            lines = [html.unescape(t) for t in re.findall(r">([^<]*)</tspan>", drawn)] or [html.unescape(drawn)]
            if lines[-1].endswith("…"):
                cut += _cut_between_words(" ".join(lines), html.unescape(whole))
            else:  # nothing left out without its "…"
                assert _words(" ".join(lines)) == _words(html.unescape(whole)), (lines, whole)
        assert cut >= {(1920, 1080): 0, (1280, 720): 11, (960, 540): 13}[size], (size, cut)


def test_evidence_cuts_quotes_and_reasons_between_words(pw):
    fa = pw.fragility()
    cut = 0
    for (a, b), ev in pw.evidence().items():
        link = pw.finder.link(a, b)
        pairs = [(ev.quote, link.evidence_quote or link.evidence)] if ev.quote else []
        if ev.level == "curated":
            pairs.append((re.search(r"\u201c(.*)\u201d\)", ev.why).group(1), link.reason))
        ends = {c.case: c for c in fa.cases.get(a, ())}, {c.case: c for c in fa.cases.get(b, ())}
        for s in ev.cases:
            pairs += [
                (s.source_quote, ends[0][s.case].evidence_quote or ends[0][s.case].evidence),
                (s.target_quote, ends[1][s.case].evidence_quote or ends[1][s.case].evidence),
            ]
        for short, whole in pairs:
            cut += _cut_between_words(short, whole)
            assert len(short) <= (300 if short == ev.quote else 160)
    assert cut >= 6  # the curator's reason ("… that f…" before) and five case sentences are cut
