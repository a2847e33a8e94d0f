"""Our place in a real browser: time from opening the page until it has finished drawing, after a warm start.

    python -m bench.place_browser [--build build] [--root .] [--repeat 7] [--json]

Starts the app (``streamlit run ROOT/app.py``) on a free port, opens Our place once to warm the server
(graph, index and model load once per process), then opens it ``--repeat`` times in headless Chromium
and times each load until the script has finished (no "running" indicator) and the invest-here-first
table is on the page; then times a click on "Start from the fictional example" the same way. ``--root``
lets the same harness time another checkout (e.g. the code before a change). Results go to
bench/results/place.json and place.md (medians, not a timed test).
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
from bench.browser import CHROMIUM, RUNNING
from bench.servers import start_streamlit, stop

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "results"
MARKER = "text=Invest here first"
FLOOR = ("?page=data", "text=Download")  # the lightest page: what any page costs on this machine right now


def start_server(root: Path, build: Path) -> tuple[subprocess.Popen, str]:
    env = {**os.environ, "EP_BUILD": str(build), "HF_HUB_OFFLINE": "1"}
    env.pop("EP_STORE", None)
    try:
        return start_streamlit(["streamlit", "run", str(root / "app.py")], env, root, seconds=120)
    except RuntimeError as e:
        raise SystemExit(str(e)) from e


def finished(pg, timeout_s: float = 120, marker: str = MARKER) -> None:
    """Until the script run is over: the marker is shown and no 'running' indicator for 2 polls."""
    pg.wait_for_selector(marker, timeout=timeout_s * 1000)
    quiet = 0
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        quiet = quiet + 1 if pg.locator(RUNNING).count() == 0 else 0
        if quiet >= 2:
            return
        pg.wait_for_timeout(50)
    raise TimeoutError("the page kept running")


def measure(root: Path, build: Path, repeat: int) -> dict:
    proc, url = start_server(root, build)
    try:
        with browser.page(1400, 1000, 30_000) as pg:
            t0 = time.perf_counter()
            pg.goto(f"{url}/?page=place", wait_until="domcontentloaded")
            finished(pg)
            first = (time.perf_counter() - t0) * 1000
            loads, clicks, floor = [], [], []
            for _ in range(repeat):
                t0 = time.perf_counter()
                pg.goto(f"{url}/{FLOOR[0]}", wait_until="domcontentloaded")
                finished(pg, marker=FLOOR[1])
                floor.append((time.perf_counter() - t0) * 1000)
                t0 = time.perf_counter()
                pg.goto(f"{url}/?page=place", wait_until="domcontentloaded")
                finished(pg)
                loads.append((time.perf_counter() - t0) * 1000)
                t0 = time.perf_counter()
                pg.get_by_role("button", name="Start from the fictional example").click()
                pg.wait_for_function(
                    "() => [...document.querySelectorAll('input')].some(i => i.value.startsWith('Fernbridge'))",
                    timeout=120_000,
                )
                finished(pg)
                clicks.append((time.perf_counter() - t0) * 1000)
    finally:
        stop(proc)
    return {
        "root": str(root),
        "first_load_ms": round(first),
        "warm_load_p50_ms": round(statistics.median(loads)),
        "warm_load_max_ms": round(max(loads)),
        "example_click_p50_ms": round(statistics.median(clicks)),
        "example_click_max_ms": round(max(clicks)),
        "floor_data_page_p50_ms": round(statistics.median(floor)),
        "runs": repeat,
        "load_average_1min": round(os.getloadavg()[0], 1),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", type=Path, default=ROOT / "build")
    ap.add_argument("--root", type=Path, default=ROOT, help="the checkout whose app.py to time")
    ap.add_argument("--label", default="", help="name of this row in place.json (default: the root)")
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    args = ap.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"Chromium not found at {CHROMIUM}", file=sys.stderr)
        return 3
    row = measure(args.root.resolve(), args.build.resolve(), args.repeat)
    row["label"] = args.label or str(args.root)
    row["cpu_count"] = os.cpu_count()
    path = OUT / "place.json"
    rows = json.loads(path.read_text()) if path.exists() else []
    rows = [r for r in rows if r.get("label") != row["label"]] + [row]
    OUT.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(rows, indent=2) + "\n")
    md = [
        "| checkout | warm load p50 ms | warm max ms | example click p50 ms | click max ms | "
        "Data page p50 ms (floor) | runs | load avg |",
        "|---|---|---|---|---|---|---|---|",
    ]
    md += [
        f"| {r['label']} | {r['warm_load_p50_ms']} | {r['warm_load_max_ms']} | {r['example_click_p50_ms']} | "
        f"{r['example_click_max_ms']} | {r.get('floor_data_page_p50_ms', '')} | {r['runs']} | "
        f"{r.get('load_average_1min', '')} |"
        for r in rows
    ]
    md.append("\nHeadless Chromium at 1400 px; a load is timed from navigation until the script run has finished")
    md.append("and the invest-here-first table is shown; the server was warmed by one load first.")
    (OUT / "place.md").write_text("\n".join(md) + "\n")
    print(json.dumps(rows, indent=2) if args.json else "\n".join(md))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
