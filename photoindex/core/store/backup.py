"""Backups of the catalog, made with SQLite's online backup API.

Made before each schema migration (`Catalog._migrate`) and once a day while indexing
(`Library.index`), into LIBRARY/backups/catalog-YYYYMMDD-HHMMSS.sqlite3 (local time); the last
two are kept. The online backup API copies a consistent snapshot page by page while other
connections keep reading and writing (WAL), unlike a file copy, which can catch a half-written
catalog. Each copy is written under a temporary name, checked (`PRAGMA quick_check`: a damaged
catalog must not push the good backups out) and then renamed into place, so a backup that
exists is complete. Only files with our own name pattern are ever pruned.
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
import time
from pathlib import Path

from photoindex.atomic import atomic_save
from photoindex.core.types import CatalogDamaged

log = logging.getLogger(__name__)

BACKUPS_DIR = "backups"
KEEP = 2
DAILY_S = 24 * 3600
_NAME = re.compile(r"^catalog-(\d{8}-\d{6})\.sqlite3$")


UPGRADES_DIR = "before-upgrade"
"""Backups made before a schema upgrade keep their own pool: two daily backups after an upgrade
must not prune the copy of the catalog as it was before it."""


def backup_dir(catalog_path: Path, upgrade: bool = False) -> Path:
    folder = Path(catalog_path).parent / BACKUPS_DIR
    return folder / UPGRADES_DIR if upgrade else folder


def backups(catalog_path: Path, upgrade: bool = False) -> list[Path]:
    """Our backups of this catalog (the daily ones, or those before upgrades), oldest first."""
    folder = backup_dir(catalog_path, upgrade)
    try:
        names = sorted(n for n in os.listdir(folder) if _NAME.match(n))
    except OSError:
        return []
    return [folder / n for n in names]


def backup_time(path: Path) -> float:
    """When a backup was made (from its name), in seconds since the epoch."""
    m = _NAME.match(Path(path).name)
    if m is None:
        raise ValueError(f"not a photoindex backup: {path}")
    return time.mktime(time.strptime(m.group(1), "%Y%m%d-%H%M%S"))


def newest_backup(catalog_path: Path) -> Path | None:
    """The newest backup of either pool."""
    found = backups(catalog_path) + backups(catalog_path, upgrade=True)
    return max(found, key=backup_time) if found else None


def restore_hint(catalog_path: Path) -> str:
    """What to tell a person whose catalog cannot be opened."""
    newest = newest_backup(catalog_path)
    if newest is None:
        return "move it (and any -wal and -shm file beside it) away to start a new library"
    return (
        f"to restore the backup {newest}, move the catalog (and any -wal and -shm file beside it) away and "
        "copy the backup in its place; or move them away to start a new library"
    )


def make_backup(
    source: sqlite3.Connection, catalog_path: Path, *, keep: int = KEEP, now: float | None = None, upgrade: bool = False
) -> Path:
    """Copy the catalog open in `source` into the backups folder (its before-upgrade pool with
    upgrade=True); keep the newest `keep` of that pool.

    Raises OSError (disk full, folder not writable) with nothing left behind, or CatalogDamaged
    when the copy fails its check (the catalog itself is damaged)."""
    folder = backup_dir(catalog_path, upgrade)
    folder.mkdir(parents=True, exist_ok=True)
    when = time.time() if now is None else now
    final = folder / _name_for(when)
    while final.exists():  # two in one second: the next free second
        when += 1
        final = folder / _name_for(when)
    try:
        # The one atomic-write helper: the copy is made and checked under a temporary name and
        # appears under its own name only when complete.
        atomic_save(final, lambda tmp: _copy(source, tmp))
    except BaseException as exc:
        log.warning("backing up %s failed", catalog_path, exc_info=True)
        if isinstance(exc, CatalogDamaged):
            raise CatalogDamaged(
                f"the catalog at {catalog_path} is damaged ({exc}) and was not backed up; {restore_hint(catalog_path)}"
            ) from None
        raise
    for old in backups(catalog_path, upgrade)[:-keep] if keep > 0 else []:
        try:
            old.unlink()
        except OSError:
            log.warning("could not remove the old backup %s", old, exc_info=True)
    log.info("catalog backed up to %s", final)
    return final


_SQLITE_CORRUPT, _SQLITE_NOTADB = 11, 26


def is_damage(exc: sqlite3.DatabaseError) -> bool:
    """SQLite says the file is corrupt or not a database (not: busy, locked, full, I/O)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB)
    text = str(exc)
    return "malformed" in text or "not a database" in text


def _name_for(when: float) -> str:
    return time.strftime("catalog-%Y%m%d-%H%M%S.sqlite3", time.localtime(when))


def _copy(source: sqlite3.Connection, dest: Path) -> None:
    target = sqlite3.connect(dest, isolation_level=None)
    try:
        source.backup(target)  # pages=-1: one step, one consistent snapshot
        # A backup is one self-contained file: no -wal beside it when it is copied or restored
        # (the catalog switches itself back to WAL when it is opened as a library again).
        target.execute("PRAGMA journal_mode=DELETE")
        # A backup that is restored is another catalog than the one the caches were written for
        # (it goes back in time, and its ids and seqs are used again from there): a new id makes
        # the vector indexes rebuild instead of serving vectors the restored catalog never had.
        target.execute("UPDATE meta SET value = lower(hex(randomblob(16))) WHERE key = 'catalog.id'")
        try:
            result = target.execute("PRAGMA quick_check").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            if not is_damage(exc):
                raise
            result = str(exc)
        if result != "ok":
            raise CatalogDamaged(f"quick_check: {str(result)[:200]}")
        target.execute("PRAGMA user_version")  # readable
    finally:
        target.close()


def backup_if_due(catalog_path: Path, *, max_age_s: float = DAILY_S, keep: int = KEEP, now: float | None = None) -> Path | None:
    """The daily backup: made when the newest backup is older than max_age_s (or there is
    none). Returns the new backup, or None when a fresh one exists."""
    now = time.time() if now is None else now
    newest = newest_backup(catalog_path)
    if newest is not None and now - backup_time(newest) < max_age_s:
        return None
    # A plain connection, not mode=ro: when it is the last one to close it checkpoints and
    # removes the -wal, where a read-only one would leave -wal and -shm behind.
    source = sqlite3.connect(catalog_path, timeout=30.0)
    try:
        return make_backup(source, catalog_path, keep=keep, now=now)
    finally:
        source.close()
