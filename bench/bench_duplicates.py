"""Duplicates at 100,000 photos, from stored hashes and vectors (synthetic; no photo is decoded).

1. The whole-library pass (`update_pairs(full=True)`: exact candidates + full-file hashes, the
   near tier's multi-index over 200,000 pHashes, the similar tier over capture-time windows with
   DINOv2-size vectors, DINOv2 confirmation of near pairs): target < 30 s; its peak RSS.
2. The time added per newly indexed photo (`library.duplicates.update()` after a batch of new
   photos: band look-ups in the catalog, exact candidates, DINOv2 index neighbours; the index
   sync of the new vectors included): target < 50 ms.

    .venv/bin/python bench/bench_duplicates.py [--n 100000] [--runs 3] [--new 200]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from _common import (
    bench_env,
    header,
    hwm_rss_mb,
    line,
    machine_line,
    median,
    reset_peak_rss,
    rss_mb,
    scratch_dir,
    spread,
)

DIM = 384  # DINOv2-small
MODEL_KEY = "dinov2:bench:synthetic"


def _rand_hash(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.integers(0, 2**63, size=n, dtype=np.int64).view(np.uint64) * np.uint64(2) + rng.integers(
        0, 2, size=n, dtype=np.int64).view(np.uint64)


def _flip(rng: np.random.Generator, h: np.ndarray, max_bits: int) -> np.ndarray:
    out = h.copy()
    for k in range(len(out)):
        for bit in rng.choice(64, size=int(rng.integers(0, max_bits + 1)), replace=False):
            out[k] ^= np.uint64(1) << np.uint64(int(bit))
    return out


def populate(lib_dir: Path, files_dir: Path, n: int, seed: int = 0) -> None:
    """n photos: 8% near copies of others, 1% exact copies (real small files, for the full-file
    hash), bursts of 2-6 shots seconds apart among the rest, ten years of capture times."""
    from photoindex.core.duplicates import _bands, _signed
    from photoindex.core.store.writer import CatalogWriter

    rng = np.random.default_rng(seed)
    n_near, n_exact = int(n * 0.08), int(n * 0.01)
    base = n - n_near - n_exact
    hashes = _rand_hash(rng, base)
    crops = _rand_hash(rng, base)
    vecs = rng.normal(size=(base, DIM)).astype(np.float32)
    times = np.sort(rng.uniform(1.3e9, 1.3e9 + 10 * 365 * 86400, size=base))
    burst = rng.random(base) < 0.15  # this shot continues the previous one's burst
    for i in np.flatnonzero(burst):
        if i:
            times[i] = times[i - 1] + rng.uniform(0.3, 5)
            vecs[i] = vecs[i - 1] + 0.3 * rng.normal(size=DIM)
    src = rng.integers(0, base, size=n_near)
    hashes = np.concatenate([hashes, _flip(rng, hashes[src], 4), np.zeros(n_exact, np.uint64)])
    crops = np.concatenate([crops, _flip(rng, crops[src], 4), np.zeros(n_exact, np.uint64)])
    vecs = np.concatenate([vecs, vecs[src] + 0.2 * rng.normal(size=(n_near, DIM)).astype(np.float32),
                           np.zeros((n_exact, DIM), np.float32)])
    times = np.concatenate([times, times[src], np.zeros(n_exact)])
    exact_src = rng.integers(0, base, size=n_exact)
    hashes[base + n_near:] = hashes[exact_src]
    crops[base + n_near:] = crops[exact_src]
    vecs[base + n_near:] = vecs[exact_src]
    times[base + n_near:] = times[exact_src]
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    files_dir.mkdir(parents=True, exist_ok=True)
    paths = [f"/bench/photos/{i // 1000:03d}/IMG_{i:06d}.jpg" for i in range(n)]
    sizes = rng.integers(1_000_000, 8_000_000, size=n)
    partial = [f"{i:032x}" for i in range(n)]
    for k, s in enumerate(exact_src.tolist()):  # the exact copies and their originals are real files
        i = base + n_near + k
        data = rng.bytes(4096)
        for j in (s, i):
            paths[j] = str(files_dir / f"{j}.jpg")
            Path(paths[j]).write_bytes(data)
            sizes[j] = 4096
        partial[i] = partial[s]
    writer = CatalogWriter(lib_dir / "catalog.sqlite3")
    with writer.transaction() as cat:
        cat.conn.executemany(
            "INSERT INTO photos(id, path, folder, size, mtime_ns, hash, width, height, taken_at, status, indexed_at)"
            " VALUES (?, ?, ?, ?, ?, ?, 4000, 3000, ?, 'ok', 1)",
            [(i + 1, paths[i], str(Path(paths[i]).parent), int(sizes[i]), 1_600_000_000_000_000_000 + i, partial[i],
              float(times[i])) for i in range(n)])
        cat.conn.execute("UPDATE meta SET value = ? WHERE key = 'photos.last_id'", (str(n),))
        cat.conn.executemany("INSERT INTO photo_facts(photo_id, sharpness, camera, checked) VALUES (?, ?, 'Bench', 0)",
                             [(i + 1, float(rng.uniform(10, 500))) for i in range(n)])
        cat.conn.executemany(
            "INSERT INTO dup_hashes(photo_id, variant, hash, b0, b1, b2) VALUES (?, ?, ?, ?, ?, ?)",
            [(i + 1, v, _signed(int(h)), *_bands(int(h))) for i in range(n) for v, h in ((0, hashes[i]), (1, crops[i]))])
        cat.set_model("dino", MODEL_KEY, DIM)
        cat.write_embeddings("dino", MODEL_KEY, [(i + 1, vecs[i]) for i in range(n)])
    writer.close()


def add_new(lib: object, rng: np.random.Generator, count: int) -> None:
    """count newly indexed photos, half of them near copies of photos already there."""
    from photoindex.core.duplicates import PhotoFacts, store_facts

    cat0 = lib.catalog()  # type: ignore[attr-defined]
    n = int(cat0.conn.execute("SELECT max(id) FROM photos").fetchone()[0])
    with lib.writer.transaction() as cat:  # type: ignore[attr-defined]
        items = []
        for k in range(count):
            pid = cat.insert_photo(f"/bench/new/{n + k}.jpg", 2_000_000, 1, f"new{n + k:028x}")
            src = int(rng.integers(1, n))
            if k % 2 == 0:
                h = [(_u(x)) for x, in cat.conn.execute("SELECT hash FROM dup_hashes WHERE photo_id = ? ORDER BY variant", (src,))]
                h = [x ^ (1 << int(rng.integers(0, 64))) for x in h]
                vec = cat.vector("dino", src) + 0.05 * rng.normal(size=DIM).astype(np.float32)
                t = cat.conn.execute("SELECT taken_at FROM photos WHERE id = ?", (src,)).fetchone()[0]
            else:
                h = [int(x) for x in _rand_hash(rng, 2)]
                vec = rng.normal(size=DIM).astype(np.float32)
                t = 1.3e9 + float(rng.uniform(0, 3e8))
            cat.mark_ok(pid, 4000, 3000, t, time.time())
            store_facts(cat, pid, PhotoFacts((h[0], h[1]), 100.0, None))
            items.append((pid, (vec / np.linalg.norm(vec)).astype(np.float32)))
        cat.write_embeddings("dino", MODEL_KEY, items)


def _u(x: int) -> int:
    return x & ((1 << 64) - 1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--new", type=int, default=200, help="new photos per incremental run")
    args = ap.parse_args()
    bench_env()
    from photoindex.config import Settings
    from photoindex.core.duplicates import Params, update_pairs
    from photoindex.core.library import Library

    header(f"duplicates: {args.n:,} photos, {DIM}-d vectors")
    print(f"  {machine_line()}")
    with scratch_dir("dups-") as tmp:
        t = time.perf_counter()
        lib = Library(Settings(library_dir=tmp / "lib", weights="pretrained", threads=0, faces=False))
        populate(tmp / "lib", tmp / "files", args.n)
        line("make the synthetic catalog", f"{time.perf_counter() - t:.1f} s")
        params = Params(similarity=0.9, window=120.0, real_weights=True)
        full_s, peaks, pairs = [], [], 0
        for _ in range(args.runs):
            base = rss_mb()
            reset_peak_rss()
            t = time.perf_counter()
            stats = update_pairs(lib.catalog(), lib.writer, params, None, full=True)
            full_s.append(time.perf_counter() - t)
            peaks.append(hwm_rss_mb() - base)
            pairs = stats.pairs
        line("whole-library pass (target < 30 s)", spread(full_s, "{:.2f}") + " s")
        line("pairs found", f"{pairs:,}")
        line("peak RSS added by the pass", spread(peaks, "{:.0f}") + f" MB (process {rss_mb():.0f} MB)")
        kinds = dict(lib.catalog().conn.execute("SELECT kind, count(*) FROM dup_pairs GROUP BY kind").fetchall())
        line("pairs by kind (exact, near, similar)", f"{kinds.get(0, 0):,}, {kinds.get(1, 0):,}, {kinds.get(2, 0):,}")
        t = time.perf_counter()
        groups = lib.duplicates.groups()
        line("groups() (union-find + keepers)", f"{time.perf_counter() - t:.2f} s, {len(groups):,} groups")
        t = time.perf_counter()
        lib.vector_index("dino")
        line("DINOv2 index build (once; indexing keeps it)", f"{time.perf_counter() - t:.1f} s")
        rng = np.random.default_rng(7)
        per_photo = []
        for _ in range(args.runs):
            add_new(lib, rng, args.new)
            t = time.perf_counter()
            stats2 = lib.duplicates.update()
            per_photo.append((time.perf_counter() - t) / args.new * 1000)
            assert not stats2["whole_library"] and stats2["checked"] == args.new, stats2
        line(f"added per new photo, batches of {args.new} (target < 50 ms)", spread(per_photo, "{:.1f}") + " ms")
        line("median", f"{median(per_photo):.1f} ms")
        lib.close()


if __name__ == "__main__":
    main()
