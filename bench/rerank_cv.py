"""Would the reranker do better fitted on judged questions from real pages? Leave-one-set-out on the choosing sets.

    python -m bench.rerank_cv [--build DIR] [--l2 1.0] [--json]

The shipped reranker (bench/rerank_fit.py) is fitted on blind-written questions only. The choosing sets hold
questions written from real public pages and judged, the kind a report set holds, so fitting the 16 weights on
them is the obvious next try. Held out one group at a time (a set with its second judge is one group: the same
questions), each configuration is fitted on the rest and scored on the group: how often the reranked head's first
node is judged relevant (hit@1, which the answer card reads). Configurations: the blind questions alone (as
shipped), blind plus the other groups' judged questions counted 1, 3 or 10 times, and the judged questions
alone. Reads the choosing sets only; writes bench/results/rerank_cv.{md,json}.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

import numpy as np

from bench import rerank_fit
from bench.report import run_and_write
from search import evaluate as ev
from search import learned
from search.engine import SearchEngine

RESULTS = Path(__file__).parent / "results"
CONFIGS = (("blind questions only (shipped)", 1, 0), ("blind + judged x1", 1, 1), ("blind + judged x3", 1, 3),
           ("blind + judged x10", 1, 10), ("judged only", 0, 1))

Rows = list[tuple[np.ndarray, np.ndarray]]


def judged_rows(engine: SearchEngine) -> dict[str, Rows]:
    """Per choosing set, (head features, 1 for each node judged relevant) of every answerable question."""
    judge = ev._judge(engine)
    out: dict[str, Rows] = {}
    for name in ev.CHOOSING:
        rows = []
        for q in ev.load_queries(ev.SETS[name]):
            ids, X = engine.head_features(q.query)
            rel = judge.relevant(q)
            rows.append((X.astype("float64"), np.array([i in rel for i in ids], dtype="float64")))
        out[name] = rows
    return out


def hits_at_1(reranker: learned.Reranker, rows: Rows) -> int:
    return sum(bool(len(y) and y[int(np.argmax(reranker.scores(X.astype("float32"))))]) for X, y in rows)


def cross_validate(blind: Rows, judged: dict[str, Rows], l2: float, names: tuple[str, ...]) -> list[dict]:
    groups = sorted({n.removesuffix("-second") for n in judged})
    out = []
    for label, w_blind, w_judged in CONFIGS:
        hits = total = 0
        for g in groups:
            held = [r for n, rs in judged.items() if n.removesuffix("-second") == g for r in rs]
            rest = [r for n, rs in judged.items() if n.removesuffix("-second") != g for r in rs if r[1].any()]
            w, mean, scale = rerank_fit.fit(blind * w_blind + rest * w_judged, names, l2)
            hits += hits_at_1(learned.Reranker(names, w, mean, scale, ""), held)
            total += len(held)
        out.append({"config": label, "hit@1": round(hits / total, 4), "questions": total})
    return out


def run(build: Path | None, l2: float) -> dict:
    engine = SearchEngine.load(build)
    engine.method = dataclasses.replace(engine.method, learned=False)
    blind = rerank_fit.training_rows(engine, rerank_fit.QUESTIONS)
    judged = judged_rows(engine)
    fused = sum(bool(len(y) and y[0]) for rs in judged.values() for _, y in rs)
    n = sum(len(rs) for rs in judged.values())
    names = tuple(f for f in learned.FEATURES if f not in rerank_fit.KIND_FEATURES)
    rows = cross_validate(blind, judged, l2, names)
    return {"model": engine.vindex.meta.model, "l2": l2, "questions": n, "groups": len({
        k.removesuffix("-second") for k in judged}), "fused_hit@1": round(fused / n, 4),
        "in_head": round(sum(bool(y.any()) for rs in judged.values() for _, y in rs) / n, 4), "configs": rows}


def to_markdown(rep: dict) -> str:
    lines = ["# Learned reranker: fitted on judged questions? (leave one set out)", "",
             f"Encoder `{rep['model']}`; L2 {rep['l2']}; {rep['questions']} answerable questions of the choosing "
             f"sets in {rep['groups']} groups. A judged node is in the fused head of {learned.HEAD} for "
             f"{rep['in_head']:.3f} of them; the fused order puts one first for {rep['fused_hit@1']:.3f}.", "",
             "| fitted on | hit@1 on the held-out group |", "|---|---|"]
    lines += [f"| {r['config']} | {r['hit@1']:.3f} |" for r in rep["configs"]]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.rerank_cv", description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", type=Path, default=None, help="build folder (default: build/)")
    ap.add_argument("--l2", type=float, default=rerank_fit.L2)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args(argv)
    return run_and_write(RESULTS, "rerank_cv", lambda: run(a.build, a.l2), to_markdown, a.json)


if __name__ == "__main__":
    sys.exit(main())
