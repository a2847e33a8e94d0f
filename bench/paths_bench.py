"""Timing of path queries: on the real build, and on a synthetic model 50× larger, to show the caps hold.

    python -m bench.paths_bench [--build build] [--out bench/results/paths.json]

The synthetic graph has the model's nine columns with ``width`` elements each and every element linked
to its 3 best (random-weight) matches in the next column — the shape the inferred links have — so the
number of simple paths explodes combinatorially while the capped queries must stay fast.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import time
from pathlib import Path

import networkx as nx

from graph.analysis.paths import Pathfinder
from graph.cli import add_store_argument
from graph.settings import ROOT

ORDERS = (1.0, 2.0, 3.0, 4.0, 5.1, 5.2, 5.3, 6.1, 6.2)
TYPES = ("Condition", "Input", "Process", "Activity", "Outcome", "Outcome", "Outcome", "Impact", "Impact")


def _time(fn, repeat: int = 3) -> dict:
    times = []
    result = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return {"median_ms": round(statistics.median(times), 2), "max_ms": round(max(times), 2),
            "paths": len(result.paths), "truncated": result.truncated}


def synthetic_view(width: int, fanout: int = 3, seed: int = 7) -> nx.DiGraph:
    rnd = random.Random(seed)
    v = nx.DiGraph()
    cols = []
    for i, (order, typ) in enumerate(zip(ORDERS, TYPES, strict=True)):
        col = [f"{typ.lower()}/c{i}-{j}" for j in range(width)]
        for n in col:
            v.add_node(n, type=typ, label=n, text="", stage=typ.lower(), order=order, horizon="", scope="")
        cols.append(col)
    for up, down in zip(cols, cols[1:], strict=False):
        if TYPES[cols.index(up)] == "Condition":  # conditions feed processes, like inputs
            down = cols[cols.index(up) + 2]
        for a in up:
            for b in rnd.sample(down, fanout):
                v.add_edge(a, b, kind="leadsTo", basis="inferred", weight=rnd.uniform(0.3, 0.9), evidence="x")
    return v


def bench_finder(finder: Pathfinder, pairs, sources, targets) -> dict:
    return {
        "between_k5": [_time(lambda s=s, t=t: finder.between(s, t, k=5)) for s, t in pairs],
        "forward_50": [_time(lambda s=s: finder.forward(s, max_paths=50)) for s in sources],
        "backward_50": [_time(lambda t=t: finder.backward(t, max_paths=50)) for t in targets],
    }


def summarise(runs: dict) -> dict:
    return {k: {"queries": len(v), "median_ms": round(statistics.median(x["median_ms"] for x in v), 2),
                "max_ms": round(max(x["max_ms"] for x in v), 2),
                "mean_paths": round(statistics.mean(x["paths"] for x in v), 1)} for k, v in runs.items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.paths_bench")
    ap.add_argument("--build", type=Path, default=ROOT / "build")
    add_store_argument(ap)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "paths.json")
    ap.add_argument("--json", action="store_true", help="print the results as JSON (default: a summary)")
    args = ap.parse_args(argv)
    from graph.analysis.pathways import Pathways

    t0 = time.perf_counter()
    pw = Pathways.load(args.build, args.store)
    load_ms = (time.perf_counter() - t0) * 1000
    g = pw.finder.g
    kind = {n: d["type"] for n, d in g.nodes(data=True)}
    roots = [n for n, t in kind.items() if t in ("Condition", "Input")]
    ends = [n for n, t in kind.items() if t in ("Outcome", "Impact")]
    procs = [n for n, t in kind.items() if t in ("Process", "Activity")]
    pairs = [(s, t) for s in roots + procs for t in ends]
    real = bench_finder(pw.finder, pairs, roots + procs, ends)

    width = 100
    t0 = time.perf_counter()
    big = Pathfinder(synthetic_view(width))
    build_ms = (time.perf_counter() - t0) * 1000
    rnd = random.Random(1)
    bnodes = list(big.g.nodes)
    bsrc = [n for n in bnodes if big.g.nodes[n]["type"] in ("Condition", "Input", "Process")]
    bend = [n for n in bnodes if big.g.nodes[n]["type"] in ("Outcome", "Impact")]
    bpairs = [(rnd.choice(bsrc), rnd.choice(bend)) for _ in range(20)]
    synthetic = bench_finder(big, bpairs, rnd.sample(bsrc, 10), rnd.sample(bend, 10))

    out = {
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
        "real": {"build": str(args.build), "elements": g.number_of_nodes(), "links": g.number_of_edges(),
                 "load_ms": round(load_ms, 1), **summarise(real)},
        "synthetic": {"elements": big.g.number_of_nodes(), "links": big.g.number_of_edges(),
                      "build_ms": round(build_ms, 1), **summarise(synthetic)},
        "caps": {"k": 5, "max_paths": 50, "max_depth": 8},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2), encoding="utf-8")
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        print(f"written: {args.out}")
        for key, val in out.items():
            print(f"  {key}: {json.dumps(val)[:160]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
