"""The facade the CLI and GUI share, driven in-process on a tiny-model library."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from photoindex.core.library import Library
from photoindex.core.pipeline import Control
from photoindex.core.types import PhotoindexError
from tests.photos import save_jpeg, scene


def test_date_filters_use_exif_dates(tmp_path: Path, tiny_settings) -> None:
    root = tmp_path / "pics"
    save_jpeg(root / "old.jpg", scene(1), date="2019:05:01 10:00:00")
    save_jpeg(root / "new.jpg", scene(2), date="2021:08:20 10:00:00")
    lib = Library(tiny_settings)
    lib.run_index([root])
    from datetime import datetime

    since_2020 = lib.search("x", cutoff=False, date_from=datetime(2020, 1, 1).timestamp())
    assert [Path(h.path).name for h in since_2020] == ["new.jpg"]
    until_2020 = lib.search("x", cutoff=False, date_to=datetime(2020, 1, 1).timestamp())
    assert [Path(h.path).name for h in until_2020] == ["old.jpg"]
    lib.close()


def test_new_photos_are_searchable_while_indexing_goes_on(tmp_path: Path, tiny_settings) -> None:
    root = tmp_path / "pics"
    for i in range(24):
        save_jpeg(root / f"p{i:02d}.jpg", scene(i))
    lib = Library(tiny_settings.with_(batch_size=4))
    gen = lib.index([root])
    seen_counts = []
    for p in gen:
        if p.phase == "embed" and 0 < p.done < p.total:
            seen_counts.append(len(lib.search("anything", cutoff=False, k=100)))
    assert seen_counts and min(seen_counts) < 24, "search ran before indexing finished"
    assert max(seen_counts) > min(seen_counts), "results grew while indexing"
    assert len(lib.search("anything", cutoff=False, k=100)) == 24
    lib.close()


def test_pause_resume_and_cancel(tmp_path: Path, tiny_settings) -> None:
    root = tmp_path / "pics"
    for i in range(20):
        save_jpeg(root / f"p{i:02d}.jpg", scene(i))
    lib = Library(tiny_settings.with_(batch_size=2))
    control = Control()
    gen = lib.index([root], control=control)
    paused_seen = False
    for p in gen:
        if p.phase == "embed" and p.done >= 4 and not control.paused and not paused_seen:
            control.pause()
            threading.Timer(0.3, control.resume).start()
        if p.paused:
            paused_seen = True
        if p.phase == "embed" and p.done >= 10:
            control.cancel()
    assert paused_seen
    done = lib.catalog().counts()["ok"]
    assert 10 <= done < 20, done
    report = lib.run_index()  # resume
    assert report.embedded == 20 - done
    assert lib.catalog().counts()["ok"] == 20
    lib.close()


def test_an_image_can_be_a_search_term(tmp_path: Path, tiny_settings) -> None:
    root = tmp_path / "pics"
    paths = [save_jpeg(root / f"p{i}.jpg", scene(i)) for i in range(8)]
    lib = Library(tiny_settings)
    lib.run_index([root])
    hits = lib.search(f"{paths[5]}", cutoff=False, k=3)
    assert hits[0].path == str(paths[5])
    mixed = lib.search(f"2:{paths[5]} + sunset", cutoff=False, k=3)
    assert len(mixed) == 3
    with pytest.raises(PhotoindexError):
        lib.search("   ")
    lib.close()


def test_user_folder_is_refused_as_library_target(tmp_path: Path, tiny_settings) -> None:
    lib = Library(tiny_settings)
    with pytest.raises(PhotoindexError, match="not a folder"):
        lib.add_root(tmp_path / "missing")
    lib.close()
