"""Thumbnails for the grid: memory LRU -> our disk cache -> the freedesktop cache -> decode.

Loading happens in a thread pool, newest request first (what is on screen now matters more than
what scrolled past), and requests that fell out of the pending window are skipped. A thumbnail
arrives already scaled to the cell (smoothly, off the GUI thread), so painting is a 1:1 blit.
Decoded thumbnails are written to the catalog's cache folder, never beside the photo.
"""

from __future__ import annotations

import atexit
import hashlib
import itertools
import logging
import os
import threading
import weakref
from collections import OrderedDict
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, Qt, Signal
from PySide6.QtGui import QImage, QPixmap

from photoindex.core.library import make_thumbnail, thumb_path
from photoindex.gui.compat import lower_this_thread_priority
from photoindex.gui.tasks import tracked_pool

log = logging.getLogger(__name__)

MAX_PENDING = 300  # about three screens of cells; older requests are dropped when it overflows


# The Thumbnail Managing Standard's sizes (the folder names and the longest side in pixels).
FREEDESKTOP_SIZES = (("normal", 128), ("large", 256), ("x-large", 512), ("xx-large", 1024))

# GLib's g_filename_to_uri leaves these bytes as they are in a path (gconvert.c: the UNSAFE_PATH
# column of its `acceptable` table) and writes every other byte as %XX with capital hex digits.
# GNOME's thumbnailers hash that URI. urllib's default quote() escapes ! $ & ' ( ) * + , : = @,
# so its URI, and the thumbnail's name, differ for any path holding one of them.
_GLIB_PATH_SAFE = frozenset(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789" b"!$&'()*+,-./:=@_~"
)


def glib_file_uri(path: str | os.PathLike[str]) -> str:
    """The file:// URI of an absolute path exactly as GLib's g_filename_to_uri writes it (the
    name GNOME's thumbnail cache hashes). Works on the path's bytes, so any file name works."""
    raw = os.fsencode(path)
    return "file://" + "".join(chr(b) if b in _GLIB_PATH_SAFE else f"%{b:02X}" for b in raw)


def kde_file_uri(path: str | os.PathLike[str]) -> str:
    """The URI KDE's KIO hashes: QUrl::fromLocalFile(canonical path), fully encoded. It differs
    from GLib's for a few characters (QUrl leaves ';' as it is, GLib writes %3B)."""
    from PySide6.QtCore import QUrl

    encoded = QUrl.fromLocalFile(os.fsdecode(path)).toEncoded(QUrl.ComponentFormattingOption.FullyEncoded)
    return bytes(encoded.data()).decode("ascii")


