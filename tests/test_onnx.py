"""The ONNX serving encoder: exported from the shipped model, same vectors as sentence-transformers, no torch."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from graph.text import onnx_export
from graph.text.onnx_export import ExportFailed, ExportReport, corpus_sentences, export

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def export_run(tmp_path_factory) -> subprocess.CompletedProcess:
    """The export as ``make build`` runs it: the CLI, in its own process."""
    out = tmp_path_factory.mktemp("onnx")
    run = subprocess.run([sys.executable, "-m", "graph.text.onnx_export", "--out", str(out), "--json"],
                         capture_output=True, text=True, cwd=ROOT, timeout=600,
                         env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert run.returncode == 0, run.stderr
    return run


@pytest.fixture(scope="module")
def exported(export_run) -> ExportReport:
    return ExportReport(**json.loads(export_run.stdout))


def test_a_good_export_prints_nothing_and_keeps_what_the_tracer_said(export_run, exported):
    """Tracing warns on every run; with parity held those warnings go to export.json, not the terminal."""
    assert export_run.stderr == ""
    assert exported.fp32_min_cosine >= onnx_export.FP32_MIN_COSINE
    assert any(w.startswith("TracerWarning: ") for w in exported.trace_warnings)
    kept = json.loads((Path(exported.dir) / "export.json").read_text(encoding="utf-8"))
    assert kept["trace_warnings"] == exported.trace_warnings


def test_a_failed_parity_names_what_the_tracer_said(tmp_path, monkeypatch):
    """The same warnings are shown when they may matter: parity below the bar (here a bar no export can reach)."""
    monkeypatch.setattr(onnx_export, "FP32_MIN_COSINE", 1.5)
    with pytest.raises(ExportFailed, match=r"(?s)< 1\.5\).*the exporter said: TracerWarning: "):
        export(tmp_path, texts=corpus_sentences(8))
    assert not (tmp_path / "model.onnx").exists() and not (tmp_path / "export.json").exists()


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
    from graph.text.encoder import get_encoder

    texts = corpus_sentences(12)[2:10] + ["how do I build a referral network", "halal finance"]
    ref = get_encoder(name="torch").encode(texts)  # the reference, whatever EP_ENCODER says
    got = encoder.encode(texts)  # a batch of mixed lengths: sorted, padded per batch, returned in order
    assert got.dtype == np.float32 and got.shape == ref.shape == (10, 384)
    cos = np.sum(got * ref, axis=1)
    assert cos.min() >= 0.999, cos
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    single = np.stack([encoder.encode([t])[0] for t in texts])  # unpadded one-at-a-time path agrees
    assert np.sum(single * got, axis=1).min() >= 0.9999
    assert encoder.encode([]).shape == (0, 384)


def test_model_id_matches_the_torch_encoder_so_index_vectors_are_shared(encoder):
    from graph.text.model import model_id

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

    with pytest.raises(OnnxUnavailable, match=r"run make build \(or python -m graph.text.onnx_export"):
        OnnxEncoder(onnx_file=tmp_path / "model.onnx")


def test_an_export_without_its_parity_record_is_never_served(tmp_path, exported, monkeypatch):
    """The shared model id rests on the export's parity check: a bare model.onnx in the cache is refused."""
    import shutil

    from graph.text.onnx import OnnxEncoder, OnnxUnavailable, export_file, has_export

    monkeypatch.setenv("EP_ONNX_CACHE", str(tmp_path))
    target = export_file()
    target.parent.mkdir(parents=True)
    shutil.copy(exported.fp32, target)
    assert not has_export()
    with pytest.raises(OnnxUnavailable, match="no parity record"):
        OnnxEncoder()
    shutil.copy(Path(exported.dir) / "export.json", target.parent / "export.json")
    assert has_export() and OnnxEncoder().name == "onnx"


def test_factory_choice_and_fallback(tmp_path):
    """auto with no export: torch, with a note saying how to get the fast path; a bad EP_ENCODER names the valid
    values. In a subprocess, so the fallback's torch import and the empty cache stay out of this process."""
    code = ("import sys; from graph.text.encoder import get_encoder; e = get_encoder(); "
            "print(e.name, e.id, e.encode(['halal finance']).shape)")
    env = dict(os.environ, HF_HUB_OFFLINE="1", PYTHONPATH=str(ROOT), EP_ONNX_CACHE=str(tmp_path), EP_ENCODER="auto")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env, check=True)
    from graph.text.model import model_id

    assert out.stdout.split() == ["torch", model_id(), "(1,", "384)"]
    assert "no ONNX export of the model yet" in out.stderr and "make build" in out.stderr
    env["EP_ENCODER"] = "onnx"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env)
    assert out.returncode != 0 and "OnnxUnavailable" in out.stderr and "make build" in out.stderr
    env["EP_ENCODER"] = "tensorflow"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env)
    assert out.returncode != 0 and "'tensorflow' is not one of auto, onnx, torch" in out.stderr


def test_cli_help():
    out = subprocess.run([sys.executable, "-m", "graph.text.onnx_export", "--help"], capture_output=True, text=True,
                         cwd=ROOT, check=True).stdout
    assert "--quantize" in out and "--json" in out and "--out" in out
