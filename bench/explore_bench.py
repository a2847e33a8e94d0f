"""Render time of the pictures in a real browser: the explorable cytoscape.js picture against Graphviz.

    python -m bench.explore_bench [--build build] [--repeat 5] [--label NAME]

Starts the app (``streamlit run app.py``) on a free loopback port, opens each page in headless
Chromium at 1400 × 1000 and times, after one warm-up load, from navigation to the picture being
drawn: for cytoscape.js the canvas inside the component's frame, for Graphviz the SVG inside
``stGraphVizChart``. It also times a click on an element until the page says it is focused.
Medians (and max) go to bench/results/explore.json and .md, one entry per ``--label``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench import browser
from bench.browser import CHROMIUM
from bench.servers import start_streamlit, stop

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
CY_FRAME = "iframe[title='st_cytoscape.st_cytoscape']"
BEFORE = (  # the app before the explorable picture: Pathways drawn by Graphviz
    ("pathways (Graphviz)",
     "?page=pathways&mode=between&from=process/create-a-referral-network&to=impact/prosperity", "graphviz"),
)
PAGES = (  # name, URL, what to wait for
    ("landing map (cytoscape.js)", "?page=ask", "cytoscape"),
    ("pathways explorer (cytoscape.js)",
     "?page=pathways&mode=between&from=process/create-a-referral-network&to=impact/prosperity", "cytoscape"),
    ("our place (Graphviz)", "?page=place", "graphviz"),
)


def _start(build: Path) -> tuple[subprocess.Popen, str]:
    env = {**os.environ, "EP_BUILD": str(build), "HF_HUB_OFFLINE": "1"}
    try:
        return start_streamlit(["streamlit", "run", str(ROOT / "app.py")], env, ROOT, seconds=120)
    except RuntimeError as e:
        raise SystemExit(str(e)) from e


def _wait_picture(pg, kind: str):
    """Wait for the picture; (element, seconds from its container appearing to the picture being drawn)."""
    if kind == "cytoscape":
        frame = pg.wait_for_selector(CY_FRAME, timeout=120_000)
        t = time.perf_counter()
        frame.content_frame().wait_for_selector("canvas", timeout=120_000)
        return frame, time.perf_counter() - t
    if kind == "graphviz":
        pg.wait_for_selector("[data-testid='stGraphVizChart']", timeout=120_000)
        t = time.perf_counter()
        return pg.wait_for_selector("[data-testid='stGraphVizChart'] svg g.node", timeout=120_000), \
            time.perf_counter() - t
    raise ValueError(kind)


def run(build: Path, repeat: int, pages=PAGES, click: bool = True) -> dict:
    proc, url = _start(build)
    out: dict = {}
    try:
        with browser.page(1400, 1000, 30_000) as pg:
            for name, path, kind in pages:
                times, draws = [], []
                for i in range(repeat + 1):
                    t0 = time.perf_counter()
                    pg.goto(f"{url}/{path}", wait_until="domcontentloaded")
                    if kind == "graphviz" and "place" in path:
                        pg.get_by_role("button", name="Start from the fictional example").click()
                    _, draw = _wait_picture(pg, kind)
                    if i:  # the first load warms the server's caches
                        times.append((time.perf_counter() - t0) * 1000)
                        draws.append(draw * 1000)
                out[name] = {"median_ms": round(statistics.median(times), 1), "max_ms": round(max(times), 1),
                             "draw_median_ms": round(statistics.median(draws), 1), "runs": repeat}
            if click:
                out["click to focus (landing map)"] = _click_times(pg, url, build, repeat)
    finally:
        stop(proc)
    return out


def _click_times(pg, url: str, build: Path, repeat: int) -> dict:
    from graph.analysis import explore
    from graph.analysis.pathways import Pathways

    pw = Pathways.load(build)
    _, lay = explore.elements(explore.visible(pw.finder.g, explore.Filters()))
    times = []
    for _ in range(repeat):
        pg.goto(f"{url}/?page=ask", wait_until="domcontentloaded")
        frame, _ = _wait_picture(pg, "cytoscape")
        frame.scroll_into_view_if_needed()
        pg.wait_for_timeout(800)
        x, y = explore.screen_point(lay, "input/capacity-support", frame.bounding_box())
        t0 = time.perf_counter()
        pg.mouse.click(x, y)
        pg.wait_for_selector("text=Focused on", timeout=60_000)
        times.append((time.perf_counter() - t0) * 1000)
    return {"median_ms": round(statistics.median(times), 1), "max_ms": round(max(times), 1), "runs": repeat}


def markdown(results: dict) -> str:
    lines = ["# Picture render time in a real browser", "",
             "`python -m bench.explore_bench`: headless Chromium 1400 × 1000, navigation → picture drawn, after a "
             "warm-up load; 2 cores shared with other jobs.", "",
             "Page: navigation → picture drawn. Draw: the picture's container on the page → the picture drawn "
             "(the component's or Graphviz's own render).", "",
             "| run | what | page median ms | page max ms | draw median ms | runs |", "|---|---|---|---|---|---|"]
    for label, rows in results.items():
        for what, r in rows.items():
            lines.append(f"| {label} | {what} | {r['median_ms']} | {r['max_ms']} | {r.get('draw_median_ms', '–')} | "
                         f"{r['runs']} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.explore_bench", description=__doc__.split("\n")[0])
    ap.add_argument("--build", type=Path, default=ROOT / "build")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--label", default="current")
    ap.add_argument("--out", type=Path, default=RESULTS / "explore.json")
    ap.add_argument("--before", action="store_true", help="time the Graphviz Pathways page of an older app")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"error: Chromium not found at {CHROMIUM} (apt-get install chromium)", file=sys.stderr)
        return 3
    results = json.loads(a.out.read_text()) if a.out.exists() else {}
    results[a.label] = run(a.build.resolve(), a.repeat, BEFORE if a.before else PAGES, click=not a.before)
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(results, indent=2) + "\n")
    a.out.with_suffix(".md").write_text(markdown(results))
    print(json.dumps(results[a.label], indent=2) if a.json else markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
