"""Web pages: the document's own text is read, the site's furniture (menus, cookie notices, banners,
footers, link lists) is not, on a saved page with all of them (tests/fixtures/page_with_furniture.html)."""

from __future__ import annotations

from pathlib import Path

from ingest.readers import html_to_text, read_document

PAGE = Path(__file__).parent / "fixtures" / "page_with_furniture.html"

CONTENT = """# Community anchors and local enterprise

Published 4 April 2024

Community anchor organisations are rooted in their neighbourhoods and already have the trust of local people. \
They are well placed to spot residents who want to start an enterprise and to offer them a first conversation.

## What the anchors did

Each anchor trained two members of staff in coaching skills and set up a monthly peer-support circle for new \
founders, with a small grant fund that anyone living in the area could apply for.

- Twelve new community businesses were registered in the first year.

- Most founders said the first conversation with a trusted local organisation was what got them started.

Read the full evaluation report for the figures behind these findings.

This case study was written with the anchors who took part.
"""


def test_saved_page_keeps_the_article_and_drops_the_furniture():
    assert html_to_text(PAGE.read_text(encoding="utf-8")) == CONTENT


def test_furniture_never_reaches_the_document():
    doc = read_document(PAGE)
    for furniture in ("cookies", "Skip to main content", "About us", "Privacy policy", "click HERE",
                      "Related stories", "registered charity", "Go to top", "Home > Resources"):
        assert furniture not in doc.text, furniture
    assert doc.title == "Community anchors and local enterprise"


def test_a_page_without_landmarks_keeps_its_text_and_a_link_in_a_sentence():
    html = ("<body><h1>Peer support</h1><p>Founders meet monthly; see <a href='/x'>the guide</a> for how "
            "circles run.</p><ul><li><a href='/a'>Menu one</a></li><li><a href='/b'>Menu two</a></li></ul></body>")
    assert html_to_text(html) == ("# Peer support\n\nFounders meet monthly; see the guide for how circles run.\n")


def test_tags_left_open_close_at_their_parent():
    html = "<body><nav><a href='/'>Home</a><p>menu text</nav><p>Real text after a menu.<p>And more.</body>"
    assert html_to_text(html) == "Real text after a menu.\n\nAnd more.\n"
