"""Questions in users' own voices for the model's nodes: how a business adviser, a researcher and a council
commissioner would ask for each one, in everyday words rather than the model's.

Each ``<voice>.yaml`` maps a node id to its questions. They were written blind, by one writer per voice who
saw only the node definitions (never a document, a test or an evaluation question; see the files' headers),
and serve twice: ingest attaches them to their nodes as ``ep:askedAs`` (so search matches a user's words
against them, in dense and BM25 alike, and shows which one matched), and ``python -m bench.encoder_fit``
fine-tunes the encoder on them. A node id the build does not hold is skipped and counted, never an error: a
corpus without the model's report simply has no such nodes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from graph import yamlio
from ingest.links.examples import ExamplesError, parse_examples

QUESTIONS_DIR = Path(__file__).parent
VOICES = ("adviser", "researcher", "commissioner")


class QuestionsError(ValueError):
    """A questions file cannot be used; the message names the file and the entry."""


@dataclass(frozen=True)
class Question:
    node: str
    text: str
    voice: str


def parse(text: str, name: str, voice: str) -> list[Question]:
    """The questions of one file (the same shape as the linker's example sentences: node id -> list of
    strings); an entry that is not a list of non-empty strings is refused by name."""
    try:
        data = parse_examples(text, name)
    except ExamplesError as e:
        raise QuestionsError(str(e).replace("sentences", "questions")) from e
    return [Question(node, q, voice) for node, items in data.items() for q in items]


def files(*folders: Path) -> list[tuple[str, Path]]:
    """(voice, file) for each voice's files, voice by voice: ``<voice>.yaml`` and then ``<voice>-<n>.yaml`` (a
    later writer of that voice) of each folder in turn."""
    out = []
    for voice in VOICES:
        for folder in folders or (QUESTIONS_DIR,):
            later = sorted(folder.glob(f"{voice}-*.yaml"), key=lambda f: (len(f.name), f.name))
            out += [(voice, f) for f in [folder / f"{voice}.yaml", *later] if f.is_file()]
    return out


@lru_cache(maxsize=4)
def load(*folders: Path) -> tuple[Question, ...]:
    """Every voice's questions in ``folders`` (default: this package's), in file order."""
    out: list[Question] = []
    for voice, f in files(*folders):
        out += parse(yamlio.decode(f.read_bytes(), str(f)), str(f), voice)
    return tuple(out)


def by_node(questions: tuple[Question, ...] | list[Question]) -> dict[str, list[str]]:
    """node id -> its distinct questions, in file order."""
    out: dict[str, list[str]] = {}
    for q in questions:
        bucket = out.setdefault(q.node, [])
        if q.text not in bucket:
            bucket.append(q.text)
    return out


def data_hash(*folders: Path) -> str:
    """sha256 over the voices' files: what the fine-tuned encoder and the index record as their training data."""
    h = hashlib.sha256()
    for _voice, f in files(*folders):
        h.update(f.stem.encode())  # the voice for a first writer's file, as before later writers existed
        h.update(f.read_bytes())
    return h.hexdigest()
