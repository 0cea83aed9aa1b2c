#!/usr/bin/env bash
# Debian/Ubuntu packages the tests use: the window on a headless machine (Xvfb screenshots, Qt's xcb
# plugin) and a CJK font so Korean names render. Skipped quietly when they are present or when
# we cannot install them (no root, no apt-get).
set -uo pipefail
pkgs=(xvfb xauth libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-cursor0
      libxcb-xinerama0 libxcb-randr0 libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0 libxkbcommon0
      libegl1 libgl1 libfontconfig1 libdbus-1-3 fonts-noto-cjk
      libglib2.0-0 zsh fish desktop-file-utils appstream)
# (the last five: GLib's own file-name-to-URI for the thumbnail-standard tests, the shells the
# completion scripts are checked in, the validators of the .desktop file and AppStream metainfo)
command -v apt-get >/dev/null 2>&1 || exit 0
missing=()
for p in "${pkgs[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo"; else
    echo "note: install these for the window tests: ${missing[*]}" >&2; exit 0; fi
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null 2>&1 || true
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 \
  || echo "note: could not install ${missing[*]}; window tests that need them are skipped" >&2
