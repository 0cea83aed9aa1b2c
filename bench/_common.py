"""Shared helpers for the benchmarks: generated photos, temp folders, timing and memory figures.

Everything a benchmark generates lives under a temp folder (PHOTOINDEX_BENCH_DIR, else
$TMPDIR/photoindex-bench), never in the repository. The 12-megapixel photo set is cached there
between runs, because making 1,000 of them takes minutes.
"""

from __future__ import annotations

import os
import platform
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

PHOTO_W, PHOTO_H = 4000, 3000
PHOTOS_PER_FOLDER = 100
_PHOTOSET_VERSION = 1  # bump when make_photo changes, so a stale cache is not reused


def bench_env() -> None:
    """The environment every benchmark runs in: random weights, offline, no faces, unless set."""
    os.environ.setdefault("PHOTOINDEX_WEIGHTS", "random")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("PHOTOINDEX_FACES", "0")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    import logging
    import warnings

    warnings.filterwarnings("ignore")
    logging.getLogger().setLevel(logging.ERROR)  # open_clip's "no pretrained weights" is expected


def bench_root() -> Path:
    root = Path(os.environ.get("PHOTOINDEX_BENCH_DIR") or Path(tempfile.gettempdir()) / "photoindex-bench")
    root.mkdir(parents=True, exist_ok=True)
    if root.resolve().is_relative_to(REPO):
        raise SystemExit(f"refusing to write benchmark data inside the repository: {root}")
    return root


@contextmanager
def scratch_dir(prefix: str) -> Iterator[Path]:
    """A fresh temp folder under the bench root, removed afterwards."""
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=bench_root()))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


