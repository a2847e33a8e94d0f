"""The ONNX serving encoder: exported from the shipped model, same vectors as sentence-transformers, no torch."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from graph.text.onnx_export import corpus_sentences, export

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    return export(tmp_path_factory.mktemp("onnx"), texts=corpus_sentences(16))


@pytest.fixture(scope="module")
def encoder(exported):
    from graph.text.onnx import OnnxEncoder

    return OnnxEncoder(onnx_file=Path(exported.fp32))


def test_export_is_written_once_and_reused(exported):
    assert Path(exported.fp32).name == "model.onnx" and Path(exported.fp32).stat().st_size > 10_000_000
    assert not list(Path(exported.dir).glob(".*tmp"))  # atomic: no temp file left behind
    again = export(Path(exported.dir))
    assert again.reused and again.fp32 == exported.fp32 and again.fp32_min_cosine == exported.fp32_min_cosine


def test_vectors_match_sentence_transformers(encoder):
    from graph.text.embed import get_embedder

    texts = corpus_sentences(12)[2:10] + ["how do I build a referral network", "halal finance"]
    ref = get_embedder().encode(texts)
    got = encoder.encode(texts)  # a batch of mixed lengths: sorted, padded per batch, returned in order
    assert got.dtype == np.float32 and got.shape == ref.shape == (10, 384)
    cos = np.sum(got * ref, axis=1)
    assert cos.min() >= 0.999, cos
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    single = np.stack([encoder.encode([t])[0] for t in texts])  # unpadded one-at-a-time path agrees
    assert np.sum(single * got, axis=1).min() >= 0.9999
    assert encoder.encode([]).shape == (0, 384)


def test_model_id_matches_the_torch_encoder_so_index_vectors_are_shared(encoder):
    from graph.text.embed import model_id

    assert encoder.id == model_id()


def test_long_text_is_truncated_to_the_models_max_length(encoder):
    assert encoder.max_tokens == 256
    assert len(encoder.tokenizer.encode("word " * 2000).ids) == 256
    assert encoder.encode(["word " * 2000]).shape == (1, 384)


def test_serving_path_imports_no_torch(exported):
    code = ("import sys, json; from pathlib import Path; from graph.text.onnx import OnnxEncoder; "
            f"v = OnnxEncoder(onnx_file=Path({exported.fp32!r})).encode(['how do I build a referral network']); "
            "print(json.dumps({'torch': 'torch' in sys.modules, 'transformers': 'transformers' in sys.modules, "
            "'st': 'sentence_transformers' in sys.modules, 'norm': float((v * v).sum())}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True,
                         env=dict(os.environ, HF_HUB_OFFLINE="1", PYTHONPATH=str(ROOT))).stdout
    assert json.loads(out.strip().splitlines()[-1]) == {"torch": False, "transformers": False, "st": False,
                                                         "norm": pytest.approx(1.0, abs=1e-5)}


def test_missing_export_is_a_clear_error(tmp_path):
    from graph.text.onnx import OnnxEncoder, OnnxUnavailable

    with pytest.raises(OnnxUnavailable, match="run python -m graph.text.onnx_export"):
        OnnxEncoder(onnx_file=tmp_path / "model.onnx")


def test_cli_help():
    out = subprocess.run([sys.executable, "-m", "graph.text.onnx_export", "--help"], capture_output=True, text=True,
                         cwd=ROOT, check=True).stdout
    assert "--quantize" in out and "--json" in out and "--out" in out
