"""The learned reranker (search/learned.py, bench/rerank_fit.py): its features on a hand-made head, its fit on
a hand-made set, and what it does in the engine over the real seed graph and model."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

import numpy as np
import pytest

from bench import rerank_fit
from search import learned


def _candidates(**over) -> learned.Candidates:
    base = dict(
        rows=[7, 3, 9], fused=[2.0, 1.0, 0.5],
        dense={7: (1, 0.9), 9: (2, 0.7)}, bm25={3: (1, 4.0), 7: (2, 2.0)}, named={9: 1},
        best_view=np.array([0.9, 0.5, 0.7], "float32"), main_view=np.array([0.6, 0.4, 0.5], "float32"),
        question_view=np.array([1.0, 0.0, 0.0], "float32"), hubness=np.array([0.1, 0.2, 0.3], "float32"),
        sentence_bm25=np.array([2.0, 4.0, 0.0], "float32"), types=["Process", "Passage", "Assumption"],
        ties_in_head=[0, 0, 4], kind_lean={"Process": 0.25, "Assumption": -0.5}, asked="assumption")
    base.update(over)
    return learned.Candidates(**base)


def test_the_features_of_a_hand_made_head_whole():
    X = learned.feature_matrix(_candidates())
    want = {
        # fused_share, fused_inv_rank, dense_inv_rank, dense_gap, bm25_inv_rank, bm25_share, named_inv_rank,
        # best_view, main_view, question_view, hubness, kind_lean, asked_kind, no_form, sentence_bm25,
        # tied_in_head, is_element, is_vision_purpose, is_assumption, is_foundation, is_insight, is_passage,
        # is_case, is_other
        0: [1.0, 1.0, 1.0, 0.0, 0.5, 0.5, 0.0, 0.9, 0.6, 1.0, 0.1, 0.25, 0.0, 0.0, 0.5, 0.0,
            1, 0, 0, 0, 0, 0, 0, 0],
        1: [0.5, 0.5, 0.0, -1.0, 1.0, 1.0, 0.0, 0.5, 0.4, 0.0, 0.2, 0.0, 0.0, 0.0, 1.0, 0.0,
            0, 0, 0, 0, 0, 1, 0, 0],
        2: [0.25, 1 / 3, 0.5, -0.2, 0.0, 0.0, 1.0, 0.7, 0.5, 0.0, 0.3, -0.5, 1.0, 0.0, 0.0, 1.0,
            0, 0, 1, 0, 0, 0, 0, 0],
    }
    assert X.shape == (3, len(learned.FEATURES))
    for i, row in want.items():
        np.testing.assert_allclose(X[i], np.asarray(row, "float32"), atol=1e-6)


def test_a_question_with_no_form_words_and_a_head_with_no_keyword_match():
    X = learned.feature_matrix(_candidates(bm25={}, asked="", types=["Organisation", "Insight", "Foundation"]))
    col = {n: i for i, n in enumerate(learned.FEATURES)}
    assert X[:, col["bm25_inv_rank"]].tolist() == [0, 0, 0] and X[:, col["bm25_share"]].tolist() == [0, 0, 0]
    assert X[:, col["no_form"]].tolist() == [1, 1, 1] and X[:, col["asked_kind"]].tolist() == [0, 0, 0]
    assert X[:, col["is_other"]].tolist() == [1, 0, 0]
    assert X[:, col["is_insight"]].tolist() == [0, 1, 0] and X[:, col["is_foundation"]].tolist() == [0, 0, 1]


def test_reorder_moves_only_the_head_and_keeps_the_scores_descending():
    ranked = [(5, 0.9), (6, 0.8), (7, 0.7), (8, 0.6)]
    assert learned.reorder(ranked, np.array([0.0, 2.0, 1.0])) == [(6, 0.9), (7, 0.8), (5, 0.7), (8, 0.6)]
    assert learned.reorder(ranked, np.array([1.0, 1.0, 1.0])) == ranked  # ties keep the fused order


def test_the_fit_learns_which_feature_marks_the_answer():
    """Hand-made heads where the answer is always the one with the largest BM25 share and never the densest:
    the fitted reranker puts it first in every head, weighing BM25 up and the dense rank down."""
    rng = np.random.default_rng(0)
    col = {n: i for i, n in enumerate(learned.FEATURES)}
    rows = []
    for _ in range(40):
        X = rng.random((5, len(learned.FEATURES)))
        X[:, col["dense_inv_rank"]] = [1, 1 / 2, 1 / 3, 1 / 4, 1 / 5]
        answer = int(rng.integers(1, 5))
        X[:, col["bm25_share"]] = X[:, col["bm25_share"]] * 0.5
        X[answer, col["bm25_share"]] = 1.0
        rows.append((X, np.eye(5)[answer]))
    names = ("dense_inv_rank", "bm25_share", "best_view")
    w, mean, scale = rerank_fit.fit(rows, names, l2=0.1)
    r = learned.Reranker(names, w, mean, scale, "hand-made")
    assert w[1] > 0 > w[0]
    assert all(int(np.argmax(r.scores(X))) == int(np.argmax(y)) for X, y in rows)
    assert rerank_fit.train_fit(rows, r) == {"questions": 40, "first_before": 0.0, "first_after": 1.0}
    again = learned.Reranker.from_json(json.loads(json.dumps(r.to_json())))
    np.testing.assert_allclose(again.scores(rows[0][0]), r.scores(rows[0][0]))


def test_bad_weights_are_refused_naming_the_file(tmp_path):
    p = tmp_path / "reranker.json"
    p.write_text(json.dumps({"model": "m", "features": ["bm25_share", "no_such_thing"], "weights": [1, 2],
                             "mean": [0, 0], "scale": [1, 1]}), encoding="utf-8")
    with pytest.raises(ValueError, match=r"reranker\.json: .*unknown features: no_such_thing"):
        learned.load(p)
    p.write_text(json.dumps({"model": "m", "features": ["bm25_share"], "weights": [1, 2], "mean": [0],
                             "scale": [1]}), encoding="utf-8")
    with pytest.raises(ValueError, match="differ in length"):
        learned.load(p)
    assert learned.load(tmp_path / "absent.json") is None


def test_the_shipped_weights_fit_the_served_encoder_and_only_reorder_the_head(engine):
    r = engine.reranker
    assert r is not None and r.model == engine.vindex.meta.model
    assert not any(n.startswith("is_") for n in r.names)  # the shipped fit reads no node kind
    q = "collecting feedback from the people we support"
    fused_ids, X = engine.head_features(q)
    assert len(fused_ids) == learned.HEAD and X.shape == (learned.HEAD, len(learned.FEATURES))
    want = [fused_ids[i] for i in np.argsort(-r.scores(X), kind="stable")]
    assert want != fused_ids  # this question's head is reordered ...
    assert [h.id for h in engine.search(q, k=10)] == want[:10]  # ... and search shows that order
    off = dataclasses.replace(engine.method, learned=False)
    keep, engine.method = engine.method, off
    try:
        assert [h.id for h in engine.search(q, k=10)] == fused_ids[:10]
    finally:
        engine.method = keep


def test_weights_fitted_with_another_encoder_are_not_applied(engine, tmp_path, monkeypatch):
    other = json.loads(learned.WEIGHTS.read_text(encoding="utf-8")) | {"model": "some-other-encoder"}
    p = tmp_path / "reranker.json"
    p.write_text(json.dumps(other), encoding="utf-8")
    from search.engine import SearchEngine

    fresh = SearchEngine(engine.kg, engine.vindex, engine.build, encoder=engine._encoder)
    monkeypatch.setattr(learned, "WEIGHTS", p)
    assert fresh.reranker is None
    q = "collecting feedback from the people we support"
    assert [h.id for h in fresh.search(q, k=10)] == engine.head_features(q)[0][:10]


def test_the_fit_cli_says_what_it_does_and_refuses_a_missing_folder(tmp_path):
    out = subprocess.run([sys.executable, "-m", "bench.rerank_fit", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "--questions" in out.stdout and "--no-write" in out.stdout
    bad = subprocess.run([sys.executable, "-m", "bench.rerank_fit", "--questions", str(tmp_path / "none")],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "no such folder" in bad.stderr


def test_the_judged_cross_validation_holds_out_a_set_with_its_second_judge():
    """bench/rerank_cv.py on a hand-made head: one feature marks the relevant node, so every configuration puts
    it first on every held-out group; a set and its second judge are one group (four sets, three groups)."""
    from bench import rerank_cv

    rng = np.random.default_rng(0)
    col = learned.FEATURES.index("best_view")

    def rows(n):
        out = []
        for _ in range(n):
            y = np.zeros(5)
            y[rng.integers(5)] = 1.0
            X = rng.normal(size=(5, len(learned.FEATURES)))
            X[:, col] = 3 * y + 0.1 * X[:, col]
            out.append((X, y))
        return out

    judged = {"a": rows(10), "b": rows(10), "b-second": rows(10), "c": rows(10)}
    names = tuple(f for f in learned.FEATURES if not f.startswith("is_"))
    got = rerank_cv.cross_validate(rows(40), judged, 1.0, names)
    assert got == [{"config": c, "hit@1": 1.0, "questions": 40} for c, _, _ in rerank_cv.CONFIGS]
    out = subprocess.run([sys.executable, "-m", "bench.rerank_cv", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "leave" in out.stdout.lower()
