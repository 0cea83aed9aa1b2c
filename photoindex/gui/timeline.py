"""The timeline: the grid's photos in sections under month headers ("August 2019", "2019년 8월"),
and a year scrubber beside them.

TimelineLayout is plain arithmetic over numpy arrays (no Qt): where each cell and header is, and
which cell a point falls on, in O(log sections) per question, so 100,000 photos lay out in about
a millisecond and a frame asks only for the cells it shows. Without headers (search results in
order of relevance) the layout is one section with no header.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QCoreApplication, QDate, QLocale, QRect, Qt, Signal
from PySide6.QtGui import QMouseEvent, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QWidget


def month_keys(dates: np.ndarray) -> np.ndarray:
    """year * 12 + (month - 1) of each date (seconds since the epoch, local time); -1 for none."""
    offset = -time.timezone if not time.daylight else -time.altzone  # local time, to the month
    ok = np.isfinite(dates)
    months = np.full(len(dates), -1, dtype=np.int64)
    if ok.any():
        local = (dates[ok] + offset).astype("datetime64[s]").astype("datetime64[M]").astype(np.int64)
        months[ok] = local + 1970 * 12  # datetime64[M] counts months from January 1970
    return months


_label_cache: dict[tuple[str, int], str] = {}


def month_label(key: int, locale: QLocale | None = None) -> str:
    """'August 2019' / '2019년 8월': the locale's long date format without its day and weekday."""
    loc = locale or QLocale()
    cached = _label_cache.get((loc.name(), key))
    if cached is not None:
        return cached
    if key < 0:
        text = QCoreApplication.translate("Timeline", "No date")
    else:
        fmt = loc.dateFormat(QLocale.FormatType.LongFormat)
        fmt = re.sub(r"d{3,4}[,\s]*", "", fmt)  # the weekday
        fmt = re.sub(r"d{1,2}(?:일|日)?\.?,?\s*", "", fmt).strip(" ,.")  # the day
        text = loc.toString(QDate(key // 12, key % 12 + 1, 1), fmt or "MMMM yyyy")
    _label_cache[(loc.name(), key)] = text
    return text


@dataclass
class TimelineLayout:
    """Cells of cell_w x cell_h in `columns` columns; each section starts a new row under a
    header_h header. starts[s]: the first item of section s; tops[s]: its header's y."""

    columns: int = 1
    cell_w: int = 1
    cell_h: int = 1
    header_h: int = 0
    count: int = 0
    starts: np.ndarray = field(default_factory=lambda: np.zeros(1, np.int64))
    tops: np.ndarray = field(default_factory=lambda: np.zeros(1, np.int64))
    keys: np.ndarray = field(default_factory=lambda: np.zeros(1, np.int64))
    height: int = 0

    @classmethod
    def build(cls, months: np.ndarray | None, count: int, columns: int, cell_w: int, cell_h: int,
              header_h: int) -> TimelineLayout:
        if months is None or count == 0:
            starts = np.zeros(1, np.int64)
            keys = np.full(1, -2, np.int64)
            header_h = 0
        else:
            change = np.flatnonzero(np.diff(months[:count])) + 1
            starts = np.concatenate(([0], change)).astype(np.int64)
            keys = months[starts]
        sizes = np.diff(np.append(starts, count))
        rows = (sizes + columns - 1) // columns
        heights = header_h + rows * cell_h
        tops = np.concatenate(([0], np.cumsum(heights)[:-1])).astype(np.int64)
        return cls(columns, cell_w, cell_h, header_h, count, starts, tops, keys, int(heights.sum()))

    def section_of(self, row: int) -> int:
        return int(np.searchsorted(self.starts, row, side="right")) - 1

    def rect(self, row: int) -> QRect:
        s = self.section_of(row)
        k = row - int(self.starts[s])
        y = int(self.tops[s]) + self.header_h + (k // self.columns) * self.cell_h
        return QRect((k % self.columns) * self.cell_w, y, self.cell_w, self.cell_h)

    def header_rect(self, s: int, width: int) -> QRect:
        return QRect(0, int(self.tops[s]), width, self.header_h)

    def row_at(self, x: int, y: int) -> int | None:
        if self.count == 0 or y < 0 or y >= self.height or x < 0 or x >= self.columns * self.cell_w:
            return None
        s = int(np.searchsorted(self.tops, y, side="right")) - 1
        inside = y - int(self.tops[s]) - self.header_h
        if inside < 0:
            return None  # on the header
        k = (inside // self.cell_h) * self.columns + x // self.cell_w
        end = int(self.starts[s + 1]) if s + 1 < len(self.starts) else self.count
        row = int(self.starts[s]) + k
        return row if row < end else None

    def sections_between(self, y0: int, y1: int) -> range:
        first = max(0, int(np.searchsorted(self.tops, y0, side="right")) - 1)
        last = int(np.searchsorted(self.tops, y1, side="right"))
        return range(first, min(last, len(self.starts)))

    def rows_in(self, s: int, y0: int, y1: int, x0: int = 0, x1: int | None = None) -> list[tuple[int, int]]:
        """(first, last) item ranges of section s in the band y0..y1 and columns x0..x1, one per
        visual row."""
        end = int(self.starts[s + 1]) if s + 1 < len(self.starts) else self.count
        start = int(self.starts[s])
        top = int(self.tops[s]) + self.header_h
        r0 = max(0, (y0 - top) // self.cell_h)
        r1 = (y1 - top) // self.cell_h
        c0 = max(0, x0 // self.cell_w)
        c1 = self.columns - 1 if x1 is None else min(self.columns - 1, x1 // self.cell_w)
        out = []
        for r in range(r0, r1 + 1):
            a = start + r * self.columns + c0
            b = min(start + r * self.columns + c1, end - 1)
            if a >= end:
                break
            if a <= b:
                out.append((a, b))
        return out

    def cells_in(self, s: int, y0: int, y1: int, x0: int = 0, x1: int | None = None) -> list[tuple[int, int, int]]:
        """(row, x, y) of every cell of section s in the band y0..y1 and columns x0..x1: plain
        integer arithmetic, no numpy call per cell (a frame asks for a few dozen)."""
        start = int(self.starts[s])
        top = int(self.tops[s]) + self.header_h
        columns, cell_w, cell_h = self.columns, self.cell_w, self.cell_h
        out = []
        for a, b in self.rows_in(s, y0, y1, x0, x1):
            k = a - start
            y = top + (k // columns) * cell_h
            x = (k % columns) * cell_w
            out.extend((row, x + i * cell_w, y) for i, row in enumerate(range(a, b + 1)))
        return out

    def neighbour(self, row: int, down: bool) -> int:
        """The item above or below (same column, the nearest one in a shorter row)."""
        s = self.section_of(row)
        start = int(self.starts[s])
        end = int(self.starts[s + 1]) if s + 1 < len(self.starts) else self.count
        k = row - start
        col = k % self.columns
        if down:
            if k + self.columns < end - start:
                return row + self.columns
            if (k // self.columns) < (end - start - 1) // self.columns:
                return end - 1  # the last, shorter row of this section
            if s + 1 >= len(self.starts):
                return row
            nxt_end = int(self.starts[s + 2]) if s + 2 < len(self.starts) else self.count
            return min(end + col, nxt_end - 1)
        if k >= self.columns:
            return row - self.columns
        if s == 0:
            return row
        prev = int(self.starts[s - 1])
        last_row_first = prev + ((start - prev - 1) // self.columns) * self.columns
        return min(last_row_first + col, start - 1)

    def years(self) -> list[tuple[int, int]]:
        """(year, y of its first header), in the order shown."""
        out: list[tuple[int, int]] = []
        for key, top in zip(self.keys.tolist(), self.tops.tolist(), strict=True):
            if key >= 0 and (not out or out[-1][0] != key // 12):
                out.append((key // 12, top))
        return out


class YearScrubber(QWidget):
    """A strip beside the grid with the years at the height of their photos; click or drag to
    jump there (as in Google Photos and digiKam)."""

    jump_requested = Signal(int)  # content y

    WIDTH = 46

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setFixedWidth(self.WIDTH)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(self.tr("Jump to a year"))
        self.years: list[tuple[int, int]] = []
        self.total = 1
        self.view_top = 0
        self.view_h = 0

    def set_years(self, years: list[tuple[int, int]], total: int) -> None:
        self.years = years
        self.total = max(1, total)
        self.update()

    def set_view(self, top: int, height: int) -> None:
        if (top, height) != (self.view_top, self.view_h):
            self.view_top, self.view_h = top, height
            self.update()

    def _y(self, content_y: int) -> int:
        return int(content_y / self.total * max(1, self.height() - 16)) + 8

    def paintEvent(self, _event) -> None:
        """The years are drawn once into a pixmap (per size, palette and library); a frame while
        scrolling only moves the highlight over it."""
        key = (self.width(), self.height(), self.total, tuple(self.years), self.palette().cacheKey(),
               self.devicePixelRatioF())
        if key != self._labels_key:
            self._labels = self._draw_labels()
            self._labels_key = key
        painter = QPainter(self)
        mark = self.palette().color(QPalette.ColorRole.Highlight)
        mark.setAlpha(60)
        top, bottom = self._y(self.view_top), self._y(self.view_top + self.view_h)
        painter.fillRect(QRect(2, top, self.width() - 4, max(3, bottom - top)), mark)
        painter.drawPixmap(0, 0, self._labels)
        painter.end()

    _labels_key: tuple = ()

    def _draw_labels(self) -> QPixmap:
        dpr = self.devicePixelRatioF()
        labels = QPixmap(int(self.width() * dpr), int(self.height() * dpr))
        labels.setDevicePixelRatio(dpr)
        labels.fill(Qt.GlobalColor.transparent)
        painter = QPainter(labels)
        painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
        font = self.font()
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
        painter.setFont(font)
        fm = painter.fontMetrics()
        last = -fm.height()
        loc = QLocale()
        for year, y in self.years:
            py = self._y(y)
            if py - last < fm.height():  # too close to the one above: every year cannot fit
                continue
            painter.drawText(QRect(0, py - fm.height() // 2, self.width(), fm.height()),
                             Qt.AlignmentFlag.AlignCenter, loc.toString(year).replace(loc.groupSeparator(), ""))
            last = py
        painter.end()
        return labels

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._jump(event.position().y())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._jump(event.position().y())

    def _jump(self, y: float) -> None:
        content = (y - 8) / max(1, self.height() - 16) * self.total
        # Snap to the year whose label is nearest, so a click on "2019" lands on its first photo.
        if self.years:
            year_y = min(self.years, key=lambda yy: abs(self._y(yy[1]) - y))[1]
            if abs(self._y(year_y) - y) < 10:
                content = year_y
        self.jump_requested.emit(int(max(0, content)))
