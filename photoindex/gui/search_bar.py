"""The bar above the grid: the search field (debounced as you type, Enter runs at once) and chips
that narrow the search: a person, a folder, a date range, plus the sort order. Under the field,
as the user types, people and folders whose names match the word being typed are offered as
chips (click, or Tab for the first, applies one as a filter); they come from the library off
the GUI thread."""

from __future__ import annotations

import logging
import os
import re
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QIcon, QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from photoindex.gui.controllers import SORT_NEWEST, SORT_OLDEST, SORT_RELEVANCE

log = logging.getLogger(__name__)

DEBOUNCE_MS = 300
SUGGEST_MS = 120
"""Suggestions follow the typing sooner than the search does (they are a cheap look-up)."""
MAX_SUGGESTIONS = 6
DATE_PRESETS: list[int | str | None] = [None, 30, 365, "year", "last"]
ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
_HANGUL = re.compile(r"[\uac00-\ud7a3]")

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
    button.setIconSize(QSize(14, 14))
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    return button


def _set_active(chip: QToolButton, active: bool) -> None:
    chip.setProperty("active", active)
    chip.style().unpolish(chip)
    chip.style().polish(chip)


def kind_icon(widget: QWidget, kind: str) -> QIcon:
    """A person's or a folder's icon: the desktop theme's, else one of ours (never an emoji,
    which machines without an emoji font draw as an empty box)."""
    if kind == "person":
        names, fallback = ("avatar-default", "user-identity"), QIcon(str(ICONS / "person.svg"))
    else:
        names, fallback = ("folder",), widget.style().standardIcon(QStyle.StandardPixmap.SP_DirIcon)
        if fallback.isNull():
            fallback = QIcon(str(ICONS / "folder.svg"))
    for name in names:
        if QIcon.hasThemeIcon(name):
            return QIcon.fromTheme(name)
    return fallback


class DateRangeDialog(QDialog):
    def __init__(self, start: QDate, end: QDate, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Photos taken between"))
        self.start = QDateEdit(start, calendarPopup=True, displayFormat="yyyy-MM-dd")
        self.end = QDateEdit(end, calendarPopup=True, displayFormat="yyyy-MM-dd")
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.tr("From"), self.start)
        form.addRow(self.tr("To"), self.end)
        form.addRow(box)


