"""Timing of the fragility analysis: on the real build, and on the synthetic model 25× larger.

    python -m bench.fragility_bench [--build build] [--out bench/results/fragility.json]

Routes are counted, not listed, so the cost follows the graph's size, not its number of routes (which
the synthetic graph makes astronomically large). Synthetic attachments mirror the model's: every column
has 5 stage-wide assumptions/foundations, and each element one of its own.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from pathlib import Path

from bench.paths_bench import synthetic_view
from graph.analysis.fragility import Attachment, FragilityAnalysis

ROOT = Path(__file__).resolve().parent.parent


def _ms(fn, repeat: int = 3) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return round(statistics.median(times), 2), out


def measure(make, targets_of) -> dict:
    """Cold (a new analysis, as after a rebuild) and warm times for every target, and the whole ranking."""
    per_cold, per_warm = [], []
    fa = make()
    targets = targets_of(fa)
    for t in targets:
        per_cold.append(_ms(lambda t=t: make().for_target(t, routes=0), repeat=1)[0])
        per_warm.append(_ms(lambda t=t: fa.for_target(t, routes=0))[0])
    ms, f = _ms(lambda: fa.for_target(targets[-1], routes=5))
    rank_ms, ranking = _ms(lambda: make().ranking(), repeat=1)
    return {"targets": len(targets), "for_target_cold_median_ms": round(statistics.median(per_cold), 2),
            "for_target_cold_max_ms": round(max(per_cold), 2),
            "for_target_warm_median_ms": round(statistics.median(per_warm), 2),
            "with_5_routes_ms": ms, "ranking_ms": rank_ms, "attachments": len(fa.attached),
            "routes_to_last_target": f.total, "routes_cut_by_top_assumption": ranking[0].lost}


def synthetic(width: int):
    from graph.analysis.paths import Pathfinder

    finder = Pathfinder(synthetic_view(width))
    G = finder.g
    att: dict[str, Attachment] = {}
    by_stage: dict[str, set[str]] = {}
    for n, d in G.nodes(data=True):
        by_stage.setdefault(d["type"], set()).add(n)
        att[f"assumption/own-{n}"] = Attachment(f"assumption/own-{n}", frozenset({n}))
    for stage, nodes in by_stage.items():
        for i in range(5):
            aid = f"assumption/{stage.lower()}-{i}"
            att[aid] = Attachment(aid, frozenset(nodes))
    info = {n: {"id": n, "type": d["type"], "label": n, "order": d["order"]} for n, d in G.nodes(data=True)}
    return lambda: FragilityAnalysis(finder, att, info)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.fragility_bench")
    ap.add_argument("--build", type=Path, default=ROOT / "build")
    ap.add_argument("--width", type=int, default=100, help="synthetic elements per column (default 100)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "fragility.json")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    args = ap.parse_args(argv)
    from graph.analysis.pathways import Pathways

    pw = Pathways.load(args.build)
    real = measure(lambda: FragilityAnalysis.from_pathways(pw), lambda fa: fa.targets())
    real.update(elements=pw.finder.g.number_of_nodes(), links=pw.finder.g.number_of_edges())
    make = synthetic(args.width)
    fa = make()
    syn = measure(make, lambda fa: fa.targets()[-10:])
    syn.update(elements=fa.G.number_of_nodes(), links=fa.G.number_of_edges())
    out = {"machine": {"python": platform.python_version(), "platform": platform.platform()},
           "max_depth": 8, "real": real, "synthetic": syn}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2), encoding="utf-8")
    print(json.dumps(out, indent=2) if args.json else f"written: {args.out}\n{json.dumps(out)[:600]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
