"""Browsing figures at 100,000 photos with the timeline and the folder tree:

- cold start to a painted window (a fresh process, until the grid shows its first photos under
  their month headers and the folder tree has its counts; target < 1 s),
- scroll frame time while thumbnails load (GUI-thread work per frame: the scroll, the events it
  brings, the thumbnails that arrived, the paint; target p95 < 16 ms),
- time to apply a folder filter (click to the filtered grid painted; target < 100 ms).

The catalog is synthetic but written through the real writer (CatalogWriter.transaction, the
catalog's own insert/mark calls), in Korean-named folders, dates spread over ten years; every
thumbnail is a hard link to one placeholder file in the real thumbnail cache layout. The window's
start-up rescan is switched off (the photo files do not exist; indexing is not what is measured).

    QT_QPA_PLATFORM=offscreen python bench/bench_browse.py [--n 100000] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from _common import REPO, bench_env, bench_root, header, line, machine_line, median, percentile  # noqa: E402

_LIBRARY_VERSION = 2  # bump when fill() or the catalog's indexes change

TOPS = ["가족여행", "일상", "아이들", "회사", "여행", "Phone", "Camera", "스캔", "행사", "기타"]
SUBS = ["제주도", "부산", "서울", "강릉", "전주", "경주", "여수", "속초", "대구", "인천"]

def fill(library_dir: Path, n: int) -> list[str]:
    """n photos in 100 folders under one root, through the real writer; returns the folders."""
    import numpy as np
    from PIL import Image

    from photoindex.config import Settings
    from photoindex.core.library import Library, thumb_path

    settings = Settings(library_dir=library_dir, weights="random", faces=False)
    lib = Library(settings)
    root = str(library_dir.parent / "사진")
    rng = np.random.default_rng(0)
    now = time.time()
    dates = now - rng.uniform(0, 10 * 365 * 86400, n)
    folders = [f"{root}/{top}/{sub}" for top in TOPS for sub in SUBS]
    with lib.writer.transaction() as cat:
        cat.add_root(root)
        for i in range(n):
            folder = folders[i % len(folders)]
            pid = cat.insert_photo(f"{folder}/IMG_{i:06d}.jpg", 2_000_000, int(dates[i] * 1e9), None)
            cat.mark_ok(pid, 4000, 3000, float(dates[i]))
    # One placeholder per thumbnail subfolder, hard-linked: a file system caps links per file.
    placeholders = {}
    for pid in range(1, n + 1):
        dest = thumb_path(settings.thumbs_dir, pid)
        source = placeholders.get(dest.parent)
        if source is None:
            dest.parent.mkdir(parents=True, exist_ok=True)
            source = placeholders[dest.parent] = library_dir / f"placeholder-{dest.parent.name}.jpg"
            Image.new("RGB", (256, 192), (120, 150, 180)).save(source, quality=80)
        os.link(source, dest)
    lib.close()
    return [root, *folders]


def cold_start(library_dir: Path, n: int, runs: int) -> None:
    """The real entry point (`photoindex --library DIR`, as the console script runs it), from
    before the interpreter starts to the grid's first photos painted under their month header
    with the folder tree's counts (the app prints the moment: PHOTOINDEX_QUIT_AFTER_PAINT=photos).
    The byte code is compiled first, as an installed package has it."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "photoindex")], check=True)
    env = dict(os.environ, PHOTOINDEX_QUIT_AFTER_PAINT="photos", PHOTOINDEX_WEIGHTS="random", HF_HUB_OFFLINE="1")
    times, sections = [], 0
    for _ in range(runs):
        t0 = time.time()
        out = subprocess.run([sys.executable, "-c", "import sys; from photoindex.cli import main; sys.exit(main())",
                              "--library", str(library_dir)], capture_output=True, text=True, cwd=REPO, env=env,
                             check=True, timeout=300).stdout.split()
        times.append((float(out[out.index("painted") + 1]) - t0) * 1000)
        sections = int(out[out.index("painted") + 2])
    line("cold start to a painted window", f"median {median(times):.0f} ms "
         f"({min(times):.0f}..{max(times):.0f}, n={runs}; `photoindex --library`, first {sections} photos "
         "under their month and the folder tree's counts)")


