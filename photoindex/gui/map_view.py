"""The Map view: every photo on a 2-D t-SNE plane, zoomable from coloured points down to thumbnails.

One custom paintEvent, no scene graph: points are splatted into a QImage with numpy (a few ms at
100,000 points), only what falls inside the visible rectangle is considered, and when zoomed in
one thumbnail per screen cell is drawn (loaded lazily on a QThreadPool, cached as QPixmaps).
"""

from __future__ import annotations

import colorsys
import hashlib
import os
import threading
from collections import OrderedDict
from datetime import datetime
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QPoint, QPointF, QRect, QRunnable, Qt, QThread, QThreadPool, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

BACKGROUND = QColor(24, 26, 31)
THUMB_FROM_PX = 40.0  # thumbnails appear once a cell of this many pixels holds few enough photos
MAX_THUMBS = 600
CACHE_SIZE = 3000


def _folder_rgb(folder: str) -> int:
    h = int.from_bytes(hashlib.blake2b(folder.encode("utf-8", "surrogatepass"), digest_size=4).digest(), "big")
    r, g, b = colorsys.hsv_to_rgb((h % 3600) / 3600.0, 0.65, 0.95)
    return 0xFF000000 | (int(r * 255) << 16) | (int(g * 255) << 8) | int(b * 255)


def _ramp(values: np.ndarray) -> np.ndarray:
    """0..1 -> ARGB32 on a dark-blue .. yellow ramp."""
    v = np.clip(values, 0, 1)
    r = (40 + 215 * v).astype(np.uint32)
    g = (50 + 180 * v**0.8).astype(np.uint32)
    b = (140 * (1 - v) + 40).astype(np.uint32)
    return np.uint32(0xFF000000) | (r << 16) | (g << 8) | b


class _ThumbSignals(QObject):
    loaded = Signal(int, QImage)


class _ThumbJob(QRunnable):
    def __init__(self, photo_id: int, paths: list[str], signals: _ThumbSignals, box: int = 256) -> None:
        super().__init__()
        self.photo_id, self.paths, self.signals, self.box = photo_id, paths, signals, box

    def run(self) -> None:
        img = QImage()
        for p in self.paths:
            if p and os.path.exists(p) and img.load(p):
                break
        if not img.isNull() and max(img.width(), img.height()) > self.box:
            img = img.scaled(self.box, self.box, Qt.AspectRatioMode.KeepAspectRatio,
                             Qt.TransformationMode.SmoothTransformation)
        try:
            self.signals.loaded.emit(self.photo_id, img)
        except RuntimeError:  # the view is gone
            pass


class _LayoutWorker(QThread):
    progressed = Signal(int, int)
    done = Signal(str)

    def __init__(self, library: Any, space: str, full: bool) -> None:
        super().__init__()
        self.library, self.space, self.full = library, space, full
        self.cancel = threading.Event()

    def run(self) -> None:
        from photoindex.core.layout2d import layout_job

        phase = "done"
        try:
            for p in layout_job(self.library.catalog(), self.space, full=self.full, cancel=self.cancel):
                phase = p.phase
                self.progressed.emit(p.done, p.total)
        except Exception as exc:  # reported in the view, never crashes the app
            phase = f"error: {exc}"
        self.done.emit(phase)


