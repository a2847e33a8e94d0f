"""The slide picture (SVG, PNG) and the printable pathway report (HTML, PDF) on the real build."""

from __future__ import annotations

import html
import io
import struct
import xml.etree.ElementTree as ET

import pypdf
import pytest

from graph.analysis import picture, report
from graph.analysis.draw import DrawLink, DrawNode, to_dot
from graph.analysis.pathways import Pathways

SVG_NS = "{http://www.w3.org/2000/svg}"
START, END = "process/create-a-referral-network", "impact/prosperity"


@pytest.fixture(scope="module")
def pwm(build_dir) -> Pathways:
    return Pathways.load(build_dir)


@pytest.fixture(scope="module")
def drawn(pwm):
    paths = pwm.paths(START, END, k=3).paths
    links = [pwm.finder.link(a, b) for a, b in pwm.finder.g.edges()]
    return paths, report.picture_svg(pwm.kg, links, paths, 0, title="Referral network to Prosperity")


def test_slide_svg_holds_every_element_with_readable_labels(pwm, drawn):
    paths, svg = drawn
    root = ET.fromstring(svg)
    assert (root.get("width"), root.get("height")) == ("1920", "1080")
    nodes = {g.get("data-id") for g in root.iter(f"{SVG_NS}g") if g.get("class") == "node"}
    assert nodes == {n.id for n in pwm.kg.of_type(*report.ELEMENT_TYPES)}
    sizes = {float(t.get("font-size")) for t in root.iter(f"{SVG_NS}text")}
    assert min(sizes) * 1400 / 1920 >= 11, "labels must stay ≥ 11 px when the slide is shown 1400 px wide"
    on_path = [p for p in root.iter(f"{SVG_NS}path") if "on-path" in (p.get("class") or "")]
    assert len(on_path) == len(paths[0].links)
    # every arrow's tooltip names its ends, basis, strength and reason
    tips = [p.find(f"{SVG_NS}title").text for p in root.iter(f"{SVG_NS}path") if p.get("class", "").startswith("link")]
    assert len(tips) == pwm.finder.g.number_of_edges()
    for lk in paths[0].links:
        ends = f"{pwm.kg.nodes[lk.source].label} → {pwm.kg.nodes[lk.target].label}:"
        tip = next(t for t in tips if t.startswith(ends))
        assert f"({lk.basis}), strength {lk.weight:.2f}. {report.link_reason(lk)}" in tip


