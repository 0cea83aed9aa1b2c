"""Indexing throughput on generated 12-megapixel JPEGs, against the naive loop and the ceiling.

    PHOTOINDEX_WEIGHTS=random HF_HUB_OFFLINE=1 .venv/bin/python bench/bench_index.py           # 1,000 photos
    PHOTOINDEX_WEIGHTS=random HF_HUB_OFFLINE=1 .venv/bin/python bench/bench_index.py --quick   # 200, about a minute

Three figures, in one run, on the same files:

* pipeline: `Library(settings).index([folder])` end to end (scan, decode pool, batched ViT-B-32 +
  DINOv2-S, single writer, thumbnails, the hnswlib indexes), models loaded beforehand;
* naive: the loop a user writes from the open_clip and transformers READMEs: PIL opens the
  full-size photo, `open_clip.create_model_and_transforms` preprocessing and
  `AutoImageProcessor` (dinov2-small's own preprocessor_config.json, written offline), float32,
  one photo at a time;
* ceiling: 1 / (GFLOPs per photo of both models / measured matmul GFLOP/s on all cores at the
  precision the runtime picks + draft-mode decode seconds per photo / cores).

Random weights run at the same speed as trained ones. The generated photos are cached under
$TMPDIR/photoindex-bench between runs. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    CpuMeter,
    bench_env,
    cores,
    ensure_photos,
    header,
    line,
    link_library,
    load_avg,
    machine_line,
    median,
    peak_rss_mb,
    scratch_dir,
    spread,
)

bench_env()

DINOV2_SMALL_PREPROCESSOR = {
    # facebook/dinov2-small's preprocessor_config.json, as AutoImageProcessor reads it from the hub.
    "crop_size": {"height": 224, "width": 224},
    "do_center_crop": True,
    "do_convert_rgb": True,
    "do_normalize": True,
    "do_rescale": True,
    "do_resize": True,
    "image_mean": [0.485, 0.456, 0.406],
    "image_processor_type": "BitImageProcessor",
    "image_std": [0.229, 0.224, 0.225],
    "resample": 3,
    "rescale_factor": 0.00392156862745098,
    "size": {"shortest_edge": 256},
}


def settings_for(library_dir: Path, args: argparse.Namespace):  # noqa: ANN201
    from photoindex.config import Settings

    changes: dict[str, object] = {"library_dir": library_dir, "faces": False}
    if args.batch:
        changes["batch_size"] = args.batch
    if args.threads:
        changes["threads"] = args.threads
    if args.precision:
        changes["precision"] = args.precision
    return Settings(**changes)  # type: ignore[arg-type]


# -- the pipeline ------------------------------------------------------------------------------


def run_pipeline(photos: list[Path], args: argparse.Namespace) -> dict[str, float]:
    from photoindex.core.library import Library

    with scratch_dir("index-") as tmp:
        folder = link_library(photos, tmp / "photos")
        lib = Library(settings_for(tmp / "library", args))
        t = time.perf_counter()
        for space in ("clip", "dino"):
            lib.embedder(space).load()
        load_s = time.perf_counter() - t
        runtime = lib.embedder("clip").runtime
        meter = CpuMeter()
        t0 = time.perf_counter()
        first_batch_at = None
        first_batch_done = 0
        last_batch_at = 0.0
        gen = lib.index([folder])
        while True:
            try:
                p = next(gen)
            except StopIteration as stop:
                report = stop.value
                break
            if p.phase == "embed" and p.done > 0 and first_batch_at is None:
                first_batch_at, first_batch_done = time.perf_counter(), p.done
            if p.phase == "embed" and p.done == p.total and p.total:
                last_batch_at = time.perf_counter()
        wall = time.perf_counter() - t0
        share = meter.share()
        lib.close()
        if report.embedded != len(photos) or report.failed:
            print(f"  WARNING: embedded {report.embedded} of {len(photos)}, failed {report.failed}", flush=True)
        steady = (
            (report.embedded - first_batch_done) / (last_batch_at - first_batch_at)
            if first_batch_at is not None and last_batch_at > first_batch_at
            else float("nan")
        )
        return {
            "wall_s": wall,
            "rate": len(photos) / wall,
            "steady_rate": steady,
            "load_s": load_s,
            "cpu_share": share,
            "runtime": runtime.describe(),  # type: ignore[dict-item]
        }


# -- the naive loop ----------------------------------------------------------------------------


def run_naive(photos: list[Path]) -> dict[str, float]:
    """The README loop: full-size PIL image, the models' own preprocessing, fp32, batch of one."""
    import open_clip
    import torch
    from PIL import Image
    from transformers import AutoImageProcessor, Dinov2Config, Dinov2Model

    from photoindex.core.models.dino import ARCHITECTURES

    model, _, preprocess = open_clip.create_model_and_transforms("ViT-B-32", pretrained=None)
    model.eval()
    with scratch_dir("hfproc-") as cfg_dir:
        (cfg_dir / "preprocessor_config.json").write_text(json.dumps(DINOV2_SMALL_PREPROCESSOR))
        processor = AutoImageProcessor.from_pretrained(str(cfg_dir))
    arch = ARCHITECTURES["facebook/dinov2-small"]
    dino = Dinov2Model(Dinov2Config(intermediate_size=4 * arch["hidden_size"], patch_size=14, image_size=518, **arch))
    dino.eval()

    def one(path: Path) -> None:
        image = Image.open(path)
        with torch.no_grad():
            x = preprocess(image).unsqueeze(0)
            feats = model.encode_image(x)
            feats /= feats.norm(dim=-1, keepdim=True)
            inputs = processor(images=image, return_tensors="pt")
            out = dino(**inputs).pooler_output
            out /= out.norm(dim=-1, keepdim=True)

    one(photos[0])  # warm-up, not timed
    meter = CpuMeter()
    times = []
    for p in photos[1:]:
        t = time.perf_counter()
        one(p)
        times.append(time.perf_counter() - t)
    return {
        "per_photo_s": median(times),
        "rate": 1.0 / median(times),
        "cpu_share": meter.share(),
        "processor": type(processor).__name__,  # type: ignore[dict-item]
        "n": len(times),
    }