class MapCanvas(QWidget):
    """The drawing surface. World coordinates (t-SNE units) map to pixels by scale and offset."""

    photoActivated = Signal(int)
    contextMenuRequested = Signal(int, QPoint)
    selectionChanged = Signal(list)

    def __init__(self, view: MapView) -> None:
        super().__init__(view)
        self.view = view
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(200, 150)
        self.ids = np.zeros(0, dtype=np.int64)
        self.xy = np.zeros((0, 2), dtype=np.float64)
        self.colors = np.zeros(0, dtype=np.uint32)
        self.selected: set[int] = set()
        self.scale = 1.0
        self.offset = QPointF(0, 0)
        self._press: QPoint | None = None
        self._last: QPoint | None = None
        self._band: QRect | None = None
        self._pixmaps: OrderedDict[int, QPixmap] = OrderedDict()
        self._requested: set[int] = set()
        self._failed: set[int] = set()
        self._signals = _ThumbSignals()
        self._signals.loaded.connect(self._thumb_loaded)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(2)
        self.last_paint_info: dict[str, int] = {}

    # -- geometry --------------------------------------------------------------------------------

    def fit(self) -> None:
        if len(self.xy) == 0:
            self.scale, self.offset = 1.0, QPointF(self.width() / 2, self.height() / 2)
            return
        lo, hi = self.xy.min(axis=0), self.xy.max(axis=0)
        span = np.maximum(hi - lo, 1e-6)
        margin = 24
        self.scale = float(min((self.width() - 2 * margin) / span[0], (self.height() - 2 * margin) / span[1]))
        self.scale = max(self.scale, 1e-6)
        c = (lo + hi) / 2
        self.offset = QPointF(self.width() / 2 - c[0] * self.scale, self.height() / 2 - c[1] * self.scale)
        self.update()

    def to_screen(self, xy: np.ndarray) -> np.ndarray:
        return xy * self.scale + np.array([self.offset.x(), self.offset.y()])

    def zoom(self, factor: float, around: QPointF | None = None) -> None:
        around = around if around is not None else QPointF(self.width() / 2, self.height() / 2)
        new = float(np.clip(self.scale * factor, 1e-4, 1e6))
        f = new / self.scale
        self.offset = QPointF(around.x() - (around.x() - self.offset.x()) * f,
                              around.y() - (around.y() - self.offset.y()) * f)
        self.scale = new
        self.update()

    def pan(self, dx: float, dy: float) -> None:
        self.offset += QPointF(dx, dy)
        self.update()

    def visible(self, pad: float = 0.0) -> np.ndarray:
        """Indices of the points inside the widget (plus a margin in pixels)."""
        if len(self.xy) == 0:
            return np.zeros(0, dtype=np.int64)
        s = self.to_screen(self.xy)
        m = ((s[:, 0] >= -pad) & (s[:, 0] < self.width() + pad) & (s[:, 1] >= -pad) & (s[:, 1] < self.height() + pad))
        return np.flatnonzero(m)

    def index_at(self, pos: QPointF | QPoint, radius: float = 8.0) -> int | None:
        if len(self.xy) == 0:
            return None
        s = self.to_screen(self.xy)
        d2 = (s[:, 0] - pos.x()) ** 2 + (s[:, 1] - pos.y()) ** 2
        # Over a thumbnail, anything inside the thumbnail counts.
        cell = self._cell_px()
        r = max(radius, cell / 2 if cell >= THUMB_FROM_PX else radius)
        i = int(np.argmin(d2))
        return i if d2[i] <= r * r else None

    def photo_at(self, pos: QPointF | QPoint) -> int | None:
        i = self.index_at(pos)
        return None if i is None else int(self.ids[i])

    def _cell_px(self) -> float:
        """The thumbnail cell size in pixels at this zoom: thumbnails once photos are sparse enough."""
        return float(min(160.0, max(THUMB_FROM_PX, self.scale * self.view.world_cell)))

    # -- painting --------------------------------------------------------------------------------

    def paintEvent(self, event: Any) -> None:
        w, h = self.width(), self.height()
        painter = QPainter(self)
        painter.fillRect(self.rect(), BACKGROUND)
        info = {"visible": 0, "thumbs": 0}
        if len(self.xy):
            s_all = self.to_screen(self.xy)
            pad = 80
            vis = np.flatnonzero((s_all[:, 0] >= -pad) & (s_all[:, 0] < w + pad)
                                 & (s_all[:, 1] >= -pad) & (s_all[:, 1] < h + pad))
            info["visible"] = len(vis)
            s = s_all[vis]
            thumbs_mode = self.scale * self.view.world_cell >= THUMB_FROM_PX
            self._splat(painter, vis, s, w, h, radius=1 if len(vis) > 20000 else 2)
            if thumbs_mode:
                info["thumbs"] = self._draw_thumbs(painter, vis, s)
            if self.selected:
                sel = np.isin(self.ids[vis], np.fromiter(self.selected, dtype=np.int64))
                painter.setPen(QPen(QColor(255, 255, 255), 1.5))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                for x, y in s[sel][:5000]:
                    painter.drawEllipse(QPointF(x, y), 4, 4)
        if self._band is not None:
            painter.setPen(QPen(QColor(120, 180, 255), 1, Qt.PenStyle.DashLine))
            painter.setBrush(QColor(120, 180, 255, 40))
            painter.drawRect(self._band)
        if not len(self.xy):
            painter.setPen(QColor(170, 170, 170))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.view.empty_text)
        painter.end()
        self.last_paint_info = info

    def _splat(self, painter: QPainter, vis: np.ndarray, s: np.ndarray, w: int, h: int, radius: int) -> None:
        buf = np.empty(h * w, dtype=np.uint32)
        buf.fill(np.uint32(BACKGROUND.rgba()))
        px = s[:, 0].astype(np.int32)
        py = s[:, 1].astype(np.int32)
        cols = self.colors[vis]
        # A plus shape at radius 1 (5 pixels), a filled disc above.
        offsets = [(dx, dy) for dy in range(-radius, radius + 1) for dx in range(-radius, radius + 1)
                   if dx * dx + dy * dy <= (radius * radius if radius == 1 else radius * radius + radius)]
        for dx, dy in offsets:
            x, y = px + dx, py + dy
            ok = (x >= 0) & (x < w) & (y >= 0) & (y < h)
            buf[(y[ok] * w + x[ok])] = cols[ok]
        img = QImage(buf.data, w, h, w * 4, QImage.Format.Format_ARGB32)
        painter.drawImage(0, 0, img)

    def _draw_thumbs(self, painter: QPainter, vis: np.ndarray, s: np.ndarray) -> int:
        cell = self._cell_px()
        gx = np.floor(s[:, 0] / cell).astype(np.int64)
        gy = np.floor(s[:, 1] / cell).astype(np.int64)
        cx, cy = (gx + 0.5) * cell, (gy + 0.5) * cell
        d = (s[:, 0] - cx) ** 2 + (s[:, 1] - cy) ** 2
        order = np.lexsort((d, gy, gx))
        key = gx[order] * 1_000_003 + gy[order]
        first = order[np.concatenate(([True], key[1:] != key[:-1]))][:MAX_THUMBS]
        box = cell - 4
        n = 0
        for j in first:
            i = int(vis[j])
            pid = int(self.ids[i])
            if pid in self._failed:
                continue
            pm = self._pixmaps.get(pid)
            x0, y0 = cx[j] - box / 2, cy[j] - box / 2
            color = QColor.fromRgba(int(self.colors[i]))
            if pm is None:
                self._request(pid)
                painter.fillRect(QRect(int(x0 + box / 4), int(y0 + box / 4), int(box / 2), int(box / 2)),
                                 color.darker(250))
                continue
            self._pixmaps.move_to_end(pid)
            sw, sh = pm.width(), pm.height()
            f = box / max(sw, sh, 1)
            tw, th = sw * f, sh * f
            target = QRect(int(cx[j] - tw / 2), int(cy[j] - th / 2), int(tw), int(th))
            painter.fillRect(target.adjusted(-2, -2, 2, 2), color)
            painter.drawPixmap(target, pm)
            n += 1
        return n

    def _request(self, pid: int) -> None:
        if pid in self._requested:
            return
        self._requested.add(pid)
        self.pool.start(_ThumbJob(pid, self.view.thumb_paths(pid), self._signals))

    def _thumb_loaded(self, pid: int, img: QImage) -> None:
        if img.isNull():
            self._failed.add(pid)  # no thumbnail and no readable file: it stays a point
            self.update()
            return
        self._pixmaps[pid] = QPixmap.fromImage(img)
        while len(self._pixmaps) > CACHE_SIZE:
            old, _ = self._pixmaps.popitem(last=False)
            self._requested.discard(old)
        self.update()

    def pixmap(self, pid: int) -> QPixmap | None:
        return self._pixmaps.get(pid)

    # -- input -----------------------------------------------------------------------------------

    def wheelEvent(self, event: Any) -> None:
        steps = event.angleDelta().y() / 120.0
        if steps:
            self.zoom(1.25**steps, event.position())
        event.accept()

    def event(self, event: Any) -> bool:
        from PySide6.QtCore import QEvent

        if event.type() == QEvent.Type.NativeGesture:  # trackpad pinch
            try:
                if event.gestureType() == Qt.NativeGestureType.ZoomNativeGesture:
                    self.zoom(1.0 + event.value(), event.position())
                    return True
            except AttributeError:
                pass
        return super().event(event)

    def keyPressEvent(self, event: Any) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom(1.25)
        elif key == Qt.Key.Key_Minus:
            self.zoom(0.8)
        elif key == Qt.Key.Key_0:
            self.fit()
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down):
            step = 60
            self.pan(*{Qt.Key.Key_Left: (step, 0), Qt.Key.Key_Right: (-step, 0),
                       Qt.Key.Key_Up: (0, step), Qt.Key.Key_Down: (0, -step)}[key])
        else:
            super().keyPressEvent(event)

    def mousePressEvent(self, event: Any) -> None:
        pos = event.position().toPoint()
        if event.button() == Qt.MouseButton.RightButton:
            pid = self.photo_at(pos)
            if pid is not None:
                self.contextMenuRequested.emit(pid, self.mapToGlobal(pos))
            return
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = self._last = pos
            if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                self._band = QRect(pos, pos)

    def mouseMoveEvent(self, event: Any) -> None:
        pos = event.position().toPoint()
        if self._press is not None and event.buttons() & Qt.MouseButton.LeftButton:
            if self._band is not None:
                self._band = QRect(self._press, pos).normalized()
                self.update()
            elif self._last is not None:
                self.pan(pos.x() - self._last.x(), pos.y() - self._last.y())
            self._last = pos
            return
        self._hover(pos)

    def mouseReleaseEvent(self, event: Any) -> None:
        pos = event.position().toPoint()
        if event.button() != Qt.MouseButton.LeftButton or self._press is None:
            return
        press, self._press, self._last = self._press, None, None
        if self._band is not None:
            band, self._band = QRect(press, pos).normalized(), None
            s = self.to_screen(self.xy)
            inside = ((s[:, 0] >= band.left()) & (s[:, 0] <= band.right())
                      & (s[:, 1] >= band.top()) & (s[:, 1] <= band.bottom()))
            ids = [int(i) for i in self.ids[inside]]
            self.selected = set(ids)
            self.update()
            self.selectionChanged.emit(ids)
            return
        if (pos - press).manhattanLength() <= 4:
            pid = self.photo_at(pos)
            if pid is not None:
                self.photoActivated.emit(pid)

    def _hover(self, pos: QPoint) -> None:
        pid = self.photo_at(pos)
        if pid is None:
            QToolTip.hideText()
            return
        paths = self.view.thumb_paths(pid)
        img = next((p for p in paths if p and os.path.exists(p)), None)
        name = os.path.basename(self.view.paths.get(pid, "")) or f"photo {pid}"
        html = (f'<img src="{img}" width="256"><br>' if img else "") + name
        QToolTip.showText(self.mapToGlobal(pos), html, self)


