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


def test_the_rest_of_a_big_list_after_its_first_page_is_one_insertion(qtbot, tmp_path: Path) -> None:
    """100,000 photos after a first page of 600: the rows are inserted at once. QStringListModel
    inserted them one string at a time, which froze the window for 3 s going back to All photos."""
    import time

    from photoindex.gui.controllers import GridRows

    grid, items = _grid(qtbot, tmp_path, 0)
    n = 100_000
    rows = GridRows(list(range(n, 0, -1)), [f"/p/{i}.jpg" for i in range(n)])
    model = grid.photo_model
    model.set_items(GridRows(rows.ids[:600], rows.paths[:600]))
    grid.setCurrentIndex(model.index(3))
    inserted, resets = [], []
    model.rowsInserted.connect(lambda _parent, first, last: inserted.append((first, last)))
    model.modelReset.connect(lambda: resets.append(1))
    t = time.perf_counter()
    grid.replace_items(rows)
    took = time.perf_counter() - t
    assert inserted == [(600, n - 1)] and not resets
    assert model.rowCount() == n and grid.current_photo_id() == n - 3
    assert model.row_of(1) == n - 1 and model.row_of(n + 1) is None
    assert took < 1.0, f"{took:.2f} s to add 99,400 rows"


def test_scrolling_repaints_only_the_strip_that_comes_into_view(qtbot, tmp_path: Path) -> None:
    from PySide6.QtCore import QEvent

    grid, items = _grid(qtbot, tmp_path, 2_000)
    grid.photo_model.set_items(items)
    qtbot.wait(20)
    painted: list[int] = []

    class Spy(QObject):
        def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt's name)
            if event.type() == QEvent.Type.Paint:
                painted.append(sum(r.height() * r.width() for r in event.region()))
            return False

    spy = Spy()
    grid.viewport().installEventFilter(spy)
    grid.viewport().repaint()
    whole = painted[-1]
    painted.clear()
    grid.verticalScrollBar().setValue(grid.verticalScrollBar().value() + 30)
    qtbot.waitUntil(lambda: bool(painted))
    assert whole == grid.viewport().width() * grid.viewport().height()
    assert painted[0] < whole // 4, "a 30-pixel scroll repainted the whole view"


def test_thumbnails_arrive_in_batches_and_repaint_their_cells(qtbot, tmp_path: Path) -> None:
    from PySide6.QtGui import QImage

    from photoindex.core.library import thumb_path

    thumbs_dir = tmp_path / "thumbs"
    cache = ThumbnailCache(thumbs_dir, box=(150, 110), threads=4)
    batches: list[list[int]] = []
    cache.ready.connect(batches.append)
    img = QImage(200, 150, QImage.Format.Format_RGB32)
    img.fill(0x336699)
    for pid in range(1, 31):
        dest = thumb_path(thumbs_dir, pid)
        dest.parent.mkdir(parents=True, exist_ok=True)
        assert img.save(str(dest), "JPEG")
    assert all(cache.get(pid, f"/nowhere/{pid}.jpg") is None for pid in range(1, 31))
    assert cache.threads == 3
    qtbot.waitUntil(lambda: sum(len(b) for b in batches) == 30, timeout=10_000)
    assert len(batches) < 30  # one signal per batch, not one per thumbnail
    pm = cache.get(7, "/nowhere/7.jpg")
    assert pm is not None and (pm.width(), pm.height()) == (146, 110)  # fitted to the box
    cache.close()
    assert cache.get(99, "/nowhere/99.jpg") is None and not cache._requests  # closed: nothing starts


def test_long_lived_objects_leave_the_collectors_sight_once_a_process(monkeypatch) -> None:
    """With torch and the models loaded, a full collection held the GIL for ~0.5 s whenever a big
    read (the timeline's 100,000 rows) set one off; frozen objects are not walked."""
    import gc

    from photoindex.gui import compat

    monkeypatch.setattr(compat, "_FROZEN", set())
    before = gc.get_freeze_count()
    long_lived = [[i] for i in range(1000)]
    try:
        compat.freeze_long_lived("models")
        after = gc.get_freeze_count()
        assert after >= before + len(long_lived)
        compat.freeze_long_lived("models")  # once a process for each moment
        assert gc.get_freeze_count() == after
    finally:
        gc.unfreeze()  # the rest of the test session collects as usual
