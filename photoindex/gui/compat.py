"""Work-arounds for the Qt binding, applied once by the app and kept up by the window."""

from __future__ import annotations

import ctypes
import functools
import os
import sys
import threading

GUI_SWITCH_INTERVAL_S = 0.001


def favour_gui_thread() -> None:
    """Python hands the GIL over every switch interval (5 ms by default); with a decode pool,
    the model thread and thumbnail loaders all wanting it, the GUI thread could wait several
    intervals in a row. A shorter interval bounds that wait; the cost to throughput is small."""
    if sys.getswitchinterval() > GUI_SWITCH_INTERVAL_S:
        sys.setswitchinterval(GUI_SWITCH_INTERVAL_S)


def lower_this_thread_priority(niceness: int = 10) -> None:
    """Background work yields the CPU to the GUI thread. On Linux a thread has its own nice
    value and the threads it starts inherit it (the pipeline's decode pool, torch's workers);
    raising it needs no privileges. Elsewhere this does nothing."""
    if sys.platform.startswith("linux") and hasattr(os, "setpriority"):
        try:
            tid = threading.get_native_id()
            os.setpriority(os.PRIO_PROCESS, tid, max(os.getpriority(os.PRIO_PROCESS, tid), niceness))
        except OSError:
            pass


@functools.cache
def _bindings_drop_singletons() -> bool:
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    import PySide6

    try:
        major, minor = (int(part) for part in PySide6.__version__.split(".")[:2])
    except ValueError:
        return True
    return (major, minor) >= (6, 12)


def keep_singletons_alive() -> None:
    """PySide6 6.12 on CPython 3.11 drops a reference to True on every Signal.emit and one to
    None in void painter calls (fillRect, drawPixmap, save/restore...), without having taken them.
    Before Python 3.12 these singletons are not immortal: True starts with a few hundred
    references, so the app aborted with 'bool_dealloc' after a few hundred signals (thumbnail
    loads, progress). Topping the counts up keeps them alive; the window repeats this on a timer.
    A no-op on 3.12+, where they are immortal, and with the bindings before 6.12 (6.11.3 was
    checked clean; pyproject.toml excludes 6.12.0, this guards a later 6.12.x with the same bug)."""
    if not _bindings_drop_singletons():
        return
    for obj in (None, True, False):
        if sys.getrefcount(obj) < 1 << 24:
            ctypes.c_ssize_t.from_address(id(obj)).value += 1 << 30
