"""Walk the library roots and bring the catalog up to date with what is on disk.

A rescan of an unchanged library only stats files. Moves and renames are found by size plus a
partial content hash, so a moved photo keeps its vectors and nothing is embedded again. Files are
only ever read, never written.
"""

from __future__ import annotations

import hashlib
import os
import stat as stat_mod
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from photoindex.core.imageio import is_photo_name
from photoindex.core.store.catalog import Catalog
from photoindex.core.types import ScanReport

HASH_CHUNK = 64 * 1024


def partial_hash(path: str, size: int | None = None) -> str:
    """blake2b of the size, the first and the last 64 KiB: unique enough for photos, and cheap."""
    h = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as fh:
        if size is None:
            size = os.fstat(fh.fileno()).st_size
        h.update(size.to_bytes(8, "little"))
        h.update(fh.read(HASH_CHUNK))
        if size > 2 * HASH_CHUNK:
            fh.seek(size - HASH_CHUNK)
            h.update(fh.read(HASH_CHUNK))
        elif size > HASH_CHUNK:
            h.update(fh.read())
    return h.hexdigest()


@dataclass(frozen=True, slots=True)
class FileStat:
    path: str
    size: int
    mtime_ns: int


def walk_photos(
    root: str, skip_dirs: frozenset[str] = frozenset(), warn: Callable[[str], None] | None = None
) -> Iterator[FileStat]:
    """Yield every photo file under root. Skips hidden entries and skip_dirs (real paths);
    follows symlinked folders once (loops are detected); survives unreadable folders and files
    that vanish while we look."""
    stack = [root]
    visited: set[tuple[int, int]] = set()
    while stack:
        folder = stack.pop()
        try:
            st = os.stat(folder)
        except OSError as exc:
            if warn:
                warn(f"cannot open folder {folder}: {exc.strerror or exc}")
            continue
        key = (st.st_dev, st.st_ino)
        if key in visited:
            continue  # a symlink loop, or a folder reached twice through links
        visited.add(key)
        if skip_dirs and os.path.realpath(folder) in skip_dirs:
            continue
        try:
            entries = list(os.scandir(folder))
        except OSError as exc:
            if warn:
                warn(f"cannot read folder {folder}: {exc.strerror or exc}")
            continue
        subdirs = []
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            try:
                if entry.is_dir():
                    subdirs.append(entry.path)
                    continue
                if not is_photo_name(name):
                    continue
                est = entry.stat()
            except OSError:
                continue  # vanished, or a dangling link
            if not stat_mod.S_ISREG(est.st_mode):
                continue  # fifos, sockets, devices: opening one could block forever
            yield FileStat(entry.path, est.st_size, est.st_mtime_ns)
        stack.extend(sorted(subdirs, reverse=True))


def scan(catalog: Catalog, roots: list[str], skip_dirs: frozenset[str] = frozenset()) -> ScanReport:
    """Compare the roots with the catalog and record added, changed, moved and removed photos.

    All roots are compared at once, so a photo moved from one root to another is a move too.
    A root that is not there (an unplugged drive) keeps its photos."""
    report = ScanReport()
    known: dict[str, tuple[int, int, int, str | None, str]] = {}
    available = []
    for root in roots:
        if os.path.isdir(root):
            available.append(root)
            known.update(catalog.stats_under(root))
        else:
            report.skipped_roots.append(root)
            report.warnings.append(
                f"folder not found: {root} (an unplugged drive?); its photos are kept until it is back"
            )
    seen: set[str] = set()
    new_files: list[FileStat] = []
    changed: list[tuple[int, FileStat, str | None]] = []
    touched: list[tuple[int, FileStat]] = []
    for root in available:
        for fs in walk_photos(root, skip_dirs, report.warnings.append):
            if fs.path in seen:
                continue  # nested roots
            seen.add(fs.path)
            k = known.get(fs.path)
            if k is None:
                new_files.append(fs)
            elif k[1] != fs.size or k[2] != fs.mtime_ns:
                if k[1] == fs.size and k[3] is not None:
                    # Same size, new mtime: often only touched or copied over with the same bytes.
                    new_hash = _safe_hash(fs)
                    if new_hash == k[3]:
                        touched.append((k[0], fs))
                        continue
                    changed.append((k[0], fs, new_hash))
                else:
                    changed.append((k[0], fs, None))
            else:
                report.unchanged += 1
    missing = {p: k for p, k in known.items() if p not in seen}
    # Only a new file with the size of a missing one can be a move: hash just those.
    missing_by_key: dict[tuple[int, str], int] = {}
    missing_sizes = set()
    for _path, (old_id, size, _mtime, old_hash, _status) in missing.items():
        if old_hash:
            missing_by_key[(size, old_hash)] = old_id
            missing_sizes.add(size)
    moved_ids: set[int] = set()
    if not (new_files or changed or touched or missing):
        return report
    with catalog.transaction():
        for fs in new_files:
            fhash = _safe_hash(fs) if fs.size in missing_sizes else None
            pid: int | None = missing_by_key.pop((fs.size, fhash), None) if fhash else None
            if pid is not None:
                catalog.move_photo(pid, fs.path, fs.mtime_ns)
                moved_ids.add(pid)
                report.moved += 1
            else:
                catalog.insert_photo(fs.path, fs.size, fs.mtime_ns, fhash)
                report.added += 1
        for pid, fs, fhash in changed:
            catalog.mark_changed(pid, fs.size, fs.mtime_ns, fhash)
            report.updated += 1
        for pid, fs in touched:
            catalog.conn.execute("UPDATE photos SET mtime_ns = ? WHERE id = ?", (fs.mtime_ns, pid))
            report.unchanged += 1
        gone = [k[0] for k in missing.values() if k[0] not in moved_ids]
        catalog.delete_photos(gone)
        report.removed += len(gone)
    return report


def _safe_hash(fs: FileStat) -> str | None:
    try:
        return partial_hash(fs.path, fs.size)
    except OSError:
        return None
