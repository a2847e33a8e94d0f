"""bench.kinds_rule's scoring of the other-kind case-link rule: precision and recall@3 per cap and window."""

from __future__ import annotations

from bench.kinds_rule import grid


def test_a_rule_shows_the_best_other_kind_nodes_within_its_window_and_is_scored_against_the_judge():
    ranks = {"dev/a": [("assumption/x", 2), ("foundation/y", 4), ("purpose/purpose", 9)],
             "dev/b": [("foundation/z", 7)]}
    judge = {"dev/a": [("foundation/y", "clear"), ("purpose/purpose", "arguable")], "dev/b": []}
    rows = {(r["strength"], r["cap"], r["window"]): r for r in grid(ranks, judge)}
    assert rows[("clear", 1, 3)] == {"strength": "clear", "cap": 1, "window": 3, "shown": 1, "hits": 0,
                                     "precision": 0.0, "recall_at_3": 0.0}
    assert rows[("clear", 2, 5)] == {"strength": "clear", "cap": 2, "window": 5, "shown": 2, "hits": 1,
                                    "precision": 0.5, "recall_at_3": 1.0}
    assert rows[("clear+arguable", 3, 69)] == {"strength": "clear+arguable", "cap": 3, "window": 69, "shown": 4,
                                               "hits": 2, "precision": 0.5, "recall_at_3": 1.0}
