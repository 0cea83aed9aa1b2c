"""Text-query latency with the multilingual text tower (XLM-R base, real size, random weights).

    PHOTOINDEX_WEIGHTS=random HF_HUB_OFFLINE=1 .venv/bin/python bench/bench_text_query.py

1. Encoding a query (Korean, English and mixed, each new, so the model really runs), p50/p95,
   in float32 and with the text tower's Linear layers as dynamic int8 (torch.ao quantize_dynamic),
   and how far the int8 vectors are from the float32 ones (cosine; random weights).
   Target: encode < 40 ms p50.
2. Enter-to-results at 100,000 photos: Library.search (encode + hnswlib + the names matching)
   on synthetic vectors in a real hnswlib index, what the window does on Enter; p50/p95.
   Target: < 150 ms p95. And the command line `photoindex search` end to end (a new process:
   Python, torch, the model and the index load every time), median of a few runs.

Figures are medians/percentiles over many queries; the machine (AMD EPYC, AVX2, no native bf16,
2 cores shared with other work) and its load average are printed with them.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import subprocess
import sys
import time

import numpy as np
from _common import REPO, bench_env, cores, cpu_model, header, line, load_avg, percentile, scratch_dir

bench_env()

_KO = ["바닷가의 강아지", "제주도에서 찍은 사진", "눈 덮인 산", "생일 케이크와 아이", "노을 지는 해변", "서울의 밤거리",
       "가족 여행", "꽃밭의 고양이", "비 오는 날 우산", "친구들과 커피"]
_EN = ["a dog on the beach", "sunset over the sea", "snow on the mountains", "birthday cake with candles",
       "city street at night", "family trip", "a cat among flowers", "friends drinking coffee"]


def queries(n: int, seed: int) -> list[str]:
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        kind = i % 3
        if kind == 0:
            q = str(rng.choice(_KO))
        elif kind == 1:
            q = str(rng.choice(_EN))
        else:
            q = f"{rng.choice(_KO)} {rng.choice(_EN)}"
        out.append(f"{q} {i}")  # new every time: no text cache
    return out


def encode_latency(clip, texts: list[str]) -> list[float]:  # noqa: ANN001
    lat = []
    for t in texts:
        t0 = time.perf_counter()
        clip.embed_text([t])
        lat.append(time.perf_counter() - t0)
    return lat


def bench_encode(args: argparse.Namespace) -> None:
    import torch

    from photoindex.config import Settings
    from photoindex.core.models.clip import ClipEmbedder
    from photoindex.core.models.runtime import quantize_int8

    header(f"Encoding one query: {args.model} text tower (random weights, real size)")
    s = Settings(library_dir=REPO / ".bench-unused", weights="random", clip_model=args.model,
                 clip_pretrained=args.pretrained, faces=False, precision="fp32", threads=args.threads)
    t0 = time.perf_counter()
    clip = ClipEmbedder(s)
    model = clip.load()
    line("build the model (random weights)", f"{time.perf_counter() - t0:.1f} s; "
         f"text tower {sum(p.numel() for p in model.text.parameters()) / 1e6:.0f} M parameters")
    encode_latency(clip, queries(5, 99))  # warm-up
    texts = queries(args.queries, 1)
    fp32 = encode_latency(clip, texts)
    ref = clip.embed_text(texts[:60])
    line("fp32, p50 / p95 (target p50 < 40 ms)",
         f"{percentile(fp32, 50) * 1e3:.1f} / {percentile(fp32, 95) * 1e3:.1f} ms over {len(fp32)} new queries")
    pad = model.text.config.pad_token_id
    tokens = [int((clip._tokenizer([t])[0] != pad).sum()) for t in texts[:60]]
    line("  tokens per query (with <s> and </s>)", f"median {int(np.median(tokens))}, max {max(tokens)}")

    q8 = ClipEmbedder(s)
    q8._model = copy.deepcopy(model)
    q8._tokenizer = clip._tokenizer
    q8._model.text = quantize_int8(q8._model.text)
    encode_latency(q8, queries(5, 98))
    int8 = encode_latency(q8, texts)
    got = q8.embed_text(texts[:60])
    cos = np.sum(ref * got, axis=1)
    line("int8 text tower (dynamic, Linear layers), p50 / p95",
         f"{percentile(int8, 50) * 1e3:.1f} / {percentile(int8, 95) * 1e3:.1f} ms")
    line("  cosine int8 vs fp32 (random weights): min / median", f"{cos.min():.4f} / {np.median(cos):.4f}")
    for threads in sorted({1, args.threads}):
        torch.set_num_threads(threads)
        lat = encode_latency(clip, queries(30, 50 + threads))
        line(f"fp32 with {threads} thread(s), p50 / p95", f"{percentile(lat, 50) * 1e3:.1f} / {percentile(lat, 95) * 1e3:.1f} ms")
    torch.set_num_threads(args.threads)


def bench_enter(args: argparse.Namespace) -> None:
    from bench_search import fill_catalog

    from photoindex.config import Settings
    from photoindex.core.library import Library

    n = args.photos
    header(f"Enter-to-results at {n:,} photos (synthetic vectors, real hnswlib index, real text tower)")
    with scratch_dir(f"text-query-{n}-") as tmp:
        settings = Settings(library_dir=tmp, faces=False, weights="random", clip_model=args.model,
                            clip_pretrained=args.pretrained, threads=args.threads)
        filled = fill_catalog(settings, n, uniform=False)
        line("fill the catalog", f"rows {filled['rows_s']:.1f} s, vectors {filled['vectors_s']:.1f} s")
        lib = Library(settings)
        lib.embedder("clip").load()
        t0 = time.perf_counter()
        lib.vector_index("clip")
        line("build the clip index", f"{time.perf_counter() - t0:.1f} s")
        for q in queries(3, 7):
            lib.search(q)
        lat = []
        for q in queries(args.queries, 3):
            t0 = time.perf_counter()
            lib.search(q)
            lat.append(time.perf_counter() - t0)
        line("Library.search (the window's Enter), p50 / p95 (target p95 < 150 ms)",
             f"{percentile(lat, 50) * 1e3:.1f} / {percentile(lat, 95) * 1e3:.1f} ms over {len(lat)} new queries")
        lib.close()
        if args.cli_runs:
            env = dict(os.environ, PHOTOINDEX_HOME=str(tmp), PHOTOINDEX_CLIP_MODEL=args.model,
                       PHOTOINDEX_CLIP_PRETRAINED=args.pretrained, PHOTOINDEX_THREADS=str(args.threads))
            walls = []
            for q in queries(args.cli_runs, 5):
                t0 = time.perf_counter()
                proc = subprocess.run([sys.executable, "-m", "photoindex", "search", q, "--json"], env=env,
                                      capture_output=True, text=True, cwd=REPO)
                walls.append(time.perf_counter() - t0)
                if proc.returncode != 0:
                    raise SystemExit(proc.stderr[-2000:])
                json.loads(proc.stdout)
            line("CLI `photoindex search` end to end (new process: imports, model, index)",
                 f"median {np.median(walls):.1f} s over {len(walls)} runs")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="xlm-roberta-base-ViT-B-32")
    ap.add_argument("--pretrained", default="laion5b_s13b_b90k")
    ap.add_argument("--queries", type=int, default=100)
    ap.add_argument("--photos", type=int, default=100_000)
    ap.add_argument("--threads", type=int, default=min(4, cores()))
    ap.add_argument("--cli-runs", type=int, default=3)
    ap.add_argument("--skip-enter", action="store_true")
    args = ap.parse_args()
    print(f"machine: {cpu_model()}, {cores()} cores; load average {load_avg()}")
    bench_encode(args)
    if not args.skip_enter:
        bench_enter(args)
    print(f"load average at the end: {load_avg()}")


if __name__ == "__main__":
    main()
