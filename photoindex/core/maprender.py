"""A static picture of the map (Pillow, no Qt): every photo a point in its colour over a soft glow
that shows where photos crowd, and thumbnails wherever there is room for one.

Thumbnails sit exactly on their photo's point. Candidates are taken densest region first (the
photo nearest the middle of each crowded patch), and a thumbnail is drawn only where it overlaps
no other, so the picture is a mosaic of the clusters with the points still visible between them.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from photoindex.atomic import atomic_save
from photoindex.core.mapmodel import Rgb, folder_color, keyed_colours  # noqa: F401  (folder_color: re-exported)
from photoindex.core.thumbs import thumb_path

log = logging.getLogger(__name__)

BACKGROUND = (22, 24, 29)
MAX_SIDE = 16384
MAX_THUMBS = 2500
REACH = 1.5
"""How far (in thumbnail slots) a thumbnail may sit from its photo's point."""

Box = tuple[int, int, int, int]


@dataclass
class MapImage:
    image: Any
    """PIL RGB image of exactly the requested size."""
    points: int
    thumbnails: list[tuple[int, Box]] = field(default_factory=list)
    """(photo id, (left, top, right, bottom)) of every thumbnail drawn, frame excluded."""


def folder_colors(ids: np.ndarray, paths: Mapping[int, str]) -> np.ndarray:
    """(n, 3) uint8: each photo's folder colour (grey when its path is unknown)."""
    folders = [os.path.dirname(p) if (p := paths.get(int(pid))) is not None else None for pid in ids.tolist()]
    return keyed_colours(folders, folder_color, missing=(150, 150, 150), dtype=np.uint8)


def fit_to_canvas(xy: np.ndarray, width: int, height: int, margin: float) -> np.ndarray:
    """Pixel positions of xy, scaled uniformly (no distortion) into the canvas less a margin, centred."""
    xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
    if len(xy) == 0:
        return np.zeros((0, 2), dtype=np.float64)
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    span = np.maximum(hi - lo, 1e-9)
    scale = min((width - 2 * margin) / span[0], (height - 2 * margin) / span[1])
    if not np.isfinite(scale) or scale <= 0:
        scale = 1.0
    if np.all(hi - lo < 1e-9):  # one photo, or all in one spot: the middle
        scale = 0.0
    return (xy - (lo + hi) / 2) * scale + np.array([width / 2, height / 2])


