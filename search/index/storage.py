"""The index on disk, in ``<build>/index/``: written file by file with a rename, read back with every check.

Files: ``meta.json`` (model id, graph fingerprint, text variant, per-node text hashes), ``ids.json``
(the node id of each vector, in index order), ``vectors.faiss`` and ``cache.npz`` (vectors keyed by the
sha256 of the text embedded). ``meta.json`` is written last, so an interrupted write reads as "no index".
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import faiss
import numpy as np

from graph.files import replace_atomically as _replace
from search.index.base import FORMAT, IndexMeta, IndexProblem, VectorIndex

INDEX_DIR = "index"


def fingerprint(build: Path) -> str:
    try:
        return str(json.loads((build / "manifest.json").read_text(encoding="utf-8")).get("fingerprint", ""))
    except (OSError, ValueError):
        return ""


def index_dir(build: Path) -> Path:
    return Path(build) / INDEX_DIR


def read_index(build: Path) -> VectorIndex:
    d = index_dir(build)
    if not (d / "meta.json").exists():
        raise IndexProblem(f"no index in {d}")
    try:
        raw = json.loads((d / "meta.json").read_text(encoding="utf-8"))
        meta = IndexMeta(**raw)
        ids = json.loads((d / "ids.json").read_text(encoding="utf-8"))
        index = faiss.read_index(str(d / "vectors.faiss"))
    except (OSError, ValueError, TypeError, RuntimeError) as e:
        raise IndexProblem(f"the index in {d} is unreadable ({e.__class__.__name__})") from e
    if meta.format != FORMAT:
        raise IndexProblem(f"the index in {d} has format {meta.format}, this code reads {FORMAT}")
    if not (len(ids) == meta.count == index.ntotal) or len(set(ids)) != len(meta.hashes) or index.d != meta.dim:
        raise IndexProblem(f"the index in {d} is inconsistent ({len(ids)} ids, {index.ntotal} vectors)")
    vectors = index.reconstruct_n(0, index.ntotal) if index.ntotal else np.zeros((0, meta.dim), "float32")
    return VectorIndex(ids, np.asarray(vectors, dtype="float32"), index, meta)


def write_index(build: Path, vi: VectorIndex, cache: dict[str, np.ndarray]) -> None:
    d = index_dir(build)
    d.mkdir(parents=True, exist_ok=True)
    (d / "meta.json").unlink(missing_ok=True)  # meta last: an interrupted write reads as "no index"
    _replace(d / "vectors.faiss", lambda p: faiss.write_index(vi.index, str(p)))
    _replace(d / "ids.json", lambda p: p.write_text(json.dumps(vi.row_ids), encoding="utf-8"))
    keys = list(cache)
    mat = np.stack([cache[k] for k in keys]) if keys else np.zeros((0, vi.meta.dim), "float32")

    def save_cache(p: Path) -> None:
        with open(p, "wb") as fh:
            np.savez(fh, model=np.array(vi.meta.model), keys=np.array(keys), vecs=mat)

    _replace(d / "cache.npz", save_cache)
    _replace(d / "meta.json", lambda p: p.write_text(json.dumps(asdict(vi.meta), indent=1), encoding="utf-8"))


def read_cache(build: Path, model: str) -> dict[str, np.ndarray]:
    """Stored vectors by text hash, or nothing when they were made by another model (never mixed)."""
    try:
        with np.load(index_dir(build) / "cache.npz", allow_pickle=False) as z:
            if str(z["model"]) != model:
                return {}
            return {str(k): v for k, v in zip(z["keys"], z["vecs"], strict=True)}
    except (OSError, ValueError, KeyError, EOFError):
        return {}
