"""Example sentences for the model's elements: how a case study says, in its own words, that it illustrates one.

A case study rarely uses the model's wording ("Relational approaches"); it says "a mentor met the founders
every fortnight". Comparing its sentences with sentences of the same kind, written for each element, closes
that gap (the idea of doc2query and of prototype classifiers). ``examples.yaml`` holds them, keyed by element id;
they were written from the element definitions alone, by writers who never saw a case study we evaluate on
(``bench/results/cases.md`` says how), so they describe the model, not any document.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from graph import yamlio

EXAMPLES_PATH = Path(__file__).with_name("examples.yaml")
# the same for the vision, the purpose, the assumptions and the foundations (keyed by node id), written blind in
# a case study's register from the node texts alone, so the case linker can propose every kind of node
KINDS_PATH = EXAMPLES_PATH.with_name("examples-kinds.yaml")


class ExamplesError(ValueError):
    """The examples file cannot be used; the message names the file and the entry."""


def parse_examples(text: str, name: str) -> dict[str, tuple[str, ...]]:
    """element id -> its example sentences; an entry that is not a list of strings is refused by name."""
    try:
        data = yamlio.load(text) or {}
    except yamlio.ERRORS as e:
        raise ExamplesError(f"{name}: is not valid YAML ({e})") from e
    if not isinstance(data, dict):
        raise ExamplesError(f"{name}: must map element ids to lists of sentences")
    out: dict[str, tuple[str, ...]] = {}
    for key, items in data.items():
        if not isinstance(items, list) or not all(isinstance(s, str) and s.strip() for s in items):
            raise ExamplesError(f"{name}: entry '{key}' must be a list of sentences")
        out[str(key)] = tuple(" ".join(s.split()) for s in items)
    return out


@lru_cache(maxsize=4)
def load_examples(path: Path = EXAMPLES_PATH) -> dict[str, tuple[str, ...]]:
    """The examples shipped with the linker (none when the file is absent)."""
    if not path.exists():
        return {}
    return parse_examples(yamlio.decode(path.read_bytes(), str(path)), str(path))


@lru_cache(maxsize=2)
def load_case_examples(paths: tuple[Path, ...] = (EXAMPLES_PATH, KINDS_PATH)) -> dict[str, tuple[str, ...]]:
    """Every example the case linker uses: the elements' and the other kinds' files together; a node id in
    two files is refused, naming both."""
    out: dict[str, tuple[str, ...]] = {}
    seen: dict[str, Path] = {}
    for path in paths:
        for key, items in load_examples(path).items():
            if key in out:
                raise ExamplesError(f"{path}: entry '{key}' is also in {seen[key]}")
            out[key], seen[key] = items, path
    return out
