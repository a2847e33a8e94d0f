"""What a person sees first at 1400 × 1000 in a real headless Chromium: the pathway and its picture on the first
screen, and the Assumptions diagram's text at a readable size. Screenshots land in tests/artifacts/."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_browser_history import page, server, settle  # noqa: F401 - fixtures

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
pytestmark = pytest.mark.browser
CY_FRAME = "iframe[title='st_cytoscape.st_cytoscape']"
COMMISSIONING = "assumption/process-commissioning-with-a-collective-mindset-rather-than"
TOP = "e => { const r = e.getBoundingClientRect(); return {top: r.top + scrollY, bottom: r.bottom + scrollY}; }"
FONTS = """() => { const svg = document.querySelector("[data-testid='stGraphVizChart'] svg");
  const scale = svg.getScreenCTM().a;  // the page fits the drawing to its width
  return [...svg.querySelectorAll('text')].map(t => parseFloat(getComputedStyle(t).fontSize) * scale); }"""


def test_the_path_and_its_picture_are_on_the_first_screen(page, server):  # noqa: F811
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{server}/?page=pathways&from=input/local-intelligence&to=impact/prosperity&path=3",
              wait_until="domcontentloaded")
    settle(page)
    frame = page.wait_for_selector(CY_FRAME, timeout=120_000)
    frame.content_frame().wait_for_selector("canvas", timeout=120_000)
    settle(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "pathways-first-screen.png"))
    chosen = page.get_by_role("combobox", name="Highlighted path")
    assert chosen.input_value().startswith("4. Local intelligence")
    assert chosen.evaluate(TOP)["bottom"] < 500
    picture = frame.evaluate(TOP)
    assert picture["top"] < 600, picture  # was ~850 px: below the fold
    assert page.evaluate("scrollY") == 0


def test_the_assumptions_diagram_text_is_readable_at_1400px(page, server):  # noqa: F811
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{server}/?page=assumptions&node={COMMISSIONING}", wait_until="domcontentloaded")
    settle(page)
    page.wait_for_selector("[data-testid='stGraphVizChart'] svg text", timeout=120_000)
    settle(page)
    sizes = page.evaluate(FONTS)
    assert len(sizes) > 20 and min(sizes) >= 11, (len(sizes), min(sizes))  # was ~7 px
    chart = page.locator("[data-testid='stGraphVizChart']")
    chart.scroll_into_view_if_needed()
    chart.screenshot(path=str(ARTIFACTS / "assumptions-diagram.png"))
    words = page.evaluate("() => [...document.querySelectorAll(\"[data-testid='stGraphVizChart'] svg text\")]"
                          ".map(t => t.textContent)")
    assert "Communication" in words  # a word never split over two lines ("Communicatio" / "n")
