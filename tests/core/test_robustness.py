"""A library that is damaged, locked or fed its own files heals on the next scan, and photoindex
deletes only the files it made.

CI runs as root, where chmod 000 does not stop a read: a refused read is simulated in-process
(the file's open raises PermissionError, as the OS would) and a real chmod is used as well when
the tests do not run as root."""

from __future__ import annotations

import builtins
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PIL import Image

from photoindex.core import imageio, pipeline
from photoindex.core import scan as scan_mod
from photoindex.core.library import Library
from photoindex.core.store.catalog import Catalog
from photoindex.core.thumbs import thumb_path
from photoindex.core.types import PhotoindexError
from tests.photos import save_jpeg, scene


@contextmanager
def refused(monkeypatch: pytest.MonkeyPatch, *locked: Path) -> Iterator[None]:
    """Reads of these files are refused as by a permission the user has not granted."""
    names = {os.fspath(p) for p in locked}
    real_open = builtins.open

    def guarded_open(file, *args, **kwargs):  # type: ignore[no-untyped-def]
        if os.fspath(file) in names:
            raise PermissionError(13, "Permission denied", os.fspath(file))
        return real_open(file, *args, **kwargs)

    with monkeypatch.context() as m:
        m.setattr(scan_mod, "open", guarded_open, raising=False)  # partial_hash
        m.setattr(imageio, "open", guarded_open, raising=False)  # load_image
        modes = {p: p.stat().st_mode for p in locked}
        if os.geteuid() != 0:
            for p in locked:
                p.chmod(0)
        try:
            yield
        finally:
            for p, mode in modes.items():
                p.chmod(mode)


def _library(settings) -> Library:  # type: ignore[no-untyped-def]
    return Library(settings)


def _status_of(lib: Library, path: Path) -> tuple[str, str | None]:
    photo = lib.catalog().photo_by_path(str(path))
    assert photo is not None
    return photo.status, photo.error


# -- 1. never retried --------------------------------------------------------------------------


