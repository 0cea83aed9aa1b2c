"""One hnswlib index per embedding space: a cache of the catalog's vectors.

The catalog is the source of truth; the index is rebuilt from it whenever it cannot be trusted.
Labels are photo ids (never reused by the catalog); deletions use mark_deleted.

Keeping up (`sync`) rests on the catalog's monotonic embedding counter (`Catalog.last_seq`):
every vector write gets a seq higher than any before, even after the newest rows are deleted.
The index remembers the last seq it has seen; a sync re-adds every row written after it (an
hnswlib add with an existing label replaces that vector, so an edited photo gets its new one),
adds any live id the graph lacks (a safety net), and marks deleted the ids the catalog lost.

On disk: `<space>.hnsw` and a sidecar `<space>.json` that names what the file holds (the
catalog's id, the space, the model key, the vector size, the seq, the live count, the deleted
labels) and the file's size and CRC-32. Both are written atomically (temp file, fsync, rename).
Any doubt on load (a missing or unreadable sidecar, another catalog, model or space, a seq the
catalog has not reached, a size or checksum that differs, any exception while loading) means:
log a warning naming the file and the reason, and rebuild from the catalog, once. The checksum
is checked before hnswlib reads the file, so a garbled file never reaches its parser.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from photoindex.atomic import fsync_dir, fsync_file
from photoindex.core.store.catalog import Catalog
from photoindex.core.types import Matrix

log = logging.getLogger(__name__)

EXACT_BELOW = 20_000
"""Below this many vectors an exact matrix product is as fast as the graph, and exact.
Read at call time, so tests can patch it low to exercise the graph path."""
M = 16
EF_CONSTRUCTION = 128
EF_SEARCH = 128
FORMAT = 2
"""Sidecar format. 2: catalog_id, space, model_key, dim, seq, count, deleted, bytes, crc32."""
ADD_THREADS = 2
"""hnswlib insertion threads: the machine this runs on may have two cores, and the search
and the window need one."""

_EMPTY_IDS = np.zeros(0, dtype=np.int64)


class VectorIndex:
    """Search one space. Thread-safe: queries may run while the index is being synced."""

    def __init__(self, index_dir: Path, space: str) -> None:
        self.index_dir = Path(index_dir)
        self.space = space
        self.path = self.index_dir / f"{space}.hnsw"
        self.meta_path = self.index_dir / f"{space}.json"
        self._lock = threading.RLock()
        self._hnsw: Any = None
        self._identity: tuple[str, str | None, int] | None = None  # (catalog id, model key, dim)
        self._seq = 0
        self._dim = 0
        self._ids = _EMPTY_IDS  # labels live in the graph, sorted
        self._deleted = _EMPTY_IDS  # labels in the graph marked deleted, sorted
        self._matrix: Matrix | None = None  # exact-search copy, kept while the library is small
        self._matrix_ids = _EMPTY_IDS
        self._generation = 0  # bumped whenever what a query sees changes
        self.dirty = False
        self._sample: Matrix | None = None
        self._sample_gen = -1
        self._mask: np.ndarray | None = None  # label -> allowed, reused between filtered searches

    # -- keeping up with the catalog -----------------------------------------------------------

    def sync(self, catalog: Catalog) -> int:
        """Bring the index up to date with the catalog; returns how many vectors were (re)added."""
        with self._lock, _snapshot(catalog):
            model_key = catalog.model_key(self.space)
            identity = (catalog.catalog_id, model_key, _model_dim(catalog, self.space))
            last_seq = catalog.last_seq()
            if self._identity != identity:
                self._clear()
                self._identity = identity
                if model_key is not None:
                    self._load(identity, last_seq)
            elif self._seq > last_seq:
                log.warning("%s is ahead of its catalog (seq %d > %d): rebuilding it", self.path, self._seq, last_seq)
                self._clear()
            if model_key is None:
                if len(self._ids):
                    self._clear()
                    self._changed()
                return 0
            live = np.sort(catalog.vector_ids(self.space))
            if self._hnsw is None:
                ids, vecs = catalog.vectors(self.space)
            else:
                ids, vecs = catalog.vectors(self.space, since_seq=self._seq)
                missing = np.setdiff1d(np.setdiff1d(live, self._ids, assume_unique=True), ids, assume_unique=True)
                if len(missing):
                    log.warning("%s lacked %d live vectors: adding them", self.path, len(missing))
                    more_ids, more_vecs = catalog.vectors(self.space, ids=missing.tolist())
                    if len(more_ids):
                        ids = np.concatenate([ids, more_ids]) if len(ids) else more_ids
                        vecs = np.concatenate([vecs, more_vecs]) if len(vecs) else more_vecs
            if len(ids) and self._hnsw is not None and vecs.shape[1] != self._dim:
                log.warning("%s holds %d-d vectors, the catalog %d-d: rebuilding it", self.path, self._dim, vecs.shape[1])
                self._clear()
                ids, vecs = catalog.vectors(self.space)
            gone = np.setdiff1d(self._ids, live, assume_unique=True)
            if len(ids) or len(gone):
                if len(ids):
                    self._add(ids, vecs)
                for pid in gone:
                    self._hnsw.mark_deleted(int(pid))
                if len(gone):
                    self._deleted = np.union1d(self._deleted, gone)
                self._ids = live
                self._changed()
            if self._seq != last_seq:
                self._seq = last_seq  # writes to other spaces move it too
                self.dirty = True
            self._refresh_matrix(catalog, live)
            return len(ids)

    def _add(self, ids: np.ndarray, vecs: Matrix) -> None:
        """Add or replace these vectors; every label among them is live afterwards."""
        fresh = np.setdiff1d(np.setdiff1d(ids, self._ids), self._deleted)
        self._ensure(vecs.shape[1], self.element_count + len(fresh))
        revived = np.intersect1d(ids, self._deleted, assume_unique=True)
        for pid in revived:
            # hnswlib also unmarks on add, but say so rather than rely on it.
            self._hnsw.unmark_deleted(int(pid))
        if len(revived):
            self._deleted = np.setdiff1d(self._deleted, revived, assume_unique=True)
        self._hnsw.add_items(np.ascontiguousarray(vecs, dtype=np.float32), ids, num_threads=ADD_THREADS)

    @property
    def element_count(self) -> int:
        return int(self._hnsw.element_count) if self._hnsw is not None else 0

    def _changed(self) -> None:
        self._generation += 1
        self._matrix = None
        self._matrix_ids = _EMPTY_IDS
        self._mask = None
        self.dirty = True

    def _refresh_matrix(self, catalog: Catalog, live: np.ndarray) -> None:
        if len(live) < EXACT_BELOW and self._matrix is None and len(live):
            ids, matrix = catalog.vectors(self.space, ids=live.tolist())
            order = np.argsort(ids)
            self._matrix_ids, self._matrix = ids[order], np.ascontiguousarray(matrix[order])
        elif len(live) >= EXACT_BELOW:
            self._matrix = None
            self._matrix_ids = _EMPTY_IDS

    def _clear(self) -> None:
        self._hnsw = None
        self._seq = 0
        self._dim = 0
        self._ids = _EMPTY_IDS
        self._deleted = _EMPTY_IDS
        self._matrix = None
        self._matrix_ids = _EMPTY_IDS
        self._mask = None
        self._generation += 1

    def _ensure(self, dim: int, capacity: int) -> None:
        import hnswlib

        if self._hnsw is None or self._dim != dim:
            self._clear()
            self._hnsw = hnswlib.Index(space="ip", dim=dim)
            self._hnsw.init_index(max_elements=max(1024, int(capacity * 1.25)), ef_construction=EF_CONSTRUCTION, M=M)
            self._hnsw.set_ef(EF_SEARCH)
            self._dim = dim
        elif self._hnsw.get_max_elements() < capacity:
            self._hnsw.resize_index(int(capacity * 1.5) + 1024)

    def _load(self, identity: tuple[str, str | None, int], last_seq: int) -> None:
        """Read the saved index if it is exactly what the catalog needs; otherwise stay empty
        (sync then rebuilds it) and say why in the log."""
        if not self.meta_path.exists() and not self.path.exists():
            return  # never saved: nothing to report
        try:
            problem = self._read(identity, last_seq)
        except Exception as exc:  # noqa: BLE001 - any failure to read a cache means: rebuild it
            problem = f"unreadable ({type(exc).__name__}: {exc})"
        if problem:
            self._clear()
            log.warning("vector index %s: %s; rebuilding it from the catalog", self.path, problem)

    def _read(self, identity: tuple[str, str | None, int], last_seq: int) -> str | None:
        import hnswlib

        if not self.meta_path.exists():
            return f"its sidecar {self.meta_path.name} is missing"
        meta = json.loads(self.meta_path.read_text(encoding="utf-8"))
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            return f"sidecar format {meta.get('format') if isinstance(meta, dict) else '?'}, expected {FORMAT}"
        catalog_id, model_key, dim = identity
        for key, want in (("catalog_id", catalog_id), ("space", self.space), ("model_key", model_key), ("dim", dim)):
            if meta.get(key) != want:
                return f"made for {key} {meta.get(key)!r}, the catalog has {want!r}"
        seq = int(meta["seq"])
        if seq > last_seq:
            return f"covers seq {seq}, newer than the catalog's {last_seq}"
        size = self.path.stat().st_size
        if size != int(meta["bytes"]):
            return f"{size} bytes, its sidecar says {meta['bytes']}"
        crc = _crc32(self.path)
        if crc != int(meta["crc32"]):
            return f"checksum {crc:08x}, its sidecar says {int(meta['crc32']):08x}"
        index = hnswlib.Index(space="ip", dim=dim)
        index.load_index(str(self.path), max_elements=int(meta["capacity"]))
        index.set_ef(EF_SEARCH)
        labels = np.sort(np.asarray(index.get_ids_list(), dtype=np.int64))
        deleted = np.sort(np.asarray(meta["deleted"], dtype=np.int64))
        if len(labels) != int(meta["elements"]) or len(np.setdiff1d(deleted, labels)):
            return "its labels do not match its sidecar"
        live = np.setdiff1d(labels, deleted, assume_unique=True)
        if len(live) != int(meta["count"]):
            return f"{len(live)} live labels, its sidecar says {meta['count']}"
        self._hnsw = index
        self._dim = dim
        self._seq = seq
        self._ids = live
        self._deleted = deleted
        self._generation += 1
        self.dirty = False
        return None

    def save(self) -> None:
        """Write the index atomically; a crash mid-save leaves the previous one intact (or, at
        worst, a file that its sidecar does not describe, which the next load rebuilds)."""
        with self._lock:
            if self._hnsw is None or not self.dirty or self._identity is None:
                return
            self.index_dir.mkdir(parents=True, exist_ok=True)
            tmp = self.index_dir / f".{self.space}.hnsw.tmp{os.getpid()}"
            meta_tmp = self.index_dir / f".{self.space}.json.tmp{os.getpid()}"
            try:
                self._hnsw.save_index(str(tmp))
                fsync_file(tmp)
                catalog_id, model_key, dim = self._identity
                meta = {
                    "format": FORMAT,
                    "catalog_id": catalog_id,
                    "space": self.space,
                    "model_key": model_key,
                    "dim": dim,
                    "seq": self._seq,
                    "count": len(self._ids),
                    "elements": self.element_count,
                    "capacity": int(self._hnsw.get_max_elements()),
                    "deleted": self._deleted.tolist(),
                    "bytes": tmp.stat().st_size,
                    "crc32": _crc32(tmp),
                }
                with open(meta_tmp, "w", encoding="utf-8") as fh:
                    json.dump(meta, fh)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.replace(tmp, self.path)
                os.replace(meta_tmp, self.meta_path)
                fsync_dir(self.index_dir)
            except OSError as exc:
                log.warning("could not save the vector index %s: %s", self.path, exc)
                raise
            finally:
                for leftover in (tmp, meta_tmp):
                    leftover.unlink(missing_ok=True)
            self.dirty = False

    # -- queries -------------------------------------------------------------------------------

    def dim_mismatch(self, query: np.ndarray) -> bool:
        return self._dim not in (0, int(np.asarray(query).size)) if self._hnsw is not None else False

    def __len__(self) -> int:
        return len(self._ids)

    @property
    def ids(self) -> np.ndarray:
        return self._ids

    def search(
        self, query: np.ndarray, k: int, allowed: np.ndarray | None = None, exact: bool = False
    ) -> tuple[np.ndarray, np.ndarray]:
        """(photo ids, cosine scores), best first. allowed: only these ids (sorted or not)."""
        query = np.ascontiguousarray(query, dtype=np.float32).reshape(-1)
        with self._lock:
            n = len(self._ids)
            if n == 0 or k <= 0:
                return _EMPTY_IDS, np.zeros(0, dtype=np.float32)
            if allowed is not None:
                allowed = np.intersect1d(allowed, self._ids)
                if len(allowed) == 0:
                    return _EMPTY_IDS, np.zeros(0, dtype=np.float32)
            use_exact = exact or self._hnsw is None or self._matrix is not None
            if not use_exact and allowed is not None and len(allowed) <= max(EXACT_BELOW, n // 10):
                use_exact = True
            if use_exact:
                return self._exact(query, k, allowed)
            k_eff = min(k, n if allowed is None else len(allowed))
            self._hnsw.set_ef(max(EF_SEARCH, 2 * k_eff))
            try:
                if allowed is None:
                    labels, dists = self._hnsw.knn_query(query, k=k_eff, num_threads=1)
                else:
                    mask = self._allowed_mask(allowed)
                    labels, dists = self._hnsw.knn_query(
                        query, k=k_eff, num_threads=1, filter=lambda label: bool(mask[label])
                    )
            except RuntimeError:
                # hnswlib found fewer than k (a graph thinned by many deletions): answer exactly.
                return self._exact(query, k, allowed)
            return labels[0].astype(np.int64), (1.0 - dists[0]).astype(np.float32)

    def _allowed_mask(self, allowed: np.ndarray) -> np.ndarray:
        top = int(max(self._ids[-1], self._deleted[-1] if len(self._deleted) else 0)) + 1
        if self._mask is None or len(self._mask) < top:
            self._mask = np.zeros(top, dtype=np.bool_)
        else:
            self._mask[:] = False
        self._mask[allowed] = True
        return self._mask

    def _exact(self, query: np.ndarray, k: int, allowed: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        if self._matrix is not None:
            ids, matrix = self._matrix_ids, self._matrix
            if allowed is not None:
                pos = np.searchsorted(ids, allowed)
                ids, matrix = ids[pos], matrix[pos]
        else:
            ids = allowed if allowed is not None else self._ids
            matrix = self._get_items(ids)
        scores = _scores(matrix, query)
        k = min(k, len(ids))
        top = np.argpartition(-scores, k - 1)[:k] if k < len(ids) else np.arange(len(ids))
        order = top[np.argsort(-scores[top], kind="stable")]
        return ids[order], scores[order].astype(np.float32)

    def _get_items(self, ids: np.ndarray) -> Matrix:
        if len(ids) == 0:
            return np.zeros((0, self._dim), dtype=np.float32)
        return np.asarray(self._hnsw.get_items(ids, return_type="numpy"), dtype=np.float32)

    def vectors_for(self, ids: np.ndarray) -> Matrix:
        with self._lock:
            if self._matrix is not None:
                pos = np.searchsorted(self._matrix_ids, ids)
                return self._matrix[pos]
            return self._get_items(np.asarray(ids, dtype=np.int64))

    def sample_scores(self, query: np.ndarray, n: int = 2048, seed: int = 0) -> np.ndarray:
        """Scores of the query against a random sample of the library: its score distribution.
        The sample's vectors are kept until the index changes, so this costs one small product."""
        with self._lock:
            if len(self._ids) == 0:
                return np.zeros(0, dtype=np.float32)
            if self._sample is None or self._sample_gen != self._generation:
                rng = np.random.default_rng(seed)
                pick = self._ids if len(self._ids) <= n else rng.choice(self._ids, size=n, replace=False)
                self._sample = np.ascontiguousarray(self.vectors_for(np.sort(pick)))
                self._sample_gen = self._generation
            return _scores(self._sample, np.asarray(query, dtype=np.float32).reshape(-1))


@contextmanager
def _snapshot(catalog: Catalog) -> Iterator[None]:
    """One read transaction, so the seq, the live ids and the rows read agree with each other.
    Inside a caller's transaction, that transaction already is the snapshot."""
    conn = catalog.conn
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN")
    try:
        yield
    finally:
        if conn.in_transaction:
            conn.execute("COMMIT")


def _scores(matrix: Matrix, query: np.ndarray) -> np.ndarray:
    """matrix @ query without BLAS: OpenBLAS hands a matrix-vector product to its threads, and
    on a busy two-core machine waking them costs 8 ms where one core needs 0.3 (2,048 x 512)."""
    return np.einsum("ij,j->i", matrix, query)


def _model_dim(catalog: Catalog, space: str) -> int:
    row = catalog.conn.execute("SELECT dim FROM models WHERE space = ?", (space,)).fetchone()
    return int(row[0]) if row else 0


def _crc32(path: Path) -> int:
    crc = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 22):
            crc = zlib.crc32(chunk, crc)
    return crc
