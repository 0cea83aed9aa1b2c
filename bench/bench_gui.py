"""GUI figures: cold start, GUI-thread stalls while indexing, grid paint time at 100k, Enter-to-results.

    QT_QPA_PLATFORM=offscreen python bench/bench_gui.py [--n-index 1000] [--n-grid 100000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PHOTOINDEX_WEIGHTS", "random")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402

COLD = r"""
import sys, time
t0 = float(sys.argv[1])
from PySide6.QtWidgets import QApplication
from PySide6.QtCore import QTimer
from photoindex.config import Settings
from photoindex.core.library import Library
from photoindex.gui.main_window import MainWindow
from pathlib import Path
app = QApplication([])
w = MainWindow(Library(Settings(library_dir=Path(sys.argv[2]), weights="random")))
w.show()
def shown():
    print(time.time() - t0, "torch" in sys.modules)
    app.exit(0)
QTimer.singleShot(0, shown)
app.exec()
"""


def cold_start(runs: int) -> None:
    times, torch_loaded = [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            out = subprocess.run([sys.executable, "-c", COLD, str(time.time()), tmp], capture_output=True, text=True,
                                 cwd=ROOT, env=dict(os.environ), check=True).stdout.split()
            times.append(float(out[0]))
            torch_loaded.append(out[1] == "True")
    print(f"cold start to window shown: median {statistics.median(times) * 1000:.0f} ms over {runs} runs "
          f"(torch imported before the window showed: {any(torch_loaded)})")


def stalls_while_indexing(n: int) -> None:
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from photoindex.config import Settings
    from photoindex.core.library import Library
    from photoindex.gui.main_window import MainWindow
    from tests.photos import save_jpeg, scene

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "photos"
        for i in range(n):
            save_jpeg(root / f"p{i:04d}.jpg", scene(i, (640, 480)))
        settings = Settings(library_dir=Path(tmp) / "lib", weights="random", faces=False,
                            clip_model=os.environ.get("BENCH_CLIP", "photoindex-tiny"),
                            dino_model=os.environ.get("BENCH_DINO", "photoindex-tiny"))
        win = MainWindow(Library(settings))
        win.show()
        gaps: list[float] = []
        clock = QElapsedTimer()
        clock.start()
        last = [clock.elapsed()]

        def beat() -> None:
            now = clock.elapsed()
            gaps.append(now - last[0])
            last[0] = now

        # The window loads the text model in the background soon after it shows (importing torch
        # holds the GIL for a moment, once per run); measure the steady state after that.
        t = time.perf_counter()
        win._warm_up()
        win.search_runner.wait(120000)
        print(f"one-time model load in the background: {time.perf_counter() - t:.1f} s")
        heart = QTimer(interval=5, timeout=beat)
        last[0] = clock.elapsed()
        heart.start()
        t = time.perf_counter()
        win.add_folder(str(root))
        while win.worker is None or not win.worker.isFinished():
            app.processEvents()
            time.sleep(0.001)
        dt = time.perf_counter() - t
        heart.stop()
        gaps.sort()
        print(f"indexing {n} photos in the window ({settings.clip_model}/{settings.dino_model}): {dt:.1f} s; "
              f"GUI heartbeat gaps: longest {gaps[-1]:.0f} ms, p99 {gaps[int(len(gaps) * 0.99)]:.0f} ms "
              f"(5 ms timer, {len(gaps)} beats)")
        win.close()


def fill_catalog(path: Path, n: int, dim: int = 512) -> None:
    from photoindex.core.store.catalog import Catalog

    cat = Catalog(path)
    rng = np.random.default_rng(0)
    with cat.transaction():
        cat.conn.execute("INSERT INTO models(space, model_key, dim) VALUES ('clip', 'open_clip:ViT-B-32:random', ?)", (dim,))
        cat.conn.executemany(
            "INSERT INTO photos(id, path, folder, size, mtime_ns, status, width, height) VALUES (?, ?, '/lib', 1, ?, 'ok', 4000, 3000)",
            [(i + 1, f"/lib/photo_{i:06d}.jpg", i * 1_000_000_000) for i in range(n)],
        )
        for start in range(0, n, 20000):
            v = rng.normal(size=(min(20000, n - start), dim)).astype(np.float32)
            v /= np.linalg.norm(v, axis=1, keepdims=True)
            cat.write_embeddings("clip", "open_clip:ViT-B-32:random",
                                 [(start + i + 1, v[i]) for i in range(len(v))])
    cat.close()


def grid_and_search(n: int) -> None:
    from PySide6.QtGui import QPixmap
    from PySide6.QtWidgets import QApplication

    from photoindex.config import Settings
    from photoindex.core.library import Library
    from photoindex.gui.grid import GridItem
    from photoindex.gui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(library_dir=Path(tmp), weights="random", faces=False)
        t = time.perf_counter()
        fill_catalog(settings.catalog_path, n)
        print(f"filled a catalog with {n:,} photos and vectors in {time.perf_counter() - t:.1f} s")
        lib = Library(settings)
        win = MainWindow(lib)
        win.resize(1400, 900)
        win.show()
        app.processEvents()
        # Steady state: the window loads both models in the background shortly after it shows
        # (imports hold the GIL); measure after that, as a user who has had the window open does.
        win._warm_up()
        win.search_runner.wait(300_000)
        app.processEvents()
        # Grid: n items, thumbnails in memory (the steady state while scrolling a browsed library).
        thumb = QPixmap(170, 128)
        thumb.fill()
        items = [GridItem(i + 1, f"/lib/photo_{i:06d}.jpg", None, None) for i in range(n)]
        for it in items:
            win.thumbs._pixmaps[it.photo_id] = thumb
        win.thumbs.capacity = n + 1
        t = time.perf_counter()
        win.model.set_items(items)
        app.processEvents()
        print(f"grid of {n:,}: set the items and lay them out in {(time.perf_counter() - t) * 1000:.0f} ms "
              f"(GUI thread)")
        for label, score in (("all photos", None), ("search results, a score on every cell", 0.25)):
            win.model.set_items([GridItem(it.photo_id, it.path, score, None) for it in items])
            app.processEvents()
            bar = win.grid.verticalScrollBar()
            frames = []
            for step in range(120):
                bar.setValue(int(bar.maximum() * step / 120))
                app.processEvents()
                t = time.perf_counter()
                win.grid.viewport().grab()  # renders the visible cells synchronously
                frames.append((time.perf_counter() - t) * 1000)
            frames.sort()
            print(f"grid of {n:,} ({label}): paint per frame median {statistics.median(frames):.2f} ms, "
                  f"p95 {frames[int(len(frames) * 0.95)]:.2f} ms, max {frames[-1]:.2f} ms")
        # Enter to first results, text model loaded and index built.
        lib.embedder("clip").load()
        lib.vector_index("clip")
        lat = []
        for i, q in enumerate(["dog on a beach", "birthday cake", "sunset over the sea", "a red car", "mountains"] * 4):
            win.search.setText(f"{q} {i}")
            t = time.perf_counter()
            win.run_search(force=True)
            token = win._query_token
            while win.results_token != token:
                app.processEvents()
                time.sleep(0.0005)
            lat.append((time.perf_counter() - t) * 1000)
        lat.sort()
        print(f"Enter to first results at {n:,} photos (ViT-B-32 text tower, random weights): "
              f"median {statistics.median(lat):.0f} ms, p95 {lat[int(len(lat) * 0.95) - 1]:.0f} ms")
        win.close()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n-index", type=int, default=1000)
    ap.add_argument("--n-grid", type=int, default=100_000)
    ap.add_argument("--stall-runs", type=int, default=1)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--only", default="cold,grid,stalls", help="comma-separated: cold, grid (grid and search), stalls")
    args = ap.parse_args()
    parts = set(args.only.split(","))
    print(f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}, platform {os.environ['QT_QPA_PLATFORM']}")
    if "cold" in parts:
        cold_start(args.runs)
    if "grid" in parts:
        grid_and_search(args.n_grid)
    if "stalls" in parts:
        for _ in range(args.stall_runs):
            stalls_while_indexing(args.n_index)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
