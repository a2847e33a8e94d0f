"""A real Oxigraph server on a free loopback port, for the benchmarks and the tests alike."""

from __future__ import annotations

import math
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_streamlit(url: str, seconds: float = 90) -> bool:
    """True once a Streamlit server at ``url`` answers its health check, False after ``seconds``."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).status == 200:
                return True
        except OSError:
            time.sleep(0.5)
    return False


def oxigraph_binary() -> str:
    exe = Path(sys.executable).with_name("oxigraph")
    found = str(exe) if exe.exists() else shutil.which("oxigraph")
    if not found:
        raise RuntimeError("the oxigraph server is not installed (pip install oxigraph, part of the dev extra)")
    return found


class OxigraphServer:
    """A real `oxigraph serve` on a free loopback port, with its data in ``location``."""

    def __init__(self, location: Path, timeout_s: float | None = None):
        self.location = location
        self.port = free_port()
        self.timeout_s = timeout_s
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> OxigraphServer:
        args = [oxigraph_binary(), "serve", "--location", str(self.location), "--bind", f"127.0.0.1:{self.port}"]
        if self.timeout_s:
            args += ["--timeout-s", str(max(1, math.ceil(self.timeout_s)))]  # whole seconds: it refuses "3.0"
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"oxigraph serve exited: {self.proc.stderr.read().decode()[:500]}")
            try:
                urllib.request.urlopen(f"{self.url}/query?query=ASK%7B%7D", timeout=1).read()
                return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"oxigraph serve did not answer on {self.url}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def start_streamlit(command: list[str], env: dict[str, str], cwd: Path, log=subprocess.DEVNULL,
                    seconds: float = 90) -> tuple[subprocess.Popen, str]:
    """``python -m <command…>`` as a Streamlit server on a free loopback port (headless, no usage stats),
    once its health check answers: (process, URL). Raises RuntimeError (the server stopped) otherwise.

    ``command`` is e.g. ``["ui.serve"]`` (as ``make run`` starts it) or ``["streamlit", "run", "app.py"]``."""
    port = free_port()
    args = [sys.executable, "-m", *command, "--server.port", str(port), "--server.address", "127.0.0.1",
            "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    proc = subprocess.Popen(args, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    if not wait_for_streamlit(url, seconds):
        stop(proc)
        raise RuntimeError(f"the Streamlit server ({' '.join(command)} in {cwd}) did not start in {seconds:.0f} s")
    return proc, url


@contextmanager
def streamlit(command: list[str], env: dict[str, str], cwd: Path, log: Path, seconds: float = 90) -> Iterator[str]:
    """A Streamlit server (``start_streamlit``) for the length of a ``with``, its output in ``log``: its URL."""
    with open(log, "w") as fh:
        proc, url = start_streamlit(command, env, cwd, fh, seconds)
        try:
            yield url
        finally:
            stop(proc)


def stop(proc: subprocess.Popen) -> None:
    """Terminate a server this process started, killing it if it has not gone within 10 s."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
