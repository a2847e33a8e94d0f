"""The torch backend: sentence-transformers, the reference every other backend is checked against.

Used for the ONNX export's parity check and as the fallback when no export exists (``graph/text/encoder.py``
chooses); the serving processes never import it when the export is there.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from graph.text.model import ModelUnavailable, model_id, model_path


class Embedder:
    name = "torch"

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
        self.id = model_id(path)

    def encode(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        """Unit-length float32 vectors, so inner product is cosine similarity."""
        if not texts:
            return np.zeros((0, self.dim), dtype="float32")
        vecs = self.model.encode(
            texts, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=progress, convert_to_numpy=True
        )
        return np.ascontiguousarray(vecs, dtype="float32")
