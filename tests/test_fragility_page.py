"""For every impact, the Assumptions page names the assumptions all its routes share and the one whose
failure cuts most routes, each with its source, as ``FragilityAnalysis`` (the CLI's library) computes them."""

from __future__ import annotations

import pytest

from graph.analysis.pathways import Pathways
from graph.stages import section_words
from tests.test_app import app_env, run, text_of  # noqa: F401 - app_env: the app reads the session build


@pytest.fixture(scope="module")
def fa(build_dir):
    return Pathways.load(build_dir).fragility()


def test_every_impact_page_names_what_all_routes_share_and_what_cuts_most_with_sources(fa):
    impacts = [t for t in fa.targets() if t.startswith("impact/")]
    assert len(impacts) == 8
    for t in impacts:
        f = fa.for_target(t, routes=1)
        at = run(page="assumptions", look="fragility", node=t)
        body = text_of(at).replace("\\", "")
        up = [r for r in f.everywhere if not r.own]
        own = [r for r in f.everywhere if r.own]
        assert f"Upstream: if any of these failed, no route would be left ({len(up)})" in body, t
        assert f"Its own assumptions and foundations ({len(own)})" in body, t
        for r in f.everywhere:
            assert f">{r.node['label']}</a>" in body, (t, r.node["id"])
        top = f.most_cutting[0]
        src = top.sources[0]
        if len(f.most_cutting) == 1:
            assert (f"Most cutting upstream: **{top.node['label']}** ({src['document']}, "
                    f"{section_words(src['section'])}): {f.target['label']} would lose **{top.lost} of its {f.total} "
                    "routes**") in body, t
        else:  # several tie: all named, each with its stage, none singled out
            head = (f"**all {len(f.most_cutting)} cut every route** to {f.target['label']}" if top.lost == f.total
                    else f"**{len(f.most_cutting)} tie**, each cutting {top.lost} of the {f.total} routes")
            assert f"Most cutting upstream: {head}" in body, t
            for r in f.most_cutting if top.lost < f.total else []:  # all cutting every route: listed above
                assert f"**{r.node['label']}** ({r.node['stage_label']})" in body, (t, r.node["id"])
        table = at.dataframe[0].value  # the steps above it are a table that wraps (st.table)
        assert len(table) == len(f.rows)
        for r, source in zip(f.rows, table["source"], strict=True):
            words = [", ".join(w for w in (s["document"], section_words(s["section"])) if w) for s in r.sources]
            assert source == "; ".join(words), t
            assert source and not any(s["section"].isupper() and s["section"] in source for s in r.sources), t
