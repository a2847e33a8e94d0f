"""The Evidence map page through Streamlit's AppTest on the session build: the grid is the library's map,
a cell in the URL opens its case studies with their sentences, a gap its routes, filters live in the URL."""

from __future__ import annotations

import re

import pytest
from rdflib import Graph

from graph.analysis.pathways import Pathways
from graph.ns import ID
from tests.test_app import app_env, run, text_of  # noqa: F401 - app_env: the app reads the session build
from tests.test_gapmap import GRAPH
from ui.gapmap import grid_html

RESOURCES, GB = "input/resources", "outcome/good-business"
CELL = re.compile(r'<td class="gm-cell[^"]*" data-row="([^"]+)" data-col="([^"]+)" data-count="(\d+)" '
                  r'data-level="(\w+)">')
GAP = re.compile(r'<td class="gm-gap[^"]*" data-row="([^"]+)" data-col="([^"]+)" data-count="0" '
                 r'data-routes="(\d+)"')


@pytest.fixture(scope="module")
def seed(build_dir) -> Pathways:
    return Pathways.load(build_dir)


def _grid(at) -> str:
    return next(m.value for m in at.markdown if 'data-testid="gapmap-grid"' in m.value)


def test_grid_is_the_librarys_map(seed):
    m = seed.evidence_map()
    at = run(page="gapmap")
    grid = _grid(at)
    assert sorted(CELL.findall(grid)) == sorted((c.row, c.column, str(c.count), c.level) for c in m.cells)
    assert sorted(GAP.findall(grid)) == sorted((g.row, g.column, str(g.routes)) for g in m.gaps)
    body = text_of(at).replace("\\", "")
    assert "7 of 7 case studies. 8 of 256 cells hold a case study; 248 are gaps, 238 of them on a route" in body
    assert [e.value for e in at.error] == []
    assert [b.proto.label for b in at.get("download_button")] == ["Slide (SVG)", "Slide (PNG)", "Table (CSV)"]


def test_a_cell_in_the_url_opens_its_case_studies_with_their_sentences(seed):
    at = run(page="gapmap", row=RESOURCES, col=GB)
    body = text_of(at).replace("\\", "")
    assert "Resources × 'Good business'" in body
    assert "**2 case studies** illustrate both (shown by a case study)." in body
    cell = seed.evidence_map().cell(RESOURCES, GB)
    for s in cell.showing:  # each case a same-tab link, its sentence as text
        assert f'{seed.kg.nodes[s.case].label}</a>' in body
        assert s.source_quote.split()[3] in body
    assert 'class="gm-cell gm-sel" data-row="input/resources" data-col="outcome/good-business"' in _grid(at)
    assert (at.query_params["row"], at.query_params["col"]) == (RESOURCES, GB)


def test_a_gap_in_the_url_lists_the_routes_that_cross_it(seed):
    g = seed.evidence_map().gaps[0]
    at = run(page="gapmap", row=g.row, col=g.column)
    body = text_of(at).replace("\\", "")
    assert "**A gap:** no case study illustrates both." in body
    assert f"**{g.routes} route(s)** from a condition or input to an impact pass through both. The best 3:" in body
    first = next(x for x in at.markdown if x.value.startswith("- ") and "strength" in x.value).value
    assert re.findall(r'node=([^"]+)" target', first) == g.pathways[0]["nodes"]


def test_filters_live_in_the_url_and_a_bad_value_is_dropped():
    # Manor House Development Trust: Resources and Practical help x one outcome
    at = run(page="gapmap", place="place/london")
    body = text_of(at).replace("\\", "")
    assert "1 of 7 case studies. 2 of 256 cells hold a case study" in body
    assert at.selectbox(key="gm_place").value == "place/london"
    at.selectbox(key="gm_org").set_value("association").run()  # Royds (Bradford) is no London case: none left
    assert (at.query_params["org"], at.query_params["place"]) == ("association", "place/london")
    assert "No case study passes these filters" in at.warning[0].value
    at = run(page="gapmap", org="no-such-type", since="last May")
    assert at.selectbox(key="gm_org").value == ""  # an unknown type is dropped
    assert [e.value.replace("\\", "") for e in at.error] == [
        "'last May' is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)"]


def test_document_text_in_the_grid_is_text():
    hostile = '<img src=x onerror="alert(1)"> **Input I**'
    pw = Pathways(Graph().parse(data=GRAPH.replace("<ID", f"<{ID}").replace('"Input I"', '"' + hostile.replace(
        '"', '\\"') + '"', 1), format="turtle"))
    grid = grid_html(pw.evidence_map(), {}, None)
    assert "<img" not in grid and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; **Input I**" in grid


def test_a_gap_with_an_arrow_says_no_case_shows_it(seed):
    g = next(g for g in seed.evidence_map().gaps if g.level == "curated")
    at = run(page="gapmap", row=g.row, col=g.column)
    r, c = seed.kg.nodes[g.row].label, seed.kg.nodes[g.column].label
    assert (f"The model draws the arrow {r} → {c} (added by a curator), but no case study shows it."
            in [x.value.replace("\\", "") for x in at.caption])


