"""The domain-adapted encoder: all-MiniLM-L6-v2 fine-tuned on users' questions and example sentences.

The repository keeps only what training changed, as fp16 safetensors (``tuned/delta.safetensors``, about 22 MB:
the word-embedding matrix, half the model, stays frozen), with ``tuned/tuned.json`` pinning the delta's and the
base weights' sha256, the training data's hash and the settings. ``materialise`` merges base and delta once
into a whole sentence-transformers folder in the cache (numpy and safetensors only: no torch), after checking
both hashes; the ONNX export, its parity check and the index then treat it like any model folder.
``python -m bench.encoder_fit`` (``make train``) writes the delta.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from functools import lru_cache
from pathlib import Path

TUNED_DIR = Path(__file__).with_name("tuned")
DELTA_NAME = "delta.safetensors"
META_NAME = "tuned.json"
WEIGHTS = "model.safetensors"


class TunedUnavailable(Exception):
    """The fine-tuned delta is missing, altered or made for other base weights (the message says which)."""


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@lru_cache(maxsize=4)
def _manifest(folder: Path) -> dict | None:
    f = folder / META_NAME
    if not (f.exists() and (folder / DELTA_NAME).exists()):
        return None
    return json.loads(f.read_text(encoding="utf-8"))


def manifest(folder: Path = TUNED_DIR) -> dict | None:
    """``tuned.json`` when a delta ships beside it, else None (the base model is used)."""
    return _manifest(Path(folder))


def tuned_id(folder: Path = TUNED_DIR) -> str | None:
    """The fine-tuned model's id (changes with its weights), read without loading anything."""
    m = manifest(folder)
    return f"minilm-tuned:{m['delta_sha256'][:12]}" if m else None


def default_cache() -> Path:
    return Path.home() / ".cache" / "empowering-places" / "models"


def materialise(base: Path, folder: Path = TUNED_DIR, cache: Path | None = None) -> Path:
    """The whole fine-tuned model folder (made once, reused while the delta is unchanged).

    Raises TunedUnavailable when the delta's or the base weights' sha256 differs from ``tuned.json``: only
    pinned safetensors are ever loaded."""
    m = manifest(folder)
    if m is None:
        raise TunedUnavailable(f"no fine-tuned delta in {folder}")
    target = Path(cache or default_cache()) / f"minilm-tuned-{m['delta_sha256'][:16]}"
    if (target / ".complete").exists():
        return target
    delta = Path(folder) / DELTA_NAME
    if sha256(delta) != m["delta_sha256"]:
        raise TunedUnavailable(f"{delta}: sha256 differs from {META_NAME}; re-run `make train` or restore the file")
    if sha256(Path(base) / WEIGHTS) != m["base_sha256"]:
        raise TunedUnavailable(f"{base / WEIGHTS}: not the base weights the delta was trained from "
                               f"(sha256 {m['base_sha256'][:12]}…)")
    from safetensors.numpy import load_file, save_file

    weights = load_file(str(Path(base) / WEIGHTS))
    for name, value in load_file(str(delta)).items():
        if name not in weights or weights[name].shape != value.shape:
            raise TunedUnavailable(f"{delta}: tensor {name} does not fit the base model")
        weights[name] = value.astype(weights[name].dtype)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(base, tmp, ignore=shutil.ignore_patterns(WEIGHTS, "*.bin", "onnx", "*.onnx"))
    save_file(weights, str(tmp / WEIGHTS), metadata={"format": "pt"})
    (tmp / ".complete").write_text(m["delta_sha256"], encoding="utf-8")
    try:
        os.replace(tmp, target)
    except OSError:  # another process made it first: theirs is the same bytes
        shutil.rmtree(tmp, ignore_errors=True)
    return target
