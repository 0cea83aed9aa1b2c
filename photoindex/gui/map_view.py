"""The Map view: every photo on a 2-D t-SNE plane, zoomable from coloured points down to thumbnails.

One custom paintEvent, no scene graph: points are splatted into a QImage with numpy (a few ms at
100,000 points). Points are bucketed once into a world-space grid sorted by cell, so culling takes
one contiguous slice per visible grid row and hit-testing looks only at the cells under the cursor.
When zoomed in one thumbnail per screen cell is drawn (loaded lazily on a QThreadPool, cached as
QPixmaps); hovering shows a larger one. Shift-drag draws a lasso.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict
from typing import Any

import numpy as np
from PySide6.QtCore import (
    QDate,
    QLocale,
    QObject,
    QPoint,
    QPointF,
    QRect,
    QRunnable,
    Qt,
    QThread,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPainterPath, QPen, QPixmap, QPolygonF
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from photoindex.core.library import MapPoints, SpatialGrid, inside_polygon, score_colours
from photoindex.gui.tasks import tracked_pool

log = logging.getLogger(__name__)

BACKGROUND = QColor(24, 26, 31)
THUMB_FROM_PX = 40.0  # thumbnails appear once a cell of this many pixels holds few enough photos
MAX_THUMBS = 600
CACHE_SIZE = 3000
HOVER_PX = 256
MAX_CELL_PX = 2000.0  # the deepest zoom: one photo's share of the map fills the screen
COLOR_MODES = ("Folder", "Year", "Person", "Search score")
"""Keys of the colour modes (MapPoints.colours); the combo box shows them translated."""
SPACES = (("Meaning", "clip"), ("Look", "dino"))
NEIGHBOURS = 100
"""A preview opened from the map steps through the clicked photo and this many nearest ones."""
SCORE_MODE = COLOR_MODES.index("Search score")
ASYNC_FROM = 20_000  # above this many points, re-sorting the grid for a search leaves the GUI thread


def _load_map(library: Any, space: str) -> tuple[MapPoints, dict[str, Any]]:
    """Runs on a worker thread: the stored layout, what it is coloured by, and its status."""
    ids, xy = library.map.load(space)
    meta = library.map.meta(ids.tolist()) if len(ids) else {}
    return MapPoints(ids, xy, meta), library.map.status(space)


class _ThumbSignals(QObject):
    loaded = Signal(int, QImage)


class _ThumbJob(QRunnable):
    def __init__(self, photo_id: int, paths: list[str], signals: _ThumbSignals, box: int = 256) -> None:
        super().__init__()
        self.photo_id, self.paths, self.signals, self.box = photo_id, paths, signals, box

    def run(self) -> None:
        img = QImage()
        try:
            for p in self.paths:
                if p and os.path.exists(p) and img.load(p):
                    break
            if not img.isNull() and max(img.width(), img.height()) > self.box:
                img = img.scaled(self.box, self.box, Qt.AspectRatioMode.KeepAspectRatio,
                                 Qt.TransformationMode.SmoothTransformation)
        except Exception:
            log.exception("map thumbnail of photo %s", self.photo_id)
            img = QImage()
        try:
            self.signals.loaded.emit(self.photo_id, img)
        except RuntimeError as exc:  # the view is gone
            log.debug("a map thumbnail finished after its view closed (%s)", exc)


class _LayoutWorker(QThread):
    progressed = Signal(int, int)
    done = Signal(str)

    def __init__(self, library: Any, space: str, full: bool) -> None:
        super().__init__()
        self.library, self.space, self.full = library, space, full
        self.cancel = threading.Event()

    def run(self) -> None:
        phase = "done"
        try:
            for p in self.library.map.update(self.space, full=self.full, cancel=self.cancel):
                phase = p.phase
                self.progressed.emit(p.done, p.total)
        except Exception as exc:  # reported in the view, never crashes the app
            log.exception("map layout failed")
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
        self.xy32 = np.zeros((0, 2), dtype=np.float32)
        self.priority: np.ndarray | None = None
        self.grid = SpatialGrid(self.xy)
        self._layer: tuple[Any, ...] | None = None
        self._press: QPoint | None = None
        self._last: QPoint | None = None
        self._lasso: list[QPointF] | None = None
        self.hover_pid: int | None = None
        self._hover_pos = QPointF()
        self._pixmaps: OrderedDict[int, QPixmap] = OrderedDict()
        self._requested: set[int] = set()
        self._failed: set[int] = set()
        self._signals = _ThumbSignals()
        self._signals.loaded.connect(self._thumb_loaded)
        self.pool = tracked_pool(self, 2)
        self.last_paint_info: dict[str, int] = {}
        self.fitted = True
        """The whole map is in view (fit() was the last move): a resize fits it again."""
        self.legend_rect = QRect()
        self.legend_painted = 0

    # -- geometry --------------------------------------------------------------------------------

    def fit(self) -> None:
        if len(self.xy) == 0:
            self.scale, self.offset = 1.0, QPointF(self.width() / 2, self.height() / 2)
            return
        lo, hi = self.xy.min(axis=0), self.xy.max(axis=0)
        span = np.maximum(hi - lo, 1e-6)
        def fitting(margin: float) -> float:
            room = np.maximum([self.width() - 2 * margin, self.height() - 2 * margin], 1.0)
            return max(float(min(room[0] / span[0], room[1] / span[1])), 1e-6)

        # A small library fits at thumbnail size: then whole thumbnails stay inside. They snap
        # to a screen grid of cells, so the margin is a cell (a small window keeps most room).
        margin = 24.0
        self.scale = fitting(margin)
        for _ in range(3):
            if not self._thumbs_mode():
                break
            wider = min(max(24.0, self._cell_px() + 8), min(self.width(), self.height()) / 4)
            if wider <= margin:
                break
            margin = wider
            self.scale = fitting(margin)
            if not self._thumbs_mode():  # the wider margin zoomed out too far: the smallest cells
                smallest = THUMB_FROM_PX / max(self.view.world_cell, 1e-9)
                if fitting(THUMB_FROM_PX + 8) >= smallest:
                    self.scale = smallest
                break
        c = (lo + hi) / 2
        self.offset = QPointF(self.width() / 2 - c[0] * self.scale, self.height() / 2 - c[1] * self.scale)
        self.fitted = True
        self.update()

    def to_screen(self, xy: np.ndarray) -> np.ndarray:
        return xy * self.scale + np.array([self.offset.x(), self.offset.y()])

    def zoom(self, factor: float, around: QPointF | None = None) -> None:
        around = around if around is not None else QPointF(self.width() / 2, self.height() / 2)
        top = MAX_CELL_PX / max(self.view.world_cell, 1e-9)
        new = float(np.clip(self.scale * factor, 1e-4, max(top, 1e-4)))
        f = new / self.scale
        self.offset = QPointF(around.x() - (around.x() - self.offset.x()) * f,
                              around.y() - (around.y() - self.offset.y()) * f)
        self.scale = new
        self.fitted = False
        self.update()

    def pan(self, dx: float, dy: float) -> None:
        self.offset += QPointF(dx, dy)
        self.fitted = False
        self.update()

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        if self.fitted:  # the user had the whole map in view: keep it so
            self.fit()

    def set_points(self, points: MapPoints) -> None:
        """Show prepared points (O(1) here: the grid and the float32 copy were made with them)."""
        self.ids, self.xy, self.xy32, self.grid = points.ids, points.xy, points.xy32, points.grid
        self.priority = None
        self._layer = None
        if self.selected:
            sel = np.fromiter(self.selected, dtype=np.int64, count=len(self.selected))
            self.selected = set(sel[points.rows_of(sel)[1]].tolist())
        self.hover_pid = None

    def set_colors(
        self, colors: np.ndarray, priority: np.ndarray | None = None, grid: SpatialGrid | None = None
    ) -> None:
        """Colours per point (ARGB32); points of higher priority are painted over the others (a
        search's best matches stay visible inside a crowd). grid: the points' grid sorted by that
        priority, when the caller has it (sorting 100,000 points takes ~15 ms)."""
        if grid is not None:
            self.grid = grid
        elif priority is not None or self.priority is not None:
            self.grid = SpatialGrid(self.xy, priority)
        self.colors = colors
        self.priority = priority
        self._layer = None  # the cached splat is keyed by view, not by colours or order
        self.update()

    def to_world(self, x: float, y: float) -> tuple[float, float]:
        return (x - self.offset.x()) / self.scale, (y - self.offset.y()) / self.scale

    def _candidates(self, x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
        """Indices of the points that may fall inside the screen rectangle (grid cells touching it)."""
        wx0, wy0 = self.to_world(x0, y0)
        wx1, wy1 = self.to_world(x1, y1)
        got = self.grid.query(wx0, wy0, wx1, wy1)
        return self.grid.all if got is None else got

    def visible(self, pad: float = 0.0) -> np.ndarray:
        """Indices of the points inside the widget (plus a margin in pixels)."""
        return self._visible_screen(pad)[0]

    def _visible_screen(self, pad: float) -> tuple[np.ndarray, np.ndarray]:
        """(indices, float32 screen positions) of the points inside the widget plus pad pixels."""
        if len(self.xy) == 0:
            return np.zeros(0, dtype=np.int64), np.zeros((0, 2), dtype=np.float32)
        cand = self._candidates(-pad, -pad, self.width() + pad, self.height() + pad)
        xy = self.xy32[cand]
        s = xy * np.float32(self.scale)
        s += np.array([self.offset.x(), self.offset.y()], dtype=np.float32)
        x, y = s[:, 0], s[:, 1]
        m = (x >= -pad) & (x < self.width() + pad) & (y >= -pad) & (y < self.height() + pad)
        return cand[m], s[m]

    def index_at(self, pos: QPointF | QPoint, radius: float = 8.0) -> int | None:
        if len(self.xy) == 0:
            return None
        # Over a thumbnail, anything inside the thumbnail counts.
        cell = self._cell_px()
        r = max(radius, cell / 2 if self._thumbs_mode() else radius)
        cand = self._candidates(pos.x() - r, pos.y() - r, pos.x() + r, pos.y() + r)
        if len(cand) == 0:
            return None
        s = self.to_screen(self.xy[cand])
        d2 = (s[:, 0] - pos.x()) ** 2 + (s[:, 1] - pos.y()) ** 2
        k = int(np.argmin(d2))
        return int(cand[k]) if d2[k] <= r * r else None

    def photo_at(self, pos: QPointF | QPoint) -> int | None:
        i = self.index_at(pos)
        return None if i is None else int(self.ids[i])

    def _thumbs_mode(self) -> bool:
        return self.scale * self.view.world_cell >= THUMB_FROM_PX

    def _cell_px(self) -> float:
        """The thumbnail cell size in pixels at this zoom: thumbnails once photos are sparse enough."""
        return float(min(160.0, max(THUMB_FROM_PX, self.scale * self.view.world_cell)))

    # -- painting --------------------------------------------------------------------------------

    def paintEvent(self, event: Any) -> None:
        painter = QPainter(self)
        try:
            self._paint(painter)
        finally:
            painter.end()  # an exception must never leave the painter active: Qt would crash later

    def _paint(self, painter: QPainter) -> None:
        w, h = self.width(), self.height()
        info = {"visible": 0, "thumbs": 0}
        if len(self.xy):
            vis, s = self._points_layer(painter, w, h)
            info["visible"] = len(vis)
            if self._thumbs_mode():
                info["thumbs"] = self._draw_thumbs(painter, vis, s)
            if self.selected:
                sel = np.isin(self.ids[vis], np.fromiter(self.selected, dtype=np.int64, count=len(self.selected)))
                painter.setPen(QPen(QColor(255, 255, 255), 1.5))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                for x, y in s[sel][:5000]:
                    painter.drawEllipse(QPointF(x, y), 4, 4)
            if self.hover_pid is not None:
                self._draw_hover(painter)
        else:
            painter.fillRect(self.rect(), BACKGROUND)
            painter.setPen(QColor(170, 170, 170))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.view.empty_text)
        if self._lasso:
            painter.setPen(QPen(QColor(120, 180, 255), 1.5, Qt.PenStyle.DashLine))
            painter.setBrush(QColor(120, 180, 255, 40))
            painter.drawPolygon(QPolygonF(self._lasso))
        self.legend_painted = self._draw_legend(painter) if len(self.xy) else 0
        self.last_paint_info = info

    def _draw_legend(self, painter: QPainter) -> int:
        """What the colours mean, in the lower left corner: a swatch and a label per row."""
        rows = self.view.legend_rows()
        if not rows:
            self.legend_rect = QRect()
            return 0
        painter.save()
        font = QFont(painter.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.9))
        painter.setFont(font)
        fm = painter.fontMetrics()
        line = fm.height() + 4
        width = min(max(fm.horizontalAdvance(text) for text, _c in rows) + 34, max(120, self.width() // 2))
        box = QRect(10, self.height() - 10 - line * len(rows) - 10, width, line * len(rows) + 10)
        path = QPainterPath()
        path.addRoundedRect(box, 6, 6)
        painter.fillPath(path, QColor(12, 13, 16, 210))
        for k, (text, colour) in enumerate(rows):
            y = box.y() + 5 + k * line
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            painter.drawEllipse(QRect(box.x() + 9, y + (line - 10) // 2, 10, 10))
            painter.setPen(QColor(225, 227, 232))
            painter.drawText(QRect(box.x() + 26, y, box.width() - 32, line),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             fm.elidedText(text, Qt.TextElideMode.ElideMiddle, box.width() - 32))
        painter.restore()
        self.legend_rect = box
        return len(rows)

    def _draw_hover(self, painter: QPainter) -> None:
        """A larger thumbnail of the photo under the cursor, beside it and inside the widget."""
        pid = self.hover_pid
        assert pid is not None
        pm = self._pixmaps.get(pid)
        if pm is None:
            if pid not in self._failed:
                self._request(pid)
            return
        f = HOVER_PX / max(pm.width(), pm.height(), 1)
        tw, th = int(pm.width() * f), int(pm.height() * f)
        name = os.path.basename(self.view.paths.get(pid, "")) or self.tr("Photo {number}").format(number=pid)
        x = self._hover_pos.x() + 18
        y = self._hover_pos.y() + 18
        if x + tw + 8 > self.width():
            x = self._hover_pos.x() - tw - 18
        if y + th + 30 > self.height():
            y = self._hover_pos.y() - th - 36
        x, y = max(4, x), max(4, y)
        card = QRect(int(x) - 6, int(y) - 6, tw + 12, th + 30)
        path = QPainterPath()
        path.addRoundedRect(card, 6, 6)
        painter.fillPath(path, QColor(12, 13, 16))
        painter.drawPixmap(QRect(int(x), int(y), tw, th), pm)
        painter.setPen(QColor(220, 222, 228))
        font = QFont(painter.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.9))
        painter.setFont(font)
        painter.drawText(QRect(int(x), int(y) + th + 2, tw, 20), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         painter.fontMetrics().elidedText(name, Qt.TextElideMode.ElideMiddle, tw))

    def _points_layer(self, painter: QPainter, w: int, h: int) -> tuple[np.ndarray, np.ndarray]:
        """Draw the points; returns (visible indices, their screen positions). The splatted image is
        kept until the view, the data or the colours change, so hover and lasso repaints only blit."""
        key = (w, h, self.scale, self.offset.x(), self.offset.y(), id(self.xy), id(self.colors))
        cached = self._layer
        if cached is None or cached[0] != key:
            vis, s = self._visible_screen(pad=80)
            img, buf = self._splat(vis, s, w, h, radius=1 if len(vis) > 20000 else 2)
            cached = self._layer = (key, img, buf, vis, s)
        painter.drawImage(0, 0, cached[1])
        return cached[3], cached[4]

    def _splat(self, vis: np.ndarray, s: np.ndarray, w: int, h: int, radius: int) -> tuple[QImage, np.ndarray]:
        """Points into a numpy buffer padded by radius on every side, so no stamp needs a bounds
        check; the QImage looks at the unpadded middle through its stride."""
        r = radius
        stride = w + 2 * r
        buf = np.empty((h + 2 * r) * stride, dtype=np.uint32)
        buf.fill(np.uint32(BACKGROUND.rgba()))
        inside = (s[:, 0] >= 0) & (s[:, 0] < w) & (s[:, 1] >= 0) & (s[:, 1] < h)
        base = (s[inside, 1].astype(np.int64) + r) * stride + s[inside, 0].astype(np.int64) + r
        cols = self.colors[vis[inside]]
        # A plus shape at radius 1 (5 pixels), a filled disc above.
        offsets = [(dx, dy) for dy in range(-r, r + 1) for dx in range(-r, r + 1)
                   if dx * dx + dy * dy <= (r * r if r == 1 else r * r + r)]
        for dx, dy in offsets:
            buf[base + (dy * stride + dx)] = cols
        img = QImage(buf[r * stride + r:].data, w, h, stride * 4, QImage.Format.Format_RGB32)
        return img, buf

    def _draw_thumbs(self, painter: QPainter, vis: np.ndarray, s: np.ndarray) -> int:
        if len(vis) == 0:
            return 0
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
                self._lasso = [QPointF(pos)]

    def mouseMoveEvent(self, event: Any) -> None:
        pos = event.position().toPoint()
        if self._press is not None and event.buttons() & Qt.MouseButton.LeftButton:
            if self._lasso is not None:
                if (pos - self._last).manhattanLength() >= 2 if self._last is not None else True:
                    self._lasso.append(QPointF(pos))
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
        if self._lasso is not None:
            lasso, self._lasso = [*self._lasso, QPointF(pos)], None
            ids = self.ids_in_polygon(np.array([[p.x(), p.y()] for p in lasso]))
            self.selected = set(ids)
            self.update()
            self.selectionChanged.emit(ids)
            return
        if (pos - press).manhattanLength() <= 4:
            pid = self.photo_at(pos)
            if pid is not None:
                self.photoActivated.emit(pid)

    def ids_in_polygon(self, poly: np.ndarray) -> list[int]:
        """Photo ids whose points fall inside a screen-space polygon (a lasso)."""
        if len(poly) < 3 or len(self.xy) == 0:
            return []
        (x0, y0), (x1, y1) = poly.min(axis=0), poly.max(axis=0)
        cand = self._candidates(x0, y0, x1, y1)
        s = self.to_screen(self.xy[cand])
        box = (s[:, 0] >= x0) & (s[:, 0] <= x1) & (s[:, 1] >= y0) & (s[:, 1] <= y1)
        cand, s = cand[box], s[box]
        return [int(i) for i in self.ids[cand[inside_polygon(s, poly)]]]

    def _hover(self, pos: QPoint) -> None:
        pid = self.photo_at(pos)
        if pid != self.hover_pid or pid is not None:
            self.hover_pid = pid
            self._hover_pos = QPointF(pos)
            self.update()

    def leaveEvent(self, event: Any) -> None:
        if self.hover_pid is not None:
            self.hover_pid = None
            self.update()
        super().leaveEvent(event)


class MapView(QWidget):
    """The Map page: a toolbar (compute, cancel, arrange-by, colour-by, progress) over the canvas.

    Reading and colouring a library's map happens on a worker thread (MapPoints); the GUI thread
    only swaps the prepared arrays in. New photos are placed next to their neighbours when the
    page is shown; a full recompute is one click, and suggested once many photos changed."""

    photoActivated = Signal(int)
    contextMenuRequested = Signal(int, QPoint)
    selectionChanged = Signal(list)

    def __init__(
        self, library: Any = None, parent: QWidget | None = None, *, space: str = "clip", auto_compute: bool = True
    ) -> None:
        super().__init__(parent)
        from photoindex.gui.tasks import TaskRunner

        self.library = library
        self.space = space
        self.auto_compute = auto_compute
        self.points = MapPoints(np.zeros(0, dtype=np.int64), np.zeros((0, 2)))
        self.paths: dict[int, str] = self.points.paths
        self.scores: dict[int, float] = {}
        self.world_cell = 1.0
        self.empty_text = self.tr("No map yet: index some photos, then compute the map.")
        self._colour_before_search = 0
        self.worker: _LayoutWorker | None = None
        self.runner = TaskRunner(1, self)  # catalog reads and sorting, in order, off the GUI thread
        self.runner.pool.setExpiryTimeout(-1)  # one thread for the view's life: one catalog connection
        self._tokens = {"load": 0, "grid": 0}
        self.loading = False
        self._last_phase = ""

        self.compute_btn = QPushButton(self.tr("Compute map"))
        self.compute_btn.setToolTip(self.tr("Lay out the whole library again (new photos are placed automatically)"))
        self.compute_btn.clicked.connect(lambda: self.compute(full=True))
        self.fit_btn = QPushButton(self.tr("Fit"))
        self.fit_btn.setToolTip(self.tr("Show the whole map (0)"))
        self.fit_btn.clicked.connect(lambda: self.canvas.fit())
        self.cancel_btn = QPushButton(self.tr("Cancel"))
        self.cancel_btn.setToolTip(self.tr("Stop computing the map; the map shown stays as it is"))
        self.cancel_btn.clicked.connect(self.cancel)
        self.cancel_btn.hide()
        self.space_box = QComboBox()
        space_labels = {"clip": self.tr("Meaning"), "dino": self.tr("Look")}
        for _label, key in SPACES:
            self.space_box.addItem(space_labels[key], key)
        self.space_box.setCurrentIndex(max(0, self.space_box.findData(space)))
        self.space_box.setToolTip(self.tr("Meaning: photos about the same thing sit together (CLIP).\n"
                                          "Look: photos that look alike sit together (DINOv2)."))
        self.space_box.currentIndexChanged.connect(self._space_changed)
        self.color_box = QComboBox()
        mode_labels = {"Folder": self.tr("Folder"), "Year": self.tr("Year"), "Person": self.tr("Person"),
                       "Search score": self.tr("Search score")}
        for mode in COLOR_MODES:
            self.color_box.addItem(mode_labels[mode], mode)
        self.color_box.currentIndexChanged.connect(lambda _i: self._recolor())
        self.status = QLabel("")
        # A long note must never widen the window (and move a fitted map under the user).
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.progress = QProgressBar(maximumWidth=200)
        self.progress.hide()
        bar = QHBoxLayout()
        bar.addWidget(self.compute_btn)
        bar.addWidget(self.cancel_btn)
        bar.addWidget(self.fit_btn)
        bar.addWidget(QLabel(self.tr("Arrange by")))
        bar.addWidget(self.space_box)
        bar.addWidget(QLabel(self.tr("Colour by")))
        bar.addWidget(self.color_box)
        bar.addWidget(self.progress)
        bar.addWidget(self.status, 1)
        self.canvas = MapCanvas(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.canvas, 1)
        self.canvas.photoActivated.connect(self.photoActivated)
        self.legend_shown = True
        self.canvas.contextMenuRequested.connect(self.contextMenuRequested)
        self.canvas.selectionChanged.connect(self.selectionChanged)
        self._user_cancelled = False
        self._auto_key: tuple[int, int] | None = None  # (missing, placed) when we last placed new photos
        self._refit = False
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.stop)

    # -- data ------------------------------------------------------------------------------------

    def thumb_paths(self, pid: int) -> list[str]:
        out = []
        if self.library is not None:
            out.append(os.fspath(self.library.thumbnail_path(pid)))
        if pid in self.paths:
            out.append(self.paths[pid])
        return out

    def set_layout(self, ids: Any, xy: Any, meta: Any = None, *, paths: dict[int, str] | None = None) -> None:
        """Show a layout now: ids (n,), xy (n, 2) world coordinates, and per photo what to colour
        by. Synchronous, for callers that hold the data (tests, benchmarks); the library's own map
        is read by reload(), off the GUI thread.

        meta: {photo id: {'path', 'year', 'person'}} (as layout2d.map_meta returns; any key may
        be missing). When None and a library is set, it is read from the catalog. paths= is a
        shortcut for meta with paths only.
        """
        ids = np.asarray(ids, dtype=np.int64).reshape(-1)
        if meta is None and paths is None and self.library is not None and len(ids):
            meta = self.library.map.meta(ids.tolist())
        if paths is not None:
            meta = {int(k): {"path": v} for k, v in paths.items()}
        self.show_points(MapPoints(ids, xy, meta))
        self.status.setText(self.tr("%n photos", "", len(ids)))

    def show_points(self, points: MapPoints) -> None:
        """Swap prepared points in (cheap: arrays only)."""
        c = self.canvas
        first = len(c.xy) == 0
        self.points = points
        self.paths = points.paths
        self.world_cell = points.world_cell
        c.set_points(points)
        self._recolor()
        if first:
            c.fit()
        c.update()

    def neighbours(self, photo_id: int, k: int = NEIGHBOURS) -> list[int]:
        """The photo and its nearest photos on the map, nearest first: what a preview opened
        from the map steps through (not a preview of that photo alone)."""
        return self.points.neighbours(photo_id, k)

    def set_scores(self, scores: dict[int, float]) -> None:
        """Colour points by a search's score (others dimmed) so a search lights up its region;
        no scores (the search was cleared): back to the colours chosen before it."""
        self.scores = dict(scores)
        current = self.color_box.currentIndex()
        if scores and current != SCORE_MODE:
            self._colour_before_search = current
            self.color_box.setCurrentIndex(SCORE_MODE)  # triggers _recolor
        elif not scores and current == SCORE_MODE:
            self.color_box.setCurrentIndex(self._colour_before_search)
        else:
            self._recolor()

    def legend_rows(self) -> list[tuple[str, QColor]]:
        """(text, colour) per row of the legend for the current colour mode."""
        if not self.legend_shown or not len(self.points):
            return []
        mode = COLOR_MODES[self.color_box.currentIndex()]
        loc = QLocale()
        if mode == "Search score":
            if not self.scores:
                return [(self.tr("No search: search to light up its photos"), QColor.fromRgba(0xFF3A3D45))]
            return [(self.tr("Best match"), QColor(252, 230, 90)), (self.tr("Good match"), QColor(190, 60, 110)),
                    (self.tr("Weak match"), QColor(58, 62, 82)), (self.tr("Not found by the search"),
                                                                   QColor.fromRgba(0xFF3A3D45))]
        rows = []
        for e in self.points.legends.get(mode, []):
            count = self.tr("%n photos", "", e.count)
            if e.kind == "folder":
                text = self.tr("{folder} ({count})").format(folder=os.path.basename(e.label) or e.label, count=count)
            elif e.kind == "person":
                text = self.tr("{name} ({count})").format(name=e.label or self.tr("Unnamed"), count=count)
            elif e.kind == "year":
                year = loc.toString(QDate(int(e.label), 1, 1), "yyyy")
                text = self.tr("{year} ({count})").format(year=year, count=count) if e.count else year
            elif e.kind == "other":
                text = {"Folder": self.tr("Other folders ({count})"),
                        "Person": self.tr("Other people ({count})")}.get(mode, "{count}").format(count=count)
            else:
                text = {"Folder": self.tr("No folder ({count})"), "Year": self.tr("Date unknown ({count})"),
                        "Person": self.tr("No one recognised ({count})")}.get(mode, "{count}").format(count=count)
            rows.append((text, QColor.fromRgba(e.argb)))
        return rows

    def _recolor(self) -> None:
        c, points = self.canvas, self.points
        self._tokens["grid"] += 1  # a grid still being sorted for an older search is dropped
        mode = COLOR_MODES[self.color_box.currentIndex()]
        if mode != "Search score":
            c.set_colors(points.colours[mode], None, points.grid)
            return
        cols, priority = score_colours(points, self.scores)
        if priority is None:
            c.set_colors(cols, None, points.grid)
        elif len(points) < ASYNC_FROM:
            c.set_colors(cols, priority, SpatialGrid(points.xy, priority))
        else:  # colours now, the best matches on top once the grid is re-sorted off the GUI thread
            c.set_colors(cols, None, points.grid)
            token = self._tokens["grid"]

            def sorted_grid(grid: SpatialGrid) -> None:
                if token == self._tokens["grid"] and self.points is points:
                    c.set_colors(cols, priority, grid)

            self.runner.submit(lambda: SpatialGrid(points.xy, priority), sorted_grid)

    def reload(self) -> None:
        """Read the stored map again (on a worker thread), then place any new photos."""
        if self.library is None:
            return
        self._tokens["load"] += 1
        token, library, space = self._tokens["load"], self.library, self.space
        self.loading = True
        if not len(self.points):
            self.status.setText(self.tr("Loading the map…"))
        self.runner.submit(lambda: _load_map(library, space),
                           lambda result: self._map_loaded(token, space, result),
                           lambda message: self._load_failed(token, message))

    def _map_loaded(self, token: int, space: str, result: tuple[MapPoints, dict[str, Any]]) -> None:
        if token != self._tokens["load"] or space != self.space:
            return  # an older read (superseded, or of the other space)
        self.loading = False
        points, st = result
        refit, self._refit = self._refit, False
        self.show_points(points)
        if refit:
            self.canvas.fit()
        loc = QLocale()
        parts = [self.tr("%n photos", "", st["placed"])]
        if st["missing"]:
            parts.append(self.tr("placing %n new", "", st["missing"]) if self.worker is not None
                         else self.tr("%n not placed yet", "", st["missing"]))
        suggest = bool(st["recompute_suggested"] and st["full_count"])
        if suggest:
            parts.append(self.tr("{percent} changed since the last layout: Recompute map to refresh").format(
                percent=loc.toString(round(st["changed_since_full"] * 100)) + "%"))
        if self._last_phase == "cancelled":
            parts.append(self.tr("computing was cancelled"))
        note = " · ".join(parts)
        self.compute_btn.setText(self.tr("Recompute map") if st["full_count"] else self.tr("Compute map"))
        font = self.compute_btn.font()
        font.setBold(suggest)
        self.compute_btn.setFont(font)
        self.status.setText(note)
        # New photos are placed automatically, once per state of the library: a job that was
        # cancelled or failed is not retried until photos are added or placed (no loop on a
        # catalog the layout cannot use, no restart of what the user stopped).
        key = (st["missing"], st["placed"])
        if self.auto_compute and st["missing"] and self.worker is None and key != self._auto_key:
            self._auto_key = key
            self.compute(full=False)

    def _load_failed(self, token: int, message: str) -> None:
        if token != self._tokens["load"]:
            return
        self.loading = False
        self.status.setText(self.tr("Could not read the map: {message}").format(message=message))

    def _space_changed(self, _index: int) -> None:
        space = self.space_box.currentData()
        if not space or space == self.space:
            return
        self.space = space
        self._tokens["load"] += 1  # a read of the other space still in flight is dropped
        self.loading = False
        self._last_phase = ""
        self._auto_key = None
        self._refit = True
        if self.worker is not None:  # it computes the other space's map: stop it, then load this one
            self.worker.cancel.set()
            self.status.setText(self.tr("Switching…"))
            return  # _on_done reloads
        self.reload()

    # -- background layout -----------------------------------------------------------------------

    def compute(self, full: bool = False) -> None:
        if self.library is None or self.worker is not None:
            return
        self._last_phase = ""
        self._user_cancelled = False
        self.worker = _LayoutWorker(self.library, self.space, full)
        self.worker.progressed.connect(self._on_progress)
        self.worker.done.connect(self._on_done)
        self.compute_btn.setEnabled(False)
        self.cancel_btn.show()
        self.cancel_btn.setEnabled(True)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.status.setText(self.tr("Computing the map…") if full or not len(self.points) else
                            self.tr("Placing new photos…"))
        self.worker.start()

    def cancel(self) -> None:
        if self.worker is not None:
            self._user_cancelled = True
            self.worker.cancel.set()
            self.cancel_btn.setEnabled(False)
            self.status.setText(self.tr("Cancelling…"))

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _on_done(self, phase: str) -> None:
        worker, self.worker = self.worker, None
        if worker is not None:
            worker.wait()
            worker.deleteLater()
        self.progress.hide()
        self.cancel_btn.hide()
        self.compute_btn.setEnabled(True)
        switched = worker is not None and worker.space != self.space
        if switched:  # the job was for the other space: whatever it did, load this one
            self._last_phase = ""
        elif phase.startswith("error"):
            self._last_phase = "error"
            self.status.setText(self.tr("Map failed: {reason}").format(reason=phase[7:]))
            return
        else:
            self._last_phase = "cancelled" if phase == "cancelled" and self._user_cancelled else phase
        self.reload()

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.cancel.set()
            self.worker.wait(10_000)
        self.runner.wait(10_000)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if not self.loading and self.worker is None:
            self.reload()  # photos indexed since the page was last shown get placed

    def closeEvent(self, event: Any) -> None:
        self.stop()
        super().closeEvent(event)
