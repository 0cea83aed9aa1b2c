"""The status bar's permanent parts: indexing progress (its own label and bar, with Pause and
Cancel), the count of what the grid shows and of what is selected, and the thumbnail zoom.

Transient messages ("Searching…") go through QStatusBar.showMessage, which hides only the
status bar's normal widgets: nothing here is one, so a search refresh never overwrites
"Indexing 12 of 347", "Pausing after this batch…" or the final summary.
"""

from __future__ import annotations

import os
from typing import Any

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QSlider, QWidget

ZOOM_MIN, ZOOM_MAX, ZOOM_STEP = 96, 400, 24


class IndexProgress(QWidget):
    """Label + progress bar + Pause/Cancel: what the indexer is doing, and what it did last."""

    pause_clicked = Signal()
    cancel_clicked = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.label = QLabel("")
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.bar = QProgressBar(maximumWidth=160)
        self.bar.setTextVisible(False)
        self.bar.hide()
        self.pause_btn = QPushButton(self.tr("Pause"))
        self.pause_btn.setToolTip(self.tr("Pause indexing after the current batch"))
        self.pause_btn.clicked.connect(self.pause_clicked.emit)
        self.cancel_btn = QPushButton(self.tr("Cancel"))
        self.cancel_btn.setToolTip(self.tr("Stop indexing; what is done is kept, and the next run goes on from there"))
        self.cancel_btn.clicked.connect(self.cancel_clicked.emit)
        self.pause_btn.hide()
        self.cancel_btn.hide()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for w in (self.label, self.bar, self.pause_btn, self.cancel_btn):
            row.addWidget(w)

    def running(self, on: bool) -> None:
        self.bar.setVisible(on)
        self.pause_btn.setVisible(on)
        self.cancel_btn.setVisible(on)
        if on:
            self.bar.setRange(0, 0)
            self.pause_btn.setText(self.tr("Pause"))

    def say(self, text: str) -> None:
        self.label.setText(text)

    def show_progress(self, p: Any) -> None:
        """One Progress event from the indexer."""
        loc = QLocale()
        if getattr(p, "switch_to", "") and p.phase in ("switch", "embed") and not p.paused:
            self._show_switch(p, loc)
        elif p.phase == "embed" and p.total:
            self.bar.setRange(0, p.total)
            self.bar.setValue(p.done)
            if p.paused:
                text = self.tr("Paused: {done} of {total}").format(done=loc.toString(p.done), total=loc.toString(p.total))
            else:
                text = self.tr("Indexing {done} of {total}").format(done=loc.toString(p.done), total=loc.toString(p.total))
            if p.eta_s and not p.paused:
                text += " · " + self._time_left(p.eta_s)
            self.label.setText(text)
            self.label.setToolTip(os.path.basename(p.current) if p.current else "")
        elif p.phase == "waiting" and p.current:
            self.label.setText(p.current)
        elif p.phase == "scan":
            self.label.setText(self.tr("Looking for new and changed photos…"))
        elif p.phase == "faces":
            self.label.setText(self.tr("Grouping faces into people…"))
        elif p.phase == "duplicates":
            self.label.setText(self.tr("Looking for duplicates…"))
        elif p.phase == "backup":
            self.label.setText(self.tr("Backing up the catalog…"))
        elif p.current:
            self.label.setText(p.current)

    def _time_left(self, eta_s: float) -> str:
        minutes, seconds = int(eta_s // 60), max(1, round(eta_s))
        return self.tr("about %n min left", "", minutes) if minutes else self.tr("about %n s left", "", seconds)

    def _show_switch(self, p: Any, loc: QLocale) -> None:
        """A CLIP model switch under way: what is happening, how far it is, how long it will take,
        and that search keeps answering meanwhile."""
        key = p.switch_to
        name = key.split(":")[1] if key.count(":") >= 2 else key  # "open_clip:<model>:<weights>"
        done, total = min(p.switch_done, p.switch_total), p.switch_total
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)
        count = self.tr("Switching search to %1: %L2 of %Ln photos", "", total).replace(
            "%1", name).replace("%L2", loc.toString(done))
        if p.eta_s:
            text = self.tr("{count}, {time_left}; search uses the old model until then").format(
                count=count, time_left=self._time_left(p.eta_s))
        else:
            text = self.tr("{count}; search uses the old model until then").format(count=count)
        self.label.setText(text)
        self.label.setToolTip(self.tr("Search is moving to another model: every photo gets a new vector "
                                      "in the background. Until all have one, search answers with the "
                                      "previous model."))

    def summary(self, report: Any) -> str:
        """The last run in words that are true: nothing to say when nothing changed."""
        parts = []
        if report.embedded:
            parts.append(self.tr("%n photos indexed", "", report.embedded))
        if report.moved:
            parts.append(self.tr("%n moved", "", report.moved))
        if report.removed:
            parts.append(self.tr("%n removed", "", report.removed))
        if report.failed:
            parts.append(self.tr("%n could not be read", "", report.failed))
        if report.cancelled:
            text = self.tr("Indexing cancelled") + (": " + ", ".join(parts) if parts else "")
        elif parts:
            text = self.tr("Up to date") + ": " + ", ".join(parts)
        else:
            text = ""  # an ordinary start with nothing new: no "0 photos embedded"
        self.label.setText(text)
        return text


class CountLabel(QLabel):
    """"1,234 photos" and, when some are selected, "3 selected"."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.shown = ""
        self.selected = 0

    def set_shown(self, text: str) -> None:
        self.shown = text
        self._update()

    def set_selected(self, n: int) -> None:
        self.selected = n
        self._update()

    def _update(self) -> None:
        parts = [self.shown] if self.shown else []
        if self.selected > 1:
            parts.append(self.tr("%n selected", "", self.selected))
        self.setText(" · ".join(parts))


class ZoomSlider(QSlider):
    """Thumbnail size, in pixels of cell width."""

    def __init__(self, value: int, parent=None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setRange(ZOOM_MIN, ZOOM_MAX)
        self.setSingleStep(ZOOM_STEP)
        self.setPageStep(ZOOM_STEP)
        self.setFixedWidth(120)
        self.setValue(value)
        self.setToolTip(self.tr("Thumbnail size (Ctrl+wheel, Ctrl+plus, Ctrl+minus)"))
