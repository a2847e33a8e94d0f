"""Shared fixtures: the real corpus built once per test session, and once into every store backend.

``kg``, ``engine`` and ``pw`` are parametrised over the backends (memory, an embedded Oxigraph store,
and a real ``oxigraph serve`` on a free 127.0.0.1 port), so every test that reads the graph through
them runs once per backend, against the real thing.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench.servers import OxigraphServer

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.pop("EP_STORE", None)  # the tests choose their stores; a user's setting must not leak in

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
BACKENDS = ("memory", "oxigraph", "sparql")


@pytest.fixture(scope="session")
def sparql_server(tmp_path_factory):
    server = OxigraphServer(tmp_path_factory.mktemp("oxigraph-server")).start()
    yield server
    server.stop()


@dataclass(frozen=True)
class Stored:
    """The seed corpus built into one backend: its --store value and the build directory beside it."""

    backend: str
    store: str
    build: Path


@pytest.fixture(scope="session")
def build_dir(tmp_path_factory) -> Path:
    """The seed corpus built once per session (graph, texts, manifest), never the user's build/."""
    from ingest.build import build

    out = tmp_path_factory.mktemp("session") / "build"
    build([CORPUS], out=out)
    return out


@pytest.fixture(scope="session", params=BACKENDS)
def stored(request, build_dir, tmp_path_factory) -> Stored:
    if request.param == "memory":
        return Stored("memory", "memory", build_dir)
    from ingest.build import build

    if request.param == "oxigraph":
        store = f"oxigraph:{tmp_path_factory.mktemp('oxigraph-store')}"
    else:
        store = f"sparql:{request.getfixturevalue('sparql_server').url}"
    out = tmp_path_factory.mktemp(f"build-{request.param}") / "build"
    build([CORPUS], out=out, store=store)
    if (build_dir / "index").exists():  # the vector cache is keyed by text hash: reuse it, re-embed nothing
        shutil.copytree(build_dir / "index", out / "index")
    return Stored(request.param, store, out)


@pytest.fixture(scope="session")
def kg(stored):
    from graph.store import KnowledgeGraph

    return KnowledgeGraph.load(stored.build, stored.store)


@pytest.fixture(scope="session")
def pw(stored):
    from graph.analysis.pathways import Pathways

    return Pathways.load(stored.build, stored.store)


@pytest.fixture()
def corpus_copy(tmp_path) -> Path:
    """A writable copy of the corpus, for tests that add or break documents."""
    dst = tmp_path / "corpus"
    shutil.copytree(CORPUS, dst, ignore=shutil.ignore_patterns("profiles"))
    return dst


@pytest.fixture(scope="session")
def engine(stored):
    """The search engine over the session build, with the real model (loaded once per session)."""
    from search.engine import SearchEngine

    return SearchEngine.load(stored.build, store=stored.store)
