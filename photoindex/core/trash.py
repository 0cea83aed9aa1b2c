"""The desktop Trash: the one place photoindex changes a user's folders (an explicit, confirmed
clean-up of duplicates), and the way back.

Files go to the Trash with send2trash, never deleted. On Linux (the freedesktop Trash) we find
where send2trash put each file: the `.trashinfo` that appeared for it, in the home Trash
($XDG_DATA_HOME/Trash) or the Trash of the file's own volume ($topdir/.Trash/$uid,
$topdir/.Trash-$uid); undo moves the file back from there and removes its `.trashinfo`. Elsewhere
(macOS, Windows) the Trash keeps no record we can read: undo says to restore from the Trash.
"""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Trashed:
    original: str
    trashed: str | None
    """Where the file now is (None where the platform's Trash cannot be read back)."""
    info: str | None
    """Its .trashinfo (freedesktop)."""


def _freedesktop() -> bool:
    return sys.platform.startswith("linux") or "bsd" in sys.platform


def home_trash() -> Path:
    data = os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share")
    return Path(data) / "Trash"


def _mount_point(path: str) -> str:
    path = os.path.realpath(path)
    while not os.path.ismount(path):
        parent = os.path.dirname(path)
        if parent == path:
            break
        path = parent
    return path


def _trash_dirs(path: str) -> list[Path]:
    top = Path(_mount_point(os.path.dirname(os.path.abspath(path))))
    uid = str(os.getuid()) if hasattr(os, "getuid") else "0"
    return [home_trash(), top / ".Trash" / uid, top / f".Trash-{uid}"]


def _infos(dirs: list[Path], name: str) -> set[Path]:
    stem = os.path.splitext(name)[0]
    out: set[Path] = set()
    for d in dirs:
        try:
            with os.scandir(d / "info") as it:
                out.update(Path(e.path) for e in it if e.name.startswith(stem) and e.name.endswith(".trashinfo"))
        except OSError:
            continue
    return out


def _info_path_of(info: Path) -> str | None:
    try:
        for line in info.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("Path="):
                value = unquote(line[5:].strip())
                if not os.path.isabs(value):  # a volume's Trash records paths relative to its top
                    value = os.path.join(str(info.parent.parent.parent.parent if info.parent.parent.name.isdigit()
                                             else info.parent.parent.parent), value)
                return os.path.normpath(value)
    except OSError as exc:
        log.warning("cannot read %s: %s", info, exc)
    return None


def _send2trash() -> object:
    """send2trash, with the home Trash it reads from XDG_DATA_HOME once at import kept in step
    with the environment (tests point it at a temporary folder)."""
    import importlib

    import send2trash

    if _freedesktop():
        from send2trash import plat_other

        wanted = os.path.expanduser(os.environ.get("XDG_DATA_HOME", "~/.local/share"))
        if os.fsdecode(plat_other.XDG_DATA_HOME) != wanted:
            importlib.reload(plat_other)
            importlib.reload(send2trash)
    return send2trash.send2trash


def move_to_trash(path: str) -> Trashed:
    """Move one file to the desktop Trash. Raises OSError (or send2trash's error) when it cannot."""
    path = os.path.abspath(path)
    send = _send2trash()
    if not _freedesktop():
        send(path)  # type: ignore[operator]
        return Trashed(path, None, None)
    dirs = _trash_dirs(path)
    before = _infos(dirs, os.path.basename(path))
    send(path)  # type: ignore[operator]
    # From here on the file IS in the Trash: nothing below may raise, or the caller would report
    # it as not moved and keep it in the catalog with no record to undo it.
    try:
        for info in sorted(_infos(dirs, os.path.basename(path)) - before, key=_mtime_or_zero, reverse=True):
            if _info_path_of(info) == os.path.normpath(path):
                trashed = info.parent.parent / "files" / info.name[: -len(".trashinfo")]
                if trashed.exists() or trashed.is_symlink():
                    return Trashed(path, str(trashed), str(info))
    except Exception:
        log.exception("%s went to the Trash; finding its entry there failed", path)
    log.warning("%s went to the Trash, but its entry there was not found: undo cannot put it back", path)
    return Trashed(path, None, None)


def _mtime_or_zero(p: Path) -> float:
    try:
        return p.stat().st_mtime
    except OSError:
        return 0.0


def restore(item: Trashed, size: int | None = None, mtime_ns: int | None = None) -> str | None:
    """Put a trashed file back. None when done; else one line saying why not. size and mtime_ns
    (as recorded when it was trashed; a move keeps both) make sure the file in the Trash under
    that name is still ours: after the Trash was emptied, another file may have taken the name."""
    if item.trashed is None:
        return "photoindex cannot read this Trash back: restore it from the Trash yourself"
    if os.path.lexists(item.original):
        return "another file is at its place now; restore it from the Trash yourself"
    if not os.path.lexists(item.trashed):
        return "it is no longer in the Trash (emptied, or restored already)"
    if size is not None and mtime_ns is not None:
        try:
            st = os.lstat(item.trashed)
        except OSError as exc:
            return f"it cannot be read in the Trash ({exc.strerror or exc})"
        if st.st_size != size or st.st_mtime_ns != mtime_ns:
            return "the file of that name in the Trash is another one now (the Trash was emptied); nothing was moved"
    try:
        os.makedirs(os.path.dirname(item.original), exist_ok=True)
        os.rename(item.trashed, item.original)
    except OSError as exc:
        return f"it cannot be moved back ({exc.strerror or exc})"
    if item.info:
        try:
            os.unlink(item.info)
        except OSError as exc:
            log.warning("restored %s but cannot remove %s: %s", item.original, item.info, exc)
    return None
