"""The faiss wrapper: which index a set of vectors gets, and one search over its rows.

Exact inner product for small graphs; HNSW (inner product) once exact search gets slow. Nothing here knows
about nodes or views (``base.VectorIndex`` does); a new backend is a file like this one.
"""

from __future__ import annotations

import faiss
import numpy as np

from graph import settings

HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 96  # chosen by bench/: recall@10 >= 0.95 at 1M synthetic nodes


def make_faiss(vecs: np.ndarray, hnsw_above: int | None = None, m: int = HNSW_M,
               ef_construction: int = HNSW_EF_CONSTRUCTION, ef_search: int = HNSW_EF_SEARCH) -> faiss.Index:
    """Exact inner product for small graphs; HNSW (inner product) once exact search gets slow."""
    dim = vecs.shape[1]
    if hnsw_above is None:
        hnsw_above = settings.get("EP_HNSW_ABOVE")  # exact search below this many nodes
    if len(vecs) > hnsw_above:
        index = faiss.IndexHNSWFlat(dim, m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = ef_construction
        index.hnsw.efSearch = ef_search
    else:
        index = faiss.IndexFlatIP(dim)
    if len(vecs):
        index.add(np.ascontiguousarray(vecs, dtype="float32"))
    return index


def params(index: faiss.Index, kind: str, rows_k: int, rows: np.ndarray | None) -> faiss.SearchParameters | None:
    """Search parameters that keep to ``rows`` (None: every row) and look at least ``rows_k`` deep on HNSW."""
    if rows is not None:
        sel = faiss.IDSelectorBatch(np.asarray(rows, dtype="int64"))
        return (faiss.SearchParametersHNSW(sel=sel, efSearch=max(index.hnsw.efSearch, rows_k))
                if kind == "hnsw" else faiss.SearchParameters(sel=sel))
    if kind == "hnsw" and rows_k > index.hnsw.efSearch:
        return faiss.SearchParametersHNSW(efSearch=rows_k)
    return None


def hnsw_settings(kind: str) -> dict:
    """What an index records of how it was built (empty for an exact one)."""
    return {"M": HNSW_M, "efConstruction": HNSW_EF_CONSTRUCTION, "efSearch": HNSW_EF_SEARCH} if kind == "hnsw" else {}