# -- the ceiling -------------------------------------------------------------------------------


def model_gflops(args: argparse.Namespace) -> dict[str, float]:
    """FLOPs of one forward of each model on one 224x224 photo, counted by torch's FlopCounterMode.

    Counted with autograd on and the math attention kernel, so that fused inference kernels
    (nn.MultiheadAttention's fast path, fused SDPA), which the counter has no formula for, are
    spelled out as matmuls and counted too."""
    import torch
    from torch.nn.attention import SDPBackend, sdpa_kernel
    from torch.utils.flop_counter import FlopCounterMode

    from photoindex.core.library import Library

    with scratch_dir("flops-") as tmp:
        lib = Library(settings_for(tmp / "library", args))
        out = {}
        for space in ("clip", "dino"):
            emb = lib.embedder(space)
            model = emb.load()
            x = torch.zeros(1, 3, emb.input_size, emb.input_size, dtype=emb.runtime.dtype)
            with torch.enable_grad(), sdpa_kernel(SDPBackend.MATH), FlopCounterMode(display=False) as fc:
                x.requires_grad_(True)
                model.encode_image(x) if space == "clip" else model(pixel_values=x)
            out[space] = fc.get_total_flops() / 1e9
        lib.close()
    return out


def matmul_gflops(dtype_name: str, n: int, repeat: int) -> list[float]:
    import torch

    dtype = {"fp32": torch.float32, "bf16": torch.bfloat16}[dtype_name]
    a = torch.randn(n, n).to(dtype)
    b = torch.randn(n, n).to(dtype)
    with torch.inference_mode():
        torch.mm(a, b)
        rates = []
        for _ in range(repeat):
            t = time.perf_counter()
            torch.mm(a, b)
            rates.append(2 * n**3 / (time.perf_counter() - t) / 1e9)
    return rates


