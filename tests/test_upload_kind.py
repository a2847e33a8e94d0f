"""The Data page's Kind reaches a plain-text upload: a 157-word news piece about a community shop, uploaded as a
case study, is one (the Kind box was applied to Markdown only, so the same text became passages and a place)."""

from __future__ import annotations

from pathlib import Path

from graph.store import KnowledgeGraph
from ingest.build import build
from ingest.readers import doc_from_bytes, kind_applies, with_kind

NEWS = Path(__file__).resolve().parent / "data" / "upload-news.txt"  # written for this test; no code knows it
TITLE = "Green Hill Community Shop Marks Its First Year"


def test_a_plain_text_upload_carries_its_kind_and_keeps_its_title():
    raw = with_kind("news.txt", NEWS.read_bytes(), "case-study")
    doc = doc_from_bytes(raw, "news.txt")
    assert doc.kind == "case-study"
    assert doc.title == TITLE  # the first line of the text, not the front matter's '---'
    assert doc.text[doc.body_start :].startswith(TITLE)
    assert not doc.warnings


def test_a_kind_is_never_forced_on_html_or_pdf_nor_over_a_files_own_front_matter():
    assert not kind_applies("a.html") and not kind_applies("a.pdf") and kind_applies("a.TXT")
    assert with_kind("a.html", b"<p>x</p>", "case-study") == b"<p>x</p>"
    own = b"---\nkind: report\n---\nText.\n"
    assert with_kind("a.txt", own, "case-study") == own


def test_a_news_piece_uploaded_as_a_case_study_is_one_with_its_place(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "news.txt").write_bytes(with_kind("news.txt", NEWS.read_bytes(), "case-study"))
    build([corpus], out=tmp_path / "build")
    kg = KnowledgeGraph.load(tmp_path / "build")
    cases = kg.of_type("CaseStudy")
    assert [c.label for c in cases] == [TITLE]
    places = {kg.nodes[p].label for p in kg.edges("locatedIn").get(cases[0].id, [])}
    assert "Green Hill" in places


def test_an_empty_upload_is_refused_whatever_kind_is_chosen():
    """A 0-byte .txt uploaded as a case study became the case study "empty" (the chosen kind had been written into
    it as front matter; found in a browser walk). An empty file stays empty and is refused; front matter with
    nothing under it is no document either."""
    import pytest

    from ingest.readers import InputError

    for raw in (b"", b"  \n"):
        assert with_kind("empty.txt", raw, "case-study") == raw
        with pytest.raises(InputError, match="empty.txt: is empty"):
            doc_from_bytes(with_kind("empty.txt", raw, "case-study"), "empty.txt")
    with pytest.raises(InputError, match="only.md: has no text after its front matter"):
        doc_from_bytes(b"---\nkind: case-study\n---\n\n", "only.md")
