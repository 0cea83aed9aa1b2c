#!/usr/bin/env bash
# Build the Linux bundle from a clean clone with nothing pre-installed:
#   packaging/build-linux.sh            -> dist/photoindex-<version>-linux-x86_64.tar.gz
#   packaging/build-linux.sh --deb      -> also dist/photoindex_<version>_amd64.deb (packaging/build-deb.sh)
# Everything it installs goes into its own venv under build/ (never .venv). Python 3.11, a C++
# compiler (hnswlib is built from source) and gcc (the CUDA stand-ins) are needed. Takes ~15 min
# on 2 cores, most of it PyInstaller's analysis.
# --reuse repeats only the steps after PyInstaller.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
want_deb=0 reuse=0
for arg in "$@"; do
  case "$arg" in
    --deb) want_deb=1 ;;
    --reuse) reuse=1 ;;  # keep build/pyi-dist from the last run (only the steps after PyInstaller)
    *) echo "usage: $0 [--deb] [--reuse]" >&2; exit 2 ;;
  esac
done
venv=build/venv
py="${PYTHON:-python3.11}"
[ -x "$venv/bin/python" ] || "$py" -m venv "$venv"
pip=("$venv/bin/python" -m pip --disable-pip-version-check)
"${pip[@]}" install -q --upgrade pip wheel
# PyTorch first, pinned like scripts/setup.sh (PyPI's Linux wheel is the CUDA build; the bundle
# keeps only what a CPU needs, see packaging/prune_cuda.py).
"${pip[@]}" install -q torch==2.14.1 torchvision==0.29.1
# hnswlib has no wheels on PyPI and its source build adds -march=native: a wheel built here would
# carry this CPU's extensions (AVX-512 on some machines) and crash elsewhere with SIGILL. Build it
# for x86-64-v2 (SSE4.2, every x86-64 CPU since ~2009); --no-cache-dir so no native wheel is reused.
if [ ! -f "$venv/.hnswlib-portable" ]; then
  HNSWLIB_NO_NATIVE=1 CFLAGS="-O3 -march=x86-64-v2 -mtune=generic" CXXFLAGS="-O3 -march=x86-64-v2 -mtune=generic" \
    "${pip[@]}" install -q --force-reinstall --no-deps --no-cache-dir --no-binary hnswlib -c constraints.txt hnswlib
  touch "$venv/.hnswlib-portable"
fi
"${pip[@]}" install -q -c constraints.txt . pyinstaller pip-licenses
# The window's translations are compiled, not committed (scripts/build_translations.sh does the same
# for .venv): compile them with this venv's Qt, then install the package again to carry them.
for ts in photoindex/resources/translations/*.ts; do
  [ -e "${ts%.ts}.qm" ] && [ "${ts%.ts}.qm" -nt "$ts" ] || "$venv/bin/pyside6-lrelease" -silent "$ts" -qm "${ts%.ts}.qm"
done
"${pip[@]}" install -q --no-deps --force-reinstall .

version="$("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("photoindex"))')"
name="photoindex-$version-linux-x86_64"
if [ "$reuse" = 0 ] || [ ! -x build/pyi-dist/photoindex/photoindex ]; then
  rm -rf build/pyi-dist
  "$venv/bin/pyinstaller" --noconfirm --log-level WARN --distpath build/pyi-dist --workpath build/pyi-work \
    packaging/photoindex.spec
fi
out="build/$name"
rm -rf "$out"
cp -al build/pyi-dist/photoindex "$out"  # hard links: the steps below replace files, never edit them

# A CPU bundle: drop the CUDA libraries torch only opens on a GPU, stand in for the ones it links.
"$venv/bin/python" packaging/prune_cuda.py "$out/_internal"

# Desktop files and licences beside the executable.
res=photoindex/resources
mkdir -p "$out/share/applications" "$out/share/metainfo" "$out/share/icons/hicolor/scalable/apps" "$out/licenses"
cp "$res/photoindex.desktop" "$out/share/applications/photoindex.desktop"
cp "$res/io.github.photoindex.metainfo.xml" "$out/share/metainfo/"
cp "$res/photoindex.svg" "$out/share/icons/hicolor/scalable/apps/photoindex.svg"
"$venv/bin/python" packaging/render_icons.py "$res/photoindex.svg" "$out/share/icons/hicolor"
cp LICENSE "$out/licenses/photoindex-LICENSE" 2>/dev/null || true
"$venv/bin/pip-licenses" --python "$venv/bin/python" --with-license-file --with-notice-file --no-license-path \
  --format=plain-vertical --output-file "$out/licenses/THIRD-PARTY-LICENSES.txt" >/dev/null
"$venv/bin/pip-licenses" --python "$venv/bin/python" --format=markdown --output-file "$out/licenses/SUMMARY.md" >/dev/null
cp packaging/README.bundle.md "$out/README.md"

mkdir -p dist
tar -C build -czf "dist/$name.tar.gz" "$name"
echo "built dist/$name.tar.gz ($(du -sh "$out" | cut -f1) unpacked)"
if [ "$want_deb" = 1 ]; then
  packaging/build-deb.sh "$out" "$version"
fi
