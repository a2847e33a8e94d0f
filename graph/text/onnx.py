"""Sentence vectors through ONNX Runtime and the model's fast tokenizer: the serving path, without torch.

Same interface as the torch backend ``graph.text.embed.Embedder`` (``encode(texts, batch_size, progress)`` -> unit
float32 rows, ``dim``, ``id``); ``graph/text/encoder.py`` picks one. The export is loaded only when its
``export.json`` is there, which ``onnx_export.export`` writes only after the fp32 graph reproduced
sentence-transformers (min cosine >= ``FP32_MIN_COSINE`` on corpus sentences; 1.0000 over all 554 index texts in
bench/results/encoder.md). That check is why it reports the torch model id and shares the index cache; an int8
graph reports its own id, so its vectors are never mixed with fp32 ones. Export with ``make build`` (or
``python -m graph.text.onnx_export``) first.

Settings that matter on 2 shared cores (measured in bench/encoder_parity.py): no thread spinning, one query
encoded unpadded, batches sorted by length and padded only to their longest text.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np

from graph import settings
from graph.files import write_text_atomically
from graph.text.model import ModelUnavailable, model_id, model_path

INTRA_OP_THREADS = min(2, os.cpu_count() or 1)  # this machine kind has 2 cores; more threads only contend
BATCH = 16  # texts per run, sorted by length: CPU per text 5.3 s/552 at 16 vs 7.4 s at 64 (less padding)
DEFAULT_MAX_TOKENS = 256  # sentence-transformers' max_seq_length for all-MiniLM-L6-v2, read from the model


class OnnxUnavailable(ModelUnavailable):
    """No ONNX export for this model yet, or it does not load (the message says which and what to run)."""


FP32_NAME = "model.onnx"
INT8_NAME = "model.int8.onnx"
META_NAME = "export.json"  # written by onnx_export only after the parity check passed
HASHED = ("model.safetensors", "config.json", "tokenizer.json", "sentence_bert_config.json",
          "1_Pooling/config.json")


def default_cache() -> Path:
    return Path(settings.get("EP_ONNX_CACHE") or Path.home() / ".cache" / "empowering-places" / "onnx")


def model_hash(path: Path) -> str:
    """sha256 over the files that decide the vectors, so a weight or tokenizer change makes a new export.

    Reading 90 MB of weights costs about 0.5 s of every cold start, so the digest is remembered in the cache
    under the files' paths, sizes and modification times: any change to them hashes again."""
    path = Path(path)
    stat = hashlib.sha256()
    for name in HASHED:
        f = path / name
        if f.exists():
            st = f.stat()
            stat.update(f"{f.resolve()}|{st.st_size}|{st.st_mtime_ns}\0".encode())
    memo = default_cache() / "hashes" / stat.hexdigest()[:32]
    try:
        known = memo.read_text(encoding="ascii").strip()
        if len(known) == 16:
            return known
    except OSError:
        pass
    digest = _content_hash(path)
    try:
        memo.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomically(memo, digest, "ascii")
    except OSError:
        pass  # a read-only cache only costs the re-hash
    return digest


def _content_hash(path: Path) -> str:
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


def export_file(path: Path | None = None, int8: bool = False) -> Path:
    """The cached export's graph for the model at ``path`` (it may not exist yet)."""
    return export_dir(path) / (INT8_NAME if int8 else FP32_NAME)


def has_export(path: Path | None = None, int8: bool = False) -> bool:
    """True when the export is there and its parity check passed (export.json is written after it)."""
    f = export_file(path, int8)
    return f.exists() and (f.parent / META_NAME).exists()


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
        self.path = Path(path or model_path())
        checked = onnx_file is None  # the cache's export: served only with its parity record
        if onnx_file is None:
            onnx_file = export_file(self.path, int8)
        self.onnx_file = Path(onnx_file)
        hint = "run make build (or python -m graph.text.onnx_export" + (" --quantize" if int8 else "") + ")"
        if not self.onnx_file.exists():
            raise OnnxUnavailable(f"no ONNX export at {self.onnx_file}: {hint}")
        if checked and not (self.onnx_file.parent / META_NAME).exists():
            raise OnnxUnavailable(f"the ONNX export in {self.onnx_file.parent} has no parity record: {hint}")
        import onnxruntime as ort  # telemetry is off before it loads: graph/__init__.py
        from tokenizers import Tokenizer

        ort.disable_telemetry_events()  # the documented switch too, though alone it stops neither files nor uploads

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
        self.name = "onnx-int8" if int8 or ".int8." in self.onnx_file.name else "onnx"
        quantized = self.name == "onnx-int8"
        self.id = model_id(self.path) + (":onnx-int8" if quantized else "")

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

    def encode(self, texts: list[str], batch_size: int = BATCH, progress: bool = False) -> np.ndarray:
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
