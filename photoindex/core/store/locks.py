"""One indexer per library: a cross-process lock in the library folder.

Two `index` runs on one library (the window and the command line, or two terminals) race in
the scan (both insert the same new path) and embed every photo twice, so `Library.index` holds
`IndexLock` for its whole run. The lock is an OS file lock (filelock: flock on Unix, LockFileEx
on Windows) on LIBRARY/index.lock, which the OS drops when its process dies, however it dies:
a crashed indexer never blocks the next one. Who holds it (pid, start time) is written beside
it in LIBRARY/index.lock.json, only for the message that the second indexer shows. Readers
(search, similar, status) never take this lock; SQLite's WAL lets them run beside the indexer.
"""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

from photoindex.atomic import atomic_write_text
from photoindex.core.types import LibraryBusy

log = logging.getLogger(__name__)

LOCK_NAME = "index.lock"
HOLDER_NAME = "index.lock.json"


@dataclass(frozen=True, slots=True)
class LockHolder:
    pid: int
    started: float
    """Seconds since the epoch."""


class IndexLock:
    """The indexing lock of the library in `library_dir`. Not reentrant: one hold at a time.

    `acquire()` fails at once with LibraryBusy (the command line); `acquire(timeout=...)`
    returns False when still held after that many seconds, so a caller that waits (the window's
    queue) can poll and honour its cancel button in between."""

    def __init__(self, library_dir: Path) -> None:
        self.library_dir = Path(library_dir)
        self.path = self.library_dir / LOCK_NAME
        self.holder_path = self.library_dir / HOLDER_NAME
        # filelock is imported when a lock is made: ~35 ms that the window's start need not wait for.
        from filelock import FileLock

        # thread_local=False: the window may start a run on one thread and finish it on another.
        self._lock = FileLock(self.path, thread_local=False)

    @property
    def is_held(self) -> bool:
        """Held by this object (not: by anyone)."""
        return bool(self._lock.is_locked)

    def acquire(self, *, timeout: float | None = None) -> bool:
        """Take the lock. timeout None: raise LibraryBusy at once if another holds it; a number:
        wait up to that many seconds and return False if it is still held."""
        if self.is_held:
            raise RuntimeError(f"{self.path} is already held by this IndexLock")
        from filelock import Timeout

        self.library_dir.mkdir(parents=True, exist_ok=True)
        try:
            self._lock.acquire(timeout=0 if timeout is None else max(timeout, 0.0))
        except Timeout:
            if timeout is None:
                raise LibraryBusy(self.busy_message()) from None
            return False
        self._write_holder()
        return True

    def release(self) -> None:
        if not self.is_held:
            return
        try:
            if (holder := self.holder()) is not None and holder.pid == os.getpid():
                self.holder_path.unlink(missing_ok=True)
        except OSError:
            log.warning("could not remove %s", self.holder_path, exc_info=True)
        finally:
            self._lock.release(force=True)

    def __enter__(self) -> IndexLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    # -- who holds it --------------------------------------------------------------------------

    def holder(self) -> LockHolder | None:
        """What the holder wrote beside the lock, or None (not written yet, unreadable)."""
        try:
            doc = json.loads(self.holder_path.read_text(encoding="utf-8"))
            return LockHolder(int(doc["pid"]), float(doc["started"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def busy_message(self, patience_s: float = 1.0) -> str:
        # The holder writes its note just after it takes the lock: give it a moment.
        deadline = time.monotonic() + patience_s
        holder = self.holder()
        while (holder is None or not _alive(holder.pid)) and time.monotonic() < deadline:
            time.sleep(0.05)
            holder = self.holder()
        if holder is None or not _alive(holder.pid):
            # Just taken (the holder has not written its note yet) or a note left by a dead one.
            who = "another process"
        else:
            who = f"process {holder.pid} (started {time.strftime('%H:%M', time.localtime(holder.started))})"
        return f"the library at {self.library_dir} is being indexed by {who}; try again when it finishes"

    def _write_holder(self) -> None:
        # Only for the other indexer's message: a failure here (a full disk) must not stop the run.
        try:
            atomic_write_text(self.holder_path, json.dumps({"pid": os.getpid(), "started": time.time()}), durable=False)
        except OSError:
            log.warning("could not write %s", self.holder_path, exc_info=True)


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if os.name == "nt":
        return True  # os.kill(pid, 0) would terminate it there; the note is only for a message
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process, alive
    except OSError:
        return False
    return True
