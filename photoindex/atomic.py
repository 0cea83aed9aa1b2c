"""Atomic file writes: the one helper for every file photoindex writes (caches, settings, PNGs).

A temporary file in the destination's folder, written, flushed and fsynced, then renamed over the
destination: a crash or a full disk leaves the old file or the new one, never half of one. A
failed write removes its temporary file. Import-light (the settings and the core both use it).
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _temp_in(dest: Path) -> Path:
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=f".{threading.get_ident()}.tmp", dir=dest.parent)
    os.close(fd)
    return Path(tmp)


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDWR)  # Windows' fsync (_commit) needs write access
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # not every platform can open a folder (Windows): the rename is still atomic
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems refuse fsync on a folder; nothing more can be done
    finally:
        os.close(fd)


def atomic_save(dest: str | os.PathLike[str], save: Callable[[Path], Any], *, durable: bool = True) -> None:
    """Call save(temp_path) to write the file, then move it over dest. For writers that take a
    path (hnswlib's save_index, PIL's Image.save with a format, sqlite3 backups).
    durable=False skips the fsyncs, for caches that are cheap to make again (thumbnails)."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = _temp_in(dest)
    try:
        save(tmp)
        if durable:
            fsync_file(tmp)
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if durable:
        fsync_dir(dest.parent)


def atomic_write_bytes(dest: str | os.PathLike[str], data: bytes, *, durable: bool = True) -> None:
    atomic_save(dest, lambda tmp: tmp.write_bytes(data), durable=durable)


def atomic_write_text(dest: str | os.PathLike[str], text: str, *, durable: bool = True) -> None:
    atomic_save(dest, lambda tmp: tmp.write_text(text, encoding="utf-8"), durable=durable)
