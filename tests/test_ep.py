"""The `ep` console script: the module CLIs under one name, with the same output and exit codes.

Runs the installed script when this venv has it (``pip install -e .``, as ``make`` does), else its entry
module (``python -m cli.ep``); PYTHONPATH points both at this checkout's code.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = Path(sys.executable).parent / "ep"
EP = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "cli.ep"]
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}


def run(*argv) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in argv], capture_output=True, text=True, cwd=ROOT, env=ENV, timeout=300)


def test_help_lists_every_command_and_a_bad_command_is_a_usage_error():
    p = run(*EP, "--help")
    assert p.returncode == 0
    for command in ("ingest", "graph", "search", "index", "evaluate"):
        assert f"\n  {command} " in p.stdout
    p = run(*EP, "teleport")
    assert p.returncode == 2 and "unknown command 'teleport'" in p.stderr
    assert run(*EP).returncode == 2


@pytest.mark.parametrize("command,module", [("ingest", "ingest"), ("graph", "graph"), ("search", "search")])
def test_a_command_help_is_its_module_help(command, module):
    ep, mod = run(*EP, command, "--help"), run(sys.executable, "-m", module, "--help")
    assert (ep.returncode, ep.stdout) == (0, mod.stdout)


def test_same_json_and_exit_codes_as_the_module_cli(build_dir):
    args = ("node", "process/education", "--build", build_dir, "--json")
    ep, mod = run(*EP, "graph", *args), run(sys.executable, "-m", "graph", *args)
    assert ep.returncode == mod.returncode == 0
    assert json.loads(ep.stdout) == json.loads(mod.stdout)
    assert json.loads(ep.stdout)["node"]["id"] == "process/education"
    missing = ("node", "Education", "--build", build_dir.parent / "no-such-build")
    assert run(*EP, "graph", *missing).returncode == run(sys.executable, "-m", "graph", *missing).returncode == 3
    bad = run(*EP, "ingest", "--store", "mongo:x")
    assert bad.returncode == 2 and "unknown store 'mongo:x'" in bad.stderr
