"""Nothing is written outside our folders and nothing leaves 127.0.0.1 when ONNX Runtime loads (issue 27, item 3).

ONNX Runtime 1.32 wrote a device id and an event store under ~/.cache/Microsoft/DeveloperTools/.onnxruntime/ on
import and looked up mobile.events.data.microsoft.com about 10 s later. Each case runs the real CLI or the
library the app calls, in a fresh HOME, under strace when it is installed, and reads every connect and send.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STRACE = shutil.which("strace")
LOOPBACK = {"127.0.0.1", "::1", "::ffff:127.0.0.1"}


def fresh_env(home: Path) -> dict:
    from graph.text.onnx import default_cache, has_export

    if not has_export():
        pytest.skip("no ONNX export of the model (make build): the ONNX path cannot load")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORT_")}  # no switch inherited from us
    return {**env, "HOME": str(home), "EP_ONNX_CACHE": str(default_cache()), "HF_HUB_OFFLINE": "1",
            "EP_ENCODER": "onnx", "PYTHONPATH": str(ROOT)}


def run_traced(cmd: list[str], env: dict, log: Path, timeout: float = 180) -> subprocess.CompletedProcess:
    if STRACE:
        cmd = [STRACE, "-f", "-qq", "-e", "trace=connect,sendto,sendmsg", "-o", str(log), *cmd]
    return subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def left_the_machine(log: Path) -> list[str]:
    """Every traced connect or send to an internet address other than loopback (DNS included)."""
    if not STRACE:
        return []
    out = []
    for line in log.read_text(errors="replace").splitlines():
        addrs = re.findall(r'inet_addr\("([^"]+)"\)|inet_pton\(AF_INET6, "([^"]+)"', line)
        if any((a or b) not in LOOPBACK for a, b in addrs) or "htons(53)" in line:
            out.append(line[:200])
    return out


def written_by_ort(home: Path) -> list[str]:
    return sorted(str(p.relative_to(home)) for p in home.rglob("*") if "Microsoft" in p.parts or "onnxruntime" in
                  str(p).lower())


def test_the_cli_writes_nothing_for_onnx_runtime_and_calls_nowhere(tmp_path, build_dir):
    home = tmp_path / "home"
    home.mkdir()
    p = run_traced([sys.executable, "-m", "search", "referral network for local entrepreneurs", "--build",
                    str(build_dir), "-k", "3"], fresh_env(home), tmp_path / "strace.log")
    assert p.returncode == 0, p.stderr[-2000:]
    assert "referral" in p.stdout.lower()
    assert written_by_ort(home) == []
    assert left_the_machine(tmp_path / "strace.log") == []


def test_the_served_apps_search_stays_quiet_for_20_seconds(tmp_path, build_dir):
    """The app's process loads the engine and searches, then lives on, as a served app does: ONNX Runtime's
    upload (a DNS lookup about 10 s after loading, before the change) never happens."""
    home = tmp_path / "home"
    home.mkdir()
    code = ("import sys, time\nfrom search.engine import SearchEngine\n"
            "e = SearchEngine.load(sys.argv[1])\nprint(len(e.search('referral network', k=3)))\ntime.sleep(20)\n")
    p = run_traced([sys.executable, "-c", code, str(build_dir)], fresh_env(home), tmp_path / "strace.log")
    assert p.returncode == 0, p.stderr[-2000:]
    assert p.stdout.strip() == "3"
    assert left_the_machine(tmp_path / "strace.log") == []
    assert written_by_ort(home) == []


@pytest.mark.browser
def test_the_served_app_stays_quiet_while_it_answers(tmp_path, build_dir):
    """The real served app (Streamlit, fresh HOME), strace attached to all its threads: Chromium asks a question,
    so the server loads ONNX Runtime and answers; then it lives on 20 s. Nothing leaves 127.0.0.1."""
    import time

    from bench import browser
    from bench.browser import settle, unavailable
    from bench.servers import start_streamlit, stop

    if why := unavailable():
        pytest.skip(f"{why}; browser test skipped")
    if not STRACE:
        pytest.skip("strace is not installed: the served app's connections cannot be read")
    home = tmp_path / "home"
    home.mkdir()
    env = {**fresh_env(home), "EP_BUILD": str(build_dir), "EP_STORE": "memory"}
    log = tmp_path / "strace.log"
    with open(tmp_path / "streamlit.log", "w") as out:
        proc, url = start_streamlit(["streamlit", "run", str(ROOT / "app.py")], env, ROOT, out)
    tracer = subprocess.Popen([STRACE, "-f", "-qq", "-e", "trace=connect,sendto,sendmsg", "-o", str(log),
                               "-p", str(proc.pid)], stderr=subprocess.DEVNULL)
    try:
        time.sleep(1)  # attached to every thread before the question comes
        with browser.page() as pg:
            pg.goto(f"{url}/?page=ask&q=referral+network+for+local+entrepreneurs", wait_until="domcontentloaded")
            settle(pg)
            pg.wait_for_selector("text=/Answered in \\d+ ms/", timeout=90_000)
            time.sleep(20)  # the telemetry upload came about 10 s after loading
        maps = Path(f"/proc/{proc.pid}/maps").read_text()
    finally:
        tracer.terminate()
        tracer.wait(10)
        stop(proc)
    assert "libonnxruntime" in maps, "the served app answered without loading ONNX Runtime: this proved nothing"
    assert left_the_machine(log) == []
    assert written_by_ort(home) == []