class MapView(QWidget):
    """The Map page: a toolbar (compute, colour-by, progress) over the canvas."""

    photoActivated = Signal(int)
    contextMenuRequested = Signal(int, QPoint)
    selectionChanged = Signal(list)

    def __init__(self, library: Any = None, space: str = "clip", auto_compute: bool = True) -> None:
        super().__init__()
        self.library = library
        self.space = space
        self.auto_compute = auto_compute
        self.paths: dict[int, str] = {}
        self.years: dict[int, int] = {}
        self.scores: dict[int, float] = {}
        self.world_cell = 1.0
        self.empty_text = "No map yet: index some photos, then compute the map."
        self.worker: _LayoutWorker | None = None

        self.compute_btn = QPushButton("Compute map")
        self.compute_btn.setToolTip("Lay out the whole library again (new photos are placed automatically)")
        self.compute_btn.clicked.connect(lambda: self.compute(full=True))
        self.color_box = QComboBox()
        self.color_box.addItems(["Folder", "Year", "Search score"])
        self.color_box.currentIndexChanged.connect(lambda _i: self._recolor())
        self.status = QLabel("")
        self.progress = QProgressBar(maximumWidth=200)
        self.progress.hide()
        bar = QHBoxLayout()
        bar.addWidget(self.compute_btn)
        bar.addWidget(QLabel("Colour by"))
        bar.addWidget(self.color_box)
        bar.addWidget(self.progress)
        bar.addWidget(self.status, 1)
        self.canvas = MapCanvas(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.canvas, 1)
        self.canvas.photoActivated.connect(self.photoActivated)
        self.canvas.contextMenuRequested.connect(self.contextMenuRequested)
        self.canvas.selectionChanged.connect(self.selectionChanged)
        self._loaded = False
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.stop)

    # -- data ------------------------------------------------------------------------------------

    def thumb_paths(self, pid: int) -> list[str]:
        out = []
        if self.library is not None:
            from photoindex.core.thumbs import thumb_path

            out.append(os.fspath(thumb_path(self.library.settings.thumbs_dir, pid)))
        if pid in self.paths:
            out.append(self.paths[pid])
        return out

    def set_layout(self, ids: Any, xy: Any, paths: dict[int, str] | None = None) -> None:
        ids = np.asarray(ids, dtype=np.int64)
        xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
        if paths is not None:
            self.paths = dict(paths)
        elif self.library is not None and len(ids):
            photos = self.library.catalog().photos(ids.tolist())
            self.paths = {pid: p.path for pid, p in photos.items()}
            self.years = {}
            for pid, p in photos.items():
                t = p.taken_at
                if t:
                    try:
                        self.years[pid] = datetime.fromtimestamp(t).year
                    except (OverflowError, OSError, ValueError):
                        pass
        c = self.canvas
        first = len(c.xy) == 0
        c.ids, c.xy = ids, xy
        if len(xy) > 1:
            lo, hi = xy.min(axis=0), xy.max(axis=0)
            area = float(np.prod(np.maximum(hi - lo, 1e-6)))
            # A cell that would hold ~one photo if they were spread evenly, halved for clusters.
            self.world_cell = float(np.sqrt(area / len(xy))) / 2
        else:
            self.world_cell = 1.0
        self._recolor()
        if first:
            c.fit()
        c.update()
        self.status.setText(f"{len(ids):,} photos")

    def set_scores(self, scores: dict[int, float]) -> None:
        """Colour points by a search's score (others dimmed) so a search lights up its region."""
        self.scores = dict(scores)
        if scores and self.color_box.currentIndex() != 2:
            self.color_box.setCurrentIndex(2)  # triggers _recolor
        else:
            self._recolor()

    def _recolor(self) -> None:
        c = self.canvas
        n = len(c.ids)
        mode = self.color_box.currentIndex()
        if mode == 2:
            cols = np.full(n, 0xFF3A3D45, dtype=np.uint32)
            if self.scores and n:
                vals = np.array([self.scores.get(int(i), np.nan) for i in c.ids], dtype=np.float64)
                has = ~np.isnan(vals)
                if has.any():
                    lo, hi = np.nanmin(vals), np.nanmax(vals)
                    cols[has] = _ramp((vals[has] - lo) / (hi - lo if hi > lo else 1.0))
        elif mode == 1:
            years = np.array([self.years.get(int(i), 0) for i in c.ids], dtype=np.float64)
            cols = np.full(n, 0xFF808080, dtype=np.uint32)
            known = years > 0
            if known.any():
                lo, hi = years[known].min(), years[known].max()
                cols[known] = _ramp((years[known] - lo) / (hi - lo if hi > lo else 1.0))
        else:
            cache: dict[str, int] = {}
            cols = np.empty(n, dtype=np.uint32)
            for k, pid in enumerate(c.ids):
                folder = os.path.dirname(self.paths.get(int(pid), ""))
                rgb = cache.get(folder)
                if rgb is None:
                    rgb = cache[folder] = _folder_rgb(folder)
                cols[k] = rgb
        c.colors = cols
        c.update()

    def reload(self) -> None:
        if self.library is None:
            return
        from photoindex.core.layout2d import layout_status, load_layout

        cat = self.library.catalog()
        ids, xy = load_layout(cat, self.space)
        self.set_layout(ids, xy)
        st = layout_status(cat, self.space)
        note = f"{st['placed']:,} photos"
        if st["recompute_suggested"] and st["full_count"]:
            note += f" · {st['changed_since_full']:.0%} changed since the last layout: Compute map to refresh"
        self.status.setText(note)
        self._loaded = True
        if self.auto_compute and st["missing"] and self.worker is None:
            self.compute(full=False)

    # -- background layout -----------------------------------------------------------------------

    def compute(self, full: bool = False) -> None:
        if self.library is None or self.worker is not None:
            return
        self.worker = _LayoutWorker(self.library, self.space, full)
        self.worker.progressed.connect(self._on_progress)
        self.worker.done.connect(self._on_done)
        self.compute_btn.setEnabled(False)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.status.setText("Computing the map…")
        self.worker.start()

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _on_done(self, phase: str) -> None:
        worker, self.worker = self.worker, None
        if worker is not None:
            worker.wait()
            worker.deleteLater()
        self.progress.hide()
        self.compute_btn.setEnabled(True)
        auto, self.auto_compute = self.auto_compute, False  # no loop on a failing job
        self.reload()
        self.auto_compute = auto
        if phase.startswith("error"):
            self.status.setText(f"Map failed: {phase[7:]}")

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.cancel.set()
            self.worker.wait(10_000)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if not self._loaded:
            self.reload()

    def closeEvent(self, event: Any) -> None:
        self.stop()
        super().closeEvent(event)
