"""The map's model, without Qt: points on the 2-D layout, their spatial grid and colours.

Used by the Map view (photoindex/gui/map_view.py draws these arrays) and by the PNG renderer
(maprender.py): one implementation of the grid, the polygon test, the colour ramp and the
per-folder / per-person colours, so the window and `photoindex map --out` agree.
"""

from __future__ import annotations

import colorsys
import hashlib
import os
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

Rgb = tuple[int, int, int]

DIM = 0xFF3A3D45
"""Points without a value in the colour mode (no score, nobody known)."""


def folder_color(folder: str) -> Rgb:
    """A stable, well-saturated colour for a folder (the same in the PNG and in the Map view)."""
    h = int.from_bytes(hashlib.blake2b(folder.encode("utf-8", "surrogatepass"), digest_size=4).digest(), "big")
    r, g, b = colorsys.hsv_to_rgb((h % 3600) / 3600.0, 0.65, 0.95)
    return int(r * 255), int(g * 255), int(b * 255)


LEGEND_ROWS = 8
"""Folders or people named in the map's legend; the rest are counted together."""


@dataclass(frozen=True)
class LegendEntry:
    """One row of the map's legend. kind: 'folder', 'person' (label the name, or None when
    unnamed), 'year', 'other' (the rest, counted), 'none' (no folder/person/year known)."""

    kind: str
    label: str | None
    argb: int
    count: int


def _top_legend(keys: Sequence[Any], kind: str, colour_of: Callable[[Any], int],
                label_of: Callable[[Any], str | None]) -> list[LegendEntry]:
    counts = Counter(keys)
    unknown = counts.pop(None, 0)
    top = counts.most_common(LEGEND_ROWS)
    out = [LegendEntry(kind, label_of(key), int(colour_of(key)), n) for key, n in top]
    rest = sum(counts.values()) - sum(n for _k, n in top)
    if rest:
        out.append(LegendEntry("other", None, DIM, rest))
    if unknown:
        out.append(LegendEntry("none", None, DIM, unknown))
    return out


def year_legend(years: np.ndarray) -> list[LegendEntry]:
    """The years along the colour ramp: every year when there are few, else evenly spaced ones."""
    known = years[years > 0]
    out: list[LegendEntry] = []
    if len(known):
        lo, hi = int(known.min()), int(known.max())
        distinct, counts = np.unique(known.astype(np.int64), return_counts=True)
        shown = distinct if len(distinct) <= LEGEND_ROWS else np.unique(
            np.round(np.linspace(lo, hi, LEGEND_ROWS - 1)).astype(np.int64))
        colours = ramp((shown - lo) / (hi - lo if hi > lo else 1.0))
        by_year = dict(zip(distinct.tolist(), counts.tolist(), strict=True))
        out = [LegendEntry("year", str(int(y)), int(c), int(by_year.get(int(y), 0)))
               for y, c in zip(shown.tolist(), colours.tolist(), strict=True)]
    unknown = int((years <= 0).sum())
    if unknown:
        out.append(LegendEntry("none", None, 0xFF808080, unknown))
    return out


