"""Encoder parity and speed: sentence-transformers (torch) against the ONNX Runtime encoder, fp32 and int8.

    python -m bench.encoder_parity [--build DIR] [--queries N] [--json]

Over every text the search index embeds today (each node's views, as search.index builds them): per-text
cosine of ONNX fp32 / int8 against sentence-transformers (min, p1, median), batch throughput in texts/s,
hit@5/MRR of dense and hybrid search on tests/eval/*.jsonl with each encoder's index; over ``N`` short queries
(the judged queries cycled) the single-query encode latency, each encoder alone in a fresh process, the three
taking turns round by round so they share the machine's background load; and the import time of each serving
path in a fresh process (import + load + one encode). The int8 graph is quantized into a temporary folder
here, whether or not the export's parity gate keeps it. Writes bench/results/encoder.json and encoder.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
EVAL = ROOT / "tests" / "eval"

IMPORT_ONNX = ("import time; t = time.perf_counter(); import graph.text.onnx as o; o.OnnxEncoder().encode(['a query']);"
               " import sys; print(time.perf_counter() - t, 'torch' in sys.modules)")
IMPORT_ST = ("import time; t = time.perf_counter(); from graph.text.embed import Embedder;"
             " Embedder().encode(['a query']);"
             " import sys; print(time.perf_counter() - t, 'torch' in sys.modules)")


def pct(xs, p: float) -> float:
    xs = sorted(xs)
    return float(xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))])


def index_texts(kg) -> list[str]:
    """Every distinct text the index embeds (all views of all nodes), as search.index collects them."""
    from search.text import DEFAULT_VARIANT, node_views

    return sorted({t for nid in sorted(kg.nodes) for t in node_views(kg.nodes[nid], DEFAULT_VARIANT)})


def query_sets() -> dict[str, list]:
    from search.evaluate import load_queries

    return {f.stem: load_queries(f) for f in sorted(EVAL.glob("*.jsonl"))}


def timed_encode(encode, texts: list[str]) -> tuple[np.ndarray, float]:
    encode(texts[:8])  # warm-up: first-call allocations are not throughput
    t = time.perf_counter()
    v = encode(texts)
    return v, time.perf_counter() - t


def cosine_stats(v: np.ndarray, ref: np.ndarray) -> dict:
    c = np.sum(v * ref, axis=1)
    return {"min": round(float(c.min()), 6), "p1": round(pct(c.tolist(), 1), 6),
            "median": round(float(np.median(c)), 6), "texts": len(c)}


def relevance(kg, encode, sets: dict) -> dict:
    """hit@5 / MRR with an in-memory index and query vectors from ``encode`` (the saved index is not touched)."""
    from search.engine import SearchEngine
    from search.evaluate import score
    from search.index import index_in_memory

    engine = SearchEngine(kg, index_in_memory(kg, encode), encoder=encode)
    return {name: {m: score(engine, qs, m).row() for m in ("dense", "hybrid")} for name, qs in sets.items()}


def latency_worker(name: str, onnx_file: str, queries: list[str]) -> list[float]:
    """Seconds per single-query encode for one encoder, alone in this process (after a warm-up pass)."""
    if name == "sentence-transformers":
        from graph.text.embed import Embedder

        enc = Embedder().encode
    else:
        from graph.text.onnx import OnnxEncoder

        enc = OnnxEncoder(onnx_file=Path(onnx_file)).encode
    for q in queries[:20]:
        enc([q])
    times = []
    for q in queries:
        t = time.perf_counter()
        enc([q])
        times.append(time.perf_counter() - t)
    return times


def query_latency(files: dict[str, str], queries: list[str], rounds: int) -> dict:
    """Median/p95 ms per encoder, one query at a time, each encoder in its own fresh process.

    Not in one process: torch's OpenMP threads keep spinning after each call and starve ONNX Runtime's threads
    (and the reverse), which measured 135 ms for torch and 10.7 ms for ONNX fp32 against 8.9 and 2.9 alone.
    The encoders take turns round by round, so they share the background load.
    """
    env = dict(os.environ, HF_HUB_OFFLINE="1", PYTHONPATH=str(ROOT))
    times: dict[str, list[float]] = {k: [] for k in files}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(queries, fh)
    try:
        for _ in range(rounds):
            for name, f in files.items():
                out = subprocess.run([sys.executable, "-m", "bench.encoder_parity", "--worker", name,
                                      "--worker-onnx", f, "--worker-queries", fh.name], capture_output=True,
                                     text=True, cwd=ROOT, env=env, check=True).stdout
                times[name] += json.loads(out.strip().splitlines()[-1])
    finally:
        os.unlink(fh.name)
    return {k: {"p50_ms": round(statistics.median(v) * 1000, 2), "p95_ms": round(pct(v, 95) * 1000, 2),
                "runs": len(v)} for k, v in times.items()}


def import_time(code: str, repeats: int) -> dict:
    env = dict(os.environ, HF_HUB_OFFLINE="1", PYTHONPATH=str(ROOT))
    inner, wall, torch_loaded = [], [], None
    for _ in range(repeats):
        t = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env,
                             check=True).stdout.split()
        wall.append(time.perf_counter() - t)
        inner.append(float(out[-2]))
        torch_loaded = out[-1] == "True"
    return {"import_load_encode_s": round(statistics.median(inner), 2),
            "process_wall_s": round(statistics.median(wall), 2), "torch_in_sys_modules": torch_loaded,
            "repeats": repeats}


def run(build: Path | None, n_queries: int, rounds: int, import_repeats: int) -> dict:
    from graph.store import KnowledgeGraph, default_build
    from graph.text.embed import Embedder
    from graph.text.onnx import OnnxEncoder
    from graph.text.onnx_export import FP32_NAME, export, quantize_int8

    load0 = os.getloadavg()[0]
    kg = KnowledgeGraph.load(Path(build) if build else default_build())
    texts = index_texts(kg)
    sets = query_sets()
    exp = export()  # reuses the cached export when current
    tmp = Path(tempfile.mkdtemp(prefix="ep-int8-"))
    quantize_int8(Path(exp.dir) / FP32_NAME, tmp / "model.int8.onnx")
    st = Embedder()
    fp32 = OnnxEncoder(onnx_file=Path(exp.dir) / FP32_NAME)
    int8 = OnnxEncoder(onnx_file=tmp / "model.int8.onnx")
    encoders = {"sentence-transformers": st.encode, "onnx-fp32": fp32.encode, "onnx-int8": int8.encode}
    vecs, through = {}, {}
    for name, enc in encoders.items():
        vecs[name], secs = timed_encode(enc, texts)
        through[name] = {"texts": len(texts), "seconds": round(secs, 2), "texts_per_s": round(len(texts) / secs, 1)}
    ref = vecs["sentence-transformers"]
    short = [q.query for qs in sets.values() for q in qs]
    short = (short * (n_queries // max(1, len(short)) + 1))[:n_queries]
    rep = {
        "queries": len(short), "rounds": rounds,
        "load_avg_1m_start_end": [round(load0, 2), round(os.getloadavg()[0], 2)],
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "model": fp32.id, "onnx_dir": exp.dir, "export_gate": {"fp32_min_cosine": exp.fp32_min_cosine,
                                                               "int8_min_cosine": exp.int8_min_cosine,
                                                               "int8_kept": exp.int8_kept, "notes": exp.notes},
        "cosine": {k: cosine_stats(vecs[k], ref) for k in ("onnx-fp32", "onnx-int8")},
        "throughput": through,
        "query_latency": query_latency({"sentence-transformers": "", "onnx-fp32": str(fp32.onnx_file),
                                        "onnx-int8": str(int8.onnx_file)}, short, rounds),
        "relevance": {k: relevance(kg, enc, sets) for k, enc in encoders.items()},
        "import": {"onnx": import_time(IMPORT_ONNX, import_repeats),
                   "sentence-transformers": import_time(IMPORT_ST, import_repeats)},
    }
    for f in tmp.iterdir():
        f.unlink()
    tmp.rmdir()
    return rep


def to_markdown(r: dict) -> str:
    lat, thr, imp = r["query_latency"], r["throughput"], r["import"]
    st_lat = lat["sentence-transformers"]["p50_ms"]
    lines = ["# Encoder parity and speed: sentence-transformers (torch) vs ONNX Runtime", "",
             f"Machine: {r['machine']}. Model {r['model']}; export in {r['onnx_dir']}. 1-minute load average "
             f"at start / end {r['load_avg_1m_start_end']} (shared machine: other jobs ran alongside).", "",
             f"## Parity over every indexed text ({r['cosine']['onnx-fp32']['texts']} texts)", "",
             "| encoder | min cosine | p1 | median |", "|---|---|---|---|"]
    for k, c in r["cosine"].items():
        lines.append(f"| {k} | {c['min']:.4f} | {c['p1']:.4f} | {c['median']:.4f} |")
    g = r["export_gate"]
    lines += ["", f"Export gate (corpus sentences): fp32 min {g['fp32_min_cosine']}, int8 min {g['int8_min_cosine']}"
              f" -> int8 {'kept' if g['int8_kept'] else 'not kept'}.", "",
              "## Retrieval with each encoder's index (in memory)", "",
              "| encoder | set | dense hit@5 | dense MRR | hybrid hit@5 | hybrid MRR |", "|---|---|---|---|---|---|"]
    for k, sets in r["relevance"].items():
        for s, m in sets.items():
            lines.append(f"| {k} | {s} | {m['dense']['hit@5']} | {m['dense']['mrr']} | {m['hybrid']['hit@5']} | "
                         f"{m['hybrid']['mrr']} |")
    lines += ["", "## Single-query encode (each encoder alone in a fresh process, taking turns round by round)", "",
              "| encoder | p50 ms | p95 ms | runs | p50 vs torch |", "|---|---|---|---|---|"]
    for k, v in lat.items():
        lines.append(f"| {k} | {v['p50_ms']} | {v['p95_ms']} | {v['runs']} | {st_lat / v['p50_ms']:.1f}x |")
    lines += ["", "## Batch throughput (every indexed text, batch 64)", "",
              "| encoder | texts | seconds | texts/s |", "|---|---|---|---|"]
    for k, v in thr.items():
        lines.append(f"| {k} | {v['texts']} | {v['seconds']} | {v['texts_per_s']} |")
    lines += ["", "## Serving-path start (fresh process: import, load, one encode; medians)", "",
              "| path | import+load+encode s | process wall s | torch in sys.modules |", "|---|---|---|---|"]
    for k, v in imp.items():
        lines.append(f"| {k} | {v['import_load_encode_s']} | {v['process_wall_s']} | {v['torch_in_sys_modules']} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.encoder_parity", description=(
        "Parity and speed of the ONNX encoder against sentence-transformers. Exit 0 written; 3 no build."))
    ap.add_argument("--build", type=Path, default=None, help="build directory (default: build/ or $EP_BUILD)")
    ap.add_argument("--queries", type=int, default=200, help="short queries per latency round (judged queries cycled)")
    ap.add_argument("--rounds", type=int, default=3, help="passes over the short queries")
    ap.add_argument("--import-repeats", type=int, default=3, help="fresh processes per serving path")
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument("--json", action="store_true", help="print the report as JSON")
    ap.add_argument("--worker", help=argparse.SUPPRESS)  # internal: one encoder's latency run in a fresh process
    ap.add_argument("--worker-onnx", default="", help=argparse.SUPPRESS)
    ap.add_argument("--worker-queries", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        queries = json.loads(args.worker_queries.read_text(encoding="utf-8"))
        print(json.dumps(latency_worker(args.worker, args.worker_onnx, queries)))
        return 0
    from bench.report import run_and_write

    return run_and_write(args.out, "encoder", lambda: run(args.build, args.queries, args.rounds, args.import_repeats),
                         to_markdown, args.json)


if __name__ == "__main__":
    sys.exit(main())
