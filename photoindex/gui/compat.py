"""Work-arounds for the Qt binding, applied once by the app and kept up by the window."""

from __future__ import annotations

import ctypes
import sys


def keep_singletons_alive() -> None:
    """PySide6 6.12 on CPython 3.11 drops a reference to True on every Signal.emit and one to
    None in void painter calls (fillRect, drawPixmap, save/restore...), without having taken them.
    Before Python 3.12 these singletons are not immortal: True starts with a few hundred
    references, so the app aborted with 'bool_dealloc' after a few hundred signals (thumbnail
    loads, progress). Topping the counts up keeps them alive; the window repeats this on a timer.
    A no-op on 3.12+, where they are immortal."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    for obj in (None, True, False):
        if sys.getrefcount(obj) < 1 << 24:
            ctypes.c_ssize_t.from_address(id(obj)).value += 1 << 30
