"""The Map view: zoom, pan, hover, click, right-click, lasso and colouring on a generated map."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor

from photoindex.gui.map_view import MapView


@pytest.fixture
def view(qtbot):
    v = MapView(None, auto_compute=False)
    assert v.parent() is None
    qtbot.addWidget(v)
    v.resize(800, 600)
    v.show()
    qtbot.waitExposed(v)
    rng = np.random.default_rng(0)
    centers = np.array([[-20.0, -10.0], [15.0, 12.0], [25.0, -18.0]])
    xy = np.concatenate([c + rng.normal(size=(100, 2)) for c in centers])
    ids = np.arange(1000, 1000 + len(xy))
    meta = {int(i): {"path": f"/p/f{k // 100}/img{k}.jpg", "year": 2000 + k // 100,
                     "person": (7 if k < 50 else None)} for k, i in enumerate(ids)}
    v.set_layout(ids, xy, meta)
    return v


def _screen(view, pid):
    c = view.canvas
    i = int(np.flatnonzero(c.ids == pid)[0])
    x, y = c.to_screen(c.xy[i : i + 1])[0]
    return QPoint(int(round(x)), int(round(y)))


def test_zoom_and_pan(view, qtbot):
    c = view.canvas
    s0 = c.scale
    anchor = QPointF(200, 150)
    world = (np.array([anchor.x(), anchor.y()]) - [c.offset.x(), c.offset.y()]) / c.scale
    c.zoom(2.0, anchor)
    assert c.scale == pytest.approx(2 * s0)
    np.testing.assert_allclose(c.to_screen(world[None])[0], [200, 150], atol=1e-6)  # zoom around the cursor
    qtbot.keyClick(c, Qt.Key.Key_Minus)
    assert c.scale == pytest.approx(2 * s0 * 0.8)
    qtbot.keyClick(c, Qt.Key.Key_Plus)
    assert c.scale == pytest.approx(2 * s0)

    # The wheel zooms around the cursor too. (A QWheelEvent built in Python crashes Qt 6.12 at a
    # later paint, so the handler gets a stand-in with the same three methods.)
    class Wheel:
        def angleDelta(self):
            return QPoint(0, 240)

        def position(self):
            return QPointF(500, 250)

        def accept(self):
            pass

    s1 = c.scale
    world = (np.array([500, 250]) - [c.offset.x(), c.offset.y()]) / c.scale
    c.wheelEvent(Wheel())
    assert c.scale == pytest.approx(s1 * 1.25**2)
    np.testing.assert_allclose(c.to_screen(world[None])[0], [500, 250], atol=1e-6)

    before = QPointF(c.offset)
    qtbot.mousePress(c, Qt.MouseButton.LeftButton, pos=QPoint(300, 300))
    qtbot.mouseMove(c, QPoint(340, 320))
    qtbot.mouseMove(c, QPoint(360, 330))
    qtbot.mouseRelease(c, Qt.MouseButton.LeftButton, pos=QPoint(360, 330))
    assert c.offset.x() - before.x() == pytest.approx(60)
    assert c.offset.y() - before.y() == pytest.approx(30)


def test_level_of_detail_and_culling(view):
    c = view.canvas
    c.grab()
    assert c.last_paint_info["thumbs"] == 0 and c.last_paint_info["visible"] == 300
    c.zoom(30.0, QPointF(*c.to_screen(np.array([[15.0, 12.0]]))[0]))
    c.grab()
    assert 0 < c.last_paint_info["visible"] < 300  # the other clusters are culled


def test_click_and_right_click(view, qtbot):
    c = view.canvas
    c.zoom(4.0, QPointF(*c.to_screen(np.array([[25.0, -18.0]]))[0]))
    pid = 1000 + 250
    pos = _screen(view, pid)
    assert c.photo_at(pos) is not None
    expected = c.photo_at(pos)
    with qtbot.waitSignal(view.photoActivated, timeout=1000) as got:
        qtbot.mouseClick(c, Qt.MouseButton.LeftButton, pos=pos)
    assert got.args == [expected]
    with qtbot.waitSignal(view.contextMenuRequested, timeout=1000) as got:
        qtbot.mouseClick(c, Qt.MouseButton.RightButton, pos=pos)
    assert got.args[0] == expected and got.args[1] == c.mapToGlobal(pos)
    # Empty space: nothing.
    with qtbot.assertNotEmitted(view.photoActivated):
        qtbot.mouseClick(c, Qt.MouseButton.LeftButton, pos=QPoint(2, 2))


def _drag_lasso(qtbot, c, points):
    qtbot.mousePress(c, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier, points[0])
    for p in points[1:]:
        qtbot.mouseMove(c, p)
    qtbot.mouseRelease(c, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier, points[-1])


def test_lasso_selects_a_cluster(view, qtbot):
    c = view.canvas
    s = c.to_screen(c.xy)
    cl = s[100:200]
    centre = cl.mean(axis=0)
    r = np.hypot(*(cl - centre).T).max() + 4
    # A rough circle around the middle cluster, drawn as a user would.
    ring = [QPoint(int(centre[0] + r * np.cos(a)), int(centre[1] + r * np.sin(a)))
            for a in np.linspace(0, 2 * np.pi, 40)]
    with qtbot.waitSignal(view.selectionChanged, timeout=1000) as got:
        _drag_lasso(qtbot, c, ring)
    assert sorted(got.args[0]) == list(range(1100, 1200))
    c.grab()  # selection rings paint

    # A thin lasso that misses every point selects nothing; a plain drag selects nothing either.
    with qtbot.waitSignal(view.selectionChanged, timeout=1000) as got:
        _drag_lasso(qtbot, c, [QPoint(2, 2), QPoint(30, 2), QPoint(30, 4), QPoint(2, 4)])
    assert got.args[0] == []


def test_grid_culling_matches_brute_force():
    from photoindex.core.mapmodel import SpatialGrid

    rng = np.random.default_rng(3)
    xy = np.concatenate([rng.normal(size=(3000, 2)) * 5, rng.uniform(-40, 40, size=(2000, 2))])
    grid = SpatialGrid(xy)
    assert grid.query(-1000, -1000, 1000, 1000) is None
    for x0, y0, w, h in [(-3, -2, 4, 5), (10, 10, 0.5, 0.5), (-40, 30, 80, 20), (100, 100, 5, 5)]:
        got = grid.query(x0, y0, x0 + w, y0 + h)
        inside = np.flatnonzero((xy[:, 0] >= x0) & (xy[:, 0] <= x0 + w) & (xy[:, 1] >= y0) & (xy[:, 1] <= y0 + h))
        assert got is not None and set(inside.tolist()) <= set(got.tolist())
        assert len(got) <= max(4 * len(inside), 400)  # a superset, but not the whole map


def test_colour_by_score_person_year_folder(view, qtbot):
    from photoindex.gui.map_view import COLOR_MODES

    c = view.canvas
    view.set_scores({1000 + k: k / 100 for k in range(100)})
    assert COLOR_MODES[view.color_box.currentIndex()] == "Search score"
    assert len(set(c.colors[:100].tolist())) > 10 and len(set(c.colors[100:].tolist())) == 1
    # Higher score, brighter point: the search lights up its region.
    lum = [((int(v) >> 16 & 255) + (int(v) >> 8 & 255)) for v in c.colors[:100]]
    assert lum[99] > lum[0]
    view.color_box.setCurrentIndex(COLOR_MODES.index("Person"))
    assert len(set(c.colors[:50].tolist())) == 1 and c.colors[0] != c.colors[60]
    view.color_box.setCurrentIndex(COLOR_MODES.index("Year"))
    assert len({int(c.colors[k]) for k in (0, 150, 250)}) == 3
    view.color_box.setCurrentIndex(COLOR_MODES.index("Folder"))
    assert c.colors[0] == c.colors[99] and c.colors[0] != c.colors[100]


def test_hover_shows_a_larger_thumbnail(view, qtbot, tmp_path):
    from PIL import Image

    c = view.canvas
    p = tmp_path / "hover.jpg"
    Image.new("RGB", (300, 200), (250, 20, 20)).save(p)
    view.paths[1005] = str(p)
    c.zoom(6.0, QPointF(*c.to_screen(np.array([[-20.0, -10.0]]))[0]))
    pos = _screen(view, 1005)
    c.pan(c.width() / 3 - pos.x(), c.height() / 3 - pos.y())  # the card has room on the right
    pos = _screen(view, 1005)
    target = c.photo_at(pos)
    if target != 1005:  # another photo sits on the same pixel: it is the one hovered
        view.paths[target] = str(p)
    qtbot.mouseMove(c, pos)
    assert c.hover_pid == target
    qtbot.waitUntil(lambda: c.pixmap(target) is not None, timeout=5000)
    img = c.grab().toImage()
    # The card is drawn beside the cursor: a 256-px-wide patch of the photo's red.
    red = [x for x in range(pos.x(), c.width(), 2)
           if QColor(img.pixel(x, pos.y() + 80)).red() > 200 and QColor(img.pixel(x, pos.y() + 80)).green() < 60]
    assert red and 240 <= red[-1] - red[0] <= 260
    empty = next(QPoint(x, y) for x in range(5, c.width(), 20) for y in range(5, c.height(), 20)
                 if c.photo_at(QPoint(x, y)) is None)
    qtbot.mouseMove(c, empty)
    assert c.hover_pid is None


def test_thumbnails_load_lazily_when_zoomed_in(view, qtbot, tmp_path):
    from PIL import Image

    c = view.canvas
    for k in range(100, 200):
        p = tmp_path / f"{k}.jpg"
        Image.new("RGB", (80, 60), (200, 50 + k, 50)).save(p)
        view.paths[1000 + k] = str(p)
    c.zoom(40.0, QPointF(*c.to_screen(np.array([[15.0, 12.0]]))[0]))
    c.grab()
    qtbot.waitUntil(lambda: any(c.pixmap(1000 + k) is not None for k in range(100, 200)), timeout=5000)
    c.grab()
    assert c.last_paint_info["thumbs"] > 0


def _library_with_vectors(tiny_settings, n: int, spaces=("clip",), start: int = 0):
    from photoindex.core.library import Library
    from tests.gui.conftest import record_gui_thread_catalog

    lib = Library(tiny_settings)
    _add_photos(lib, n, spaces, start)
    lib.gui_thread_calls = record_gui_thread_catalog(lib)
    return lib


def _add_photos(lib, n: int, spaces=("clip",), start: int = 0) -> list[int]:
    """Photos indexed by another process (its own connection): the view must notice them."""
    from photoindex.core.store.catalog import Catalog

    cat = Catalog(lib.settings.catalog_path)
    rng = np.random.default_rng(start)
    with cat.transaction():
        ids = [cat.insert_photo(f"/p/a/{i}.jpg", 1, 1, None) for i in range(start, start + n)]
    for space in spaces:
        x = rng.normal(size=(n, 16)).astype(np.float32)
        x /= np.linalg.norm(x, axis=1, keepdims=True)
        cat.set_model(space, f"m-{space}", 16)
        with cat.transaction():
            cat.write_embeddings(space, f"m-{space}", list(zip(ids, x, strict=True)))
    cat.close()
    return ids


def test_with_a_library_computes_in_background(qtbot, tiny_settings):
    lib = _library_with_vectors(tiny_settings, 40)
    v = MapView(lib)
    qtbot.addWidget(v)
    v.show()
    qtbot.waitUntil(lambda: len(v.canvas.ids) == 40, timeout=15000)
    qtbot.waitUntil(lambda: v.worker is None and not v.loading, timeout=15000)
    assert v.compute_btn.isEnabled() and v.compute_btn.text() == "Recompute map"
    assert "40 photos" in v.status.text()

    # Photos indexed later are placed when the page is shown again, without a full recompute.
    before = dict(zip(v.canvas.ids.tolist(), map(tuple, v.canvas.xy.tolist()), strict=True))
    _add_photos(lib, 10, start=40)
    v.hide()
    v.show()
    qtbot.waitUntil(lambda: len(v.canvas.ids) == 50 and v.worker is None and not v.loading, timeout=15000)
    after = dict(zip(v.canvas.ids.tolist(), map(tuple, v.canvas.xy.tolist()), strict=True))
    assert all(after[pid] == xy for pid, xy in before.items())  # the map did not move
    # The same number of new photos again is placed again.
    _add_photos(lib, 10, start=50)
    v.hide()
    v.show()
    qtbot.waitUntil(lambda: len(v.canvas.ids) == 60 and v.worker is None and not v.loading, timeout=15000)
    # Showing the page reads the catalog on a pool thread: one connection, not one per read.
    for _ in range(10):
        v.hide()
        v.show()
        qtbot.waitUntil(lambda: not v.loading, timeout=15000)
    assert len(lib._catalogs) <= 4, len(lib._catalogs)
    assert lib.gui_thread_calls == [], lib.gui_thread_calls
    lib.close()


def test_arrange_by_look_lays_out_the_dinov2_space(qtbot, tiny_settings):
    from photoindex.core.layout2d import load_layout

    lib = _library_with_vectors(tiny_settings, 30, spaces=("clip", "dino"))
    v = MapView(lib)
    qtbot.addWidget(v)
    v.show()
    qtbot.waitUntil(lambda: len(v.canvas.ids) == 30 and v.worker is None and not v.loading, timeout=15000)
    clip_xy = v.canvas.xy.copy()
    v.space_box.setCurrentIndex(v.space_box.findData("dino"))
    qtbot.waitUntil(lambda: v.space == "dino" and len(load_layout(lib.real_catalog(), "dino")[0]) == 30, timeout=15000)
    qtbot.waitUntil(lambda: v.worker is None and not v.loading and len(v.canvas.ids) == 30, timeout=15000)
    assert not np.allclose(v.canvas.xy, clip_xy)  # another space, another map
    np.testing.assert_allclose(v.canvas.xy, load_layout(lib.real_catalog(), "dino")[1])
    assert lib.gui_thread_calls == [], lib.gui_thread_calls
    lib.close()


def test_cancel_keeps_the_map_and_does_not_restart(qtbot, tiny_settings, monkeypatch):
    import threading

    from photoindex.core import layout2d

    lib = _library_with_vectors(tiny_settings, 40)
    v = MapView(lib)
    qtbot.addWidget(v)
    v.show()
    qtbot.waitUntil(lambda: len(v.canvas.ids) == 40 and v.worker is None and not v.loading, timeout=15000)
    before = v.canvas.xy.copy()

    started, release = threading.Event(), threading.Event()
    real = layout2d.place_new

    def held(*args, **kw):  # the real placement, held until the test has pressed Cancel
        started.set()
        release.wait(10)
        return real(*args, **kw)

    monkeypatch.setattr(layout2d, "place_new", held)
    _add_photos(lib, 5, start=40)
    v.hide()
    v.show()
    qtbot.waitUntil(lambda: v.worker is not None and started.is_set(), timeout=15000)
    assert v.cancel_btn.isVisible() and not v.compute_btn.isEnabled()
    qtbot.mouseClick(v.cancel_btn, Qt.MouseButton.LeftButton)
    release.set()
    qtbot.waitUntil(lambda: v.worker is None and not v.loading, timeout=15000)
    assert not v.cancel_btn.isVisible() and v.compute_btn.isEnabled()
    assert "cancelled" in v.status.text() and "5 not placed yet" in v.status.text()
    np.testing.assert_array_equal(v.canvas.xy, before)  # the map shown stays as it was
    assert len(layout2d.load_layout(lib.real_catalog(), "clip")[0]) == 40  # nothing stored

    v.hide()
    v.show()  # showing the page again does not undo the user's Cancel
    qtbot.waitUntil(lambda: not v.loading, timeout=15000)
    qtbot.wait(200)
    assert v.worker is None and len(v.canvas.ids) == 40

    _add_photos(lib, 3, start=45)  # more photos: placing resumes, for all of them
    v.hide()
    v.show()
    qtbot.waitUntil(lambda: len(v.canvas.ids) == 48 and v.worker is None and not v.loading, timeout=15000)
    lib.close()


def test_none_stays_alive_through_many_frames(view, qtbot, tmp_path):
    """PySide6 6.12.0 on Python 3.11 drops a reference to None per void call and to True per emit;
    hundreds of frames of thumbnails aborted the process (none_dealloc, bool_dealloc).
    pyproject.toml requires PySide6-Essentials < 6.12: this guards the pin."""
    import sys

    from PIL import Image

    c = view.canvas
    p = tmp_path / "t.jpg"
    Image.new("RGB", (64, 48), (10, 200, 10)).save(p)
    for k in range(300):
        view.paths[1000 + k] = str(p)
    c.zoom(40.0, QPointF(*c.to_screen(np.array([[15.0, 12.0]]))[0]))
    c.grab()
    qtbot.waitUntil(lambda: c.pool.activeThreadCount() == 0, timeout=5000)
    before = {repr(obj): sys.getrefcount(obj) for obj in (None, True, False)}
    for k in range(200):
        c.pan(1 if k % 2 else -1, 0)
        c.grab()
    assert c.last_paint_info["thumbs"] > 0
    after = {repr(obj): sys.getrefcount(obj) for obj in (None, True, False)}
    # A leak would be one reference per thumbnail drawn: tens of thousands here.
    assert all(after[k] > before[k] - 2000 for k in before), (before, after)


@pytest.mark.parametrize("off_gui_thread", [False, True])
def test_best_search_match_is_painted_on_top(qtbot, monkeypatch, off_gui_thread):
    from photoindex.gui import map_view
    from photoindex.gui.map_view import MapView

    if off_gui_thread:  # what a large library does: the grid is re-sorted on a worker thread
        monkeypatch.setattr(map_view, "ASYNC_FROM", 0)
    v = MapView(None, auto_compute=False)
    qtbot.addWidget(v)
    v.resize(400, 300)
    v.show()
    xy = np.array([[0.0, 0.0], [0.0, 0.0], [10.0, 10.0]])
    for best in (1, 2):  # whichever index it has, the better score wins the pixel
        v.set_layout(np.array([1, 2, 3]), xy, paths={1: "/a/1.jpg", 2: "/a/2.jpg", 3: "/a/3.jpg"})
        v.set_scores({best: 0.9, 3 - best: 0.1, 3: 0.5})
        c = v.canvas
        qtbot.waitUntil(lambda c=c: c.priority is not None, timeout=5000)
        x, y = c.to_screen(xy[:1])[0]
        c.grab()  # zoomed in enough for thumbnails: none can load, so they stay points
        qtbot.waitUntil(lambda c=c: bool(c._requested) and c._requested <= c._failed, timeout=5000)
        pixel = c.grab().toImage().pixel(int(x), int(y))
        assert pixel == int(c.colors[best - 1]) and pixel != int(c.colors[2 - best])


def test_zoomed_in_on_empty_space(view, qtbot):
    """Thumbnail level with nothing in view used to raise inside paintEvent, leaving the painter
    active, and Qt crashed at the next paint."""
    c = view.canvas
    c.zoom(40.0, QPointF(*c.to_screen(np.array([[0.0, 30.0]]))[0]))  # far from every cluster
    assert c._thumbs_mode()
    for _ in range(3):
        c.grab()
        assert c.last_paint_info == {"visible": 0, "thumbs": 0}
    qtbot.mouseMove(c, QPoint(100, 100))
    assert c.hover_pid is None


def test_legend_names_the_year_folder_and_person_colours(view, qtbot):
    from photoindex.gui.map_view import COLOR_MODES

    c = view.canvas

    def rows():
        return [(text, colour.rgba()) for text, colour in view.legend_rows()]

    view.color_box.setCurrentIndex(COLOR_MODES.index("Folder"))
    folder_rows = rows()
    assert [t for t, _ in folder_rows] == ["f0 (100 photos)", "f1 (100 photos)", "f2 (100 photos)"]
    assert [rgba for _, rgba in folder_rows] == [int(c.colors[0]), int(c.colors[100]), int(c.colors[200])]
    view.color_box.setCurrentIndex(COLOR_MODES.index("Year"))
    year_rows = rows()
    assert [t for t, _ in year_rows] == ["2000 (100 photos)", "2001 (100 photos)", "2002 (100 photos)"]
    assert [rgba for _, rgba in year_rows] == [int(c.colors[0]), int(c.colors[100]), int(c.colors[200])]
    view.color_box.setCurrentIndex(COLOR_MODES.index("Person"))
    person_rows = rows()
    assert person_rows[0] == ("Unnamed (50 photos)", int(c.colors[0]))
    assert person_rows[1] == ("No one recognised (250 photos)", int(c.colors[60]))
    # The legend is painted in the lower left corner, over the map.
    view.grab()
    assert c.legend_painted == 2
    box = c.legend_rect
    assert box.left() < 40 and box.bottom() > c.height() - 40 and box.height() >= 2 * c.fontMetrics().height()
    view.set_scores({1000: 1.0})
    assert "Best match" in [t for t, _ in rows()]


def test_a_named_person_in_the_legend(qtbot):
    view = MapView(None, auto_compute=False)
    qtbot.addWidget(view)
    ids = np.arange(20)
    xy = np.random.default_rng(1).normal(size=(20, 2))
    meta = {int(i): {"path": f"/p/가족/{i}.jpg", "year": None, "person": 3 if i < 12 else 4,
                     "person_name": "민아" if i < 12 else None} for i in ids}
    view.set_layout(ids, xy, meta)
    from photoindex.gui.map_view import COLOR_MODES

    view.color_box.setCurrentIndex(COLOR_MODES.index("Person"))
    assert [t for t, _ in view.legend_rows()] == ["민아 (12 photos)", "Unnamed (8 photos)"]
    view.color_box.setCurrentIndex(COLOR_MODES.index("Year"))
    assert [t for t, _ in view.legend_rows()] == ["Date unknown (20 photos)"]


def test_fit_button_after_panning_zooming_and_resizing(view, qtbot):
    c = view.canvas
    assert c.fitted
    fitted = (c.scale, c.offset.x(), c.offset.y())
    c.pan(150, -90)
    c.zoom(3.0, QPointF(100, 100))
    assert not c.fitted and (c.scale, c.offset.x(), c.offset.y()) != fitted
    view.fit_btn.click()
    assert c.fitted and (c.scale, c.offset.x(), c.offset.y()) == pytest.approx(fitted)
    # Fitted, a resize keeps the whole map in view.
    view.resize(500, 420)
    qtbot.waitUntil(lambda: c.width() < 600)
    assert len(c.visible()) == len(c.ids)
    s = c.to_screen(c.xy)
    assert s[:, 0].min() >= 0 and s[:, 0].max() <= c.width() and s[:, 1].max() <= c.height()
    # Panned away, a resize leaves the view alone; Fit brings the whole map back.
    c.pan(400, 0)
    view.resize(700, 560)
    qtbot.waitUntil(lambda: c.width() > 600)
    assert len(c.visible()) < len(c.ids)
    view.fit_btn.click()
    assert len(c.visible()) == len(c.ids)


def test_cleared_search_leaves_no_stale_colouring(view, qtbot):
    from photoindex.gui.map_view import COLOR_MODES

    view.color_box.setCurrentIndex(COLOR_MODES.index("Year"))
    year_colours = view.canvas.colors.copy()
    view.set_scores({1000 + k: k / 100 for k in range(100)})
    assert COLOR_MODES[view.color_box.currentIndex()] == "Search score"
    view.set_scores({})  # the search was cleared
    assert COLOR_MODES[view.color_box.currentIndex()] == "Year", "back to the colours chosen before"
    assert np.array_equal(view.canvas.colors, year_colours)


def test_neighbours_on_the_map_nearest_first(view):
    c = view.canvas
    pid = 1005
    near = view.neighbours(pid, 10)
    assert near[0] == pid and len(near) == 11 and len(set(near)) == 11
    i = {int(p): k for k, p in enumerate(c.ids)}
    d = [float(((c.xy[i[p]] - c.xy[i[pid]]) ** 2).sum()) for p in near]
    assert d == sorted(d)
    assert all(1000 <= p < 1100 for p in near), "its own cluster"
    others = [p for p in c.ids.tolist() if p not in near]
    assert min(((c.xy[i[p]] - c.xy[i[pid]]) ** 2).sum() for p in others) >= d[-1]
    assert view.neighbours(99999) == [99999]


def test_a_click_on_the_map_previews_its_neighbours(qtbot, window):
    from photoindex.gui.main_window import PAGE_MAP

    map_view = window.page(PAGE_MAP)  # made, not shown: it keeps the layout given here
    rng = np.random.default_rng(3)
    ids = np.arange(500, 560)
    xy = rng.normal(size=(60, 2))
    map_view.set_layout(ids, xy, {int(p): {"path": f"/nowhere/{p}.jpg"} for p in ids})
    map_view.canvas.photoActivated.emit(510)
    preview = window.preview
    assert preview.photo_ids == map_view.neighbours(510) and len(preview.photo_ids) == 60
    assert preview.current_id == 510 and preview.position.text() == "1 of 60 nearby on the map"
    preview.next_button.click()
    assert preview.current_id == map_view.neighbours(510)[1] and preview.position.text() == "2 of 60 nearby on the map"
    preview.prev_button.click()
    qtbot.waitUntil(lambda: "no longer in the library" in preview.canvas.message, timeout=20000)
    preview.pool.waitForDone(10000)
    preview.close()