def freedesktop_cache_dir() -> Path:
    """$XDG_CACHE_HOME/thumbnails (~/.cache/thumbnails): the cache every desktop app shares."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "thumbnails"


def _size_order(need: int) -> list[str]:
    """Folders to look in: the smallest size at least `need` pixels first, then larger ones,
    then the smaller ones (a blurry thumbnail beats none while the photo is decoded)."""
    big = [name for name, px in FREEDESKTOP_SIZES if px >= need]
    small = [name for name, px in reversed(FREEDESKTOP_SIZES) if px < need]
    return big + small


def freedesktop_thumbnail(path: str, need: int = 256) -> QImage:
    """A valid thumbnail of the photo from the shared freedesktop cache, or a null QImage.

    Valid as the Thumbnail Managing Standard says: the file is named by the MD5 of the photo's
    URI, its Thumb::URI text names that URI and its Thumb::MTime equals the photo's modification
    time in whole seconds (Thumb::Size, when present, its size in bytes). The text chunks are
    read from the loaded image: a PNG may put them after the pixels, where a reader that has
    not loaded the image yet sees nothing."""
    absolute = os.path.abspath(path)
    try:
        st = os.stat(absolute)
    except OSError:
        return QImage()
    uris = [glib_file_uri(absolute)]
    for variant in (absolute, os.path.realpath(absolute)):
        try:
            candidate_uri = kde_file_uri(variant)
        except (UnicodeError, ValueError) as exc:  # a file name that is not UTF-8: GLib's URI only
            log.debug("no KDE thumbnail name for %r: %s", variant, exc)
            continue
        if candidate_uri not in uris:
            uris.append(candidate_uri)
    base = freedesktop_cache_dir()
    for size in _size_order(need):
        for uri in uris:
            candidate = base / size / (hashlib.md5(uri.encode("ascii")).hexdigest() + ".png")
            if not candidate.is_file():
                continue
            img = QImage(str(candidate))
            if img.isNull():
                log.debug("unreadable freedesktop thumbnail %s", candidate)
                continue
            if _valid(img, uri, st):
                return img
            log.debug("stale or foreign freedesktop thumbnail %s for %s", candidate, absolute)
    return QImage()


def _valid(img: QImage, uri: str, st: os.stat_result) -> bool:
    if img.text("Thumb::URI") != uri:
        return False
    try:
        if int(float(img.text("Thumb::MTime"))) != int(st.st_mtime):
            return False
        size = img.text("Thumb::Size")
        return not size or int(size) == st.st_size
    except ValueError:
        return False


def load_thumbnail(photo_id: int, path: str, thumbs_dir: Path, box: tuple[int, int]) -> QImage:
    """The photo's thumbnail scaled to fit box (width, height); a null image when it cannot be read."""
    cached = thumb_path(thumbs_dir, photo_id)
    img = QImage(str(cached)) if cached.exists() else QImage()
    if img.isNull():
        img = freedesktop_thumbnail(path, max(box))
    if img.isNull():
        try:
            make_thumbnail(path, cached)
            img = QImage(str(cached))
        except Exception as exc:
            log.info("no thumbnail for %s: %s", path, exc)
            return QImage()
    if img.isNull():
        return img
    return fit(img, box).convertToFormat(QImage.Format.Format_RGB32)


