"""Render the SVG icon to the hicolor PNG sizes: render_icons.py ICON.svg HICOLOR_DIR.

Writes HICOLOR_DIR/<n>x<n>/apps/photoindex.png for the sizes desktops look up (16-512 px), with
Qt's SVG renderer offscreen (PySide6 is already in the build venv; no display needed)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)


def render(svg: Path, hicolor: Path, name: str = "photoindex") -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication([])  # noqa: F841 - QPainter needs one
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"render_icons: {svg} is not a valid SVG")
    out = []
    for n in SIZES:
        image = QImage(n, n, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        renderer.render(painter)
        painter.end()
        dest = hicolor / f"{n}x{n}" / "apps" / f"{name}.png"
        dest.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(dest), "PNG"):
            raise SystemExit(f"render_icons: cannot write {dest}")
        out.append(dest)
    return out


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit("usage: render_icons.py ICON.svg HICOLOR_DIR")
    for path in render(Path(sys.argv[1]), Path(sys.argv[2])):
        print(path)
