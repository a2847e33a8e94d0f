"""When the stored index is stale, and the refresh that re-embeds only what changed.

The staleness policy: another model, another text variant, changed node texts or another index kind
means rebuild; a graph rebuilt with the same texts only records the new fingerprint. Vectors of another
model are never reused: the cache and index carry the model id and are dropped when it differs.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from graph import settings
from graph.store import KnowledgeGraph
from graph.text.encoder import get_encoder
from graph.text.model import model_id
from search.index import ann
from search.index.base import IndexMeta, IndexProblem, VectorIndex
from search.index.storage import fingerprint, index_dir, read_cache, read_index, write_index
from search.text import DEFAULT_VARIANT, node_views, sha


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
                     hnsw=ann.hnsw_settings(kind))
    return VectorIndex(row_ids, vectors, ann.make_faiss(vectors, 0 if kind == "hnsw" else len(vectors)), meta)


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
