"""One hnswlib index per embedding space: a cache of the catalog's vectors.

The catalog is the source of truth. The index file is written atomically (temp file + rename)
with a sidecar that says which model and which catalog write (seq) it covers; when it is missing,
stale, of another model or unreadable, it is brought up to date from the catalog, incrementally
where it can be. Labels are photo ids; deletions use mark_deleted.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

import numpy as np

from photoindex.core.store.catalog import Catalog
from photoindex.core.types import Matrix

EXACT_BELOW = 20_000
"""Below this many vectors an exact matrix product is as fast as the graph, and exact."""
M = 16
EF_CONSTRUCTION = 128
EF_SEARCH = 128


class VectorIndex:
    """Search one space. Thread-safe: queries may run while the index is being synced."""

    def __init__(self, index_dir: Path, space: str) -> None:
        self.index_dir = Path(index_dir)
        self.space = space
        self.path = self.index_dir / f"{space}.hnsw"
        self.meta_path = self.index_dir / f"{space}.json"
        self._lock = threading.RLock()
        self._hnsw: Any = None
        self._model_key: str | None = None
        self._seq = 0
        self._dim = 0
        self._ids = np.zeros(0, dtype=np.int64)  # live labels, sorted
        self._matrix: Matrix | None = None  # exact-search copy, kept while the library is small
        self._matrix_ids = np.zeros(0, dtype=np.int64)
        self.dirty = False
        self._sample: Matrix | None = None
        self._sample_key: tuple[int, int] = (0, 0)

    # -- keeping up with the catalog -----------------------------------------------------------

    def sync(self, catalog: Catalog) -> int:
        """Bring the index up to date with the catalog; returns how many vectors were added."""
        model_key = catalog.model_key(self.space)
        with self._lock:
            if self._hnsw is None or self._model_key != model_key:
                self._load(model_key)
            catalog_seq = catalog.max_seq(self.space)
            live = np.sort(catalog.vector_ids(self.space))
            added = 0
            if model_key is None or len(live) == 0:
                self._reset(0)
                self._ids = live
                self._model_key = model_key
                self._matrix = None
                self._matrix_ids = live
                return 0
            if catalog_seq != self._seq or len(live) != len(self._ids) or not np.array_equal(live, self._ids):
                ids, vecs = catalog.vectors(self.space, since_seq=self._seq)
                if len(ids):
                    self._ensure(vecs.shape[1], len(live))
                    self._unmark(ids)
                    self._hnsw.add_items(vecs, ids, num_threads=min(2, os.cpu_count() or 1))
                    added = len(ids)
                gone = np.setdiff1d(self._ids, live, assume_unique=True)
                for pid in gone:
                    try:
                        self._hnsw.mark_deleted(int(pid))
                    except RuntimeError:
                        pass
                self._ids = live
                self._seq = catalog_seq
                self._model_key = model_key
                self._matrix = None
                self.dirty = True
            if len(live) < EXACT_BELOW and self._matrix is None:
                self._matrix_ids, self._matrix = catalog.vectors(self.space, ids=live.tolist())
                order = np.argsort(self._matrix_ids)
                self._matrix_ids, self._matrix = self._matrix_ids[order], self._matrix[order]
            return added

    def _unmark(self, ids: np.ndarray) -> None:
        # A label deleted earlier and written again (a photo that came back) must be live again.
        deleted = np.setdiff1d(ids, self._ids)
        for pid in deleted:
            try:
                self._hnsw.unmark_deleted(int(pid))
            except RuntimeError:
                pass

    def _reset(self, dim: int) -> None:
        self._hnsw = None
        self._seq = 0
        self._dim = dim
        self._ids = np.zeros(0, dtype=np.int64)

    def _ensure(self, dim: int, capacity: int) -> None:
        import hnswlib

        if self._hnsw is None or self._dim != dim:
            self._hnsw = hnswlib.Index(space="ip", dim=dim)
            self._hnsw.init_index(max_elements=max(1024, int(capacity * 1.25)), ef_construction=EF_CONSTRUCTION, M=M)
            self._hnsw.set_ef(EF_SEARCH)
            self._dim = dim
            self._seq = 0
            self._ids = np.zeros(0, dtype=np.int64)
        elif self._hnsw.get_max_elements() < capacity + 16:
            self._hnsw.resize_index(int(capacity * 1.5) + 1024)

    def _load(self, model_key: str | None) -> None:
        """Read the saved index if it matches the catalog's model; otherwise start empty."""
        import hnswlib

        self._reset(0)
        self._model_key = model_key
        try:
            meta = json.loads(self.meta_path.read_text())
            if meta.get("model_key") != model_key or meta.get("format") != 1:
                return
            index = hnswlib.Index(space="ip", dim=int(meta["dim"]))
            index.load_index(str(self.path), max_elements=int(meta["capacity"]))
            index.set_ef(EF_SEARCH)
            labels = np.asarray(index.get_ids_list(), dtype=np.int64)
            if len(labels) != int(meta["count_all"]):
                return  # a torn or foreign file: rebuild
            self._hnsw = index
            self._dim = int(meta["dim"])
            self._seq = int(meta["seq"])
            # Every label in the file counts as live until sync() marks what the catalog lost.
            self._ids = np.sort(labels)
        except (OSError, ValueError, KeyError, RuntimeError, json.JSONDecodeError):
            self._reset(0)

    def save(self) -> None:
        """Write the index atomically; a crash mid-save leaves the previous one intact."""
        with self._lock:
            if self._hnsw is None or not self.dirty:
                return
            self.index_dir.mkdir(parents=True, exist_ok=True)
            tmp = self.index_dir / f".{self.space}.hnsw.tmp{os.getpid()}"
            self._hnsw.save_index(str(tmp))
            meta = {
                "format": 1,
                "model_key": self._model_key,
                "dim": self._dim,
                "seq": self._seq,
                "capacity": self._hnsw.get_max_elements(),
                "count_all": self._hnsw.element_count,
            }
            meta_tmp = self.index_dir / f".{self.space}.json.tmp{os.getpid()}"
            meta_tmp.write_text(json.dumps(meta))
            os.replace(tmp, self.path)
            os.replace(meta_tmp, self.meta_path)
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
        query = np.asarray(query, dtype=np.float32).reshape(-1)
        with self._lock:
            n = len(self._ids)
            if n == 0 or k <= 0:
                return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
            if allowed is not None:
                allowed = np.intersect1d(allowed, self._ids)
                if len(allowed) == 0:
                    return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
            use_exact = exact or self._hnsw is None or (self._matrix is not None and len(self._matrix_ids) == n)
            if not use_exact and allowed is not None and len(allowed) <= max(EXACT_BELOW, n // 10):
                use_exact = True
            if use_exact:
                return self._exact(query, k, allowed)
            k_eff = min(k if allowed is None else k * 4, n)
            self._hnsw.set_ef(max(EF_SEARCH, 2 * k_eff))
            labels, dists = self._hnsw.knn_query(query, k=k_eff)
            labels = labels[0].astype(np.int64)
            scores = (1.0 - dists[0]).astype(np.float32)
            if allowed is not None:
                keep = np.isin(labels, allowed)
                labels, scores = labels[keep], scores[keep]
            return labels[:k], scores[:k]

    def _exact(self, query: np.ndarray, k: int, allowed: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        if self._matrix is not None and len(self._matrix_ids) == len(self._ids):
            ids, matrix = self._matrix_ids, self._matrix
            if allowed is not None:
                pos = np.searchsorted(ids, allowed)
                ids, matrix = ids[pos], matrix[pos]
        else:
            wanted = allowed if allowed is not None else self._ids
            matrix = np.asarray(self._hnsw.get_items(wanted.tolist(), return_type="numpy"), dtype=np.float32)
            ids = wanted
        scores = matrix @ query
        k = min(k, len(ids))
        top = np.argpartition(-scores, k - 1)[:k] if k < len(ids) else np.arange(len(ids))
        order = top[np.argsort(-scores[top], kind="stable")]
        return ids[order], scores[order].astype(np.float32)

    def vectors_for(self, ids: np.ndarray) -> Matrix:
        with self._lock:
            if self._matrix is not None and len(self._matrix_ids) == len(self._ids):
                pos = np.searchsorted(self._matrix_ids, ids)
                return self._matrix[pos]
            return np.asarray(self._hnsw.get_items(np.asarray(ids).tolist(), return_type="numpy"), dtype=np.float32)

    def sample_scores(self, query: np.ndarray, n: int = 2048, seed: int = 0) -> np.ndarray:
        """Scores of the query against a random sample of the library: its score distribution.
        The sample's vectors are kept until the index changes, so this costs one small product."""
        with self._lock:
            if len(self._ids) == 0:
                return np.zeros(0, dtype=np.float32)
            if self._sample is None or self._sample_key != (len(self._ids), self._seq):
                rng = np.random.default_rng(seed)
                pick = self._ids if len(self._ids) <= n else rng.choice(self._ids, size=n, replace=False)
                self._sample = np.ascontiguousarray(self.vectors_for(np.sort(pick)))
                self._sample_key = (len(self._ids), self._seq)
            return self._sample @ np.asarray(query, dtype=np.float32).reshape(-1)

