"""Dead ends found by walking the app as a practitioner, a researcher and a commissioner (AppTest, real build).

Each test is a view a person reached that left them with nothing to do next, or with words they cannot read.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")


@pytest.fixture(scope="module", autouse=True)
def app_env(build_dir, tmp_path_factory):
    """The app reads the session build; uploads (if any) go to a scratch corpus, never the real one."""
    corpus = tmp_path_factory.mktemp("deadend_corpus") / "corpus"
    shutil.copytree(ROOT / "corpus", corpus, ignore=shutil.ignore_patterns("profiles"))
    old = {k: os.environ.get(k) for k in ("EP_BUILD", "EP_CORPUS")}
    os.environ["EP_BUILD"], os.environ["EP_CORPUS"] = str(build_dir), str(corpus)
    yield
    for k, v in old.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


def run(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_what_rests_on_an_assumption_says_what_to_do_before_one_is_chosen():
    at = run(page="assumptions")
    at.radio(key="as_mode").set_value("What rests on an assumption").run()
    assert not at.exception
    assert at.selectbox(key="as_assumption").value is None
    infos = [i.value for i in at.info]
    assert any("Choose an assumption" in i for i in infos), infos


def test_an_elements_supporting_case_studies_say_how_they_were_linked_in_words():
    """The chain under Prosperity listed its case studies as 'Manor House Development Trust · semantic'."""
    at = run(page="assumptions", node="impact/prosperity")
    cases = [m.value for m in at.markdown if m.value.startswith("**Supporting case studies**")]
    lines = [ln for c in cases for ln in c.splitlines() if ln.startswith("- ")]
    assert lines, cases
    assert not [ln for ln in lines if " · semantic" in ln or " · explicit" in ln or " · extracted" in ln], lines
    assert any("similar in meaning" in ln for ln in lines), lines