class SpatialGrid:
    """Point indices bucketed into a G x G world-space grid and sorted by cell (cell = row * G +
    col), so the points of a run of cells in one row are one contiguous slice of `order`."""

    def __init__(self, xy: np.ndarray, priority: np.ndarray | None = None) -> None:
        """priority: per point, higher is painted later (on top) within its cell."""
        n = len(xy)
        self.g = int(np.clip(np.sqrt(max(n, 1) / 4), 1, 512))
        self.lo = xy.min(axis=0) if n else np.zeros(2)
        span = (xy.max(axis=0) - self.lo) if n else np.ones(2)
        self.cell = np.maximum(span, 1e-9) / self.g
        cx, cy = self._cells(xy)
        key = cy * self.g + cx
        self.order = np.argsort(key, kind="stable") if priority is None else np.lexsort((priority, key))
        self.all = np.arange(n) if priority is None else np.argsort(priority, kind="stable")
        self.starts = np.searchsorted(key[self.order], np.arange(self.g * self.g + 1))

    def _cells(self, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        c = np.floor((xy - self.lo) / self.cell).astype(np.int64)
        c = np.clip(c, 0, self.g - 1)
        return c[:, 0], c[:, 1]

    def query(self, x0: float, y0: float, x1: float, y1: float) -> np.ndarray | None:
        """Indices of the points in cells touching the world rectangle; None means all of them."""
        lo = np.floor((np.array([x0, y0]) - self.lo) / self.cell).astype(np.int64)
        hi = np.floor((np.array([x1, y1]) - self.lo) / self.cell).astype(np.int64)
        if (lo <= 0).all() and (hi >= self.g - 1).all():
            return None
        lo, hi = np.clip(lo, 0, self.g - 1), np.clip(hi, 0, self.g - 1)
        if (np.array([x1, y1]) < self.lo).any() or (np.array([x0, y0]) > self.lo + self.cell * self.g).any():
            return np.zeros(0, dtype=np.int64)
        rows = np.arange(lo[1], hi[1] + 1)
        a = self.starts[rows * self.g + lo[0]]
        b = self.starts[rows * self.g + hi[0] + 1]
        if len(rows) == 0 or int((b - a).sum()) == 0:
            return np.zeros(0, dtype=np.int64)
        return np.concatenate([self.order[i:j] for i, j in zip(a.tolist(), b.tolist(), strict=True) if j > i])


def inside_polygon(pts: np.ndarray, poly: np.ndarray) -> np.ndarray:
    """Even-odd rule, vectorised over points (n, 2) against a polygon (m, 2)."""
    inside = np.zeros(len(pts), dtype=bool)
    x, y = pts[:, 0], pts[:, 1]
    for (x1, y1), (x2, y2) in zip(poly, np.roll(poly, -1, axis=0), strict=True):
        crosses = (y1 > y) != (y2 > y)
        with np.errstate(divide="ignore", invalid="ignore"):
            xc = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
        inside ^= crosses & (x < xc)
    return inside


def folder_argb(folder: str) -> int:
    """ARGB32 of the folder's colour: the same as in the PNG that `photoindex map --out` draws."""
    r, g, b = folder_color(folder)
    return 0xFF000000 | (r << 16) | (g << 8) | b


_RAMP = np.array([  # dim slate -> violet -> red-orange -> yellow (magma-like): low scores recede
    [58, 62, 82], [92, 54, 140], [190, 60, 110], [245, 130, 50], [252, 230, 90],
], dtype=np.float64)


def ramp(values: np.ndarray) -> np.ndarray:
    """0..1 -> ARGB32 along _RAMP."""
    v = np.clip(np.asarray(values, dtype=np.float64), 0, 1) * (len(_RAMP) - 1)
    i = np.minimum(v.astype(np.int64), len(_RAMP) - 2)
    f = (v - i)[:, None]
    rgb = (_RAMP[i] * (1 - f) + _RAMP[i + 1] * f).astype(np.uint32)
    return np.uint32(0xFF000000) | (rgb[:, 0] << 16) | (rgb[:, 1] << 8) | rgb[:, 2]




class MapPoints:
    """What the view shows of a layout, prepared in one go (off the GUI thread for a library's
    map: 100,000 photos take ~1 s to read and colour): the points, their spatial grid, the
    metadata it colours by and the colour of every point in each colour mode but the score."""

    def __init__(self, ids: Any, xy: Any, meta: dict[int, dict[str, Any]] | None = None) -> None:
        self.ids = np.asarray(ids, dtype=np.int64).reshape(-1)
        self.xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
        # Screen maths in float32 (half the memory traffic per frame); zoom is capped (MAX_CELL_PX)
        # so positions stay well inside float32's sub-pixel precision.
        self.xy32 = self.xy.astype(np.float32)
        self.grid = SpatialGrid(self.xy)
        self.sorter = np.argsort(self.ids, kind="stable")
        meta = meta or {}
        self.paths: dict[int, str] = {k: m["path"] for k, m in meta.items() if m.get("path")}
        n = len(self.ids)
        if n > 1:
            lo, hi = self.xy.min(axis=0), self.xy.max(axis=0)
            area = float(np.prod(np.maximum(hi - lo, 1e-6)))
            # A cell that would hold ~one photo if they were spread evenly, halved for clusters.
            self.world_cell = float(np.sqrt(area / n)) / 2
        else:
            self.world_cell = 1.0
        pids = self.ids.tolist()
        years = np.fromiter((int((meta.get(pid) or {}).get("year") or 0) for pid in pids), dtype=np.float64, count=n)
        year_cols = np.full(n, 0xFF808080, dtype=np.uint32)
        known = years > 0
        if known.any():
            lo_y, hi_y = years[known].min(), years[known].max()
            year_cols[known] = ramp((years[known] - lo_y) / (hi_y - lo_y if hi_y > lo_y else 1.0))
        folders = [os.path.dirname(self.paths[pid]) if pid in self.paths else None for pid in pids]
        persons = [(meta.get(pid) or {}).get("person") for pid in pids]
        names = {m.get("person"): m.get("person_name") for m in meta.values() if m and m.get("person") is not None}

        def person_argb(person: Any) -> int:
            return folder_argb(f"person:{person}")

        self.colours = {
            "Folder": keyed_colours([f if f is not None else "" for f in folders], folder_argb),
            "Year": year_cols,
            "Person": keyed_colours(persons, person_argb),
        }
        self.legends: dict[str, list[LegendEntry]] = {
            "Folder": _top_legend(folders, "folder", folder_argb, lambda f: f),
            "Year": year_legend(years),
            "Person": _top_legend(persons, "person", person_argb, names.get),
        }

    def __len__(self) -> int:
        return len(self.ids)

    def neighbours(self, photo_id: int, k: int = 100) -> list[int]:
        """The photo and the k photos nearest to it on the map, nearest first (a preview opened
        from the map steps through these)."""
        rows, found = self.rows_of(np.array([photo_id], dtype=np.int64))
        if not found[0]:
            return [int(photo_id)]
        d = ((self.xy - self.xy[rows[0]]) ** 2).sum(axis=1)
        k = min(k + 1, len(d))
        near = np.argpartition(d, k - 1)[:k] if k < len(d) else np.arange(len(d))
        near = near[np.lexsort((self.ids[near], d[near]))]
        out = [int(photo_id)] + [int(i) for i in self.ids[near] if int(i) != photo_id]
        return out[:k]

    def rows_of(self, photo_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(row of each photo id in this map, whether it is in it at all)."""
        if len(self.ids) == 0 or len(photo_ids) == 0:
            return np.zeros(len(photo_ids), dtype=np.int64), np.zeros(len(photo_ids), dtype=bool)
        pos = np.minimum(np.searchsorted(self.ids, photo_ids, sorter=self.sorter), len(self.ids) - 1)
        rows = self.sorter[pos]
        return rows, self.ids[rows] == photo_ids


def keyed_colours(keys: Sequence[Any], colour_of: Callable[[Any], Any], missing: Any = DIM,
                  dtype: Any = np.uint32) -> np.ndarray:
    """A colour per point from its key (folder, person), one colour_of call per distinct key;
    points whose key is None get missing. ARGB32 by default; pass missing=(r, g, b) and
    dtype=np.uint8 for (n, 3) RGB rows (the PNG renderer)."""
    cache: dict[Any, Any] = {}
    shape = (len(keys),) + np.shape(missing)
    cols = np.empty(shape, dtype=dtype)
    cols[:] = missing
    for k, key in enumerate(keys):
        if key is None:
            continue
        rgb = cache.get(key)
        if rgb is None:
            rgb = cache[key] = colour_of(key)
        cols[k] = rgb
    return cols


def score_colours(points: MapPoints, scores: dict[int, float]) -> tuple[np.ndarray, np.ndarray | None]:
    """(colour per point, paint priority or None): a search's scores along the ramp, the rest
    dimmed; higher scores are painted on top. Costs O(hits log n), not O(n) in Python."""
    n = len(points)
    cols = np.full(n, DIM, dtype=np.uint32)
    if not scores or not n:
        return cols, None
    keys = np.fromiter(scores.keys(), dtype=np.int64, count=len(scores))
    vals = np.fromiter(scores.values(), dtype=np.float64, count=len(scores))
    rows, found = points.rows_of(keys)
    found &= np.isfinite(vals)
    if not found.any():
        return cols, None
    rows, vals = rows[found], vals[found]
    lo, hi = float(vals.min()), float(vals.max())
    cols[rows] = ramp((vals - lo) / (hi - lo if hi > lo else 1.0))
    priority = np.full(n, -np.inf)
    priority[rows] = vals
    return cols, priority
