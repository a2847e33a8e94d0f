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


OVERFLOW = """roots => roots.flatMap(e => [e, ...e.querySelectorAll('*')])  // text running past its element's edge
  .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText)"""


def test_every_highlighted_path_option_fits_its_box_at_1400px(page, server):  # noqa: F811
    """The chosen path and every option of the list are whole on screen, the strength at the end included (an
    option ran past the box's edge, its labels cut mid-word)."""
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{server}/?page=pathways&from=condition/long-term-commitment"
              "&to=impact/pride-in-place-purpose-and-community-levelling-up&path=3", wait_until="domcontentloaded")
    settle(page)
    chosen = page.get_by_role("combobox", name="Highlighted path")
    chosen.wait_for(timeout=120_000)
    settle(page)
    box = page.locator("[data-testid='stSelectbox']").filter(has_text="Highlighted path")
    assert box.evaluate_all(OVERFLOW) == []
    chosen.click()
    options = page.get_by_role("option")
    options.first.wait_for()
    assert options.count() == 5
    page.screenshot(path=str(ARTIFACTS / "pathways-path-options.png"))
    assert all(t.startswith(f"{i + 1}. Long-term commitment → ") and t.endswith(")")
               for i, t in enumerate(options.all_inner_texts()))
    assert options.evaluate_all(OVERFLOW) == []
    page.keyboard.press("Escape")


OUTSIDE = """() => [...document.querySelectorAll("[data-testid='stGraphVizChart'] svg g.node")]
  .filter(g => g.querySelector('path, polygon')).flatMap(g => {  // the boxes, not the column titles
  const box = g.querySelector('path, polygon').getBoundingClientRect();  // a text drawn beyond its box's edges
  return [...g.querySelectorAll('text')].filter(t => { const r = t.getBoundingClientRect();
    return r.left < box.left || r.right > box.right || r.top < box.top || r.bottom > box.bottom; })
    .map(t => t.textContent); })"""
CHART = "[data-testid='stGraphVizChart'] svg"


def test_what_rests_on_an_assumption_is_drawn_at_its_own_size(page, server):  # noqa: F811
    """A two-box picture stays two boxes' size (stretched to the page it was 940 × 2032 px, "Vision & purpose" in
    giant letters), a big one still fits the page, and every box holds its text ("sustainable/connected" too)."""
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{server}/?page=assumptions&node=assumption/vision-local-people-know-what-is-best-for",
              wait_until="domcontentloaded")
    settle(page)
    page.wait_for_selector(f"{CHART} text", timeout=120_000)
    settle(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "assumptions-two-boxes.png"))
    small = page.locator(CHART).bounding_box()
    assert small["width"] < 150 and small["height"] < 300, small  # was 940 × 2032
    sizes = page.evaluate(FONTS)
    assert min(sizes) >= 11 and max(sizes) <= 14, sizes  # stretched, "Vision & purpose" was ~70 px
    assert page.get_by_text("No arrow joins Purpose and Vision").count() == 1
    assert page.evaluate(OUTSIDE) == []

    page.goto(f"{server}/?page=assumptions&node=assumption/outcome-innovation-does-not-have-to-mean-completely",
              wait_until="domcontentloaded")
    settle(page)
    page.wait_for_selector(f"{CHART} text", timeout=120_000)
    settle(page)
    chart = page.locator("[data-testid='stGraphVizChart']")
    chart.scroll_into_view_if_needed()
    chart.screenshot(path=str(ARTIFACTS / "assumptions-innovation.png"))
    big = page.locator(CHART).bounding_box()
    main = page.locator("[data-testid='stMainBlockContainer']").bounding_box()
    assert big["width"] <= main["width"] and big["height"] < 1000, big
    assert min(page.evaluate(FONTS)) >= 11
    words = page.evaluate(f"() => [...document.querySelectorAll(\"{CHART} text\")].map(t => t.textContent)")
    assert "sustainable/" in words and "connected" in words  # broken after the slash, both inside the box
    assert page.evaluate(OUTSIDE) == []


