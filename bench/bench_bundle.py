"""The Linux bundle against the installed wheel (.venv), as a user meets them:

- the bundle's size unpacked, and what it is made of (du of its largest parts),
- cold start to a painted window (a fresh process until the window's first paint,
  PHOTOINDEX_QUIT_AFTER_PAINT; median of --runs, on the library just indexed),
- the first index of 100 photos (12 MP camera-like JPEGs, offline, random weights, no faces;
  the whole command, model load included; one run each: it is the *first* index).

    python bench/bench_bundle.py [build/photoindex-<version>-linux-x86_64] [--n 100] [--runs 3]

The bundle comes from packaging/build-linux.sh; the wheel is .venv/bin/photoindex (an editable
install of the same tree). Both run with the same environment and the same photos.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import REPO, ensure_photos, header, line, link_library, machine_line, median, scratch_dir  # noqa: E402


def du_bytes(path: Path) -> int:
    out = subprocess.run(["du", "-sb", str(path)], capture_output=True, text=True, check=True).stdout
    return int(out.split()[0])


def size_report(bundle: Path) -> None:
    total = du_bytes(bundle)
    line("bundle size unpacked", f"{total / 2**30:.2f} GiB ({total / 1e9:.2f} GB)")
    internal = bundle / "_internal"
    parts = sorted(((du_bytes(p), p.name) for p in internal.iterdir() if not p.is_symlink()), reverse=True)
    for size, name in parts[:12]:
        line(f"  _internal/{name}", f"{size / 2**20:.0f} MiB")
    rest = total - sum(s for s, _ in parts[:12])
    line("  everything else", f"{rest / 2**20:.0f} MiB")


def env_for(library: Path, tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", PHOTOINDEX_WEIGHTS="random", PHOTOINDEX_FACES="0",
               QT_QPA_PLATFORM="offscreen", PHOTOINDEX_HOME=str(library), PHOTOINDEX_CONFIG=str(tmp / "settings.toml"),
               XDG_CACHE_HOME=str(tmp / "cache"), XDG_CONFIG_HOME=str(tmp / "config"), XDG_DATA_HOME=str(tmp / "data"))
    env.pop("PHOTOINDEX_MODELS_DIR", None)
    return env


def first_index(exe: Path, photos: Path, env: dict[str, str]) -> float:
    t = time.perf_counter()
    subprocess.run([str(exe), "index", "--no-faces", str(photos)], env=env, check=True, timeout=3600,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def cold_start(exe: Path, env: dict[str, str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        t0 = time.time()
        out = subprocess.run([str(exe)], env={**env, "PHOTOINDEX_QUIT_AFTER_PAINT": "1"}, capture_output=True,
                             text=True, check=True, timeout=600).stdout
        painted = [float(w.split()[1]) for w in out.splitlines() if w.startswith("painted ")]
        if not painted:
            raise SystemExit(f"{exe}: the window never painted")
        times.append((painted[0] - t0) * 1000)
    return times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    default = max(REPO.glob("build/photoindex-*-linux-x86_64"), default=None, key=lambda p: p.stat().st_mtime)
    ap.add_argument("bundle", nargs="?", type=Path, default=default)
    ap.add_argument("--venv", type=Path, default=REPO / ".venv" / "bin" / "photoindex")
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    if args.bundle is None or not (args.bundle / "photoindex").is_file():
        raise SystemExit("no bundle: run packaging/build-linux.sh (or name the unpacked folder)")
    header("photoindex: the Linux bundle against the installed wheel")
    line("machine", machine_line())
    size_report(args.bundle)
    photos = ensure_photos(args.n)
    for name, exe in (("bundle", args.bundle / "photoindex"), ("wheel (.venv)", args.venv)):
        with scratch_dir("bundle-") as tmp:
            folder = link_library(photos, tmp / "photos")
            env = env_for(tmp / "library", tmp)
            seconds = first_index(exe, folder, env)
            line(f"{name}: first index of {args.n} photos", f"{seconds:.1f} s ({args.n / seconds:.2f} photos/s)")
            times = cold_start(exe, env, args.runs)
            line(f"{name}: cold start to a painted window",
                 f"median {median(times):.0f} ms ({min(times):.0f}..{max(times):.0f}, n={args.runs})")
    line("machine after", machine_line())


if __name__ == "__main__":
    main()