def fit(img: QImage, box: tuple[int, int]) -> QImage:
    if img.width() > box[0] or img.height() > box[1]:
        return img.scaled(box[0], box[1], Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
    return img


_CACHES: weakref.WeakSet[ThumbnailCache] = weakref.WeakSet()


@atexit.register  # registered after gui.tasks' drain_pools, so it runs first: the loaders stop early
def _stop_loaders() -> None:
    for cache in list(_CACHES):
        cache._stop_loading()


class _Signals(QObject):
    wake = Signal()  # results are waiting (sent once per batch, not once per thumbnail)


class _Loader(QRunnable):
    """Takes the newest request off the cache's stack until it is empty (what is on screen now
    matters more than what scrolled past). One runnable serves many thumbnails: starting a pool
    task and delivering a queued signal per thumbnail cost the GUI thread ~0.3 ms each, about
    half of a scroll frame's budget at 40 new cells."""

    def __init__(self, cache: ThumbnailCache) -> None:
        super().__init__()
        self.cache = cache

    def run(self) -> None:
        lower_this_thread_priority()  # frames first: on two cores, the loaders made scrolling stutter
        cache = self.cache
        try:
            while True:
                with cache._lock:
                    if not cache._requests or cache._closing:
                        # Counted out under the same lock get() counts in: a request added after
                        # this look starts a new loader, none waits for one that is leaving.
                        cache._loaders -= 1
                        return
                    photo_id, ticket, path, box = cache._requests.pop()
                if cache._pending.get(photo_id) != ticket:
                    continue  # scrolled past long ago, or asked for again since
                try:
                    img = load_thumbnail(photo_id, path, cache.thumbs_dir, box)
                except Exception:  # a thumbnail that cannot be made is a grey cell, and a logged traceback
                    log.exception("thumbnail of %s", path)
                    img = QImage()
                with cache._lock:
                    cache._results.append((photo_id, ticket, img))
                    first = len(cache._results) == 1
                if first:
                    cache._signals.wake.emit()
        except BaseException as exc:
            with cache._lock:
                cache._loaders -= 1  # another loader can start for what is still asked for
            if isinstance(exc, RuntimeError):  # the cache is gone: the window closed while this ran
                log.debug("a thumbnail finished after its window closed (%s)", exc)
            else:
                log.exception("the thumbnail loader stopped")


class ThumbnailCache(QObject):
    """Asks for thumbnails by photo id; emits ready([photo ids]) when some are in memory."""

    ready = Signal(list)  # photo ids whose thumbnails are now in memory (a batch)

    def __init__(self, thumbs_dir: Path, box: tuple[int, int] = (256, 192), capacity: int = 3000,
                 parent: QObject | None = None, threads: int | None = None) -> None:
        """threads: the library's CPU thread setting (Settings.cpu_threads()); 1-3 loaders."""
        super().__init__(parent)
        self.thumbs_dir = thumbs_dir
        self.box = box
        self.dpr = 1.0
        self.capacity = capacity
        self._pixmaps: OrderedDict[int, QPixmap] = OrderedDict()
        self._pending: dict[int, int] = {}  # photo id -> ticket of the request that counts
        self._failed: set[int] = set()
        self._tickets = itertools.count(1)
        self._lock = threading.Lock()  # guards the three below, shared with the loaders
        self._requests: list[tuple[int, int, str, tuple[int, int]]] = []  # a stack: newest last
        self._results: list[tuple[int, int, QImage]] = []
        self._loaders = 0  # loader runnables started and not yet finished
        self._closing = False
        # One core stays the GUI thread's: on two cores, a second and third loader made scroll
        # frames slower (p95 ~16 ms against ~12 with one) and filled the screen no sooner.
        cores = threads or os.cpu_count() or 2
        self.threads = max(1, min(3, cores - 1))
        self.pool = tracked_pool(self, self.threads)
        self._signals = _Signals()
        self._signals.wake.connect(self._take_results)
        _CACHES.add(self)

    def set_box(self, width: int, height: int, dpr: float = 1.0) -> None:
        """A new cell size (in device pixels): thumbnails are scaled again as they are next painted."""
        if (width, height) != self.box or dpr != self.dpr:
            self.box, self.dpr = (width, height), dpr
            self._pixmaps.clear()
            self._pending.clear()

    def get(self, photo_id: int, path: str) -> QPixmap | None:
        pm = self._pixmaps.get(photo_id)
        if pm is not None:
            self._pixmaps.move_to_end(photo_id)
            return pm
        if photo_id not in self._pending and photo_id not in self._failed and not self._closing:
            ticket = next(self._tickets)
            self._pending[photo_id] = ticket
            if len(self._pending) > MAX_PENDING:
                del self._pending[next(iter(self._pending))]
            with self._lock:
                self._requests.append((photo_id, ticket, path, self.box))
                if len(self._requests) > MAX_PENDING:
                    del self._requests[: len(self._requests) - MAX_PENDING]  # the oldest: long scrolled past
                start = self._loaders < self.threads
                if start:
                    self._loaders += 1
            if start:
                self.pool.start(_Loader(self))
        return None

    def _stop_loading(self) -> None:
        with self._lock:
            self._closing = True
            self._requests.clear()

    def close(self) -> None:
        """Stop loading (the window closes): what is queued is dropped, what runs finishes."""
        self._stop_loading()
        self.pool.clear()
        self.pool.waitForDone(5000)

    def failed(self, photo_id: int) -> bool:
        return photo_id in self._failed

    def forget(self, photo_id: int) -> None:
        self._pixmaps.pop(photo_id, None)
        self._failed.discard(photo_id)

    def _take_results(self) -> None:
        """On the GUI thread: every thumbnail that arrived since the last call, then one ready."""
        with self._lock:
            results, self._results = self._results, []
        arrived = []
        for photo_id, ticket, img in results:
            if self._pending.get(photo_id) != ticket:
                continue  # a stale answer (cell size changed, or asked again)
            del self._pending[photo_id]
            if img.isNull():
                self._failed.add(photo_id)
            else:
                pm = QPixmap.fromImage(fit(img, self.box))
                pm.setDevicePixelRatio(self.dpr)
                self._pixmaps[photo_id] = pm
            arrived.append(photo_id)
        while len(self._pixmaps) > self.capacity:
            self._pixmaps.popitem(last=False)
        if arrived:
            self.ready.emit(arrived)
