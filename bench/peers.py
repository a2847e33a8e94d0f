"""Side by side with txtai: the same model, the same documents, the same questions, in one process.

    python -m bench.peers [--build DIR] [--repeats N] [--json]

txtai is set up as its documentation shows a typical user doing it: ``Embeddings(path=<our model folder>,
hybrid=True, content=True)`` (BM25 + dense), indexing the corpus documents the build ingested, split into
paragraph chunks (blank-line separated). Ours is ``search.engine.SearchEngine`` loaded as ``python -m search``
loads it, so its queries are encoded by the serving encoder (``graph/text/encoder.py``: ONNX Runtime when
the export exists; the report names it). Every query of every ``tests/eval/*.jsonl`` set runs through ours
(search), theirs, and ours (search + answer card) in turn, query by query, so all three see the same
background load; our query-vector cache is cleared before each of our runs (txtai keeps none). Needs the
``bench`` extra (``pip install -e .[bench]``).

Relevance for txtai (it returns chunks, not graph nodes): a chunk is a hit for a query when, for one of the
query's expected nodes, the chunk overlaps one of that node's source spans (same document, character ranges
intersect) or contains the node's own text start (first 60 characters, whitespace and case normalised).
Writes bench/results/peers.json and peers.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
EVAL = ROOT / "tests" / "eval"
HEAD_CHARS = 60  # how much of a node's text start identifies it inside a chunk
K = 10
RULE = ("a txtai chunk is a hit when it overlaps a source span (document and character range) of an expected node, "
        f"or contains the expected node's first {HEAD_CHARS} characters (whitespace and case normalised)")


@dataclass(frozen=True)
class Chunk:
    id: str
    doc_id: str
    start: int
    end: int
    text: str


def norm(text: str) -> str:
    return " ".join(text.split()).lower()


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def documents(kg) -> dict[str, str]:
    """doc id -> full text of every document the graph cites, read from the source paths the build recorded."""
    out: dict[str, str] = {}
    for n in kg.nodes.values():
        for s in n.sources:
            if s.doc_id not in out:
                p = Path(s.path)
                out[s.doc_id] = (p if p.is_absolute() else ROOT / p).read_text(encoding="utf-8")
    return out


def paragraphs(doc_id: str, text: str) -> list[Chunk]:
    """Blank-line separated paragraphs with their character offsets (what a typical txtai user indexes)."""
    chunks, pos = [], 0
    for m in re.finditer(r"\n\s*\n", text + "\n\n"):
        a, b = pos, m.start()
        pos = m.end()
        piece = text[a:b]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            chunks.append(Chunk(f"{doc_id}#{a + lead}", doc_id, a + lead, a + len(piece.rstrip()), piece.strip()))
    return chunks


def chunk_hits(chunk: Chunk, relevant: tuple[str, ...], kg) -> bool:
    body = norm(chunk.text)
    for nid in relevant:
        n = kg.nodes.get(nid)
        if n is None:
            continue
        if any(s.doc_id == chunk.doc_id and s.start < chunk.end and chunk.start < s.end for s in n.sources):
            return True
        head = norm(n.text)[:HEAD_CHARS]
        if head and head in body:
            return True
    return False


def metrics(ranks: list[int]) -> dict:
    n = max(1, len(ranks))
    return {"hit@1": round(sum(r == 1 for r in ranks) / n, 4), "hit@5": round(sum(0 < r <= 5 for r in ranks) / n, 4),
            "mrr": round(sum(1 / r for r in ranks if r) / n, 4), "queries": len(ranks)}


def by_persona(scored: list[tuple[str, int]]) -> dict:
    """Every query's metrics, then each persona's."""
    out = {"all": metrics([r for _, r in scored])}
    for p in sorted({p for p, _ in scored if p}):
        out[p] = metrics([r for q, r in scored if q == p])
    return out


def latency(times: list[float]) -> dict:
    return {"p50_ms": round(statistics.median(times) * 1000, 2), "p95_ms": round(pct(times, 95) * 1000, 2),
            "runs": len(times)}


def load_txtai(model: Path, chunks: list[Chunk]):
    from txtai import Embeddings

    emb = Embeddings(path=str(model), hybrid=True, content=True)
    emb.index([(c.id, c.text, None) for c in chunks])
    return emb


def run(build: Path | None, repeats: int, with_torch: bool = False, only: tuple[str, ...] = ()) -> dict:
    from graph.store import default_build
    from graph.text.encoder import get_encoder
    from graph.text.model import model_path
    from search.engine import SearchEngine
    from search.evaluate import Judge, first_rank, load_queries

    load0 = os.getloadavg()[0]
    t0 = time.perf_counter()
    engine = SearchEngine.load(Path(build) if build else default_build())
    ours_load = time.perf_counter() - t0
    kg = engine.kg
    judge = Judge(kg)
    encoder = get_encoder().name
    ref_engine = None
    if with_torch:  # the same index (same model id: the export's parity was checked), queries through torch
        ref_engine = SearchEngine(kg, engine.vindex, engine.build, encoder=get_encoder(name="torch").encode)
    chunks = [c for d, text in sorted(documents(kg).items()) for c in paragraphs(d, text)]
    by_id = {c.id: c for c in chunks}
    t0 = time.perf_counter()
    emb = load_txtai(model_path(), chunks)
    txtai_load = time.perf_counter() - t0
    sets = {f.stem: load_queries(f) for f in sorted(EVAL.glob("*.jsonl")) if not only or f.stem in only}
    every = [q for qs in sets.values() for q in qs]
    for q in every:  # warm-up pass for both (first-call kernel and allocation costs)
        engine.search(q.query, k=K)
        engine.card(q.query)
        emb.search(q.query, K)
        if ref_engine:
            ref_engine.search(q.query, k=K)
    times: dict[str, list[float]] = {"ours search": [], "txtai hybrid search": [], "ours search+card": []}
    ranks: dict[str, dict[str, list[tuple[str, int]]]] = {s: {"ours": [], "txtai": []} for s in sets}
    cards: dict[str, list[tuple[str, bool]]] = {s: [] for s in sets}
    if ref_engine:
        times["ours (torch) search"] = []
        for r in ranks.values():
            r["ours (torch)"] = []
    for rep in range(repeats):
        for name, qs in sets.items():
            for q in qs:
                engine.forget()
                t = time.perf_counter()
                ours = engine.search(q.query, k=K)
                times["ours search"].append(time.perf_counter() - t)
                t = time.perf_counter()
                theirs = emb.search(q.query, K)
                times["txtai hybrid search"].append(time.perf_counter() - t)
                engine.forget()
                t = time.perf_counter()
                engine.search(q.query, k=K)
                card = engine.card(q.query)
                times["ours search+card"].append(time.perf_counter() - t)
                rel = judge.relevant(q)
                if ref_engine:
                    ref_engine.forget()
                    t = time.perf_counter()
                    ours_ref = ref_engine.search(q.query, k=K)
                    times["ours (torch) search"].append(time.perf_counter() - t)
                    if rep == 0 and q.relevant:
                        ranks[name]["ours (torch)"].append((q.persona, first_rank([r.id for r in ours_ref], rel)))
                if rep == 0 and q.relevant:  # judged unanswerable (no relevant node): timed, not scored
                    ranks[name]["ours"].append((q.persona, first_rank([r.id for r in ours], rel)))
                    cards[name].append((q.persona, bool(card and card.headline.id in rel)))
                    hits = [chunk_hits(by_id[r["id"]], tuple(rel), kg) for r in theirs]
                    ranks[name]["txtai"].append((q.persona, next((i for i, h in enumerate(hits, 1) if h), 0)))
    lat = {k: latency(v) for k, v in times.items()}
    base = lat["txtai hybrid search"]["p50_ms"]
    return {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "load_avg_1m_start_end": [round(load0, 2), round(os.getloadavg()[0], 2)],
        "model": str(model_path()), "nodes": len(kg.nodes), "chunks": len(chunks),
        "documents": len({c.doc_id for c in chunks}), "repeats": repeats,
        "load_s": {"ours": round(ours_load, 2), "txtai": round(txtai_load, 2)},
        "latency": lat,
        "ratio_txtai_p50_over": {k: round(base / v["p50_ms"], 2) for k, v in lat.items() if k != "txtai hybrid search"},
        "relevance": {s: {k: by_persona(v) for k, v in r.items()} for s, r in ranks.items()},
        "card_right": {s: {p: round(sum(ok for q, ok in c if p in ("all", q)) / max(1, sum(p in ("all", q)
                                                                                         for q, _ in c)), 4)
                           for p in ("all", *sorted({q for q, _ in c if q}))} for s, c in cards.items()},
        "relevance_rule": RULE, "encoder": encoder, "with_torch": with_torch,
        "txtai_config": {"path": "<model folder>", "hybrid": True, "content": True,
                         "chunks": "blank-line paragraphs of each document"},
    }


def to_markdown(r: dict) -> str:
    lines = ["# Side by side: ours vs txtai (same model, same documents, same questions, one process)", "",
             f"Machine: {r['machine']}. {r['documents']} documents: ours {r['nodes']} graph nodes, txtai "
             f"{r['chunks']} paragraph chunks (`Embeddings(path=model, hybrid=True, content=True)`). Our query "
             f"vectors: {r.get('encoder', 'torch')}. Queries "
             f"alternate ours / txtai / ours query by query, {r['repeats']} passes after a warm-up pass. "
             f"Load: ours {r['load_s']['ours']} s, txtai {r['load_s']['txtai']} s (index from scratch). "
             f"1-minute load average at start / end {r['load_avg_1m_start_end']} (shared machine).", "",
             "| system | p50 ms | p95 ms | runs | txtai p50 / this p50 |", "|---|---|---|---|---|"]
    for k, v in r["latency"].items():
        ratio = r["ratio_txtai_p50_over"].get(k)
        lines.append(f"| {k} | {v['p50_ms']} | {v['p95_ms']} | {v['runs']} | {f'{ratio}x' if ratio else '1x'} |")
    lines += ["", "| query set | system | who | hit@1 | hit@5 | MRR (top 10) | card right | queries |",
              "|---|---|---|---|---|---|---|---|"]
    for s, sysm in r["relevance"].items():
        for k, per in sysm.items():
            for who, m in per.items():
                card = r.get("card_right", {}).get(s, {}).get(who) if k == "ours" else None
                lines.append(f"| {s} | {k} | {who} | {m['hit@1']} | {m['hit@5']} | {m['mrr']} | "
                             f"{'' if card is None else card} | {m['queries']} |")
    if r.get("with_torch"):
        lines += ["", "`ours (torch) search`: the same engine and index with query vectors from sentence-transformers "
                  "(the reference encoder), in the same process."]
    lines += ["", "txtai runs on torch in this process, so torch's thread pool shares the 2 cores with ONNX "
              "Runtime's; bench/results/speed.md times ours alone."]
    lines += ["", f"Relevance rule for txtai: {r['relevance_rule']}. Ours: the judged node ids, and any node "
              "containing an accepted phrase (search/evaluate.py's Judge); card right: the card's answer is one. "
              "Queries judged unanswerable (no relevant node) are timed but not scored.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.peers", description=(
        "Ours and txtai side by side in one process over tests/eval/*.jsonl. Exit 0 written; 3 no build; "
        "4 txtai not installed (pip install -e .[bench])."))
    ap.add_argument("--build", type=Path, default=None, help="build directory (default: build/ or $EP_BUILD)")
    ap.add_argument("--repeats", type=int, default=3, help="timed passes over the query sets")
    ap.add_argument("--with-torch", action="store_true", help=(
        "also time ours with query vectors from sentence-transformers, the reference encoder"))
    ap.add_argument("--sets", default="", help="comma-separated file stems of tests/eval/*.jsonl (default: all)")
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument("--json", action="store_true", help="print the report as JSON")
    args = ap.parse_args(argv)
    from bench.report import run_and_write

    try:
        import txtai  # noqa: F401
    except ImportError:
        print("txtai is not installed: pip install -e .[bench]", file=sys.stderr)
        return 4
    return run_and_write(args.out, "peers", lambda: run(args.build, args.repeats, args.with_torch,
                                                         tuple(s for s in args.sets.split(",") if s)), to_markdown,
                         args.json)


if __name__ == "__main__":
    sys.exit(main())