def in_window(library_dir: Path, n: int, folders: list[str], runs: int) -> None:
    from PySide6.QtWidgets import QApplication

    from photoindex.config import Settings
    from photoindex.core.library import Library
    from photoindex.gui.main_window import MainWindow

    MainWindow.start_indexing = lambda self: None  # type: ignore[method-assign]
    app = QApplication.instance() or QApplication([])
    t = time.perf_counter()
    win = MainWindow(Library(Settings(library_dir=library_dir, weights="random", faces=False)))
    win.resize(1400, 900)
    win.show()
    while not (len(win.model.items) == n and win.grid.layout_.count == n and win.folder_tree.topLevelItemCount()):
        app.processEvents()
        time.sleep(0.001)
    win.grid.viewport().repaint()
    line("... all photos laid out", f"{(time.perf_counter() - t) * 1000:.0f} ms after the window is made (in a warm "
         f"process, n=1; {len(win.grid.layout_.starts)} month sections)")
    # The steady state: the window loads the search models in the background soon after it
    # shows (imports hold the GIL for a while, once); measure after that, as bench_gui does.
    win._warm_up()
    win.search_runner.wait(300_000)
    # The rest of what follows the first grid (the first-run panel's look for the models, the
    # count of duplicates) also runs once; the figures below are the steady state after it.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and (win.first_run.runner.pool.activeThreadCount()
                                           or win.io_runner.pool.activeThreadCount()):
        app.processEvents()
        time.sleep(0.01)
    app.processEvents()

    # Scrolling while thumbnails load: each frame moves half a page on and lets the events of
    # that frame (thumbnails that arrived, updates) run, then paints; ~60 frames a second.
    rounds = []
    from PySide6.QtCore import QEvent, QObject

    class PaintCounter(QObject):
        count = 0

        def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt's name)
            if event.type() == QEvent.Type.Paint:
                self.count += 1
            return False

    painted = PaintCounter()
    win.grid.viewport().installEventFilter(painted)
    for r in range(runs):
        win.thumbs._pixmaps.clear()  # nothing in memory: every visible cell asks for its thumbnail
        bar = win.grid.verticalScrollBar()
        start = int(bar.maximum() * r / max(1, runs))
        frames = []
        for step in range(120):
            t = time.perf_counter()
            bar.setValue(start + step * win.grid.viewport().height() // 2)
            app.processEvents()  # the frame: thumbnails that arrived, the scroll's paint (once)
            frames.append((time.perf_counter() - t) * 1000)
            time.sleep(max(0.0, 1 / 60 - (time.perf_counter() - t)))
        rounds.append(frames)
    all_frames = [f for fr in rounds for f in fr]
    line("scroll frame while thumbnails load", f"median {median(all_frames):.2f} ms, p95 "
         f"{percentile(all_frames, 95):.2f} ms (per-run p95 "
         f"{', '.join(f'{percentile(fr, 95):.1f}' for fr in rounds)}), max {max(all_frames):.1f} ms, "
         f"{len(all_frames)} frames, {painted.count} paints)")
    win.grid.viewport().removeEventFilter(painted)

    # A folder filter: the click to the filtered grid painted.
    picks = [folders[1], folders[37], folders[0] + "/" + TOPS[3], folders[88], folders[0] + "/" + TOPS[7]]
    times = []
    sizes = []
    for _ in range(runs):
        for folder in picks + [None]:
            t = time.perf_counter()
            win.set_folder_filter(folder)
            token = win._query_token
            while win._complete_token != token:  # the whole filtered list, not its first page
                app.processEvents()
                time.sleep(0.0005)
            win.grid.viewport().repaint()
            dt = (time.perf_counter() - t) * 1000
            if folder is not None:
                times.append(dt)
                sizes.append(len(win.model.items))
    by_size = {size: [t for t, s in zip(times, sizes, strict=True) if s == size] for size in sorted(set(sizes))}
    line("apply a folder filter", f"median {median(times):.0f} ms, p95 {percentile(times, 95):.0f} ms, max "
         f"{max(times):.0f} ms (n={len(times)}; " + ", ".join(
             f"{size:,} photos: median {median(ts):.0f} ms" for size, ts in by_size.items()) + ")")
    win.close()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    bench_env()
    header(f"browsing {args.n:,} photos: timeline + folder tree")
    line("machine", machine_line())
    # The synthetic library is cached under the bench folder between runs (it takes minutes to
    # write at 100,000); delete the folder to make it again.
    tmp = bench_root() / f"browse-{args.n}-v{_LIBRARY_VERSION}"
    os.environ["XDG_CACHE_HOME"] = str(tmp / "cache")  # the thumbnails stay in the bench folder
    os.environ["XDG_CONFIG_HOME"] = str(tmp / "config")  # and the window's state: not the user's
    library_dir = tmp / "library"
    done = tmp / "complete"
    if not done.exists():
        shutil.rmtree(tmp, ignore_errors=True)
        t = time.perf_counter()
        folders = fill(library_dir, args.n)
        done.write_text("\n".join(folders), encoding="utf-8")
        line("synthetic catalog + thumbnails", f"{time.perf_counter() - t:.1f} s (real writer, {len(folders) - 1} folders)")
    folders = done.read_text(encoding="utf-8").splitlines()
    cold_start(library_dir, args.n, args.runs)
    in_window(library_dir, args.n, folders, args.runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
