"""The dense index of every graph node, kept in ``<build>/index/`` and refreshed incrementally.

Files: ``meta.json`` (model id, graph fingerprint, text variant, per-node text hashes), ``ids.json``
(the node id of each vector, in index order), ``vectors.faiss`` and ``cache.npz`` (vectors keyed by the
sha256 of the text embedded, so a rebuild re-embeds only nodes whose text changed). Ingest copies the
folder into every new build, so the cache survives corpus changes. Vectors of another model are never
reused: the cache and index carry the model id and are dropped when it differs.

``python -m search.index [--build DIR] [--json]`` builds or refreshes it; says "up to date" when nothing changed.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import faiss
import numpy as np

from graph import settings
from graph.store import KnowledgeGraph
from graph.text.encoder import get_encoder
from graph.text.model import model_id
from search.text import DEFAULT_VARIANT, node_views, sha

INDEX_DIR = "index"
FORMAT = 1
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 96  # chosen by bench/: recall@10 >= 0.95 at 1M synthetic nodes
VIEW_MIX = 0.5  # weight of a node's best-matching view against its main text (see search/evaluate.py)
EXACT_ROWS = 200_000  # below this many vectors a numpy product beats the index for one query


class IndexProblem(Exception):
    """The stored index is missing, unreadable or does not match the graph (the message says which)."""


def fingerprint(build: Path) -> str:
    try:
        return str(json.loads((build / "manifest.json").read_text(encoding="utf-8")).get("fingerprint", ""))
    except (OSError, ValueError):
        return ""


@dataclass
class IndexMeta:
    model: str
    dim: int
    variant: str
    fingerprint: str
    kind: str  # flat | hnsw
    count: int
    hashes: dict[str, str]  # node id -> sha256 of the texts embedded for it (its views)
    format: int = FORMAT
    built_at: str = ""
    hnsw: dict = field(default_factory=dict)


@dataclass
class RefreshReport:
    """What ``ensure_index`` did, for the CLI and for notes shown to users."""

    status: str  # up-to-date | built | refreshed | rebuilt
    reason: str
    nodes: int
    embedded: int = 0
    reused: int = 0
    removed: int = 0
    kind: str = "flat"
    model: str = ""
    path: str = ""
    seconds: float = 0.0
    written: bool = True
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return asdict(self)

    def summary(self) -> str:
        if self.status == "up-to-date":
            return f"{self.path}: up to date ({self.nodes} nodes, {self.kind} index, model {self.model})"
        return (f"{self.path}: {self.status} ({self.reason}): {self.nodes} nodes, {self.embedded} embedded, "
                f"{self.reused} reused from cache, {self.removed} removed; {self.kind} index in {self.seconds:.1f}s")


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


@dataclass
class VectorIndex:
    """Vectors of every node's views and the faiss index over them.

    Row r of ``vectors`` is a view of node ``row_ids[r]``; ``node_ids`` lists each node once (sorted), and
    a node's first row is its main view. A node scores ``mix * best view + (1 - mix) * main view``.
    """

    row_ids: list[str]
    vectors: np.ndarray
    index: faiss.Index
    meta: IndexMeta
    mix: float = VIEW_MIX  # 1.0 is pure max-sim over the views

    def __post_init__(self):
        self.node_ids: list[str] = list(dict.fromkeys(self.row_ids))
        self.pos = {nid: i for i, nid in enumerate(self.node_ids)}
        self.owner = np.fromiter((self.pos[nid] for nid in self.row_ids), dtype="int64", count=len(self.row_ids))
        self.primary = np.zeros(len(self.node_ids), dtype="int64")
        seen: set[int] = set()
        for row, p in enumerate(self.owner.tolist()):
            if p not in seen:
                seen.add(p)
                self.primary[p] = row

    @property
    def ids(self) -> list[str]:
        return self.node_ids

    @property
    def kind(self) -> str:
        return self.meta.kind

    def node_vector(self, node_id: str) -> np.ndarray:
        return self.vectors[self.primary[self.pos[node_id]]]

    def search(self, qvec: np.ndarray, k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Top ``k`` (node position, score) for a unit query vector, only among ``allowed`` node positions."""
        n_nodes = len(self.node_ids)
        if not n_nodes or k <= 0 or (allowed is not None and len(allowed) == 0):
            return []
        q = np.ascontiguousarray(qvec.reshape(-1), dtype="float32")
        if self.kind == "flat" and len(self.row_ids) <= EXACT_ROWS:
            sims = self.vectors @ q  # exact over every view: cheaper than a faiss round trip at this size
            best = np.full(n_nodes, -np.inf, dtype="float32")
            np.maximum.at(best, self.owner, sims)
            cand = np.arange(n_nodes) if allowed is None else np.asarray(allowed, dtype="int64")
            scores = self.mix * best[cand] + (1 - self.mix) * sims[self.primary[cand]]
        else:
            cand, scores = self._search_faiss(q, k, allowed)
        k = min(k, len(cand))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(cand[i]), float(scores[i])) for i in top]

    def best_view(self, qvec: np.ndarray, nodes: np.ndarray) -> np.ndarray:
        """Each of ``nodes``' best cosine over its views (label, sentences …) alone, for reranking a few."""
        if not hasattr(self, "_rows_of"):
            order = np.argsort(self.owner, kind="stable")
            self._rows_of = np.split(order, np.flatnonzero(np.diff(self.owner[order])) + 1)
        q = np.asarray(qvec, dtype="float32").reshape(-1)
        return np.array([float((self.vectors[self._rows_of[p]] @ q).max()) for p in nodes.tolist()], "float32")

    def _search_faiss(self, q: np.ndarray, k: int, allowed: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        rows_k = min(len(self.row_ids), max(4 * k, 32))
        params = None
        if allowed is not None:
            mask = np.isin(self.owner, np.asarray(allowed, dtype="int64"))
            sel = faiss.IDSelectorBatch(np.flatnonzero(mask).astype("int64"))
            rows_k = min(rows_k, int(mask.sum()))
            params = (faiss.SearchParametersHNSW(sel=sel, efSearch=max(self.index.hnsw.efSearch, rows_k))
                      if self.kind == "hnsw" else faiss.SearchParameters(sel=sel))
        elif self.kind == "hnsw" and rows_k > self.index.hnsw.efSearch:
            params = faiss.SearchParametersHNSW(efSearch=rows_k)
        sims, rows = self.index.search(q.reshape(1, -1), rows_k, params=params)
        best: dict[int, float] = {}
        for r, sc in zip(rows[0].tolist(), sims[0].tolist(), strict=True):
            if r >= 0:
                p = int(self.owner[r])
                best[p] = max(best.get(p, -np.inf), sc)
        cand = np.fromiter(best, dtype="int64", count=len(best))
        main = self.vectors[self.primary[cand]] @ q
        return cand, self.mix * np.fromiter(best.values(), dtype="float32", count=len(best)) + (1 - self.mix) * main


# ------------------------------------------------------------------ storage

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


def _replace(path: Path, write: Callable[[Path], None]) -> None:
    """Write next to ``path`` and rename over it, so a reader never sees half a file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


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


# ------------------------------------------------------------------ refresh

def _stale_reason(old: VectorIndex, model: str, variant: str, hashes: dict[str, str], kind: str) -> str:
    if old.meta.model != model:
        return f"built with another model ({old.meta.model}); re-embedding with {model}"
    if old.meta.variant != variant:
        return f"text variant changed ({old.meta.variant} -> {variant})"
    if old.meta.hashes != hashes or old.node_ids != sorted(hashes):
        return "graph nodes changed"
    if old.meta.kind != kind:
        return f"index kind changed ({old.meta.kind} -> {kind})"
    return ""


def _views(kg: KnowledgeGraph, variant: str) -> dict[str, list[str]]:
    return {nid: node_views(kg.nodes[nid], variant, kg) for nid in sorted(kg.nodes)}


def _node_hash(views: list[str]) -> str:
    return sha("\x1e".join(views))


def ensure_index(build: Path, kg: KnowledgeGraph, embed: Callable[[list[str]], np.ndarray] | None = None,
                 variant: str = DEFAULT_VARIANT, hnsw_above: int | None = None, force: bool = False,
                 model: str | None = None) -> tuple[VectorIndex, RefreshReport]:
    """The index for ``kg``: loaded if current, else refreshed (re-embedding only changed texts) and saved.

    ``embed`` is called only when some text has no stored vector, so an up-to-date check never loads the model.
    """
    t0 = time.perf_counter()
    build = Path(build)
    model = model or model_id()
    views = _views(kg, variant)
    hashes = {nid: _node_hash(v) for nid, v in views.items()}
    if hnsw_above is None:
        hnsw_above = settings.get("EP_HNSW_ABOVE")
    kind = "hnsw" if len(views) > hnsw_above else "flat"
    fp = kg.fingerprint or fingerprint(build)
    try:
        old: VectorIndex | None = read_index(build)
        reason = _stale_reason(old, model, variant, hashes, kind)
    except IndexProblem as e:
        old, reason = None, str(e)
    report = RefreshReport(status="up-to-date", reason=reason or "unchanged", nodes=len(views), kind=kind,
                           model=model, path=str(index_dir(build)))
    if old is not None and not reason and not force:
        if old.meta.fingerprint != fp:  # a rebuild that changed nothing we embed: just record it
            old.meta.fingerprint = fp
            report.status, report.reason = "refreshed", "graph rebuilt, node texts unchanged"
            _try_write(build, old, read_cache(build, model), report)
        report.seconds = time.perf_counter() - t0
        return old, report

    cache = {} if force else read_cache(build, model)
    todo = sorted({t for vs in views.values() for t in vs if sha(t) not in cache})
    if todo:
        if embed is None:
            embed = get_encoder().encode
        for t, vec in zip(todo, embed(todo), strict=True):
            cache[sha(t)] = np.asarray(vec, dtype="float32")
    new = set(todo)
    changed = {nid for nid, vs in views.items() if any(t in new for t in vs)}
    vi = _assemble(views, cache, model, variant, fp, kind)
    report.status = "built" if old is None else "rebuilt" if old.meta.model != model or force else "refreshed"
    report.reason = "forced" if force and not reason else reason
    report.embedded, report.reused = len(changed), len(views) - len(changed)
    report.removed = len(set(old.node_ids) - set(views)) if old is not None else 0
    live = {sha(t) for vs in views.values() for t in vs}  # bounded cache: current texts, then as many old ones
    kept = {h: v for h, v in cache.items() if h in live}
    for h, v in cache.items():
        if len(kept) >= 2 * max(1, len(live)):
            break
        kept.setdefault(h, v)
    _try_write(build, vi, kept, report)
    report.seconds = time.perf_counter() - t0
    return vi, report


def _assemble(views: dict[str, list[str]], cache: dict[str, np.ndarray], model: str, variant: str, fp: str,
              kind: str) -> VectorIndex:
    row_ids = [nid for nid, vs in views.items() for _ in vs]
    dim = next(iter(cache.values())).shape[0] if cache else 384
    vectors = (np.stack([cache[sha(t)] for vs in views.values() for t in vs]) if row_ids
               else np.zeros((0, dim), "float32"))
    meta = IndexMeta(model=model, dim=int(vectors.shape[1]), variant=variant, fingerprint=fp, kind=kind,
                     count=len(row_ids), hashes={nid: _node_hash(vs) for nid, vs in views.items()},
                     built_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                     hnsw={"M": HNSW_M, "efConstruction": HNSW_EF_CONSTRUCTION, "efSearch": HNSW_EF_SEARCH}
                     if kind == "hnsw" else {})
    return VectorIndex(row_ids, vectors, make_faiss(vectors, 0 if kind == "hnsw" else len(vectors)), meta)


def index_in_memory(kg: KnowledgeGraph, embed: Callable[[list[str]], np.ndarray], variant: str = DEFAULT_VARIANT,
                    model: str = "") -> VectorIndex:
    """An index that is never saved: for comparing text variants without touching a build."""
    views = _views(kg, variant)
    texts = sorted({t for vs in views.values() for t in vs})
    cache = {sha(t): np.asarray(v, dtype="float32") for t, v in zip(texts, embed(texts), strict=True)}
    return _assemble(views, cache, model, variant, "", "flat")


def _try_write(build: Path, vi: VectorIndex, cache: dict[str, np.ndarray], report: RefreshReport) -> None:
    try:
        write_index(build, vi, cache)
    except OSError as e:
        report.written = False
        report.notes.append(f"could not save the index in {index_dir(build)} ({e.strerror or e}); "
                            "it is kept in memory for this session")
