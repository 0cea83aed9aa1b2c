#!/usr/bin/env bash
# Smoke test of the unpacked Linux bundle, offline (random weights, no downloads), in a temporary
# library and a temporary folder of generated JPEGs:
#   packaging/check.sh [dist/photoindex-<version>-linux-x86_64.tar.gz | an unpacked bundle folder]
# Runs `photoindex --version`, `photoindex index`, `photoindex search --json` and opens the window
# (QT_QPA_PLATFORM=offscreen; PHOTOINDEX_QUIT_AFTER_PAINT quits after the first paint), then checks
# that no shipped native library outside PyTorch needs more than the CPU it may meet (see
# check_isa below), and prints the bundle's size. Not part of ./test.sh (a bundle build takes
# ~15 minutes); run it after packaging/build-linux.sh. Needs a Python with Pillow to draw the
# test photos (build/venv's, .venv's or $PYTHON).
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
src="${1:-$(ls -t dist/photoindex-*-linux-x86_64.tar.gz 2>/dev/null | head -1)}"
[ -n "$src" ] || { echo "check: no bundle (run packaging/build-linux.sh first)" >&2; exit 1; }
tmp="$(mktemp -d "${TMPDIR:-/tmp}/photoindex-check.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
if [ -d "$src" ]; then
  bundle="$(cd "$src" && pwd)"
else
  tar -C "$tmp" -xzf "$src"
  bundle="$(ls -d "$tmp"/photoindex-*/)"
  bundle="${bundle%/}"
fi
exe="$bundle/photoindex"
fail() { echo "check: FAIL: $*" >&2; exit 1; }
step() { echo "== $*" >&2; }

py="${PYTHON:-}"
for cand in "$py" build/venv/bin/python .venv/bin/python python3; do
  [ -n "$cand" ] && "$cand" -c 'import PIL' 2>/dev/null && { py="$cand"; break; }
done
"$py" -c 'import PIL' 2>/dev/null || fail "no Python with Pillow to draw the test photos (set PYTHON)"

# Everything the bundle reads or writes stays in $tmp: no user settings, caches or downloads.
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 PHOTOINDEX_WEIGHTS=random QT_QPA_PLATFORM=offscreen
export PHOTOINDEX_HOME="$tmp/library" PHOTOINDEX_CONFIG="$tmp/settings.toml"
export XDG_CONFIG_HOME="$tmp/config" XDG_CACHE_HOME="$tmp/cache" XDG_DATA_HOME="$tmp/data" HF_HOME="$tmp/hf"
unset PHOTOINDEX_MODELS_DIR
photos="$tmp/photos"
"$py" - "$photos" "${CHECK_PHOTOS:-12}" <<'EOF'
import sys
from pathlib import Path

import numpy as np
from PIL import Image

out, n = Path(sys.argv[1]), int(sys.argv[2])
out.mkdir(parents=True)
rng = np.random.default_rng(0)
for i in range(n):
    small = (rng.random((12, 16, 3)) * 255).astype("uint8")
    Image.fromarray(small).resize((800, 600), Image.Resampling.BICUBIC).save(out / f"IMG_{i:04d}.jpg", quality=88)
EOF

step "photoindex --version"
"$exe" --version | tee "$tmp/version.txt"
grep -qE '^photoindex [0-9]' "$tmp/version.txt" || fail "--version printed $(cat "$tmp/version.txt")"

step "photoindex index (offline, random weights, no faces)"
start=$(date +%s.%N)
"$exe" index --no-faces "$photos" 2>&1 | tee "$tmp/index.txt"
index_s=$(echo "$(date +%s.%N) - $start" | bc)
grep -qE "\b$(ls "$photos" | wc -l) embedded\b" "$tmp/index.txt" || fail "index did not embed every photo"

