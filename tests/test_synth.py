"""The synthetic scale corpus: deterministic, and the real ingest finds in it what the generator wrote."""

from __future__ import annotations

import json

import pytest
import yaml

from bench import synth
from ingest.build import build

N, SEED = 30, 0


@pytest.fixture(scope="module")
def synth_build(tmp_path_factory):
    """30 synthetic documents written to disk and built by the real pipeline (links and model included)."""
    root = tmp_path_factory.mktemp("synth")
    synth.write_corpus(root / "corpus", N, SEED)
    return root / "corpus", build([root / "corpus"], out=root / "build", force=True)


def test_same_seed_same_documents_and_a_prefix_of_larger_corpora():
    first = list(synth.generate(N, SEED))
    assert first == list(synth.generate(N, SEED))
    assert list(synth.generate(N + 20, SEED))[:N] == first  # document i depends on (seed, i) only
    assert list(synth.generate(N, SEED + 1)) != first
    assert len({name for name, _ in first}) == N


def test_corpus_yaml_in_the_corpus_format(synth_build):
    folder, _ = synth_build
    meta = yaml.safe_load((folder / "corpus.yaml").read_text(encoding="utf-8"))["documents"]
    assert sorted(meta) == sorted(p.name for p in folder.glob("*.txt"))
    kinds = {m["kind"] for m in meta.values()}
    assert kinds == {"case-study", "report", "model"}  # all three shapes occur in 30 documents
    assert all(m["title"] for m in meta.values())


def test_ingest_finds_what_the_generator_wrote(synth_build):
    _, result = synth_build
    nodes = result.manifest["nodes"]
    want = synth.expected(N, SEED)
    assert all(m.startswith("case study ") for ms in result.manifest["warnings"].values() for m in ms)
    assert nodes["Document"] == N
    for cls in ("Insight", "Organisation", "Condition", "Input", "Process", "Activity", "Outcome", "Impact",
                "Assumption", "Foundation"):
        assert nodes.get(cls, 0) == want[cls], cls
    # Since case studies became documents of their own (issue 14) the generator's counts no longer match
    # for these four; the known gaps, kept visible until bench/synth.py and the gazetteer agree again:
    assert (nodes["CaseStudy"], want["CaseStudy"]) == (73, 72)  # one report now reads as a case study
    # one Evidence per figure, not per case; durations ("Over seven years", "three years") are Figures, not evidence
    assert (nodes["Evidence"], want["Evidence"]) == (74, 71)
    assert nodes["Figure"] == 30
    assert (nodes["Programme"], want["Programme"]) == (12, 9)
    # invented town names the gazetteer does not know; the boroughs and counties it does (Lewisham, Wirral …). Its
    # "<town> Town Hall" venues are organisations, written and found as such (issue 26)
    assert (nodes["Place"], want["Place"]) == (86, 100)
    assert want["CaseStudy"] > 50 and want["Evidence"] > 50 and want["Outcome"] > 0
    assert nodes["Passage"] > 0  # intros, filler and unstructured reports stay searchable
    edges = result.manifest["edges"]
    assert edges["involves"] >= want["CaseStudy"]  # every case study names its organisation
    assert edges["underpinnedBy"] > 0 and edges["hasFoundation"] > 0
    assert result.manifest["links"]["counts"]["inferred"] > 0


def test_cli(tmp_path, capsys):
    assert synth.main(["--help"]) == 0
    assert synth.main(["0", str(tmp_path / "none")]) == 2
    assert synth.main(["many", str(tmp_path / "none")]) == 2
    (tmp_path / "file").write_text("x")
    assert synth.main(["3", str(tmp_path / "file")]) == 2
    capsys.readouterr()
    assert synth.main(["5", str(tmp_path / "out"), "--seed", "3", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["files"] == 5 and summary["bytes"] > 0 and sum(summary["kinds"].values()) == 5
    assert [p.name for p in sorted((tmp_path / "out").glob("*.txt"))] == [n for n, _ in synth.generate(5, 3)]
