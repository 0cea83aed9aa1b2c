"""The Map view: zoom, pan, click, right-click, rubber band and search colouring on a generated map."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt

from photoindex.gui.map_view import MapView


@pytest.fixture
def view(qtbot):
    v = MapView(None, auto_compute=False)
    qtbot.addWidget(v)
    v.resize(800, 600)
    v.show()
    qtbot.waitExposed(v)
    rng = np.random.default_rng(0)
    centers = np.array([[-20.0, -10.0], [15.0, 12.0], [25.0, -18.0]])
    xy = np.concatenate([c + rng.normal(size=(100, 2)) for c in centers])
    ids = np.arange(1000, 1000 + len(xy))
    v.set_layout(ids, xy, paths={int(i): f"/p/f{k // 100}/img{k}.jpg" for k, i in enumerate(ids)})
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


def test_rubber_band_selects_a_cluster(view, qtbot):
    c = view.canvas
    s = c.to_screen(c.xy)
    cl = s[100:200]
    a = QPoint(int(cl[:, 0].min()) - 3, int(cl[:, 1].min()) - 3)
    b = QPoint(int(cl[:, 0].max()) + 3, int(cl[:, 1].max()) + 3)
    with qtbot.waitSignal(view.selectionChanged, timeout=1000) as got:
        qtbot.mousePress(c, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier, a)
        qtbot.mouseMove(c, (a + b) / 2)
        qtbot.mouseMove(c, b)
        qtbot.mouseRelease(c, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier, b)
    assert sorted(got.args[0]) == list(range(1100, 1200))


def test_scores_and_hover(view, qtbot):
    c = view.canvas
    view.set_scores({1000 + k: k / 100 for k in range(100)})
    assert view.color_box.currentIndex() == 2
    assert len(set(c.colors[:100].tolist())) > 10 and len(set(c.colors[100:].tolist())) == 1
    qtbot.mouseMove(c, _screen(view, 1005))  # hover shows a tooltip without error
    c.grab()


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


def test_with_a_library_computes_in_background(qtbot, tiny_settings):
    from photoindex.core.library import Library

    lib = Library(tiny_settings)
    cat = lib.catalog()
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 16)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    cat.set_model("clip", "m", 16)
    with cat.transaction():
        ids = [cat.insert_photo(f"/p/a/{i}.jpg", 1, 1, None) for i in range(40)]
        cat.write_embeddings("clip", "m", 1, list(zip(ids, x, strict=True)))
    v = MapView(lib)
    qtbot.addWidget(v)
    v.show()
    qtbot.waitUntil(lambda: v.worker is None, timeout=15000)
    assert len(v.canvas.ids) == 40, v.status.text()
    assert v.compute_btn.isEnabled()
    lib.close()