def test_a_filter_that_keeps_cases_but_fills_no_cell_says_why():
    """Bristol keeps Boost Neighbourhood Finance, which illustrates no row element together with an outcome or
    impact: "1 of 7 case studies. 0 of 256 cells" said nothing of why (found in a browser walk)."""
    at = run(page="gapmap", place="place/bristol")
    body = text_of(at).replace("\\", "")
    assert "1 of 7 case studies. 0 of 256 cells hold a case study" in body
    assert [i.value for i in at.info] == [
        "The case study these filters keep illustrates no condition, input, process or activity together with an "
        "outcome or impact, so no cell holds one: its links are on its page:"]
    # named and linked under it (the map had said so with no name; a browser walk)
    assert any(m.value.startswith('- <a href="?page=node&amp;node=casestudy/boost-neighbourhood-finance"')
               or m.value.startswith('- <a href="?page=node&node=casestudy/boost-neighbourhood-finance"')
               for m in at.markdown), [m.value for m in at.markdown if m.value.startswith("- <a")]
    assert not at.warning
    assert at.selectbox(key="gm_org").format_func("trust") == "Trust"


def test_a_bad_date_drops_only_itself():
    """A date that is no date dropped every filter, the place the person had chosen too, and the link with it
    (found in a browser walk)."""
    at = run(page="gapmap", place="place/halifax", since="notadate")
    assert [e.value.replace("\\", "") for e in at.error] == [
        "'notadate' is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)"]
    assert "1 of 7 case studies." in text_of(at).replace("\\", "")
    assert at.query_params["place"] == "place/halifax" and "since" not in at.query_params


def test_a_date_filter_says_how_many_case_studies_have_a_date_and_a_backward_range_keeps_its_start():
    """'Dated from 2020' left no case study with its reason only in a tooltip (the seed's case studies carry no
    date), and a range from 2025 to 2020 was taken in silence (found in a browser walk)."""
    at = run(page="gapmap", since="2020")
    assert [w.value for w in at.warning] == [
        "No case study passes these filters: every cell is a gap. None of the 7 case studies has a date (their "
        "documents give none), so any date filter leaves them all out."]
    # with no dated case study the date boxes take no date and say so
    assert [(t.disabled, t.placeholder) for t in at.text_input if t.key in ("gm_since", "gm_until")] == [
        (True, "no dates"), (True, "no dates")]
    back = run(page="gapmap", since="2025", until="2020")
    assert [e.value.replace("\\", "") for e in back.error] == ["'dated from' (2025) is after 'dated to' (2020)"]
    assert back.query_params["since"] == "2025" and "until" not in back.query_params


def test_gaps_on_a_route_are_a_table_and_any_gaps_routes_read_in_full(seed):
    """A route is too long for a table cell at 1400 px (a browser walk found it cut): the table gives the gap,
    its routes and the length of its best one; the box under it prints any gap's best routes as linked text."""
    m = seed.evidence_map()
    crossed = [g for g in m.gaps if g.routes]
    at = run(page="gapmap")
    table = at.dataframe[0].value
    assert list(table.columns) == ["row", "column", "routes crossing", "direct arrow", "steps in its best route"]
    assert len(table) == len(crossed) == 238
    first = table.iloc[0].to_dict()
    assert first == {"row": seed.kg.nodes[crossed[0].row].label, "column": seed.kg.nodes[crossed[0].column].label,
                     "routes crossing": crossed[0].routes, "direct arrow": crossed[0].level or "none",
                     "steps in its best route": len(crossed[0].pathways[0]["nodes"]) - 1}
    box = at.selectbox(key="gm_gap_routes")
    assert box.label == "Read a gap's best routes in full"
    assert len(box.options) == 238 and box.value == 0
    third = crossed[2]
    box.set_value(2).run()
    listed = [x.value for x in at.markdown if x.value.startswith("- ") and "strength" in x.value]
    assert [re.findall(r'node=([^"]+)" target', x) for x in listed] == [p["nodes"] for p in third.pathways]
    assert f"**{third.routes} route(s)** from a condition or input to an impact pass through both." in text_of(at)
    # the chosen gap is part of the view: a copied link (or Back from a route's element) opens the box on it
    assert at.query_params["gap"] == f"{third.row}|{third.column}"
    again = run(page="gapmap", gap=f"{third.row}|{third.column}")
    assert again.selectbox(key="gm_gap_routes").value == 2
    assert [e.proto.expanded for e in again.expander if e.label.startswith("Gaps on a route")] == [True]
    assert [e.proto.expanded for e in at.expander if e.label.startswith("Gaps on a route")] == [False]  # as drawn
    box = again.selectbox(key="gm_gap_routes")
    box.set_value(0).run()
    assert "gap" not in again.query_params  # the first gap is the default: left out of the link
