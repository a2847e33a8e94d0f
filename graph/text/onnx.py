"""Sentence vectors through ONNX Runtime and the model's fast tokenizer: the serving path, without torch.

Same interface as ``graph.text.embed.Embedder`` (``encode(texts, batch_size, progress)`` -> unit float32 rows, ``dim``,
``id``). The fp32 export reproduces sentence-transformers to cosine 1.0000 (bench/results/encoder.md), so it
reports the same model id and its vectors share the index cache; an int8 graph reports its own id, so its
vectors are never mixed with fp32 ones. Export with ``python -m graph.text.onnx_export`` first.

Settings that matter on 2 shared cores (measured in bench/encoder_parity.py): no thread spinning, one query
encoded unpadded, batches sorted by length and padded only to their longest text.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path

import numpy as np

from graph import settings
from graph.text.embed import model_id, model_path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

INTRA_OP_THREADS = min(2, os.cpu_count() or 1)  # this machine kind has 2 cores; more threads only contend
DEFAULT_MAX_TOKENS = 256  # sentence-transformers' max_seq_length for all-MiniLM-L6-v2, read from the model


class OnnxUnavailable(Exception):
    """No ONNX export for this model yet, or it does not load (the message says which and what to run)."""


FP32_NAME = "model.onnx"
INT8_NAME = "model.int8.onnx"
HASHED = ("model.safetensors", "pytorch_model.bin", "config.json", "tokenizer.json", "sentence_bert_config.json",
          "1_Pooling/config.json")


def default_cache() -> Path:
    return Path(settings.get("EP_ONNX_CACHE") or Path.home() / ".cache" / "empowering-places" / "onnx")


def model_hash(path: Path) -> str:
    """sha256 over the files that decide the vectors, so a weight or tokenizer change makes a new export."""
    h = hashlib.sha256()
    for name in HASHED:
        f = Path(path) / name
        if f.exists():
            h.update(name.encode() + b"\0")
            with open(f, "rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    h.update(chunk)
    return h.hexdigest()[:16]


def export_dir(path: Path | None = None, cache: Path | None = None) -> Path:
    path = Path(path or model_path())
    return Path(cache or default_cache()) / model_hash(path)


def max_tokens(path: Path) -> int:
    """The truncation length sentence-transformers uses (sentence_bert_config.json), not the tokenizer's 512."""
    try:
        return int(json.loads((path / "sentence_bert_config.json").read_text(encoding="utf-8"))["max_seq_length"])
    except (OSError, ValueError, KeyError):
        return DEFAULT_MAX_TOKENS


class OnnxEncoder:
    """all-MiniLM-L6-v2 as ONNX: tokenizer.json, the exported graph, mean pooling over real tokens, L2 norm."""

    def __init__(self, path: Path | None = None, onnx_file: Path | None = None, int8: bool = False,
                 threads: int = INTRA_OP_THREADS):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.path = Path(path or model_path())
        if onnx_file is None:
            onnx_file = export_dir(self.path) / (INT8_NAME if int8 else FP32_NAME)
        self.onnx_file = Path(onnx_file)
        if not self.onnx_file.exists():
            raise OnnxUnavailable(f"no ONNX export at {self.onnx_file}: run python -m graph.text.onnx_export"
                                  + (" --quantize" if int8 else ""))
        self.max_tokens = max_tokens(self.path)
        self.tokenizer = Tokenizer.from_file(str(self.path / "tokenizer.json"))
        self.tokenizer.enable_truncation(self.max_tokens)
        self.tokenizer.no_padding()  # padding is ours: per batch, to its longest text
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        opts.add_session_config_entry("session.inter_op.allow_spinning", "0")
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        try:
            self.session = ort.InferenceSession(str(self.onnx_file), opts, providers=["CPUExecutionProvider"])
        except Exception as e:  # noqa: BLE001 - one clear message for any load failure
            raise OnnxUnavailable(f"{self.onnx_file} does not load ({e.__class__.__name__}: {e})") from e
        self.dim = int(self.session.get_outputs()[0].shape[-1])
        quantized = int8 or ".int8." in self.onnx_file.name
        self.id = model_id() + (":onnx-int8" if quantized else "")

    def _run(self, encs) -> np.ndarray:
        n, width = len(encs), max(len(e.ids) for e in encs)
        ids = np.zeros((n, width), dtype=np.int64)
        mask = np.zeros((n, width), dtype=np.int64)
        types = np.zeros((n, width), dtype=np.int64)
        for i, e in enumerate(encs):
            k = len(e.ids)
            ids[i, :k], mask[i, :k], types[i, :k] = e.ids, e.attention_mask, e.type_ids
        (hidden,) = self.session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": types})
        m = mask[:, :, None].astype(np.float32)
        pooled = (hidden * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1e-9)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)

    def encode(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        """Unit-length float32 vectors in the order given, so inner product is cosine similarity."""
        if not texts:
            return np.zeros((0, self.dim), dtype="float32")
        if len(texts) == 1:
            return np.ascontiguousarray(self._run([self.tokenizer.encode(texts[0])]), dtype="float32")
        encs = self.tokenizer.encode_batch(list(texts))
        order = sorted(range(len(encs)), key=lambda i: len(encs[i].ids))
        out = np.empty((len(texts), self.dim), dtype="float32")
        starts = range(0, len(order), batch_size)
        if progress:
            from tqdm import tqdm

            starts = tqdm(starts, desc="embedding (onnx)", unit="batch")
        for s in starts:
            rows = order[s:s + batch_size]
            out[rows] = self._run([encs[i] for i in rows])
        return out


@lru_cache(maxsize=2)
def get_onnx_encoder(path: str | None = None, int8: bool = False) -> OnnxEncoder:
    """One session per process: loading takes a fraction of a second, a query a few milliseconds."""
    return OnnxEncoder(Path(path) if path else None, int8=int8)
