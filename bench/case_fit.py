"""Fit the learned case linker (ingest/links/case_model.py) on judged case studies, choosing every setting
leave-one-case-out, and write the model and the figures it was chosen on.

    python -m bench.case_fit [--kinds] [--halves dev,test,holdout] [--json] [--no-write]

Each judged case is scored by signals made without it (a classifier trained on the blind example sentences and
the other cases' quoted sentences, the other cases' links as neighbours and base rate), so the mix's weights,
the neighbour count and the threshold are chosen on predictions for cases the signals had not seen. The report
halves (``bench.cases.REPORTING``: fresh, fresh8) are never read here: ``python -m bench.cases`` reports on them. Writes
ingest/links/case_model.{json,npz} and bench/results/case_fit.{md,json}; with ``--kinds``, the same fitted over
every kind of node a case may illustrate (the build reads it only to rank the vision, the purpose, the
assumptions and the foundations beside the elements), ingest/links/case_model_kinds.{json,npz} and
bench/results/case_fit_kinds.{md,json}.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench import case_trials
from bench.cases import EVAL, REPORTING, RESULTS, _case_of, load_half
from graph.text.encoder import get_encoder
from ingest.links import case_model as cm
from ingest.links import cases as caselinks
from ingest.links.examples import load_case_examples
from ingest.links.match import CASE_CLASSES, LINKED_CLASSES, Elements
from ingest.readers import read_document

CHOOSE = ("dev", "test", "holdout", "train")  # the shipped models' halves (round ten's trial added fresh2-fresh7)
NEIGHBOURS = (5, 8, 12)
L2 = (0.3, 3.0, 30.0)
THRESHOLDS = tuple(round(x, 2) for x in np.arange(0.05, 0.61, 0.05))
CLASSIFIER_C = 1.0  # sklearn's inverse L2 strength; 1.0 beat 10.0 leave-one-case-out on the 34 choosing cases
# how many times a judge's quoted sentence counts against an example sentence in the classifier (the shipped models:
# once; round ten's trial refit on 114 cases: 3, with C 3, chosen leave-one-case-out there)
JUDGED_WEIGHT = 1.0
TEMPERATURE = 0.05


@dataclass
class Judged:
    """One judged case with the signals that do not depend on the other cases."""

    half: str
    file: str
    title: str
    source_url: str
    links: list[str]
    whys: list[tuple[str, str]]  # (element, the judge's quoted or paraphrased sentence)
    sentences: np.ndarray  # sentence vectors
    whole: np.ndarray
    definition: np.ndarray  # elements
    examples: np.ndarray  # elements


def collect(halves: tuple[str, ...], enc, classes: tuple[str, ...] = LINKED_CLASSES
            ) -> tuple[list[str], list[Judged]]:
    """Every judged case of ``halves``, built beside the corpus, with its definition and example scores over the
    nodes of ``classes`` (the six stages' elements, or every kind a case may illustrate)."""
    ids: list[str] | None = None
    out: list[Judged] = []
    for half in halves:
        print(f"building corpus + {half} …", file=sys.stderr)
        kg, texts, expected = load_half(half)
        el = Elements(kg, enc, classes=classes)
        half_ids = [n.id for n in el.records]
        if ids is not None and half_ids != ids:
            raise SystemExit(f"{half}: the model's elements differ from the first half's")
        ids = half_ids
        by_def = {c.case.id: c for c in caselinks.score_cases(el, texts, caselinks.SETTINGS)}
        by_ex = {c.case.id: c for c in caselinks.score_cases(el, texts, caselinks.EXAMPLE_SETTINGS)}
        for e in expected:
            case = (_case_of(kg, e["file"]) or [None])[0]
            if case is None:
                continue
            d = by_def[case.id]
            vecs = el.encode([s for s, _ in d.sentences])
            whole = vecs.mean(axis=0)
            out.append(Judged(half, f"{half}/{e['file']}", case.label, _source_url(EVAL / half / e["file"]),
                              [x["id"] for x in e.get("links", [])],
                              [(x["id"], x.get("why", "")) for x in e.get("links", []) if x.get("why")],
                              vecs, whole / (np.linalg.norm(whole) or 1.0), d.score, by_ex[case.id].score))
    return ids or [], out


def _source_url(path: Path) -> str:
    return str(read_document(path).meta.get("source_url") or "")


def labels_of(ids: list[str], cases: list[Judged]) -> np.ndarray:
    col = {e: j for j, e in enumerate(ids)}
    y = np.zeros((len(cases), len(ids)))
    for i, c in enumerate(cases):
        for e in c.links:
            y[i, col[e]] = 1.0
    return y


def train_classifier(ids: list[str], ex_vecs: np.ndarray, ex_rows: np.ndarray, cases: list[Judged], enc,
                     skip: int | None, c: float = CLASSIFIER_C, judged_weight: float = JUDGED_WEIGHT
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Softmax regression on the example sentences and the judges' sentences (each counted ``judged_weight``
    times) of every case but ``skip``."""
    from sklearn.linear_model import LogisticRegression

    col = {e: j for j, e in enumerate(ids)}
    whys = [(col[e], t) for i, c in enumerate(cases) if i != skip for e, t in c.whys]
    x = np.vstack([ex_vecs, enc.encode([t for _, t in whys])]) if whys else ex_vecs
    y = np.concatenate([ex_rows, [j for j, _ in whys]]).astype(int)
    weight = np.concatenate([np.ones(len(ex_rows)), np.full(len(whys), judged_weight)])
    clf = LogisticRegression(C=c, max_iter=3000).fit(x, y, sample_weight=weight)
    w = np.zeros((x.shape[1], len(ids)))
    b = np.full(len(ids), -30.0)  # an element with no training sentence is never the classifier's answer
    w[:, clf.classes_] = clf.coef_.T
    b[clf.classes_] = clf.intercept_
    return w, b


def out_of_fold(ids, cases, enc, neighbours: tuple[int, ...], c: float = CLASSIFIER_C,
                judged_weight: float = JUDGED_WEIGHT) -> dict[int, np.ndarray]:
    """For each neighbour count: cases × elements × FEATURES, each case's row made without that case."""
    examples = load_case_examples()
    texts = [(j, t) for j, e in enumerate(ids) for t in examples.get(e, ())]
    ex_vecs = enc.encode([t for _, t in texts])
    ex_rows = np.asarray([j for j, _ in texts])
    y = labels_of(ids, cases)
    vecs = np.stack([c.whole for c in cases])
    out = {k: np.zeros((len(cases), len(ids), len(cm.FEATURES))) for k in neighbours}
    for i, c in enumerate(cases):
        rest = np.asarray([r for r in range(len(cases)) if r != i])
        w, b = train_classifier(ids, ex_vecs, ex_rows, cases, enc, skip=i, c=c, judged_weight=judged_weight)
        p = cm.classify(c.sentences, w, b)
        rate = cm.base_rate(y[rest])
        for k in neighbours:
            sim, _ = cm.similar_cases(c.whole, vecs[rest], y[rest], k, TEMPERATURE)
            out[k][i] = cm.feature_rows(c.definition, c.examples, p, sim, rate)
    return out


def figures(probs: np.ndarray, y: np.ndarray, threshold: float, other: np.ndarray | None = None) -> dict:
    """precision@3 and recall@3 as bench/cases.py counts them, and where the judged links rank. The ``other``
    nodes (vision, purpose, assumptions, foundations) never take an element's place, as in the build."""
    prec = rec = 0.0
    ranks = []
    for p, t in zip(probs, y, strict=True):
        keep = cm.keep(p if other is None else np.where(other, -np.inf, p), threshold, 3)
        hits = sum(t[j] for j in keep)
        prec += hits / len(keep)
        rec += hits / min(3, t.sum())
        order = list(np.argsort(-p, kind="stable"))
        ranks += [order.index(j) + 1 for j in np.flatnonzero(t)]
    n = len(probs)
    return {"precision_at_3": round(prec / n, 3), "recall_at_3": round(rec / n, 3),
            "median_rank": float(np.median(ranks)), "in_top_3": int(sum(r <= 3 for r in ranks)), "judged": len(ranks)}


def loo_mix(x: np.ndarray, y: np.ndarray, l2: float, use: list[int]) -> np.ndarray:
    """Each case's probabilities from a logistic mix fitted on the other cases' out-of-fold rows."""
    out = np.zeros(y.shape)
    for i in range(len(y)):
        rest = [r for r in range(len(y)) if r != i]
        w, mu, sd = fit_mix(x[rest][..., use], y[rest], l2)
        out[i] = cm.probability(x[i][:, use], w, mu, sd)
    return out


def fit_mix(x: np.ndarray, y: np.ndarray, l2: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    flat = x.reshape(-1, x.shape[-1])
    mu, sd = flat.mean(axis=0), flat.std(axis=0) + 1e-9
    return case_trials._logistic((flat - mu) / sd, y.reshape(-1), l2), mu, sd


def f1(f: dict) -> float:
    """The harmonic mean of precision@3 and recall@3: their sum would pick one sure link per case, which
    misses most of what a case shows (recall is the larger of the issue's two floors)."""
    p, r = f["precision_at_3"], f["recall_at_3"]
    return 2 * p * r / (p + r) if p + r else 0.0


def best_threshold(probs: np.ndarray, y: np.ndarray, other: np.ndarray | None = None) -> tuple[float, dict]:
    """The threshold with the best F1 of precision@3 and recall@3; ties go to the higher one (surer links)."""
    rows = [(t, figures(probs, y, t, other)) for t in THRESHOLDS]
    return max(rows, key=lambda r: (f1(r[1]), r[0]))


def run(halves: tuple[str, ...], classes: tuple[str, ...] = LINKED_CLASSES, c: float = CLASSIFIER_C,
        judged_weight: float = JUDGED_WEIGHT) -> tuple[cm.CaseModel, dict]:
    enc = get_encoder()
    ids, cases = collect(halves, enc, classes)
    y = labels_of(ids, cases)
    oof = out_of_fold(ids, cases, enc, NEIGHBOURS, c, judged_weight)
    other = np.asarray([i.split("/", 1)[0] in ("vision", "purpose", "assumption", "foundation") for i in ids])
    every = list(range(len(cm.FEATURES)))
    trials = []
    for j, name in enumerate(cm.FEATURES):  # each signal alone: its own ranking, no mixing
        trials.append({"trial": f"{name} alone", **figures(oof[NEIGHBOURS[0]][..., j], y, -np.inf, other)})
    grid = []
    for k in NEIGHBOURS:
        for l2 in L2:
            probs = loo_mix(oof[k], y, l2, every)
            t, f = best_threshold(probs, y, other)
            grid.append({"neighbours": k, "l2": l2, "threshold": t, **f,
                         "per_half": {h: figures(probs[[i for i, c in enumerate(cases) if c.half == h]],
                                                 y[[i for i, c in enumerate(cases) if c.half == h]], t, other)
                                      for h in halves}})
    best = max(grid, key=lambda r: (f1(r), r["l2"], -r["neighbours"]))
    best_probs = loo_mix(oof[best["neighbours"]], y, best["l2"], every)
    curve = [{"threshold": t, **figures(best_probs, y, t, other)} for t in THRESHOLDS]
    for j, name in enumerate(cm.FEATURES):  # the chosen mix less one signal: what each adds
        use = [u for u in every if u != j]
        probs = loo_mix(oof[best["neighbours"]], y, best["l2"], use)
        trials.append({"trial": f"mix without {name}", **best_threshold(probs, y, other)[1]})
    k, l2 = best["neighbours"], best["l2"]
    w_mix, mu, sd = fit_mix(oof[k], y, l2)
    examples = load_case_examples()
    texts = [(j, t) for j, e in enumerate(ids) for t in examples.get(e, ())]
    ex_vecs = enc.encode([t for _, t in texts])
    w, b = train_classifier(ids, ex_vecs, np.asarray([j for j, _ in texts]), cases, enc, skip=None, c=c,
                            judged_weight=judged_weight)
    fitted = {"halves": list(halves), "cases": len(cases), "judged_links": int(y.sum()), "nodes": len(ids),
              "classes": list(classes), "classifier": {"C": c, "judged_weight": judged_weight},
              "examples": len(texts), "chosen": {kk: best[kk] for kk in ("neighbours", "l2", "threshold")},
              "leave_one_case_out": {kk: best[kk] for kk in ("precision_at_3", "recall_at_3", "median_rank",
                                                             "in_top_3", "judged")}}
    model = cm.CaseModel(
        encoder=enc.id, elements=ids,
        cases=[cm.JudgedCase(c.file, c.title, c.source_url, tuple(c.links)) for c in cases],
        case_vectors=np.stack([c.whole for c in cases]), classifier_w=w, classifier_b=b,
        weights=w_mix, mean=mu, scale=sd, threshold=float(best["threshold"]), neighbours=k,
        temperature=TEMPERATURE, fitted_on=fitted, example_vectors=ex_vecs,
        examples_digest=cm.examples_digest([t for _, t in texts]))
    return model, {"fitted": fitted, "grid": grid, "trials": trials, "curve": curve,
                   "weights": dict(zip([*cm.FEATURES, "bias"], map(float, w_mix), strict=True))}


def render(res: dict) -> str:
    f = res["fitted"]
    c = f["chosen"]
    lo = f["leave_one_case_out"]
    kinds = " --kinds" if f.get("nodes", 32) > 32 else ""
    lines = ["# The learned case linker: how it was fitted", "",
             f"`python -m bench.case_fit{kinds}` — {f['cases']} judged case studies ({', '.join(f['halves'])}), "
             f"{f['judged_links']} judged links, {f['examples']} blind example sentences. Every figure here is "
             "leave-one-case-out: each case scored by signals and a mix made without it. The report halves (fresh, "
             "fresh8) are reported in bench/results/cases.md, never read here.", "",
             f"Chosen (best F1 of P@3 and R@3): {c['neighbours']} neighbours, L2 {c['l2']}, threshold "
             f"{c['threshold']} → precision@3 "
             f"{lo['precision_at_3']:.2f}, recall@3 {lo['recall_at_3']:.2f}, judged links' median rank "
             f"{lo['median_rank']:g} of {f.get('nodes', 32)} ({', '.join(f.get('classes', []))}), "
             f"{lo['in_top_3']}/{lo['judged']} in the top 3.", "",
             (f"Sentence classifier: C {f['classifier']['C']:g}, a judge's quoted sentence counted "
              f"{f['classifier']['judged_weight']:g} times an example sentence." if "classifier" in f else
              "Sentence classifier: C 1, a judge's quoted sentence counted as an example sentence."), "",
             "Weights (standardised features): " + ", ".join(f"{k} {v:+.2f}" for k, v in res["weights"].items()),
             "", "| trial | P@3 | R@3 | median rank | in top 3 |", "|---|---|---|---|---|"]
    for t in res["trials"]:
        lines.append(f"| {t['trial']} | {t['precision_at_3']:.2f} | {t['recall_at_3']:.2f} | {t['median_rank']:g} "
                     f"| {t['in_top_3']}/{t['judged']} |")
    lines += ["", "Grid (each row: the best threshold for it):", "",
              "| neighbours | L2 | threshold | P@3 | R@3 | per half (P@3 / R@3) |", "|---|---|---|---|---|---|"]
    for g in res["grid"]:
        per = "; ".join(f"{h} {v['precision_at_3']:.2f} / {v['recall_at_3']:.2f}" for h, v in g["per_half"].items())
        lines.append(f"| {g['neighbours']} | {g['l2']} | {g['threshold']} | {g['precision_at_3']:.2f} | "
                     f"{g['recall_at_3']:.2f} | {per} |")
    lines += ["", "The chosen mix at each threshold (a case always keeps its most likely link; at most 3):", "",
              "| threshold | P@3 | R@3 |", "|---|---|---|"]
    lines += [f"| {c['threshold']} | {c['precision_at_3']:.2f} | {c['recall_at_3']:.2f} |" for c in res["curve"]]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.case_fit", description=__doc__.split("\n")[0])
    ap.add_argument("--halves", default=",".join(CHOOSE), help="comma-separated judged halves to fit on")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    ap.add_argument("--no-write", action="store_true", help="report only; leave the shipped model as it is")
    ap.add_argument("--kinds", action="store_true",
                    help="fit over every kind of node (vision, purpose, assumptions, foundations too): the model "
                         "the build ranks the other kinds with, written to case_model_kinds.{json,npz}")
    ap.add_argument("--classifier-c", type=float, default=CLASSIFIER_C, help="the sentence classifier's C")
    ap.add_argument("--judged-weight", type=float, default=JUDGED_WEIGHT,
                    help="how many times a judge's quoted sentence counts against an example sentence")
    a = ap.parse_args(argv)
    halves = tuple(h for h in a.halves.split(",") if h)
    if reported := [h for h in halves if h in REPORTING]:
        ap.error(f"{', '.join(reported)}: report halves, never fitted on")
    model, res = run(halves, CASE_CLASSES if a.kinds else LINKED_CLASSES, a.classifier_c, a.judged_weight)
    if not a.no_write:
        cm.save(model, cm.KINDS_JSON if a.kinds else cm.MODEL_JSON)
        RESULTS.mkdir(parents=True, exist_ok=True)
        name = "case_fit_kinds" if a.kinds else "case_fit"
        (RESULTS / f"{name}.json").write_text(json.dumps(res, indent=2), encoding="utf-8")
        (RESULTS / f"{name}.md").write_text(render(res), encoding="utf-8")
    print(json.dumps(res, indent=2) if a.json else render(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
