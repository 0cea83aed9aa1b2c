"""Rescan of an unchanged library of 100,000 files: the target is under 10 s.

    PHOTOINDEX_WEIGHTS=random HF_HUB_OFFLINE=1 .venv/bin/python bench/bench_rescan.py            # 100,000 files
    PHOTOINDEX_WEIGHTS=random HF_HUB_OFFLINE=1 .venv/bin/python bench/bench_rescan.py --quick    # 20,000 files

The library is tiny files with photo extensions (and some sidecars, videos and a hidden folder
that a scan must skip) in year/month/event folders, cached under $TMPDIR/photoindex-bench. It is
indexed once cheaply: `scan(catalog, roots)` inserts a catalog row per photo, no models. Then the
second `scan` of the unchanged tree is timed, several times (median). The file system's caches are
warm, as they are when a user presses "rescan"; a first scan after a reboot reads the folders from
disk and is slower.

With --end-to-end, the rows are also marked indexed with stored vectors of both spaces, and the
timed call is `Library.index()` itself (scan, the check for photos needing vectors, the vector
indexes brought up to date), which is what `photoindex index` does on an unchanged library.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    bench_env,
    bench_root,
    header,
    line,
    load_avg,
    machine_line,
    median,
    peak_rss_mb,
    scratch_dir,
    spread,
)

bench_env()

_TREE_VERSION = 1
PHOTO_EXTS = [".jpg"] * 14 + [".JPG", ".jpeg", ".heic", ".png", ".cr2", ".webp"]
OTHER_EXTS = [".xmp", ".mov", ".aae", ".txt"]


def ensure_tree(n: int) -> tuple[Path, int]:
    """n photo files (plus 5% other files) in year/month/event folders; cached between runs."""
    root = bench_root() / f"tree-{n}-v{_TREE_VERSION}"
    done_mark = root / ".complete"
    n_photos = n
    if done_mark.exists():
        return root / "Pictures", n_photos
    print(f"generating {n} files in {root}…", flush=True)
    t = time.perf_counter()
    pictures = root / "Pictures"
    per_folder = 100
    folders = (n + per_folder - 1) // per_folder
    written = 0
    for f in range(folders):
        year, month, event = 2010 + f // 96, 1 + (f // 8) % 12, f % 8
        folder = pictures / str(year) / f"{month:02d}" / f"event-{event}"
        folder.mkdir(parents=True, exist_ok=True)
        for _ in range(per_folder):
            if written >= n:
                break
            ext = PHOTO_EXTS[written % len(PHOTO_EXTS)]
            (folder / f"IMG_{written:06d}{ext}").write_bytes(b"\xff\xd8 photo %d \xff\xd9" % written)
            if written % 20 == 0:  # sidecars and videos the scanner must pass over
                (folder / f"IMG_{written:06d}{OTHER_EXTS[written // 20 % len(OTHER_EXTS)]}").write_bytes(b"x")
            written += 1
        if f % 100 == 0:
            hidden = folder / ".thumbnails"
            hidden.mkdir(exist_ok=True)
            (hidden / "t.jpg").write_bytes(b"hidden")
    done_mark.write_text("ok")
    print(f"  {written} photo files in {folders} folders ({time.perf_counter() - t:.0f} s)", flush=True)
    return pictures, n_photos


def fill_vectors(catalog_path: Path, n: int) -> None:
    """Mark every row indexed and store a random vector of each space for it (fast executemany)."""
    import numpy as np

    from photoindex.core.store.catalog import Catalog

    cat = Catalog(catalog_path)
    cat.set_model("clip", "open_clip:ViT-B-32:random", 512)
    cat.set_model("dino", "dinov2:facebook/dinov2-small:random", 384)
    ids = [r[0] for r in cat.conn.execute("SELECT id FROM photos")]
    rng = np.random.default_rng(0)
    with cat.transaction():
        cat.conn.execute("UPDATE photos SET status = 'ok', width = 4000, height = 3000, indexed_at = 1")
        for space, key, dim in (("clip", "open_clip:ViT-B-32:random", 512), ("dino", "dinov2:facebook/dinov2-small:random", 384)):
            for start in range(0, len(ids), 20000):
                chunk = ids[start : start + 20000]
                m = rng.standard_normal((len(chunk), dim)).astype(np.float32)
                m /= np.linalg.norm(m, axis=1, keepdims=True)
                cat.write_embeddings(space, key, list(zip(chunk, m, strict=True)))
    cat.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=100_000, help="photo files (default 100000)")
    ap.add_argument("--quick", action="store_true", help="20,000 files, fewer repeats")
    ap.add_argument("--repeat", type=int, default=0, help="timed rescans (default 7; 3 quick)")
    ap.add_argument("--end-to-end", action="store_true", help="also time Library.index() on the unchanged library")
    args = ap.parse_args()
    if args.quick and args.n == 100_000:
        args.n = 20_000
    repeat = args.repeat or (3 if args.quick else 7)

    from photoindex.core.scan import scan, walk_photos
    from photoindex.core.store.catalog import Catalog

    print(f"machine: {machine_line()}", flush=True)
    root, n_photos = ensure_tree(args.n)
    with scratch_dir("rescan-") as tmp:
        catalog = Catalog(tmp / "catalog.sqlite3")
        catalog.add_root(str(root))
        header(f"first scan: {n_photos} new files (catalog rows only, no models)")
        t = time.perf_counter()
        first = scan(catalog, [str(root)])
        line("seconds", f"{time.perf_counter() - t:.2f} (added {first.added})")

        header(f"rescan of the unchanged library, {repeat} runs")
        times, walk_times, known_times = [], [], []
        for _ in range(repeat):
            t = time.perf_counter()
            rep = scan(catalog, [str(root)])
            times.append(time.perf_counter() - t)
            if rep.added or rep.updated or rep.removed or rep.moved:
                print(f"  WARNING: the rescan found changes: {rep}", flush=True)
        for _ in range(repeat):
            t = time.perf_counter()
            count = sum(1 for _ in walk_photos(str(root)))
            walk_times.append(time.perf_counter() - t)
            t = time.perf_counter()
            catalog.stats_under(str(root))
            known_times.append(time.perf_counter() - t)
        line("scan() seconds (target < 10 s)", spread(times) + f"  unchanged={rep.unchanged}")
        line("  of which: walk + stat only", spread(walk_times) + f"  ({count} photos found)")
        line("  of which: reading the catalog's rows", spread(known_times))
        line("files per second", f"{n_photos / median(times):,.0f}")
        catalog.close()

        if args.end_to_end:
            from photoindex.config import Settings
            from photoindex.core.library import Library

            header("Library.index() on the unchanged library (scan + needs-embedding check + vector indexes)")
            settings = Settings(library_dir=tmp, faces=False, weights="random")
            fill_vectors(settings.catalog_path, n_photos)
            lib = Library(settings)
            t = time.perf_counter()
            lib.run_index()
            line("first call (builds both hnswlib indexes)", f"{time.perf_counter() - t:.1f} s")
            lib.close()
            e2e = []
            for _ in range(max(3, repeat // 2)):
                lib = Library(settings)  # a fresh process's view: the saved indexes are loaded
                t = time.perf_counter()
                report = lib.run_index()
                e2e.append(time.perf_counter() - t)
                lib.close()
            line("index() seconds, fresh Library each time", spread(e2e) + f"  embedded={report.embedded}")

    line("peak RSS", f"{peak_rss_mb():.0f} MiB")
    line("load average", load_avg())


if __name__ == "__main__":
    main()
