"""Thumbnails for the grid: memory LRU -> our disk cache -> the freedesktop cache -> decode.

Loading happens in a thread pool; a loaded QImage comes back by signal and becomes a QPixmap
on the GUI thread. Decoded thumbnails are written to the catalog's cache folder, never beside
the photo.
"""

from __future__ import annotations

import hashlib
import os
from collections import OrderedDict
from pathlib import Path
from urllib.parse import quote

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtGui import QImage, QPixmap

from photoindex.core.thumbs import THUMB_BOX, thumb_path


def freedesktop_thumbnail(path: str) -> str | None:
    """A valid thumbnail from ~/.cache/thumbnails (Thumb::MTime must match the photo)."""
    base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "thumbnails"
    uri = "file://" + quote(os.path.abspath(path))
    name = hashlib.md5(uri.encode()).hexdigest() + ".png"
    try:
        mtime = int(os.stat(path).st_mtime)
    except OSError:
        return None
    for size in ("x-large", "large", "normal"):
        candidate = base / size / name
        if candidate.exists():
            img = QImage(str(candidate))
            if not img.isNull() and img.text("Thumb::MTime") == str(mtime):
                return str(candidate)
    return None


class _Signals(QObject):
    loaded = Signal(int, QImage)


class _Load(QRunnable):
    def __init__(self, photo_id: int, path: str, thumbs_dir: Path, signals: _Signals) -> None:
        super().__init__()
        self.photo_id, self.path, self.thumbs_dir, self.signals = photo_id, path, thumbs_dir, signals

    def run(self) -> None:
        cached = thumb_path(self.thumbs_dir, self.photo_id)
        img = QImage(str(cached)) if cached.exists() else QImage()
        if img.isNull():
            fd = freedesktop_thumbnail(self.path)
            if fd:
                img = QImage(fd)
        if img.isNull():
            try:
                from photoindex.core.imageio import load_image, save_thumbnail

                decoded = load_image(self.path, min_side=THUMB_BOX)
                save_thumbnail(decoded.image, cached, THUMB_BOX)
                img = QImage(str(cached))
            except Exception:
                img = QImage()
        self.signals.loaded.emit(self.photo_id, img)


class ThumbnailCache(QObject):
    """Asks for thumbnails by photo id; emits ready(photo_id) when one is in memory."""

    ready = Signal(int)

    def __init__(self, thumbs_dir: Path, capacity: int = 2000, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.thumbs_dir = thumbs_dir
        self.capacity = capacity
        self._pixmaps: OrderedDict[int, QPixmap] = OrderedDict()
        self._pending: set[int] = set()
        self._failed: set[int] = set()
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max(1, min(4, (os.cpu_count() or 2))))
        self._signals = _Signals()
        self._signals.loaded.connect(self._on_loaded)

    def get(self, photo_id: int, path: str) -> QPixmap | None:
        pm = self._pixmaps.get(photo_id)
        if pm is not None:
            self._pixmaps.move_to_end(photo_id)
            return pm
        if photo_id not in self._pending and photo_id not in self._failed:
            self._pending.add(photo_id)
            self.pool.start(_Load(photo_id, path, self.thumbs_dir, self._signals))
        return None

    def forget(self, photo_id: int) -> None:
        self._pixmaps.pop(photo_id, None)
        self._failed.discard(photo_id)

    def _on_loaded(self, photo_id: int, img: QImage) -> None:
        self._pending.discard(photo_id)
        if img.isNull():
            self._failed.add(photo_id)
            return
        self._pixmaps[photo_id] = QPixmap.fromImage(img)
        while len(self._pixmaps) > self.capacity:
            self._pixmaps.popitem(last=False)
        self.ready.emit(photo_id)
