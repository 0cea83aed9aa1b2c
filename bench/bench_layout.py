"""Map benchmarks: t-SNE layout time at 10,000 (and with --big 100,000) clustered 512-d points,
placement of 1,000 new photos, and Map view paint time per frame at 100,000 points.

    .venv/bin/python bench/bench_layout.py [--big] [--skip-layout]
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


def bench_layout(n: int) -> np.ndarray:
    from photoindex.core.layout2d import compute_layout

    x = clustered(n)
    t = time.perf_counter()
    xy = compute_layout(x, seed=0)
    print(f"layout {n:>7,} points: {time.perf_counter() - t:7.1f} s", flush=True)
    return xy


def bench_place(n_ref: int = 10_000, n_new: int = 1_000) -> None:
    from photoindex.core.layout2d import place_new

    x = clustered(n_ref + n_new)
    ref_xy = np.random.default_rng(1).normal(size=(n_ref, 2)).astype(np.float32)
    t = time.perf_counter()
    place_new(x[:n_ref], ref_xy, x[n_ref:])
    print(f"place_new {n_new:,} new among {n_ref:,}: {time.perf_counter() - t:7.3f} s", flush=True)


def bench_paint(n: int = 100_000, frames: int = 20) -> None:
    from PySide6.QtCore import QPointF
    from PySide6.QtWidgets import QApplication

    from photoindex.gui.map_view import MapView

    app = QApplication.instance() or QApplication([])
    rng = np.random.default_rng(0)
    centers = rng.normal(scale=40, size=(60, 2))
    xy = centers[rng.integers(0, 60, n)] + rng.normal(size=(n, 2)) * 3
    ids = np.arange(1, n + 1)
    view = MapView(None, auto_compute=False)
    view.resize(1280, 800)
    view.show()
    app.processEvents()
    view.set_layout(ids, xy, paths={int(i): f"/p/f{i % 40}/img{i}.jpg" for i in ids})
    c = view.canvas

    def timed(label: str) -> None:
        c.grab()
        times = []
        for _ in range(frames):
            t = time.perf_counter()
            c.grab()
            times.append((time.perf_counter() - t) * 1000)
        info = c.last_paint_info
        print(f"paint {n:,} points {label:<10}: median {statistics.median(times):6.1f} ms,"
              f" max {max(times):6.1f} ms  ({info['visible']:,} visible, {info['thumbs']} thumbnails)", flush=True)

    c.fit()
    timed("zoomed out")
    c.zoom(25.0, QPointF(*c.to_screen(centers[:1])[0]))
    timed("zoomed in")
    view.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--big", action="store_true", help="also lay out 100,000 points (minutes)")
    ap.add_argument("--skip-layout", action="store_true")
    args = ap.parse_args()
    print(f"cpu cores: {os.cpu_count()}")
    if not args.skip_layout:
        bench_layout(10_000)
        if args.big:
            bench_layout(100_000)
    bench_place()
    bench_paint()


if __name__ == "__main__":
    main()
