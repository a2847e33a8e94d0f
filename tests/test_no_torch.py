"""The serving processes never import torch: the app, `python -m search` and `python -m graph` run on ONNX.

Each runs in a fresh interpreter on the session build (its index made with the same model id), with the
cached ONNX export that `make test` makes; the process then reports what it imported.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("torch", "transformers", "sentence_transformers")
REPORT = f"import json, sys; print('\\nIMPORTED ' + json.dumps({{m: m in sys.modules for m in {HEAVY!r}}}))"


@pytest.fixture(scope="module")
def served(build_dir, tmp_path_factory):
    from graph.text.onnx import has_export

    if not has_export():
        pytest.fail("no ONNX export in the cache: `make test` makes it (python -m graph.text.onnx_export)")
    build = tmp_path_factory.mktemp("notorch") / "build"
    shutil.copytree(build_dir, build)
    from search.engine import SearchEngine

    SearchEngine.load(build)  # the index exists before the subprocesses look
    return build


def _imported(code: str, build: Path) -> tuple[dict, str]:
    env = dict(os.environ, HF_HUB_OFFLINE="1", PYTHONPATH=str(ROOT), EP_BUILD=str(build), EP_ENCODER="auto")
    env.pop("EP_STORE", None)
    out = subprocess.run([sys.executable, "-c", code + "\n" + REPORT], capture_output=True, text=True, cwd=ROOT,
                         env=env, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    line = next(x for x in out.stdout.splitlines() if x.startswith("IMPORTED "))
    return json.loads(line.removeprefix("IMPORTED ")), out.stdout


def _cli(module: str, *args: str) -> str:
    return ("import runpy, sys\n"
            f"sys.argv = [{module!r}, *{list(args)!r}]\n"
            "try:\n"
            f"    runpy.run_module({module!r}, run_name='__main__', alter_sys=True)\n"
            "except SystemExit as e:\n"
            "    assert e.code in (0, None), e.code\n")


def test_search_cli_imports_no_torch(served):
    imported, out = _imported(_cli("search", "how do I build a referral network", "--card", "--build", str(served)),
                              served)
    assert "Create a referral network" in out
    assert imported == dict.fromkeys(HEAVY, False)


def test_graph_cli_imports_no_torch(served):
    imported, out = _imported(_cli("graph", "paths", "--from", "Create a referral network", "--to",
                                   "Prosperity", "-k", "1", "--build", str(served)), served)
    assert "Create a referral network" in out
    assert imported == dict.fromkeys(HEAVY, False)


def test_app_imports_no_torch(served):
    code = ("from streamlit.testing.v1 import AppTest\n"
            "at = AppTest.from_file('app.py', default_timeout=120)\n"
            "at.query_params['q'] = 'how do I build a referral network'\n"
            "at.run()\n"
            "assert not at.exception, [e.value for e in at.exception]\n"
            "print('\\n'.join(m.value for m in at.markdown))\n")
    imported, out = _imported(code, served)
    assert "Create a referral network" in out
    assert imported == dict.fromkeys(HEAVY, False)