# -- the machine ---------------------------------------------------------------------------------


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="ignore") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def cpu_flags() -> set[str]:
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="ignore") as fh:
            for line in fh:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def load_avg() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def machine_line() -> str:
    flags = cpu_flags()
    simd = [f for f in ("avx2", "avx512f", "avx512_bf16", "amx_bf16", "avx_vnni") if f in flags]
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{cpu_model()}, {cores()} cores ({', '.join(simd) or 'no AVX2'}), {mem_gb:.0f} GiB RAM, "
        f"Python {platform.python_version()}; load average {load_avg()}"
    )


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (ru_maxrss is KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024


def rss_mb() -> float:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return peak_rss_mb()


def reset_peak_rss() -> bool:
    """Reset the kernel's high-water mark (Linux >= 4.0) so a later phase can be measured alone."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def hwm_rss_mb() -> float:
    """The resident high-water mark since the last reset_peak_rss (VmHWM)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return peak_rss_mb()


class CpuMeter:
    """How much CPU this process got during a stretch of wall time: a share of all cores.
    On a shared machine a low share means someone else had the cores."""

    def __init__(self) -> None:
        self.t0 = time.perf_counter()
        self.c0 = _cpu_seconds()

    def share(self) -> float:
        wall = time.perf_counter() - self.t0
        return (_cpu_seconds() - self.c0) / (wall * cores()) if wall > 0 else 0.0


def _cpu_seconds() -> float:
    t = os.times()
    return t.user + t.system


# -- figures -------------------------------------------------------------------------------------


def median(xs: Sequence[float]) -> float:
    return float(statistics.median(xs)) if xs else float("nan")


def percentile(xs: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    if not xs:
        return float("nan")
    s = sorted(xs)
    k = max(0, min(len(s) - 1, int(round(p / 100 * len(s) + 0.5)) - 1))
    return float(s[k])


def spread(xs: Sequence[float], fmt: str = "{:.2f}") -> str:
    """'median (min..max, n=...)'."""
    if not xs:
        return "n/a"
    return f"{fmt.format(median(xs))} ({fmt.format(min(xs))}..{fmt.format(max(xs))}, n={len(xs)})"


def time_calls(fn: Callable[[], object], repeat: int, warmup: int = 1) -> list[float]:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def header(title: str) -> None:
    print(f"\n== {title} ==", flush=True)


def line(label: str, value: str) -> None:
    print(f"  {label:<44} {value}", flush=True)


# -- generated photos ----------------------------------------------------------------------------


def make_photo(path: Path, seed: int, size: tuple[int, int] = (PHOTO_W, PHOTO_H)) -> int:
    """A unique camera-like JPEG: a smooth random colour field, a few shapes, mild sensor noise,
    EXIF date (and a portrait orientation tag on some). About 2.5 MB at 12 MP, like a phone's.
    Written atomically, so an interrupted generation never leaves a half file in the cache."""
    import numpy as np
    from PIL import Image, ImageDraw

    rng = np.random.default_rng(seed)
    w, h = size
    gy, gx = int(rng.integers(2, 7)), int(rng.integers(3, 9))
    field = rng.uniform(10, 245, (gy, gx, 3)).astype(np.uint8)
    img = Image.fromarray(field, "RGB").resize((w, h), Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(img)
    for _ in range(int(rng.integers(4, 14))):
        x, y = int(rng.integers(-w // 8, w)), int(rng.integers(-h // 8, h))
        sw, sh = int(rng.integers(w // 20, w // 3)), int(rng.integers(h // 20, h // 3))
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        kind = int(rng.integers(0, 3))
        if kind == 0:
            draw.ellipse([x, y, x + sw, y + sh], fill=colour)
        elif kind == 1:
            draw.rectangle([x, y, x + sw, y + sh], fill=colour)
        else:
            pts = [(x + int(rng.integers(0, sw)), y + int(rng.integers(0, sh))) for _ in range(3)]
            draw.polygon(pts, fill=colour)
    amp = 6
    pixels = np.asarray(img).clip(amp, 255 - amp)
    noisy = pixels + rng.integers(0, 2 * amp + 1, pixels.shape, dtype=np.uint8)
    noisy -= np.uint8(amp)
    out = Image.fromarray(noisy, "RGB")
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "photoindex-bench", "synthetic 12MP"
    exif.get_ifd(0x8769)[0x9003] = time.strftime("%Y:%m:%d %H:%M:%S", time.gmtime(1.4e9 + seed * 3607))
    if seed % 10 == 7:
        exif[0x0112] = 6  # a phone held upright
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    out.save(tmp, "JPEG", quality=94, exif=exif.tobytes())
    os.replace(tmp, path)
    return path.stat().st_size


def _make_photo_job(args: tuple[str, int]) -> int:
    return make_photo(Path(args[0]), args[1])


def photo_cache_dir() -> Path:
    return bench_root() / f"photos-{PHOTO_W}x{PHOTO_H}-v{_PHOTOSET_VERSION}"


def photo_relpath(i: int) -> str:
    return f"d{i // PHOTOS_PER_FOLDER:03d}/p{i:05d}.jpg"


def ensure_photos(n: int, workers: int | None = None) -> list[Path]:
    """The first n photos of the cached 12-MP set, generating the missing ones in parallel."""
    cache = photo_cache_dir()
    paths = [cache / photo_relpath(i) for i in range(n)]
    missing = [(str(p), i) for i, p in enumerate(paths) if not p.exists()]
    if missing:
        workers = workers or cores()
        print(f"generating {len(missing)} photos of {PHOTO_W}x{PHOTO_H} in {cache} ({workers} processes)…", flush=True)
        t = time.perf_counter()
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for k, _ in enumerate(pool.map(_make_photo_job, missing, chunksize=4), 1):
                if k % 100 == 0 or k == len(missing):
                    print(f"  {k}/{len(missing)} ({time.perf_counter() - t:.0f} s)", flush=True)
    return paths


def link_library(photos: Sequence[Path], dest: Path) -> Path:
    """A library folder holding exactly these photos (hard links into the cache; copies where
    links are not possible), in the cache's nested folders."""
    cache = photo_cache_dir()
    for p in photos:
        target = dest / p.relative_to(cache)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(p, target)
        except OSError:
            shutil.copy2(p, target)
    return dest


def mb(n_bytes: float) -> str:
    return f"{n_bytes / 2**20:.1f} MiB"
