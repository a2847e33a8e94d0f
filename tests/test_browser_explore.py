"""The explorable picture and the downloads as a person uses them, in a real headless Chromium.

Clicks an element of the landing page's whole-model map, sees it focused (the rest faded, the page
says which), opens its page in the same tab; on Pathways, downloads the picture as SVG and checks
what arrived. Screenshots at 1400 px wide land in tests/artifacts/.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from graph.analysis import explore
from graph.analysis.pathways import Pathways
from tests.test_browser import ARTIFACTS, page, server, settle, shared_store  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser
CY_FRAME = "iframe[title='st_cytoscape.st_cytoscape']"
CAPACITY = "input/capacity-support"


def _map(pg):
    frame = pg.wait_for_selector(CY_FRAME, timeout=90_000)
    frame.content_frame().wait_for_selector("canvas", timeout=90_000)
    frame.scroll_into_view_if_needed()  # a click lands only inside the viewport
    pg.wait_for_timeout(800)  # the canvas is laid out and fitted
    return frame


@pytest.fixture(scope="module")
def layout_(build_dir):
    pw = Pathways.load(build_dir)
    return explore.elements(explore.visible(pw.finder.g, explore.Filters()))[1]


def test_clicking_an_element_focuses_it_and_opens_its_page_in_the_same_tab(page, server, layout_):  # noqa: F811
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{server}/?page=ask", wait_until="domcontentloaded")
    settle(page)
    frame = _map(page)
    x, y = explore.screen_point(layout_, CAPACITY, frame.bounding_box())
    page.mouse.click(x, y)
    page.wait_for_selector("text=Focused on", timeout=60_000)
    settle(page)
    main = page.inner_text("[data-testid='stMain']")
    assert "Focused on Capacity support (Input)" in main
    # the picture is redrawn focused, not lost: the line inserted above it once made a new frame Streamlit never
    # registered, 0 px high (found in a browser walk)
    page.wait_for_timeout(1500)
    assert page.query_selector(CY_FRAME).bounding_box()["height"] > 500
    page.screenshot(path=str(ARTIFACTS / "explore-focus.png"), full_page=True)
    link = page.get_by_role("link", name="Open its page")
    assert link.get_attribute("target") == "_self"
    pages_before = len(page.context.pages)
    link.click()
    page.wait_for_url(f"**/?page=node&node={CAPACITY}", timeout=60_000)
    settle(page)
    assert len(page.context.pages) == pages_before  # the same tab, not a new one
    page.wait_for_selector("text=Capacity support")
    assert "Sources" in page.inner_text("[data-testid='stMain']")


def test_clicking_a_box_low_in_the_picture_brings_the_focus_line_into_view(page, server, layout_):  # noqa: F811
    """A browser walk clicked a box at the foot of the map and found 'Open its page' above the screen: after the
    click the page scrolls the least that shows the focus line, and the link is on screen."""
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{server}/?page=ask", wait_until="domcontentloaded")
    settle(page)
    frame = _map(page)
    low = max(layout_.nodes.values(), key=lambda n: n.cy).id
    page.evaluate("""([sel]) => { const f = document.querySelector(sel); f.scrollIntoView({block: "start"});
        document.querySelector("[data-testid=stMain]").scrollBy(0, 250); }""", [CY_FRAME])  # read on down the page
    page.wait_for_timeout(800)
    x, y = explore.screen_point(layout_, low, frame.bounding_box())
    assert 0 < y < 1000
    top_before = frame.bounding_box()["y"]
    assert top_before < 0, "the picture's top (and the line above it) must start above the screen for this test"
    page.mouse.click(x, y)
    page.wait_for_selector("text=Focused on", timeout=60_000)
    link = page.get_by_role("link", name="Open its page")
    page.wait_for_function("""() => { const a = [...document.querySelectorAll('a')].find(
        e => e.textContent === 'Open its page'); if (!a) return false; const r = a.getBoundingClientRect();
        return r.top >= 60 && r.bottom <= window.innerHeight; }""", timeout=30_000)
    box = link.bounding_box()
    assert box["y"] >= 60 and box["y"] + box["height"] <= 1000  # clear of the top edge (it had sat at 2 px)
    # the line at the top and the focused picture whole under it (the page had jumped to its top on the click,
    # the picture below the screen)
    page.wait_for_timeout(1500)
    pic = page.query_selector(CY_FRAME).bounding_box()
    assert pic["height"] > 500 and box["y"] < pic["y"] and pic["y"] + pic["height"] <= 1000
    page.screenshot(path=str(ARTIFACTS / "explore-focus-low.png"))


def test_the_wheel_over_the_picture_scrolls_the_page_and_leaves_the_picture_as_drawn(page, server):  # noqa: F811
    """A person scrolling down the landing page with the pointer over the whole-model map: the page scrolls and the
    map keeps its size (it was zoomed with the wheel, st-cytoscape setting no bounds, to a blank frame)."""
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{server}/?page=ask", wait_until="domcontentloaded")
    settle(page)
    frame = _map(page)
    cy = frame.content_frame()
    zoom = "() => document.querySelector('div')._cyreg.cy.zoom()"
    before = cy.evaluate(zoom)
    box = frame.bounding_box()
    top = box["y"]
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + min(box["height"], 1000 - box["y"]) / 2)
    for _ in range(3):
        page.mouse.wheel(0, 300)
        page.wait_for_timeout(300)
    assert cy.evaluate(zoom) == before
    assert frame.bounding_box()["y"] < top - 100, "the page did not scroll"  # to its end, the map near it


def test_pathway_picture_downloads_as_a_slide_sized_svg(page, server):  # noqa: F811
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{server}/?page=pathways&mode=between&from=process/create-a-referral-network&to=impact/prosperity",
              wait_until="domcontentloaded")
    settle(page)
    _map(page)
    page.wait_for_selector("text=Strength", timeout=60_000)
    page.screenshot(path=str(ARTIFACTS / "pathways-explore.png"), full_page=True)
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="Picture (SVG)").click()
    d = info.value
    assert d.suggested_filename.endswith(".svg")
    with open(d.path(), encoding="utf-8") as f:
        root = ET.fromstring(f.read())
    assert (root.get("width"), root.get("height")) == ("1920", "1080")
    texts = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert "Create a referral" in texts and "Prosperity" in texts
    tips = [t.text for t in root.iter("{http://www.w3.org/2000/svg}title") if t.text and " → " in t.text]
    bases = [next((b for b in ("inferred", "textual", "curated") if b in t), "") for t in tips]
    assert tips and "" not in bases  # every arrow's tooltip names the basis it was made on


def test_back_steps_through_the_focus_clicked_on_the_map_and_clear_focus_clears_it(page, server, layout_):  # noqa: F811
    """A browser walk clicked two elements of the map and pressed Back: the page kept the second focus (the
    picture's component still held the last click and set it again) and the next Back left the page. Each Back
    now steps to the focus before; "Clear focus" leaves none."""
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{server}/?page=ask", wait_until="domcontentloaded")
    settle(page)

    def click(node_id: str, label: str) -> None:
        frame = _map(page)
        x, y = explore.screen_point(layout_, node_id, frame.bounding_box())
        page.mouse.click(x, y)
        page.wait_for_selector(f"text=Focused on {label}", timeout=60_000)
        settle(page)

    def focus_line() -> str:
        page.wait_for_timeout(1500)
        settle(page)
        main = page.inner_text("[data-testid='stMain']")
        return next((line for line in main.splitlines() if line.startswith("Focused on")), "")

    click(CAPACITY, "Capacity support")
    click("input/resources", "Resources")
    page.go_back()
    page.wait_for_function("() => location.search.includes('focus=input%2Fcapacity-support')", timeout=30_000)
    assert focus_line().startswith("Focused on Capacity support (Input)")
    assert "focus=input%2Fcapacity-support" in page.evaluate("location.search")  # not written back to Resources
    page.go_back()
    page.wait_for_function("() => !location.search.includes('focus=')", timeout=30_000)
    assert focus_line() == "" and "page=ask" in page.evaluate("location.search")  # still on Ask, no focus
    click("input/resources", "Resources")  # a click after Back focuses again
    page.get_by_role("button", name="Clear focus").click()
    page.wait_for_function("() => !location.search.includes('focus=')", timeout=30_000)
    assert focus_line() == ""
