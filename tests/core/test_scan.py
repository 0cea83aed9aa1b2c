from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from photoindex.core import scan as scan_mod
from photoindex.core.scan import scan, walk_photos
from photoindex.core.store.catalog import Catalog
from tests.photos import make_library, save_jpeg, scene


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    cat = Catalog(tmp_path / "data" / "catalog.sqlite3")
    yield cat
    cat.close()


def test_walk_skips_hidden_loops_and_non_photos(tmp_path: Path) -> None:
    lib = make_library(tmp_path / "lib", n_good=2)
    found = {os.path.relpath(f.path, tmp_path / "lib") for f in walk_photos(str(tmp_path / "lib"))}
    expected = {os.path.relpath(p, tmp_path / "lib") for p in lib["good"] + lib["bad"]}
    assert found == expected
    assert not any(".hidden" in f or f.startswith("loop") for f in found)
    assert "여행/바다 사진.jpg" in found


def test_walk_skips_the_apps_own_data_folder(tmp_path: Path) -> None:
    save_jpeg(tmp_path / "a.jpg", scene(1))
    save_jpeg(tmp_path / "photoindex-data" / "thumbs" / "1.jpg", scene(2))
    skip = frozenset({os.path.realpath(tmp_path / "photoindex-data")})
    assert [Path(f.path).name for f in walk_photos(str(tmp_path), skip)] == ["a.jpg"]


def test_walk_survives_unreadable_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    save_jpeg(tmp_path / "ok" / "a.jpg", scene(1))
    save_jpeg(tmp_path / "locked" / "b.jpg", scene(2))
    real_scandir = os.scandir

    def scandir(path):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(scan_mod.os, "scandir", scandir)
    warnings: list[str] = []
    found = [Path(f.path).name for f in walk_photos(str(tmp_path), warn=warnings.append)]
    assert found == ["a.jpg"]
    assert any("locked" in w and "Permission denied" in w for w in warnings)


def test_file_vanishing_mid_scan_is_skipped(tmp_path: Path, catalog: Catalog, monkeypatch) -> None:
    for i in range(3):
        save_jpeg(tmp_path / "lib" / f"p{i}.jpg", scene(i))
    real = scan_mod.os.scandir

    def scandir(path):
        entries = list(real(path))
        (tmp_path / "lib" / "p1.jpg").unlink(missing_ok=True)  # gone between listing and stat
        return iter(entries)

    monkeypatch.setattr(scan_mod.os, "scandir", scandir)
    report = scan(catalog, [str(tmp_path / "lib")])
    assert report.added == 2


def test_added_changed_moved_removed(tmp_path: Path, catalog: Catalog) -> None:
    root = tmp_path / "lib"
    for i in range(4):
        save_jpeg(root / f"p{i}.jpg", scene(i))
    r = scan(catalog, [str(root)])
    assert (r.added, r.updated, r.moved, r.removed) == (4, 0, 0, 0)
    # hashes are filled by the decoder in the pipeline; do it here for the move detection
    for path, (pid, _size, _m, _h, _s) in catalog.stats_under(str(root)).items():
        catalog.conn.execute("UPDATE photos SET hash = ? WHERE id = ?", (scan_mod.partial_hash(path), pid))
    ids = {Path(p).name: v[0] for p, v in catalog.stats_under(str(root)).items()}

    r = scan(catalog, [str(root)])
    assert (r.added, r.updated, r.moved, r.removed, r.unchanged) == (0, 0, 0, 0, 4)

    (root / "sub").mkdir()
    shutil.move(root / "p0.jpg", root / "sub" / "renamed 0.jpg")
    save_jpeg(root / "p1.jpg", scene(99))  # new content at the same path
    (root / "p2.jpg").unlink()
    save_jpeg(root / "p9.jpg", scene(9))
    r = scan(catalog, [str(root)])
    assert (r.added, r.updated, r.moved, r.removed) == (1, 1, 1, 1)
    moved = catalog.photo_by_path(str(root / "sub" / "renamed 0.jpg"))
    assert moved is not None and moved.id == ids["p0.jpg"], "a move keeps the photo (and its vectors)"
    assert catalog.photo_by_path(str(root / "p2.jpg")) is None
    assert catalog.photo_by_path(str(root / "p1.jpg")).status == "pending"


