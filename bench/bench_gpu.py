"""GPU check and figures: the real pipeline with device=auto on a CUDA machine.

Prints the runtime it picked (expect cuda + bf16), indexing throughput through the real
pipeline (decode pool + batched inference + writer), text-search latency, and how close the
GPU's bf16 vectors are to the CPU's float32 ones (a library indexed on one machine must stay
searchable from another). Random weights (same architectures, same cost); no network.

    PHOTOINDEX_WEIGHTS=random python bench/bench_gpu.py --n 512
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("PHOTOINDEX_WEIGHTS", "random")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402


def make_photo(path: Path, seed: int, size: tuple[int, int]) -> None:
    rng = np.random.default_rng(seed)
    w, h = size
    small = rng.integers(0, 255, (h // 64, w // 64, 3), dtype=np.uint8)
    img = Image.fromarray(small).resize(size, Image.Resampling.BICUBIC)
    d = ImageDraw.Draw(img)
    for _ in range(6):
        x, y = int(rng.integers(0, w - 300)), int(rng.integers(0, h - 300))
        d.ellipse([x, y, x + 300, y + 200], fill=tuple(int(c) for c in rng.integers(0, 255, 3)))
    img.save(path, "JPEG", quality=90)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=512)
    ap.add_argument("--size", default="4000x3000")
    ap.add_argument("--batch", type=int, default=64)
    args = ap.parse_args()
    import torch

    from photoindex.config import Settings
    from photoindex.core.library import Library
    from photoindex.core.models.clip import ClipEmbedder
    from photoindex.core.models.dino import DinoEmbedder
    from photoindex.core.models.runtime import resolve_runtime

    print(f"torch {torch.__version__}, cuda available: {torch.cuda.is_available()}", flush=True)
    if torch.cuda.is_available():
        print(f"gpu: {torch.cuda.get_device_name(0)}, cpu cores: {os.cpu_count()}")
    w, h = (int(v) for v in args.size.split("x"))
    with tempfile.TemporaryDirectory() as tmp:
        photos = Path(tmp) / "photos"
        photos.mkdir()
        t = time.perf_counter()
        with ThreadPoolExecutor(os.cpu_count()) as pool:
            list(pool.map(lambda i: make_photo(photos / f"p{i:05d}.jpg", i, (w, h)), range(args.n)))
        print(f"generated {args.n} photos of {w}x{h} in {time.perf_counter() - t:.1f} s", flush=True)
        settings = Settings(library_dir=Path(tmp) / "lib", weights="random", faces=False, batch_size=args.batch)
        rt = resolve_runtime(settings)
        print(f"runtime picked: {rt.describe()}")
        lib = Library(settings)
        for emb in (lib.embedder("clip"), lib.embedder("dino")):
            emb.load()
        t = time.perf_counter()
        report = lib.run_index([photos])
        dt = time.perf_counter() - t
        print(f"pipeline: {report.embedded} photos in {dt:.1f} s = {report.embedded / dt:.1f} photos/s "
              f"(decode workers {settings.cpu_threads()}, batch {args.batch})", flush=True)
        lat = []
        for q in ["a dog on a beach", "sunset over the sea", "birthday cake", "a red car"] * 10:
            t = time.perf_counter()
            lib.search(q + f" {len(lat)}")  # distinct text: no cache hit
            lat.append((time.perf_counter() - t) * 1000)
        lat.sort()
        print(f"text search: p50 {statistics.median(lat):.1f} ms, p95 {lat[int(len(lat) * 0.95) - 1]:.1f} ms")
        lat = []
        for pid in [p.id for p in lib.photos()][:40]:
            t = time.perf_counter()
            lib.similar(pid)
            lat.append((time.perf_counter() - t) * 1000)
        lat.sort()
        print(f"find similar: p50 {statistics.median(lat):.2f} ms, p95 {lat[int(len(lat) * 0.95) - 1]:.2f} ms")
        # Device consistency: GPU (picked precision) vs CPU float32.
        imgs = [Image.open(photos / f"p{i:05d}.jpg").convert("RGB").resize((400, 300)) for i in range(min(16, args.n))]
        cpu = settings.with_(device="cpu", precision="fp32")
        for cls in (ClipEmbedder, DinoEmbedder):
            a = cls(settings).embed_images(imgs)
            b = cls(cpu).embed_images(imgs)
            cos = np.sum(a * b, axis=1)
            print(f"{cls.__name__}: {rt.device}/{rt.precision} vs cpu/fp32 cosine min {cos.min():.4f} mean {cos.mean():.4f}")
        lib.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
