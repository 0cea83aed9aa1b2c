"""Run core work off the GUI thread and bring results back by signal.

Workers never touch widgets: a task's result travels to the GUI thread through a queued
signal (Anki's run_on_main habit). Long jobs are the core's generators; IndexWorker turns each
Progress it yields into a signal (TagStudio's function_iterator habit).
"""

from __future__ import annotations

import atexit
import logging
import weakref
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThread, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)


_POOLS: weakref.WeakSet[QThreadPool] = weakref.WeakSet()


def tracked_pool(parent: QObject | None, threads: int) -> QThreadPool:
    """A thread pool whose work is over before Python shuts down (drain_pools, at exit). A
    Python task that starts or resumes on a pool thread while the interpreter finalizes has its
    thread ended by a C++ unwind (Python's thread exit), which Qt reports as "Qt Concurrent has
    caught an exception thrown from a worker thread" and no one can log: the tasks still queued
    for a preview, a thumbnail or the map at the end of a run did that."""
    pool = QThreadPool(parent)
    pool.setMaxThreadCount(max(1, threads))
    _POOLS.add(pool)
    return pool


def drain_pools(msecs: int = 10000) -> None:
    """Drop what is still queued on every tracked pool and wait for what runs (at exit, and when
    the window closes)."""
    import shiboken6

    for pool in list(_POOLS):
        if shiboken6.isValid(pool):
            pool.clear()
            if not pool.waitForDone(msecs):
                log.warning("a background task was still running after %d ms at shutdown", msecs)


atexit.register(drain_pools)


class _Relay(QObject):
    done = Signal(object)
    failed = Signal(str)


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.fn = fn
        self.relay = relay
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self.fn()
        except BaseException as exc:  # shown to the user as one line; never let through to Qt's pool
            from photoindex.core.types import PhotoindexError

            msg = str(exc) if isinstance(exc, PhotoindexError) else f"{type(exc).__name__}: {exc}"
            if not isinstance(exc, PhotoindexError):
                log.exception("background task failed")
            self._send(self.relay.failed, msg.splitlines()[0] if msg else type(exc).__name__)
        else:
            self._send(self.relay.done, result)

    def _send(self, signal: Any, value: Any) -> None:
        try:
            signal.emit(value)
        except RuntimeError as exc:  # the relay is gone: the application quit while this task ran
            log.debug("a background task ended after the application quit; its result is dropped (%s)", exc)


class TaskRunner(QObject):
    """Submit callables to a thread pool; on_done/on_error run on the GUI thread."""

    def __init__(self, threads: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = tracked_pool(self, threads)
        self._relays: set[_Relay] = set()

    def submit(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[str], None] | None = None,
    ) -> None:
        relay = _Relay()
        self._relays.add(relay)

        def finish(result: Any) -> None:
            self._relays.discard(relay)
            if on_done is not None and self._alive():
                on_done(result)

        def fail(msg: str) -> None:
            self._relays.discard(relay)
            if on_error is not None and self._alive():
                on_error(msg)

        relay.done.connect(finish)
        relay.failed.connect(fail)
        self.pool.start(_Task(fn, relay))

    def wait(self, msecs: int = 30000) -> bool:
        return self.pool.waitForDone(msecs)

    def _alive(self) -> bool:
        """False once the runner (and so the view that owns it) is deleted: a task that ends
        after its window closed must not call into widgets that are gone."""
        import shiboken6

        alive = shiboken6.isValid(self)
        if not alive:
            log.debug("a background task ended after its view was closed; its result is dropped")
        return alive


class IndexWorker(QThread):
    """Drives Library.index() in its own thread; pause/resume/cancel go through Control."""

    progress = Signal(object)  # Progress
    finished_ok = Signal(object)  # IndexReport
    failed = Signal(str)
    batch_written = Signal()

    def __init__(self, library: Any, paths: list[str] | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        from photoindex.core.library import Control

        self.library = library
        self.paths = paths or []
        self.control = Control()

    @Slot()
    def run(self) -> None:
        from photoindex.core.types import PhotoindexError
        from photoindex.gui.compat import lower_this_thread_priority

        lower_this_thread_priority()
        try:
            # Another process (the CLI) indexing this library: wait for it, saying so in the status
            # bar (Progress 'waiting'); browsing and search go on meanwhile.
            gen = self.library.index(self.paths, control=self.control, wait=True)
            while True:
                try:
                    p = next(gen)
                except StopIteration as stop:
                    self.finished_ok.emit(stop.value)
                    return
                self.progress.emit(p)
                if p.phase == "embed" and p.done:
                    self.batch_written.emit()
        except PhotoindexError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:
            log.exception("indexing failed")
            self.failed.emit(f"{type(exc).__name__}: {exc}".splitlines()[0])

    def pause(self) -> None:
        self.control.pause()

    def resume(self) -> None:
        self.control.resume()

    def cancel(self) -> None:
        self.control.cancel()
