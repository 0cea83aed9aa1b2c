from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from photoindex.core.store import vectors as vectors_mod
from photoindex.core.store.catalog import Catalog
from photoindex.core.store.vectors import VectorIndex


def _unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def _fill(cat: Catalog, vecs: np.ndarray, space: str = "clip", start: int = 0, seq: int = 1) -> list[int]:
    ids = []
    with cat.transaction():
        if cat.model_key(space) is None:
            cat.conn.execute("INSERT INTO models(space, model_key, dim) VALUES (?, 'm', ?)", (space, vecs.shape[1]))
        for i in range(len(vecs)):
            pid = cat.insert_photo(f"/lib/p{start + i}.jpg", 1, 1, None)
            cat.mark_ok(pid, 10, 10, None)
            ids.append(pid)
        cat.write_embeddings(space, "m", seq, list(zip(ids, vecs, strict=True)))
    return ids


def _clustered(n: int, dim: int, seed: int, latent: int = 24) -> np.ndarray:
    """Embedding-like data: groups on a low-dimensional manifold inside dim dimensions, plus noise."""
    rng = np.random.default_rng(seed)
    proj = np.random.default_rng(1000 + dim).normal(size=(latent, dim))
    centres = np.random.default_rng(2000 + dim).normal(size=(50, latent)) * 2
    z = centres[rng.integers(0, 50, n)] + rng.normal(size=(n, latent))
    return _unit(z @ proj + rng.normal(scale=0.5, size=(n, dim)))


def test_hnsw_recall_against_exact_search(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vectors_mod, "EXACT_BELOW", 0)  # force the graph path
    cat = Catalog(tmp_path / "c.sqlite3")
    vecs = _clustered(30_000, 256, 0)
    ids = np.array(_fill(cat, vecs))
    idx = VectorIndex(tmp_path / "index", "clip")
    idx.sync(cat)
    queries = _clustered(200, 256, 1)
    exact_top = ids[np.argsort(-(queries @ vecs.T), axis=1)[:, :10]]
    hits = 0
    for q, exact in zip(queries, exact_top, strict=True):
        ann, _ = idx.search(q, 10)
        hits += len(set(ann.tolist()) & set(exact.tolist()))
    exact_path, _ = idx.search(queries[0], 10, exact=True)
    assert exact_path.tolist() == exact_top[0].tolist()
    recall = hits / (10 * len(queries))
    assert recall >= 0.95, recall


def test_index_is_saved_atomically_reloaded_and_kept_in_step(tmp_path: Path) -> None:
    cat = Catalog(tmp_path / "c.sqlite3")
    vecs = _clustered(500, 32, 2)
    ids = _fill(cat, vecs)
    idx = VectorIndex(tmp_path / "index", "clip")
    assert idx.sync(cat) == 500
    idx.save()
    assert not list((tmp_path / "index").glob("*.tmp*"))
    # A new process: loads the file, adds only what is new, forgets what was deleted.
    more = _fill(cat, _clustered(20, 32, 3), start=500, seq=2)
    cat.delete_photos(ids[:10])
    idx2 = VectorIndex(tmp_path / "index", "clip")
    assert idx2.sync(cat) == 20
    assert len(idx2) == 510
    found, scores = idx2.search(vecs[0], 5)
    assert ids[0] not in found.tolist()
    found, scores = idx2.search(_clustered(20, 32, 3)[0], 1)
    assert found[0] == more[0] and scores[0] > 0.99


def test_corrupt_index_file_is_rebuilt_from_the_catalog(tmp_path: Path) -> None:
    cat = Catalog(tmp_path / "c.sqlite3")
    vecs = _clustered(300, 16, 4)
    ids = _fill(cat, vecs)
    idx = VectorIndex(tmp_path / "index", "clip")
    idx.sync(cat)
    idx.save()
    (tmp_path / "index" / "clip.hnsw").write_bytes(b"garbage" * 10)
    idx2 = VectorIndex(tmp_path / "index", "clip")
    assert idx2.sync(cat) == 300
    found, scores = idx2.search(vecs[7], 1)
    assert found[0] == ids[7]


def test_filtered_search_returns_only_allowed(tmp_path: Path) -> None:
    cat = Catalog(tmp_path / "c.sqlite3")
    vecs = _clustered(1000, 16, 5)
    ids = np.array(_fill(cat, vecs))
    idx = VectorIndex(tmp_path / "index", "clip")
    idx.sync(cat)
    allowed = np.sort(ids[::7])
    found, _ = idx.search(vecs[0], 20, allowed=allowed)
    assert len(found) == 20 and set(found.tolist()) <= set(allowed.tolist())
