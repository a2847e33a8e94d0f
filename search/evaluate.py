"""python -m search.evaluate [--build DIR] [--json] [--quick]

hit@1, hit@5 and MRR of BM25 alone, dense alone and hybrid over the judged queries in
tests/eval/queries.jsonl; also (unless --quick) the text variants embedded and an RRF sweep, so the
defaults in search/text.py and search/fuse.py rest on numbers. Writes bench/results/eval.json and .md.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from graph import cli
from graph.cli import add_store_argument
from graph.ns import ELEMENT_CLASSES
from graph.settings import ROOT
from search.engine import SearchEngine
from search.index import index_in_memory
from search.text import VARIANTS

QUERIES = ROOT / "tests" / "eval" / "queries.jsonl"
RESULTS = ROOT / "bench" / "results"
MODES = ("bm25", "dense", "hybrid")


@dataclass(frozen=True)
class Judged:
    query: str
    relevant: tuple[str, ...]
    persona: str = ""


@dataclass
class Metrics:
    queries: int
    hit1: float
    hit5: float
    mrr: float
    ranks: list[int] = field(default_factory=list, repr=False)  # rank of the first relevant hit, 0 = not in top 10

    def row(self) -> dict:
        return {"hit@1": round(self.hit1, 4), "hit@5": round(self.hit5, 4), "mrr": round(self.mrr, 4)}


def load_queries(path: Path = QUERIES) -> list[Judged]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            out.append(Judged(d["query"], tuple(d["relevant"]), d.get("persona", "")))
    return out


def first_rank(ids: list[str], relevant: tuple[str, ...]) -> int:
    return next((i for i, nid in enumerate(ids, 1) if nid in relevant), 0)


def score(engine, queries: list[Judged], mode: str, k: int = 10) -> Metrics:
    return _metrics([first_rank([r.id for r in engine.search(q.query, k=k, mode=mode)], q.relevant)
                     for q in queries])


def card_accuracy(engine, queries: list[Judged]) -> dict:
    """Of the queries whose judgments name a model element, how often the card shows one of them."""
    judged = [q for q in queries if any(r.split("/")[0].capitalize() in ELEMENT_CLASSES for r in q.relevant)]
    hits = 0
    for q in judged:
        card = engine.card(q.query)
        hits += bool(card and card.element.id in q.relevant)
    return {"queries": len(judged), "element@1": round(hits / max(1, len(judged)), 4)}


def compare_variants(engine, queries: list[Judged]) -> dict[str, dict]:
    """Each way of composing the embedded text, scored in memory (the saved index is not touched)."""

    encode = engine._encoder
    out = {}
    for name in VARIANTS:
        if name == engine.variant:
            out[name] = {m: score(engine, queries, m).row() for m in MODES}
            continue
        vi = index_in_memory(engine.kg, encode, name)
        e = SearchEngine(engine.kg, vi, encoder=encode, variant=name)
        out[name] = {m: score(e, queries, m).row() for m in MODES}
    return out


def _metrics(ranks: list[int]) -> Metrics:
    n = max(1, len(ranks))
    return Metrics(len(ranks), sum(r == 1 for r in ranks) / n, sum(0 < r <= 5 for r in ranks) / n,
                   sum(1 / r for r in ranks if r) / n, ranks)


def sweep_rrf(engine, queries: list[Judged]) -> dict:
    """Hybrid scores over RRF k and dense weight, plus a split-half check of choosing them on half the queries."""
    saved = engine.rrf_k, dict(engine.weights)
    rows, ranks = [], {}
    try:
        for k in (1, 5, 10, 20, 40, 60, 100):
            for wd in (0.5, 1.0, 1.5, 2.0):
                engine.rrf_k, engine.weights = k, {"dense": wd, "bm25": 1.0}
                m = score(engine, queries, "hybrid")
                ranks[(k, wd)] = m.ranks
                rows.append({"rrf_k": k, "dense_weight": wd, **m.row()})
    finally:
        engine.rrf_k, engine.weights = saved
    halves = {"even": list(range(0, len(queries), 2)), "odd": list(range(1, len(queries), 2))}
    split = {}
    for train, test in (("even", "odd"), ("odd", "even")):
        def on(cfg, part):
            return _metrics([ranks[cfg][i] for i in halves[part]])
        best = max(ranks, key=lambda cfg: (on(cfg, train).hit5, on(cfg, train).mrr, cfg[0]))
        split[f"chosen on {train}"] = {"rrf_k": best[0], "dense_weight": best[1], "train": on(best, train).row(),
                                       "test": on(best, test).row()}
    return {"grid": rows, "split_half": split}


def run(engine, queries: list[Judged], quick: bool = False) -> dict:
    t0 = time.perf_counter()
    metrics = {m: score(engine, queries, m) for m in MODES}
    report = {
        "queries": len(queries),
        "model": engine.vindex.meta.model,
        "variant": engine.variant,
        "rrf_k": engine.rrf_k,
        "weights": engine.weights,
        "modes": {m: metrics[m].row() for m in MODES},
        "card": card_accuracy(engine, queries),
        "per_query": [{"query": q.query, "persona": q.persona, **{m: metrics[m].ranks[i] for m in MODES}}
                      for i, q in enumerate(queries)],
    }
    if not quick:
        report["variants"] = compare_variants(engine, queries)
        report["rrf_sweep"] = sweep_rrf(engine, queries)
    report["seconds"] = round(time.perf_counter() - t0, 1)
    return report


def to_markdown(rep: dict) -> str:
    lines = [f"# Search evaluation ({rep['queries']} judged queries, model `{rep['model']}`)", "",
             f"Embedded text variant: `{rep['variant']}`; RRF k={rep['rrf_k']}, weights {rep['weights']}.", "",
             "| mode | hit@1 | hit@5 | MRR |", "|---|---|---|---|"]
    for m, r in rep["modes"].items():
        lines.append(f"| {m} | {r['hit@1']:.3f} | {r['hit@5']:.3f} | {r['mrr']:.3f} |")
    c = rep["card"]
    lines += ["", f"Answer card shows a judged element for {c['element@1']:.3f} of the {c['queries']} queries "
              "whose judgments include a model element.", ""]
    if "variants" in rep:
        lines += ["## Embedded text variants (hit@5 / MRR)", "", "| variant | bm25 | dense | hybrid |",
                  "|---|---|---|---|"]
        for name, rows in rep["variants"].items():
            lines.append(f"| {name} | " + " | ".join(f"{rows[m]['hit@5']:.3f} / {rows[m]['mrr']:.3f}"
                                                     for m in MODES) + " |")
        lines += ["", "## RRF sweep (hybrid)", "", "Split-half check (choose k and weight on half the queries, score "
                  "the other half):", ""]
        for name, r in rep["rrf_sweep"]["split_half"].items():
            lines.append(f"- {name}: k={r['rrf_k']}, dense weight {r['dense_weight']}: train hit@5 "
                         f"{r['train']['hit@5']:.3f}, test hit@5 {r['test']['hit@5']:.3f} (MRR {r['test']['mrr']:.3f})")
        lines += ["", "| k | dense weight | hit@1 | hit@5 | MRR |", "|---|---|---|---|---|"]
        for r in rep["rrf_sweep"]["grid"]:
            lines.append(f"| {r['rrf_k']} | {r['dense_weight']} | {r['hit@1']:.3f} | {r['hit@5']:.3f} "
                         f"| {r['mrr']:.3f} |")
    misses = [q for q in rep["per_query"] if not 0 < q["hybrid"] <= 5]
    lines += ["", f"## Queries without a judged node in the hybrid top 5 ({len(misses)})", ""]
    lines += [f"- {q['query']} (hybrid rank {q['hybrid'] or '>10'}, dense {q['dense'] or '>10'}, "
              f"bm25 {q['bm25'] or '>10'})" for q in misses] or ["- none"]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m search.evaluate", description=(
        "Score BM25, dense and hybrid search on the judged queries; write bench/results/eval.{json,md}."))
    ap.add_argument("--build", type=Path, default=None, help="build directory (default: build/ or $EP_BUILD)")
    ap.add_argument("--queries", type=Path, default=QUERIES, help="JSON lines with query and relevant ids")
    ap.add_argument("--json", action="store_true", help="print the report as JSON")
    ap.add_argument("--quick", action="store_true", help="skip the text-variant comparison and the RRF sweep")
    ap.add_argument("--out", type=Path, default=RESULTS, help="where eval.json and eval.md go")
    add_store_argument(ap)
    args = ap.parse_args(argv)
    store = cli.parse_store("python -m search.evaluate", args.store)
    return store if isinstance(store, int) else cli.run(
        "python -m search.evaluate", lambda: _evaluate(args, SearchEngine.load(args.build, store=store)))


def _evaluate(args, engine) -> int:
    rep = run(engine, load_queries(args.queries), quick=args.quick)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "eval.json").write_text(json.dumps(rep, indent=1), encoding="utf-8")
    (args.out / "eval.md").write_text(to_markdown(rep), encoding="utf-8")
    if args.json:
        print(json.dumps({k: v for k, v in rep.items() if k != "per_query"}, indent=1))
    else:
        print(f"{'mode':8} {'hit@1':>6} {'hit@5':>6} {'MRR':>6}   ({rep['queries']} queries)")
        for m, r in rep["modes"].items():
            print(f"{m:8} {r['hit@1']:6.3f} {r['hit@5']:6.3f} {r['mrr']:6.3f}")
        print(f"card element@1: {rep['card']['element@1']:.3f} of {rep['card']['queries']}")
        print(f"written: {args.out / 'eval.json'}, {args.out / 'eval.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
