"""Bad input never raises: empty, huge, foreign-script and punctuation-only queries."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("query", ["", "   ", "?!… — ...", None])
def test_empty_or_wordless_query_gives_no_results_and_a_note(engine, query):
    res = engine.search(query, k=5)
    assert res == [] and res.notes
    assert engine.card(query or "") is None


def test_huge_query_is_truncated_with_a_note(engine):
    q = "how do I build a referral network " * 300  # ~10,000 characters
    res = engine.search(q, k=5)
    assert res and any("first" in n for n in res.notes)
    assert res[0].id == "process/create-a-referral-network"


def test_query_in_another_script_ranks_by_meaning_only(engine):
    res = engine.search("如何建立转介网络", k=5)
    assert res.mode == "dense" and any("meaning only" in n for n in res.notes)
    assert engine.search("如何建立转介网络", k=5, mode="bm25") == []


def test_k_zero_and_unknown_mode(engine):
    assert engine.search("coaching", k=0) == []
    from search.engine import BadFilter

    with pytest.raises(BadFilter, match="valid modes"):
        engine.search("coaching", mode="magic")
