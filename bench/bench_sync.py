"""Keeping the vector index in step with a changing 100,000-photo library: sync time per rescan.

    PHOTOINDEX_WEIGHTS=random HF_HUB_OFFLINE=1 .venv/bin/python bench/bench_sync.py            # 100k, 1,000 changes
    PHOTOINDEX_WEIGHTS=random HF_HUB_OFFLINE=1 .venv/bin/python bench/bench_sync.py --quick    # 20k, 500 changes

A catalog of N photos with synthetic 512-d CLIP-like vectors (clustered random unit vectors, as
in bench_search.py) and its hnswlib index are built once and cached under the bench folder
(building the graph is minutes; the copy each run starts from is seconds). Then, for each of
--rounds rounds, --changes changes are written through the library's single writer in the mix
of tests/core/test_vectors_property.py: new photos (40%), deleted (20%), edited in place, i.e.
the same id with a new vector (20%), moved (10%), files that fail to read, new or edited (5%),
and an indexing batch killed before it commits (5%, rolled back); then is timed:

* sync: `Library.vector_index("clip")`, what a rescan (or the next search) does after the
  changes: the change check, reading the changed rows and live ids, hnswlib adds, replaces
  and deletes (target < 2 s for 1,000 changes at 100k);
* save: writing the index and its sidecar atomically (fsync, CRC-32);
* reopen: a new process's first sync: loading the saved file (its checksum checked first) and
  catching up with the catalog.

With --rebuild a full rebuild from the catalog is timed once for comparison. Prints figures; asserts nothing.

On the project's machine (AMD EPYC, 2 cores, AVX2 only, no avx512; shared with other work,
load average 2-3.5), 100k photos, 1,000 changes: sync 1.68 s (3 rounds) and 2.01 s (5 rounds,
1.31..2.16), medians; save 1.1-1.2 s; reopen (load, CRC, catch up) 2.2-2.7 s; loading the
saved index alone 0.7 s; building it from nothing 181 s. Nearly all of a sync is hnswlib's
add_items: 400 new vectors and 200 replaced ones (an edit re-links the point's neighbours).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import bench_env, bench_root, header, line, load_avg, machine_line, median, scratch_dir, spread  # noqa: E402

bench_env()

import numpy as np  # noqa: E402

DIM = 512
CHUNK = 20_000
_CACHE_VERSION = 1
MIX = (("add", 0.40), ("delete", 0.20), ("edit", 0.20), ("move", 0.10), ("fail", 0.05), ("kill", 0.05))


def _unit(x: np.ndarray) -> np.ndarray:
    x /= np.linalg.norm(x, axis=-1, keepdims=True)
    return x


class Vectors:
    """Clustered random unit vectors, like photo embeddings (bursts, trips, pets)."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.centres = _unit(np.random.default_rng(7).standard_normal((2000, DIM)).astype(np.float32))

    def take(self, n: int) -> np.ndarray:
        x = self.rng.standard_normal((n, DIM)).astype(np.float32) * np.float32(0.6 / np.sqrt(DIM))
        return _unit(self.centres[self.rng.integers(len(self.centres), size=n)] + x)


