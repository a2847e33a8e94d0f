"""A person uploads a case study through the Data page and sees it, with its links, on the Case studies page.

A real Streamlit server over a copy of the seed corpus (the upload goes into that copy), driven by
headless Chromium. The case study (tests/data/upload-case-study.md, about 300 words) was written for
this test; nothing in the code knows it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.servers import free_port, wait_for_streamlit

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CASE = ROOT / "tests" / "data" / "upload-case-study.md"
TITLE = "Calder Grocery Co-operative keeps a market town's food money at home in Todmorden"
pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (apt-get install chromium); browser test skipped")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("the playwright Python package is not installed")
    from ingest.build import build

    base = tmp_path_factory.mktemp("upload-app")
    corpus, out = base / "corpus", base / "build"
    shutil.copytree(ROOT / "corpus", corpus)
    build([corpus], out=out)
    port = free_port()
    env = {**os.environ, "EP_BUILD": str(out), "EP_CORPUS": str(corpus), "EP_STORE": "memory",
           "HF_HUB_OFFLINE": "1"}
    log = open(base / "streamlit.log", "w")  # noqa: SIM115 - lives as long as the server
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    if not wait_for_streamlit(url):
        proc.terminate()
        pytest.fail("the Streamlit server did not start in 90 s")
    yield url, corpus
    log.close()
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def page(app):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"])
        pg = browser.new_page(viewport={"width": 1400, "height": 1100})
        pg.set_default_timeout(180_000)
        yield pg
        browser.close()


def settle(pg, timeout: float = 180_000) -> None:
    """Wait until Streamlit has finished running the script (no 'running' indicator)."""
    pg.wait_for_selector("[data-testid='stApp']", timeout=timeout)
    pg.wait_for_timeout(300)
    deadline = time.time() + timeout / 1000
    while time.time() < deadline:
        if pg.locator("[data-testid='stStatusWidget']").count() == 0:
            pg.wait_for_timeout(300)
            if pg.locator("[data-testid='stStatusWidget']").count() == 0:
                return
        pg.wait_for_timeout(200)


def test_an_uploaded_case_study_is_listed_with_its_links_and_quotes(page, app):
    url, corpus = app
    page.goto(f"{url}/?page=data", wait_until="domcontentloaded")
    settle(page)
    page.get_by_role("tab", name="Add a document").click()
    page.locator("input[type='file']").set_input_files(str(CASE))
    page.get_by_role("button", name="Add and rebuild").click()
    page.wait_for_selector("text=graph rebuilt", timeout=300_000)
    settle(page)
    assert (corpus / CASE.name).exists()
    page.get_by_role("tab", name="Corpus status").click()  # updated without a reload
    page.wait_for_selector(f"text={TITLE[:40]}", timeout=60_000, state="attached")  # a data-grid cell

    page.goto(f"{url}/?page=cases", wait_until="domcontentloaded")
    settle(page)
    page.wait_for_selector(f"text={TITLE}", timeout=120_000)
    settle(page)
    page.screenshot(path=str(ARTIFACTS / "cases-upload.png"), full_page=True)
    body = page.inner_text("[data-testid='stMain']")
    card = body[body.index(TITLE):]
    second = card.find("Organisations:", card.find("Organisations:") + 1)
    card = card[:second] if second > 0 else card  # this case's card, up to the next card's organisations
    assert "Calder Grocery Co-operative" in card and "Plunkett Foundation" in card  # organisations
    assert "Todmorden" in card  # place
    assert "£1.90 of every £1" in card and "412 members" in card  # figures
    assert "Income is retained and recycled in the local economy" in card  # the evidence link …
    assert "An independent study using the LM3 method found that £1.90 of every £1" in card  # … with its quote

    page.goto(f"{url}/?page=node&node=outcome/income-is-retained-and-recycled-in-the-local",
              wait_until="domcontentloaded")
    settle(page)
    page.wait_for_selector("text=Case studies that illustrate this", timeout=120_000)
    body = page.inner_text("[data-testid='stMain']")
    assert TITLE in body.split("Case studies that illustrate this")[1]
