"""The dense index of every graph node, kept in ``<build>/index/`` and refreshed incrementally.

One module a job, as txtai's ``ann/`` has it: ``base.py`` (the index records and node search over views),
``ann.py`` (the faiss wrapper: flat or HNSW), ``storage.py`` (the files in ``<build>/index/``) and
``refresh.py`` (when the index is stale, and the incremental refresh). Ingest copies the folder into every
new build, so the cache survives corpus changes.

``python -m search.index [--build DIR] [--json]`` builds or refreshes it; says "up to date" when nothing changed.
"""

from search.index.ann import HNSW_EF_CONSTRUCTION, HNSW_EF_SEARCH, HNSW_M, make_faiss
from search.index.base import EXACT_ROWS, FORMAT, VIEW_MIX, IndexMeta, IndexProblem, VectorIndex
from search.index.refresh import RefreshReport, ensure_index, index_in_memory
from search.index.storage import INDEX_DIR, fingerprint, index_dir, read_cache, read_index, write_index

__all__ = ["EXACT_ROWS", "FORMAT", "HNSW_EF_CONSTRUCTION", "HNSW_EF_SEARCH", "HNSW_M", "INDEX_DIR", "VIEW_MIX",
           "IndexMeta", "IndexProblem", "RefreshReport", "VectorIndex", "ensure_index", "fingerprint", "index_dir",
           "index_in_memory", "make_faiss", "read_cache", "read_index", "write_index"]
