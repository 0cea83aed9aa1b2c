from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["PHOTOINDEX_NO_MENU_EXEC"] = "1"  # context menus are built, not shown modally


@pytest.fixture
def qsettings_isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    from PySide6.QtCore import QSettings

    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path / "config"))
    return tmp_path


@pytest.fixture
def window(qtbot, tiny_settings, qsettings_isolated):
    from photoindex.core.library import Library
    from photoindex.gui.main_window import MainWindow

    lib = Library(tiny_settings)
    win = MainWindow(lib)
    qtbot.addWidget(win)
    win.show()
    yield win
    if win.worker is not None and win.worker.isRunning():
        win.worker.cancel()
        win.worker.wait(20000)
    win.search_runner.wait(10000)
    win.io_runner.wait(10000)
    win.thumbs.pool.waitForDone(10000)
