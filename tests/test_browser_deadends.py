"""What a person saw in a real headless Chromium at 1400 × 1000 that read wrongly (a word said twice, a code), each
failing before its fix. Screenshots land in tests/artifacts/."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote_plus

import pytest

from tests.test_browser_history import page, server, settle  # noqa: F401 - fixtures

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
pytestmark = pytest.mark.browser


def test_the_answer_cards_heading_names_a_purpose_once(page, server):  # noqa: F811
    """The card for the model's purpose was headed "Purpose Purpose · Vision and purpose"."""
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{server}/?q={quote_plus('what is the purpose')}", wait_until="domcontentloaded")
    settle(page)
    heading = page.locator("[data-testid='stMain'] h3").first
    heading.wait_for(timeout=120_000)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "ask-purpose-card.png"))
    words = " ".join(heading.inner_text().split())
    assert words.startswith("Purpose"), words  # the card answers with the purpose
    assert not re.search(r"\bPurpose\W+Purpose\b", words), words
    assert "Vision and purpose" in words, words  # its stage still said
