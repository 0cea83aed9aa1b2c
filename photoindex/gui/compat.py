"""Small adjustments for a responsive window: the GIL switch interval, background thread priority,
and keeping the garbage collector off the long-lived objects."""

from __future__ import annotations

import gc
import logging
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
        except OSError as exc:
            logging.getLogger(__name__).debug("could not lower the thread priority: %s", exc)


_FROZEN: set[str] = set()


def freeze_long_lived(moment: str) -> None:
    """Move every object alive now (modules, and once loaded torch and the models: millions of
    them) out of the garbage collector's sight. A full collection walks every tracked object while
    it holds the GIL; with the models loaded one took 0.47-0.65 s, and reading 100,000 rows for
    the timeline set one off: the window froze for that long. Objects that are garbage at this
    moment are never freed, which is why this runs once a process per moment ('start-up', after
    the first grid; 'models', once they are loaded), when little is garbage."""
    if moment in _FROZEN:
        return
    _FROZEN.add(moment)
    before = gc.get_freeze_count()
    gc.freeze()
    logging.getLogger(__name__).debug("%s: moved %d objects out of the collector's sight", moment,
                                      gc.get_freeze_count() - before)
