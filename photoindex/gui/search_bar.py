"""The bar above the grid: the search field (debounced as you type, Enter runs at once) and chips
that narrow the search: a person, a folder, a date range, plus the sort order."""

from __future__ import annotations

import os
import time

from PySide6.QtCore import QDate, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QToolButton,
    QWidget,
)

DEBOUNCE_MS = 300
DATE_PRESETS: list[tuple[str, int | str | None]] = [
    ("Any time", None), ("Last 30 days", 30), ("Last 12 months", 365), ("This year", "year"), ("Last year", "last"),
]
SORTS = ["Relevance", "Newest first", "Oldest first"]

# Rounded "chips": colours come from the palette, so the light and the dark theme both hold.
CHIP_STYLE = """
QToolButton[chip="true"] { border: 1px solid palette(mid); border-radius: 11px; padding: 3px 10px; }
QToolButton[chip="true"]:hover { background: palette(midlight); }
QToolButton[chip="true"][active="true"] { background: palette(highlight); color: palette(highlighted-text);
                                           border-color: palette(highlight); }
QToolButton[chip="true"]::menu-indicator { image: none; width: 0; }
"""


def _chip(text: str, tip: str) -> QToolButton:
    button = QToolButton(text=text)
    button.setProperty("chip", True)
    button.setProperty("active", False)
    button.setToolTip(tip)
    button.setAutoRaise(False)
    return button


def _set_active(chip: QToolButton, active: bool) -> None:
    chip.setProperty("active", active)
    chip.style().unpolish(chip)
    chip.style().polish(chip)


class DateRangeDialog(QDialog):
    def __init__(self, start: QDate, end: QDate, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Photos taken between")
        self.start = QDateEdit(start, calendarPopup=True, displayFormat="yyyy-MM-dd")
        self.end = QDateEdit(end, calendarPopup=True, displayFormat="yyyy-MM-dd")
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("From", self.start)
        form.addRow("To", self.end)
        form.addRow(box)


class SearchBar(QWidget):
    """Emits search_requested(force) when the query or a filter changed; the window runs it."""

    search_requested = Signal(bool)
    sort_changed = Signal()
    settings_requested = Signal()
    person_cleared = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setStyleSheet(CHIP_STYLE)
        self.edit = QLineEdit(placeholderText="Search your photos: “dog on a beach at sunset”, “beach + sunset - people”…")
        self.edit.setClearButtonEnabled(True)
        self.edit.setMinimumHeight(30)
        self.edit.setToolTip("Type what the photo shows. Combine ideas: “beach + 2:sunset - people”; "
                             "a path to an image works as a term. Ctrl+F or Ctrl+K comes here.")
        self.debounce = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self.debounce.timeout.connect(lambda: self.search_requested.emit(False))
        self.edit.textChanged.connect(lambda _t: self.debounce.start())
        self.edit.returnPressed.connect(lambda: self.search_requested.emit(True))

        self.person_chip = _chip("", "Only photos of this person; click to show everyone")
        self.person_chip.clicked.connect(self.person_cleared.emit)
        self.person_chip.hide()
        self.folder: str | None = None
        self.folder_chip = _chip("All folders", "Only photos in one folder")
        self.folder_chip.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.folder_chip.setMenu(QMenu(self.folder_chip))
        self.roots: list[str] = []
        self.folder_chip.menu().aboutToShow.connect(self._fill_folder_menu)
        self.dates: tuple[float | None, float | None] = (None, None)
        self.date_chip = _chip("Any time", "Only photos taken in a date range")
        self.date_chip.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.date_chip)
        for label, value in DATE_PRESETS:
            menu.addAction(label, lambda v=value, label=label: self.set_preset(label, v))
        menu.addSeparator()
        menu.addAction("Between dates…", self._custom_range)
        self.date_chip.setMenu(menu)
        self.sort = QComboBox()
        self.sort.addItems(SORTS)
        self.sort.setToolTip("Results stay the relevant ones; this only orders them")
        self.sort.currentIndexChanged.connect(lambda _i: self.sort_changed.emit())
        self.relevant_only = QCheckBox("Only relevant")
        self.relevant_only.setChecked(True)
        self.relevant_only.setToolTip("Show only the photos that stand out for the search; "
                                      "untick to see the closest matches anyway")
        self.relevant_only.toggled.connect(lambda _c: self.search_requested.emit(True))
        settings = QToolButton(text="⚙")
        settings.setAutoRaise(True)
        settings.setToolTip("Settings")
        settings.clicked.connect(self.settings_requested.emit)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        for w in (self.person_chip, self.folder_chip, self.date_chip, self.sort, self.relevant_only, settings):
            row.addWidget(w)

    # -- query ---------------------------------------------------------------------------------

    def text(self) -> str:
        return self.edit.text().strip()

    def set_person(self, label: str | None) -> None:
        if label is None:
            self.person_chip.hide()
        else:
            self.person_chip.setText(f"👤 {label} ✕")
            _set_active(self.person_chip, True)
            self.person_chip.show()

    # -- folder --------------------------------------------------------------------------------

    def _fill_folder_menu(self) -> None:
        menu = self.folder_chip.menu()
        menu.clear()
        menu.addAction("All folders", lambda: self.set_folder(None))
        for root in self.roots:
            menu.addAction(root, lambda r=root: self.set_folder(r))

    def set_folder(self, folder: str | None, emit: bool = True) -> None:
        self.folder = folder
        self.folder_chip.setText(f"📁 {os.path.basename(folder.rstrip(os.sep)) or folder}" if folder else "All folders")
        self.folder_chip.setToolTip(folder or "Only photos in one folder")
        _set_active(self.folder_chip, folder is not None)
        if emit:
            self.search_requested.emit(True)

    # -- dates ---------------------------------------------------------------------------------

    def set_preset(self, label: str, value: int | str | None) -> None:
        now = time.time()
        year = time.localtime(now).tm_year
        if value is None:
            self.dates = (None, None)
        elif value == "year":
            self.dates = (time.mktime((year, 1, 1, 0, 0, 0, 0, 0, -1)), None)
        elif value == "last":
            self.dates = (time.mktime((year - 1, 1, 1, 0, 0, 0, 0, 0, -1)),
                          time.mktime((year, 1, 1, 0, 0, 0, 0, 0, -1)) - 1)
        else:
            self.dates = (now - int(value) * 86400, None)
        self.date_chip.setText(label)
        _set_active(self.date_chip, value is not None)
        self.search_requested.emit(True)

    def set_date_range(self, start: QDate, end: QDate) -> None:
        if end < start:
            start, end = end, start
        begin = start.startOfDay().toSecsSinceEpoch()
        finish = end.endOfDay().toSecsSinceEpoch()
        self.dates = (float(begin), float(finish))
        self.date_chip.setText(f"{start.toString('yyyy-MM-dd')} – {end.toString('yyyy-MM-dd')}")
        _set_active(self.date_chip, True)
        self.search_requested.emit(True)

    def _custom_range(self) -> None:
        today = QDate.currentDate()
        start = QDate.fromJulianDay(int(self.dates[0] // 86400) + 2440588) if self.dates[0] else today.addYears(-1)
        dlg = DateRangeDialog(start, today, self)
        if dlg.exec():
            self.set_date_range(dlg.start.date(), dlg.end.date())

    def date_range(self) -> tuple[float | None, float | None]:
        return self.dates
