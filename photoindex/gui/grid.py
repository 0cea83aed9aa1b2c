"""The photo grid: a virtualised QListView over a flat list model (no widget per photo).

Cells have one size (uniformItemSizes), the delegate paints a thumbnail that arrived already
scaled to the cell, the file name under it and, for search results, the score. Replacing the
items (new photos while indexing, a search re-run) keeps the scroll position, the current photo
and the selection.
"""

from __future__ import annotations

import os
import time

import numpy as np
from PySide6.QtCore import (
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    QStringListModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QPainter, QPalette
from PySide6.QtWidgets import QAbstractItemView, QListView, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from photoindex.gui.controllers import GridItem, rows_by_id  # noqa: F401  (rows_by_id: re-exported)
from photoindex.gui.thumbs import ThumbnailCache

PhotoIdRole = Qt.ItemDataRole.UserRole + 1
PathRole = Qt.ItemDataRole.UserRole + 2
ScoreRole = Qt.ItemDataRole.UserRole + 3
FailedRole = Qt.ItemDataRole.UserRole + 4

PAD = 4  # between the cell's edge and its thumbnail
BAR_BACKGROUND = QColor(0, 0, 0, 110)  # over the photo, so the same in light and dark themes


class PhotoModel(QStringListModel):
    """A flat list of GridItems.

    Built on QStringListModel so that rowCount() stays in C++: the view's layout asks for it
    once per row (through index()), and 100,000 calls into Python took 250 ms where the C++ one
    lays out the whole grid in about 20 ms. The strings are empty; data() answers every role.
    """

    def __init__(self, thumbs: ThumbnailCache, parent=None) -> None:
        super().__init__(parent)
        self.items: list[GridItem] = []
        self.thumbs = thumbs
        self._row_of: dict[int, int] = {}
        self.top_score: float | None = None
        thumbs.ready.connect(self._thumb_ready)

    def set_items(self, items: list[GridItem], row_of: dict[int, int] | None = None) -> None:
        """Replace everything. Views that want to keep their place use PhotoGrid.replace_items."""
        row_of = rows_by_id(items) if row_of is None else row_of
        scores = [it.score for it in items if it.score is not None]
        self.top_score = max(scores) if scores else None
        if len(items) == len(self.items) and row_of == self._row_of:
            # Same photos in the same order (a refresh that found nothing new): no reset, so the
            # view keeps its place and its selection; only scores and dates may have moved.
            self.items = items
            if items:
                self.dataChanged.emit(self.index(0), self.index(len(items) - 1))
            return
        runs = self._insertions(items)
        if runs is not None:
            # New photos among the old ones (indexing): rows are inserted, so the view, its
            # selection and its current photo stay with the photos they were on.
            self.items = items
            self._row_of = row_of
            for first, count in runs:
                self.insertRows(first, count)
            return
        self.items = items
        self._row_of = row_of
        self.setStringList([""] * len(items))

    MAX_INSERT_RUNS = 64  # more separate places than this: one reset is cheaper than many inserts

    def _insertions(self, items: list[GridItem]) -> list[tuple[int, int]] | None:
        """(row, count) runs that turn the current items into these, when the current ones are
        all still there in the same order; None when anything else changed."""
        old = self.items
        if not old or len(items) <= len(old):
            return None
        new_ids = np.fromiter((it.photo_id for it in items), dtype=np.int64, count=len(items))
        old_ids = np.fromiter((it.photo_id for it in old), dtype=np.int64, count=len(old))
        kept = np.isin(new_ids, old_ids)
        if int(kept.sum()) != len(old_ids) or not np.array_equal(new_ids[kept], old_ids):
            return None
        added = np.flatnonzero(~kept)
        starts = np.flatnonzero(np.diff(added, prepend=-2) != 1)
        if len(starts) > self.MAX_INSERT_RUNS:
            return None
        ends = np.append(starts[1:], len(added))
        return [(int(added[a]), int(b - a)) for a, b in zip(starts, ends, strict=True)]

    def row_of(self, photo_id: int) -> int | None:
        return self._row_of.get(photo_id)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        row = index.row()
        if row < 0 or row >= len(self.items):
            return None
        it = self.items[row]
        if role == Qt.ItemDataRole.DecorationRole:
            return self.thumbs.get(it.photo_id, it.path)
        if role == Qt.ItemDataRole.DisplayRole:
            return os.path.basename(it.path)
        if role == ScoreRole:
            return it.score
        if role == PhotoIdRole:
            return it.photo_id
        if role == PathRole:
            return it.path
        if role == FailedRole:
            return self.thumbs.failed(it.photo_id)
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [it.path]
            if it.score is not None:
                lines.append(f"score {it.score:.3f}")
            if it.date:
                lines.append(time.strftime("%Y-%m-%d %H:%M", time.localtime(it.date)))
            return "\n".join(lines)
        return None

    def _thumb_ready(self, photo_id: int) -> None:
        row = self._row_of.get(photo_id)
        if row is not None:
            idx = self.index(row)
            self.dataChanged.emit(idx, idx, [Qt.ItemDataRole.DecorationRole])


class ThumbDelegate(QStyledItemDelegate):
    """A thumbnail centred in a square, the file name under it, for search results a relevance bar.

    Paints straight from the model's items (one Python call per cell, not one per role), with the
    captions' elided text kept between frames: scrolling repaints whole rows.
    """

    def __init__(self, model: PhotoModel, cell: int, parent=None) -> None:
        super().__init__(parent)
        self.model = model
        self.cell = cell
        self.caption_h = 0
        self._captions: dict[int, str] = {}

    def set_font(self, font: QFont, line_height: int) -> None:
        self.caption_h = line_height + 6
        self._captions.clear()

    def photo_area(self) -> tuple[int, int]:
        """Width and height a thumbnail may take: 4:3, the shape of most photos, so a landscape
        photo fills it and the caption sits right under it; portraits are fitted, not cropped."""
        side = self.cell - 2 * PAD
        return side, side * 3 // 4

    def sizeHint(self, option: QStyleOptionViewItem, index) -> QSize:
        return QSize(self.cell, PAD + self.photo_area()[1] + self.caption_h)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index) -> None:
        items = self.model.items
        row = index.row()
        if row >= len(items):
            return
        item = items[row]
        cell = option.rect
        pal = option.palette
        state = option.state
        selected = bool(state & QStyle.StateFlag.State_Selected)
        side, high = self.photo_area()
        square = QRect(cell.x() + (cell.width() - side) // 2, cell.y() + PAD, side, high)
        if selected or state & QStyle.StateFlag.State_MouseOver:
            colour = QColor(pal.color(QPalette.ColorRole.Highlight))
            if not selected:
                colour.setAlpha(50)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            painter.drawRoundedRect(cell.adjusted(1, 1, -1, -1), 6, 6)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        pm = self.model.thumbs.get(item.photo_id, item.path)
        if pm is not None:
            dpr = pm.devicePixelRatio() or 1.0
            w, h = int(pm.width() / dpr), int(pm.height() / dpr)
            if w > side or h > high:  # the cell shrank while this one was on its way
                size = QSize(w, h).scaled(side, high, Qt.AspectRatioMode.KeepAspectRatio)
                w, h = size.width(), size.height()
            photo = QRect(square.x() + (side - w) // 2, square.y() + (high - h) // 2, w, h)
            painter.drawPixmap(photo, pm)
            if item.score is not None:
                self._relevance_bar(painter, photo, item.score, pal)
        else:
            placeholder = QColor(pal.color(QPalette.ColorRole.Text))
            placeholder.setAlpha(22)
            inset = square.adjusted(side // 12, high // 12, -side // 12, -high // 12)
            painter.fillRect(inset, placeholder)
            if self.model.thumbs.failed(item.photo_id):
                painter.setPen(pal.color(QPalette.ColorRole.PlaceholderText))
                painter.drawText(inset, Qt.AlignmentFlag.AlignCenter, "cannot show")
        if self.caption_h:
            text_rect = QRect(cell.x() + PAD, square.bottom() + 3, cell.width() - 2 * PAD, self.caption_h - 4)
            name = self._captions.get(item.photo_id)
            if name is None:
                if len(self._captions) > 5000:
                    self._captions.clear()
                name = option.fontMetrics.elidedText(os.path.basename(item.path), Qt.TextElideMode.ElideMiddle,
                                                     text_rect.width())
                self._captions[item.photo_id] = name
            role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
            painter.setPen(pal.color(role))
            painter.drawText(text_rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, name)

    def _relevance_bar(self, painter: QPainter, photo: QRect, score: float, pal: QPalette) -> None:
        """How well a result matches, as a short bar along the photo's bottom edge: its score
        against the best of the results (a raw cosine such as "-0.00" means nothing to people)."""
        top = self.model.top_score
        share = max(0.0, min(1.0, score / top)) if top and top > 0 else 0.0
        if share <= 0:
            return
        h = 4
        back = QRect(photo.x() + 6, photo.bottom() - h - 5, photo.width() - 12, h)
        painter.fillRect(back, BAR_BACKGROUND)
        painter.fillRect(QRect(back.x(), back.y(), max(2, int(back.width() * share)), h),
                         pal.color(QPalette.ColorRole.Highlight))


class PhotoGrid(QListView):
    """Signals carry photo ids; the window decides what to do with them."""

    activated_photo = Signal(int)
    context_requested = Signal(int, object)  # photo id, global QPoint
    zoom_requested = Signal(int)  # steps: Ctrl+wheel

    def __init__(self, model: PhotoModel, cell: int = 180, parent=None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.photo_model = model
        # A wrapping list in ListMode lays out in O(1) per row with uniform sizes, so 100,000
        # cells lay out at once (IconMode keeps a per-item geometry table and a BSP tree).
        self.setViewMode(QListView.ViewMode.ListMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setUniformItemSizes(True)
        self.setSpacing(0)
        self.setMouseTracking(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.setFrameShape(QListView.Shape.NoFrame)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.customContextMenuRequested.connect(self._context)
        self.doubleClicked.connect(lambda idx: self.activated_photo.emit(idx.data(PhotoIdRole)))
        self._wheel_zoom = 0
        self.delegate = ThumbDelegate(model, cell, self)
        self.setItemDelegate(self.delegate)
        self.set_cell_size(cell)

    def set_cell_size(self, cell: int) -> None:
        self.delegate.cell = cell
        self.delegate.set_font(self.font(), self.fontMetrics().height())
        dpr = self.devicePixelRatioF()
        w, h = self.delegate.photo_area()
        self.photo_model.thumbs.set_box(int(w * dpr), int(h * dpr), dpr)
        self.verticalScrollBar().setSingleStep(max(20, cell // 4))
        self._justify()

    def _justify(self) -> None:
        """Share the row's spare width among the cells, so the grid fills the view edge to edge."""
        hint = self.delegate.sizeHint(QStyleOptionViewItem(), QModelIndex())
        # The list wraps within the viewport less a scroll bar's width (so that a scroll bar
        # appearing never re-wraps the rows), and a row of exactly that width already wraps.
        extent = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self.verticalScrollBar())
        width = self.viewport().width() - extent - 1
        columns = max(1, width // hint.width())
        size = QSize(max(hint.width(), width // columns), hint.height())
        if size != self.gridSize():
            self.setGridSize(size)

    def wheelEvent(self, event) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self._wheel_zoom += event.angleDelta().y()
            steps = int(self._wheel_zoom / 120)
            if steps:
                self._wheel_zoom -= steps * 120
                self.zoom_requested.emit(steps)
            event.accept()
            return
        super().wheelEvent(event)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._justify()

    def cell_size(self) -> int:
        return self.delegate.cell

    def replace_items(self, items: list[GridItem], row_of: dict[int, int] | None = None) -> None:
        """New items, keeping the photo at the top of the view, the current photo and the selection."""
        model = self.photo_model
        top = self.indexAt(QPoint(PAD + 1, PAD + 1))
        top_id = top.data(PhotoIdRole) if top.isValid() else None
        offset = self.visualRect(top).top() if top.isValid() else 0
        at_start = self.verticalScrollBar().value() == 0
        current = self.current_photo_id()
        selected = [i.data(PhotoIdRole) for i in self.selectionModel().selectedIndexes()[:5000]]
        model.set_items(items, row_of)
        sel = QItemSelection()
        for pid in selected:
            row = model.row_of(pid)
            if row is not None:
                idx = model.index(row)
                sel.select(idx, idx)
        flags = QItemSelectionModel.SelectionFlag
        if current is not None and (row := model.row_of(current)) is not None:
            self.selectionModel().setCurrentIndex(model.index(row), flags.NoUpdate)
        if not sel.isEmpty():
            self.selectionModel().select(sel, flags.ClearAndSelect)
        if at_start or top_id is None or (row := model.row_of(top_id)) is None:
            return
        self.doItemsLayout()
        self.scrollTo(model.index(row), QAbstractItemView.ScrollHint.PositionAtTop)
        bar = self.verticalScrollBar()
        bar.setValue(bar.value() - offset)

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == event.Type.FontChange:
            self.set_cell_size(self.delegate.cell)

    def _context(self, pos) -> None:
        idx = self.indexAt(pos)
        if idx.isValid():
            self.context_requested.emit(idx.data(PhotoIdRole), self.viewport().mapToGlobal(pos))

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.activated_photo.emit(self.currentIndex().data(PhotoIdRole))
            return
        super().keyPressEvent(event)

    def current_photo_id(self) -> int | None:
        idx = self.currentIndex()
        return idx.data(PhotoIdRole) if idx.isValid() else None
