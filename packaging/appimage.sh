#!/usr/bin/env bash
# Build dist/photoindex-x86_64.AppImage from the PyInstaller folder (run pyinstaller first).
set -euo pipefail
cd "$(dirname "$0")/.."
app=build/AppDir
rm -rf "$app" && mkdir -p "$app/usr/bin"
cp -r dist/photoindex/* "$app/usr/bin/"
cp resources/photoindex.desktop "$app/"
cp resources/photoindex.svg "$app/photoindex.svg"
cat > "$app/AppRun" <<'RUN'
#!/bin/sh
here="$(dirname "$(readlink -f "$0")")"
exec "$here/usr/bin/photoindex" "$@"
RUN
chmod +x "$app/AppRun"
appimagetool "$app" dist/photoindex-x86_64.AppImage
