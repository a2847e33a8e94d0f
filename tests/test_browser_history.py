"""Back and Forward as a person uses them, in a real headless Chromium over a real Streamlit server.

One browser-history entry per step (a question asked, a page opened, a start, an end, a chosen path), and Back
and Forward bring back each view as it was: its question, its chosen path. Every pushState and replaceState the
page makes is recorded (an init script wraps them), so the test counts the entries, not only the address bar.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import quote_plus

import pytest

from bench import browser
from bench.browser import unavailable
from bench.servers import streamlit

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.browser
QUESTION = "how do I build a referral network"
START, END = "input/local-intelligence", "impact/prosperity"
RECORD = """window.__history = [];
for (const f of ['pushState', 'replaceState']) {
  const real = history[f].bind(history);
  history[f] = (s, t, u) => { window.__history.push([f, String(u)]); return real(s, t, u); };
}"""


@pytest.fixture(scope="module")
def server(build_dir, tmp_path_factory):
    if why := unavailable():
        pytest.skip(f"{why}; browser test skipped")
    env = {**os.environ, "EP_BUILD": str(build_dir), "EP_STORE": "memory", "HF_HUB_OFFLINE": "1"}
    with streamlit(["ui.serve"], env, ROOT, tmp_path_factory.mktemp("log") / "streamlit.log") as url:
        yield url


@pytest.fixture()
def page(server):
    with browser.page(1400, 1000, 120_000) as pg:
        pg.add_init_script(RECORD)
        yield pg


def settle(pg) -> None:
    browser.settle(pg, 120_000)


def pushed(pg) -> list[str]:
    return [u for f, u in pg.evaluate("window.__history") if f == "pushState"]


def main_text(pg) -> str:
    return pg.inner_text("[data-testid='stMain']")


def choose(pg, label: str, option: str) -> None:
    """Pick an option of a Streamlit select box by typing it, as a person with a keyboard would."""
    pg.locator("[data-testid='stSelectbox']").filter(has=pg.get_by_text(label, exact=True)).click()
    pg.keyboard.type(option)
    pg.get_by_role("option").filter(has_text=option).first.click()


def shown(pg, label: str) -> str:
    """What a select box shows as chosen."""
    return pg.get_by_role("combobox", name=label).input_value()


def shows(pg, **boxes: str) -> None:
    """Select boxes show exactly these values, waiting for the run that draws them (never a stale frame)."""
    from playwright.sync_api import expect

    for label, value in boxes.items():
        expect(pg.get_by_role("combobox", name=label)).to_have_value(value, timeout=120_000)


def sidebar(pg, name: str) -> None:
    """Click a page in the sidebar, and again if the radio is not checked after 20 s: under a full suite's load a
    click made while the page was still drawing was once not taken (the radio stayed on Pathways for two minutes),
    where a person would simply click again. A second click on a chosen page adds no history entry."""
    item = pg.locator("[data-testid='stSidebar']").get_by_text(name, exact=True)
    radio = pg.locator("[data-testid='stSidebar']").get_by_role("radio", name=name)
    item.click()
    try:
        radio.wait_for(state="attached", timeout=5_000)
        pg.wait_for_function("(el) => el.checked", arg=radio.element_handle(), timeout=20_000)
    except Exception:  # noqa: BLE001 - any wait that ran out: click once more
        item.click()


def expect_url(pg, server: str, query: str) -> None:
    """The address bar says ``query``; on failure, every history entry the page made is in the message."""
    from playwright.sync_api import expect

    try:
        expect(pg).to_have_url(f"{server}/?{query}", timeout=120_000)
    except AssertionError as e:
        raise AssertionError(f"{e}\nhistory calls: {pg.evaluate('window.__history')}") from None
    settle(pg)


def ends_shown(pg, start: str, end: str) -> None:
    """The Pathways page's Start and End boxes show these (waiting for the run to draw them: ``settle`` alone can
    return before a run has started, since Streamlit shows its running sign only after a delay)."""
    from playwright.sync_api import expect

    expect(pg.locator("[data-testid='stMain'] h1")).to_have_text("Pathways", timeout=120_000)
    for label, want in (("Start", start), ("End", end)):
        box = pg.get_by_role("combobox", name=label)
        if want:
            expect(box).to_have_value(re.compile(re.escape(want)), timeout=120_000)
        else:
            expect(box).to_have_value("", timeout=120_000)
    settle(pg)


def ask_view(pg) -> None:
    """The Ask page with the question in its box and its answer card."""
    pg.wait_for_selector("[data-testid='stMain'] h3 a:has-text('Create a referral network')", timeout=120_000)
    assert pg.get_by_label("Your question").input_value() == QUESTION


def pathway_view(pg, path_no: int) -> None:
    """The Pathways page between Local intelligence and Prosperity with path ``path_no`` chosen and drawn."""
    from playwright.sync_api import expect

    ends_shown(pg, "Local intelligence", "Prosperity")
    expect(pg.get_by_role("combobox", name="Highlighted path")).to_have_value(
        re.compile(rf"^\s*{path_no}\. Local intelligence"), timeout=120_000)
    settle(pg)
    table = pg.inner_text("[data-testid='stTable']")
    assert "Local intelligence" in table and "Prosperity" in table


def test_back_and_forward_step_through_ask_pathways_and_case_studies(page, server):
    pg = page
    pg.goto(f"{server}/?page=ask", wait_until="domcontentloaded")
    settle(pg)
    box = pg.get_by_label("Your question")
    box.fill(QUESTION)
    box.press("Enter")
    expect_url(pg, server, f"page=ask&q={quote_plus(QUESTION)}")
    ask_view(pg)

    sidebar(pg, "Pathways")
    expect_url(pg, server, "page=pathways")
    choose(pg, "Start", "Inputs: Local intelligence")
    expect_url(pg, server, "page=pathways&mode=between&from=input%2Flocal-intelligence")
    choose(pg, "End", "Impacts: Prosperity")
    expect_url(pg, server, "page=pathways&from=input%2Flocal-intelligence&to=impact%2Fprosperity")
    choose(pg, "Highlighted path", "3. ")
    chosen = "page=pathways&from=input%2Flocal-intelligence&to=impact%2Fprosperity&path=2"
    expect_url(pg, server, chosen)
    pathway_view(pg, 3)
    before = main_text(pg)

    sidebar(pg, "Case studies")
    expect_url(pg, server, "page=cases")
    pg.wait_for_selector("text=Halifax Opportunities Trust", timeout=120_000)
    steps = [f"/?page=ask&q={quote_plus(QUESTION)}", "/?page=pathways",
             "/?page=pathways&mode=between&from=input%2Flocal-intelligence",
             "/?page=pathways&from=input%2Flocal-intelligence&to=impact%2Fprosperity", f"/?{chosen}", "/?page=cases"]
    assert pushed(pg) == steps  # one entry per step, nothing else

    pg.go_back()  # Case studies -> the chosen path, exactly as it was
    expect_url(pg, server, chosen)
    pathway_view(pg, 3)
    assert main_text(pg).split("Highlighted path")[1][:400] == before.split("Highlighted path")[1][:400]
    pg.go_back()  # -> the same two ends before a path was chosen: the first path
    expect_url(pg, server, "page=pathways&from=input%2Flocal-intelligence&to=impact%2Fprosperity")
    pathway_view(pg, 1)
    views = [lambda: ask_view(pg), lambda: ends_shown(pg, "", ""),
             lambda: ends_shown(pg, "Local intelligence", ""), lambda: pathway_view(pg, 1)]
    for i in (2, 1, 0):  # the start alone, the page opened clean, then the question: each as it was
        pg.go_back()
        expect_url(pg, server, steps[i][2:])
        views[i]()
    assert "Pathways" not in pg.inner_text("[data-testid='stMain'] h1")

    for i in (1, 2, 3):  # forward one view at a time, as a person looks at each before pressing again
        pg.go_forward()
        expect_url(pg, server, steps[i][2:])
        views[i]()
    pg.go_forward()
    expect_url(pg, server, chosen)
    pathway_view(pg, 3)
    pg.go_forward()
    expect_url(pg, server, "page=cases")
    pg.wait_for_selector("text=Halifax Opportunities Trust", timeout=120_000)
    assert pushed(pg) == steps  # going back and forth added no entry
    assert pg.locator("[data-testid='stException']").count() == 0


def test_a_copied_case_studies_link_opens_its_tab_with_its_words(page, server):
    """The search tab is part of the view: a link with search words opens on it, the words in the box and the
    matches below; a link to the first tab (tab=all) opens that one, the words kept for the second."""
    pg = page
    words = "keeping money in the local economy"
    pg.goto(f"{server}/?page=cases&case_q={quote_plus(words)}", wait_until="domcontentloaded")
    settle(pg)
    pg.wait_for_selector("text=Case studies closest to your words", timeout=120_000)
    selected = pg.locator("[role='tab'][aria-selected='true']")
    assert selected.inner_text() == "Case studies for an element or question"
    from playwright.sync_api import expect

    # the box is drawn with its words a moment after the matches under load: waited for, not read at once
    expect(pg.get_by_label("An element, or any question")).to_have_value(words, timeout=30_000)
    pg.get_by_role("tab", name="All case studies").click()
    expect_url(pg, server, f"page=cases&case_q={quote_plus(words)}&tab=all")
    pg.wait_for_selector("text=Halifax Opportunities Trust", timeout=120_000)
    copied = pg.url
    pg.goto("about:blank")
    pg.goto(copied, wait_until="domcontentloaded")
    settle(pg)
    pg.wait_for_selector("text=Halifax Opportunities Trust", timeout=120_000)
    assert pg.locator("[role='tab'][aria-selected='true']").inner_text() == "All case studies"
    pg.get_by_role("tab", name="Case studies for an element or question").click()
    # the tab's rerun has written its view (one entry) before Back is pressed: the tabs' contents are all in the
    # page, so no text on it says the run is done (CI pressed Back first and left for about:blank)
    expect_url(pg, server, f"page=cases&case_q={quote_plus(words)}")
    pg.wait_for_selector("text=Case studies closest to your words", timeout=120_000)
    assert pg.get_by_label("An element, or any question").input_value() == words
    pg.go_back()  # Back returns to the first tab, as the link had it
    expect_url(pg, server, f"page=cases&case_q={quote_plus(words)}&tab=all")
    assert pg.locator("[role='tab'][aria-selected='true']").inner_text() == "All case studies"


def test_swapping_a_backwards_start_and_end_is_one_step_and_back_undoes_it(page, server):
    """From an impact to an input no arrow runs: the page names both by label and one click swaps them, one
    history entry (the URL's from and to swapped), which Back undoes."""
    pg = page
    backwards = "page=pathways&from=impact%2Fprosperity&to=input%2Fresources"
    pg.goto(f"{server}/?{backwards}", wait_until="domcontentloaded")
    settle(pg)
    swap = pg.get_by_role("button", name="Swap start and end")
    swap.wait_for(timeout=120_000)
    warned = pg.inner_text("[data-testid='stAlert']")
    assert warned.startswith("No path from “Prosperity” to “Resources”") and "/" not in warned  # no ids
    swap.click()
    swapped = "page=pathways&from=input%2Fresources&to=impact%2Fprosperity"
    expect_url(pg, server, swapped)
    pg.wait_for_selector("text=Highlighted path", timeout=120_000)
    settle(pg)
    shows(pg, Start="Inputs: Resources", End="Impacts: Prosperity")
    assert shown(pg, "Highlighted path").startswith("1. Resources")
    (ROOT / "tests" / "artifacts").mkdir(exist_ok=True)
    pg.screenshot(path=str(ROOT / "tests" / "artifacts" / "pathways-swapped.png"))
    assert pushed(pg) == [f"/?{swapped}"]

    pg.go_back()
    expect_url(pg, server, backwards)
    pg.get_by_role("button", name="Swap start and end").wait_for(timeout=120_000)
    shows(pg, Start="Impacts: Prosperity", End="Inputs: Resources")
    assert pg.locator("[data-testid='stException']").count() == 0


def test_back_undoes_one_evidence_map_filter_at_a_time(page, server):
    """Place, then organisation type, then Back: the type filter goes and the place stays (the filters were
    opened with index=, so Back restored the address bar for a moment and the widgets wrote the later view back)."""
    pg = page
    pg.goto(f"{server}/?page=gapmap", wait_until="domcontentloaded")
    settle(pg)
    choose(pg, "Place", "Bristol")
    expect_url(pg, server, "page=gapmap&place=place%2Fbristol")
    choose(pg, "Organisation type", "Trust")
    expect_url(pg, server, "page=gapmap&place=place%2Fbristol&org=trust")
    pg.go_back()
    expect_url(pg, server, "page=gapmap&place=place%2Fbristol")
    shows(pg, **{"Place": "Bristol", "Organisation type": "Any type"})
    pg.go_back()
    expect_url(pg, server, "page=gapmap")
    shows(pg, **{"Place": "Any place", "Organisation type": "Any type"})
    pg.go_forward()
    expect_url(pg, server, "page=gapmap&place=place%2Fbristol")
    shows(pg, **{"Place": "Bristol"})


def test_the_data_pages_tabs_are_steps_of_history(page, server):
    """Clicking SPARQL or Add a document left the address at ?page=data, so a copied link opened Download and
    Back left the app (found in a browser walk): each tab is a step, Back returns to the one before."""
    pg = page
    pg.goto(f"{server}/?page=data", wait_until="domcontentloaded")
    settle(pg)
    pg.get_by_role("tab", name="SPARQL").click()
    expect_url(pg, server, "page=data&tab=sparql")
    pg.get_by_role("tab", name="Add a document").click()
    expect_url(pg, server, "page=data&tab=add")
    pg.go_back()
    expect_url(pg, server, "page=data&tab=sparql")
    assert pg.locator("[role='tab'][aria-selected='true']").inner_text() == "SPARQL"


def test_a_corrected_link_is_not_a_step_of_its_own(page, server):
    """A link with a value the page corrects (k=999 paths: 50 are shown) replaced its own entry with the
    corrected view, so Back leaves it in one press. It had pushed a second entry: Back landed on the faulty
    link, which was corrected again, and the page seemed not to go back (found in a browser walk)."""
    pg = page
    pg.goto(f"{server}/?page=ask", wait_until="domcontentloaded")
    settle(pg)
    pg.goto(f"{server}/?page=pathways&from={quote_plus(START)}&to={quote_plus(END)}&k=999",
            wait_until="domcontentloaded")
    pg.wait_for_selector("text=999 is outside 1–50", timeout=120_000)
    settle(pg)
    corrected = f"page=pathways&from={quote_plus(START)}&to={quote_plus(END)}&k=50"
    expect_url(pg, server, corrected)
    assert pushed(pg) == []  # replaced, not pushed
    pg.go_back()
    expect_url(pg, server, "page=ask")
    pg.wait_for_selector("text=Your question", timeout=120_000)
    assert pg.locator("[data-testid='stException']").count() == 0