BROKEN_WORDS = """sel => {  // a word drawn on two lines (a line may end after a hyphen)
  const broken = [];
  for (const root of document.querySelectorAll(sel)) {
    const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let t = walk.nextNode(); t; t = walk.nextNode()) {
      for (const m of t.textContent.matchAll(/[^\\s-]+-?/g)) {
        const r = document.createRange(); r.setStart(t, m.index); r.setEnd(t, m.index + m[0].length);
        const lines = new Set([...r.getClientRects()].filter(b => b.width > 0).map(b => Math.round(b.top)));
        if (lines.size > 1) broken.push(m[0]);
      } } }
  return broken; }"""


def test_our_place_first_screen_says_what_to_do_and_shows_the_checklist(page, server):  # noqa: F811
    """A first-time user sees 16 unknown: the hint says to mark the checklist, and the checklist and its first
    item are on the first screen (it started ~2,600 px down); the hint's link scrolls to it."""
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{server}/?page=place", wait_until="domcontentloaded")
    settle(page)
    page.wait_for_selector("#checklist", timeout=120_000)
    settle(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "place-first-screen.png"))
    hint = page.get_by_text("Mark what your place has in the")
    assert hint.bounding_box()["y"] + hint.bounding_box()["height"] < 1000
    assert page.locator("#checklist").evaluate(TOP)["top"] < 800
    first = page.get_by_role("combobox", name="Collective local vision")  # the first condition, alphabetically
    assert first.evaluate(TOP)["bottom"] < 1000
    assert page.locator("#checklist").evaluate(TOP)["top"] < page.locator("#results").evaluate(TOP)["top"]
    page.get_by_role("link", name="checklist below").click()
    page.wait_for_function("() => { const r = document.getElementById('checklist').getBoundingClientRect();"
                           " return r.top >= 0 && r.top < 200; }", timeout=10_000)
    assert page.url.endswith("?page=place#checklist")  # the view is unchanged: nothing marked, nothing added


def test_our_place_says_each_cause_once_in_whole_words_on_screen_and_on_a4(page, server):  # noqa: F811
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{server}/?page=place", wait_until="domcontentloaded")
    settle(page)
    page.get_by_role("button", name="Start from the fictional example").click()
    settle(page)
    page.wait_for_selector("text=Then, once that is in place", timeout=120_000)
    settle(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("text=Blocked, at risk, and by what").first.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "place-causes-1400.png"))
    tables = "[data-testid='stMain'] table"
    assert page.evaluate(BROKEN_WORDS, tables) == []  # was "Communicatio / n" in the model's columns
    main = page.inner_text("[data-testid='stMain']")
    assert main.count("Processes to Wider impacts (7 columns)") == 1
    causes = main.split("Blocked, at risk, and by what")[1].split("Invest here first")[0]
    for item in ("Inclusive design of support", "Resources", "Local intelligence", "Time to invest in the inputs"):
        assert causes.count(item) == 1, item  # each cause once (the per-column table named them 7 times)

    with page.expect_download() as got:
        page.get_by_role("button", name="Download printable report (HTML)").click()
    report = ARTIFACTS / "place-report.html"
    got.value.save_as(str(report))
    page.goto(report.as_uri())
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 1047, "height": 740})  # A4 landscape less its 12 mm margins, at 96 dpi
    assert page.evaluate(BROKEN_WORDS, "table") == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 1047  # nothing runs off the page
    page.screenshot(path=str(ARTIFACTS / "place-report-a4.png"), full_page=True)
    page.pdf(path=str(ARTIFACTS / "place-report.pdf"), prefer_css_page_size=True)
    page.emulate_media(media="screen")


LONG_START = "outcome/businesses-sustainable-provide-opportunities-for-local-people"
LONG_END = "impact/agency-and-empowerment-through-having-a-credible-voice"


FITS = """(e, labels) => { const c = document.createElement('canvas').getContext('2d'), s = getComputedStyle(e);
  c.font = `${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;  // the box's own font and inner width
  const room = e.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
  return labels.map(l => c.measureText(l).width <= room); }"""


