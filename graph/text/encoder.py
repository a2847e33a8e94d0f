"""The one place a sentence encoder is chosen: ONNX Runtime for serving, sentence-transformers as reference.

    enc = get_encoder()          # EP_ENCODER: auto (default), onnx or torch
    enc.encode(["a question"])   # unit float32 rows; enc.dim, enc.id, enc.name

Backends, one file each: ``onnx.py`` (ONNX Runtime + the fast tokenizer; no torch) and ``embed.py``
(sentence-transformers on torch). ``auto`` takes ONNX when the checked export for this model is in the cache
(``make build`` makes it once) and otherwise falls back to torch with one line on stderr saying how to get
the fast path. Both report the same model id, so their vectors share one index: the export is only used after
its parity check against sentence-transformers passed (``graph/text/onnx_export.py``).
"""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

from graph import settings
from graph.text.model import ModelUnavailable

BACKENDS = ("auto", "onnx", "torch")


class Encoder(Protocol):
    name: str  # onnx | onnx-int8 | torch
    id: str  # the model id stored with every vector
    dim: int

    def encode(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray: ...


def backend() -> str:
    """EP_ENCODER, checked: a misspelt value is an error naming the valid ones, not a silent default."""
    name = str(settings.get("EP_ENCODER")).strip().lower()
    if name not in BACKENDS:
        raise ModelUnavailable(f"EP_ENCODER={name!r} is not one of {', '.join(BACKENDS)}")
    return name


def _onnx(path: Path | None) -> Encoder:
    from graph.text.onnx import OnnxEncoder

    return OnnxEncoder(path)


def _torch(path: Path | None) -> Encoder:
    from graph.text.embed import Embedder

    return Embedder(path)


@lru_cache(maxsize=4)
def get_encoder(path: str | None = None, name: str | None = None) -> Encoder:
    """One encoder per process and choice: loading costs a second (ONNX) to many (torch), a query milliseconds.

    Raises ModelUnavailable (OnnxUnavailable for an explicit ``onnx`` without an export) with what to run."""
    p = Path(path) if path else None
    name = name or backend()
    if name == "onnx":
        return _onnx(p)
    if name == "torch":
        return _torch(p)
    from graph.text.onnx import has_export

    why = "no ONNX export of the model yet"
    if has_export(p):
        try:
            return _onnx(p)
        except ImportError as e:  # onnxruntime or tokenizers not installed
            why = f"ONNX Runtime is not available ({e})"
        except ModelUnavailable as e:  # the export is there but does not load
            why = str(e)
    print(f"note: {why}; encoding with sentence-transformers (torch), which starts about 5 s slower. "
          "Run `make build` (or python -m graph.text.onnx_export) for the fast path.", file=sys.stderr)
    return _torch(p)