def test_touched_file_with_same_content_is_not_reembedded(tmp_path: Path, catalog: Catalog) -> None:
    root = tmp_path / "lib"
    p = save_jpeg(root / "p.jpg", scene(1))
    scan(catalog, [str(root)])
    pid = catalog.photo_by_path(str(p)).id
    catalog.conn.execute("UPDATE photos SET hash = ?, status = 'ok' WHERE id = ?", (scan_mod.partial_hash(str(p)), pid))
    os.utime(p, ns=(1_000_000_000, 1_000_000_000))
    r = scan(catalog, [str(root)])
    assert r.updated == 0 and catalog.photo(pid).status == "ok"


def test_missing_root_keeps_its_photos(tmp_path: Path, catalog: Catalog) -> None:
    root = tmp_path / "usb"
    save_jpeg(root / "p.jpg", scene(1))
    scan(catalog, [str(root)])
    shutil.rmtree(root)
    r = scan(catalog, [str(root)])
    assert r.removed == 0 and r.skipped_roots == [str(root)]
    assert catalog.counts()["total"] == 1
    assert "unplugged" in r.warnings[0]


def test_move_between_roots(tmp_path: Path, catalog: Catalog) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    p = save_jpeg(a / "p.jpg", scene(1))
    b.mkdir()
    scan(catalog, [str(a), str(b)])
    pid = catalog.photo_by_path(str(p)).id
    catalog.conn.execute("UPDATE photos SET hash = ? WHERE id = ?", (scan_mod.partial_hash(str(p)), pid))
    shutil.move(p, b / "p.jpg")
    r = scan(catalog, [str(a), str(b)])
    assert r.moved == 1 and catalog.photo_by_path(str(b / "p.jpg")).id == pid


def _failed(catalog: Catalog, path: Path, reason: str) -> int:
    pid = catalog.photo_by_path(str(path)).id
    catalog.mark_failed(pid, reason)
    return pid


def test_unreadable_photo_is_tried_again_on_the_next_scan(tmp_path: Path, catalog: Catalog) -> None:
    root = tmp_path / "lib"
    locked = save_jpeg(root / "locked.jpg", scene(1))
    gone = save_jpeg(root / "gone.jpg", scene(2))
    io_error = save_jpeg(root / "io.jpg", scene(3))
    scan(catalog, [str(root)])
    ids = [
        _failed(catalog, locked, "permission denied: the file cannot be read"),
        _failed(catalog, gone, "file disappeared before it could be read"),
        _failed(catalog, io_error, "cannot read: Input/output error"),
    ]
    r = scan(catalog, [str(root)])  # nothing changed on disk (a chmod keeps the mtime)
    assert r.unchanged == 3
    assert [catalog.photo(i).status for i in ids] == ["pending"] * 3
    assert all(catalog.photo(i).error is None for i in ids)


def test_corrupt_photo_is_tried_again_only_when_size_or_mtime_change(tmp_path: Path, catalog: Catalog) -> None:
    root = tmp_path / "lib"
    p = save_jpeg(root / "broken.jpg", scene(1))
    scan(catalog, [str(root)])
    pid = _failed(catalog, p, "truncated file: the image data ends early")
    scan(catalog, [str(root)])
    assert catalog.photo(pid).status == "failed"
    os.utime(p, ns=(2_000_000_000, 2_000_000_000))
    scan(catalog, [str(root)])
    assert catalog.photo(pid).status == "pending"


def test_unreadable_folder_is_recorded_and_cleared(tmp_path: Path, catalog: Catalog, monkeypatch) -> None:
    root = tmp_path / "lib"
    save_jpeg(root / "ok" / "a.jpg", scene(1))
    save_jpeg(root / "locked" / "b.jpg", scene(2))
    scan(catalog, [str(root)])
    real = os.scandir

    def scandir(path):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(scan_mod.os, "scandir", scandir)
    r = scan(catalog, [str(root)])
    assert r.removed == 0, "photos in a folder that cannot be read are kept"
    assert catalog.folder_problems() == [(str(root / "locked"), "cannot read folder: Permission denied")]
    monkeypatch.setattr(scan_mod.os, "scandir", real)
    scan(catalog, [str(root)])
    assert catalog.folder_problems() == []
    assert catalog.counts()["total"] == 2
