"""Every ``EP_*`` environment setting, declared once: its variable, default and what it is for.

Values are read when asked for (``settings.get("EP_STORE")``), never at import time, so a process (or a
test) that changes the environment sees the change. The README's settings table is generated from,
and checked against, ``SETTINGS`` (``tests/test_layers.py``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the repository: default corpus/ and build/ live here


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    doc: str
    kind: Callable[[str], object] = str


SETTINGS: tuple[Setting, ...] = (
    Setting("EP_BUILD", "build", "build directory holding graph.ttl, manifest.json and the index "
            "(relative to the repository)"),
    Setting("EP_CORPUS", "corpus", "corpus folder the app's upload page adds documents to "
            "(relative to the repository)"),
    Setting("EP_STORE", "memory", "where the graph lives: memory, oxigraph:DIR or sparql:URL"),
    Setting("EP_STORE_TIMEOUT", "30", "seconds every SPARQL store request may take", float),
    Setting("EP_STORE_LOCK_WAIT", "600", "seconds an ingest waits for another ingest's write lock", float),
    Setting("EP_MODEL_PATH", "", "a local sentence-transformers model folder instead of the packaged "
            "all-MiniLM-L6-v2"),
    Setting("EP_MODEL", "tuned", "which all-MiniLM-L6-v2: tuned (fine-tuned on users' questions, "
            "graph/text/tuned/) or base (the packaged weights as published)"),
    Setting("EP_HNSW_ABOVE", "50000", "node count above which the vector index is HNSW instead of exact", int),
    Setting("EP_ENCODER", "auto", "sentence encoder: onnx (ONNX Runtime, no torch), torch (sentence-transformers, "
            "the reference) or auto (onnx when its checked export exists, else torch with a note)"),
    Setting("EP_ONNX_CACHE", "", "folder for the ONNX export of the model (default ~/.cache/empowering-places/onnx)"),
    Setting("EP_SPARQL_MEMORY_MB", "1024", "memory a user SPARQL query may use above the loaded graph (MB)", int),
    Setting("EP_SPARQL_LOAD_TIMEOUT", "600", "seconds the SPARQL worker may take to load the graph", float),
)
_BY_NAME = {s.name: s for s in SETTINGS}


def get(name: str):
    """The setting's current value (environment, else default), converted to its type."""
    s = _BY_NAME[name]
    raw = os.environ.get(name) or s.default
    return s.kind(raw)


def path(name: str) -> Path:
    """A path setting: absolute as given, relative ones against the repository root (defaults included)."""
    raw = os.environ.get(name)
    return Path(raw) if raw else ROOT / _BY_NAME[name].default


def readme_table() -> str:
    """The README's settings table, exactly as it must read."""
    rows = ["| variable | default | what it sets |", "|---|---|---|"]
    rows += [f"| `{s.name}` | {f'`{s.default}`' if s.default else '(none)'} | {s.doc} |" for s in SETTINGS]
    return "\n".join(rows)
