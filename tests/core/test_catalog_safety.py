"""Catalog safety: damaged catalogs are refused untouched, backups, one indexer per library."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from photoindex.core.store import backup
from photoindex.core.store.catalog import Catalog
from photoindex.core.store.locks import IndexLock
from photoindex.core.store.migrations import MIGRATIONS, SCHEMA_VERSION
from photoindex.core.types import CatalogDamaged, LibraryBusy
from tests.photos import save_jpeg, scene

PROJECT = Path(__file__).resolve().parents[2]


def _filled_catalog(path: Path, n: int = 3000) -> Path:
    """A real catalog with enough rows to span many pages, checkpointed into the main file."""
    cat = Catalog(path)
    cat.set_model("clip", "m", 8)
    with cat.transaction():
        cat.add_root("/photos")
        ids = [cat.insert_photo(f"/photos/p{i:05d}.jpg", 1000 + i, i, f"h{i}") for i in range(n)]
        rng = np.random.default_rng(0)
        cat.write_embeddings("clip", "m", [(i, rng.standard_normal(8).astype(np.float32)) for i in ids])
    cat.close()  # the last connection closed: the WAL is checkpointed and removed
    assert not Path(f"{path}-wal").exists()
    return path


def _assert_refused_untouched(path: Path, match: str) -> CatalogDamaged:
    before = path.read_bytes()
    with pytest.raises(CatalogDamaged) as info:
        Catalog(path)
    message = str(info.value)
    assert "\n" not in message
    assert str(path) in message and "move" in message and match in message
    assert path.read_bytes() == before, "a refused catalog must not be modified"
    assert not Path(f"{path}-wal").exists() and not Path(f"{path}-shm").exists()
    return info.value


def test_empty_catalog_file_is_refused_not_taken_for_a_new_library(tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite3"
    path.write_bytes(b"")
    _assert_refused_untouched(path, "0 bytes")
    # read-only connections (the library's readers) refuse it too
    with pytest.raises(CatalogDamaged):
        Catalog(path, read_only=True)
    assert path.stat().st_size == 0


def test_empty_catalog_is_refused_by_the_library(tiny_settings) -> None:
    from photoindex.core.library import Library

    tiny_settings.library_dir.mkdir(parents=True)
    tiny_settings.catalog_path.write_bytes(b"")
    with pytest.raises(CatalogDamaged, match="0 bytes"):
        Library(tiny_settings)
    assert tiny_settings.catalog_path.stat().st_size == 0


def test_garbage_file_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite3"
    path.write_bytes(np.random.default_rng(1).bytes(50_000))
    _assert_refused_untouched(path, "not a database")


def test_truncated_catalog_is_refused_untouched(tmp_path: Path) -> None:
    path = _filled_catalog(tmp_path / "catalog.sqlite3")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    _assert_refused_untouched(path, "malformed")  # SQLite: the header says more pages than the file has
    # cut inside the header too
    path.write_bytes(data[:60])
    _assert_refused_untouched(path, "cut short")


def test_garbled_schema_page_is_refused_untouched(tmp_path: Path) -> None:
    path = _filled_catalog(tmp_path / "catalog.sqlite3")
    data = bytearray(path.read_bytes())
    data[100:4096] = np.random.default_rng(2).bytes(4096 - 100)  # page 1 after the file header
    path.write_bytes(bytes(data))
    _assert_refused_untouched(path, "malformed")


def test_the_message_names_the_newest_backup(tmp_path: Path) -> None:
    path = _filled_catalog(tmp_path / "catalog.sqlite3")
    made = backup.backup_if_due(path)
    assert made is not None
    path.write_bytes(b"")
    err = _assert_refused_untouched(path, "0 bytes")
    assert str(made) in str(err)


def test_garbled_middle_is_caught_by_the_daily_backup_and_good_backups_are_kept(tmp_path: Path) -> None:
    path = _filled_catalog(tmp_path / "catalog.sqlite3")
    now = time.time()
    good = backup.make_backup(sqlite3.connect(path), path, now=now - 3 * 86400)
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    middle = (len(data) // page // 2) * page
    data[middle : middle + 3 * page] = np.random.default_rng(3).bytes(3 * page)
    path.write_bytes(bytes(data))
    before = path.read_bytes()
    with pytest.raises(CatalogDamaged) as info:
        backup.backup_if_due(path, now=now)
    assert "\n" not in str(info.value) and str(path) in str(info.value) and str(good) in str(info.value)
    assert backup.backups(path) == [good], "a damaged catalog must not push a good backup out"
    assert path.read_bytes() == before
    assert not [p for p in backup.backup_dir(path).iterdir() if p.name.endswith(".tmp")]


def test_opening_another_connection_keeps_this_processs_locks(tmp_path: Path) -> None:
    """Opening and closing the catalog file with open() in a process that has SQLite connections
    to it drops all of that process's POSIX locks on it: another process closing its connection
    then believed it was the last one and deleted the -wal and -shm in use (two indexers: `disk
    I/O error` in the one that ran)."""
    path = _filled_catalog(tmp_path / "catalog.sqlite3", n=10)
    writer = Catalog(path)
    writer.add_root("/more")
    reader = Catalog(path, read_only=True)
    code = "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute('SELECT count(*) FROM roots'); c.close()"
    subprocess.run([sys.executable, "-c", code, str(path)], check=True)
    assert Path(f"{path}-wal").exists() and Path(f"{path}-shm").exists()
    writer.add_root("/even/more")
    assert reader.roots() == ["/even/more", "/more", "/photos"]
    reader.close()
    writer.close()


def test_catalogs_created_at_once_are_one_catalog(tmp_path: Path) -> None:
    """sqlite3.connect creates a 0-byte file: a second process opening it in that moment must
    not take it for a damaged catalog."""
    path = tmp_path / "lib" / "catalog.sqlite3"
    code = (
        "import sys, time; sys.path.insert(0, sys.argv[3]); from pathlib import Path;"
        "from photoindex.core.store.catalog import Catalog\n"
        "while time.time() < float(sys.argv[2]): pass\n"
        "Catalog(Path(sys.argv[1])).close()"
    )
    start = str(time.time() + 2.0)
    procs = [
        subprocess.Popen([sys.executable, "-c", code, str(path), start, str(PROJECT)], stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    errors = [p.communicate(timeout=60)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, errors
    assert Catalog(path).schema_version == SCHEMA_VERSION
    assert sorted(p.name for p in path.parent.iterdir() if not p.name.startswith("catalog.sqlite3")) == []


def test_missing_catalog_is_a_new_library(tmp_path: Path) -> None:
    cat = Catalog(tmp_path / "new" / "catalog.sqlite3")
    assert cat.schema_version == SCHEMA_VERSION
    cat.close()
    assert backup.backups(tmp_path / "new" / "catalog.sqlite3") == [], "nothing to back up in a new catalog"


# -- backups -----------------------------------------------------------------------------------


def _old_catalog(path: Path, version: int) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    for script in MIGRATIONS[:version]:
        conn.executescript(script)
    conn.execute(f"PRAGMA user_version={version}")
    conn.execute("INSERT INTO roots(path, added_at) VALUES ('/my/photos', 1.0)")
    conn.close()


def test_a_migration_is_preceded_by_a_backup_of_the_old_catalog(tmp_path: Path) -> None:
    assert SCHEMA_VERSION >= 2
    path = tmp_path / "catalog.sqlite3"
    old = SCHEMA_VERSION - 1
    _old_catalog(path, old)
    cat = Catalog(path)
    assert cat.schema_version == SCHEMA_VERSION
    cat.close()
    made = backup.backups(path, upgrade=True)
    assert len(made) == 1 and backup.backups(path) == []
    conn = sqlite3.connect(made[0])
    assert conn.execute("PRAGMA user_version").fetchone()[0] == old
    assert conn.execute("SELECT path FROM roots").fetchall() == [("/my/photos",)]
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete", "a backup is one self-contained file"
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    Catalog(path).close()  # already migrated: no second backup
    assert backup.backups(path, upgrade=True) == made
    # Daily backups after the upgrade have their own pool: they never prune the one from before it.
    for days in (1, 2, 3):
        backup.backup_if_due(path, now=time.time() + days * 86400)
    assert len(backup.backups(path)) == 2 and backup.backups(path, upgrade=True) == made


def test_only_the_last_two_backups_are_kept(tmp_path: Path) -> None:
    path = _filled_catalog(tmp_path / "catalog.sqlite3", n=10)
    src = sqlite3.connect(path)
    t = time.time() - 10 * 86400
    made = [backup.make_backup(src, path, now=t + d * 86400) for d in range(4)]
    src.close()
    assert backup.backups(path) == made[-2:]
    assert len(set(made)) == 4
    stranger = backup.backup_dir(path) / "my-notes.txt"  # not ours: never pruned
    stranger.write_text("keep me")
    backup.make_backup(sqlite3.connect(path), path)
    assert stranger.exists() and len(backup.backups(path)) == 2


def test_daily_backup_is_skipped_while_a_fresh_one_exists(tmp_path: Path) -> None:
    path = _filled_catalog(tmp_path / "catalog.sqlite3", n=10)
    now = time.time()
    first = backup.backup_if_due(path, now=now)
    assert first is not None and backup.backups(path) == [first]
    assert backup.backup_if_due(path, now=now + 23 * 3600) is None
    assert backup.backups(path) == [first]
    second = backup.backup_if_due(path, now=now + 25 * 3600)
    assert second is not None and backup.backups(path) == [first, second]


def test_indexing_makes_the_daily_backup_once(tmp_path: Path, tiny_settings) -> None:
    from photoindex.core.library import Library

    root = tmp_path / "pics"
    for i in range(3):
        save_jpeg(root / f"p{i}.jpg", scene(i, size=(96, 64)))
    lib = Library(tiny_settings)
    lib.run_index([root])
    made = backup.backups(tiny_settings.catalog_path)
    assert len(made) == 1
    lib.run_index()
    assert backup.backups(tiny_settings.catalog_path) == made
    lib.close()


# -- one indexer per library -------------------------------------------------------------------


def test_a_second_holder_is_refused_in_one_line_with_the_holders_pid(tmp_path: Path) -> None:
    first, second = IndexLock(tmp_path), IndexLock(tmp_path)
    first.acquire()
    with pytest.raises(LibraryBusy) as info:
        second.acquire()
    message = str(info.value)
    assert "\n" not in message
    assert f"process {os.getpid()} (started {time.strftime('%H:%M')}" in message or f"process {os.getpid()} (started" in message
    assert str(tmp_path) in message and "try again" in message
    assert second.acquire(timeout=0.2) is False
    first.release()
    assert not first.holder_path.exists()
    assert second.acquire(timeout=0.2) is True
    second.release()


def test_a_dead_holder_does_not_block(tmp_path: Path) -> None:
    code = (
        "import sys, time; sys.path.insert(0, sys.argv[2]);"
        "from pathlib import Path; from photoindex.core.store.locks import IndexLock;"
        "lock = IndexLock(Path(sys.argv[1])); lock.acquire(); print('held', flush=True); time.sleep(600)"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(tmp_path), str(PROJECT)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
        with pytest.raises(LibraryBusy, match=f"process {proc.pid} "):
            IndexLock(tmp_path).acquire()
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    lock = IndexLock(tmp_path)
    lock.acquire()  # the OS dropped the dead process's lock; its note is stale and replaced
    assert lock.holder() is not None and lock.holder().pid == os.getpid()  # type: ignore[union-attr]
    lock.release()


def test_index_refuses_or_waits_while_another_indexer_runs(tmp_path: Path, tiny_settings) -> None:
    from photoindex.core.library import Library
    from photoindex.core.pipeline import Control

    root = tmp_path / "pics"
    save_jpeg(root / "a.jpg", scene(1, size=(96, 64)))
    lib = Library(tiny_settings)
    other = IndexLock(tiny_settings.library_dir)
    other.acquire()
    try:
        with pytest.raises(LibraryBusy, match="is being indexed by process"):
            lib.run_index([root])
        assert lib.roots() == [], "a refused run changes nothing"
        control = Control()
        gen = lib.index([root], control=control, wait=True)
        first = next(gen)
        assert first.phase == "waiting" and "is being indexed" in first.current
        control.cancel()
        with pytest.raises(StopIteration) as stop:
            while True:
                next(gen)
        assert stop.value.value.cancelled
        # reads keep working while the library is being indexed elsewhere
        assert lib.status()["photos"] == 0
    finally:
        other.release()
    gen = lib.index([root], wait=True)
    report = None
    try:
        while True:
            next(gen)
    except StopIteration as stop:
        report = stop.value
    assert report is not None and report.embedded == 1
    assert IndexLock(tiny_settings.library_dir).acquire(timeout=0) is True, "released after the run"
    lib.close()


def test_a_restored_backup_is_another_catalog_to_the_caches(tmp_path: Path) -> None:
    """Restoring goes back in time and uses ids and seqs again from there: the vector indexes
    written since must not be trusted, so the backup carries a catalog id of its own."""
    path = _filled_catalog(tmp_path / "catalog.sqlite3")
    made = backup.make_backup(sqlite3.connect(path), path)
    original = Catalog(path)
    restored = Catalog(made, create=False)
    assert original.catalog_id and restored.catalog_id and original.catalog_id != restored.catalog_id
    assert restored.counts() == original.counts()
    original.close()
    restored.close()
