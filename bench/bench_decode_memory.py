"""Peak memory of indexing eight 144-megapixel photos with 8 decode threads.

    .venv/bin/python bench/bench_decode_memory.py            # 3 runs of each case (a few minutes)
    .venv/bin/python bench/bench_decode_memory.py --runs 1

Each run is a fresh process that indexes one folder of eight 14400x10000 images with
`Library.run_index` and 8 threads, and reports its peak RSS (ru_maxrss) and the RSS it had
before indexing (models loaded). Two kinds of file:

* JPEG: decoded in draft mode at 1/8 scale, so a full decode never happens: the light case;
* PNG: no draft mode, every photo is decoded at full size (432 MB of RGB): the worst case.

"before" runs the same code with the decode memory budget set out of reach and no malloc_trim
after a large decode, so the number of threads is the only bound (what photoindex did before);
"budget" adds the budget alone; "budget + trim" is photoindex now: the default budget
(`pipeline.decode_memory_budget()`, 1 GiB, less on a machine with little memory) and freed
memory handed back after each large decode.
The models are the toy-size real architectures with random weights (`photoindex-tiny`, as in
tests/conftest.py::tiny_settings), so that they do not dominate the figure: the model RSS is
printed apart. The images are generated once and cached under $TMPDIR/photoindex-bench.
Prints figures (medians); asserts nothing. Target: peak < 2.5 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    bench_env,
    bench_root,
    header,
    line,
    machine_line,
    median,
    peak_rss_mb,
    rss_mb,
    scratch_dir,
)

W, H, N = 14400, 10000, 8
SHARED_MODELS = Path(__file__).resolve().parent.parent.parent / "shared" / "assets" / "models"
UNLIMITED = 1 << 50


def ensure_images(kind: str) -> Path:
    folder = bench_root() / f"decode-memory-v1-{W}x{H}" / kind
    folder.mkdir(parents=True, exist_ok=True)
    missing = [i for i in range(N) if not (folder / f"big{i}.{kind}").exists()]
    if missing:
        # in a child process, so the generator's memory never counts in a measurement
        subprocess.run([sys.executable, __file__, "--make", kind, str(folder), *map(str, missing)], check=True)
    return folder


def make_images(kind: str, folder: Path, which: list[int]) -> None:
    import numpy as np
    from PIL import Image, ImageDraw

    for i in which:
        rng = np.random.default_rng(i)
        small = Image.fromarray(rng.integers(0, 256, (40, 58, 3), dtype=np.uint8), "RGB")
        img = small.resize((W, H), Image.Resampling.BILINEAR)
        d = ImageDraw.Draw(img)
        for _ in range(12):
            x, y = int(rng.integers(0, W - 2000)), int(rng.integers(0, H - 2000))
            d.ellipse([x, y, x + int(rng.integers(300, 2000)), y + int(rng.integers(300, 2000))],
                      fill=tuple(int(v) for v in rng.integers(0, 256, 3)))
        dest = folder / f"big{i}.{kind}"
        tmp = folder / f".big{i}.{kind}.tmp"
        if kind == "png":
            img.save(tmp, "PNG", compress_level=1)
        else:
            img.save(tmp, "JPEG", quality=85)
        os.replace(tmp, dest)
        print(f"  made {dest} ({dest.stat().st_size / 2**20:.0f} MB)", flush=True)


def child(folder: Path, budget: int, trim: bool) -> None:
    bench_env()
    from photoindex.config import Settings
    from photoindex.core import imageio, pipeline
    from photoindex.core.library import Library

    if budget:
        pipeline.decode_memory_budget = lambda: budget  # type: ignore[assignment]
    if not trim:
        imageio.TRIM_AFTER_BYTES = UNLIMITED
    with scratch_dir("decode-memory-") as tmp:
        settings = Settings(
            library_dir=tmp / "library",
            weights="random",
            models_dir=SHARED_MODELS,
            clip_model="photoindex-tiny",
            dino_model="photoindex-tiny",
            faces=False,
            threads=8,
            batch_size=8,
        )
        lib = Library(settings)
        for space in ("clip", "dino"):
            emb = lib.embedder(space)
            if hasattr(emb, "load"):
                emb.load()
        before = rss_mb()
        started = time.perf_counter()
        report = lib.run_index([folder])
        seconds = time.perf_counter() - started
        lib.close()
    print(json.dumps({"peak_mb": peak_rss_mb(), "before_mb": before, "seconds": seconds,
                      "embedded": report.embedded, "failed": report.failed}))


def measure(folder: Path, budget: int, trim: bool, runs: int) -> list[dict[str, float]]:
    out = []
    for _ in range(runs):
        proc = subprocess.run([sys.executable, __file__, "--child", str(folder), str(budget), str(int(trim))],
                              check=True, capture_output=True, text=True)
        out.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--make", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make:
        kind, folder, *which = args.make
        make_images(kind, Path(folder), [int(i) for i in which])
        return
    if args.child:
        child(Path(args.child[0]), int(args.child[1]), args.child[2] == "1")
        return
    bench_env()
    from photoindex.core.pipeline import decode_memory_budget

    header(f"decode memory: {N} images of {W}x{H} ({W * H / 1e6:.0f} MP), 8 threads, tiny random-weight models")
    line("machine", machine_line())
    line("default decode budget", f"{decode_memory_budget() / 2**20:.0f} MB")
    for kind in ("jpeg", "png"):
        folder = ensure_images(kind)
        for label, budget, trim in (("before (threads only)", UNLIMITED, False), ("budget", 0, False),
                                    ("budget + trim (now)", 0, True)):
            if kind == "jpeg" and label == "budget":
                continue  # draft mode: no full decode, nothing for the budget to do
            res = measure(folder, budget, trim, args.runs)
            assert all(r["embedded"] == N for r in res), res
            peaks = [r["peak_mb"] for r in res]
            line(f"{kind}, {label}: peak RSS", f"median {median(peaks):.0f} MB  (runs: {', '.join(f'{p:.0f}' for p in peaks)})")
            line(f"{kind}, {label}: RSS with models loaded", f"median {median([r['before_mb'] for r in res]):.0f} MB")
            line(f"{kind}, {label}: index time", f"median {median([r['seconds'] for r in res]):.1f} s")


if __name__ == "__main__":
    main()
