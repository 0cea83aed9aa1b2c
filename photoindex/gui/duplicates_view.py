"""Duplicates: the groups of exact copies, near-copies and similar shots, each opened side by side
with one zoom and pan for every photo, the facts under each and the suggested keeper marked.
Keep/Trash per photo; Move to Trash (this group) or Apply suggestions to all groups, each after a
confirmation that says how many files and how much space; then the report and Undo.

Every catalog read and write (groups, trash, undo) runs on one worker, in order (TaskRunner);
images are decoded on another. Results come back by signal; the widget only needs
`library.duplicates`, `library.thumbnail_path` and `library.preview_image`.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QDateTime, QLocale, QObject, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QImage, QMouseEvent, QPainter, QPalette, QPixmap, QWheelEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSizePolicy,
    QSlider,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from photoindex.core.types import DUPLICATE_KINDS, CleanupReport, DuplicateGroup, DuplicatePhoto
from photoindex.gui.tasks import TaskRunner

log = logging.getLogger(__name__)

PREVIEW_SIDE = 1600  # short side decoded for the comparison: enough to zoom in on detail
MAX_ZOOM = 32.0
WHEEL_STEP = 1.25  # zoom factor per wheel notch
SIMILAR_FLOOR = 85  # the slider's range, in hundredths of DINOv2 cosine: pairs are stored from 0.85
SKIPPED_SHOWN = 20
CARD_WIDTH = 270  # every card as wide, and its facts as tall: the panes are the same size


class ZoomState(QObject):
    """One zoom and pan shared by every pane of a group. zoom: 1 = the whole photo fits its pane;
    centre: the point of the photo at the middle of each pane, in fractions of its width and
    height, so photos of different sizes (a half-size copy) show the same part of the picture."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.zoom = 1.0
        self.cx = 0.5
        self.cy = 0.5

    def set(self, zoom: float, cx: float, cy: float) -> None:
        zoom = min(MAX_ZOOM, max(1.0, zoom))
        if zoom <= 1.0:
            cx, cy = 0.5, 0.5  # the whole photo: nothing to pan
        cx, cy = min(1.0, max(0.0, cx)), min(1.0, max(0.0, cy))
        if (zoom, cx, cy) != (self.zoom, self.cx, self.cy):
            self.zoom, self.cx, self.cy = zoom, cx, cy
            self.changed.emit()

    def reset(self) -> None:
        self.set(1.0, 0.5, 0.5)


class ZoomPane(QWidget):
    """One photo drawn with the shared ZoomState: the wheel zooms around the cursor, a drag pans,
    a double-click shows the whole photo again."""

    def __init__(self, state: ZoomState, size: tuple[int, int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.image_size = (max(1, size[0]), max(1, size[1]))  # until a picture arrives: the catalog's
        self.pixmap: QPixmap | None = None
        self.message = ""
        self._drag: QPointF | None = None
        self.setMinimumSize(160, 160)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.OpenHandCursor)
        state.changed.connect(self.update)

    def set_image(self, image: QImage) -> None:
        if image.isNull():
            return
        if self.pixmap is not None and self.pixmap.width() >= image.width():
            return  # the preview came before the thumbnail
        self.pixmap = QPixmap.fromImage(image)
        self.image_size = (image.width(), image.height())
        self.update()

    def set_message(self, text: str) -> None:
        self.message = text
        self.update()

    def _geometry(self) -> tuple[float, float, float]:
        """Pixels per image pixel, and where the image's top-left corner is drawn."""
        iw, ih = self.image_size
        fit = min(self.width() / iw, self.height() / ih)
        scale = fit * self.state.zoom
        return scale, self.width() / 2 - self.state.cx * iw * scale, self.height() / 2 - self.state.cy * ih * scale

    def visible_region(self) -> QRectF:
        """The part of the photo this pane shows, in fractions of its width and height."""
        iw, ih = self.image_size
        scale, x0, y0 = self._geometry()
        left, top = max(0.0, -x0 / (iw * scale)), max(0.0, -y0 / (ih * scale))
        right = min(1.0, (self.width() - x0) / (iw * scale))
        bottom = min(1.0, (self.height() - y0) / (ih * scale))
        return QRectF(left, top, right - left, bottom - top)

    def zoom_at(self, pos: QPointF, factor: float) -> None:
        """Zoom by factor keeping the point of the photo under pos where it is."""
        iw, ih = self.image_size
        scale, x0, y0 = self._geometry()
        nx, ny = (pos.x() - x0) / (iw * scale), (pos.y() - y0) / (ih * scale)
        zoom = min(MAX_ZOOM, max(1.0, self.state.zoom * factor))
        new_scale = min(self.width() / iw, self.height() / ih) * zoom
        self.state.set(zoom, nx - (pos.x() - self.width() / 2) / (iw * new_scale),
                       ny - (pos.y() - self.height() / 2) / (ih * new_scale))

    def pan_by(self, dx: float, dy: float) -> None:
        iw, ih = self.image_size
        scale, _, _ = self._geometry()
        self.state.set(self.state.zoom, self.state.cx - dx / (iw * scale), self.state.cy - dy / (ih * scale))

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120
        if steps:
            self.zoom_at(event.position(), WHEEL_STEP ** steps)
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._drag = event.position()
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._drag is not None:
            delta = event.position() - self._drag
            self._drag = event.position()
            self.pan_by(delta.x(), delta.y())
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._drag = None
        self.setCursor(Qt.CursorShape.OpenHandCursor)
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self.state.reset()

    def paintEvent(self, _event: Any) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().color(QPalette.ColorRole.Base))
        if self.pixmap is None:
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.message or self.tr("Loading…"))
            return
        iw, ih = self.image_size
        scale, x0, y0 = self._geometry()
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, self.state.zoom < 4)
        painter.drawPixmap(QRectF(x0, y0, iw * scale, ih * scale), self.pixmap, QRectF(self.pixmap.rect()))


