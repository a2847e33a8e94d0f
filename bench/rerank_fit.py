"""Fit the learned reranker (search/learned.py) on blind-written training questions and write its weights.

    python -m bench.rerank_fit [--questions DIR ...] [--features all|no-kinds] [--l2 1.0] [--no-write] [--json]

Each training question names the one node it was written for. The engine ranks it with the hand-set fusion
(the reranker off), reads the features of the fused head (search.learned.FEATURES), and a linear model is
fitted to put the written-for node first: softmax cross-entropy over each question's head, features
standardised, L2-regularised, by L-BFGS from zero (deterministic). The training questions are ones the encoder
was never fine-tuned on (its own fit reads ingest/questions/), so their cosines look like an unseen
question's. No evaluation set is read here; `python -m search.evaluate` and bench/results/eval.md report the
reranker on the judged sets. Writes search/reranker.json (with the encoder id it was fitted with) and
bench/results/rerank_fit.{md,json}.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

import numpy as np
from scipy.optimize import minimize
from tqdm import tqdm

from bench.report import run_and_write
from ingest import questions as uq
from search import learned
from search.engine import SearchEngine

DATA = Path(__file__).parent / "data"
# Round five: the situated questions replaced the passage questions (docs/search.md, "Round five"): trained on, the
# passage questions taught the reranker to prefer a passage's own wording over a matched user question, which cost
# 3.5 points of card right on the ten choosing sets; the situated ones, long and in users' circumstances, add 0.9.
QUESTIONS = (DATA / "questions-round2", DATA / "questions-situations")
RESULTS = Path(__file__).parent / "results"
KIND_FEATURES = tuple(f for f in learned.FEATURES if f.startswith("is_"))
L2 = 1.0


def training_rows(engine: SearchEngine, folders: tuple[Path, ...], progress: bool = True
                  ) -> list[tuple[np.ndarray, np.ndarray]]:
    """(features of the head, 1 for the written-for node) per question whose node is in its head."""
    engine.method = dataclasses.replace(engine.method, learned=False)
    rows = []
    qs = uq.load(*folders)
    for q in tqdm(qs, desc="features", unit="q", disable=not progress):
        ids, X = engine.head_features(q.text)
        y = np.array([i == q.node for i in ids], dtype="float64")
        if y.any():
            rows.append((X.astype("float64"), y))
    return rows


def fit(rows: list[tuple[np.ndarray, np.ndarray]], names: tuple[str, ...], l2: float = L2
        ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(weights, mean, scale) of the listwise softmax model over the features ``names``."""
    cols = [learned.FEATURES.index(n) for n in names]
    allx = np.vstack([X[:, cols] for X, _ in rows])
    mean, scale = allx.mean(0), allx.std(0) + 1e-6
    data = [((X[:, cols] - mean) / scale, y / y.sum()) for X, y in rows]
    n = len(data)

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        total, grad = 0.0, np.zeros_like(w)
        for Z, t in data:
            s = Z @ w
            s = s - s.max()
            p = np.exp(s)
            p /= p.sum()
            total -= float(t @ np.log(p + 1e-12))
            grad -= Z.T @ (t - p)
        return total / n + l2 * float(w @ w) / n, grad / n + 2 * l2 * w / n

    w = minimize(loss, np.zeros(len(cols)), jac=True, method="L-BFGS-B").x
    return w, mean, scale


def train_fit(rows, reranker: learned.Reranker) -> dict:
    """How often the written-for node leads the head, before (fused order) and after (reranked)."""
    before = sum(bool(y[0]) for _, y in rows)
    after = sum(bool(y[int(np.argmax(reranker.scores(X.astype("float32"))))]) for X, y in rows)
    return {"questions": len(rows), "first_before": before / len(rows), "first_after": after / len(rows)}


def run(build: Path | None, folders: tuple[Path, ...], features: str, l2: float, write: bool) -> dict:
    engine = SearchEngine.load(build)
    rows = training_rows(engine, folders)
    names = tuple(f for f in learned.FEATURES if features == "all" or f not in KIND_FEATURES)
    w, mean, scale = fit(rows, names, l2)
    asked = len(uq.load(*folders))
    model = engine.vindex.meta.model
    reranker = learned.Reranker(names, w, mean, scale, model, fitted_on=(
        f"{len(rows)} of {asked} blind-written training questions ({', '.join(f.name for f in folders)}) "
        "whose node is in the fused head"))
    if write:
        learned.WEIGHTS.write_text(json.dumps(reranker.to_json(), indent=1) + "\n", encoding="utf-8")
    return {"model": model, "features": features, "l2": l2, "training": train_fit(rows, reranker),
            "questions_asked": asked, "weights": {n: round(float(x), 4) for n, x in zip(names, w, strict=True)},
            "written": "search/reranker.json" if write else ""}


def to_markdown(rep: dict) -> str:
    t = rep["training"]
    lines = ["# Learned reranker: fit", "",
             f"Encoder `{rep['model']}`; features `{rep['features']}`; L2 {rep['l2']}. "
             f"{t['questions']} of {rep['questions_asked']} training questions have their node in the fused head "
             f"of {learned.HEAD}; the node leads it {t['first_before']:.3f} of the time in the fused order and "
             f"{t['first_after']:.3f} after reranking (training questions: an in-sample fit, not a result; the "
             "judged sets are in bench/results/eval.md).", "",
             "| feature | weight (standardised) |", "|---|---|"]
    lines += [f"| {k} | {v:+.3f} |" for k, v in sorted(rep["weights"].items(), key=lambda kv: -abs(kv[1]))]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.rerank_fit", description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", type=Path, default=None, help="build folder (default: build/)")
    ap.add_argument("--questions", type=Path, action="append", default=None,
                    help="a folder of <voice>.yaml training questions (repeatable; default: "
                         + ", ".join(str(f.relative_to(DATA.parent.parent)) for f in QUESTIONS) + ")")
    ap.add_argument("--features", choices=("all", "no-kinds"), default="no-kinds",
                    help="no-kinds leaves out the node-kind indicators (default)")
    ap.add_argument("--l2", type=float, default=L2)
    ap.add_argument("--no-write", action="store_true", help="fit and report, but leave search/reranker.json")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args(argv)
    folders = tuple(a.questions) if a.questions else QUESTIONS
    missing = [f for f in folders if not f.is_dir()]
    if missing:
        print(f"no such folder: {', '.join(map(str, missing))}", file=sys.stderr)
        return 2
    return run_and_write(RESULTS, "rerank_fit", lambda: run(a.build, folders, a.features, a.l2, not a.no_write),
                         to_markdown, a.json)


if __name__ == "__main__":
    sys.exit(main())