class SearchBar(QWidget):
    """Emits search_requested(force) when the query or a filter changed; the window runs it.
    person_chosen(id) and folder_chosen(path): a suggestion chip was applied."""

    search_requested = Signal(bool)
    sort_changed = Signal()
    settings_requested = Signal()
    person_cleared = Signal()
    person_chosen = Signal(int)
    folder_chosen = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setStyleSheet(CHIP_STYLE)
        self.edit = QLineEdit(placeholderText=self.tr(
            "Search your photos: “dog on a beach at sunset”, a folder, a person’s name, “beach + sunset - people”…"))
        self.edit.setClearButtonEnabled(True)
        self.edit.setMinimumHeight(30)
        self.edit.setToolTip(self.tr(
            "Type what the photo shows, a folder’s or a file’s name, or a person’s name. Combine ideas: "
            "“beach + 2:sunset - people”; a path to an image works as a term. Ctrl+F or Ctrl+K comes here."))
        self.debounce = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self.debounce.timeout.connect(lambda: self.search_requested.emit(False))
        self.edit.textChanged.connect(self._typed)
        self.edit.returnPressed.connect(lambda: self.search_requested.emit(True))
        self.edit.installEventFilter(self)

        self.person_chip = _chip("", self.tr("Only photos of this person; click to show everyone"))
        self.person_chip.setIcon(kind_icon(self, "person"))
        self.person_chip.clicked.connect(self.person_cleared.emit)
        self.person_chip.hide()
        self.folder: str | None = None
        self.folder_chip = _chip(self.tr("All folders"), self.tr("Only photos in one folder"))
        self.folder_chip.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.folder_chip.setMenu(QMenu(self.folder_chip))
        self.roots: list[str] = []
        self.folder_chip.menu().aboutToShow.connect(self._fill_folder_menu)
        self.dates: tuple[float | None, float | None] = (None, None)
        self.date_chip = _chip(self.tr("Any time"), self.tr("Only photos taken in a date range"))
        self.date_chip.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.date_chip)
        for value in DATE_PRESETS:
            label = self._preset_label(value)
            menu.addAction(label, lambda v=value, label=label: self.set_preset(label, v))
        menu.addSeparator()
        menu.addAction(self.tr("Between dates…"), self._custom_range)
        self.date_chip.setMenu(menu)
        # The order in force: by relevance only for a search (the default there); browsing is by
        # date, newest first unless the user chose otherwise (set_browsing). Indexes are the
        # controllers' SORT_RELEVANCE, SORT_NEWEST, SORT_OLDEST.
        self.sort = QComboBox()
        self.sort.addItems([self.tr("Relevance"), self.tr("Newest first"), self.tr("Oldest first")])
        self.sort.setCurrentIndex(SORT_NEWEST)
        self.browsing = True
        # The user's explicit choices, kept while they apply: a date order chosen holds for browsing
        # and searching alike; relevance chosen in a search leaves browsing's date order as it was.
        self.search_choice: int | None = None
        self.browse_choice: int | None = None
        self._syncing = False
        self.sort.currentIndexChanged.connect(self._sort_chosen)
        self._update_sort_tip()
        self.relevant_only = QCheckBox(self.tr("Only relevant"))
        self.relevant_only.setChecked(True)
        self.relevant_only.setToolTip(self.tr("Show only the photos that stand out for the search; "
                                              "untick to see the closest matches anyway"))
        self.relevant_only.toggled.connect(lambda _c: self.search_requested.emit(True))
        settings = QToolButton()
        settings.setIcon(QIcon.fromTheme("preferences-system",
                                         self.style().standardIcon(QStyle.StandardPixmap.SP_FileDialogDetailedView)))
        settings.setAutoRaise(True)
        settings.setToolTip(self.tr("Settings"))
        settings.setAccessibleName(self.tr("Settings"))
        settings.clicked.connect(self.settings_requested.emit)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        for w in (self.person_chip, self.folder_chip, self.date_chip, self.sort, self.relevant_only, settings):
            row.addWidget(w)

        # Suggestions: a row of chips under the field, shown while there are some.
        self.suggestions: list[Any] = []
        self.suggestion_row = QWidget()
        self._suggestion_layout = QHBoxLayout(self.suggestion_row)
        self._suggestion_layout.setContentsMargins(0, 2, 0, 0)
        self._suggestion_hint = QLabel(self.tr("Tab applies the first:"))
        self._suggestion_hint.setEnabled(False)
        self._suggestion_layout.addWidget(self._suggestion_hint)
        self._suggestion_layout.addStretch(1)
        self.suggestion_row.hide()
        self._suggest_timer = QTimer(self, singleShot=True, interval=SUGGEST_MS)
        self._suggest_timer.timeout.connect(self._ask_suggestions)
        self._library: Any = None
        self._runner: Any = None
        self._asked = 0
        self._korean_warmed = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addLayout(row)
        outer.addWidget(self.suggestion_row)

    # -- query ---------------------------------------------------------------------------------

    def text(self) -> str:
        return self.edit.text().strip()

    def set_person(self, label: str | None) -> None:
        if label is None:
            self.person_chip.hide()
        else:
            self.person_chip.setText(self.tr("{name} ✕").format(name=label))
            _set_active(self.person_chip, True)
            self.person_chip.show()

    def _typed(self, _text: str) -> None:
        self.debounce.start()
        if self._library is not None:
            self._suggest_timer.start()

    # -- suggestions ---------------------------------------------------------------------------

    def attach(self, library: Any, runner: Any) -> None:
        """Where suggestions come from: library.suggest, run on runner (a TaskRunner) so that the
        GUI thread never reads the catalog. The name index is built now, in the background."""
        self._library, self._runner = library, runner
        runner.submit(lambda: library.warm_text(korean=False), lambda _r: None)

    def _ask_suggestions(self) -> None:
        text = self.edit.text()
        self._asked += 1
        token = self._asked
        words = text.split()
        if not words or text.endswith(" ") or words[-1] in ("+", "-"):
            self.show_suggestions([])
            return
        library = self._library
        korean = bool(_HANGUL.search(text)) and not self._korean_warmed
        self._korean_warmed = self._korean_warmed or korean

        def job() -> list[Any]:
            if korean:
                library.warm_text(korean=True)  # the analyser loads in the background meanwhile
            return library.suggest(text, MAX_SUGGESTIONS)

        def done(found: list[Any]) -> None:
            if token == self._asked:  # typing went on meanwhile: a newer answer is coming
                self.show_suggestions(found)

        self._runner.submit(job, done)

    def show_suggestions(self, found: list[Any]) -> None:
        """found: Suggestion(kind, label, value) of people and folders; empty hides the row."""
        for button in self.suggestion_row.findChildren(QToolButton):
            self._suggestion_layout.removeWidget(button)
            button.deleteLater()
        # A filter already applied is not offered again.
        self.suggestions = [s for s in found if not (s.kind == "folder" and s.value == self.folder)]
        for i, s in enumerate(self.suggestions):
            if s.kind == "person":
                tip = self.tr("Only photos of {name}").format(name=s.label)
            else:
                tip = self.tr("Only photos in {folder}").format(folder=s.value)
            chip = _chip(s.label, tip)
            chip.setIcon(kind_icon(self, s.kind))
            chip.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            chip.clicked.connect(lambda _c=False, s=s: self.apply_suggestion(s))
            self._suggestion_layout.insertWidget(1 + i, chip)
        self.suggestion_row.setVisible(bool(self.suggestions))

    def apply_suggestion(self, s: Any) -> None:
        """Apply a suggestion as a filter; the word it completed leaves the query."""
        words = self.edit.text().split()
        rest = " ".join(words[:-1]).rstrip(" +-")
        self.show_suggestions([])
        self.edit.blockSignals(True)  # one search, for the filter, not two
        self.edit.setText(rest + " " if rest else "")
        self.edit.blockSignals(False)
        self._asked += 1  # an answer still on its way is for the old text
        if s.kind == "person":
            self.person_chosen.emit(int(s.value))
        else:
            self.folder_chosen.emit(s.value)

    def set_browsing(self, browsing: bool) -> None:
        """Browsing (no query: photos by date) or a search (scores to order by): the combo offers
        and shows the order that is in force, without emitting sort_changed."""
        self.browsing = browsing
        item = self.sort.model().item(SORT_RELEVANCE)
        item.setEnabled(not browsing)
        if browsing:
            order = self.browse_choice if self.browse_choice is not None else SORT_NEWEST
        else:
            order = self.search_choice if self.search_choice is not None else SORT_RELEVANCE
        self._syncing = True
        try:
            self.sort.setCurrentIndex(order)
        finally:
            self._syncing = False
        self._update_sort_tip()

    def order(self) -> int:
        return self.sort.currentIndex()

    def _sort_chosen(self, index: int) -> None:
        if self._syncing:
            return
        if self.browsing and index == SORT_RELEVANCE:  # nothing to rank by: back to the date order
            self.set_browsing(True)
            return
        self.search_choice = index
        if index in (SORT_NEWEST, SORT_OLDEST):
            self.browse_choice = index
        self.sort_changed.emit()

    def _update_sort_tip(self) -> None:
        self.sort.setToolTip(self.tr("Photos are shown by date; a search can also order them by relevance")
                             if self.browsing else self.tr("Results stay the relevant ones; this only orders them"))

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.edit and self.suggestions and isinstance(event, QKeyEvent):
            key = event.key()
            if event.type() == QEvent.Type.ShortcutOverride and key in (Qt.Key.Key_Tab, Qt.Key.Key_Escape):
                event.accept()  # ours while suggestions show, not the window's shortcut
                return True
            if event.type() != QEvent.Type.KeyPress:
                return super().eventFilter(obj, event)
            if key == Qt.Key.Key_Tab:
                self.apply_suggestion(self.suggestions[0])
                return True
            if key == Qt.Key.Key_Escape:
                self.show_suggestions([])
                return True
        return super().eventFilter(obj, event)

    # -- folder --------------------------------------------------------------------------------

    def _fill_folder_menu(self) -> None:
        menu = self.folder_chip.menu()
        menu.clear()
        menu.addAction(self.tr("All folders"), lambda: self.set_folder(None))
        for root in self.roots:
            menu.addAction(kind_icon(self, "folder"), root, lambda r=root: self.set_folder(r))

    def set_folder(self, folder: str | None, emit: bool = True) -> None:
        self.folder = folder
        self.folder_chip.setText(os.path.basename(folder.rstrip(os.sep)) or folder if folder else self.tr("All folders"))
        self.folder_chip.setIcon(kind_icon(self, "folder") if folder else QIcon())
        self.folder_chip.setToolTip(folder or self.tr("Only photos in one folder"))
        _set_active(self.folder_chip, folder is not None)
        if emit:
            self.search_requested.emit(True)

    # -- dates ---------------------------------------------------------------------------------

    def _preset_label(self, value: int | str | None) -> str:
        return {None: self.tr("Any time"), 30: self.tr("Last 30 days"), 365: self.tr("Last 12 months"),
                "year": self.tr("This year"), "last": self.tr("Last year")}[value]

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
        self.date_chip.setText(self.tr("{start} – {end}").format(start=start.toString("yyyy-MM-dd"),
                                                                 end=end.toString("yyyy-MM-dd")))
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
