"""One library used from two places at once, and a library on a full disk, as a user runs it:
real `photoindex` processes, real files, real SQLite."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from photoindex.core.store.locks import IndexLock
from tests.photos import save_jpeg, scene

N_PHOTOS = 4
TRIALS = 10


def _env(tiny_env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    return dict(
        tiny_env,
        PHOTOINDEX_THREADS="1",
        PHOTOINDEX_CONFIG=str(tmp_path / "config" / "settings.toml"),
        PHOTOINDEX_LOG_DIR=str(tmp_path / "logs"),
    )


def _cmd(library: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "photoindex", "--library", str(library), *args]


def _run(env: dict[str, str], library: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(_cmd(library, *args), env=env, capture_output=True, text=True, timeout=300)


def _one_line(proc: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("photoindex: error: "), proc.stderr
    return lines[0]


def _catalog_facts(library: Path) -> tuple[int, int, str]:
    """(photos, embedding rows, integrity_check) straight from the file."""
    with sqlite3.connect(library / "catalog.sqlite3") as c:
        photos = c.execute("SELECT count(*) FROM photos").fetchone()[0]
        rows = c.execute("SELECT count(*) FROM embeddings").fetchone()[0]
        integrity = c.execute("PRAGMA integrity_check").fetchone()[0]
    return photos, rows, integrity


@pytest.mark.slow
def test_two_indexers_started_together_index_each_photo_once(tmp_path: Path, tiny_env: dict[str, str]) -> None:
    """Before the indexing lock: in 6 of 8 trials one died with `UNIQUE constraint failed:
    photos.path` (both scanned the same new files), otherwise every photo was embedded twice."""
    env = _env(tiny_env, tmp_path)
    photos = tmp_path / "pics"
    for i in range(N_PHOTOS):
        save_jpeg(photos / f"p{i}.jpg", scene(i, size=(96, 64)))
    outcomes: list[str] = []
    t0 = time.monotonic()
    for trial in range(TRIALS):
        library = tmp_path / f"lib{trial}"
        procs = [
            subprocess.Popen(_cmd(library, "index", str(photos), "--json"), env=env, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for _ in range(2)
        ]
        embedded = 0
        for proc in procs:
            out, err = proc.communicate(timeout=300)
            done = subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
            assert "Traceback" not in err, err
            if proc.returncode == 0:
                embedded += json.loads(out)["embedded"]
                outcomes.append("ran")
            else:
                line = _one_line(done)
                assert proc.returncode == 1 and "is being indexed by process" in line, err
                assert f"the library at {library}" in line and "try again when it finishes" in line
                assert json.loads(out)["error"], out
                outcomes.append("busy")
        assert embedded == N_PHOTOS, f"trial {trial}: {embedded} photos embedded for {N_PHOTOS}"
        assert _catalog_facts(library) == (N_PHOTOS, N_PHOTOS * 2, "ok")
    print(f"\n{TRIALS} trials of two indexers in {time.monotonic() - t0:.1f} s: "
          f"{outcomes.count('ran')} ran, {outcomes.count('busy')} told busy")


def test_reads_work_while_the_library_is_being_indexed(tmp_path: Path, tiny_env: dict[str, str]) -> None:
    env = _env(tiny_env, tmp_path)
    library = tmp_path / "lib"
    photos = tmp_path / "pics"
    for i in range(N_PHOTOS):
        save_jpeg(photos / f"p{i}.jpg", scene(i, size=(96, 64)))
    assert _run(env, library, "index", str(photos)).returncode == 0
    lock = IndexLock(library)  # this test process is "the indexer" now
    lock.acquire()
    try:
        busy = _run(env, library, "index")
        line = _one_line(busy)
        assert busy.returncode == 1
        assert f"is being indexed by process {os.getpid()} (started {time.strftime('%H:')}" in line or (
            f"is being indexed by process {os.getpid()} (started" in line)
        status = _run(env, library, "status", "--json")
        assert status.returncode == 0, status.stderr
        assert json.loads(status.stdout)["photos"] == N_PHOTOS
        search = _run(env, library, "search", "red squares", "--all", "-k", "3", "--json")
        assert search.returncode == 0, search.stderr
        assert len(json.loads(search.stdout)["hits"]) == 3
        similar = _run(env, library, "similar", str(photos / "p0.jpg"), "--all", "-k", "2", "--json")
        assert similar.returncode == 0, similar.stderr
    finally:
        lock.release()
    assert _run(env, library, "index").returncode == 0, "free again once the holder is done"


def test_a_damaged_catalog_is_one_line_and_left_untouched(tmp_path: Path, tiny_env: dict[str, str]) -> None:
    env = _env(tiny_env, tmp_path)
    library = tmp_path / "lib"
    library.mkdir()
    catalog = library / "catalog.sqlite3"
    catalog.write_bytes(b"")  # today: taken for a new library, exit 0, folders and people gone
    for args in (("status",), ("index", str(tmp_path))):
        proc = _run(env, library, *args)
        line = _one_line(proc)
        assert str(catalog) in line and "move" in line and "0 bytes" in line
        assert catalog.read_bytes() == b""
        assert not Path(f"{catalog}-wal").exists() and not Path(f"{catalog}-shm").exists()


def _mount_tmpfs(where: Path, size: str) -> None:
    where.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        # Only where the mechanism is missing (not root, no CAP_SYS_ADMIN in a container):
        # anywhere it works, the test runs and can fail.
        pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.strip()}")


@pytest.mark.skipif(sys.platform != "linux", reason="needs a Linux tmpfs")
def test_a_full_disk_keeps_what_was_indexed_and_a_rerun_finishes(tmp_path: Path, tiny_env: dict[str, str]) -> None:
    env = _env(tiny_env, tmp_path)
    disk = tmp_path / "disk"
    _mount_tmpfs(disk, "32m")
    try:
        library = disk / "lib"
        photos = tmp_path / "pics"
        first = [save_jpeg(photos / f"a{i:02d}.jpg", scene(i, size=(320, 240))) for i in range(6)]
        assert _run(env, library, "index", str(photos)).returncode == 0
        with sqlite3.connect(library / "catalog.sqlite3") as c:
            before = c.execute("SELECT id, path, indexed_at FROM photos ORDER BY id").fetchall()
        assert len(before) == len(first)
        for i in range(60):
            save_jpeg(photos / f"b{i:02d}.jpg", scene(100 + i, size=(1200, 900)))
        # Fill the disk, leaving a few kilobytes.
        filler = disk / "filler"
        free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
        with open(filler, "wb") as f:
            f.write(b"\0" * max(free - 48 * 1024, 0))
        proc = _run(env, library, "index", "--json")
        line = _one_line(proc)
        assert proc.returncode != 0 and "disk" in line.lower(), line
        doc = json.loads(proc.stdout)
        assert doc["error"], proc.stdout
        filler.unlink()
        again = _run(env, library, "index", "--json")
        assert again.returncode == 0, again.stderr
        n_photos, rows, integrity = _catalog_facts(library)
        assert (n_photos, rows, integrity) == (66, 66 * 2, "ok")
        with sqlite3.connect(library / "catalog.sqlite3") as c:
            kept = c.execute(
                f"SELECT id, path, indexed_at FROM photos WHERE id IN ({','.join(str(r[0]) for r in before)})"
                " ORDER BY id"
            ).fetchall()
            assert c.execute("SELECT count(*) FROM photos WHERE status != 'ok'").fetchone()[0] == 0
        assert kept == before, "photos indexed before the disk filled up are kept as they were"
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)
