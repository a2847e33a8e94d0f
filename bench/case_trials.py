"""Trials for the case linker, scored on the dev half only: each a ``CaseSettings`` (or a learned mix of
several), at cap 2 and cap 3 with no threshold, so the figures compare how well each ranks the model's
elements for a case. ``python -m bench.cases --trials`` writes them into bench/results/cases.md; the one
that wins on dev becomes ``ingest.links.cases.SETTINGS`` and only then is the test half read.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ingest.links import cases as caselinks

BASE = caselinks.CaseSettings()
RICH = ("label", "text", "alt", "sentences", "stage", "assumptions")
TRIALS: list[tuple[str, caselinks.CaseSettings]] = [
    ("as built before (label, text, alt labels; max; 3 best sentences + 0.5 × whole case)", BASE),
    ("hub correction: minus each element's mean similarity to the seed passages", replace(BASE, hub="mean")),
    ("hub correction: z-score against the seed passages", replace(BASE, hub="z")),
    ("views + each sentence of the explainer", replace(BASE, views=("label", "text", "alt", "sentences"))),
    ("views + the stage's definition", replace(BASE, views=("label", "text", "alt", "stage"))),
    ("views + sentences + stage definition + assumptions, max", replace(BASE, views=RICH)),
    ("views + sentences + stage definition + assumptions, mean", replace(BASE, views=RICH, pool="mean")),
    ("views + sentences + stage definition, mean", replace(BASE, views=RICH[:5], pool="mean")),
    ("rich views, mean, hub z", replace(BASE, views=RICH, pool="mean", hub="z")),
    ("best sentence only", replace(BASE, best_sentences=1)),
    ("5 best sentences", replace(BASE, best_sentences=5)),
    ("no whole-case term", replace(BASE, case_weight=0.0)),
    ("whole case × 1.0", replace(BASE, case_weight=1.0)),
    ("lexical: + 0.05 × BM25", replace(BASE, lexical_weight=0.05)),
    ("lexical: + 0.1 × BM25", replace(BASE, lexical_weight=0.1)),
    ("lexical: + 0.2 × BM25", replace(BASE, lexical_weight=0.2)),
    ("diversity across stages 0.03 (MMR)", replace(BASE, diversity=0.03)),
    ("diversity across stages 0.06 (MMR)", replace(BASE, diversity=0.06)),
    ("the case's title in the whole case", replace(BASE, title_in_whole=True)),
]
# Round two: the round-one winner on the 11 dev cases (views + sentences + stage definition, mean) with each
# other idea added to it
WIN1 = replace(BASE, views=RICH[:5], pool="mean")
TRIALS += [
    ("round 2: winner + whole case × 1.0", replace(WIN1, case_weight=1.0)),
    ("round 2: winner, no whole-case term", replace(WIN1, case_weight=0.0)),
    ("round 2: winner, 2 best sentences", replace(WIN1, best_sentences=2)),
    ("round 2: winner, 5 best sentences", replace(WIN1, best_sentences=5)),
    ("round 2: winner + 0.05 × BM25", replace(WIN1, lexical_weight=0.05)),
    ("round 2: winner + diversity 0.03", replace(WIN1, diversity=0.03)),
    ("round 2: winner + hub mean", replace(WIN1, hub="mean")),
    ("round 2: winner + title in the whole case", replace(WIN1, title_in_whole=True)),
    ("round 2: winner + the element's assumptions, max", replace(WIN1, views=RICH, pool="max")),
]
# The learned mix's features: the score under each of these settings, per (case, element)
LEARNED_FEATURES = [BASE, replace(BASE, case_weight=0.0), replace(BASE, best_sentences=1, case_weight=0.0),
                    replace(BASE, hub="z"), replace(BASE, views=RICH, pool="mean"),
                    replace(BASE, case_weight=0.0, best_sentences=1, lexical_weight=1.0, views=("label",))]
L2 = (0.01, 0.1, 1.0, 10.0)


def open_settings(s: caselinks.CaseSettings, top_k: int) -> caselinks.CaseSettings:
    """The settings with no threshold: every case shows ``top_k`` links, so ranking alone is compared."""
    return replace(s, top_k=top_k, threshold=-1e9, floor=-1e9, evidence_threshold=1e9, learned_threshold=-1e9)


def _logistic(x: np.ndarray, y: np.ndarray, l2: float, steps: int = 300) -> np.ndarray:
    """L2-regularised logistic regression by Newton's method (numpy only): weights, last one the bias."""
    xb = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(xb.shape[1])
    reg = np.eye(xb.shape[1]) * l2
    reg[-1, -1] = 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-xb @ w))
        grad = xb.T @ (p - y) + reg @ w
        hess = xb.T @ (xb * (p * (1 - p))[:, None]) + reg + 1e-9 * np.eye(len(w))
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def learned_loo(el, texts: dict, case_ids: list[str], wanted: list[list[str]]) -> dict[float, dict[str, list[str]]]:
    """For each L2 strength: every dev case ranked by a logistic mix trained on the other dev cases."""
    ids = [n.id for n in el.records]
    feats = []
    for s in LEARNED_FEATURES:
        by = {c.case.id: c.score for c in caselinks.score_cases(el, texts, s)}
        feats.append(np.stack([by[c] for c in case_ids]))
    x = np.stack(feats, axis=-1)  # cases × elements × features
    mu, sd = x.reshape(-1, x.shape[-1]).mean(0), x.reshape(-1, x.shape[-1]).std(0) + 1e-9
    x = (x - mu) / sd
    y = np.array([[i in w for i in ids] for w in wanted], dtype=float)
    out: dict[float, dict[str, list[str]]] = {}
    for l2 in L2:
        ranked = {}
        for k, cid in enumerate(case_ids):
            rest = [i for i in range(len(case_ids)) if i != k]
            w = _logistic(x[rest].reshape(-1, x.shape[-1]), y[rest].reshape(-1), l2)
            s = x[k] @ w[:-1]
            ranked[cid] = [ids[j] for j in np.argsort(-s, kind="stable")]
        out[l2] = ranked
    return out
