"""Clicking an arrow of the Pathways picture, as a commissioner checking the evidence on each arrow, in a real
headless Chromium at 1400 × 1000: the box under the picture gives the arrow's reason once.

The curated arrow Create a referral network → Community of practice read 'Added by curation example: The
short-term outcome … Evidence: added by curation example with a reason (“The short-term outcome …”)': the same
sentence twice, the second cut off.
"""

from __future__ import annotations

import pytest

from tests.test_browser import page, server, settle, shared_store  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser
CY_FRAME = "iframe[title='st_cytoscape.st_cytoscape']"
ARROW = "process/create-a-referral-network->outcome/community-of-practice-around-social-purpose-business-support"
MIDPOINT = """(id) => { for (const d of document.querySelectorAll('div')) {
  if (d._cyreg && d._cyreg.cy) { const p = d._cyreg.cy.getElementById(id).renderedMidpoint();
    const r = d.getBoundingClientRect(); return [r.x + p.x, r.y + p.y]; } } return null; }"""


def test_an_arrows_reason_is_said_once(page, server):  # noqa: F811
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{server}/?page=pathways&from=input/resources&to=impact/prosperity", wait_until="domcontentloaded")
    settle(page)
    frame = page.wait_for_selector(CY_FRAME, timeout=90_000)
    frame.content_frame().wait_for_selector("canvas", timeout=90_000)
    frame.scroll_into_view_if_needed()  # a click lands only inside the viewport
    page.wait_for_timeout(800)
    x, y = frame.content_frame().evaluate(MIDPOINT, ARROW)
    box = frame.bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_selector("[data-testid='stAlert']", timeout=60_000)
    settle(page)
    said = page.locator("[data-testid='stAlert']").first.inner_text()
    assert "Create a referral network → Community of practice around social purpose business support" in said
    assert said.count("The short-term outcome is a community of practice") == 1, said
