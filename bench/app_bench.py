"""Interaction times of the app after a warm start (AppTest runs the real script in-process).

    python -m bench.app_bench [--build build] [--repeat 7]

Each interaction is a full script rerun, as a click or a typed question causes in the browser;
graph, index and model are cached per process (st.cache_resource), so only the first run loads them.
Results go to bench/results/app.json and app.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

from graph.cli import add_store_argument
from graph.settings import ROOT

OUT = ROOT / "bench" / "results"
INTERACTIONS = {
    "ask: practitioner question + card": {"page": "ask", "q": "how do I build a referral network"},
    "ask: evidence question": {"page": "ask", "q": "how many jobs did community anchors create"},
    "pathways: forward from a process": {
        "page": "pathways",
        "mode": "forward",
        "from": "process/create-a-referral-network",
    },
    "pathways: input to impact, 5 paths": {
        "page": "pathways",
        "mode": "between",
        "from": "input/local-intelligence",
        "to": "impact/prosperity",
    },
    "assumptions: chain for an element": {"page": "assumptions", "node": "process/create-a-referral-network"},
    "assumptions: what rests on an assumption": {
        "page": "assumptions",
        "node": "assumption/process-commissioning-with-a-collective-mindset-rather-than",
    },
    "case studies: list": {"page": "cases"},
    "node page": {"page": "node", "node": "outcome/income-is-retained-and-recycled-in-the-local"},
    "data page (exports cached)": {"page": "data"},
}


def run_once(params: dict) -> float:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    for k, v in params.items():
        at.query_params[k] = v
    t0 = time.perf_counter()
    at.run()
    ms = (time.perf_counter() - t0) * 1000
    if at.exception:
        raise RuntimeError(f"{params}: {at.exception[0].value}")
    return ms


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", type=Path, default=ROOT / "build")
    add_store_argument(ap)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    args = ap.parse_args(argv)
    os.environ["EP_BUILD"] = str(args.build.resolve())
    if args.store:
        os.environ["EP_STORE"] = args.store
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    t0 = time.perf_counter()
    run_once({"page": "ask", "q": "warm up"})
    cold = (time.perf_counter() - t0) * 1000
    rows = []
    for name, params in INTERACTIONS.items():
        times = [run_once(params) for _ in range(args.repeat)]
        rows.append(
            {
                "interaction": name,
                "p50_ms": round(statistics.median(times), 1),
                "max_ms": round(max(times), 1),
                "runs": len(times),
            }
        )
    result = {
        "cold_start_ms": round(cold, 1),
        "interactions": rows,
        "cpu_count": os.cpu_count(),
        "note": "AppTest rerun of app.py per interaction, after one warm-up run that loads graph, index and model",
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "app.json").write_text(json.dumps(result, indent=2))
    md = ["| interaction | p50 ms | max ms |", "|---|---|---|"]
    md += [f"| {r['interaction']} | {r['p50_ms']} | {r['max_ms']} |" for r in rows]
    md.append(f"\nCold start (first run: graph + index + model load): {result['cold_start_ms']:.0f} ms")
    (OUT / "app.md").write_text("\n".join(md) + "\n")
    print(json.dumps(result, indent=2) if args.json else "\n".join(md))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