def thumb_box(width: int, height: int, n: int) -> int:
    """Thumbnail size in pixels: large for a small library, never so small it is just noise."""
    if n <= 0:
        return 0
    box = 0.9 * np.sqrt(width * height / n)
    return int(np.clip(box, 40, min(160, max(16, min(width, height) // 3))))


def _box_blur(a: np.ndarray, r: int, axis: int) -> np.ndarray:
    """Mean over a window of 2r+1 along axis (edges padded with zeros), by cumulative sums."""
    pad = [(0, 0)] * a.ndim
    pad[axis] = (r + 1, r)
    c = np.cumsum(np.pad(a, pad), axis=axis, dtype=np.float64)
    n = a.shape[axis]
    hi = np.take(c, np.arange(2 * r + 1, 2 * r + 1 + n), axis=axis)
    lo = np.take(c, np.arange(0, n), axis=axis)
    return ((hi - lo) / (2 * r + 1)).astype(np.float32)


def _glow(pts: np.ndarray, colors: np.ndarray, width: int, height: int) -> Any:
    """A soft, additive halo at quarter resolution: bright where many photos are close together."""
    from PIL import Image

    f = 4
    gw, gh = max(1, width // f), max(1, height // f)
    acc = np.zeros((gh, gw, 3), dtype=np.float32)
    gx = np.clip((pts[:, 0] / f).astype(np.int64), 0, gw - 1)
    gy = np.clip((pts[:, 1] / f).astype(np.int64), 0, gh - 1)
    np.add.at(acc, (gy, gx), colors.astype(np.float32) / 255.0)
    r = max(1, int(min(gw, gh) / 110))
    for _ in range(3):  # three box blurs are close to a Gaussian
        acc = _box_blur(_box_blur(acc, r, 0), r, 1)
    peak = float(np.percentile(acc.max(axis=-1), 99.7)) or 1.0
    toned = 1.0 - np.exp(-1.5 * acc / peak)  # soft saturation: crowds glow, they do not blow out
    glow = Image.fromarray(np.clip(toned * 95, 0, 255).astype(np.uint8), "RGB")
    return glow.resize((width, height), Image.Resampling.BILINEAR)


def _dots(canvas: np.ndarray, pts: np.ndarray, colors: np.ndarray, radius: float) -> None:
    """Anti-aliased discs, blended into canvas (h, w, 3 float32) in place."""
    h, w = canvas.shape[:2]
    r = int(np.ceil(radius + 0.5))
    col = colors.astype(np.float32)
    bx = np.floor(pts[:, 0]).astype(np.int64)
    by = np.floor(pts[:, 1]).astype(np.int64)
    for dy in range(-r, r + 1):
        for dx in range(-r, r + 1):
            x, y = bx + dx, by + dy
            dist = np.hypot(x + 0.5 - pts[:, 0], y + 0.5 - pts[:, 1])
            a = np.clip(radius + 0.5 - dist, 0.0, 1.0)
            ok = (a > 0) & (x >= 0) & (x < w) & (y >= 0) & (y < h)
            if not ok.any():
                continue
            yy, xx, aa = y[ok], x[ok], a[ok][:, None]
            canvas[yy, xx] = canvas[yy, xx] * (1 - aa) + col[ok] * aa


def _candidates(pts: np.ndarray, box: int) -> np.ndarray:
    """Point indices in the order thumbnails are tried: for each box-sized patch, its most central
    photo, crowded patches first; then every other photo, so gaps fill in where there is room."""
    gx = np.floor(pts[:, 0] / box).astype(np.int64)
    gy = np.floor(pts[:, 1] / box).astype(np.int64)
    key = gx * 1_000_003 + gy
    _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    patch = counts[inverse]
    mx = np.bincount(inverse, weights=pts[:, 0]) / counts
    my = np.bincount(inverse, weights=pts[:, 1]) / counts
    d = (pts[:, 0] - mx[inverse]) ** 2 + (pts[:, 1] - my[inverse]) ** 2
    order = np.lexsort((d, key))  # per patch, most central first
    head = np.zeros(len(pts), dtype=bool)
    head[order[np.concatenate(([True], key[order][1:] != key[order][:-1]))]] = True
    # Heads of crowded patches, then the rest by patch crowding and centrality.
    return np.lexsort((d, -patch, ~head))


def _load_thumb(pid: int, thumbs_dir: Path | None, path: str | None, box: int) -> Any:
    from PIL import Image, ImageOps

    candidates = []
    if thumbs_dir is not None:
        candidates.append(thumb_path(thumbs_dir, pid))
    if path:
        candidates.append(Path(path))  # opened read-only; the user's photos are never written
    for candidate in candidates:
        try:
            with Image.open(candidate) as src:
                src.draft("RGB", (box * 2, box * 2))
                im = ImageOps.exif_transpose(src).convert("RGB")
                im.thumbnail((box, int(round(box * 0.75))), Image.Resampling.LANCZOS)
                return im
        except Exception as exc:  # missing or unreadable: this photo stays a point
            log.debug("map thumbnail for %s from %s: %s", pid, candidate, exc)
            continue
    return None


def render_map(
    ids: np.ndarray,
    xy: np.ndarray,
    *,
    size: tuple[int, int] = (2048, 2048),
    paths: Mapping[int, str] | None = None,
    thumbs_dir: Path | None = None,
    colors: np.ndarray | None = None,
    thumbnails: bool = True,
    max_thumbs: int = MAX_THUMBS,
    caption: str | None = None,
    load_thumb: Callable[[int, int], Any] | None = None,
) -> MapImage:
    """Draw the map: every photo a point, thumbnails where there is room.

    colors: (n, 3) uint8 per photo; by default each photo's folder colour. load_thumb(pid, box)
    overrides where thumbnails come from (returns a PIL image or None).
    """
    from PIL import Image

    width, height = size
    if not (1 <= width <= MAX_SIDE and 1 <= height <= MAX_SIDE):
        raise ValueError(f"size out of range: {width}x{height}")
    ids = np.asarray(ids, dtype=np.int64).reshape(-1)
    n = len(ids)
    paths = paths or {}
    if colors is None:
        colors = folder_colors(ids, paths)
    colors = np.asarray(colors, dtype=np.uint8).reshape(n, 3)
    box = thumb_box(width, height, n) if thumbnails else 0
    margin = max(12.0, box / 2 + 6, 0.03 * min(width, height))
    pts = fit_to_canvas(xy, width, height, margin)

    base = np.empty((height, width, 3), dtype=np.float32)
    base[:] = BACKGROUND
    if n:
        base += np.asarray(_glow(pts, colors, width, height), dtype=np.float32)
        radius = float(np.clip(0.35 * np.sqrt(width * height / n), 0.9, 4.0))
        _dots(base, pts, colors, radius)
    img = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8), "RGB")

    drawn: list[tuple[int, Box]] = []
    if thumbnails and n and box >= 16:
        drawn = _draw_thumbnails(img, ids, pts, colors, box, max_thumbs,
                                 load_thumb or (lambda pid, b: _load_thumb(pid, thumbs_dir, paths.get(pid), b)))

    if caption and width >= 200 and height >= 100:
        _caption(img, caption)
    return MapImage(img, n, drawn)


def _slot_offsets(reach: float) -> list[tuple[int, int]]:
    r = int(np.ceil(reach))
    offs = [(dx, dy) for dy in range(-r, r + 1) for dx in range(-r, r + 1) if dx * dx + dy * dy <= reach * reach]
    return sorted(offs, key=lambda o: (o[0] ** 2 + o[1] ** 2, o[1], o[0]))


def _draw_thumbnails(
    img: Any, ids: np.ndarray, pts: np.ndarray, colors: np.ndarray, box: int, max_thumbs: int,
    load: Callable[[int, int], Any],
) -> list[tuple[int, Box]]:
    """Thumbnails on a grid of slots, each in the free slot nearest its photo's point (at most a
    couple of slots away), so a tight cluster becomes a small mosaic of its photos and nothing
    overlaps. Returns what was drawn where."""
    from PIL import Image, ImageDraw, ImageFilter

    width, height = img.size
    gap = max(4, box // 10)
    # Slots are landscape (most photos are): a portrait photo just gets a narrower thumbnail.
    slot_h = int(round(box * 0.75))
    cw, ch = box + gap, slot_h + gap
    edge = max(6, min(width, height) // 50)  # a frame of background around the mosaic
    cols, rows = (width - 2 * edge) // cw, (height - 2 * edge) // ch
    if cols < 1 or rows < 1:
        return []
    # The slot grid is centred on the canvas.
    ox, oy = (width - cols * cw) / 2, (height - rows * ch) / 2
    occ = np.zeros((rows, cols), dtype=bool)
    offsets = _slot_offsets(REACH)
    placed: list[tuple[Any, int, int, tuple[int, ...], int]] = []
    tried = 0
    for i in _candidates(pts, box).tolist():
        if len(placed) >= max_thumbs or tried >= 3 * max_thumbs or occ.all():
            break
        cx, cy = int((pts[i, 0] - ox) // cw), int((pts[i, 1] - oy) // ch)
        slot = None
        for dx, dy in offsets:
            sx, sy = cx + dx, cy + dy
            if 0 <= sx < cols and 0 <= sy < rows and not occ[sy, sx]:
                slot = sx, sy
                break
        if slot is None:
            continue
        tried += 1
        th = load(int(ids[i]), box)
        if th is None:
            continue
        if th.width > box or th.height > slot_h:
            th = th.copy()
            th.thumbnail((box, slot_h))
        occ[slot[1], slot[0]] = True
        mx, my = ox + (slot[0] + 0.5) * cw, oy + (slot[1] + 0.5) * ch
        placed.append((th, int(round(mx - th.width / 2)), int(round(my - th.height / 2)),
                       tuple(int(c) for c in colors[i]), int(ids[i])))
    if not placed:
        return []
    # Drop shadows first (one blur for all), then the framed thumbnails over them.
    shadow = Image.new("L", (width, height), 0)
    sdraw = ImageDraw.Draw(shadow)
    for th, tx, ty, _rgb, _pid in placed:
        sdraw.rectangle((tx - 1, ty + 1, tx + th.width + 2, ty + th.height + 4), fill=190)
    shadow = shadow.filter(ImageFilter.GaussianBlur(max(2, box // 14)))
    img.paste(Image.new("RGB", (width, height), (0, 0, 0)), (0, 0), shadow)
    draw = ImageDraw.Draw(img)
    out = []
    for th, tx, ty, rgb, pid in placed:
        draw.rectangle((tx - 2, ty - 2, tx + th.width + 1, ty + th.height + 1), fill=rgb)
        img.paste(th, (tx, ty))
        out.append((pid, (tx, ty, tx + th.width, ty + th.height)))
    return out


def _caption(img: Any, text: str) -> None:
    from PIL import ImageDraw, ImageFont

    size = max(11, min(img.width, img.height) // 70)
    try:
        font = ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1: the fixed bitmap font
        font = ImageFont.load_default()
    ImageDraw.Draw(img).text((size, img.height - 2 * size), text, fill=(150, 155, 165), font=font)


def save_png(img: Any, out: Path) -> None:
    """Write atomically, so a crash never leaves half a PNG."""
    atomic_save(Path(out), lambda tmp: img.save(tmp, "PNG", optimize=False))
