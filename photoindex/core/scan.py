"""Walk the library roots and bring the catalog up to date with what is on disk.

A rescan of an unchanged library only stats files. Moves and renames are found by size plus a
partial content hash, so a moved photo keeps its vectors and nothing is embedded again. Files are
only ever read, never written.
"""

from __future__ import annotations

import hashlib
import logging
import os
import stat as stat_mod
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from photoindex.core.imageio import TRANSIENT_REASON_PREFIXES, is_photo_name
from photoindex.core.store.catalog import Catalog
from photoindex.core.store.writer import CatalogWriter
from photoindex.core.types import ScanReport

HASH_CHUNK = 64 * 1024

log = logging.getLogger(__name__)


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
    root: str,
    skip_dirs: frozenset[str] = frozenset(),
    warn: Callable[[str], None] | None = None,
    problem: Callable[[str, str], None] | None = None,
) -> Iterator[FileStat]:
    """Yield every photo file under root. Skips hidden entries and skip_dirs (real paths);
    follows symlinked folders once (loops are detected); survives unreadable folders and files
    that vanish while we look. A folder that cannot be opened or read is reported to warn (one
    line) and to problem (folder, reason)."""
    stack = [root]
    visited: set[tuple[int, int]] = set()
    while stack:
        folder = stack.pop()
        try:
            st = os.stat(folder)
        except OSError as exc:
            reason = f"cannot open folder: {exc.strerror or exc}"
            log.info("%s: %s", folder, reason)
            if warn:
                warn(f"cannot open folder {folder}: {exc.strerror or exc}")
            if problem:
                problem(folder, reason)
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
            reason = f"cannot read folder: {exc.strerror or exc}"
            log.info("%s: %s", folder, reason)
            if warn:
                warn(f"cannot read folder {folder}: {exc.strerror or exc}")
            if problem:
                problem(folder, reason)
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
            except OSError as exc:
                log.debug("skipped %s: %s", entry.path, exc)
                continue  # vanished, or a dangling link
            if not stat_mod.S_ISREG(est.st_mode):
                continue  # fifos, sockets, devices: opening one could block forever
            yield FileStat(entry.path, est.st_size, est.st_mtime_ns)
        stack.extend(sorted(subdirs, reverse=True))


def scan(
    catalog: Catalog, roots: list[str], skip_dirs: frozenset[str] = frozenset(), *, writer: CatalogWriter | None = None
) -> ScanReport:
    """Compare the roots with the catalog and record added, changed, moved and removed photos.
    Reads through catalog, writes through writer (the library's single writer; catalog's own
    connection when there is none, as in tests of the scan alone).

    All roots are compared at once, so a photo moved from one root to another is a move too.
    A root that is not there (an unplugged drive) keeps its photos, and so does a folder that
    cannot be read (recorded in folder_problems until it can be read again).

    Failed photos whose reason says nothing about their content (permission denied, cannot
    read, disappeared) are set back to pending, so they are tried again; a photo that failed to
    decode is tried again only when its size or mtime changes."""
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
    retry: list[int] = []
    problems: dict[str, str] = {}

    def problem(folder: str, reason: str) -> None:
        problems[folder] = reason

    for root in available:
        for fs in walk_photos(root, skip_dirs, report.warnings.append, problem):
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
                if k[4] == "failed":
                    retry.append(k[0])
    unreadable = tuple(f.rstrip(os.sep) + os.sep for f in problems)
    missing = {p: k for p, k in known.items() if p not in seen and not p.startswith(unreadable)}
    # Only a new file with the size of a missing one can be a move: hash just those.
    missing_by_key: dict[tuple[int, str], int] = {}
    missing_sizes = set()
    for _path, (old_id, size, _mtime, old_hash, _status) in missing.items():
        if old_hash:
            missing_by_key[(size, old_hash)] = old_id
            missing_sizes.add(size)
    problems_changed = _problems_changed(catalog, available, problems, roots)
    if not (new_files or changed or touched or missing or retry or problems_changed):
        return report
    own_writer = writer is None
    writer = writer or CatalogWriter(catalog.path)
    try:
        with writer.transaction() as wcat:
            _record(wcat, report, new_files, changed, touched, missing, missing_by_key, missing_sizes)
            if retry:
                retried = wcat.retry_failed(retry, TRANSIENT_REASON_PREFIXES)
                if retried:
                    log.info("%d photos that could not be read before are tried again", retried)
            if problems_changed:
                wcat.replace_folder_problems(available, problems, [*wcat.roots(), *roots])
    finally:
        if own_writer:
            writer.close()
    return report


def _record(
    catalog: Catalog,
    report: ScanReport,
    new_files: list[FileStat],
    changed: list[tuple[int, FileStat, str | None]],
    touched: list[tuple[int, FileStat]],
    missing: dict[str, tuple[int, int, int, str | None, str]],
    missing_by_key: dict[tuple[int, str], int],
    missing_sizes: set[int],
) -> None:
    moved_ids: set[int] = set()
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


def _problems_changed(catalog: Catalog, scanned: list[str], problems: dict[str, str], roots: list[str]) -> bool:
    """Whether the recorded folder problems differ from what this scan found (under the roots
    scanned; a problem left under no root at all is stale too)."""
    keep = [*catalog.roots(), *roots]
    recorded = catalog.folder_problems()
    if any(not any(_under(p, r) for r in keep) for p, _ in recorded):
        return True
    under_scanned = {p: r for p, r in recorded if any(_under(p, root) for root in scanned)}
    return under_scanned != problems


def _under(path: str, root: str) -> bool:
    root = root.rstrip(os.sep)
    return path == root or path.startswith(root + os.sep)


def _safe_hash(fs: FileStat) -> str | None:
    try:
        return partial_hash(fs.path, fs.size)
    except OSError as exc:
        log.info("cannot hash %s: %s", fs.path, exc)
        return None
