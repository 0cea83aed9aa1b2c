"""The grid and window plumbing that needs no model: place kept on refresh, lazy pages, the refcount guard."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QPoint, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QLabel

from photoindex.gui.grid import PAD, GridItem, PhotoGrid, PhotoIdRole, PhotoModel
from photoindex.gui.thumbs import ThumbnailCache


def _grid(qtbot, tmp_path: Path, n: int) -> tuple[PhotoGrid, list[GridItem]]:
    thumbs = ThumbnailCache(tmp_path / "thumbs")
    model = PhotoModel(thumbs)
    grid = PhotoGrid(model, 160)
    qtbot.addWidget(grid)
    grid.resize(900, 600)
    grid.show()
    items = [GridItem(i + 1, f"/nowhere/photo_{i:05d}.jpg", None, None) for i in range(n)]
    pm = QPixmap(150, 110)
    pm.fill()
    for it in items:  # thumbnails already in memory: nothing is loaded from disk
        thumbs._pixmaps[it.photo_id] = pm
    thumbs.capacity = n + 10
    return grid, items


def test_new_photos_arriving_keep_the_view_where_it_was(qtbot, tmp_path: Path) -> None:
    grid, items = _grid(qtbot, tmp_path, 20_000)
    grid.photo_model.set_items(items)
    qtbot.wait(10)  # the view lays out on its next event-loop turn
    bar = grid.verticalScrollBar()
    assert bar.maximum() > 100_000  # 20,000 cells laid out at once
    bar.setValue(bar.maximum() // 2)
    qtbot.wait(10)
    top_before = grid.indexAt(QPoint(PAD + 1, PAD + 1)).data(PhotoIdRole)
    grid.setCurrentIndex(grid.photo_model.index(grid.photo_model.row_of(top_before)))
    # Indexing found 7 new photos that sort before everything on screen.
    new = [GridItem(100_000 + i, f"/nowhere/new_{i}.jpg") for i in range(7)]
    grid.replace_items(new + items)
    qtbot.wait(10)
    row = grid.photo_model.row_of(top_before)
    assert row is not None and grid.photo_model.items[row].photo_id == top_before
    visible = grid.visualRect(grid.photo_model.index(row))
    assert grid.viewport().rect().contains(visible.center())  # still on screen, not back at the top
    assert grid.current_photo_id() == top_before


def test_same_photos_again_is_not_a_reset(qtbot, tmp_path: Path) -> None:
    grid, items = _grid(qtbot, tmp_path, 500)
    grid.photo_model.set_items(items)
    resets = []
    grid.photo_model.modelReset.connect(lambda: resets.append(1))
    grid.photo_model.set_items([GridItem(it.photo_id, it.path, 0.5, None) for it in items])
    assert not resets and grid.photo_model.items[0].score == 0.5


def test_many_signals_do_not_abort_the_app(qtbot) -> None:
    """PySide6 6.12.0 drops a reference to True per emit and aborts (bool_dealloc) after about a
    thousand signals: this guards the pin (PySide6-Essentials < 6.12) in pyproject.toml."""

    class Emitter(QObject):
        fired = Signal(int)

    got = []
    emitter = Emitter()
    emitter.fired.connect(got.append)
    for i in range(20_000):
        emitter.fired.emit(i)
    assert len(got) == 20_000


def test_a_missing_optional_view_shows_a_placeholder(qtbot, tiny_settings, qsettings_isolated, monkeypatch) -> None:
    from photoindex.core.library import Library
    from photoindex.gui import main_window

    monkeypatch.setitem(main_window.OPTIONAL_PAGES, main_window.PAGE_MAP, ("no_such_view", "MapView", "Map"))
    win = main_window.MainWindow(Library(tiny_settings))
    qtbot.addWidget(win)
    win.show()
    win.show_page(main_window.PAGE_MAP)
    page = win.pages.currentWidget()
    assert isinstance(page, QLabel) and "not available" in page.text()
    assert win.pages.indexOf(page) == main_window.PAGE_MAP