def test_photo_refused_for_permission_is_indexed_once_the_permission_is_fixed(
    tmp_path: Path, tiny_settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "photos"
    save_jpeg(root / "a.jpg", scene(1))
    locked = save_jpeg(root / "locked.jpg", scene(2))
    mtime = locked.stat().st_mtime_ns
    lib = _library(tiny_settings)
    with refused(monkeypatch, locked):
        report = lib.run_index([root])
    assert report.failed == 1
    assert _status_of(lib, locked)[0] == "failed"
    assert "permission denied" in (_status_of(lib, locked)[1] or "")

    # The user fixes the permission: nothing else changes (chmod keeps the mtime).
    assert locked.stat().st_mtime_ns == mtime
    report = lib.run_index()
    assert _status_of(lib, locked) == ("ok", None)
    assert report.failed == 0 and report.embedded == 1
    assert lib.status()["failures"] == []
    lib.close()


def test_a_corrupt_photo_is_tried_again_only_when_it_changes(tmp_path: Path, tiny_settings, monkeypatch) -> None:
    root = tmp_path / "photos"
    good = save_jpeg(root / "good.jpg", scene(1))
    broken = save_jpeg(root / "broken.jpg", scene(2))
    broken.write_bytes(broken.read_bytes()[: broken.stat().st_size // 3])
    lib = _library(tiny_settings)
    lib.run_index([root])
    assert _status_of(lib, broken)[0] == "failed"
    assert _status_of(lib, good)[0] == "ok"

    decoded: list[str] = []
    real_load = pipeline.load_image

    def counting_load(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        decoded.append(os.fspath(path))
        return real_load(path, *args, **kwargs)

    monkeypatch.setattr(pipeline, "load_image", counting_load)
    lib.run_index()
    assert decoded == [], "an unchanged corrupt file is not decoded again on every scan"
    assert _status_of(lib, broken)[0] == "failed"

    save_jpeg(broken, scene(3))  # replaced by a good copy: size and mtime change
    lib.run_index()
    assert decoded == [str(broken)]
    assert _status_of(lib, broken) == ("ok", None)
    lib.close()


# -- 2. unreadable folders are in status ---------------------------------------------------------


def test_unreadable_folder_is_in_status_until_it_can_be_read(tmp_path: Path, tiny_settings, monkeypatch) -> None:
    root = tmp_path / "photos"
    save_jpeg(root / "open" / "a.jpg", scene(1))
    save_jpeg(root / "locked" / "b.jpg", scene(2))
    lib = _library(tiny_settings)
    lib.run_index([root])
    assert lib.status()["photos"] == 2 and lib.status()["folder_problems"] == []

    real_scandir = os.scandir
    locked = str(root / "locked")

    def scandir(path):  # type: ignore[no-untyped-def]
        if os.fspath(path) == locked:
            raise PermissionError(13, "Permission denied", locked)
        return real_scandir(path)

    with monkeypatch.context() as m:
        m.setattr(scan_mod.os, "scandir", scandir)
        lib.run_index()
    status = lib.status()
    assert status["folder_problems"] == [{"path": locked, "reason": "cannot read folder: Permission denied"}]
    assert status["photos"] == 2, "the photos of a folder that cannot be read now are kept, not deleted"

    lib.run_index()  # readable again
    assert lib.status()["folder_problems"] == []
    lib.close()


def test_folder_problems_of_a_removed_root_are_forgotten(tmp_path: Path, tiny_settings, monkeypatch) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    save_jpeg(a / "sub" / "p.jpg", scene(1))
    save_jpeg(b / "q.jpg", scene(2))
    lib = _library(tiny_settings)
    real_scandir = os.scandir

    def scandir(path):  # type: ignore[no-untyped-def]
        if os.fspath(path) == str(a / "sub"):
            raise OSError(5, "Input/output error", os.fspath(path))
        return real_scandir(path)

    with monkeypatch.context() as m:
        m.setattr(scan_mod.os, "scandir", scandir)
        lib.run_index([a, b])
    assert [p["path"] for p in lib.status()["folder_problems"]] == [str(a / "sub")]
    lib.remove_root(str(a))
    assert lib.status()["folder_problems"] == []
    lib.run_index()
    assert lib.catalog().folder_problems() == [], "the stale row is pruned by the next scan"
    lib.close()


# -- 3. thumbnails deleted from the library folder are made again --------------------------------


def test_deleted_thumbnails_are_made_again_without_embedding_again(tmp_path: Path, tiny_settings) -> None:
    root = tmp_path / "photos"
    paths = [save_jpeg(root / f"p{i}.jpg", scene(i)) for i in range(3)]
    lib = _library(tiny_settings)
    lib.run_index([root])
    ids = [lib.catalog().photo_by_path(str(p)).id for p in paths]  # type: ignore[union-attr]
    thumbs = [thumb_path(tiny_settings.thumbs_dir, i) for i in ids]
    assert all(t.exists() for t in thumbs)
    seq = lib.catalog().last_seq()

    thumbs[0].unlink()
    thumbs[2].unlink()
    report = lib.run_index()
    assert all(t.exists() for t in thumbs)
    assert report.embedded == 0 and lib.catalog().last_seq() == seq, "only the thumbnails are made"
    with Image.open(thumbs[0]) as im:
        assert max(im.size) == 320
    lib.close()


# -- 4. the library never indexes itself -----------------------------------------------------------


def test_the_library_folder_cannot_be_added_as_a_photo_folder(tmp_path: Path, tiny_settings) -> None:
    root = tmp_path / "photos"
    save_jpeg(root / "a.jpg", scene(1))
    lib = _library(tiny_settings)
    lib.run_index([root])
    for inside in (tiny_settings.thumbs_dir, tiny_settings.library_dir):
        with pytest.raises(PhotoindexError, match="own data folder"):
            lib.add_root(inside)
    assert lib.roots() == [str(root)]
    lib.close()


def _with_library_at(settings, library_dir: Path):  # type: ignore[no-untyped-def]
    from dataclasses import replace

    return replace(settings, library_dir=library_dir)


@pytest.mark.parametrize("layout", ["inside", "symlinked-library", "symlink-in-photos"])
def test_a_library_inside_a_photo_folder_is_never_indexed(tmp_path: Path, tiny_settings, layout: str) -> None:
    root = tmp_path / "photos"
    originals = [save_jpeg(root / f"p{i}.jpg", scene(i)) for i in range(3)]
    if layout == "inside":
        library_dir = root / "photoindex-data"
    elif layout == "symlinked-library":
        # the library setting names a link; its real folder is inside the photos
        (root / "data").mkdir()
        (tmp_path / "link").symlink_to(root / "data")
        library_dir = tmp_path / "link"
    else:
        # the library is elsewhere, and the photo folder holds a link to it
        library_dir = tmp_path / "elsewhere"
        library_dir.mkdir()
        (root / "shortcut").symlink_to(library_dir)
    settings = _with_library_at(tiny_settings, library_dir)
    # crops and stray images in the library's own folders look like photos too
    save_jpeg(settings.faces_dir / "07" / "7.jpg", scene(7))
    save_jpeg(settings.library_dir / "export.jpg", scene(8))
    lib = _library(settings)
    lib.run_index([root])
    assert any(settings.thumbs_dir.rglob("*.jpg")), "thumbnails were written inside the photo folder"
    lib.run_index()  # the thumbnails of the first run are there now
    lib.run_index()
    indexed = sorted(p.path for p in lib.photos(order="path"))
    assert indexed == sorted(str(p) for p in originals)
    lib.close()


# -- 5. only our own files are deleted --------------------------------------------------------------


def test_switching_faces_off_deletes_only_our_crops(tmp_path: Path, tiny_settings) -> None:
    faces = tiny_settings.faces_dir
    ours = [save_jpeg(faces / "07" / "7.jpg", scene(1)), save_jpeg(faces / "01" / "257.jpg", scene(2))]
    leftover_tmp = faces / "07" / ".263.jpg.123.456.tmp"
    leftover_tmp.write_bytes(b"partial")
    theirs = [
        faces / "notes.txt",
        faces / "07" / "family.jpg",  # in one of our folders, not our name
        faces / "02" / "7.jpg",  # our name, in the wrong folder (7 lives in 07)
        faces / "album" / "1.jpg",
    ]
    for p in theirs:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(b"the user's")
    lib = _library(tiny_settings)
    lib.delete_face_data()
    assert all(p.read_bytes() == b"the user's" for p in theirs)
    assert not any(p.exists() for p in [*ours, leftover_tmp])
    assert not (faces / "01").exists(), "a folder we emptied is removed"
    assert (faces / "07").is_dir() and faces.is_dir()
    lib.close()


def test_switching_faces_off_removes_the_crop_folder_when_only_crops_were_there(tmp_path: Path, tiny_settings) -> None:
    faces = tiny_settings.faces_dir
    save_jpeg(faces / "07" / "7.jpg", scene(1))
    lib = _library(tiny_settings)
    lib.delete_face_data()
    assert not faces.exists()
    lib.delete_face_data()  # nothing there: no error
    lib.close()


# -- 6. decode memory is bounded by a budget, not by the thread count ------------------------------


def test_full_decodes_are_bounded_by_the_memory_budget(tmp_path: Path, tiny_settings, monkeypatch) -> None:
    from dataclasses import replace

    root = tmp_path / "photos"
    size = (1200, 900)
    root.mkdir()
    for i in range(8):
        scene(i, size).save(root / f"p{i}.png")
    one = imageio.decoded_bytes("RGB", *size)
    monkeypatch.setattr(pipeline, "decode_memory_budget", lambda: 2 * one)
    active = 0
    most = 0
    lock = threading.Lock()
    real_to_rgb = imageio._to_rgb

    def slow_to_rgb(img):  # type: ignore[no-untyped-def]
        nonlocal active, most
        with lock:
            active += 1
            most = max(most, active)
        try:
            time.sleep(0.05)  # a full decode takes a while: let the other workers pile up
            return real_to_rgb(img)
        finally:
            with lock:
                active -= 1

    monkeypatch.setattr(imageio, "_to_rgb", slow_to_rgb)
    lib = _library(replace(tiny_settings, threads=8))
    report = lib.run_index([root])
    assert report.embedded == 8
    assert 1 <= most <= 2, f"{most} full-size images were held at once with a budget of two"
    lib.close()


def test_catalog_retry_only_touches_transient_failures(tmp_path: Path) -> None:
    cat = Catalog(tmp_path / "c.sqlite3")
    ids = [cat.insert_photo(f"/p/{i}.jpg", 1, 1, None) for i in range(4)]
    cat.mark_failed(ids[0], imageio.REASON_PERMISSION)
    cat.mark_failed(ids[1], "truncated file: the image data ends early")
    cat.mark_failed(ids[2], "cannot read: Input/output error")
    assert cat.retry_failed(ids, imageio.TRANSIENT_REASON_PREFIXES) == 2
    assert [cat.photo(i).status for i in ids] == ["pending", "failed", "pending", "pending"]  # type: ignore[union-attr]
    cat.close()
