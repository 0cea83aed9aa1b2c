"""Start the window: `photoindex [--library DIR] [FOLDER|PHOTO...]` or `photoindex-gui [FOLDER|PHOTO...]`.

Folders are added to the library and indexed; a photo (the desktop's "Open with photoindex", %F
in the .desktop file) opens the window on that photo and the photos that look like it.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

_T0 = time.perf_counter()


def icon_path() -> Path:
    return Path(__file__).resolve().parent.parent / "resources" / "photoindex.svg"


def split_arguments(paths: Sequence[str]) -> tuple[list[str], list[str]]:
    """(folders to add and index, photo files to open). Anything else counts as a folder, so
    adding it says why it cannot be added (not a folder), as before."""
    from photoindex.core.library import is_photo_name

    folders: list[str] = []
    photos: list[str] = []
    for arg in paths:
        path = os.path.abspath(os.path.expanduser(arg))
        (photos if os.path.isfile(path) and is_photo_name(path) else folders).append(path)
    return folders, photos


def open_photos(window: Any, photos: Sequence[str]) -> None:
    """"Open with photoindex" on photo files: the window shows the first one and the photos that
    look like it. The photo need not be in the library: it is embedded on the fly, as a photo
    dropped on the window is."""
    if photos:
        window.find_similar(photos[0], "dino")


def main(argv: Sequence[str] | None = None) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication, QMessageBox

    import photoindex
    from photoindex.cli import argv_overrides, parse_gui_argv
    from photoindex.config import SettingsError, resolve_settings
    from photoindex.logsetup import setup_logging

    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_gui_argv(argv)
    setup_logging(getattr(args, "log_level", None) or "INFO",
                  stderr_level="INFO" if getattr(args, "verbose", False) else "WARNING")
    log = logging.getLogger(__name__)
    folders, photos = split_arguments(args.folders)
    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "photoindex"])
    app.setApplicationName("photoindex")
    app.setOrganizationName("photoindex")
    app.setDesktopFileName("photoindex")
    app.setWindowIcon(QIcon(str(icon_path())))
    from photoindex.gui import i18n

    try:
        # The same resolution as the CLI's: command line > environment > settings file > defaults.
        settings = resolve_settings(argv_overrides(args))
    except SettingsError as exc:
        log.error("settings: %s", exc)
        i18n.install(app, "system")
        QMessageBox.critical(None, QApplication.translate("app", "photoindex"), str(exc))
        return 2
    # The translators go in before any window is built (the language applies when it starts).
    log.info("window language: %s", i18n.install(app, settings.language))
    title = QApplication.translate("app", "photoindex")
    import sqlite3

    from photoindex.cli import describe_error
    from photoindex.core.library import Library
    from photoindex.core.types import PhotoindexError
    from photoindex.gui.main_window import MainWindow

    try:
        library = Library(settings)
    except (PhotoindexError, OSError, sqlite3.DatabaseError) as exc:
        message, _kind, code = describe_error(exc, None, settings)
        log.error("cannot open the library: %s", message, exc_info=exc)
        QMessageBox.critical(None, title, message)
        return code
    window = MainWindow(library, folders, thumb_size=settings.thumb_size)
    window.show()
    # After the window is up: importlib.metadata (the version) is ~65 ms of start-up otherwise.
    QTimer.singleShot(0, lambda: log.info("photoindex %s window: %s", photoindex.__version__, " ".join(argv)))
    open_photos(window, photos)
    if os.environ.get("PHOTOINDEX_QUIT_AFTER_PAINT") == "photos":
        _quit_after_first_photos(app, window)
    elif os.environ.get("PHOTOINDEX_QUIT_AFTER_PAINT"):
        _quit_after_first_paint(app, window)
    return app.exec()


def _quit_after_first_paint(app, window) -> None:
    """For smoke tests and start-up timing of a build that cannot be scripted from Python (the
    PyInstaller bundle, packaging/check.sh): print `painted <unix time>` when the window has
    painted once, then quit."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    class FirstPaint(QObject):
        def eventFilter(self, obj, event):  # noqa: N802 - Qt's name
            if event.type() == QEvent.Type.Paint and obj is window:
                window.removeEventFilter(self)
                print(f"painted {time.time():.3f}", flush=True)
                QTimer.singleShot(0, app.quit)
            return False

    window._first_paint = FirstPaint(window)
    window.installEventFilter(window._first_paint)
    window.update()


def _quit_after_first_photos(app, window) -> None:
    """For bench/bench_browse.py: print `painted <unix time>` once the grid has painted its
    first photos under their month headers and the folder tree has its counts, then quit."""
    from PySide6.QtCore import QTimer

    def check() -> None:
        if window.grid.layout_.count and window.folder_tree.topLevelItemCount():
            timer.stop()
            window.grid.viewport().repaint()
            print(f"painted {time.time():.3f} {window.grid.layout_.count}", flush=True)
            QTimer.singleShot(0, app.quit)

    timer = QTimer(window, interval=2, timeout=check)
    timer.start()


if __name__ == "__main__":
    raise SystemExit(main())
