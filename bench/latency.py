"""Search and search + card latency on the reported questions, in the serving process (no torch).

    python -m bench.latency [--build DIR] [--json]

Loads the engine as the app does (timing the cold load, imports included), warms it with one pass, then
times every question of the blind and fresh sets with the query-vector cache cleared before each run.
Writes bench/results/latency.{md,json}. Exit 0 written; 3 no build.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def run(build: str) -> dict:
    t = time.perf_counter()
    from search.engine import SearchEngine

    eng = SearchEngine.load(build)
    load = time.perf_counter() - t
    from search import evaluate as ev

    qs = [q.query for s in (ev.BLIND, ev.FRESH) for q in ev.load_queries(s, answerable=False)]
    for q in qs:
        eng.search(q, k=10)
        eng.card(q)
    search, card = [], []
    for q in qs:
        eng.forget()
        t = time.perf_counter()
        eng.search(q, k=10)
        search.append(time.perf_counter() - t)
        eng.forget()
        t = time.perf_counter()
        eng.search(q, k=10)
        eng.card(q)
        card.append(time.perf_counter() - t)
    return {"queries": len(qs), "cold_engine_load_s": round(load, 2),
            "search_p50_ms": round(statistics.median(search) * 1000, 2),
            "search_card_p50_ms": round(statistics.median(card) * 1000, 2),
            "torch_imported": "torch" in sys.modules, "load_avg_1m": round(os.getloadavg()[0], 2),
            "model": eng.vindex.meta.model}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.latency", description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.environ.get("EP_BUILD", "build"))
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args(argv)
    if not (Path(a.build) / "manifest.json").exists():
        print(f"no build at {a.build}: run make build", file=sys.stderr)
        return 3
    r = run(a.build)
    md = (f"# Search latency (`python -m bench.latency`)\n\nModel `{r['model']}`, {r['queries']} questions "
          f"(blind + fresh), query vectors recomputed each time, 1-minute load average {r['load_avg_1m']} "
          f"at the end.\n\n"
          f"| cold engine load | search p50 | search + card p50 | torch in the process |\n|---|---|---|---|\n"
          f"| {r['cold_engine_load_s']} s | {r['search_p50_ms']} ms | {r['search_card_p50_ms']} ms | "
          f"{'yes' if r['torch_imported'] else 'no'} |\n")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latency.json").write_text(json.dumps(r, indent=2), encoding="utf-8")
    (RESULTS / "latency.md").write_text(md, encoding="utf-8")
    print(json.dumps(r, indent=2) if a.json else md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
