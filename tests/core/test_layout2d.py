"""The 2-D map layout: groups stay apart, the same seed gives the same map, new photos land next
to their neighbours, and the catalog keeps the layout."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from photoindex.core import layout2d
from photoindex.core.store.catalog import Catalog


def clusters(n_per: int = 50, k: int = 4, dim: int = 64, seed: int = 1, spread: float = 0.25):
    rng = np.random.default_rng(seed)
    centers = rng.normal(size=(k, dim))
    x = np.concatenate([c + spread * rng.normal(size=(n_per, dim)) for c in centers]).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    labels = np.repeat(np.arange(k), n_per)
    return x, labels, centers


@pytest.fixture(scope="module")
def data():
    # Five Gaussian groups in 512-d, like five kinds of photo in CLIP space.
    x, labels, centers = clusters(n_per=60, k=5, dim=512, spread=0.08)
    return x, labels, centers, layout2d.compute_layout(x, seed=0)


def test_groups_stay_apart(data):
    from sklearn.manifold import trustworthiness
    from sklearn.neighbors import KNeighborsClassifier

    x, labels, _, xy = data
    assert xy.shape == (len(x), 2) and xy.dtype == np.float32
    assert trustworthiness(x, xy, n_neighbors=10) >= 0.9
    # Each point's 2-D neighbours belong to its own group (leave-one-out kNN accuracy).
    knn = KNeighborsClassifier(n_neighbors=6).fit(xy, labels)
    neigh = knn.kneighbors(xy, return_distance=False)[:, 1:]
    assert (labels[neigh] == labels[:, None]).mean() > 0.95


def test_same_seed_same_layout(data):
    x, _, _, xy = data
    again = layout2d.compute_layout(x, seed=0)
    np.testing.assert_array_equal(xy, again)


def test_large_library_path_keeps_groups_and_is_reproducible(data, monkeypatch):
    """What a 100,000-photo library runs (FFT gradients on every core, fewer Annoy trees and
    iterations), on a small input: the groups stay apart and two runs agree exactly."""
    from sklearn.manifold import trustworthiness

    x, labels, _, _ = data
    monkeypatch.setattr(layout2d, "FFT_FROM", 100)
    monkeypatch.setattr(layout2d, "LARGE_FROM", 100)
    assert layout2d.iterations_for(len(x)) == (layout2d.EARLY_ITERS // 2, layout2d.MAIN_ITERS * 3 // 4)
    assert layout2d.gradient_threads(len(x)) == min(8, layout2d._threads())
    first = layout2d.compute_layout(x, seed=0, threads=2)
    assert trustworthiness(x, first, n_neighbors=10) >= 0.9
    d = ((first[:, None, :] - first[None]) ** 2).sum(-1)
    np.fill_diagonal(d, np.inf)
    neigh = np.argsort(d, axis=1)[:, :5]
    assert (labels[neigh] == labels[:, None]).mean() > 0.95
    np.testing.assert_array_equal(first, layout2d.compute_layout(x, seed=0, threads=2))


def test_tiny_inputs():
    assert layout2d.compute_layout(np.zeros((0, 8), np.float32)).shape == (0, 2)
    assert layout2d.compute_layout(np.ones((1, 8), np.float32)).shape == (1, 2)
    two = layout2d.compute_layout(np.eye(2, 8, dtype=np.float32))
    assert two.shape == (2, 2) and not np.array_equal(two[0], two[1])
    three = layout2d.compute_layout(np.eye(3, 8, dtype=np.float32))
    assert three.shape == (3, 2) and np.isfinite(three).all()
    assert len({tuple(p) for p in three.round(4)}) == 3
    assert layout2d.perplexity_for(10) == 3.0 and layout2d.perplexity_for(10_000) == 30.0
    # Small libraries still get a real t-SNE (perplexity below n / 3).
    five = layout2d.compute_layout(np.eye(5, 8, dtype=np.float32) + 0.01)
    assert five.shape == (5, 2) and np.isfinite(five).all()


def test_place_new_lands_in_its_cluster(data):
    x, labels, centers, xy = data
    rng = np.random.default_rng(7)
    new = (centers[labels[::25]] + 0.08 * rng.normal(size=(len(labels[::25]), x.shape[1]))).astype(np.float32)
    placed = layout2d.place_new(x, xy, new)
    centroids = np.stack([xy[labels == c].mean(axis=0) for c in range(centers.shape[0])])
    nearest = np.argmin(((placed[:, None, :] - centroids[None]) ** 2).sum(-1), axis=1)
    np.testing.assert_array_equal(nearest, labels[::25])
    # Near, not just nearer: inside the spread of its own group.
    spread = np.stack([np.linalg.norm(xy[labels == c] - centroids[c], axis=1).max() for c in range(len(centroids))])
    dist = np.linalg.norm(placed - centroids[labels[::25]], axis=1)
    assert (dist <= spread[labels[::25]]).all()


def test_place_new_edge_cases():
    ref = np.eye(4, 8, dtype=np.float32)
    ref_xy = np.array([[0, 0], [10, 0], [0, 10], [10, 10]], dtype=np.float32)
    assert layout2d.place_new(ref, ref_xy, np.zeros((0, 8), np.float32)).shape == (0, 2)
    assert layout2d.place_new(np.zeros((0, 8), np.float32), np.zeros((0, 2), np.float32), ref).shape == (4, 2)
    # A copy of a reference photo lands on it.
    np.testing.assert_allclose(layout2d.place_new(ref, ref_xy, ref[2:3]), ref_xy[2:3], atol=1e-3)


def test_progress_and_cancel_mid_run():
    x, _, _ = clusters(n_per=40, k=3, dim=32)
    seen: list[tuple[int, int]] = []
    xy = layout2d.compute_layout(x, progress=lambda d, t: seen.append((d, t)))
    assert xy.shape == (120, 2) and seen[-1][0] == seen[-1][1] and len(seen) > 10
    assert all(a[0] <= b[0] for a, b in zip(seen, seen[1:], strict=False))

    ev = threading.Event()
    calls = []

    def stop_soon(done: int, total: int) -> None:
        calls.append(done)
        if len(calls) == 3:
            ev.set()

    with pytest.raises(layout2d.LayoutCancelled):
        layout2d.compute_layout(x, progress=stop_soon, cancel=ev)
    assert len(calls) <= 4


def test_cancel_stores_nothing(tmp_path):
    cat = _catalog_with(tmp_path, *clusters(n_per=20, k=3)[:1])
    ev = threading.Event()
    ev.set()
    phases = [p.phase for p in layout2d.layout_job(cat, "clip", cancel=ev)]
    assert phases[-1] == "cancelled"
    assert len(layout2d.load_layout(cat, "clip")[0]) == 0


def _catalog_with(tmp_path, x, seq: int = 1, name: str = "catalog.db") -> Catalog:
    cat = Catalog(tmp_path / name)
    cat.set_model("clip", "m", x.shape[1])
    with cat.transaction():
        ids = [cat.insert_photo(f"/p/{i % 3}/img{i}.jpg", 1, 1, None) for i in range(len(x))]
        for pid in ids:
            cat.mark_ok(pid, 10, 10, None)
        cat.write_embeddings("clip", "m", list(zip(ids, x, strict=True)))
    return cat


def test_layout_job_round_trip(tmp_path):
    x, labels, centers = clusters(n_per=30, k=4, dim=32)
    cat = _catalog_with(tmp_path, x)
    st = layout2d.layout_status(cat, "clip")
    assert st["placed"] == 0 and st["missing"] == len(x) and st["recompute_suggested"]

    progress = list(layout2d.layout_job(cat, "clip"))
    assert progress[0].phase == "layout" and progress[-1].phase == "done"
    ids, xy = layout2d.load_layout(cat, "clip")
    assert len(ids) == len(x) and xy.shape == (len(x), 2)
    st = layout2d.layout_status(cat, "clip")
    assert st == {**st, "placed": len(x), "missing": 0, "changed_since_full": 0.0, "recompute_suggested": False}

    # Survives reopening the catalog.
    cat.close()
    cat = Catalog(tmp_path / "catalog.db")
    ids2, xy2 = layout2d.load_layout(cat, "clip")
    np.testing.assert_array_equal(ids, ids2)
    np.testing.assert_array_equal(xy, xy2)

    # Nothing to do: nothing moves.
    assert [p.phase for p in layout2d.layout_job(cat, "clip")] == ["done"]

    # New photos are placed, the old ones stay where they were.
    rng = np.random.default_rng(3)
    new = (centers[[0, 1, 2]] + 0.25 * rng.normal(size=(3, x.shape[1]))).astype(np.float32)
    new /= np.linalg.norm(new, axis=1, keepdims=True)
    with cat.transaction():
        new_ids = [cat.insert_photo(f"/p/new/{i}.jpg", 1, 1, None) for i in range(3)]
        cat.write_embeddings("clip", "m", list(zip(new_ids, new, strict=True)))
    assert layout2d.layout_status(cat, "clip")["missing"] == 3
    phases = [p.phase for p in layout2d.layout_job(cat, "clip")]
    assert phases == ["layout", "done"]
    ids3, xy3 = layout2d.load_layout(cat, "clip")
    assert set(new_ids) <= set(ids3.tolist())
    old = np.isin(ids3, ids)
    np.testing.assert_array_equal(xy3[old], xy)
    st = layout2d.layout_status(cat, "clip")
    assert st["missing"] == 0 and 0 < st["changed_since_full"] < 0.3 and not st["recompute_suggested"]

    # Removed photos vanish (cascade); many changes suggest a full recompute.
    cat.delete_photos(ids[: len(ids) // 2].tolist())
    ids4, _ = layout2d.load_layout(cat, "clip")
    assert len(ids4) == len(ids3) - len(ids) // 2
    assert layout2d.layout_status(cat, "clip")["recompute_suggested"]
    phases = [p.phase for p in layout2d.layout_job(cat, "clip", full=True)]
    assert phases[-1] == "done"
    st = layout2d.layout_status(cat, "clip")
    assert st["changed_since_full"] == 0.0 and st["full_count"] == len(ids4)
    cat.close()


def test_cli_map_png_and_json(tmp_path, monkeypatch, capsys):
    import json

    from PIL import Image

    from photoindex import cli
    from photoindex.core.thumbs import thumb_path

    monkeypatch.setenv("PHOTOINDEX_WEIGHTS", "random")
    lib = tmp_path / "lib"
    x, labels, _ = clusters(n_per=15, k=3, dim=16)
    cat = _catalog_with(lib, x, name="catalog.sqlite3")
    cat.close()
    palette = [(220, 60, 60), (60, 200, 90), (70, 90, 230)]
    for pid, lab in zip(range(1, len(x) + 1), labels, strict=True):
        p = thumb_path(lib / "thumbs", pid)
        p.parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (64, 48), palette[lab]).save(p)

    out = tmp_path / "map.png"
    assert cli.main(["map", "--library", str(lib), "--out", str(out), "--size", "640x360", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["space"] == "clip" and len(doc["photos"]) == len(x)
    assert {"id", "path", "x", "y"} <= set(doc["photos"][0])
    with Image.open(out) as im:
        assert im.size == (640, 360) and im.format == "PNG"
    assert doc["out"]["thumbnails"] > 0


def test_map_meta_paths_years_people(tmp_path):
    x, _, _ = clusters(n_per=3, k=2, dim=8)
    cat = _catalog_with(tmp_path, x)
    ids = [int(i) for i in cat.vector_ids("clip")]
    with cat.transaction():
        cat.conn.execute("UPDATE photos SET taken_at = ? WHERE id = ?", (1_400_000_000.0, ids[0]))
        cat.conn.execute("INSERT INTO people(id, name, created_at) VALUES (5, 'Ann', 0), (6, 'Bo', 0)")
        cat.conn.execute("INSERT INTO people(id, name, hidden, created_at) VALUES (7, 'Hidden', 1, 0)")
        for person, size in ((5, 10.0), (6, 40.0)):  # two people in photo 0: the larger face wins
            cat.conn.execute("INSERT INTO faces(photo_id, x, y, w, h, score, descriptor, person_id)"
                             " VALUES (?, 0, 0, ?, ?, 1, x'00', ?)", (ids[0], size, size, person))
        cat.conn.execute("INSERT INTO faces(photo_id, x, y, w, h, score, descriptor, person_id)"
                         " VALUES (?, 0, 0, 5, 5, 1, x'00', 7)", (ids[1],))
    meta = layout2d.map_meta(cat, ids)
    assert meta[ids[0]]["person"] == 6 and meta[ids[1]]["person"] is None and meta[ids[2]]["person"] is None
    assert meta[ids[0]]["year"] == 2014 and meta[ids[0]]["path"].startswith("/p/")
    cat.close()
