"""The photo grid: a virtualised QListView over a flat list model (no widget per photo)."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QListView, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from photoindex.gui.thumbs import ThumbnailCache

PhotoIdRole = Qt.ItemDataRole.UserRole + 1
PathRole = Qt.ItemDataRole.UserRole + 2
ScoreRole = Qt.ItemDataRole.UserRole + 3


@dataclass(frozen=True, slots=True)
class GridItem:
    photo_id: int
    path: str
    score: float | None = None
    date: float | None = None


class PhotoModel(QAbstractListModel):
    def __init__(self, thumbs: ThumbnailCache, parent=None) -> None:
        super().__init__(parent)
        self.items: list[GridItem] = []
        self.thumbs = thumbs
        self._row_of: dict[int, int] = {}
        thumbs.ready.connect(self._thumb_ready)

    def set_items(self, items: list[GridItem]) -> None:
        self.beginResetModel()
        self.items = items
        self._row_of = {it.photo_id: i for i, it in enumerate(items)}
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self.items):
            return None
        it = self.items[index.row()]
        if role == Qt.ItemDataRole.DecorationRole:
            return self.thumbs.get(it.photo_id, it.path)
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [it.path]
            if it.score is not None:
                lines.append(f"score {it.score:.3f}")
            if it.date:
                lines.append(time.strftime("%Y-%m-%d %H:%M", time.localtime(it.date)))
            return "\n".join(lines)
        if role == Qt.ItemDataRole.DisplayRole:
            return os.path.basename(it.path)
        if role == PhotoIdRole:
            return it.photo_id
        if role == PathRole:
            return it.path
        if role == ScoreRole:
            return it.score
        return None

    def _thumb_ready(self, photo_id: int) -> None:
        row = self._row_of.get(photo_id)
        if row is not None:
            idx = self.index(row)
            self.dataChanged.emit(idx, idx, [Qt.ItemDataRole.DecorationRole])


class ThumbDelegate(QStyledItemDelegate):
    """Paints a thumbnail centred in its cell, with a quiet placeholder while it loads."""

    def __init__(self, cell: int, parent=None) -> None:
        super().__init__(parent)
        self.cell = cell

    def sizeHint(self, option: QStyleOptionViewItem, index) -> QSize:
        return QSize(self.cell, self.cell)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index) -> None:
        r = option.rect.adjusted(3, 3, -3, -3)
        pal = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        if selected:
            painter.fillRect(option.rect, pal.highlight())
        pm = index.data(Qt.ItemDataRole.DecorationRole)
        if isinstance(pm, QPixmap) and not pm.isNull():
            scaled = pm.size().scaled(r.size(), Qt.AspectRatioMode.KeepAspectRatio)
            x = r.x() + (r.width() - scaled.width()) // 2
            y = r.y() + (r.height() - scaled.height()) // 2
            painter.drawPixmap(x, y, scaled.width(), scaled.height(), pm)
        else:
            base = pal.alternateBase().color()
            painter.fillRect(r, base if base.isValid() else QColor(128, 128, 128, 40))
        painter.restore()


class PhotoGrid(QListView):
    """Signals carry photo ids; the window decides what to do with them."""

    activated_photo = Signal(int)
    context_requested = Signal(int, object)  # photo id, global QPoint

    def __init__(self, model: PhotoModel, cell: int = 180, parent=None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setUniformItemSizes(True)
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(500)
        self.setSpacing(2)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context)
        self.doubleClicked.connect(lambda idx: self.activated_photo.emit(idx.data(PhotoIdRole)))
        self.set_cell_size(cell)

    def set_cell_size(self, cell: int) -> None:
        self.setItemDelegate(ThumbDelegate(cell, self))
        self.setGridSize(QSize(cell, cell))
        self.setIconSize(QSize(cell - 6, cell - 6))

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
