#!/usr/bin/env bash
# Create .venv and install photoindex with everything it needs. Idempotent and quick when
# nothing changed (a stamp of pyproject.toml). Usage: scripts/setup.sh [extras, default "raw"]
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-raw}"
venv=".venv"

find_python() {
  for py in "${PYTHON:-}" python3.11 python3.12 python3.13 python3; do
    [ -n "$py" ] || continue
    if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import sys; raise SystemExit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$py"; return 0
    fi
  done
  echo "photoindex needs Python 3.11 or newer (set PYTHON=/path/to/python3.11)" >&2
  return 1
}

stamp="$venv/.photoindex-setup-$extras"
want="$( (cat pyproject.toml constraints.txt; echo "$extras"; uname -m) | sha256sum | cut -c1-16)"
if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  scripts/build_translations.sh  # the window's translations (.ts -> .qm), when a .ts changed
  exit 0
fi

if [ ! -x "$venv/bin/python" ]; then
  py="$(find_python)"
  echo "setting up $venv with $py (first run only: a few minutes)…" >&2
  "$py" -m venv "$venv"
fi
pip=("$venv/bin/python" -m pip --disable-pip-version-check)
"${pip[@]}" install -q --upgrade pip wheel

# PyTorch first: the build for this machine. pyproject.toml keeps ranges so users on other
# hardware get their own builds (CUDA, ROCm, MPS) from pip or pytorch.org.
if ! "$venv/bin/python" -c 'import torch, torchvision' 2>/dev/null; then
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) "${pip[@]}" install torch==2.14.1 torchvision==0.29.1 ;;
    Linux-aarch64) "${pip[@]}" install torch==2.9.1 torchvision==0.24.1 ;;
    *) "${pip[@]}" install torch torchvision ;;
  esac
fi
# hnswlib has no wheels on PyPI; its source build adds -march=native, and a wheel built that way
# (kept in pip's cache, or a .venv copied to another machine, as CI runners differ) crashes with
# SIGILL on a CPU without the same extensions (AVX-512 was found in a build here). Build it for a
# named x86-64 level instead, outside pip's cache: x86-64-v3 (AVX2, FMA: every x86 CPU since
# 2013-2015) where this CPU has it, since hnswlib's AVX distances answer queries ~2x faster than
# its SSE ones (the baseline x86-64-v2 build the bundle ships); else x86-64-v2.
if ! "$venv/bin/python" -c 'import hnswlib' 2>/dev/null; then
  portable=""
  if [ "$(uname -m)" = x86_64 ]; then
    level=x86-64-v3
    for flag in avx avx2 bmi1 bmi2 f16c fma abm movbe xsave; do
      grep -qw "$flag" /proc/cpuinfo 2>/dev/null || level=x86-64-v2
    done
    portable="-O3 -march=$level -mtune=generic"
  fi
  HNSWLIB_NO_NATIVE=1 CFLAGS="$portable" CXXFLAGS="$portable" \
    "${pip[@]}" install -q --no-cache-dir --no-binary hnswlib -c constraints.txt hnswlib
fi
# constraints.txt: the versions the test suite passed with (reproducible installs); the ranges in
# pyproject.toml stay open for pip users.
"${pip[@]}" install -q -c constraints.txt -e ".[$extras]"
echo "$want" > "$stamp"
scripts/build_translations.sh
