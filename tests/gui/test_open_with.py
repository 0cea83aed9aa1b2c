""""Open with photoindex" on a photo: the window opens on that photo and the photos like it."""

from __future__ import annotations

from pathlib import Path

import pytest

from photoindex.gui.app import open_photos, split_arguments
from tests.photos import save_jpeg, scene


def test_arguments_split_into_folders_and_photos(tmp_path: Path) -> None:
    folder = tmp_path / "Photos (2024)"
    photo = save_jpeg(folder / "바다 & 하늘.jpg", scene(1))
    notes = folder / "notes.txt"
    notes.write_text("not a photo")
    folders, photos = split_arguments([str(folder), str(photo), str(notes)])
    assert folders == [str(folder), str(notes)]  # a text file is refused as a folder is today
    assert photos == [str(photo)]


@pytest.fixture
def indexed(qtbot, window, tmp_path: Path):
    root = tmp_path / "pics"
    paths = [save_jpeg(root / f"p{i}.jpg", scene(i)) for i in range(8)]
    window.add_folder(str(root))  # indexed by the window, off the GUI thread
    qtbot.waitUntil(lambda: window.worker is not None and window.worker.isFinished(), timeout=120000)
    qtbot.waitUntil(lambda: len(window.model.items) == len(paths), timeout=60000)
    return paths


def similar_shown(win) -> bool:
    """The answer to the newest find-similar is in the grid (not the list shown before it)."""
    return win.mode == "similar" and win.results_token == win.searches.token and len(win.model.items) > 0


def _shown_paths(win) -> list[str]:
    return [it.path for it in win.model.items]


def test_open_with_a_photo_of_the_library_shows_it_first_then_its_look_alikes(qtbot, window, indexed) -> None:
    open_photos(window, [str(indexed[3])])
    qtbot.waitUntil(lambda: similar_shown(window), timeout=60000)
    assert _shown_paths(window)[0] == str(indexed[3])
    assert "p3.jpg" in window.search.placeholderText()


def test_open_with_a_photo_from_elsewhere_shows_the_library_photos_like_it(qtbot, window, indexed, tmp_path) -> None:
    outside = save_jpeg(tmp_path / "Downloads" / "from a friend (1).jpg", scene(3))
    open_photos(window, [str(outside)])
    qtbot.waitUntil(lambda: similar_shown(window), timeout=60000)
    shown = _shown_paths(window)
    assert str(outside) not in shown and str(indexed[3]) == shown[0], "the same picture comes first"
    assert "from a friend (1).jpg" in window.search.placeholderText()


def test_the_window_opened_with_a_photo_argument(qtbot, tmp_path: Path, monkeypatch, tiny_settings,
                                                 qsettings_isolated) -> None:
    """gui.app.main as the desktop starts it (photoindex-gui %F): no 'not a folder' warning,
    the window shows the photo's look-alikes."""
    from PySide6.QtWidgets import QApplication, QMessageBox

    from photoindex.core.library import Library
    from photoindex.gui import app as app_module
    from photoindex.gui.main_window import MainWindow

    root = tmp_path / "pics"
    paths = [save_jpeg(root / f"p{i}.jpg", scene(i)) for i in range(6)]
    lib = Library(tiny_settings)
    lib.run_index([root])
    lib.close()
    for key, value in (("PHOTOINDEX_CLIP_MODEL", tiny_settings.clip_model), ("PHOTOINDEX_DINO_MODEL",
                       tiny_settings.dino_model), ("PHOTOINDEX_FACES", "0"), ("PHOTOINDEX_THREADS", "2"),
                       ("PHOTOINDEX_MODELS_DIR", str(tiny_settings.models_dir))):
        monkeypatch.setenv(key, value)
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warnings.append(str(a[2:])))
    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: warnings.append(str(a[2:])))
    monkeypatch.setattr(QApplication, "exec", lambda *a: 0)
    assert app_module.main(["--library", str(tiny_settings.library_dir), str(paths[2])]) == 0
    win = next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible())
    qtbot.addWidget(win)
    try:
        qtbot.waitUntil(lambda: similar_shown(win), timeout=60000)
        assert _shown_paths(win)[0] == str(paths[2])
        qtbot.waitUntil(lambda: bool(win.roots), timeout=30000)
        assert win.roots == [str(root)], "the photo was not added as a folder"
        assert warnings == []
    finally:
        if win.worker is not None and win.worker.isRunning():
            win.worker.cancel()
            win.worker.wait(20000)
        win.search_runner.wait(10000)
        win.io_runner.wait(10000)
        win.thumbs.pool.waitForDone(10000)
        win.close()
