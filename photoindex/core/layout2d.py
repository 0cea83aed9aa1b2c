"""The 2-D map: a t-SNE layout of a space's embeddings, stored in the catalog.

A full layout is computed with openTSNE (FFT-accelerated gradients from 10,000 points, Barnes-Hut
below; PCA initialisation, a fixed seed, perplexity chosen for the library size). openTSNE rather
than scikit-learn's TSNE because it was faster at the same quality when measured here (2 cores:
10,000 points 66 s vs 108 s at trustworthiness 0.994 both, before the FFT grid tuning below), and
scikit-learn's Barnes-Hut grows as n log n where openTSNE's FFT grows as n.
Photos added later are placed by interpolating
the coordinates of their nearest already-placed neighbours (cosine similarity), so the map does
not move under the user's feet; a full recompute is suggested once many photos have changed.
Interpolation rather than openTSNE's transform: measured for 1,000 new photos among 10,000, both
put every new photo in its own group, but transform took 6.4 s and needs the fitted embedding
with its neighbour index (a full fit, ~90 s, in a fresh process: only coordinates are stored),
where interpolation took 0.13-1.5 s from the stored coordinates alone.

Heavy imports (openTSNE, scikit-learn) happen inside the functions that need them.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from photoindex.core.store.catalog import Catalog
from photoindex.core.store.writer import CatalogWriter
from photoindex.core.types import PhotoindexError, Progress

log = logging.getLogger(__name__)

SEED = 0
KNN = 10
RECOMPUTE_FRACTION = 0.30
PCA_DIMS = 50
EARLY_ITERS = 250
MAIN_ITERS = 500
FFT_FROM = 10_000
FFT_INTS_IN_INTERVAL = 2.0
K_NEIGHBORS_PER_PERPLEXITY = 1.5
LARGE_FROM = 50_000
ANNOY_TREES_LARGE = 20

ProgressFn = Callable[[int, int], None]


class LayoutCancelled(PhotoindexError):
    """The layout job was cancelled; nothing was stored."""


def _cancelled(cancel: Any) -> bool:
    if cancel is None:
        return False
    is_set = getattr(cancel, "is_set", None)
    if is_set is not None:
        return bool(is_set())
    cancelled = getattr(cancel, "cancelled", None)
    if cancelled is not None and not callable(cancelled):
        return bool(cancelled)
    return bool(cancel()) if callable(cancel) else False


def _threads(cpu_threads: int | None = None) -> int:
    """The CPU threads the layout may use: the library's setting (Settings.cpu_threads(), the one
    source of thread counts), else every CPU this process may run on."""
    if cpu_threads:
        return max(1, int(cpu_threads))
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS, Windows
        return max(1, os.cpu_count() or 1)


def iterations_for(n: int) -> tuple[int, int]:
    """(early exaggeration, main) iterations. Large libraries converge in fewer iterations with
    openTSNE's automatic learning rate (n / 12)."""
    return (EARLY_ITERS, MAIN_ITERS) if n < LARGE_FROM else (EARLY_ITERS // 2, MAIN_ITERS * 3 // 4)


def gradient_threads(n: int, cpu_threads: int | None = None) -> int:
    """Threads for the t-SNE gradient loop: one below FFT_FROM, every core (up to 8) above it.

    Barnes-Hut on a few thousand points gains nothing from threads that wait on each other at
    every iteration. The FFT loop does: measured on the 2-core box at 100,000 points, the 500
    iterations took 33.7 s on one thread and 22.8 s on two when quiet, 35.1 s vs 24.9 s beside two
    niced busy processes (the app's indexing runs niced, so the map's threads win the cores from
    it), and 33.9 s vs 36.9 s beside one busy process of the same priority (every iteration waits
    for the slower thread). The count depends only on n and the machine, so the same library
    gets the same map on recompute."""
    return 1 if n < FFT_FROM else min(8, _threads(cpu_threads))


def perplexity_for(n: int) -> float:
    return float(max(1.0, min(30.0, (n - 1) / 3.0)))


def _tiny_layout(x: np.ndarray) -> np.ndarray:
    """n <= 3: no t-SNE, just the principal axes (or fixed points), deterministic."""
    n = x.shape[0]
    out = np.zeros((n, 2), dtype=np.float32)
    if n <= 1:
        return out
    if n == 2:
        out[:] = [[-1.0, 0.0], [1.0, 0.0]]
        return out
    centered = x - x.mean(axis=0, keepdims=True)
    u, s, _ = np.linalg.svd(centered.astype(np.float64), full_matrices=False)
    xy = u[:, :2] * s[:2]
    # Fix the sign of each axis so the result does not depend on the SVD's conventions.
    for j in range(xy.shape[1]):
        col = xy[:, j]
        if col[np.argmax(np.abs(col))] < 0:
            xy[:, j] = -col
    scale = float(np.abs(xy).max()) or 1.0
    out[:, : xy.shape[1]] = xy / scale
    return out


def compute_layout(
    vectors: np.ndarray,
    *,
    seed: int = SEED,
    progress: ProgressFn | None = None,
    cancel: Any = None,
    threads: int | None = None,
    cpu_threads: int | None = None,
) -> np.ndarray:
    """(n, 2) float32 t-SNE coordinates of the rows of vectors. Raises LayoutCancelled.

    threads: for the gradient loop (default gradient_threads(n)). The result is reproducible for
    the same seed and thread count; another thread count sums the forces in another order.
    cpu_threads: the library's thread setting (Settings.cpu_threads()); None means every CPU."""
    x = np.ascontiguousarray(vectors, dtype=np.float32)
    n = x.shape[0]
    if n <= 3:
        if progress:
            progress(1, 1)
        return _tiny_layout(x)

    from openTSNE import TSNE, affinity

    if x.shape[1] > PCA_DIMS and n > PCA_DIMS:
        # 512-d -> 50-d keeps the neighbourhoods and makes the kNN search several times faster.
        from sklearn.decomposition import PCA

        x = PCA(n_components=PCA_DIMS, random_state=seed, svd_solver="randomized").fit_transform(x)
        x = np.ascontiguousarray(x, dtype=np.float32)
    if _cancelled(cancel):
        raise LayoutCancelled("layout cancelled")

    early, main = iterations_for(n)
    total = early + main
    every = 10
    state = {"done": 0, "stopped": False}

    def callback(iteration: int, error: float, embedding: np.ndarray) -> bool:
        state["done"] = min(total, state["done"] + every)
        if progress:
            progress(state["done"], total)
        if _cancelled(cancel):
            state["stopped"] = True
            return True
        return False

    perplexity = perplexity_for(n)
    # The neighbour search is embarrassingly parallel (no per-iteration hand-off as in the
    # gradient loop below), so it uses every core for large libraries.
    jobs = _threads(cpu_threads) if n >= FFT_FROM else 1
    affinities = affinity.PerplexityBasedNN(
        x,
        perplexity=perplexity,
        # 1.5 x perplexity neighbours instead of openTSNE's 3 x: the attractive forces cost half
        # as much. Measured at 20,000 points: 61 s instead of 93 s, with the same trustworthiness
        # (0.995) and 10-NN group agreement (1.000).
        k_neighbors=max(1, min(n - 1, int(round(K_NEIGHBORS_PER_PERPLEXITY * perplexity)))),
        n_jobs=jobs,
        random_state=seed,
        verbose=False,
        # Fewer Annoy trees for large libraries (openTSNE builds 50): at 100,000 points the
        # affinities took 52 s instead of 113 s with the same map quality (10-NN group agreement
        # 1.000, trustworthiness 0.993 both; busy 2-core box).
        **({"method": "annoy", "knn_kwargs": {"n_trees": ANNOY_TREES_LARGE}} if n >= LARGE_FROM else {}),
    )
    if _cancelled(cancel):
        raise LayoutCancelled("layout cancelled")

    tsne = TSNE(
        n_components=2,
        perplexity=perplexity,
        initialization="pca",
        # FFT has a fixed per-iteration cost (its interpolation grid) that dominates below ~10k
        # points, where Barnes-Hut is several times faster (measured: 400 points, 0.7 s vs 0.09 s
        # per 50 iterations); this is also openTSNE's own "auto" rule.
        negative_gradient_method="fft" if n >= FFT_FROM else "bh",
        early_exaggeration_iter=early,
        n_iter=main,
        n_jobs=gradient_threads(n, cpu_threads) if threads is None else max(1, int(threads)),
        # The FFT grid grows with the embedding's extent (~300 units at 100k points); intervals of
        # 2 units instead of 1 quarter the grid. Measured at 10k points: main phase 40 s -> 14 s,
        # neighbourhood preservation unchanged within noise.
        ints_in_interval=FFT_INTS_IN_INTERVAL,
        random_state=seed,
        callbacks=callback,
        callbacks_every_iters=every,
        verbose=False,
    )
    emb = tsne.fit(x, affinities=affinities)
    if state["stopped"] or _cancelled(cancel):
        raise LayoutCancelled("layout cancelled")
    if progress:
        progress(total, total)
    return np.ascontiguousarray(np.asarray(emb), dtype=np.float32)


def place_new(
    ref_vectors: np.ndarray, ref_xy: np.ndarray, new_vectors: np.ndarray, k: int = KNN, tau: float = 0.05
) -> np.ndarray:
    """Coordinates for new_vectors: a similarity-weighted mean of the coordinates of their k most
    cosine-similar reference vectors (softmax of similarity / tau)."""
    new = np.asarray(new_vectors, dtype=np.float32)
    if new.shape[0] == 0:
        return np.zeros((0, 2), dtype=np.float32)
    ref = np.asarray(ref_vectors, dtype=np.float32)
    rxy = np.asarray(ref_xy, dtype=np.float32)
    if ref.shape[0] == 0:
        return np.zeros((new.shape[0], 2), dtype=np.float32)
    ref = ref / np.maximum(np.linalg.norm(ref, axis=1, keepdims=True), 1e-12)
    new = new / np.maximum(np.linalg.norm(new, axis=1, keepdims=True), 1e-12)
    k = min(k, ref.shape[0])
    out = np.empty((new.shape[0], 2), dtype=np.float32)
    chunk = max(16, int(2e7 // max(ref.shape[0], 1)))  # bound the similarity block to ~80 MB
    for start in range(0, new.shape[0], chunk):
        sims = new[start : start + chunk] @ ref.T
        if k < ref.shape[0]:
            idx = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        else:
            idx = np.broadcast_to(np.arange(ref.shape[0]), (sims.shape[0], ref.shape[0]))
        s = np.take_along_axis(sims, idx, axis=1)
        w = np.exp((s - s.max(axis=1, keepdims=True)) / tau)
        w /= w.sum(axis=1, keepdims=True)
        out[start : start + chunk] = np.einsum("nk,nkd->nd", w, rxy[idx])
    return out


# -- catalog -----------------------------------------------------------------------------------


def _meta_key(space: str, what: str) -> str:
    return f"layout.{space}.{what}"


def _embedding_seqs(catalog: Catalog, space: str) -> dict[int, int]:
    return dict(catalog.conn.execute("SELECT photo_id, seq FROM embeddings WHERE space = ?", (space,)))


def _layout_seqs(catalog: Catalog, space: str) -> dict[int, int]:
    return dict(catalog.conn.execute("SELECT photo_id, seq FROM layout WHERE space = ?", (space,)))


def _current_and_missing(catalog: Catalog, space: str) -> tuple[list[int], list[int]]:
    """Ids whose stored coordinates are up to date with their vector, and ids that need placing
    (no coordinates, or coordinates of an older vector of that photo)."""
    emb = _embedding_seqs(catalog, space)
    lay = _layout_seqs(catalog, space)
    current = sorted(pid for pid, seq in emb.items() if pid in lay and lay[pid] >= seq)
    missing = sorted(pid for pid, seq in emb.items() if pid not in lay or lay[pid] < seq)
    return current, missing


def load_layout(catalog: Catalog, space: str = "clip") -> tuple[np.ndarray, np.ndarray]:
    """(photo ids int64, (n, 2) float32 coordinates) of the stored layout of a space, by id."""
    rows = catalog.conn.execute(
        "SELECT l.photo_id, l.x, l.y FROM layout l JOIN embeddings e"
        " ON e.photo_id = l.photo_id AND e.space = l.space WHERE l.space = ? ORDER BY l.photo_id",
        (space,),
    ).fetchall()
    if not rows:
        return np.zeros(0, dtype=np.int64), np.zeros((0, 2), dtype=np.float32)
    arr = np.asarray(rows, dtype=np.float64)
    return arr[:, 0].astype(np.int64), arr[:, 1:3].astype(np.float32)


def layout_status(catalog: Catalog, space: str = "clip") -> dict[str, Any]:
    current, missing = _current_and_missing(catalog, space)
    full_count = int(catalog.get_meta(_meta_key(space, "full_count"), "0") or 0)
    full_at = catalog.get_meta(_meta_key(space, "full_at"))
    placed_since = int(catalog.get_meta(_meta_key(space, "placed_since_full"), "0") or 0)
    # Of the photos in the last full layout, those no longer placed were removed or changed.
    in_full_still = max(0, len(current) - placed_since)
    removed = max(0, full_count - in_full_still)
    changed = placed_since + removed + len(missing)
    fraction = changed / full_count if full_count else (1.0 if (current or missing) else 0.0)
    return {
        "space": space,
        "placed": len(current),
        "missing": len(missing),
        "full_count": full_count,
        "full_at": float(full_at) if full_at else None,
        "changed_since_full": round(float(fraction), 4),
        "recompute_suggested": bool(full_count == 0 and (current or missing)) or fraction > RECOMPUTE_FRACTION,
    }


def _store(writer: CatalogWriter, space: str, ids: np.ndarray, xy: np.ndarray, seqs: dict[int, int], full: bool) -> None:
    """Store coordinates computed from a snapshot. Photos removed meanwhile are left out (their
    rows would break the foreign key); a photo embedded again meanwhile keeps the seq of the
    vector it was placed by, so it counts as stale and is placed again next time."""
    with writer.transaction() as catalog:
        live = set(catalog.vector_ids(space).tolist())
        rows = [(space, int(pid), float(p[0]), float(p[1]), int(seqs.get(int(pid), 0)))
                for pid, p in zip(ids, xy, strict=True) if int(pid) in live]
        if full:
            catalog.conn.execute("DELETE FROM layout WHERE space = ?", (space,))
        catalog.conn.executemany(
            "INSERT INTO layout(space, photo_id, x, y, seq) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT(space, photo_id) DO UPDATE SET x = excluded.x, y = excluded.y, seq = excluded.seq",
            rows,
        )
        if full:
            catalog.set_meta(_meta_key(space, "full_at"), repr(time.time()))
            catalog.set_meta(_meta_key(space, "full_count"), str(len(rows)))
            catalog.set_meta(_meta_key(space, "placed_since_full"), "0")
        else:
            before = int(catalog.get_meta(_meta_key(space, "placed_since_full"), "0") or 0)
            catalog.set_meta(_meta_key(space, "placed_since_full"), str(before + len(rows)))


def layout_job(
    catalog: Catalog,
    space: str = "clip",
    *,
    full: bool = False,
    cancel: Any = None,
    seed: int = SEED,
    writer: CatalogWriter | None = None,
    cpu_threads: int | None = None,
) -> Iterator[Progress]:
    """Bring a space's stored layout up to date, yielding progress.

    A full t-SNE layout when there is none yet (or full=True); otherwise only photos without
    (current) coordinates are placed next to their neighbours. Progress has phase 'layout'
    (current says 't-SNE' or 'placing new photos') and ends with 'done' or 'cancelled'. Removed photos vanish from the
    layout by cascade. Results are stored in one transaction; a cancelled job stores nothing and
    ends with Progress('cancelled', ...). Reads through catalog, writes through writer (the
    library's single writer; a private one on catalog's file when there is none).
    """
    own_writer = writer is None
    writer = writer or CatalogWriter(catalog.path)
    try:
        yield from _layout_job(catalog, writer, space, full, cancel, seed, cpu_threads)
    finally:
        if own_writer:
            writer.close()


def _layout_job(
    catalog: Catalog, writer: CatalogWriter, space: str, full: bool, cancel: Any, seed: int, cpu_threads: int | None
) -> Iterator[Progress]:
    current, missing = _current_and_missing(catalog, space)
    if not full and not current and missing:
        full = True
    if not full and not missing:
        yield Progress("done", len(current), len(current))
        return
    seqs = _embedding_seqs(catalog, space)

    if not full:
        total = len(missing)
        yield Progress("layout", 0, total, current="placing new photos")
        ref_ids, ref_xy = load_layout(catalog, space)
        keep = np.isin(ref_ids, np.asarray(current, dtype=np.int64))
        ref_ids, ref_xy = ref_ids[keep], ref_xy[keep]
        # vectors(ids=...) may return rows in another order: realign by id.
        got_ids, ref_vecs = _vectors_in_order(catalog, space, ref_ids)
        new_ids, new_vecs = _vectors_in_order(catalog, space, np.asarray(missing, dtype=np.int64))
        if _cancelled(cancel):
            yield Progress("cancelled", 0, total)
            return
        placed = place_new(ref_vecs, ref_xy[np.isin(ref_ids, got_ids)], new_vecs)
        if _cancelled(cancel):
            yield Progress("cancelled", 0, total)
            return
        _store(writer, space, new_ids, placed, seqs, full=False)
        yield Progress("done", total, total)
        return

    ids, vecs = catalog.vectors(space)
    n = len(ids)
    yield Progress("layout", 0, n)
    events: queue.Queue[tuple[str, Any]] = queue.Queue()

    def on_progress(done: int, total: int) -> None:
        events.put(("progress", (done, total)))

    def work() -> None:
        try:
            events.put(("result", compute_layout(vecs, seed=seed, progress=on_progress, cancel=cancel,
                                                       cpu_threads=cpu_threads)))
        except BaseException as exc:  # handed over to the generator's thread
            events.put(("error", exc))

    worker = threading.Thread(target=work, name="layout2d", daemon=True)
    worker.start()
    started = time.monotonic()
    xy: np.ndarray | None = None
    try:
        while True:
            kind, value = events.get()
            if kind == "progress":
                done, total = value
                elapsed = time.monotonic() - started
                frac = done / total if total else 1.0
                eta = elapsed * (1 - frac) / frac if frac > 0 else None
                yield Progress("layout", int(round(frac * n)), n, rate=(frac * n / elapsed if elapsed else 0.0),
                               eta_s=eta, current="t-SNE")
            elif kind == "error":
                if isinstance(value, LayoutCancelled):
                    yield Progress("cancelled", 0, n)
                    return
                raise value
            else:
                xy = value
                break
    finally:
        worker.join(timeout=0 if xy is None else None)
    assert xy is not None
    if _cancelled(cancel):
        yield Progress("cancelled", 0, n)
        return
    _store(writer, space, ids, xy, seqs, full=True)
    yield Progress("done", n, n)


def _vectors_in_order(catalog: Catalog, space: str, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if len(ids) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.float32)
    got, mat = catalog.vectors(space, ids=ids.tolist())
    order = np.argsort(got, kind="stable")
    return got[order], mat[order]


def map_meta(catalog: Catalog, ids: Any) -> dict[int, dict[str, Any]]:
    """What the map colours photos by: {photo id: {'path', 'year', 'person'}} ('year' from the
    capture date, 'person' the visible person with the largest face in the photo, or None)."""
    from datetime import datetime

    id_list = [int(i) for i in ids]
    photos = catalog.photos(id_list)
    people: dict[int, int] = {}
    names: dict[int, str | None] = {}
    try:
        rows = catalog.conn.execute(
            "SELECT f.photo_id, f.person_id, p.name FROM faces f JOIN people p ON p.id = f.person_id"
            " WHERE p.hidden = 0 ORDER BY f.w * f.h ASC"
        )
        for photo, person, name in rows:
            people[int(photo)] = int(person)  # the largest face wins
            names[int(person)] = name
    except Exception:  # a catalog without faces: no people to colour by
        log.debug("no people to colour the map by", exc_info=True)
        people = {}
    out: dict[int, dict[str, Any]] = {}
    for pid in id_list:
        p = photos.get(pid)
        year = None
        if p is not None:
            try:
                year = datetime.fromtimestamp(p.date).year
            except (OverflowError, OSError, ValueError):
                year = None
        person = people.get(pid)
        out[pid] = {"path": p.path if p is not None else None, "year": year, "person": person,
                    "person_name": names.get(person) if person is not None else None}
    return out
