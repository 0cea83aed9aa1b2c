"""The photo grid: a virtualised QListView over a flat list model (no widget per photo).

Cells have one size (uniformItemSizes), the delegate paints a thumbnail that arrived already
scaled to the cell, the file name under it and, for search results, the score. Replacing the
items (new photos while indexing, a search re-run) keeps the scroll position, the current photo
and the selection.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import (
    QAbstractListModel,
    QDateTime,
    QItemSelection,
    QItemSelectionModel,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPalette,
    QRegion,
    QStaticText,
    QTextLayout,
)
from PySide6.QtWidgets import QAbstractItemView, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from photoindex.gui.controllers import GridItem, GridRows, rows_by_id  # noqa: F401  (rows_by_id: re-exported)
from photoindex.gui.thumbs import ThumbnailCache
from photoindex.gui.timeline import TimelineLayout, YearScrubber, month_keys, month_label

PhotoIdRole = Qt.ItemDataRole.UserRole + 1
PathRole = Qt.ItemDataRole.UserRole + 2
ScoreRole = Qt.ItemDataRole.UserRole + 3
FailedRole = Qt.ItemDataRole.UserRole + 4

PAD = 4  # between the cell's edge and its thumbnail
BAR_BACKGROUND = QColor(0, 0, 0, 110)  # over the photo, so the same in light and dark themes


class PhotoModel(QAbstractListModel):
    """The grid's photos (GridRows: columns, a GridItem made only for a row asked for).

    Replacing them keeps what can be kept: the same photos again (a refresh that found nothing
    new) change nothing; new photos among the old ones are inserted as rows (the view, its
    selection and its current photo stay with their photos); anything else is a reset.
    """

    def __init__(self, thumbs: ThumbnailCache, parent=None) -> None:
        super().__init__(parent)
        self.items: GridRows = GridRows([], [])
        self._count = 0  # rows the views know of (grows run by run while rows are inserted)
        self.thumbs = thumbs
        self.top_score: float | None = None
        thumbs.ready.connect(self._thumbs_ready)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else self._count

    def set_items(self, items: GridRows | Sequence[GridItem]) -> None:
        """Replace everything. Views that want to keep their place use PhotoGrid.replace_items."""
        rows = (items if isinstance(items, GridRows) else GridRows.from_items(items)).index()
        self.top_score = rows.top_score()
        old = self.items
        if len(rows) == len(old) and np.array_equal(rows.ids, old.ids):
            # Same photos in the same order (a refresh that found nothing new): no reset, so the
            # view keeps its place and its selection; only scores and dates may have moved.
            self.items = rows
            if len(rows):
                self.dataChanged.emit(self.index(0), self.index(len(rows) - 1))
            return
        runs = self._insertions(rows)
        if runs is not None:
            # New photos among the old ones (indexing, the rest of a list after its first page):
            # one insertion per run of new rows, each O(1) here.
            self.items = rows
            for first, count in runs:
                self.beginInsertRows(QModelIndex(), first, first + count - 1)
                self._count += count
                self.endInsertRows()
            return
        self.beginResetModel()
        self.items = rows
        self._count = len(rows)
        self.endResetModel()

    MAX_INSERT_RUNS = 64  # more separate places than this: one reset is cheaper than many inserts

    def _insertions(self, rows: GridRows) -> list[tuple[int, int]] | None:
        """(row, count) runs that turn the current rows into these, when the current ones are
        all still there in the same order; None when anything else changed."""
        old_ids, new_ids = self.items.ids, rows.ids
        if not len(old_ids) or len(new_ids) <= len(old_ids):
            return None
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
        return self.items.row_of(photo_id)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        row = index.row()
        if row < 0 or row >= min(self._count, len(self.items)):
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
                lines.append(self.tr("Similarity %1").replace("%1", QLocale().toString(float(it.score), "f", 2)))
            if it.date:
                taken = QDateTime.fromSecsSinceEpoch(int(it.date))
                lines.append(QLocale().toString(taken, QLocale.FormatType.ShortFormat))
            if it.matched:
                lines.append(self.why_matched(it.matched))
            return "\n".join(lines)
        return None

    def why_matched(self, matched: tuple[str, ...]) -> str:
        """'Found by: folder name, meaning' in the tooltip of a search result."""
        names = {"folder": self.tr("folder name"), "filename": self.tr("file name"), "person": self.tr("person’s name"),
                 "meaning": self.tr("what the photo shows")}
        return self.tr("Found by: {reasons}").format(
            reasons=QLocale().createSeparatedList([names.get(m, m) for m in matched]))

    thumbnails_arrived = Signal(list)  # rows whose thumbnails are now in memory

    def _thumbs_ready(self, photo_ids: list[int]) -> None:
        """Thumbnails arrive in batches; the views repaint those cells at once (a dataChanged per
        thumbnail cost ~0.3 ms of the GUI thread each, while scrolling fast)."""
        rows = [r for pid in photo_ids if (r := self.items.row_of(pid)) is not None and r < self._count]
        if rows:
            self.thumbnails_arrived.emit(rows)


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
        self._captions: dict[int, tuple[QStaticText, int, int, int]] = {}  # photo id -> caption, room, width, drop
        self._area = (0, 0, 0)
        self._drops: dict[tuple[int, ...], int] = {}  # scripts met -> their captions' drop

    def set_font(self, font: QFont, line_height: int) -> None:
        self.caption_h = line_height + 6
        self._captions.clear()
        self._drops.clear()

    def photo_area(self) -> tuple[int, int]:
        """Width and height a thumbnail may take: 4:3, the shape of most photos, so a landscape
        photo fills it and the caption sits right under it; portraits are fitted, not cropped."""
        if self._area[0] != self.cell:
            side = self.cell - 2 * PAD
            self._area = (self.cell, side, side * 3 // 4)
        return self._area[1], self._area[2]

    def sizeHint(self, option: QStyleOptionViewItem, index) -> QSize:
        return QSize(self.cell, PAD + self.photo_area()[1] + self.caption_h)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index) -> None:
        """QStyledItemDelegate's entry point; the grid calls paint_cell directly."""
        state = option.state
        self.paint_cell(painter, option.rect, index.row(), bool(state & QStyle.StateFlag.State_Selected),
                        bool(state & QStyle.StateFlag.State_MouseOver), option.palette, option.fontMetrics)

    def set_palette(self, pal: QPalette) -> None:
        """Colours made once per palette, not per cell (each Qt enum operation costs a Python call)."""
        self._pal_key = pal.cacheKey()
        roles = QPalette.ColorRole
        highlight = QColor(pal.color(roles.Highlight))
        hover = QColor(highlight)
        hover.setAlpha(50)
        placeholder = QColor(pal.color(roles.Text))
        placeholder.setAlpha(22)
        base, text = pal.color(roles.Base), pal.color(roles.Text)
        a = 22 / 255
        flat = QColor(round(base.red() * (1 - a) + text.red() * a), round(base.green() * (1 - a) + text.green() * a),
                      round(base.blue() * (1 - a) + text.blue() * a))
        self._brushes = {"selected": QBrush(highlight), "hover": QBrush(hover), "placeholder": QBrush(placeholder),
                         "placeholder_flat": QBrush(flat),
                         "bar": QBrush(pal.color(roles.Highlight)), "bar_back": QBrush(BAR_BACKGROUND)}
        self._pens = {"text": pal.color(roles.Text), "selected_text": pal.color(roles.HighlightedText),
                      "quiet": pal.color(roles.PlaceholderText)}

    _pal_key = -1
    _ALIGN_CAPTION = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
    _NO_PEN = Qt.PenStyle.NoPen
    _ANTIALIAS = QPainter.RenderHint.Antialiasing

    def paint_cell(self, painter: QPainter, cell: QRect, row: int, selected: bool, hover: bool, pal: QPalette,
                   fm: QFontMetrics) -> None:
        """One cell, in a few C++ calls: ~40 of them fill the view, and at 60 frames a second
        while scrolling all of them must paint in a few milliseconds (bench/bench_browse.py)."""
        items = self.model.items
        if row >= len(items):
            return
        if pal.cacheKey() != self._pal_key:
            self.set_palette(pal)
        photo_id = int(items.ids[row])
        side, high = self.photo_area()
        x, y = cell.x() + (cell.width() - side) // 2, cell.y() + PAD
        if selected or hover:
            painter.setRenderHint(self._ANTIALIAS, True)
            painter.setPen(self._NO_PEN)
            painter.setBrush(self._brushes["selected" if selected else "hover"])
            painter.drawRoundedRect(cell.adjusted(1, 1, -1, -1), 6, 6)
            painter.setRenderHint(self._ANTIALIAS, False)
        pm = self.model.thumbs.get(photo_id, items.paths[row])
        if pm is not None:
            dpr = pm.devicePixelRatio() or 1.0
            w, h = int(pm.width() / dpr), int(pm.height() / dpr)
            if w > side or h > high:  # the cell shrank while this one was on its way
                size = QSize(w, h).scaled(side, high, Qt.AspectRatioMode.KeepAspectRatio)
                w, h = size.width(), size.height()
                painter.drawPixmap(QRect(x + (side - w) // 2, y + (high - h) // 2, w, h), pm)
            else:
                painter.drawPixmap(x + (side - w) // 2, y + (high - h) // 2, pm)  # 1:1, no scaling
            score = items.score(row)
            if score is not None:
                self._relevance_bar(painter, QRect(x + (side - w) // 2, y + (high - h) // 2, w, h), score)
        else:
            inset = QRect(x + side // 12, y + high // 12, side - 2 * (side // 12), high - 2 * (high // 12))
            # Opaque on the plain background (a translucent fill costs ~5x as much to blend).
            painter.fillRect(inset, self._brushes["placeholder" if selected or hover else "placeholder_flat"])
            if self.model.thumbs.failed(photo_id):
                painter.setPen(self._pens["quiet"])
                painter.drawText(inset, Qt.AlignmentFlag.AlignCenter, self.tr("cannot show"))
        if self.caption_h:
            width = cell.width() - 2 * PAD
            cached = self._captions.get(photo_id)
            if cached is None or cached[1] != width:
                if len(self._captions) > 5000:
                    self._captions.clear()
                name = os.path.basename(items.paths[row])
                advance = fm.horizontalAdvance(name)
                if advance > width:
                    name = fm.elidedText(name, Qt.TextElideMode.ElideMiddle, width)
                    advance = fm.horizontalAdvance(name)
                text = QStaticText(name)  # laid out once, drawn many times (~5x cheaper than drawText)
                text.setTextFormat(Qt.TextFormat.PlainText)
                # A static text is placed by its top, and a Hangul fallback font has a taller line
                # than the Latin one: place every caption by the primary font's baseline instead.
                drop = 0 if name.isascii() else self._drop(name, painter, fm)
                cached = self._captions[photo_id] = (text, width, advance, drop)
            painter.setPen(self._pens["selected_text" if selected else "text"])
            painter.drawStaticText(cell.x() + PAD + max(0, (width - cached[2]) // 2), y + high + 3 + cached[3],
                                   cached[0])

    def _drop(self, name: str, painter: QPainter, fm: QFontMetrics) -> int:
        """How far below the primary font's line top a caption's own line top sits (a fallback
        font's taller line), by the blocks of 4,096 characters it uses: one text layout per
        script met (~0.1 ms), not per caption."""
        key = tuple(sorted({ord(c) >> 12 for c in name if not c.isascii()}))
        drop = self._drops.get(key)
        if drop is None:
            layout = QTextLayout(name, painter.font())
            layout.beginLayout()
            line = layout.createLine()
            layout.endLayout()
            drop = self._drops[key] = round(fm.ascent() - line.ascent()) if line.isValid() else 0
        return drop

    def _relevance_bar(self, painter: QPainter, photo: QRect, score: float) -> None:
        """How well a result matches, as a short bar along the photo's bottom edge: its score
        against the best of the results (a raw cosine such as "-0.00" means nothing to people)."""
        top = self.model.top_score
        share = max(0.0, min(1.0, score / top)) if top and top > 0 else 0.0
        if share <= 0:
            return
        h = 4
        back = QRect(photo.x() + 6, photo.bottom() - h - 5, photo.width() - 12, h)
        painter.fillRect(back, self._brushes["bar_back"])
        painter.fillRect(QRect(back.x(), back.y(), max(2, int(back.width() * share)), h), self._brushes["bar"])


class PhotoGrid(QAbstractItemView):
    """The photos in a justified grid; while browsing by date, in sections under month headers
    with a year scrubber (gui/timeline.py). Signals carry photo ids; the window decides what to do.

    A QAbstractItemView of its own: QListView lays out uniform cells fast but cannot put a header
    across a row. Layout is arithmetic (TimelineLayout), painting asks the delegate only for the
    cells on screen, so 100,000 photos cost no more per frame than 100."""

    activated_photo = Signal(int)
    context_requested = Signal(int, object)  # photo id, global QPoint
    zoom_requested = Signal(int)  # steps: Ctrl+wheel

    def __init__(self, model: PhotoModel, cell: int = 180, parent=None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.photo_model = model
        self.headers = False  # month headers: the window turns them on while browsing by date
        self.layout_ = TimelineLayout()
        self._months: np.ndarray | None = None
        self._hover = -1
        self.setMouseTracking(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.setFrameShape(QAbstractItemView.Shape.NoFrame)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.customContextMenuRequested.connect(self._context)
        self.doubleClicked.connect(lambda idx: self.activated_photo.emit(idx.data(PhotoIdRole)))
        self._wheel_zoom = 0
        self.delegate = ThumbDelegate(model, cell, self)
        self.setItemDelegate(self.delegate)
        self.scrubber = YearScrubber(self)
        self.scrubber.jump_requested.connect(lambda y: self.verticalScrollBar().setValue(y))
        self.scrubber.hide()
        self.verticalScrollBar().valueChanged.connect(self._scrolled)
        for sig in (model.modelReset, model.rowsInserted, model.rowsRemoved, model.layoutChanged):
            sig.connect(self._relayout)
        model.thumbnails_arrived.connect(self._repaint_rows)
        self.set_cell_size(cell)

    # -- layout --------------------------------------------------------------------------------

    def set_headers(self, on: bool) -> None:
        if on != self.headers:
            self.headers = on
            self._relayout()

    def set_cell_size(self, cell: int) -> None:
        self.delegate.cell = cell
        self.delegate.set_font(self.font(), self.fontMetrics().height())
        dpr = self.devicePixelRatioF()
        w, h = self.delegate.photo_area()
        self.photo_model.thumbs.set_box(int(w * dpr), int(h * dpr), dpr)
        self.verticalScrollBar().setSingleStep(max(20, cell // 4))
        self._relayout()

    def _relayout(self, *_args) -> None:
        """Cells share the row's width, so the grid fills the view edge to edge."""
        items = self.photo_model.items
        scrub = self.headers and bool(items)
        self.setViewportMargins(0, 0, YearScrubber.WIDTH if scrub else 0, 0)
        hint = self.delegate.sizeHint(QStyleOptionViewItem(), QModelIndex())
        width = max(1, self.viewport().width())
        columns = max(1, width // hint.width())
        months = None
        if self.headers and items:
            if self._months is None or self._months_of is not items:
                self._months = month_keys(items.dates)
                self._months_of = items
            months = self._months
        header_h = self.fontMetrics().height() * 2 + 8
        self.layout_ = TimelineLayout.build(months, len(items), columns, max(hint.width(), width // columns),
                                            hint.height(), header_h)
        self.updateGeometries()
        self.scrubber.setVisible(scrub)
        if scrub:
            vp = self.viewport().geometry()
            self.scrubber.setGeometry(vp.right() + 1, vp.top(), YearScrubber.WIDTH, vp.height())
            self.scrubber.set_years(self.layout_.years(), self.layout_.height)
            self._scrolled()
        self.viewport().update()

    _months_of: GridRows | None = None

    def updateGeometries(self) -> None:
        bar = self.verticalScrollBar()
        page = self.viewport().height()
        bar.setPageStep(page)
        bar.setRange(0, max(0, self.layout_.height - page))
        super().updateGeometries()

    def _scrolled(self, *_args) -> None:
        self.scrubber.set_view(self.verticalScrollBar().value(), self.viewport().height())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._relayout()

    # -- QAbstractItemView ---------------------------------------------------------------------

    def horizontalOffset(self) -> int:
        return 0

    def verticalOffset(self) -> int:
        return self.verticalScrollBar().value()

    def isIndexHidden(self, index) -> bool:
        return False

    def visualRect(self, index) -> QRect:
        if not index.isValid() or index.row() >= self.layout_.count:
            return QRect()
        return self.layout_.rect(index.row()).translated(0, -self.verticalOffset())

    def indexAt(self, point) -> QModelIndex:
        row = self.layout_.row_at(point.x(), point.y() + self.verticalOffset())
        return self.photo_model.index(row) if row is not None else QModelIndex()

    def scrollTo(self, index, hint=QAbstractItemView.ScrollHint.EnsureVisible) -> None:
        if not index.isValid():
            return
        rect = self.layout_.rect(index.row())
        bar = self.verticalScrollBar()
        top, page = bar.value(), self.viewport().height()
        if hint == QAbstractItemView.ScrollHint.PositionAtTop:
            bar.setValue(rect.top())
        elif hint == QAbstractItemView.ScrollHint.PositionAtCenter:
            bar.setValue(rect.center().y() - page // 2)
        elif hint == QAbstractItemView.ScrollHint.PositionAtBottom:
            bar.setValue(rect.bottom() - page)
        elif rect.top() < top:
            s = self.layout_.section_of(index.row())
            first_row = rect.top() - self.layout_.header_h <= int(self.layout_.tops[s])
            bar.setValue(rect.top() - (self.layout_.header_h if first_row else 0))  # its header too
        elif rect.bottom() > top + page:
            bar.setValue(rect.bottom() - page + 1)

    def scrollToTop(self) -> None:
        self.verticalScrollBar().setValue(0)

    def moveCursor(self, action, modifiers) -> QModelIndex:
        n = self.layout_.count
        if n == 0:
            return QModelIndex()
        current = self.currentIndex()
        row = current.row() if current.isValid() else -1
        Move = QAbstractItemView.CursorAction
        if row < 0:
            row = 0
        elif action in (Move.MoveLeft, Move.MovePrevious):
            row = max(0, row - 1)
        elif action in (Move.MoveRight, Move.MoveNext):
            row = min(n - 1, row + 1)
        elif action == Move.MoveUp:
            row = self.layout_.neighbour(row, down=False)
        elif action == Move.MoveDown:
            row = self.layout_.neighbour(row, down=True)
        elif action in (Move.MovePageUp, Move.MovePageDown):
            rect = self.layout_.rect(row)
            page = self.viewport().height() * (-1 if action == Move.MovePageUp else 1)
            y = max(0, min(self.layout_.height - 1, rect.center().y() + page))
            for dy in range(0, self.layout_.header_h + self.layout_.cell_h + 1, 8):  # off a header
                found = self.layout_.row_at(rect.center().x(), y + (dy if page > 0 else -dy))
                if found is not None:
                    row = found
                    break
            else:
                row = 0 if page < 0 else n - 1
        elif action == Move.MoveHome:
            row = 0
        elif action == Move.MoveEnd:
            row = n - 1
        return self.photo_model.index(row)

    def setSelection(self, rect, flags) -> None:
        off = self.verticalOffset()
        r = rect.normalized().translated(0, off)
        sel = QItemSelection()
        lay = self.layout_
        if lay.count:
            for s in lay.sections_between(r.top(), r.bottom()):
                for a, b in lay.rows_in(s, r.top(), r.bottom(), r.left(), r.right()):
                    sel.select(self.photo_model.index(a), self.photo_model.index(b))
        self.selectionModel().select(sel, flags)

    def visualRegionForSelection(self, selection) -> QRegion:
        return QRegion(self.viewport().rect())

    def selectedIndexes(self) -> list[QModelIndex]:
        return self.selectionModel().selectedIndexes()

    # -- painting ------------------------------------------------------------------------------

    def _repaint_rows(self, rows: list[int]) -> None:
        """Repaint these cells, those in view (one region, one paint)."""
        off, page = self.verticalOffset(), self.viewport().height()
        region = QRegion()
        for row in rows:
            if row < self.layout_.count:
                rect = self.layout_.rect(row)
                if rect.bottom() >= off and rect.top() <= off + page:
                    region += rect.translated(0, -off)
        if not region.isEmpty():
            self.viewport().update(region)

    def scrollContentsBy(self, dx: int, dy: int) -> None:  # noqa: N802 (Qt's name)
        """Move the pixels already painted and paint only the strip that comes into view.
        QAbstractItemView's own version repainted the whole viewport on every scroll step."""
        self.viewport().scroll(dx, dy)

    def paintEvent(self, event) -> None:
        painter = QPainter(self.viewport())
        lay = self.layout_
        if not lay.count:
            painter.end()
            return
        off = self.verticalOffset()
        width = self.viewport().width()
        selection = self.selectionModel()
        current = self.currentIndex().row() if self.currentIndex().isValid() else -1
        model = self.photo_model
        pal = self.palette()
        fm = self.fontMetrics()
        paint_cell = self.delegate.paint_cell
        focus = self.hasFocus()
        any_selected = selection.hasSelection()
        cell_w, cell_h = lay.cell_w, lay.cell_h
        done: set[int] = set()
        # The region's own rectangles, not its bounding box: a strip scrolled into view and a few
        # cells whose thumbnails arrived are painted, not everything between them.
        for area in event.region():
            y0, y1 = area.top() + off, area.bottom() + off
            for s in lay.sections_between(y0, y1):
                if lay.header_h and -1 - s not in done:
                    head = lay.header_rect(s, width).translated(0, -off)
                    if head.intersects(area):
                        painter.setFont(self._header_font)
                        painter.setPen(pal.color(QPalette.ColorRole.Text))
                        painter.drawText(head.adjusted(PAD + 4, 0, -PAD, -2), self._ALIGN_HEADER,
                                         month_label(int(lay.keys[s]), self.locale()))
                        painter.setFont(self.font())
                        done.add(-1 - s)
                for row, x, y in lay.cells_in(s, y0, y1, area.left(), area.right()):
                    if row in done:
                        continue
                    done.add(row)
                    selected = any_selected and selection.isSelected(model.index(row))
                    paint_cell(painter, QRect(x, y - off, cell_w, cell_h), row, selected,
                               row == self._hover or (row == current and not selected and focus), pal, fm)
        painter.end()

    _ALIGN_HEADER = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom

    @property
    def _header_font(self) -> QFont:
        font = QFont(self.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        return font

    def mouseMoveEvent(self, event) -> None:
        super().mouseMoveEvent(event)
        idx = self.indexAt(event.position().toPoint())
        row = idx.row() if idx.isValid() else -1
        if row != self._hover:
            for old in (self._hover, row):
                if old >= 0:
                    self.viewport().update(self.visualRect(self.photo_model.index(old)))
            self._hover = row

    def leaveEvent(self, event) -> None:
        super().leaveEvent(event)
        if self._hover >= 0:
            self.viewport().update(self.visualRect(self.photo_model.index(self._hover)))
            self._hover = -1

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

    def cell_size(self) -> int:
        return self.delegate.cell

    def replace_items(self, items: GridRows | Sequence[GridItem]) -> None:
        """New items, keeping the photo at the top of the view, the current photo and the selection."""
        model = self.photo_model
        top = self.indexAt(QPoint(PAD + 1, PAD + 1))
        top_id = top.data(PhotoIdRole) if top.isValid() else None
        offset = self.visualRect(top).top() if top.isValid() else 0
        at_start = self.verticalScrollBar().value() == 0
        current = self.current_photo_id()
        selected = [i.data(PhotoIdRole) for i in self.selectionModel().selectedIndexes()[:5000]]
        model.set_items(items)
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
        self._relayout()
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
