from __future__ import annotations

import os
import threading
import traceback
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


def record_gui_thread_catalog(lib) -> list[str]:
    """Record every use of the catalog (a read connection or the writer) on the GUI thread.

    The GUI thread never touches the catalog: a read can wait seconds behind a write, and a
    write of thousands of rows freezes the window. Every test that uses a recorded library fails
    when the window, the preview, People or the Map read or write the catalog on the GUI thread."""
    calls: list[str] = []

    def where() -> str:
        frames = [f for f in traceback.extract_stack()[:-2] if "/photoindex/" in f.filename]
        return " <- ".join(f"{os.path.basename(f.filename)}:{f.lineno} {f.name}" for f in frames[-3:][::-1])

    def guard(name: str, real):
        def wrapper(*args, **kwargs):
            if threading.current_thread() is threading.main_thread():
                calls.append(f"{name} on the GUI thread: {where()}")
            return real(*args, **kwargs)
        return wrapper

    lib.real_catalog = lib.catalog  # for a test's own checks
    lib.catalog = guard("catalog()", lib.catalog)
    lib.writer.transaction = guard("writer.transaction()", lib.writer.transaction)
    lib.writer.locked = guard("writer.locked()", lib.writer.locked)
    return calls


@pytest.fixture
def window(qtbot, tiny_settings, qsettings_isolated):
    from photoindex.core.library import Library
    from photoindex.gui.main_window import MainWindow

    lib = Library(tiny_settings)
    gui_thread_calls = record_gui_thread_catalog(lib)
    win = MainWindow(lib)
    win.gui_thread_calls = gui_thread_calls
    qtbot.addWidget(win)
    win.show()
    yield win
    if win.worker is not None and win.worker.isRunning():
        win.worker.cancel()
        win.worker.wait(20000)
    win.search_runner.wait(10000)
    win.io_runner.wait(10000)
    win.thumbs.pool.waitForDone(10000)
    assert gui_thread_calls == [], "the GUI thread touched the catalog:\n" + "\n".join(dict.fromkeys(gui_thread_calls))
