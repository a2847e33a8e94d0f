"""Shared fixtures: the real corpus built once per test session into a temporary build directory."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="session")
def build_dir(tmp_path_factory) -> Path:
    """The seed corpus built once per session (graph, texts, manifest), never the user's build/."""
    from ingest.build import build

    out = tmp_path_factory.mktemp("session") / "build"
    build([CORPUS], out=out)
    return out


@pytest.fixture(scope="session")
def kg(build_dir):
    from graph.store import KnowledgeGraph

    return KnowledgeGraph.load(build_dir)


@pytest.fixture()
def corpus_copy(tmp_path) -> Path:
    """A writable copy of the corpus, for tests that add or break documents."""
    dst = tmp_path / "corpus"
    shutil.copytree(CORPUS, dst, ignore=shutil.ignore_patterns("profiles"))
    return dst


@pytest.fixture(scope="session")
def engine(build_dir):
    """The search engine over the session build, with the real model (loaded once per session)."""
    from search.engine import SearchEngine

    return SearchEngine.load(build_dir)
