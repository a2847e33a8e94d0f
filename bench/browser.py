"""Headless Chromium (Debian's, through Playwright) and waiting on Streamlit in it: the browser tests and the
browser benchmarks drive the app the same way."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-quic", "--no-first-run"]
RUNNING = "[data-testid='stStatusWidget']"  # Streamlit's "running" indicator


def unavailable() -> str:
    """Why the browser cannot be driven here ("" when it can): no Chromium, or no Playwright package."""
    if not Path(CHROMIUM).exists():
        return f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed"
    return ""


@contextmanager
def page(width: int = 1400, height: int = 1100, timeout_ms: float = 90_000) -> Iterator:
    """One page of a headless Chromium, closed with the browser on leaving."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        pg = browser.new_page(viewport={"width": width, "height": height})
        pg.set_default_timeout(timeout_ms)
        try:
            yield pg
        finally:
            browser.close()


def settle(pg, timeout: float = 60_000) -> None:
    """Wait until Streamlit has finished running the script (no 'running' indicator twice in a row)."""
    pg.wait_for_selector("[data-testid='stApp']", timeout=timeout)
    pg.wait_for_timeout(300)
    deadline = time.time() + timeout / 1000
    while time.time() < deadline:
        if pg.locator(RUNNING).count() == 0:
            pg.wait_for_timeout(300)
            if pg.locator(RUNNING).count() == 0:
                return
        pg.wait_for_timeout(200)
