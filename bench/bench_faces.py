"""Faces: detection + descriptor speed on real photos, clustering time, incremental placement.

    python bench/bench_faces.py [--big]     (--big adds the 100,000-descriptor clustering)
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402

ASSETS = ROOT.parent / "shared" / "assets"


def synthetic(n: int, people: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """dlib-like descriptors: people as centres ~0.9 apart, each face within ~0.3 of its centre."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(people, 128)).astype(np.float32) * (0.9 / np.sqrt(2 * 128))
    who = rng.integers(0, people, n)
    desc = centres[who] + rng.normal(size=(n, 128)).astype(np.float32) * (0.3 / np.sqrt(128))
    return desc.astype(np.float32), np.arange(n)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--big", action="store_true")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    from photoindex.config import Settings
    from photoindex.core.faces import (
        FACE_DECODE_MIN_SIDE,
        FaceAnalyzer,
        assign_new_faces,
        cluster_descriptors,
        save_faces,
    )
    from photoindex.core.imageio import load_image
    from photoindex.core.store.catalog import Catalog

    print(f"machine: {os.cpu_count()} cores; load {os.getloadavg()[0]:.2f}")
    settings = Settings(models_dir=ASSETS / "models", weights="random")
    analyzer = FaceAnalyzer(settings)
    photos = sorted((ASSETS / "faces").rglob("*.jp*g"))[:30]
    decoded = [load_image(p, min_side=FACE_DECODE_MIN_SIDE) for p in photos]
    analyzer.analyze(decoded[0].image, (decoded[0].width, decoded[0].height))
    rates, per_photo = [], []
    for _ in range(args.runs):
        t = time.perf_counter()
        n_faces = sum(len(analyzer.analyze(d.image, (d.width, d.height))) for d in decoded)
        dt = time.perf_counter() - t
        rates.append(n_faces / dt)
        per_photo.append(dt / len(decoded) * 1000)
    print(f"detection + descriptor: {statistics.median(rates):.1f} faces/s on one thread "
          f"({n_faces} faces in {len(decoded)} real photos); added cost {statistics.median(per_photo):.0f} ms per photo "
          f"(decode at {FACE_DECODE_MIN_SIDE} px short side not included)")
    t = time.perf_counter()
    for p in photos:
        load_image(p, min_side=FACE_DECODE_MIN_SIDE)
    big = (time.perf_counter() - t) / len(photos) * 1000
    t = time.perf_counter()
    for p in photos:
        load_image(p, min_side=256)
    small = (time.perf_counter() - t) / len(photos) * 1000
    print(f"decode for faces {big:.0f} ms vs {small:.0f} ms without faces per photo")
    sizes = [10_000] + ([100_000] if args.big else [])
    for n in sizes:
        desc, photos_ids = synthetic(n, max(10, n // 20))
        times = []
        for _ in range(1 if n > 10_000 else args.runs):
            t = time.perf_counter()
            labels = cluster_descriptors(desc, photos_ids)
            times.append(time.perf_counter() - t)
        print(f"clustering {n:,} descriptors: {statistics.median(times):.1f} s "
              f"({len(set(labels.tolist()) - {-1})} people, {(labels == -1).mean():.1%} unsorted)")
    with tempfile.TemporaryDirectory() as tmp:
        cat = Catalog(Path(tmp) / "c.sqlite3")
        desc, _ = synthetic(2000, 200, seed=1)

        class Face:
            def __init__(self, d: np.ndarray) -> None:
                self.box, self.landmarks, self.score, self.descriptor = (0, 0, 10, 10), np.zeros((5, 2)), 0.9, d

        with cat.transaction():
            ids = []
            for i, d in enumerate(desc):
                pid = cat.insert_photo(f"/p/{i}.jpg", 1, 1, None)
                ids += save_faces(cat, pid, [Face(d)], None, (100, 100), Path(tmp))
        from photoindex.core.faces import recluster

        recluster(cat)
        new, _ = synthetic(200, 200, seed=1)
        times = []
        for i, d in enumerate(new):
            with cat.transaction():
                pid = cat.insert_photo(f"/new/{i}.jpg", 1, 1, None)
                fid = save_faces(cat, pid, [Face(d)], None, (100, 100), Path(tmp))
            t = time.perf_counter()
            assign_new_faces(cat, fid)
            times.append((time.perf_counter() - t) * 1000)
        people = cat.conn.execute("SELECT count(*) FROM people").fetchone()[0]
        print(f"incremental placement: {statistics.median(times):.2f} ms per face (median of {len(times)}, "
              f"{people} people known)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