class PhotoCard(QFrame):
    """One photo of the group: the pane, its facts, the keeper mark and the Keep/Trash choice."""

    choice_changed = Signal(int, bool)  # photo id, goes to the Trash

    def __init__(self, photo: DuplicatePhoto, group: DuplicateGroup, trash: bool, state: ZoomState,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.photo = photo
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFixedWidth(CARD_WIDTH)
        self.pane = ZoomPane(state, (photo.width, photo.height))
        self.pane.setToolTip(self.tr("Wheel: zoom (every photo at once). Drag: move. Double-click: whole photo."))
        name = QLabel(f"<b>{_escape(os.path.basename(photo.path))}</b>")
        name.setToolTip(photo.path)
        folder = QLabel(_escape(os.path.dirname(photo.path)))
        folder.setToolTip(photo.path)
        folder.setStyleSheet("color: palette(placeholder-text);")
        folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        for label in (name, folder):  # a long name or folder does not widen its card: cards stay equal
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.facts = QLabel(self._facts())
        self.facts.setWordWrap(True)
        self.facts.setFixedHeight(7 * self.facts.fontMetrics().lineSpacing())
        self.facts.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.keeper = QLabel()
        self.keeper.setWordWrap(True)
        if photo.photo_id == group.keep:
            self.keeper.setText("★ " + self.tr("Suggested keeper: {reason}").format(
                reason=_escape(keeper_reason(group.reason))))
            self.keeper.setStyleSheet("color: palette(highlight); font-weight: bold;")
        self.keep_button = QRadioButton(self.tr("Keep"))
        self.trash_button = QRadioButton(self.tr("Move to Trash"))
        self.choice = QButtonGroup(self)
        self.choice.addButton(self.keep_button)
        self.choice.addButton(self.trash_button)
        (self.trash_button if trash else self.keep_button).setChecked(True)
        self.trash_button.toggled.connect(lambda on: self.choice_changed.emit(self.photo.photo_id, on))
        self.trash_button.toggled.connect(self._mark)
        choice_row = QHBoxLayout()
        choice_row.addWidget(self.keep_button)
        choice_row.addWidget(self.trash_button)
        choice_row.addStretch(1)
        # The mark sits above the photo, as tall on every card: the panes stay level and the same
        # size, so one zoom shows the same part of every photo. The full reason is in the tooltip.
        self.keeper.setFixedHeight(3 * self.keeper.fontMetrics().lineSpacing() + 2)
        self.keeper.setToolTip(self.keeper.text())
        self.keeper.setAlignment(Qt.AlignmentFlag.AlignBottom | Qt.AlignmentFlag.AlignLeft)
        layout = QVBoxLayout(self)
        layout.addWidget(self.keeper)
        layout.addWidget(self.pane, 1)
        layout.addWidget(name)
        layout.addWidget(folder)
        layout.addWidget(self.facts)
        layout.addLayout(choice_row)
        self._mark(trash)

    def goes_to_trash(self) -> bool:
        return self.trash_button.isChecked()

    def _mark(self, trash: bool) -> None:
        self.setStyleSheet("PhotoCard { border: 2px solid #c0392b; border-radius: 4px; }" if trash else "")

    def _facts(self) -> str:
        p = self.photo
        loc = QLocale()
        lines = [
            self.tr("{width} × {height} pixels").format(width=loc.toString(p.width), height=loc.toString(p.height)),
            self.tr("{size} on disk").format(size=loc.formattedDataSize(p.bytes)),
            self.tr("Sharpness {value}").format(value=loc.toString(float(p.sharpness), "f", 0)),
        ]
        if p.taken_at:
            lines.append(self.tr("Taken {date}").format(date=_date(loc, p.taken_at)))
        else:
            lines.append(self.tr("No capture date; file from {date}").format(date=_date(loc, p.mtime)))
        lines.append(_escape(p.camera) if p.camera else self.tr("No camera recorded"))
        return "<br>".join(lines)


@dataclass
class _Plan:
    """What a clean-up is about to do: photo ids to the Trash, and their bytes."""

    ids: list[int]
    size: int
    groups: int


class DuplicatesView(QWidget):
    libraryChanged = Signal()
    """Files went to the Trash or came back: the grid and the sidebar's count reload."""
    indexRequested = Signal()
    """Files came back from the Trash: they are indexed again."""

    def __init__(self, library: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.runner = TaskRunner(1, self)  # catalog: reads and clean-ups in the order asked
        self.images = TaskRunner(2, self)  # decoding the photos shown
        self.groups: list[DuplicateGroup] = []
        self.trash_choice: dict[tuple[int, ...], set[int]] = {}  # per group: the photos going to the Trash
        self.cards: list[PhotoCard] = []
        self.zoom = ZoomState(self)
        self.confirmation: QMessageBox | None = None
        self.last_report: CleanupReport | None = None
        self.busy = False
        self._loads = 0
        self._shown = 0  # token of the group shown, for its images

        self.kind = QComboBox()
        self.kind.addItem(self.tr("All kinds"), None)
        for kind in DUPLICATE_KINDS:
            self.kind.addItem(kind_label(self, kind), kind)
        self.kind.setToolTip(self.tr("Exact copies: the same bytes. Near-copies: the same photo resized, re-encoded, "
                                     "cropped, brightened or greyed. Similar shots: bursts and retakes."))
        self.kind.currentIndexChanged.connect(self._filters_changed)
        default = float(getattr(library.settings, "dup_similarity", 0.9))
        self.strictness = QSlider(Qt.Orientation.Horizontal)
        self.strictness.setRange(SIMILAR_FLOOR, 100)
        self.strictness.setValue(max(SIMILAR_FLOOR, min(100, round(default * 100))))
        self.strictness.setMaximumWidth(160)
        self.strictness.setToolTip(self.tr("How alike shots must be to count as similar (DINOv2 likeness); "
                                           "to the right: stricter, fewer groups"))
        self.strictness_label = QLabel()
        self._debounce = QTimer(self, singleShot=True, interval=250, timeout=self.reload)
        self.strictness.valueChanged.connect(self._strictness_moved)
        self.summary = QLabel()
        self.apply_all = QPushButton(self.tr("Apply suggestions to all groups…"))
        self.apply_all.setToolTip(self.tr("Keep the suggested photo of every group listed (or the ones you chose) "
                                          "and move the others to the Trash"))
        self.apply_all.clicked.connect(self.ask_apply_all)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Show:")))
        top.addWidget(self.kind)
        top.addSpacing(12)
        top.addWidget(self.strictness_label)
        top.addWidget(self.strictness)
        top.addSpacing(12)
        top.addWidget(self.summary, 1)
        top.addWidget(self.apply_all)

        self.report = QFrame()
        self.report.setObjectName("report")
        self.report.setStyleSheet("QFrame#report { border: 1px solid palette(mid); border-radius: 6px; "
                                  "background: palette(alternate-base); }")
        self.report_label = QLabel()
        self.report_label.setWordWrap(True)
        self.report_label.setTextFormat(Qt.TextFormat.PlainText)
        self.report_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.undo_button = QPushButton(self.tr("Undo"))
        self.undo_button.setToolTip(self.tr("Put the files of the last clean-up back from the Trash"))
        self.undo_button.clicked.connect(self.undo)
        report_row = QHBoxLayout(self.report)
        report_row.setContentsMargins(10, 6, 6, 6)
        report_row.addWidget(self.report_label, 1)
        report_row.addWidget(self.undo_button, 0, Qt.AlignmentFlag.AlignTop)
        self.report.hide()

        self.list = QListWidget()
        self.list.setMinimumWidth(170)
        self.list.currentRowChanged.connect(self.show_group)
        self.group_title = QLabel()
        self.group_title.setWordWrap(True)
        self.trash_group = QPushButton(self.tr("Move to Trash…"))
        self.trash_group.setToolTip(self.tr("Move the photos marked “Move to Trash” in this group to the desktop Trash"))
        self.trash_group.clicked.connect(self.ask_trash_group)
        self.reset_zoom = QPushButton(self.tr("Whole photos"))
        self.reset_zoom.setToolTip(self.tr("Zoom out to show every photo whole (or double-click one)"))
        self.reset_zoom.clicked.connect(self.zoom.reset)
        head = QHBoxLayout()
        head.addWidget(self.group_title, 1)
        head.addWidget(self.reset_zoom)
        head.addWidget(self.trash_group)
        self.cards_box = QWidget()
        self.cards_row = QHBoxLayout(self.cards_box)
        self.cards_row.setContentsMargins(0, 0, 0, 0)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.cards_box)
        self.empty = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        compare = QWidget()
        compare_layout = QVBoxLayout(compare)
        compare_layout.setContentsMargins(0, 0, 0, 0)
        compare_layout.addLayout(head)
        compare_layout.addWidget(self.scroll, 1)
        compare_layout.addWidget(self.empty, 1)
        split = QSplitter()
        split.addWidget(self.list)
        split.addWidget(compare)
        split.setStretchFactor(1, 1)
        split.setSizes([190, 970])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.report)
        layout.addWidget(split, 1)
        self._strictness_moved(self.strictness.value(), reload=False)
        self._show_compare(None)
        self.reload()

    # -- loading -------------------------------------------------------------------------------

    def _submit(self, runner: TaskRunner, fn: Any, on_done: Any, on_error: Any = None) -> None:
        """Run fn on a worker; its result reaches on_done on the GUI thread, unless this widget
        was deleted meanwhile."""
        def alive(callback: Any) -> Any:
            def call(value: Any) -> None:
                if shiboken6.isValid(self) and shiboken6.isValid(self.list) and callback is not None:
                    callback(value)
            return call

        runner.submit(fn, alive(on_done), alive(on_error or self._error))

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.reload()

    def stop(self) -> None:
        """The window is closing: let the workers finish."""
        self.runner.wait(10000)
        self.images.wait(10000)

    def current_kind(self) -> str | None:
        return self.kind.currentData()

    def min_similarity(self) -> float:
        return self.strictness.value() / 100

    def reload(self) -> None:
        """Read the groups (with this kind and strictness) and the last clean-up on the worker."""
        part = self.library.duplicates
        kind, bar = self.current_kind(), self.min_similarity()
        self._loads += 1
        token = self._loads

        def load() -> tuple[list[DuplicateGroup], CleanupReport | None]:
            return part.groups(kind, min_similarity=bar), part.last_cleanup()

        self._submit(self.runner, load, lambda r: self._loaded(token, *r))

    def _loaded(self, token: int, groups: list[DuplicateGroup], last: CleanupReport | None) -> None:
        if token != self._loads:
            return  # a newer load is on its way
        current = self.current_group()
        keep_key = _key(current) if current is not None else None
        self.groups = groups
        keys = {_key(g) for g in groups}
        self.trash_choice = {k: v for k, v in self.trash_choice.items() if k in keys}
        loc = QLocale()
        self.list.blockSignals(True)
        self.list.clear()
        row = 0
        for n, g in enumerate(groups):
            gain = sum(p.bytes for p in g.others)
            text = self.tr("{kind}: %Ln photos\n{size} to gain", "", len(g.photos)).format(
                kind=kind_label(self, g.kind), size=loc.formattedDataSize(gain))
            item = QListWidgetItem(text, self.list)
            item.setToolTip(self.tr("Suggested keeper: {path} ({reason})").format(
                path=g.keeper.path, reason=keeper_reason(g.reason)))
            if _key(g) == keep_key:
                row = n
        self.list.setCurrentRow(row if groups else -1)
        self.list.blockSignals(False)
        files = sum(len(g.others) for g in groups)
        gain = sum(p.bytes for g in groups for p in g.others)
        self.summary.setText(self.tr("{groups}, {files} could go, {size} to gain").format(
            groups=self.tr("%Ln groups", "", len(groups)), files=self.tr("%Ln files", "", files),
            size=loc.formattedDataSize(gain)) if groups else "")
        if not groups:
            self._show_compare(None)
        elif self.cards and current is not None and _key(current) == _key(groups[row]):
            self._refresh_group_title()  # the same group stays open, zoomed where it was
        else:
            self.show_group(row)
        self._set_enabled()
        self._show_undo(last)

    def _error(self, message: str) -> None:
        log.warning("duplicates view: %s", message)
        self.busy = False
        self._set_enabled()
        self.report_label.setText(message)
        self.report.show()

    def _strictness_moved(self, value: int, reload: bool = True) -> None:
        self.strictness_label.setText(self.tr("Similar shots at least {value} alike").format(
            value=QLocale().toString(value / 100, "f", 2)))
        if reload:
            self._debounce.start()

    def _filters_changed(self) -> None:
        kind = self.current_kind()
        self.strictness.setEnabled(kind in (None, "similar"))
        self.strictness_label.setEnabled(kind in (None, "similar"))
        self.reload()

    # -- one group, side by side ---------------------------------------------------------------

    def current_group(self) -> DuplicateGroup | None:
        row = self.list.currentRow()
        return self.groups[row] if 0 <= row < len(self.groups) else None

    def trash_ids(self, group: DuplicateGroup) -> set[int]:
        """The photos of this group marked to go to the Trash (the suggestion until changed)."""
        return self.trash_choice.get(_key(group), {p.photo_id for p in group.others})

    def _show_compare(self, group: DuplicateGroup | None) -> None:
        has = group is not None
        self.scroll.setVisible(has)
        self.group_title.setVisible(has)
        self.trash_group.setVisible(has)
        self.reset_zoom.setVisible(has)
        self.empty.setVisible(not has)
        if not has:
            self._clear_cards()
            self.empty.setText(self.tr("No duplicates here.") if self.current_kind() else self.tr(
                "No duplicates found. New photos are checked as they are indexed."))

    def _clear_cards(self) -> None:
        for card in self.cards:
            self.cards_row.removeWidget(card)
            card.deleteLater()
        self.cards = []
        while self.cards_row.count():
            self.cards_row.takeAt(0)

    def show_group(self, row: int) -> None:
        if not 0 <= row < len(self.groups):
            self._show_compare(None)
            return
        group = self.groups[row]
        self._show_compare(group)
        self._clear_cards()
        self.zoom.reset()
        trash = self.trash_ids(group)
        for photo in group.photos:
            card = PhotoCard(photo, group, photo.photo_id in trash, self.zoom)
            card.choice_changed.connect(lambda pid, on, g=group: self._choose(g, pid, on))
            self.cards_row.addWidget(card)
            self.cards.append(card)
        self.cards_row.addStretch(0)
        self._refresh_group_title()
        self._load_images(group)

    def _choose(self, group: DuplicateGroup, photo_id: int, trash: bool) -> None:
        chosen = set(self.trash_ids(group))
        (chosen.add if trash else chosen.discard)(photo_id)
        self.trash_choice[_key(group)] = chosen
        self._refresh_group_title()

    def _refresh_group_title(self) -> None:
        group = self.current_group()
        if group is None:
            return
        loc = QLocale()
        ids = self.trash_ids(group)
        size = sum(p.bytes for p in group.photos if p.photo_id in ids)
        self.group_title.setText(self.tr("<b>{kind}</b>: %Ln photos. {files} marked for the Trash ({size}).", "",
                                         len(group.photos)).format(
            kind=kind_label(self, group.kind), files=self.tr("%Ln files", "", len(ids)),
            size=loc.formattedDataSize(size)))
        self._set_enabled()

    def _load_images(self, group: DuplicateGroup) -> None:
        """The thumbnail first (at once), then a larger decode for zooming; both off the GUI thread."""
        self._shown += 1
        token = self._shown
        lib = self.library
        for card in self.cards:
            pid, path = card.photo.photo_id, card.photo.path

            def thumb(pid: int = pid) -> QImage:
                return QImage(str(lib.thumbnail_path(pid)))

            def preview(path: str = path) -> QImage:
                pil = lib.preview_image(path, PREVIEW_SIDE).convert("RGB")
                return QImage(pil.tobytes("raw", "RGB"), pil.width, pil.height, pil.width * 3,
                              QImage.Format.Format_RGB888).copy()

            def show(img: QImage, card: PhotoCard = card) -> None:
                if token == self._shown and shiboken6.isValid(card):
                    card.pane.set_image(img)

            def failed(message: str, card: PhotoCard = card) -> None:
                log.info("duplicates: cannot show %s: %s", card.photo.path, message)
                if token == self._shown and shiboken6.isValid(card) and card.pane.pixmap is None:
                    card.pane.set_message(self.tr("This photo cannot be shown: {reason}").format(reason=message))

            self._submit(self.images, thumb, show, lambda _m: None)
            self._submit(self.images, preview, show, failed)

    # -- clean-up ------------------------------------------------------------------------------

    def group_plan(self) -> _Plan | None:
        group = self.current_group()
        if group is None:
            return None
        ids = self.trash_ids(group)
        return _Plan([p.photo_id for p in group.photos if p.photo_id in ids],
                     sum(p.bytes for p in group.photos if p.photo_id in ids), 1)

    def all_plan(self) -> _Plan:
        ids: list[int] = []
        size = 0
        groups = 0
        for g in self.groups:
            chosen = self.trash_ids(g)
            if chosen and len(chosen) < len(g.photos):  # a group with nothing kept is left alone
                groups += 1
                for p in g.photos:
                    if p.photo_id in chosen:
                        ids.append(p.photo_id)
                        size += p.bytes
        return _Plan(ids, size, groups)

    def ask_trash_group(self) -> QMessageBox | None:
        group = self.current_group()
        plan = self.group_plan()
        if group is None or plan is None or not plan.ids:
            return None
        if len(plan.ids) >= len(group.photos):
            QMessageBox.information(self, self.tr("Duplicates"),
                                    self.tr("Keep at least one photo of the group: mark one “Keep”."))
            return None
        return self._confirm(plan, self.tr("Move the photos marked in this group to the Trash?"))

    def ask_apply_all(self) -> QMessageBox | None:
        plan = self.all_plan()
        if not plan.ids:
            return None
        return self._confirm(plan, self.tr("Keep one photo of each of the %Ln groups listed and move the "
                                           "others to the Trash?", "", plan.groups))

    def _confirm(self, plan: _Plan, question: str) -> QMessageBox:
        """Say how many files go to the Trash and how much space comes back; go on only on Yes.
        Not modal to the application (open, not exec): the window keeps painting."""
        loc = QLocale()
        files = self.tr("%Ln files go to the Trash", "", len(plan.ids))
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Move to Trash"), question,
                          QMessageBox.StandardButton.Cancel, self)
        box.setInformativeText(self.tr("{files}, and {size} of space comes back. They stay in the desktop Trash, "
                                       "and you can undo this while they are there.").format(
            files=files, size=loc.formattedDataSize(plan.size)))
        yes = box.addButton(self.tr("Move to Trash"), QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        ids = list(plan.ids)
        box.buttonClicked.connect(lambda button: self.move_to_trash(ids) if button is yes else None)
        self.confirmation = box
        box.open()
        return box

    def move_to_trash(self, photo_ids: list[int]) -> None:
        """Move these photos to the Trash on the worker, then show the report and reload."""
        part = self.library.duplicates
        self.busy = True
        self._set_enabled()
        self.report_label.setText(self.tr("Moving %Ln files to the Trash…", "", len(photo_ids)))
        self.report.show()
        self.undo_button.hide()
        self._submit(self.runner, lambda: part.trash(photo_ids), self._trashed)

    def _trashed(self, report: CleanupReport) -> None:
        self.busy = False
        self.last_report = report
        loc = QLocale()
        lines = [self.tr("Moved %Ln files to the Trash; {size} of space came back.", "", len(report.done)).format(
            size=loc.formattedDataSize(report.bytes))]
        lines += self._skipped_lines(report)
        self.report_label.setText("\n".join(lines))
        self.report.show()
        self.trash_choice.clear()
        self.reload()  # shows Undo while the clean-up can be undone
        self.libraryChanged.emit()

    def _skipped_lines(self, report: CleanupReport) -> list[str]:
        if not report.skipped:
            return []
        lines = [self.tr("%Ln skipped, left where they are:", "", len(report.skipped))]
        lines += [f"  {s.path}: {s.reason}" for s in report.skipped[:SKIPPED_SHOWN]]
        if len(report.skipped) > SKIPPED_SHOWN:
            lines.append(self.tr("  and %Ln more (see the log)", "", len(report.skipped) - SKIPPED_SHOWN))
        return lines

    def _show_undo(self, last: CleanupReport | None) -> None:
        """Undo is offered while the last clean-up can be undone (one made earlier, too)."""
        self.undo_button.setVisible(last is not None and not self.busy)
        if last is None or self.busy or (self.last_report is not None and self.last_report.cleanup_id == last.cleanup_id):
            return  # nothing to undo, or the report shown is about it
        loc = QLocale()
        line = self.tr("The last clean-up moved %Ln files to the Trash ({size}); Undo puts them back.", "",
                       len(last.done)).format(size=loc.formattedDataSize(last.bytes))
        shown = self.report_label.text() if self.report.isVisible() and self.last_report is not None else ""
        self.report_label.setText(f"{shown}\n{line}" if shown and line not in shown else shown or line)
        self.report.show()

    def undo(self) -> None:
        part = self.library.duplicates
        self.busy = True
        self._set_enabled()
        self.undo_button.hide()
        self.report_label.setText(self.tr("Putting the files back…"))
        self._submit(self.runner, part.undo_last, self._undone)

    def _undone(self, report: CleanupReport) -> None:
        self.busy = False
        self.last_report = report
        lines = [self.tr("Put %Ln files back where they were; they are indexed again now.", "", len(report.done))]
        lines += self._skipped_lines(report)
        self.report_label.setText("\n".join(lines))
        self.report.show()
        self.reload()
        self.libraryChanged.emit()
        self.indexRequested.emit()

    def _set_enabled(self) -> None:
        group = self.current_group()
        self.trash_group.setEnabled(not self.busy and group is not None and bool(self.trash_ids(group)))
        self.apply_all.setEnabled(not self.busy and bool(self.groups))


def kind_label(_widget: QWidget | None, kind: str) -> str:
    """The name of a kind of duplicate, in the window's language (the sidebar uses it too)."""
    translate = QCoreApplication.translate
    return {"exact": translate("DuplicatesView", "Exact copies"), "near": translate("DuplicatesView", "Near-copies"),
            "similar": translate("DuplicatesView", "Similar shots")}.get(kind, kind)


def keeper_reason(reason: str) -> str:
    """The core's reason for a keeper ("largest resolution, sharpest": its fixed criteria joined
    by commas, core/duplicates.py) in the window's language."""
    translate = QCoreApplication.translate
    names = {
        "largest resolution": translate("DuplicatesView", "largest resolution"),
        "sharpest": translate("DuplicatesView", "sharpest"),
        "least compressed": translate("DuplicatesView", "least compressed"),
        "has EXIF date and camera": translate("DuplicatesView", "has EXIF date and camera"),
        "oldest file": translate("DuplicatesView", "oldest file"),
        "first by name (the copies are alike in every way)": translate(
            "DuplicatesView", "first by name (the copies are alike in every way)"),
    }
    parts = reason.split(", ")
    if not all(p in names for p in parts):
        return reason
    return translate("DuplicatesView", ", ").join(names[p] for p in parts)


def _key(group: DuplicateGroup) -> tuple[int, ...]:
    return tuple(sorted(p.photo_id for p in group.photos))


def _date(loc: QLocale, seconds: float) -> str:
    """The locale's long date without the weekday, and the short time: '2019년 8월 3일 오전 10:00',
    'August 3, 2019 10:00 AM' (the short date is ambiguous: '19. 8. 3.', '8/3/19')."""
    when = QDateTime.fromSecsSinceEpoch(int(seconds))
    day = re.sub(r"\s*dddd[,\s]*", " ", loc.dateFormat(QLocale.FormatType.LongFormat)).strip(" ,")
    return f"{loc.toString(when.date(), day)} {loc.toString(when.time(), QLocale.FormatType.ShortFormat)}"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