def decode_seconds(photos: list[Path]) -> dict[str, float]:
    """Per photo, single-threaded: draft-mode decode (the ceiling's term), and for the record the
    other per-photo work of the pipeline (two model crops, the thumbnail, the partial hash)."""
    from photoindex.core.imageio import load_image, save_thumbnail
    from photoindex.core.models import center_crop_resize
    from photoindex.core.scan import partial_hash

    dec, prep, thumb, hashing = [], [], [], []
    load_image(photos[0], min_side=256)
    with scratch_dir("thumbs-") as tmp:
        for p in photos:
            t = time.perf_counter()
            img = load_image(p, min_side=256).image
            t1 = time.perf_counter()
            center_crop_resize(img, 224, 224)
            center_crop_resize(img, 256, 224)
            t2 = time.perf_counter()
            save_thumbnail(img, tmp / "t.jpg", 320)
            t3 = time.perf_counter()
            partial_hash(str(p))
            t4 = time.perf_counter()
            dec.append(t1 - t)
            prep.append(t2 - t1)
            thumb.append(t3 - t2)
            hashing.append(t4 - t3)
    return {"decode": median(dec), "prepare": median(prep), "thumbnail": median(thumb), "hash": median(hashing)}


def precision_agreement(photos: list[Path], precision: str) -> dict[str, tuple[float, float]]:
    """Cosine between the vectors of `precision` and of fp32, per space: (min, median)."""
    import numpy as np

    from photoindex.config import Settings
    from photoindex.core.imageio import load_image
    from photoindex.core.models.clip import ClipEmbedder
    from photoindex.core.models.dino import DinoEmbedder

    images = [load_image(p, min_side=256).image for p in photos]
    out = {}
    for cls in (ClipEmbedder, DinoEmbedder):
        vecs = [cls(Settings(faces=False, precision=prec)).embed_images(images) for prec in ("fp32", precision)]
        cos = (vecs[0] * vecs[1]).sum(axis=1)
        out[cls.space] = (float(cos.min()), float(np.median(cos)))
    return out