def test_every_arrow_is_drawn_by_its_evidence_and_the_chosen_path_is_badged(pwm):
    """Whole result on a small picture from the real build: the best and the third pathway from Resources to
    'Good business', their elements only, the third chosen. Between them they hold all four levels: two arrows
    case studies show (their basis is only inferred, but Cleobury Country Ltd, "a hub for a wide range of local
    knowledge and information [that] runs services for local businesses and citizens", illustrates both ends of
    Local support organisations become sustainable/connected → Businesses sustainable, and the network of anchor
    organisations' worked example, "1400 jobs and £120m GVA to the local economy", both ends of Businesses
    sustainable → 'Good business'), a curated one, a stated one and inferred ones."""
    res, gb = "input/resources", "outcome/good-business"
    paths = pwm.paths(res, gb, k=3).paths
    levels = {edge: ev.level for edge, ev in pwm.evidence().items()}
    svg = report.picture_svg(pwm.kg, [], [paths[0], paths[2]], 1, context=False, levels=levels)
    root = ET.fromstring(svg)
    cop, lso = "outcome/community-of-practice-around-social-purpose-business-support", \
        "outcome/local-support-organisations-become-sustainable-connected"
    bs, wa = "outcome/businesses-sustainable-provide-opportunities-for-local-people", "activity/wrap-around-support"
    label = {pwm.kg.nodes[n].label: n for p in paths for n in p.nodes}
    arrows = {}
    for p in root.iter(f"{SVG_NS}path"):
        if (p.get("class") or "").startswith("link"):
            a, b = p.find(f"{SVG_NS}title").text.split(":")[0].split(" → ")
            arrows[(label[a], label[b])] = (p.get("data-level"), p.get("stroke"), p.get("stroke-dasharray"),
                                            "on-path" in p.get("class"))
    green, blue, purple, grey = "#1f6f3f", "#1565c0", "#7a3db8", "#8a8a8a"
    assert arrows == {
        (res, START): ("inferred", grey, "9 6", True),
        (START, cop): ("curated", purple, "3 4", False),
        (cop, lso): ("stated", green, None, False),
        (START, wa): ("inferred", grey, "9 6", True),
        (wa, lso): ("inferred", grey, "9 6", True),
        (lso, bs): ("shown", blue, "14 5 3 5", True),
        (bs, gb): ("shown", blue, "14 5 3 5", True),
    }
    halos = [p for p in root.iter(f"{SVG_NS}path") if p.get("class") == "halo"]
    assert len(halos) == 5
    badges = [(g.get("data-level"), g.find(f"{SVG_NS}text").text, g.find(f"{SVG_NS}rect").get("stroke"))
              for g in root.iter(f"{SVG_NS}g") if g.get("class") == "badge"]
    assert sorted(badges) == [("inferred", "inferred", grey)] * 3 + [("shown", "shown", blue)] * 2
    assert all(float(t.get("font-size")) * 1400 / 1920 >= 11 for g in root.iter(f"{SVG_NS}g")
               if g.get("class") == "badge" for t in g.iter(f"{SVG_NS}text"))
    shown_tips = sorted(g.find(f"{SVG_NS}title").text for g in root.iter(f"{SVG_NS}g")
                        if g.get("data-level") == "shown")
    assert len(shown_tips) == 2
    assert shown_tips[0].startswith("Businesses sustainable, provide opportunities for local people → 'Good "
                                    "business': shown by a case study (inferred), strength 0.57")
    assert shown_tips[1].startswith("Local support organisations become sustainable/connected → Businesses "
                                    "sustainable, provide opportunities for local people: shown by a case study "
                                    "(inferred), strength 0.66")
    # a slide leaves the room without the page: its title says how many of the chosen path's steps are inferred
    assert [t.text for t in root.iter(f"{SVG_NS}text")][0] == (
        "3 inferred of its 5 steps (not stated in a document or shown by a case)")
    # a curated step is no more stated or shown than an inferred one: the caveat counts both
    assert report._unbacked_note([DrawLink("a", "b", "curated", 0.9), DrawLink("b", "c", "inferred", 0.5),
                                  DrawLink("c", "d", "textual", 0.9, level="stated")]) == (
        "1 inferred and 1 curated of its 3 steps (not stated in a document or shown by a case)")
    legend = [t.text for t in root.iter(f"{SVG_NS}text")][-6:]
    assert legend == ["stated in a document", "shown by a case study", "curated: added by a curator",
                      "inferred by similarity", "the chosen path", "thicker = stronger"]
    assert [(ln.get("stroke"), ln.get("stroke-dasharray")) for ln in root.iter(f"{SVG_NS}line")
            if ln.get("class") == "legend"][:4] == [(green, None), (blue, "14 5 3 5"), (purple, "3 4"), (grey, "9 6")]


def test_graphviz_drawing_styles_arrows_by_level_too():
    nodes = [DrawNode("input/i", "I", 2.0), DrawNode("process/p", "P", 3.0), DrawNode("activity/a", "A", 4.0),
             DrawNode("outcome/o", "O", 5.1), DrawNode("impact/t", "T", 6.1)]
    links = [DrawLink("input/i", "process/p", "textual", 0.5, level="stated"),
             DrawLink("process/p", "activity/a", "inferred", 0.5, level="shown"),
             DrawLink("activity/a", "outcome/o", "curated", 0.5),  # no level given: its basis's
             DrawLink("outcome/o", "impact/t", "inferred", 0.5, level="inferred")]
    edges = [line for line in to_dot(nodes, links).splitlines() if " -> " in line and "invis" not in line]
    assert [line.split("[")[1].split(" penwidth")[0] for line in edges] == [
        'style=solid color="#1f6f3f"', 'style=dashed color="#1565c0"', 'style=dotted color="#7a3db8"',
        'style=dashed color="#8a8a8a"']
    assert 'tooltip="shown by a case study (inferred), strength 0.50"' in edges[1]


