"""Faces: detection + descriptor speed on real photos, clustering time, incremental placement.

    .venv/bin/python bench/bench_faces.py             10,000 descriptors; medians of --runs (3)
    .venv/bin/python bench/bench_faces.py --big       adds 100,000 descriptors
    .venv/bin/python bench/bench_faces.py --compare   DBSCAN vs HDBSCAN vs agglomerative (quality + time)

Prints figures, asserts nothing. Real photos and models come from ../shared/assets. Synthetic
descriptors are dlib-like: people ~0.75 apart with Zipf-sized photo counts, faces ~0.3 from their
person's centre (same-person pairs ~0.42 apart, as measured on the real photos), 10% look-alike
pairs 0.5-0.65 apart, and 15% one-off strangers.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import os
import statistics
import sys
import tempfile
import time
import warnings
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")

import numpy as np  # noqa: E402

ASSETS = ROOT.parent / "shared" / "assets"
FACES = ASSETS / "faces" / "face_recognition_ageitgey"


def synthetic(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(descriptors, true identity per row)."""
    rng = np.random.default_rng(seed)
    n_people = max(10, n // 25)
    weights = 1 / np.arange(1, n_people + 1) ** 1.1
    weights /= weights.sum()
    centres = rng.normal(size=(n_people, 128)).astype(np.float32) * (0.74 / np.sqrt(2 * 128))
    for i, j in zip(rng.choice(n_people, n_people // 10, replace=False), rng.choice(n_people, n_people // 10), strict=True):
        if i != j:
            gap = centres[i] - centres[j]
            centres[i] = centres[j] + gap * rng.uniform(0.5, 0.65) / max(1e-6, float(np.linalg.norm(gap)))
    n_strangers = int(n * 0.15)
    who = rng.choice(n_people, n - n_strangers, p=weights)
    sigma = 0.42 / np.sqrt(2 * 128) * rng.uniform(0.7, 1.45, (len(who), 1))
    known = centres[who] + rng.normal(size=(len(who), 128)) * sigma
    strangers = rng.normal(size=(n_strangers, 128)) * (0.74 / np.sqrt(2 * 128))
    desc = np.vstack([known, strangers]).astype(np.float32)
    truth = np.concatenate([who, n_people + np.arange(n_strangers)])
    order = rng.permutation(n)
    return desc[order], truth[order]


def pairwise(labels: np.ndarray, truth: np.ndarray) -> tuple[float, int]:
    """Pairwise F1 (unsorted faces pair with nobody) and how many groups mix identities."""
    def pairs(counter: Counter) -> int:
        return sum(v * (v - 1) // 2 for v in counter.values())

    grouped = labels != -1
    tp = pairs(Counter(zip(labels[grouped].tolist(), truth[grouped].tolist(), strict=True)))
    predicted, true = pairs(Counter(labels[grouped].tolist())), pairs(Counter(truth.tolist()))
    mixed = sum(len(set(truth[labels == g].tolist())) > 1 for g in set(labels[grouped].tolist()))
    return (2 * tp / (predicted + true) if predicted + true else 1.0), mixed


def median_time(fn, runs: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


class _Face:
    def __init__(self, d: np.ndarray) -> None:
        self.box, self.landmarks, self.score, self.descriptor = (0, 0, 10, 10), np.zeros((5, 2), np.float32), 0.9, d


def _catalog_with(path: Path, desc: np.ndarray):
    from photoindex.core.faces import save_faces
    from photoindex.core.store.catalog import Catalog

    cat = Catalog(path)
    with cat.transaction():
        for i, d in enumerate(desc):
            pid = cat.insert_photo(f"/p/{i}.jpg", 1, 1, None)
            save_faces(cat, pid, [_Face(d)], None, (100, 100), path.parent / "faces")
    return cat


def bench_analysis(runs: int) -> None:
    from photoindex.config import Settings
    from photoindex.core.faces import FACE_DECODE_MIN_SIDE, FaceAnalyzer
    from photoindex.core.imageio import load_image

    analyzer = FaceAnalyzer(Settings(models_dir=ASSETS / "models", weights="random"))
    with open(FACES / "identities.csv", newline="") as fh:
        paths = [FACES / r["file"] for r in csv.DictReader(fh)]
    paths.append(FACES / "examples" / "two_people.jpg")
    decoded = [load_image(p, min_side=FACE_DECODE_MIN_SIDE) for p in paths]
    analyzer.analyze(decoded[0].image, (decoded[0].width, decoded[0].height))  # load the models

    def one_thread() -> int:
        return sum(len(analyzer.analyze(d.image, (d.width, d.height))) for d in decoded)

    def two_threads() -> int:
        with ThreadPoolExecutor(2) as pool:
            return sum(pool.map(lambda d: len(analyzer.analyze(d.image, (d.width, d.height))), decoded))

    two_threads()  # the second thread's models
    for label, fn in (("1 thread", one_thread), ("2 threads", two_threads)):
        dt, n_faces = median_time(fn, runs)
        print(f"detection + descriptor, {label}: {n_faces / dt:.1f} faces/s, {dt / len(decoded) * 1000:.0f} ms per photo "
              f"({n_faces} faces in {len(decoded)} real photos, decoded at >= {FACE_DECODE_MIN_SIDE} px beforehand)")
    big, _ = median_time(lambda: [load_image(p, min_side=FACE_DECODE_MIN_SIDE) for p in paths], runs)
    small, _ = median_time(lambda: [load_image(p, min_side=256) for p in paths], runs)
    print(f"decode per photo: {big / len(paths) * 1000:.0f} ms at >= {FACE_DECODE_MIN_SIDE} px (faces on) vs "
          f"{small / len(paths) * 1000:.0f} ms at >= 256 px (faces off)")


def bench_clustering(sizes: list[int], runs: int) -> None:
    from photoindex.core.faces import cluster_descriptors, recluster

    for n in sizes:
        desc, truth = synthetic(n)
        photos = np.arange(n)
        r = runs if n <= 10_000 else max(1, runs - 1)
        dt, labels = median_time(lambda desc=desc, photos=photos: cluster_descriptors(desc, photos), r)
        f1, mixed = pairwise(labels, truth)  # type: ignore[arg-type]
        print(f"cluster_descriptors {n:,}: {dt:.1f} s (median of {r}); F1 {f1:.3f}, {mixed} people mixing identities, "
              f"{(labels == -1).mean():.0%} unsorted (truth: 15% strangers)")  # type: ignore[union-attr]
        with tempfile.TemporaryDirectory() as tmp:
            cat = _catalog_with(Path(tmp) / "c.sqlite3", desc)
            t = time.perf_counter()
            stats = recluster(cat)
            first = time.perf_counter() - t
            t = time.perf_counter()
            recluster(cat)
            again = time.perf_counter() - t
            print(f"recluster on a catalog of {n:,} faces: first pass {first:.1f} s ({stats['people']:,} people), "
                  f"a later pass with nothing new {again:.1f} s")
            cat.close()


def bench_placement(n_faces: int, n_new: int) -> None:
    from photoindex.core.faces import assign_new_faces, recluster, save_faces

    desc, _ = synthetic(n_faces + n_new, seed=1)
    with tempfile.TemporaryDirectory() as tmp:
        cat = _catalog_with(Path(tmp) / "c.sqlite3", desc[:n_faces])
        recluster(cat)
        people = cat.conn.execute("SELECT count(*) FROM people").fetchone()[0]
        times = []
        placed = 0
        for i, d in enumerate(desc[n_faces:]):
            with cat.transaction():
                pid = cat.insert_photo(f"/new/{i}.jpg", 1, 1, None)
                fid = save_faces(cat, pid, [_Face(d)], None, (100, 100), Path(tmp))
            t = time.perf_counter()
            placed += assign_new_faces(cat, fid)
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        print(f"incremental placement of one new face: median {statistics.median(times):.2f} ms, "
              f"p95 {times[int(len(times) * 0.95)]:.2f} ms ({n_new} faces, {placed} joined a person; "
              f"{people:,} people, {n_faces:,} faces known)")
        cat.close()


def bench_compare(n: int) -> None:
    from sklearn.cluster import DBSCAN, HDBSCAN, AgglomerativeClustering

    from photoindex.config import Settings
    from photoindex.core.faces import FACE_DECODE_MIN_SIDE, FaceAnalyzer, cluster_descriptors
    from photoindex.core.imageio import load_image

    warnings.simplefilter("ignore")

    def agglomerative(x: np.ndarray, threshold: float) -> np.ndarray:
        labels = AgglomerativeClustering(n_clusters=None, distance_threshold=threshold, linkage="average").fit_predict(x)
        uniq, counts = np.unique(labels, return_counts=True)
        alone = np.isin(labels, uniq[counts == 1])
        return np.where(alone, -1, labels)

    methods = {
        "DBSCAN eps 0.45 (ours)": lambda x: cluster_descriptors(x, np.arange(len(x))),
        "DBSCAN eps 0.50": lambda x: DBSCAN(eps=0.5, min_samples=2, algorithm="brute").fit_predict(x),
        "HDBSCAN min size 2": lambda x: HDBSCAN(min_cluster_size=2, min_samples=1, copy=True).fit_predict(x),
        "agglomerative avg 0.6": lambda x: agglomerative(x, 0.6),
    }
    analyzer = FaceAnalyzer(Settings(models_dir=ASSETS / "models", weights="random"))
    rows, truth = [], []
    with open(FACES / "identities.csv", newline="") as fh:
        for r in csv.DictReader(fh):
            d = load_image(FACES / r["file"], min_side=FACE_DECODE_MIN_SIDE)
            found = analyzer.analyze(d.image, (d.width, d.height))
            rows.append(max(found, key=lambda f: f.box[2] * f.box[3]).descriptor)
            truth.append(r["identity"])
    real, real_truth = np.stack(rows), np.array(truth)
    dist = {(a, b): float(np.linalg.norm(real[a] - real[b])) for a, b in itertools.combinations(range(len(real)), 2)}
    same = [v for (a, b), v in dist.items() if truth[a] == truth[b]]
    other = [v for (a, b), v in dist.items() if truth[a] != truth[b]]
    print(f"real descriptors: same person {np.mean(same):.2f} mean / {max(same):.2f} max apart; "
          f"different people {min(other):.2f} min apart")
    synth, synth_truth = synthetic(n)
    for name, fn in methods.items():
        f1_real, mixed_real = pairwise(np.asarray(fn(real)), real_truth)
        dt, labels = median_time(lambda fn=fn: fn(synth), 1)
        f1, mixed = pairwise(np.asarray(labels), synth_truth)
        print(f"{name:24s} real: F1 {f1_real:.3f}, {mixed_real} mixing | synthetic {n:,}: F1 {f1:.3f}, "
              f"{mixed} mixing, {dt:.2f} s")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--big", action="store_true", help="also 100,000 descriptors")
    ap.add_argument("--compare", action="store_true", help="DBSCAN vs HDBSCAN vs agglomerative")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")
    if args.compare:
        bench_compare(5000)
        return 0
    bench_analysis(args.runs)
    bench_clustering([10_000] + ([100_000] if args.big else []), args.runs)
    bench_placement(10_000, 300)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