# -- main --------------------------------------------------------------------------------------


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1000, help="photos to index (default 1000)")
    ap.add_argument("--quick", action="store_true", help="200 photos, a short naive loop: about a minute")
    ap.add_argument("--naive", type=int, default=None, help="photos for the naive loop (default 40; 12 quick)")
    ap.add_argument("--repeat", type=int, default=1, help="pipeline runs (the median is reported)")
    ap.add_argument("--batch", type=int, default=0, help="override Settings.batch_size")
    ap.add_argument("--threads", type=int, default=0, help="override Settings.threads")
    ap.add_argument("--precision", default="", help="override Settings.precision (fp32, bf16, ...)")
    ap.add_argument("--skip-naive", action="store_true")
    ap.add_argument("--skip-ceiling", action="store_true")
    args = ap.parse_args()
    if args.quick and args.n == 1000:
        args.n = 200
    n_naive = args.naive if args.naive is not None else (12 if args.quick else 40)

    print(f"machine: {machine_line()}", flush=True)
    photos = ensure_photos(args.n)
    size_mb = sum(p.stat().st_size for p in photos) / len(photos) / 1e6
    print(f"photos: {len(photos)} generated JPEGs of 4000x3000, {size_mb:.1f} MB each on average", flush=True)

    import torch

    from photoindex.core.models.runtime import cpu_has_native_bf16

    header(f"pipeline: Library.index on {len(photos)} photos, ViT-B-32 + DINOv2-S (random weights)")
    runs = []
    for r in range(args.repeat):
        res = run_pipeline(photos, args)
        runs.append(res)
        line(
            f"run {r + 1}",
            f"{res['rate']:.2f} photos/s ({res['wall_s']:.1f} s; steady {res['steady_rate']:.2f}/s; "
            f"CPU share {res['cpu_share']:.0%}; load {load_avg()})",
        )
    pipe_rate = median([r["rate"] for r in runs])
    peak = peak_rss_mb()
    line("runtime", f"{runs[0]['runtime']}; models loaded in {runs[0]['load_s']:.1f} s (not timed)")
    line("photos/s, end to end", spread([r["rate"] for r in runs]))
    line("peak RSS (models + pipeline)", f"{peak:.0f} MiB")

    if args.precision and args.precision not in ("fp32", "auto"):
        agree = precision_agreement(photos[:32], args.precision)
        for space, (lo, mid) in agree.items():
            line(f"{space} vectors vs fp32 (32 photos)", f"cosine min {lo:.4f}, median {mid:.4f}")

    naive = None
    if not args.skip_naive:
        header(f"naive README loop on {n_naive} of the same photos (fp32, one at a time)")
        naive = run_naive(photos[: n_naive + 1])
        line("preprocessing", f"open_clip transforms + {naive['processor']} (AutoImageProcessor)")
        line(
            "photos/s",
            f"{naive['rate']:.2f} ({naive['per_photo_s'] * 1e3:.0f} ms/photo median of {naive['n']}; "
            f"CPU share {naive['cpu_share']:.0%}; load {load_avg()})",
        )

    ceiling = None
    if not args.skip_ceiling:
        header("ceiling")
        flops = model_gflops(args)
        gf = flops["clip"] + flops["dino"]
        line("GFLOPs per photo (FlopCounterMode)", f"ViT-B-32 {flops['clip']:.2f} + DINOv2-S {flops['dino']:.2f} = {gf:.2f}")
        torch.set_num_threads(cores())
        fp32 = matmul_gflops("fp32", 2048, 12)
        bf16 = matmul_gflops("bf16", 512, 3)
        line(f"fp32 matmul 2048^2, {cores()} threads", f"GFLOP/s best {max(fp32):.1f}, median {median(fp32):.1f}")
        line(f"bf16 matmul 512^2, {cores()} threads", f"GFLOP/s best {max(bf16):.2f}, median {median(bf16):.2f}")
        precision = args.precision or ("bf16" if cpu_has_native_bf16() else "fp32")
        line("precision the runtime picks", f"{precision} (native bf16: {cpu_has_native_bf16()})")
        rate = max(fp32) if precision == "fp32" else max(bf16)
        dec = decode_seconds(photos[: min(40, len(photos))])
        line(
            "per photo, one core (median of 40)",
            f"draft decode {dec['decode'] * 1e3:.1f} ms; also in the pipeline: crops {dec['prepare'] * 1e3:.1f} ms, "
            f"thumbnail {dec['thumbnail'] * 1e3:.1f} ms, hash {dec['hash'] * 1e3:.2f} ms",
        )
        model_s = gf / rate
        ceiling = 1.0 / (model_s + dec["decode"] / cores())
        line(
            "ceiling photos/s",
            f"{ceiling:.2f} = 1 / ({gf:.1f} GF / {rate:.1f} GF/s + {dec['decode'] * 1e3:.1f} ms / {cores()} cores)",
        )
        line("ceiling at the bf16 rate, for the record", f"{1.0 / (gf / max(bf16) + dec['decode'] / cores()):.3f} photos/s")

    header("summary")
    line("pipeline photos/s (median)", f"{pipe_rate:.2f}")
    if naive:
        ratio = pipe_rate / naive["rate"]
        line("naive photos/s", f"{naive['rate']:.2f}")
        line("pipeline / naive (target >= 4x)", f"{ratio:.2f}x {'OK' if ratio >= 4 else 'BELOW TARGET'}")
    if ceiling:
        frac = pipe_rate / ceiling
        line("ceiling photos/s", f"{ceiling:.2f}")
        line("pipeline / ceiling (target >= 70%)", f"{frac:.0%} {'OK' if frac >= 0.7 else 'BELOW TARGET'}")
    line("peak RSS", f"{peak:.0f} MiB")
    line("load average at the end", load_avg())
    print(
        "RESULT "
        + json.dumps(
            {
                "n": len(photos),
                "pipeline_rate": round(pipe_rate, 3),
                "pipeline_runs": [round(r["rate"], 3) for r in runs],
                "naive_rate": round(naive["rate"], 3) if naive else None,
                "ceiling": round(ceiling, 3) if ceiling else None,
                "peak_rss_mb": round(peak),
                "torch": torch.__version__,
                "threads": torch.get_num_threads(),
                "settings": {k: os.environ.get(k) for k in ("PHOTOINDEX_BATCH", "PHOTOINDEX_THREADS")},
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