def test_boxes_stay_inside_the_slide_and_do_not_overlap(pwm, drawn):
    _, svg = drawn
    lay = picture.layout([DrawNode(n.id, n.label, n.order, n.type) for n in pwm.kg.of_type(*report.ELEMENT_TYPES)],
                         [], title="t")
    boxes = list(lay.nodes.values())
    for b in boxes:
        assert b.x >= 0 and b.x + b.w <= lay.width and lay.top <= b.y and b.y + b.h <= lay.height
    for a in boxes:
        for b in boxes:
            if a is not b and a.column == b.column:
                assert a.y + a.h <= b.y or b.y + b.h <= a.y, (a.id, b.id)


def test_document_text_is_escaped_in_the_svg():
    lay = picture.layout([DrawNode("process/x", "<script>alert(1)</script> & co", 3.0, "Process"),
                          DrawNode("activity/y", "Y", 4.0, "Activity")],
                         [DrawLink("process/x", "activity/y", "inferred", 0.5)])
    svg = picture.to_svg(lay, reasons={("process/x", "activity/y"): 'both "<b>" & more'})
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "&lt;b&gt;" in svg
    ET.fromstring(svg)


def test_png_is_slide_sized(drawn):
    png = picture.to_png(drawn[1])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", png[16:24]) == (1920, 1080)


def test_report_holds_picture_steps_reasons_and_sources(pwm, drawn):
    paths, svg = drawn
    path = paths[0]
    html_text = report.report_html(pwm.kg, path, pwm.chain(path), svg, title="Referral network to Prosperity",
                                   evidence=pwm.evidence())
    assert html_text.count("<svg") == 1 and 'viewBox="0 0 1920 1080"' in html_text
    steps = report.path_steps(path, pwm.evidence())
    assert html.escape(report.score_text(pwm.kg, path, steps)) in html_text
    for nid in path.nodes:
        assert pwm.kg.nodes[nid].label.replace("'", "&#x27;") in html_text
    for lk, ev in zip(path.links, steps, strict=True):
        assert html.escape(report.step_reason(lk, ev))[:60] in html_text
    assert pwm.kg.nodes[START].sources[0].document in html_text
    # every step's own assumptions, a step in the same stage as the one before included, each with why
    chain = pwm.chain(path)
    assert any(s.same_stage_as_previous and s.assumptions for s in chain.steps)
    for step in chain.steps:
        for a in step.assumptions:
            line = f"<b>{html.escape(step.element['label'])}</b> assumes: {html.escape(pwm.kg.nodes[a['id']].text)}"
            assert line in html_text, (step.element["id"], a["id"])
    assert "(named in its words: the assumption names" in html_text or "(matched by meaning:" in html_text
    pdf = report.report_pdf(html_text)
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert pdf[:5] == b"%PDF-" and "Referral network to Prosperity" in text and "The steps" in text
    assert "Sources" in text


def test_score_text_says_what_it_multiplies(pwm):
    path = pwm.paths(START, END, k=1).paths[0]
    text = report.score_text(pwm.kg, path, report.path_steps(path, pwm.evidence()))
    assert text.startswith(f"Strength {path.weight:.2f} = " + " × ".join(f"{lk.weight:.2f}" for lk in path.links))
    assert "product" in text and "weakest" in text


def test_picture_labels_break_after_a_slash_and_stay_within_their_boxes(pwm):
    """The explorable picture and the slide wrap labels for their boxes' width: "sustainable/connected" ran past
    its box as one word; now it breaks after the slash, and a cut ends in "…" after a whole word."""
    from graph.analysis import explore

    _, lay = explore.elements(pwm.view)
    for n in lay.nodes.values():
        chars = max(8, int((n.w - 16) / (explore.FONT_PX * 0.58)))  # what layout() wraps for
        assert all(len(line) <= chars or len(line.split()) == 1 for line in n.lines), n.lines
    lines = lay.nodes["outcome/local-support-organisations-become-sustainable-connected"].lines
    assert lines[-2:] == ["sustainable/", "connected"]
    assert lay.nodes["impact/pride-in-place-purpose-and-community-levelling-up"].lines[-1] == "(levelling…"
