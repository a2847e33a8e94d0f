"""The Evidence map as a person uses it at 1400 px, in a real headless Chromium on a real Streamlit server.

Opens the map, checks the grid is the library's (every cell with its count, every gap) and fits the page,
clicks the cell Resources × 'Good business' and reads its two case studies with their sentences right under
the map, on the screen the click opens (before the downloads), in the same tab, with the cell in the address
bar; a copied link reopens it. Writes
tests/artifacts/gapmap.png.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from graph.analysis.pathways import Pathways
from tests.test_browser import ARTIFACTS, page, server, settle, shared_store  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser
GRID = "[data-testid='gapmap-grid']"
RESOURCES, GB = "input/resources", "outcome/good-business"


@pytest.fixture(scope="module")
def expected(build_dir):
    return Pathways.load(build_dir).evidence_map()


def test_click_a_cell_and_see_its_case_studies(page, server, expected):  # noqa: F811
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{server}/?page=gapmap", wait_until="domcontentloaded")
    settle(page)
    grid = page.wait_for_selector(GRID, timeout=90_000)
    drawn = page.eval_on_selector_all(f"{GRID} td.gm-cell", "els => els.map(e => [e.dataset.row, e.dataset.col, "
                                      "Number(e.dataset.count), e.dataset.level, e.innerText.trim()])")
    assert sorted(drawn) == sorted([c.row, c.column, c.count, c.level, str(c.count)] for c in expected.cells)
    assert page.locator(f"{GRID} td.gm-gap").count() == len(expected.gaps) == 248
    box, main = grid.bounding_box(), page.locator("[data-testid='stMain']").bounding_box()
    assert box["x"] >= main["x"] and box["x"] + box["width"] <= main["x"] + main["width"], (box, main)

    pages_before = len(page.context.pages)
    cell = page.locator(f"{GRID} td[data-row='{RESOURCES}'][data-col='{GB}'] a")
    cell.scroll_into_view_if_needed()
    cell.click()
    page.wait_for_selector("text=Resources × 'Good business'", timeout=90_000)
    settle(page)
    assert len(page.context.pages) == pages_before  # the same tab
    # the details open where the user is looking: the page opens at them (the link's #cell), under the grid and
    # before the downloads, not ~1,300 px below the top the reload jumps to
    heading = page.locator("[data-testid='stMain'] h3:has-text(\"Resources × 'Good business'\")")
    page.wait_for_function("() => { const h = document.getElementById('cell');"
                           " const r = h && h.getBoundingClientRect(); return r && r.top >= 0 && r.bottom <= 1000; }",
                           timeout=20_000)
    # under load the page may still be drawing: the downloads take their place under the details within seconds
    page.wait_for_function("""() => { const h = document.getElementById('cell'); if (!h) return false;
        const t = h.getBoundingClientRect().top;
        const b = [...document.querySelectorAll('button')].filter(e => e.innerText.trim() === 'Slide (SVG)'
            && e.getBoundingClientRect().height > 0);
        return b.length > 0 && b.every(e => e.getBoundingClientRect().top > t); }""", timeout=30_000)
    top = heading.bounding_box()["y"]
    assert 0 <= top < 1000 - 100, top  # on the first screen, with room for what follows
    downloads = page.get_by_role("button", name="Slide (SVG)")  # drawn ones (a replaced copy has no box)
    boxes = [b for b in (downloads.nth(i).bounding_box() for i in range(downloads.count())) if b]
    assert boxes and all(top < b["y"] for b in boxes), (top, boxes)
    assert top > page.locator(GRID).bounding_box()["y"]  # under the grid (as drawn after the reload)
    page.screenshot(path=str(ARTIFACTS / "gapmap-after-click.png"))
    assert f"row={RESOURCES}" in page.url and f"col={GB}" in page.url
    body = page.inner_text("[data-testid='stMain']")
    details = body.split("Resources × 'Good business'", 1)[1]
    assert "2 case studies illustrate both (shown by a case study)." in details
    for s, (_, title) in zip(expected.cell(RESOURCES, GB).showing, expected.cell(RESOURCES, GB).cases, strict=True):
        assert title in details and s.source_quote in " ".join(details.split()), title  # its sentence, as text
    # Halifax Opportunities Trust and Network of diverse… (its '1400 jobs' sentence), in the order of their names
    assert details.index("Halifax Opportunities Trust") < details.index("Network of diverse, responsible businesses")
    sel = page.locator(f"{GRID} td.gm-sel")
    assert (sel.get_attribute("data-row"), sel.get_attribute("data-col")) == (RESOURCES, GB)
    page.locator("text=Resources × 'Good business'").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "gapmap-cell.png"))
    page.locator(GRID).scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "gapmap.png"))

    page.goto(page.url, wait_until="domcontentloaded")  # a copied link reopens the same cell
    page.wait_for_selector("text=Resources × 'Good business'", timeout=90_000)
    settle(page)
    assert "Network of diverse, responsible businesses" in page.inner_text("[data-testid='stMain']")

    # having opened at the cell once, the page stays where the user is when a filter changes (the fragment is gone)
    main = page.locator("[data-testid='stMain']")
    main.evaluate("e => e.scrollTop = 0")
    # (the organisation type: the seed's case studies carry no date, so the date boxes take none)
    assert page.get_by_placeholder("no dates").first.is_disabled()
    page.locator("[data-testid='stSelectbox']").filter(has_text="Organisation type").click()
    page.get_by_role("option", name="Trust", exact=True).click()
    page.wait_for_function("() => location.search.includes('org=trust')", timeout=60_000)
    settle(page)
    assert main.evaluate("e => e.scrollTop") == 0
    assert "#" not in page.url and parse_qs(urlparse(page.url).query)["row"] == [RESOURCES]  # still chosen


def test_back_from_a_case_study_returns_to_the_cells_details(page, server, expected):  # noqa: F811
    """A person opens a cell, clicks one of its case studies (its page, same tab) and presses Back: the map loads
    afresh, and opened at its top, the details they were reading ~1,300 px below (found in a browser walk)."""
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{server}/?page=gapmap&row={RESOURCES}&col={GB}#cell", wait_until="domcontentloaded")
    page.wait_for_selector("text=Resources × 'Good business'", timeout=90_000)
    settle(page)
    case = expected.cell(RESOURCES, GB).cases[0][0]
    _open_and_come_back(page, page.locator(f"[data-testid='stMain'] a[href*='node={case}']").first, case,
                        "Resources × 'Good business'", "cell")
    assert f"row={RESOURCES}" in page.url and "#" not in page.url


def test_back_from_a_gaps_route_returns_to_the_gap_box(page, server, expected):  # noqa: F811
    """A person opens "Gaps on a route", picks a gap, follows an element of its best route and presses Back: the
    map opened at its top with the box closed and the choice gone (found in a browser walk). The chosen gap is in
    the link now, the box opens on it, and a load by Back scrolls to it."""
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{server}/?page=gapmap", wait_until="domcontentloaded")
    settle(page)
    page.get_by_text("Gaps on a route, most routes first").click()
    box = page.locator("[data-testid='stSelectbox']").filter(has_text="Read a gap's best routes in full")
    box.scroll_into_view_if_needed()
    box.click()
    third = [g for g in expected.gaps if g.routes][2]
    page.keyboard.type(f"{expected.label(third.row)} × {expected.label(third.column)} ({third.routes} routes)")
    page.keyboard.press("Enter")
    page.wait_for_function("() => location.search.includes('gap=')", timeout=60_000)
    settle(page)
    first = third.pathways[0]["nodes"][1]
    _open_and_come_back(page, page.locator(f"[data-testid='stMain'] a[href*='node={first}']").last, first,
                        "Read a gap's best routes in full", "gm-gap-routes")
    shown = box.inner_text() + " " + " ".join(i.input_value() for i in box.locator("input").all())
    assert expected.label(third.row) in shown and f"({third.routes} routes)" in shown, shown


def _open_and_come_back(pg, link, node: str, back_text: str, anchor: str) -> None:
    """Click ``link`` (a node's page, same tab), press Back, and wait until element ``anchor`` is on screen."""
    link.scroll_into_view_if_needed()
    link.click()
    pg.wait_for_url(f"**node={node}**", timeout=60_000)
    settle(pg)
    pg.go_back()
    pg.wait_for_selector(f"text={back_text}", timeout=90_000)
    settle(pg)
    pg.wait_for_function(f"""() => {{ const h = document.getElementById('{anchor}');
        const r = h && h.getBoundingClientRect(); return r && r.top >= 0 && r.bottom <= 1000; }}""", timeout=20_000)
