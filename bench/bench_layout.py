"""Map benchmarks: t-SNE layout time at 10,000 (and with --big 100,000) clustered 512-d points,
placement of 1,000 new photos, Map view paint time per frame at 100,000 points, and what a
100,000-photo map costs the GUI thread.

    .venv/bin/python bench/bench_layout.py [--big] [--runs N] [--big-runs N] [--skip-layout | --only-layout]

Figures on the 2-core AMD EPYC dev box, quiet (load average 0.3-1.7; it is printed with each run
because a busy box moves the figures by 2-3x), 2026-11-23, FFT gradients on both cores:
    layout 10,000: median 8.6 s over 3 runs (PCA + kNN 1.9 s, early 2.1 s, main 4.4 s)
    layout 100,000: median 39.3 s over 3 runs (PCA + kNN 15.1 s, early exaggeration 6.2 s,
        main 18.0 s); the gradient alone 22.8 s on two threads, 33.7 s on one; the same box busy with other sessions'
        jobs (load 5, one thread) took 167 s
    place_new 1,000 among 10,000: 0.085 s; among 100,000: 1.02 s (medians of 5)
    paint 100,000 points zoomed out, panning (every frame re-splats): 5.9 ms median (max 6.9);
        unchanged view (hover, lasso) 0.6 ms
    paint zoomed in, 613 visible, 253 thumbnails: 3.3 ms median panning (max 9.3), unchanged 2.8 ms
    GUI thread at 100,000 photos: the map swapped in 1.2 ms (prepared on a worker in 140 ms; the
        catalog read before it ~0.8 s, also off the GUI thread), colour mode 0.1 ms, a search's
        1,000 scores 0.9 ms (before: ~0.9 s reload and 42-91 ms per recolour on the GUI thread)
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def clustered(n: int, dim: int = 512, k: int = 50, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centers = rng.normal(size=(k, dim)).astype(np.float32)
    x = centers[rng.integers(0, k, n)] + 0.6 * rng.normal(size=(n, dim)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x


def load() -> str:
    try:
        return f"load average {os.getloadavg()[0]:.1f}"
    except OSError:
        return ""


def bench_layout(n: int, runs: int = 1) -> np.ndarray:
    from photoindex.core.layout2d import compute_layout, gradient_threads, iterations_for

    x = clustered(n)
    early_iters, main_iters = iterations_for(n)
    print(f"layout {n:,}: {early_iters} + {main_iters} iterations, {gradient_threads(n)} gradient thread(s)", flush=True)
    times = []
    for _ in range(runs):
        marks: dict[str, float] = {}

        def progress(done: int, total: int, marks: dict[str, float] = marks) -> None:
            now = time.perf_counter()
            marks.setdefault("first", now)
            if done >= early_iters:
                marks.setdefault("early", now)

        t = time.perf_counter()
        xy = compute_layout(x, seed=0, progress=progress)
        end = time.perf_counter()
        times.append(end - t)
        print(f"  run: {end - t:6.1f} s = PCA + kNN affinities {marks['first'] - t:5.1f} s,"
              f" early exaggeration {marks['early'] - marks['first']:5.1f} s, main {end - marks['early']:5.1f} s"
              f" ({load()})", flush=True)
    print(f"layout {n:>7,} points: median {statistics.median(times):7.1f} s over {runs} run(s)"
          f" (min {min(times):.1f} s)", flush=True)
    return xy


def bench_place(n_ref: int = 100_000, n_new: int = 1_000, runs: int = 5) -> None:
    from photoindex.core.layout2d import place_new

    x = clustered(n_ref + n_new)
    ref_xy = np.random.default_rng(1).normal(size=(n_ref, 2)).astype(np.float32)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        place_new(x[:n_ref], ref_xy, x[n_ref:])
        times.append(time.perf_counter() - t)
    print(f"place_new {n_new:,} new among {n_ref:,}: median {statistics.median(times):6.3f} s over {runs} runs",
          flush=True)


def bench_paint(n: int = 100_000, frames: int = 30) -> None:
    """Paint time per frame while panning (every frame re-splats the points) and for a repaint of
    an unchanged view (hover, lasso: a blit), zoomed out and zoomed in with thumbnails showing."""
    import tempfile

    from PIL import Image
    from PySide6.QtCore import QPointF
    from PySide6.QtWidgets import QApplication

    from photoindex.gui.map_view import MapView

    app = QApplication.instance() or QApplication([])
    rng = np.random.default_rng(0)
    centers = rng.normal(scale=40, size=(60, 2))
    xy = centers[rng.integers(0, 60, n)] + rng.normal(size=(n, 2)) * 3
    ids = np.arange(1, n + 1)
    tmp = Path(tempfile.mkdtemp(prefix="bench-map-"))
    files = []
    for k in range(24):  # real JPEG thumbnails, shared round-robin
        f = tmp / f"{k}.jpg"
        Image.new("RGB", (320, 240), (40 + 8 * k, 120, 200 - 6 * k)).save(f, quality=85)
        files.append(str(f))
    view = MapView(None, auto_compute=False)
    view.resize(1280, 800)
    view.show()
    app.processEvents()
    view.set_layout(ids, xy, paths={int(i): files[int(i) % len(files)] for i in ids})
    c = view.canvas

    def timed(label: str) -> None:
        c.grab()
        moving, still = [], []
        for k in range(frames):
            c.pan(1 if k % 2 == 0 else -1, 0)
            t = time.perf_counter()
            c.grab()
            moving.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            c.grab()
            still.append((time.perf_counter() - t) * 1000)
        info = c.last_paint_info
        print(f"paint {n:,} points {label:<10}: panning median {statistics.median(moving):5.1f} ms"
              f" (max {max(moving):5.1f}), unchanged view {statistics.median(still):4.1f} ms"
              f"  [{info['visible']:,} visible, {info['thumbs']} thumbnails]", flush=True)

    c.fit()
    timed("zoomed out")
    c.zoom(60.0, QPointF(*c.to_screen(centers[:1])[0]))
    c.grab()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and c.pool.activeThreadCount():
        app.processEvents()
        time.sleep(0.01)
    app.processEvents()
    timed("zoomed in")
    view.close()


def bench_gui_thread(n: int = 100_000, runs: int = 5) -> None:
    """What a library's map costs the GUI thread: preparing the points (worker thread) versus
    swapping them in, switching colour mode and showing a search's scores (GUI thread)."""
    from PySide6.QtWidgets import QApplication

    from photoindex.gui.map_view import COLOR_MODES, MapPoints, MapView

    app = QApplication.instance() or QApplication([])
    rng = np.random.default_rng(0)
    xy = rng.normal(size=(n, 2)) * 40
    ids = np.arange(1, n + 1)
    meta = {int(i): {"path": f"/lib/{i % 300}/p{i}.jpg", "year": 2000 + int(i) % 20,
                     "person": (int(i) % 50 if i % 7 == 0 else None)} for i in ids}
    view = MapView(None, auto_compute=False)
    view.resize(1280, 800)
    view.show()
    app.processEvents()
    prep, swap, mode, search = [], [], [], []
    hits = {int(i): float(s) for i, s in zip(rng.choice(ids, 1000, replace=False), rng.random(1000), strict=True)}
    for k in range(runs):
        t = time.perf_counter()
        points = MapPoints(ids, xy + k, meta)
        prep.append(time.perf_counter() - t)
        t = time.perf_counter()
        view.show_points(points)
        swap.append(time.perf_counter() - t)
        t = time.perf_counter()
        view.color_box.setCurrentIndex(COLOR_MODES.index("Year" if k % 2 else "Person"))
        mode.append(time.perf_counter() - t)
        t = time.perf_counter()
        view.set_scores(hits)
        search.append(time.perf_counter() - t)
        view.runner.wait()
        app.processEvents()
    ms = lambda v: f"{statistics.median(v) * 1000:5.1f} ms"  # noqa: E731
    print(f"map of {n:,} photos: prepared on a worker thread in {ms(prep)}; GUI thread: swap in {ms(swap)},"
          f" colour mode {ms(mode)}, a search's 1,000 scores {ms(search)} (medians of {runs})", flush=True)
    view.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--big", action="store_true", help="also lay out 100,000 points (minutes)")
    ap.add_argument("--skip-layout", action="store_true")
    ap.add_argument("--only-layout", action="store_true")
    ap.add_argument("--runs", type=int, default=3, help="runs of the 10,000-point layout (median)")
    ap.add_argument("--big-runs", type=int, default=1, help="runs of the 100,000-point layout (median)")
    args = ap.parse_args()
    print(f"cpu cores: {os.cpu_count()}; {load()}")
    if not args.skip_layout:
        bench_layout(10_000, runs=args.runs)
        if args.big:
            bench_layout(100_000, runs=args.big_runs)
    if args.only_layout:
        return
    bench_place(10_000)
    bench_place(100_000)
    bench_paint()
    bench_gui_thread()


if __name__ == "__main__":
    main()
