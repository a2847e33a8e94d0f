"""Evidence strength on the Pathways picture as a person sees it at 1400 px, in a real headless Chromium.

Opens the third pathway from Resources to 'Good business' (its last two arrows shown by case studies, the
three before them inferred), checks the key above the picture lists the four levels, reads
what cytoscape.js actually draws (each arrow's level style, each path arrow's badge, inside the canvas
and at a readable size), finds the "shown" badge's blue in the pixels, clicks that arrow and reads its
evidence, and writes tests/artifacts/pathways-evidence.png.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image

from graph.analysis.pathways import Pathways
from tests.test_browser import ARTIFACTS, page, server, settle, shared_store  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser
CY_FRAME = "iframe[title='st_cytoscape.st_cytoscape']"
START, END = "input/resources", "outcome/good-business"
# the first shown arrow on that pathway: Cleobury Country Ltd ("a hub for a wide range of local knowledge and
# information [that] runs services for local businesses and citizens") illustrates both its ends
LSO = "outcome/local-support-organisations-become-sustainable-connected"
BUSINESSES = "outcome/businesses-sustainable-provide-opportunities-for-local-people"
# and its last: the network of anchor organisations' worked example ("1400 jobs and £120m GVA to the local
# economy") illustrates both Businesses sustainable and 'Good business'
# a route strong at every step: its one arrow is shown (Boost Neighbourhood Finance illustrates both ends)
EQUITABLE, VARIETY = "process/equitable-access-to-resources", "activity/variety-of-support"
URL = f"/?page=pathways&mode=between&from={START}&to={END}&k=3&path=2"
SHOWN_BLUE = (0x15, 0x65, 0xC0)
DRAWN = """() => {
  const cy = document.querySelector('div')._cyreg.cy;
  const box = b => ({x1: b.x1, x2: b.x2, y1: b.y1, y2: b.y2});
  return {
    zoom: cy.zoom(), width: cy.width(), height: cy.height(),
    edges: cy.edges().map(e => ({id: e.id(), path: e.hasClass('path'), colour: e.style('line-color'),
                                 style: e.style('line-style'), dash: e.style('line-dash-pattern')})),
    badges: cy.nodes('.badge').map(n => ({id: n.id(), label: n.style('label'), visible: n.visible(),
                                          opacity: Number(n.style('opacity')), font: parseFloat(n.style('font-size')),
                                          box: box(n.renderedBoundingBox({includeLabels: true}))})),
    shown: (() => { const e = cy.$id('SHOWN_EDGE'); const s = e.renderedSourceEndpoint(),
                    t = e.renderedTargetEndpoint(); return {sx: s.x, sy: s.y, tx: t.x, ty: t.y}; })(),
  };
}""".replace("SHOWN_EDGE", f"{LSO}->{BUSINESSES}")


@pytest.fixture(scope="module")
def expected(build_dir):
    pw = Pathways.load(build_dir)
    path = pw.paths(START, END, k=3).paths[2]
    levels = {edge: ev.level for edge, ev in pw.evidence().items()}
    return path, levels


def test_pathways_picture_shows_the_key_and_a_badge_on_every_path_arrow(page, server, expected):  # noqa: F811
    path, levels = expected
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(server + URL, wait_until="domcontentloaded")
    settle(page)
    frame_el = page.wait_for_selector(CY_FRAME, timeout=90_000)
    frame = frame_el.content_frame()
    frame.wait_for_selector("canvas", timeout=90_000)
    legend = page.locator(".ep-legend")
    legend.evaluate("e => e.scrollIntoView({block: 'start'})")  # the key at the top, the picture below it
    page.wait_for_timeout(1200)  # the canvas is laid out and fitted

    # the key: one sample per level, strongest first, then the chosen path; all on screen at 1400 px
    assert legend.is_visible()
    items = page.locator(".ep-legend-item")
    assert [items.nth(i).get_attribute("data-level") for i in range(items.count())] == [
        "stated", "shown", "curated", "inferred", "path"]
    assert [items.nth(i).inner_text() for i in range(items.count())] == [
        "stated in a document", "shown by a case study", "curated: added by a curator", "inferred by similarity",
        "the chosen path (its arrows name their level)"]
    for i in range(items.count()):
        b = items.nth(i).bounding_box()
        assert b and b["x"] >= 0 and b["x"] + b["width"] <= 1400 and b["height"] >= 14

    drawn = frame.evaluate(DRAWN)
    # every arrow drawn in its level's colour and dash, as the key shows it
    style = {"stated": ("rgb(31,111,63)", "solid"), "shown": ("rgb(21,101,192)", "dashed"),
             "curated": ("rgb(122,61,184)", "dashed"), "inferred": ("rgb(138,138,138)", "dashed")}
    assert len(drawn["edges"]) == len(levels)
    for e in drawn["edges"]:
        a, b = e["id"].split("->")
        assert (e["colour"], e["style"]) == style[levels[(a, b)]], e
    assert sorted(e["id"] for e in drawn["edges"] if e["path"]) == sorted(
        f"{lk.source}->{lk.target}" for lk in path.links)
    # a badge per path arrow, naming its level, visible inside the canvas at a readable size
    badges = {b["id"].removeprefix("badge:"): b for b in drawn["badges"]}
    assert {k: b["label"] for k, b in badges.items()} == {
        f"{lk.source}->{lk.target}": levels[(lk.source, lk.target)] for lk in path.links}
    assert badges[f"{LSO}->{BUSINESSES}"]["label"] == badges[f"{BUSINESSES}->{END}"]["label"] == "shown"
    assert sorted(b["label"] for b in badges.values()) == ["inferred"] * 3 + ["shown"] * 2
    for b in badges.values():
        box = b["box"]
        assert b["visible"] and b["opacity"] == 1
        assert box["x1"] >= 0 and box["x2"] <= drawn["width"] and box["y1"] >= 0 and box["y2"] <= drawn["height"]
        assert b["font"] * drawn["zoom"] >= 10.5, "a badge must stay readable at 1400 px"

    # the pixels: the "shown" badge's blue edge is on screen where cytoscape says the badge is
    fb = frame_el.bounding_box()
    box = badges[f"{LSO}->{BUSINESSES}"]["box"]
    png = page.screenshot(clip={"x": fb["x"] + box["x1"] - 2, "y": fb["y"] + box["y1"] - 2,
                                "width": box["x2"] - box["x1"] + 4, "height": box["y2"] - box["y1"] + 4})
    img = Image.open(io.BytesIO(png)).convert("RGB")
    pixels = [img.getpixel((x, y)) for y in range(img.height) for x in range(img.width)]
    blue = sum(all(abs(c - s) < 40 for c, s in zip(px, SHOWN_BLUE, strict=True)) for px in pixels)
    white = sum(px == (255, 255, 255) for px in pixels)
    assert blue >= 20 and white >= len(pixels) // 4, (blue, white, len(pixels))
    page.screenshot(path=str(ARTIFACTS / "pathways-evidence.png"))

    # clicking the arrow (a quarter of the way along, clear of its badge) says what its evidence is
    s = drawn["shown"]
    page.mouse.click(fb["x"] + s["sx"] + (s["tx"] - s["sx"]) * 0.25, fb["y"] + s["sy"] + (s["ty"] - s["sy"]) * 0.25)
    page.wait_for_selector("text=Cleobury Country Ltd", timeout=60_000)
    settle(page)
    info = page.locator("[data-testid='stAlertContentInfo']").first.inner_text()
    assert info.startswith("shown by a case")
    assert ("Local support organisations become sustainable/connected → Businesses sustainable, provide "
            "opportunities for local people: shown by a case study, strength 0.66") in info
    assert "1 case study illustrates both ends (Cleobury Country Ltd)" in info


def test_only_stated_or_shown_leaves_only_those_arrows_in_the_picture(page, server, expected):  # noqa: F811
    _, levels = expected
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{server}/?page=pathways&mode=between&from={EQUITABLE}&to={VARIETY}&strong=1",
              wait_until="domcontentloaded")
    settle(page)
    frame = page.wait_for_selector(CY_FRAME, timeout=90_000).content_frame()
    frame.wait_for_selector("canvas", timeout=90_000)
    page.locator(".ep-legend").evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(1200)
    items = page.locator(".ep-legend-item")  # the key lists only the levels left in the picture
    assert [items.nth(i).get_attribute("data-level") for i in range(items.count())] == ["stated", "shown", "path"]
    drawn = frame.evaluate(DRAWN)
    assert sorted(e["id"] for e in drawn["edges"]) == sorted(
        f"{a}->{b}" for (a, b), lv in levels.items() if lv in ("stated", "shown"))
    assert [b["label"] for b in drawn["badges"]] == ["shown"]
    page.screenshot(path=str(ARTIFACTS / "pathways-evidence-strong.png"))