def base_library(n: int) -> Path:
    """A library folder (catalog + saved index) of n photos, built once and cached."""
    from photoindex.config import Settings
    from photoindex.core.library import Library

    folder = bench_root() / f"sync-{n}-v{_CACHE_VERSION}"
    if (folder / "ready").exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    print(f"building the base library of {n:,} photos in {folder} (once; minutes)…", flush=True)
    settings = Settings(library_dir=folder, faces=False, weights="random")
    lib = Library(settings)
    with lib.writer.locked() as cat:
        cat.set_model("clip", "bench-clip", DIM)
    src = Vectors(1)
    t = time.perf_counter()
    for start in range(0, n, CHUNK):
        with lib.writer.transaction() as cat:
            ids = [
                cat.insert_photo(f"/photos/{i // 1000:03d}/IMG_{i:07d}.jpg", 1, i, None) for i in range(start, min(n, start + CHUNK))
            ]
            for pid in ids:
                cat.mark_ok(pid, 4000, 3000, None)
            cat.write_embeddings("clip", "bench-clip", list(zip(ids, src.take(len(ids)), strict=True)))
    line("fill the catalog", f"{time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    lib.vector_index("clip")
    line("build the index from the catalog", f"{time.perf_counter() - t:.1f} s")
    lib.close()
    (folder / "ready").write_text("ok")
    return folder


def apply_changes(lib: object, rng: np.random.Generator, src: Vectors, changes: int, serial: list[int]) -> dict[str, int]:
    """Write `changes` changes in the property test's mix through the library's writer."""
    counts = {name: int(round(changes * share)) for name, share in MIX}
    writer = lib.writer  # type: ignore[attr-defined]
    live = lib.catalog().vector_ids("clip")  # type: ignore[attr-defined]
    touched = rng.choice(live, size=counts["delete"] + counts["edit"] + counts["move"] + counts["fail"] // 2, replace=False)
    cut = np.cumsum([counts["delete"], counts["edit"], counts["move"]])
    deleted, edited, moved, broken = np.split(touched, cut)
    with writer.transaction() as cat:
        new_ids = []
        for _ in range(counts["add"]):
            serial[0] += 1
            new_ids.append(cat.insert_photo(f"/photos/new/IMG_{serial[0]:07d}.jpg", 1, serial[0], None))
            cat.mark_ok(new_ids[-1], 4000, 3000, None)
        cat.write_embeddings("clip", "bench-clip", list(zip(new_ids, src.take(len(new_ids)), strict=True)))
        cat.delete_photos(deleted.tolist())
        for pid in edited.tolist():
            cat.mark_changed(pid, 2, serial[0], None)
            cat.mark_ok(pid, 4000, 3000, None)
        cat.write_embeddings("clip", "bench-clip", list(zip(edited.tolist(), src.take(len(edited)), strict=True)))
        for pid in moved.tolist():
            serial[0] += 1
            cat.move_photo(pid, f"/photos/moved/IMG_{serial[0]:07d}.jpg", serial[0])
        for _ in range(counts["fail"] - len(broken)):
            serial[0] += 1
            cat.mark_failed(cat.insert_photo(f"/photos/bad/IMG_{serial[0]:07d}.jpg", 1, serial[0], None), "not an image")
        for pid in broken.tolist():
            cat.mark_changed(pid, 3, serial[0], None)
            cat.mark_failed(pid, "truncated")
    try:
        with writer.transaction() as cat:  # an indexing batch killed before it commits
            killed = [cat.insert_photo(f"/photos/killed/{serial[0]}-{i}.jpg", 1, 1, None) for i in range(counts["kill"])]
            cat.write_embeddings("clip", "bench-clip", list(zip(killed, src.take(len(killed)), strict=True)))
            raise KeyboardInterrupt
    except KeyboardInterrupt:
        pass
    return counts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=100_000, help="photos in the library")
    ap.add_argument("--changes", type=int, default=1000, help="changes between two syncs")
    ap.add_argument("--rounds", type=int, default=5, help="rounds of changes + sync")
    ap.add_argument("--quick", action="store_true", help="20,000 photos, 500 changes, 3 rounds")
    ap.add_argument("--rebuild", action="store_true", help="also time a full rebuild (minutes at 100k)")
    args = ap.parse_args()
    if args.quick:
        args.n, args.changes, args.rounds = 20_000, 500, 3
    print(f"machine: {machine_line()}", flush=True)

    from photoindex.config import Settings
    from photoindex.core.library import Library
    from photoindex.core.store.vectors import VectorIndex

    base = base_library(args.n)
    header(f"{args.n:,} photos, {DIM}-d, {args.changes:,} changes per round, {args.rounds} rounds")
    with scratch_dir("sync-") as tmp:
        folder = tmp / "lib"
        t = time.perf_counter()
        shutil.copytree(base, folder)
        line("copy the cached library", f"{time.perf_counter() - t:.1f} s")
        settings = Settings(library_dir=folder, faces=False, weights="random")
        lib = Library(settings)
        t = time.perf_counter()
        idx = lib.vector_index("clip")
        line("first sync: load the saved index (CRC-32 checked)", f"{time.perf_counter() - t:.2f} s ({len(idx):,} vectors)")
        rng = np.random.default_rng(3)
        src = Vectors(4)
        serial = [10**7]
        syncs, saves, reopens, added = [], [], [], []
        for _ in range(args.rounds):
            apply_changes(lib, rng, src, args.changes, serial)
            t = time.perf_counter()
            before = idx._seq
            idx = lib.vector_index("clip")
            syncs.append(time.perf_counter() - t)
            assert idx._seq > before  # the sync really ran (a guard of this script, not a timing)
            t = time.perf_counter()
            lib.save_indexes()
            saves.append(time.perf_counter() - t)
            apply_changes(lib, rng, src, args.changes, serial)  # written after the save
            t = time.perf_counter()
            fresh = VectorIndex(settings.index_dir, "clip")
            added.append(fresh.sync(lib.catalog()))
            reopens.append(time.perf_counter() - t)
            idx = lib.vector_index("clip")  # the running library catches up too
        line(f"sync after {args.changes:,} changes (target < 2 s)", spread(syncs, "{:.2f}") + " s")
        line("save the index", spread(saves, "{:.2f}") + " s")
        line(f"reopen: load + catch up {args.changes:,} changes", spread(reopens, "{:.2f}") + f" s ({median(added):.0f} vectors added)")
        if args.rebuild:
            t = time.perf_counter()
            VectorIndex(tmp / "empty-index", "clip").sync(lib.catalog())
            line("for comparison: a full rebuild from the catalog", f"{time.perf_counter() - t:.1f} s")
        lib.close()
    line("load average", load_avg())


if __name__ == "__main__":
    main()
