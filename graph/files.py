"""Files written whole or not at all: written next to the target and renamed over it (``os.replace`` is atomic),
so a reader (another process, a crash halfway) never sees half a file. Every cache and index file goes this way."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path


def replace_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """``write(tmp)`` to a temporary name beside ``path``, then rename it over ``path``; no temporary is left."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_text_atomically(path: Path, text: str, encoding: str = "utf-8") -> None:
    replace_atomically(path, lambda tmp: tmp.write_text(text, encoding=encoding))
