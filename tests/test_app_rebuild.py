"""A build interrupted after an upload was saved (the page closed mid-build) left the file in the corpus, unbuilt:
uploading it again said only "already in the corpus; not added again" and the Data page had no way to rebuild
(AppTest over a scratch corpus and a scratch copy of the session build)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ingest.build import build, pending, read_manifest, step_words
from tests.appenv import app_reads

ROOT = Path(__file__).resolve().parent.parent
CASE = b"""---
kind: case-study
---
# Riverside Bakery Co-op

Riverside Bakery Co-op in Hebden Bridge created 12 jobs and kept 40% of its spending with local suppliers.
"""


@pytest.fixture(scope="module")
def env(build_dir, tmp_path_factory):
    """A corpus and its build, then a file saved into the corpus with no build after it (as an interrupted one
    leaves it: ingest writes a build only when it finishes)."""
    root = tmp_path_factory.mktemp("rebuild")
    corpus, out = root / "corpus", root / "build"
    shutil.copytree(ROOT / "corpus", corpus, ignore=shutil.ignore_patterns("profiles"))
    build([corpus], out=out)
    if (build_dir / "index").exists():  # vectors cached by text: none embedded again
        shutil.copytree(build_dir / "index", out / "index")
    (corpus / "riverside.md").write_bytes(CASE)
    with app_reads(out, corpus):
        yield {"corpus": corpus, "build": out}


def said(at: AppTest) -> list[str]:
    return [e.value.replace("\\", "") for kind in (at.success, at.info, at.warning, at.error) for e in kind]


def test_the_data_page_sees_an_unbuilt_upload_and_rebuilds_it(env):
    p = pending([env["corpus"]], env["build"])
    assert p.stale and [Path(x).name for x in p.unbuilt] == ["riverside.md"] and not p.gone, p
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.query_params["page"] = "data"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    behind = [s for s in said(at) if s.startswith("The graph is behind the corpus")]
    assert behind and all("riverside.md is in the corpus but not in the graph yet" in s for s in behind), said(at)
    assert at.button(key="rebuild_now").proto.label == "Rebuild the graph now"
    assert len(behind) == 1  # once, above the tabs, whichever is open

    at.file_uploader[0].set_value([("riverside.md", CASE, "text/markdown")]).run()
    at.selectbox(key="upload_kind").set_value("case-study").run()
    at.button(key="upload_go").click().run()  # the same file again: said so, with whether it is built, and built
    assert not at.exception, [e.value for e in at.exception]
    words = said(at)
    assert any(
        "riverside.md: the same file is already in the corpus as riverside.md but not in the graph yet" in s
        for s in words
    ), words
    assert any("built riverside.md, in the corpus before but not in the graph" in s.lower() for s in words), words
    assert "riverside.md" in {Path(x).name for x in read_manifest(env["build"])["documents"]}
    assert not pending([env["corpus"]], env["build"]).stale
    assert not [s for s in said(at) if s.startswith("The graph is behind")], said(at)

    at.file_uploader[0].set_value([("riverside.md", CASE, "text/markdown")]).run()
    at.button(key="upload_go").click().run()  # and once it is built, that it is
    assert any(
        "riverside.md: the same content is already in the corpus as riverside.md, and in the graph" in s
        for s in said(at)
    ), said(at)
    # the refused file is not left in the uploader, as if it were waiting to be added (found in a browser walk)
    assert len(at.file_uploader) == 1 and at.file_uploader[0].key != "upload" and not at.file_uploader[0].value


def test_the_progress_bar_names_every_build_step_in_words(tmp_path):
    """The bar showed the build's internal step names ("links cases"); every step a real build reports has words."""
    labels: list[str] = []
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus, ignore=shutil.ignore_patterns("profiles"))
    build([corpus], out=tmp_path / "build", progress=lambda label, i, n: labels.append(label))
    assert any(label.startswith("links ") for label in labels) and any(label.startswith("extract ") for label in labels)
    words = {label: step_words(label) for label in labels}
    assert not [w for w in words.values() if w == "Building the graph"], words  # none fell through to the default
    assert not [w for w in words.values() if w.split()[0] in ("links", "extract", "store") or "/" in w], words
    assert words[next(la for la in labels if la == "links cases")].startswith("Linking the case studies"), words
