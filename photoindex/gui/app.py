"""Start the window: `photoindex [--library DIR] [FOLDER...]` or `photoindex-gui`."""

from __future__ import annotations

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

    from photoindex.cli import parse_gui_args
    from photoindex.core.types import PhotoindexError

    argv = list(sys.argv[1:] if argv is None else argv)
    settings, folders = parse_gui_args(argv)
    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "photoindex"])
    app.setApplicationName("photoindex")
    app.setOrganizationName("photoindex")
    app.setDesktopFileName("photoindex")
    app.setWindowIcon(QIcon(str(icon_path())))
    from photoindex.core.library import Library
    from photoindex.gui.main_window import MainWindow
    from photoindex.gui.settings_dialog import apply_saved, qsettings

    settings = apply_saved(settings)
    try:
        library = Library(settings)
    except PhotoindexError as exc:
        QMessageBox.critical(None, "photoindex", str(exc))
        return 1
    window = MainWindow(library, folders, thumb_size=int(qsettings().value("thumb_size", 180)))
    window.show()
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
