"""Files written whole or not at all: written next to the target and renamed over it (``os.replace`` is atomic),
so a reader (another process, a crash halfway) never sees half a file. Every cache and index file goes this way."""

from __future__ import annotations

import errno
import os
import secrets
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


def create_new(path: Path, data: bytes) -> bool:
    """Write ``data`` as a new file at ``path``, whole, only when nothing has that name (False then).

    The bytes go to a hidden temporary first and are hard-linked into place, which fails rather than replaces:
    two writers of one name never overwrite each other (a check-then-write would let both pass the check),
    and a reader never sees half a file. Where the file system has no hard links, O_EXCL does the refusing.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        tmp.write_bytes(data)
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        except OSError as e:
            if e.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.EMLINK):
                raise
            try:
                with open(path, "xb") as fh:
                    fh.write(data)
            except FileExistsError:
                return False
        return True
    finally:
        tmp.unlink(missing_ok=True)


def save_unique(folder: Path, name: str, data: bytes) -> tuple[Path, bool]:
    """Save ``data`` in ``folder`` without replacing anything: as ``name``, else ``name-2``, ``name-3`` ….

    Returns (the file, True) when saved, (the file, False) when one with these very bytes already holds one
    of those names."""
    stem, suffix = os.path.splitext(name)
    n = 1
    while True:
        target = folder / (name if n == 1 else f"{stem}-{n}{suffix}")
        if create_new(target, data):
            return target, True
        try:
            if target.is_file() and not target.is_symlink() and target.read_bytes() == data:
                return target, False
        except OSError:
            pass
        n += 1