step "photoindex search --json"
"$exe" search --json "a photo of the sea" > "$tmp/search.json"
"$py" - "$tmp/search.json" <<'EOF' || fail "search --json is not the expected document"
import json, sys
doc = json.load(open(sys.argv[1]))
assert isinstance(doc["hits"], list) and doc["query"] == "a photo of the sea" and doc["version"], doc
print(f"search: {doc['count']} hits in {doc['seconds']} s")
EOF

step "the window (offscreen, quits after its first paint)"
start=$(date +%s.%N)
out="$(PHOTOINDEX_QUIT_AFTER_PAINT=1 timeout 300 "$exe" 2>"$tmp/window.err")" || { cat "$tmp/window.err" >&2; fail "the window did not start"; }
painted=$(echo "$out" | awk '/^painted /{print $2}')
[ -n "$painted" ] || { cat "$tmp/window.err" >&2; fail "the window never painted"; }
window_ms=$(echo "($painted - $start) * 1000 / 1" | bc)

step "native code the bundle ships, outside PyTorch (CPU extensions)"
# hnswlib is built here without -march=native, for x86-64-v2: it must hold no AVX at all. Any other
# library holding AVX-512 (zmm) code must be one that picks its kernels at run time (cpuid).
# (libmvec: glibc's vector maths, one entry point per ISA, called only by code built for it;
# libcrypto: OpenSSL's OPENSSL_ia32cap; hf_xet: Rust hashing crates with is_x86_feature_detected.)
dispatching='numpy|scipy|cv2|opencv|PySide6|Qt|libQt|openblas|sklearn|kiwipiepy|libgomp|pillow|PIL|torch|libavif|libaom|libdav1d|libheif|libde265|libx265|libsharpyuv|libwebp|libmvec|libcrypto|libssl|hf_xet'
bad=0 checked=0
while IFS= read -r so; do
  rel="${so#"$bundle"/}"
  case "$rel" in _internal/torch/*|_internal/nvidia/*|_internal/libtorch*|_internal/libc10*) continue ;; esac
  # Libraries known to dispatch at run time are not disassembled (it takes minutes for Qt/OpenCV).
  [[ "$rel" != *hnswlib* ]] && grep -qE "$dispatching" <<<"$rel" && continue
  dis="$(objdump -d --no-show-raw-insn "$so" 2>/dev/null || true)"
  zmm=$(grep -c 'zmm' <<<"$dis" || true); ymm=$(grep -c 'ymm' <<<"$dis" || true)
  checked=$((checked + 1))
  if [[ "$rel" == *hnswlib* ]]; then
    echo "  $rel: $zmm AVX-512, $ymm AVX instructions (built for x86-64-v2)"
    [ "$zmm" = 0 ] && [ "$ymm" = 0 ] || { echo "  ^ hnswlib was built with native CPU flags" >&2; bad=1; }
  elif [ "$zmm" != 0 ] && ! grep -qE "$dispatching" <<<"$rel"; then
    echo "  $rel: $zmm AVX-512 instructions and no known run-time dispatch" >&2; bad=1
  elif [ "$ymm" != 0 ] && [[ "$rel" == *dlib* ]]; then
    echo "  $rel: AVX (x86-64-v3 class) throughout: dlib-bin is built with AVX; face grouping needs an AVX CPU (2011+)"
  fi
done < <(find "$bundle" -type f \( -name '*.so' -o -name '*.so.*' \) -size -100M)
echo "  $checked libraries disassembled, none needs more than x86-64-v3 (AVX2); PyTorch and libraries with run-time dispatch not checked"
[ "$bad" = 0 ] || fail "a shipped library needs CPU extensions beyond x86-64-v3 without a fallback"

size=$(du -sh "$bundle" | cut -f1)
echo
echo "check: OK: photoindex $(cut -d' ' -f2 "$tmp/version.txt") bundle, $size unpacked"
echo "check: first index of $(ls "$photos" | wc -l) photos ${index_s%.*} s; cold start to a painted window ${window_ms} ms"
echo "check: (machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg))"
