"""Search benchmark: end-to-end query latency on the seed corpus, and index scaling on synthetic vectors.

    python -m bench [--build DIR] [--sizes 10000,100000,1000000] [--queries 200] [--skip-seed] [--skip-synthetic]

Seed corpus: each judged query of tests/eval/queries.jsonl run cold (query-vector cache cleared) through
embed + search + fuse, and embed + search + fuse + answer card; p50/p99 over all runs.
Synthetic: clustered unit vectors (real sentence embeddings are clustered, uniform random ones are the
worst case no ANN index is built for) at each size: build time, memory, query p50/p99 of exact
(IndexFlatIP) and HNSW search at several efSearch, and HNSW recall@10 against exact. Results are merged
into bench/results/search.json (sizes not re-run keep their last figures) and rendered to search.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

from graph.cli import add_store_argument
from graph.settings import ROOT

RESULTS = ROOT / "bench" / "results"
DIM = 384
EF_SEARCH = (16, 32, 64, 96, 128, 256)
RECALL_FLOOR = 0.95


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


# ------------------------------------------------------------------ seed corpus

def bench_seed(build: Path | None, repeats: int = 5, store: str | None = None) -> dict:
    from search.engine import SearchEngine
    from search.evaluate import load_queries

    t0 = time.perf_counter()
    engine = SearchEngine.load(build, store=store)
    load_s = time.perf_counter() - t0
    queries = [q.query for q in load_queries()]
    for q in queries:  # warm-up pass: torch builds kernels per input length on first sight (one-off costs)
        engine.search(q)
        engine.card(q)
    timings: dict[str, list[float]] = {"embed": [], "search": [], "search+card": []}
    for _ in range(repeats):
        for q in queries:
            engine.forget()
            t = time.perf_counter()
            engine.encode_query(q)
            timings["embed"].append(time.perf_counter() - t)
            engine.forget()
            t = time.perf_counter()
            engine.search(q, k=10)
            timings["search"].append(time.perf_counter() - t)
            engine.forget()
            t = time.perf_counter()
            engine.search(q, k=10)
            engine.card(q)
            timings["search+card"].append(time.perf_counter() - t)
    return {
        "nodes": len(engine.vindex.ids), "index_kind": engine.vindex.kind, "load_s": round(load_s, 2),
        "runs": len(timings["search"]),
        **{f"{name}_ms": {"p50": round(pct(v, 50) * 1000, 2), "p99": round(pct(v, 99) * 1000, 2)}
           for name, v in timings.items()},
    }


# ------------------------------------------------------------------ synthetic

def synthetic(n: int, n_queries: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` unit vectors around n/500 random centres, and ``n_queries`` more from the same centres.

    Real sentence embeddings are clustered; uniform random vectors are the worst case no ANN index is built for.
    """
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((max(10, n // 500), DIM), dtype=np.float32)

    def draw(m: int) -> np.ndarray:
        out = np.empty((m, DIM), dtype=np.float32)
        for s in range(0, m, 100_000):
            c = min(100_000, m - s)
            x = centres[rng.integers(0, len(centres), c)] + 1.2 * rng.standard_normal((c, DIM), dtype=np.float32)
            out[s:s + c] = x / np.linalg.norm(x, axis=1, keepdims=True)
        return out

    return draw(n), draw(n_queries)


def _latencies(index, queries: np.ndarray, k: int = 10, params=None) -> tuple[list[float], np.ndarray]:
    times, found = [], np.empty((len(queries), k), dtype=np.int64)
    for i, q in enumerate(queries):
        t = time.perf_counter()
        _, rows = index.search(q.reshape(1, -1), k, params=params) if params else index.search(q.reshape(1, -1), k)
        times.append(time.perf_counter() - t)
        found[i] = rows[0]
    return times, found


def bench_size(n: int, n_queries: int, m: int, ef_construction: int) -> dict:
    import faiss

    from search.index import make_faiss

    t0 = time.perf_counter()
    data, queries = synthetic(n, n_queries, seed=n)
    gen_s = time.perf_counter() - t0
    flat = faiss.IndexFlatIP(DIM)
    t0 = time.perf_counter()
    flat.add(data)
    flat_build = time.perf_counter() - t0
    _, truth = flat.search(queries, 10)  # batched: exact ground truth
    flat_times, _ = _latencies(flat, queries[: min(100, n_queries)])
    before = rss_mb()
    t0 = time.perf_counter()
    hnsw = make_faiss(data, hnsw_above=0, m=m, ef_construction=ef_construction)
    hnsw_build = time.perf_counter() - t0
    hnsw_mem = rss_mb() - before
    sweep = []
    for ef in EF_SEARCH:
        times, found = _latencies(hnsw, queries, params=faiss.SearchParametersHNSW(efSearch=ef))
        recall = np.mean([len(set(f) & set(t)) / 10 for f, t in zip(found, truth, strict=True)])
        sweep.append({"efSearch": ef, "recall@10": round(float(recall), 4),
                      "p50_ms": round(pct(times, 50) * 1000, 3), "p99_ms": round(pct(times, 99) * 1000, 3)})
    chosen = next((s for s in sweep if s["recall@10"] >= RECALL_FLOOR), sweep[-1])
    return {
        "n": n, "dim": DIM, "queries": n_queries, "generate_s": round(gen_s, 1),
        "flat": {"build_s": round(flat_build, 2), "memory_mb": round(n * DIM * 4 / 2**20, 1),
                 "p50_ms": round(pct(flat_times, 50) * 1000, 3), "p99_ms": round(pct(flat_times, 99) * 1000, 3)},
        "hnsw": {"M": m, "efConstruction": ef_construction, "build_s": round(hnsw_build, 1),
                 "memory_mb": round(hnsw_mem, 1), "sweep": sweep, "chosen": chosen},
    }


# ------------------------------------------------------------------ report

def to_markdown(rep: dict) -> str:
    lines = ["# Search benchmark", "", f"Machine: {rep['machine']}", ""]
    s = rep.get("seed")
    if s:
        lines += ["## Seed corpus, end to end (model loaded and warmed by one pass; query vectors not cached)", "",
                  f"{s['nodes']} nodes, {s['index_kind']} index, {s['runs']} query runs; engine load {s['load_s']} s.",
                  "", "| step | p50 ms | p99 ms |", "|---|---|---|"]
        for key in ("embed_ms", "search_ms", "search+card_ms"):
            lines.append(f"| {key[:-3]} | {s[key]['p50']} | {s[key]['p99']} |")
        lines.append("")
    syn = rep.get("synthetic", {})
    if syn:
        lines += ["## Synthetic 384-d nodes (clustered unit vectors), single-query latency", "",
                  "| n | flat build s | flat p50/p99 ms | HNSW build s | HNSW mem MB | efSearch | recall@10 | "
                  "HNSW p50/p99 ms |", "|---|---|---|---|---|---|---|---|"]
        for n in sorted(syn, key=int):
            r = syn[n]
            c = r["hnsw"]["chosen"]
            lines.append(f"| {int(n):,} | {r['flat']['build_s']} | {r['flat']['p50_ms']} / {r['flat']['p99_ms']} | "
                         f"{r['hnsw']['build_s']} | {r['hnsw']['memory_mb']} | {c['efSearch']} | {c['recall@10']} | "
                         f"{c['p50_ms']} / {c['p99_ms']} |")
        lines += ["", "HNSW (M and efConstruction per row in search.json) efSearch sweep:", ""]
        for n in sorted(syn, key=int):
            sweep = ", ".join(f"ef {x['efSearch']}: recall {x['recall@10']}, p50 {x['p50_ms']} ms"
                              for x in syn[n]["hnsw"]["sweep"])
            lines.append(f"- {int(n):,}: {sweep}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description="Search latency and index scaling benchmark.")
    ap.add_argument("--build", type=Path, default=None, help="build directory for the seed-corpus run")
    add_store_argument(ap)
    ap.add_argument("--sizes", default="10000,100000", help="synthetic sizes, comma separated (1000000 takes minutes)")
    ap.add_argument("--queries", type=int, default=200, help="synthetic queries per size")
    ap.add_argument("--m", type=int, default=None, help="HNSW M (default: search.index.HNSW_M)")
    ap.add_argument("--ef-construction", type=int, default=None, help="HNSW efConstruction")
    ap.add_argument("--repeats", type=int, default=5, help="passes over the judged queries (seed corpus)")
    ap.add_argument("--skip-seed", action="store_true")
    ap.add_argument("--skip-synthetic", action="store_true")
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument("--json", action="store_true", help="print the whole report as JSON at the end")
    args = ap.parse_args(argv)
    from search.index import HNSW_EF_CONSTRUCTION, HNSW_M

    out = args.out / "search.json"
    try:
        rep = json.loads(out.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        rep = {}
    rep["machine"] = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    if not args.skip_seed:
        rep["seed"] = bench_seed(args.build, args.repeats, store=args.store)
        print(json.dumps(rep["seed"]), flush=True)
    if not args.skip_synthetic:
        rep.setdefault("synthetic", {})
        for n in [int(x) for x in args.sizes.split(",") if x.strip()]:
            r = bench_size(n, args.queries, args.m or HNSW_M, args.ef_construction or HNSW_EF_CONSTRUCTION)
            rep["synthetic"][str(n)] = r
            print(json.dumps({"n": n, "flat": r["flat"], "hnsw_build_s": r["hnsw"]["build_s"],
                              "chosen": r["hnsw"]["chosen"]}), flush=True)
            args.out.mkdir(parents=True, exist_ok=True)
            out.write_text(json.dumps(rep, indent=1), encoding="utf-8")
    args.out.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(rep, indent=1), encoding="utf-8")
    (args.out / "search.md").write_text(to_markdown(rep), encoding="utf-8")
    print(json.dumps(rep, indent=1) if args.json else f"written: {out}, {args.out / 'search.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
