"""`photoindex map`: bring the 2-D map up to date, render it to a PNG, or print its coordinates."""

from __future__ import annotations

import argparse
import colorsys
import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Any

import numpy as np

BACKGROUND = (24, 26, 31)


def add_parsers(sub: Any, add: Any) -> None:
    p = add("map", "the 2-D map of the library (t-SNE of the embeddings): update it, render it, export it")
    p.add_argument("--space", choices=("clip", "dino"), default="clip", help="which embedding (default clip)")
    p.add_argument("--recompute", action="store_true", help="recompute the whole layout, not just new photos")
    p.add_argument("--out", metavar="PNG", help="render the map with thumbnails to this PNG file")
    p.add_argument("--size", default="1600x1200", metavar="WxH", help="size of the PNG (default 1600x1200)")
    p.set_defaults(handler=cmd_map)


def _parse_size(text: str) -> tuple[int, int]:
    from photoindex.core.types import PhotoindexError

    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise PhotoindexError(f"not a size: {text!r} (use WxH, e.g. 1600x1200)") from None
    if not (16 <= w <= 20000 and 16 <= h <= 20000):
        raise PhotoindexError(f"size out of range: {text!r} (16..20000 on each side)")
    return w, h


def folder_color(folder: str) -> tuple[int, int, int]:
    """A stable, well-saturated colour for a folder."""
    h = int.from_bytes(hashlib.blake2b(folder.encode("utf-8", "surrogatepass"), digest_size=4).digest(), "big")
    r, g, b = colorsys.hsv_to_rgb((h % 3600) / 3600.0, 0.65, 0.95)
    return int(r * 255), int(g * 255), int(b * 255)


def fit_to_canvas(xy: np.ndarray, width: int, height: int, margin: int) -> np.ndarray:
    """Pixel positions of xy scaled uniformly into the canvas minus a margin, centred."""
    if len(xy) == 0:
        return np.zeros((0, 2), dtype=np.float64)
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    span = np.maximum(hi - lo, 1e-9)
    scale = min((width - 2 * margin) / span[0], (height - 2 * margin) / span[1])
    if not np.isfinite(scale) or scale <= 0:
        scale = 1.0
    center = (lo + hi) / 2
    return (xy - center) * scale + np.array([width / 2, height / 2])


def _thumb(thumbs_dir: Path, photo_id: int, path: str, box: int) -> Any:
    from PIL import Image, ImageOps

    from photoindex.core.thumbs import thumb_path

    for candidate in (thumb_path(thumbs_dir, photo_id), Path(path)):
        try:
            with Image.open(candidate) as im:
                im.draft("RGB", (box * 2, box * 2))
                im = ImageOps.exif_transpose(im).convert("RGB")
                im.thumbnail((box, box))
                return im
        except Exception:  # a missing or unreadable file just stays a point
            continue
    return None


def render_png(
    ids: np.ndarray,
    xy: np.ndarray,
    photos: dict[int, Any],
    thumbs_dir: Path,
    size: tuple[int, int],
    out: Path,
    thumbnails: bool = True,
) -> dict[str, int]:
    """Draw the map: a point per photo in its folder's colour, and on a grid the thumbnail of the
    photo nearest each cell's centre (so thumbnails never overlap). Exactly size pixels."""
    from PIL import Image, ImageDraw

    width, height = size
    img = Image.new("RGB", (width, height), BACKGROUND)
    draw = ImageDraw.Draw(img)
    n = len(ids)
    # The cell: as large as possible while the photos still fill a fair share of the cells.
    cell = int(np.clip(np.sqrt(width * height / max(n, 1)) * 1.2, 28, 112))
    cell = min(cell, max(8, min(width, height) // 2))
    margin = max(8, cell // 2 + 4)
    pts = fit_to_canvas(xy.astype(np.float64), width, height, margin)
    folders = [photos[int(i)].path.rsplit("/", 1)[0] if int(i) in photos else "" for i in ids]
    colors = [folder_color(f) for f in folders]
    radius = 2 if n > 2000 else 3
    for (px, py), c in zip(pts, colors, strict=True):
        draw.ellipse((px - radius, py - radius, px + radius, py + radius), fill=c)

    drawn = 0
    if thumbnails and n:
        gx = np.floor(pts[:, 0] / cell).astype(np.int64)
        gy = np.floor(pts[:, 1] / cell).astype(np.int64)
        cx, cy = (gx + 0.5) * cell, (gy + 0.5) * cell
        dist = (pts[:, 0] - cx) ** 2 + (pts[:, 1] - cy) ** 2
        order = np.lexsort((ids, dist, gy, gx))  # per cell, the photo nearest the centre first
        key = gx[order] * 1_000_003 + gy[order]
        first = order[np.concatenate(([True], key[1:] != key[:-1]))]
        box = cell - 4
        for i in first:
            pid = int(ids[i])
            if pid not in photos:
                continue
            th = _thumb(thumbs_dir, pid, photos[pid].path, box)
            if th is None:
                continue
            x0 = int(cx[i] - th.width / 2)
            y0 = int(cy[i] - th.height / 2)
            draw.rectangle((x0 - 2, y0 - 2, x0 + th.width + 1, y0 + th.height + 1), fill=colors[i])
            img.paste(th, (x0, y0))
            drawn += 1
    out.parent.mkdir(parents=True, exist_ok=True)
    img.save(out, "PNG")
    return {"width": width, "height": height, "thumbnails": drawn, "points": n}


def cmd_map(args: argparse.Namespace, library: Any) -> int:
    from photoindex.core.layout2d import layout_job, layout_status, load_layout

    size = _parse_size(args.size)
    catalog = library.catalog()
    tty = sys.stderr.isatty()
    last = None
    try:
        for p in layout_job(catalog, args.space, full=args.recompute):
            last = p
            if tty and p.total:
                eta = f", {p.eta_s:.0f} s left" if p.eta_s else ""
                sys.stderr.write(f"\rmap ({args.space}): {p.phase} {p.done}/{p.total}{eta}\033[K")
                sys.stderr.flush()
    finally:
        if tty:
            sys.stderr.write("\r\033[K")
    ids, xy = load_layout(catalog, args.space)
    photos = catalog.photos(ids.tolist())
    status = layout_status(catalog, args.space)
    rendered = None
    if args.out:
        rendered = render_png(ids, xy, photos, library.settings.thumbs_dir, size, Path(args.out))
    if args.json:
        doc: dict[str, Any] = {
            "space": args.space,
            "photos": [
                {"id": int(pid), "path": photos[int(pid)].path if int(pid) in photos else None,
                 "x": round(float(p[0]), 4), "y": round(float(p[1]), 4)}
                for pid, p in zip(ids, xy, strict=True)
            ],
            "status": status,
        }
        if rendered is not None:
            doc["out"] = {"path": os.fspath(args.out), **rendered}
        sys.stdout.write(json.dumps(doc, ensure_ascii=False) + "\n")
        return 0
    print(f"map ({args.space}): {status['placed']} photos placed"
          + (f", {status['missing']} without a vector" if status["missing"] else "")
          + (f"; last step: {last.phase}" if last is not None and last.phase == "cancelled" else ""))
    if status["recompute_suggested"] and status["full_count"]:
        print(f"{status['changed_since_full']:.0%} of the map changed since the last full layout:"
              " run `photoindex map --recompute` to lay it out again")
    if rendered is not None:
        print(f"wrote {args.out} ({rendered['width']}x{rendered['height']}, {rendered['thumbnails']} thumbnails)")
    return 0
