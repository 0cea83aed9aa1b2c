"""A large preview: the photo, its path, size, date and dimensions. Arrows step, Escape closes."""

from __future__ import annotations

import logging
import os
import time
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtGui import QImage, QKeyEvent, QPixmap
from PySide6.QtWidgets import QDialog, QLabel, QSizePolicy, QVBoxLayout

log = logging.getLogger(__name__)


class _Signals(QObject):
    found = Signal(int, object)
    loaded = Signal(int, QImage)


class _Load(QRunnable):
    """On the pool: the photo's record from the catalog (never on the GUI thread), then the
    image at about the size shown (the core's decoder: EXIF orientation, HEIC, RAW previews)."""

    def __init__(self, token: int, photo_id: int, library: Any, side: int, signals: _Signals) -> None:
        super().__init__()
        self.token, self.photo_id, self.library, self.side, self.signals = token, photo_id, library, side, signals

    def run(self) -> None:
        try:
            photo = self.library.photo(self.photo_id)
        except Exception:
            log.exception("reading photo %s for the preview", self.photo_id)
            photo = None
        self.signals.found.emit(self.token, photo)
        if photo is None:
            return
        img = QImage()
        try:
            pil = self.library.preview_image(photo.path, self.side)
            data = pil.tobytes("raw", "RGB")
            img = QImage(data, pil.width, pil.height, pil.width * 3, QImage.Format.Format_RGB888).copy()
        except Exception as exc:
            log.info("preview: cannot show %s: %s", photo.path, exc)
        self.signals.loaded.emit(self.token, img)


class PreviewDialog(QDialog):
    """Steps through photo_ids; current_changed(photo_id) lets the grid follow along."""

    current_changed = Signal(int)

    def __init__(self, photo_ids: list[int], start: int, library: Any, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preview")
        self.photo_ids = photo_ids
        self.pos = start
        self.library = library
        self._token = 0
        self._pixmap: QPixmap | None = None
        self.image = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.image.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.image.setMinimumSize(320, 240)
        self.info = QLabel()
        self.info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.info.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.image, 1)
        layout.addWidget(self.info)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._signals = _Signals()
        self._signals.found.connect(self._found)
        self._signals.loaded.connect(self._loaded)
        self.resize(1000, 760)
        self.show_current()

    @property
    def current_id(self) -> int:
        return self.photo_ids[self.pos]

    def show_current(self) -> None:
        self._token += 1
        self._pixmap = None
        self.image.setText(self.tr("Loading…"))
        self.current_changed.emit(self.current_id)
        self.pool.start(_Load(self._token, self.current_id, self.library, 1400, self._signals))

    def _found(self, token: int, photo: Any) -> None:
        if token != self._token:
            return
        if photo is None:
            self.info.setText("This photo is no longer in the library.")
            return
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(photo.date))
        dims = f"{photo.width} × {photo.height}" if photo.width else "?"
        self.info.setText(
            f"<b>{os.path.basename(photo.path)}</b> &nbsp; {dims} &nbsp; {photo.size / 1e6:.1f} MB &nbsp; {when}"
            f"<br><span style='color:gray'>{photo.path}</span> &nbsp; ({self.pos + 1} of {len(self.photo_ids)})"
        )
        self.setWindowTitle(os.path.basename(photo.path))

    def _loaded(self, token: int, img: QImage) -> None:
        if token != self._token:
            return
        if img.isNull():
            self.image.setText("This photo cannot be shown.")
            return
        self._pixmap = QPixmap.fromImage(img)
        self._fit()

    def _fit(self) -> None:
        if self._pixmap is not None:
            self.image.setPixmap(
                self._pixmap.scaled(self.image.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                    Qt.TransformationMode.SmoothTransformation)
            )

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()

    def step(self, delta: int) -> None:
        new = max(0, min(len(self.photo_ids) - 1, self.pos + delta))
        if new != self.pos:
            self.pos = new
            self.show_current()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Right, Qt.Key.Key_Down):
            self.step(1)
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Up):
            self.step(-1)
        elif key in (Qt.Key.Key_Escape, Qt.Key.Key_Space):
            self.reject()
        else:
            super().keyPressEvent(event)
