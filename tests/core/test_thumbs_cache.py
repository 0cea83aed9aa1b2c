"""Thumbnails are a cache: under $XDG_CACHE_HOME, one folder per library, gone with their photo."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from photoindex.core.library import Library
from photoindex.core.thumbs import thumb_path
from tests.photos import save_jpeg, scene


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg cache"))
    return tmp_path / "xdg cache"


def test_thumbnails_live_in_the_xdg_cache_folder_per_library(tmp_path: Path, tiny_settings, cache_home) -> None:
    root = tmp_path / "photos"
    paths = [save_jpeg(root / f"p{i}.jpg", scene(i)) for i in range(3)]
    lib = Library(tiny_settings)
    lib.run_index([root])
    thumbs = tiny_settings.thumbs_dir
    assert str(thumbs).startswith(str(cache_home / "photoindex" / "thumbs")) and thumbs.is_dir()
    ids = [lib.catalog().photo_by_path(str(p)).id for p in paths]  # type: ignore[union-attr]
    assert all(lib.thumbnail_path(i).is_file() and lib.thumbnail_path(i).is_relative_to(thumbs) for i in ids)
    assert not (tiny_settings.library_dir / "thumbs").exists(), "no cache in the library folder"
    lib.close()
    # Another library gets a folder of its own.
    other = tiny_settings.with_(library_dir=tmp_path / "other library")
    assert other.thumbs_dir != thumbs and other.thumbs_dir.parent == thumbs.parent
    assert tiny_settings.with_(library_dir=tiny_settings.library_dir).thumbs_dir == thumbs


def test_thumbnails_of_an_old_library_folder_move_to_the_cache(tmp_path: Path, tiny_settings, cache_home) -> None:
    root = tmp_path / "photos"
    save_jpeg(root / "a.jpg", scene(1))
    lib = Library(tiny_settings)
    lib.run_index([root])
    pid = lib.photos()[0].id
    lib.close()
    # As an older photoindex left it: the thumbnails inside the library folder, none in the cache.
    legacy = tiny_settings.library_dir / "thumbs"
    tiny_settings.thumbs_dir.rename(legacy)
    assert thumb_path(legacy, pid).is_file()
    lib = Library(tiny_settings)
    assert not legacy.exists() and lib.thumbnail_path(pid).is_file(), "moved, not made again"
    lib.close()


def test_a_removed_photo_takes_its_thumbnail_with_it(tmp_path: Path, tiny_settings, cache_home) -> None:
    root = tmp_path / "photos"
    paths = [save_jpeg(root / f"p{i}.jpg", scene(i)) for i in range(3)]
    kept = save_jpeg(tmp_path / "kept" / "k.jpg", scene(9))
    lib = Library(tiny_settings)
    lib.run_index([root, kept.parent])
    ids = {p.name: lib.catalog().photo_by_path(str(p)).id for p in paths}  # type: ignore[union-attr]
    gone = lib.thumbnail_path(ids["p1.jpg"])
    assert gone.is_file()
    paths[1].unlink()
    report = lib.run_index()
    assert report.removed == 1
    assert not gone.exists(), "the thumbnail of a deleted photo stays in the cache"
    assert lib.thumbnail_path(ids["p0.jpg"]).is_file() and lib.thumbnail_path(ids["p2.jpg"]).is_file()
    # A folder removed from the library: its photos' thumbnails go on the next run.
    lib.remove_root(str(root))
    lib.run_index()
    assert not any(lib.thumbnail_path(i).exists() for i in ids.values())
    assert lib.thumbnail_path(lib.catalog().photo_by_path(str(kept)).id).is_file()  # type: ignore[union-attr]
    lib.close()


def test_the_cache_folder_cannot_be_added_as_photos(tmp_path: Path, tiny_settings, cache_home) -> None:
    from photoindex.core.types import PhotoindexError

    root = tmp_path / "photos"
    save_jpeg(root / "a.jpg", scene(1))
    lib = Library(tiny_settings)
    lib.run_index([root])
    with pytest.raises(PhotoindexError, match="own data folder"):
        lib.add_root(tiny_settings.thumbs_dir)
    # A photo folder that holds the cache (XDG_CACHE_HOME inside it) never indexes the thumbnails.
    lib.close()
    settings = tiny_settings.with_(library_dir=tmp_path / "lib2")
    os.environ["XDG_CACHE_HOME"] = str(root / "cache")
    try:
        lib = Library(settings)
        lib.run_index([root])
        lib.run_index()
        assert any(settings.thumbs_dir.rglob("*.jpg"))
        assert [p.path for p in lib.photos()] == [str(root / "a.jpg")]
        lib.close()
    finally:
        os.environ["XDG_CACHE_HOME"] = str(cache_home)


def test_old_thumbnails_that_cannot_be_moved_are_deleted(tmp_path: Path) -> None:
    import time

    from photoindex.core.thumbs import adopt_legacy_thumbnails

    legacy = tmp_path / "library" / "thumbs"
    old = thumb_path(legacy, 7)
    old.parent.mkdir(parents=True)
    old.write_bytes(b"old thumbnail")
    new = tmp_path / "cache" / "thumbs" / "library-123"
    new.mkdir(parents=True)  # the cache has thumbnails already: the old ones are not moved over it
    (tmp_path / "library" / "catalog.sqlite3").write_bytes(b"kept")
    adopt_legacy_thumbnails(tmp_path / "library", new)
    deadline = time.monotonic() + 10
    while legacy.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not legacy.exists() and not thumb_path(new, 7).exists()
    assert (tmp_path / "library" / "catalog.sqlite3").read_bytes() == b"kept"
