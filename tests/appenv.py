"""What the AppTest modules share: the app's environment pointed at a scratch build and corpus, and a run."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qsl

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")


@contextmanager
def app_reads(build: Path, corpus: Path) -> Iterator[None]:
    """EP_BUILD and EP_CORPUS set for the app while the block runs, put back as they were after."""
    old = {k: os.environ.get(k) for k in ("EP_BUILD", "EP_CORPUS")}
    os.environ["EP_BUILD"], os.environ["EP_CORPUS"] = str(build), str(corpus)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def run(timeout: float = 120, **params: str) -> AppTest:
    """The app run once with ``params`` as its query string; a traceback fails the test. A corrected link's view
    is put in the query string as the browser does (``ui.route.commit`` replaces the browser's entry with it)."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    replaced = replaced_url(at)
    if replaced is not None:
        at.query_params.clear()
        at.query_params.update(replaced)
    return at


_REPLACED = re.compile(r'history\.replaceState\(history\.state, "", location\.pathname \+ ("[^"]*")\)')


def replaced_url(at: AppTest) -> dict[str, str] | None:
    """The query the run told the browser to put in place of the link it opened (None when it wrote none)."""
    for h in at.get("html"):
        m = _REPLACED.search(h.proto.body)
        if m:
            return dict(parse_qsl(json.loads(m.group(1)).lstrip("?")))
    return None
