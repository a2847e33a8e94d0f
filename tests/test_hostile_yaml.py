"""YAML alias bombs (issue 27, item 5): 340 bytes of nested aliases are nine levels of nine, 387 million strings
once anything walks them (5 GB and a MemoryError before the change). Every place YAML comes in goes through one
loader (``graph.yamlio``), which refuses an alias before any value is built; the refusal names the alias, its
line and the file, and the rest goes on.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.test_app import app_env, run  # noqa: F401 - app_env is a fixture used below

LEVELS = "abcdefghi"
BOMB = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]\n" for p, c in zip(LEVELS, LEVELS[1:], strict=False))
REFUSED = "the alias *a is refused"


def test_the_bomb_is_one_and_every_yaml_reader_uses_the_one_loader():
    """The text really nests nine aliases deep; nothing in the code reads YAML but graph/yamlio.py."""
    import yaml

    events = list(yaml.parse(BOMB))
    assert sum(isinstance(e, yaml.AliasEvent) for e in events) == 72 and len(BOMB) < 410
    root = Path(__file__).resolve().parent.parent
    readers = sorted(str(p.relative_to(root)) for folder in ("graph", "ingest", "search", "ui")
                     for p in (root / folder).rglob("*.py")
                     if any(w in p.read_text(encoding="utf-8") for w in ("yaml.load(", "yaml.safe_load(",
                                                                         "yaml.compose(", "yaml.full_load(")))
    assert readers == ["graph/yamlio.py"]


def test_a_build_warns_for_the_front_matter_and_corpus_yaml_and_builds_the_rest(tmp_path, corpus_copy):
    from ingest.build import build

    (corpus_copy / "bomb.md").write_text(f"---\n{BOMB}title: *i\n---\n# Bomb\n\nIn Wigan, community connectors "
                                         "referred 40 new businesses to coaching.\n", encoding="utf-8")
    (corpus_copy / "corpus.yaml").write_text(f"{BOMB}documents: *i\n", encoding="utf-8")
    result = build([corpus_copy], out=tmp_path / "build")
    by_file = {Path(p).name: msgs for p, msgs in result.warnings.items()}
    assert len(by_file["bomb.md"]) == 1 and REFUSED in by_file["bomb.md"][0] and "at line 3" in by_file["bomb.md"][0]
    assert len(by_file["corpus.yaml"]) == 1 and REFUSED in by_file["corpus.yaml"][0]
    docs = {Path(p).name for p in result.manifest["documents"]}
    assert "bomb.md" in docs and len(docs) > 5  # the body still ingests, and so does everything else


def test_a_profile_names_the_file_and_the_line(tmp_path, build_dir):
    from graph.analysis.assess import ProfileError, load_profile
    from graph.store import KnowledgeGraph

    (tmp_path / "bomb.yaml").write_text(f"{BOMB}place: *i\n", encoding="utf-8")
    with pytest.raises(ProfileError, match=r"bomb\.yaml: not valid YAML at line 2, column 8 \(" + re.escape(REFUSED)):
        load_profile(tmp_path / "bomb.yaml", KnowledgeGraph.load(build_dir))


def test_links_yaml_and_the_linker_examples_refuse_it_by_line_and_name(tmp_path):
    from ingest.links import curated
    from ingest.links.examples import ExamplesError, parse_examples

    (tmp_path / "links.yaml").write_text(f"{BOMB}links: *i\n", encoding="utf-8")
    got = curated.load(tmp_path / "links.yaml", lambda _: None)
    assert len(got.errors) == 1 and got.errors[0].startswith("line 2: not valid YAML") and REFUSED in got.errors[0]
    assert not got.adds and not got.removes
    with pytest.raises(ExamplesError, match=r"^examples\.yaml: .*" + re.escape(REFUSED)):
        parse_examples(BOMB, "examples.yaml")


def test_the_our_place_upload_shows_the_refusal(app_env):  # noqa: F811
    at = run(page="place")
    at.file_uploader(key="place_upload").set_value(("bomb.yaml", f"{BOMB}place: *i\n".encode(), "application/yaml"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    errors = [e.value.replace("\\", "") for e in at.error]
    assert len(errors) == 1 and errors[0].startswith("bomb.yaml: not valid YAML at line 2") and REFUSED in errors[0]


def test_anchors_without_aliases_still_load():
    from graph import yamlio

    assert yamlio.load("a: &x 1\nb: [2, 3]\n") == {"a": 1, "b": [2, 3]}
