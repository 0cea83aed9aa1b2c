#!/usr/bin/env bash
# Wrap the unpacked bundle as a Debian package with dpkg-deb (no debhelper needed):
#   packaging/build-deb.sh build/photoindex-<version>-linux-x86_64 <version>
# (packaging/build-linux.sh --deb calls it). Installs the bundle under /opt/photoindex, a
# /usr/bin/photoindex link, the .desktop file, hicolor icons (16-512 px PNG and the SVG) and the
# AppStream metainfo. Check with: dpkg-deb --info / --contents dist/photoindex_<version>_amd64.deb
set -euo pipefail
cd "$(dirname "$0")/.."
bundle="${1:?usage: build-deb.sh BUNDLE_DIR VERSION}"
version="${2:?usage: build-deb.sh BUNDLE_DIR VERSION}"
[ -x "$bundle/photoindex" ] || { echo "build-deb: $bundle/photoindex is missing (run packaging/build-linux.sh)" >&2; exit 1; }
root=build/deb-root
rm -rf "$root"
mkdir -p "$root/DEBIAN" "$root/opt" "$root/usr/bin" "$root/usr/share/applications" "$root/usr/share/metainfo" \
  "$root/usr/share/doc/photoindex"
cp -al "$bundle" "$root/opt/photoindex" 2>/dev/null || cp -a "$bundle" "$root/opt/photoindex"
ln -s /opt/photoindex/photoindex "$root/usr/bin/photoindex"
# The menu entry starts the bundle's command (on the PATH through /usr/bin); one executable is the
# window without arguments and with files/folders, and the CLI with a subcommand.
sed 's|^Exec=.*|Exec=photoindex %F|' photoindex/resources/photoindex.desktop > "$root/usr/share/applications/photoindex.desktop"
cp photoindex/resources/io.github.photoindex.metainfo.xml "$root/usr/share/metainfo/"
cp -r "$bundle/share/icons" "$root/usr/share/icons"
cp "$bundle/licenses/"* "$root/usr/share/doc/photoindex/"
installed_kb="$(du -sk --apparent-size "$root" | cut -f1)"
cat > "$root/DEBIAN/control" <<CONTROL
Package: photoindex
Version: $version
Architecture: amd64
Maintainer: ${DEB_MAINTAINER:-photoindex contributors <photoindex@invalid>}
Installed-Size: $installed_kb
Depends: libc6 (>= 2.28), libgl1, libegl1, libfontconfig1, libxkbcommon0, libglib2.0-0, libdbus-1-3, libxcb-cursor0
Recommends: libxkbcommon-x11-0, libxcb-icccm4, libxcb-keysyms1, libxcb-shape0
Section: graphics
Priority: optional
Description: find any photo on your computer by what it shows
 photoindex indexes your photo folders locally with CLIP and DINOv2: search by
 a sentence, find similar photos, people, a map of the library and duplicates.
 This package is the self-contained CPU bundle (PyInstaller) under /opt/photoindex;
 model weights are downloaded on first use.
CONTROL
cat > "$root/DEBIAN/postinst" <<'SCRIPT'
#!/bin/sh
set -e
if [ "$1" = configure ]; then
  command -v update-desktop-database >/dev/null && update-desktop-database -q /usr/share/applications || true
  command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t /usr/share/icons/hicolor || true
fi
SCRIPT
cp "$root/DEBIAN/postinst" "$root/DEBIAN/postrm"
sed -i 's/\[ "$1" = configure \]/[ "$1" = remove ] || [ "$1" = purge ]/' "$root/DEBIAN/postrm"
chmod 0755 "$root/DEBIAN/postinst" "$root/DEBIAN/postrm"
mkdir -p dist
deb="dist/photoindex_${version}_amd64.deb"
# gzip: every dpkg reads it, and xz over torch's libraries takes many minutes on a small machine.
dpkg-deb --root-owner-group -Z"${DEB_COMPRESS:-gzip}" --build "$root" "$deb" >/dev/null
echo "built $deb ($(du -h "$deb" | cut -f1))"
