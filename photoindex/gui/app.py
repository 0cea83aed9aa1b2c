"""Start the window: `photoindex [--library DIR] [FOLDER...]` or `photoindex-gui`."""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

_T0 = time.perf_counter()


def icon_path() -> Path:
    return Path(__file__).resolve().parent.parent / "resources" / "photoindex.svg"


def main(argv: Sequence[str] | None = None) -> int:
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication, QMessageBox

    from photoindex import __version__
    from photoindex.cli import argv_overrides, parse_gui_argv
    from photoindex.config import SettingsError, resolve_settings
    from photoindex.logsetup import setup_logging

    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_gui_argv(argv)
    setup_logging(getattr(args, "log_level", None) or "INFO",
                  stderr_level="INFO" if getattr(args, "verbose", False) else "WARNING")
    log = logging.getLogger(__name__)
    log.info("photoindex %s window: %s", __version__, " ".join(argv))
    folders = [os.path.abspath(os.path.expanduser(f)) for f in args.folders]
    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "photoindex"])
    app.setApplicationName("photoindex")
    app.setOrganizationName("photoindex")
    app.setDesktopFileName("photoindex")
    app.setWindowIcon(QIcon(str(icon_path())))
    from photoindex import i18n

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
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
