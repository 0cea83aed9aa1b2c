"""The one door for catalog writes.

Every write to the catalog in this process (indexing, people edits, reclustering, the map
layout, adding and removing folders, settings recorded in the library) goes through one
`CatalogWriter`: one connection, one lock, one transaction at a time. Readers open their own
read-only connections (`Library.catalog()`), which WAL lets run beside the writer. Between
processes, SQLite's own write lock (BEGIN IMMEDIATE) serialises the writers of the file, and
the indexing lock (`store/locks.py`) keeps one indexer per library.

A long computation made from a snapshot (reclustering every face, say) records a generation
before it reads and checks it again inside `transaction()` before it commits: if someone wrote
meanwhile, it redoes the work instead of overwriting theirs (see `faces/people.py::recluster`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from photoindex.core.store.catalog import Catalog

log = logging.getLogger(__name__)


class CatalogWriter:
    """One writable connection to a catalog, used by one thread at a time."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        self._catalog: Catalog | None = None
        self.commits = 0
        """Transactions committed through this writer (tests and the GUI-thread recorder)."""
        self._depth = 0

    def _open(self) -> Catalog:
        if self._catalog is None:
            self._catalog = Catalog(self.path)
        return self._catalog

    @contextmanager
    def transaction(self) -> Iterator[Catalog]:
        """Hold the write lock and a transaction; yields the writer's Catalog. Commits on a
        normal exit, rolls back on an exception. Nested calls join the outer transaction."""
        with self._lock:
            cat = self._open()
            if self._depth:
                yield cat  # nested: the outer transaction commits
                return
            if cat.conn.in_transaction:  # left open by a failure: never join it
                log.warning("a transaction was left open on the catalog writer; rolled back")
                cat.conn.execute("ROLLBACK")
            self._depth += 1
            try:
                with cat.transaction():
                    yield cat
            finally:
                self._depth -= 1
            self.commits += 1

    @contextmanager
    def locked(self) -> Iterator[Catalog]:
        """Hold the write lock without a transaction (a migration-like job that commits in
        several transactions of its own, still with no other writer of this process between)."""
        with self._lock:
            yield self._open()

    def close(self) -> None:
        with self._lock:
            if self._catalog is not None:
                try:
                    self._catalog.close()
                except Exception:
                    log.exception("closing the catalog writer")
                self._catalog = None