def test_pathways_shows_the_chosen_start_and_end_whole_under_their_boxes(page, server, build_dir):  # noqa: F811
    """The Start and End boxes cut a long label at their edge (the audit could not tell which element was
    chosen); the line under them says both whole, on the first screen, and typing to find still works."""
    from graph.ns import LINKED_CLASSES
    from graph.store import KnowledgeGraph
    from tests.test_browser_history import choose
    from ui.pathways import BOX_CHARS, box_label

    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{server}/?page=pathways&from={LONG_START}&to={LONG_END}", wait_until="domcontentloaded")
    settle(page)
    line = page.locator(".st-key-pw_chosen")
    line.wait_for(timeout=120_000)
    settle(page)
    start = "Outcomes: Businesses sustainable, provide opportunities for local people"
    box = page.get_by_role("combobox", name="Start")
    assert box.input_value() == start
    assert box.evaluate("e => e.scrollWidth > e.clientWidth")  # the box itself cuts it: why the line is there
    said = " ".join(line.inner_text().split())
    assert said == ("Start: Outcomes · Businesses sustainable, provide opportunities for local people → "
                    "End: Impacts · Agency and empowerment through having a credible voice")
    assert line.evaluate_all(OVERFLOW) == []  # nothing in the line runs past its edge
    under, boxes = line.evaluate(TOP), box.evaluate(TOP)
    assert boxes["bottom"] <= under["top"] and under["bottom"] < 1000, (boxes, under)  # under them, first screen
    page.screenshot(path=str(ARTIFACTS / "pathways-chosen-ends.png"))
    labels = [box_label(n) for n in KnowledgeGraph.load(build_dir).nodes.values() if n.type in LINKED_CLASSES]
    fits = box.evaluate(FITS, [x for x in labels if len(x) <= BOX_CHARS])
    assert fits and all(fits), labels  # what the rule leaves to the box, the box shows whole (at 1400 px)
    choose(page, "End", "Impacts: Prosper")  # typing to find filters the options on the label shown
    page.wait_for_function("() => document.querySelector('.st-key-pw_chosen').innerText.includes('Prosperity')",
                           timeout=120_000)
    settle(page)
    assert "Agency and empowerment" not in line.inner_text()
    assert page.get_by_role("combobox", name="End").input_value() == "Impacts: Prosperity"


def test_our_place_counts_stay_in_sight_down_the_checklist(page, server, build_dir):  # noqa: F811
    """Far down the checklist the four counts at the top are off screen; the sidebar's copy is in sight beside
    the item just ticked, and says what ticking it did (the library's summary of the same checklist)."""
    from graph.analysis.assess import Entry, Profile, assess
    from graph.store import KnowledgeGraph

    kg = KnowledgeGraph.load(build_dir)
    last = sorted((n for n in kg.of_type("Foundation") if n.stage == "impact"), key=lambda n: n.label)[-1]
    want = assess(kg, Profile("Our place", {last.id: Entry("missing")})).summary(kg)
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{server}/?page=place", wait_until="domcontentloaded")
    settle(page)
    item = page.locator(f".st-key-pl_{last.id.replace('/', '-')} [role='combobox']")  # a key's / is -
    item.wait_for(timeout=120_000)
    item.scroll_into_view_if_needed()
    item.click()
    page.keyboard.type("missing")
    page.keyboard.press("Enter")
    now = page.locator(".st-key-place_now")
    blocked = ".st-key-place_now [data-state='blocked'] b"
    page.wait_for_function(f"n => document.querySelector(\"{blocked}\").innerText === String(n)",
                           arg=want["blocked"], timeout=120_000)
    settle(page)
    page.screenshot(path=str(ARTIFACTS / "place-counts-in-sight.png"))
    shown = {s: int(now.locator(f"[data-state='{s}'] b").inner_text()) for s in want}
    assert shown == want and want["blocked"] > 0, (shown, want)
    in_sight = "e => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }"
    assert now.evaluate(in_sight) and item.evaluate(in_sight)  # the counts beside the item just ticked
    top = page.locator("[data-testid='stMetric']").first
    assert not top.evaluate(in_sight)  # the metrics above the checklist have scrolled away
    assert int(top.locator("[data-testid='stMetricValue']").inner_text()) == want["in place"]
