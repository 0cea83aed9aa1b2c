"""The static map picture: exact size, points in their colours, thumbnails that never overlap and
sit next to their own photo, missing thumbnails that stay points, and the same picture every time."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from photoindex.core import maprender
from photoindex.core.thumbs import thumb_path

PALETTE = [(220, 60, 60), (60, 200, 90), (70, 90, 230), (240, 200, 40)]


def groups(n_per: int = 40, k: int = 4, seed: int = 0):
    rng = np.random.default_rng(seed)
    centers = np.array([[-10.0, -10.0], [10.0, -10.0], [-10.0, 10.0], [10.0, 10.0]])[:k]
    xy = np.concatenate([c + rng.normal(size=(n_per, 2)) for c in centers]).astype(np.float32)
    labels = np.repeat(np.arange(k), n_per)
    ids = np.arange(1, len(xy) + 1, dtype=np.int64)
    return ids, xy, labels


def write_thumbs(thumbs_dir, ids, labels, skip=()):
    for pid, lab in zip(ids.tolist(), labels.tolist(), strict=True):
        if pid in skip:
            continue
        p = thumb_path(thumbs_dir, pid)
        p.parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (320, 240), PALETTE[lab]).save(p, quality=95)


@pytest.mark.parametrize("size", [(2048, 2048), (640, 360), (333, 777), (64, 48)])
def test_exact_size(tmp_path, size):
    ids, xy, labels = groups()
    write_thumbs(tmp_path, ids, labels)
    m = maprender.render_map(ids, xy, size=size, thumbs_dir=tmp_path)
    assert m.image.size == size and m.image.mode == "RGB" and m.points == len(ids)
    out = tmp_path / "out" / "map.png"
    maprender.save_png(m.image, out)
    with Image.open(out) as im:
        assert im.size == size and im.format == "PNG"
    assert [p.name for p in out.parent.iterdir()] == ["map.png"]  # no temp file left behind


def test_thumbnails_do_not_overlap_and_sit_by_their_photo(tmp_path):
    ids, xy, labels = groups(n_per=60)
    write_thumbs(tmp_path, ids, labels)
    size = (1200, 900)
    m = maprender.render_map(ids, xy, size=size, thumbs_dir=tmp_path)
    assert len(m.thumbnails) >= 40
    boxes = np.array([b for _, b in m.thumbnails])
    assert (boxes[:, 0] >= 0).all() and (boxes[:, 2] <= size[0]).all()
    assert (boxes[:, 1] >= 0).all() and (boxes[:, 3] <= size[1]).all()
    for a in range(len(boxes)):
        ox = np.minimum(boxes[a, 2], boxes[:, 2]) - np.maximum(boxes[a, 0], boxes[:, 0])
        oy = np.minimum(boxes[a, 3], boxes[:, 3]) - np.maximum(boxes[a, 1], boxes[:, 1])
        overlap = (ox > 0) & (oy > 0)
        overlap[a] = False
        assert not overlap.any()
    # Each thumbnail shows its own photo (its group's colour) and sits in its group's quadrant.
    rgb = np.asarray(m.image)
    box = maprender.thumb_box(*size, len(ids))
    pts = maprender.fit_to_canvas(xy, *size, max(12.0, box / 2 + 6, 0.03 * min(size)))
    index = {int(p): k for k, p in enumerate(ids)}
    for pid, (x0, y0, x1, y1) in m.thumbnails:
        k = index[pid]
        centre = rgb[(y0 + y1) // 2, (x0 + x1) // 2].astype(int)
        assert np.abs(centre - PALETTE[labels[k]]).max() <= 12
        dist = np.hypot((x0 + x1) / 2 - pts[k, 0], (y0 + y1) / 2 - pts[k, 1])
        assert dist <= (maprender.REACH + 1) * box * 1.2


def test_points_in_their_colour_and_missing_thumbnails_stay_points(tmp_path):
    ids, xy, labels = groups(n_per=30)
    write_thumbs(tmp_path, ids, labels, skip=set(ids.tolist()))  # no thumbnails at all
    colors = np.array([PALETTE[lab] for lab in labels], dtype=np.uint8)
    size = (800, 800)
    m = maprender.render_map(ids, xy, size=size, thumbs_dir=tmp_path, colors=colors,
                             paths={int(i): f"/nowhere/{i}.jpg" for i in ids})
    assert m.thumbnails == []
    rgb = np.asarray(m.image).astype(int)
    pts = maprender.fit_to_canvas(xy, *size, max(12.0, maprender.thumb_box(*size, len(ids)) / 2 + 6, 24))
    hits = 0
    for (x, y), lab in zip(pts, labels, strict=True):
        px = rgb[int(y), int(x)]
        hits += int(np.abs(px - PALETTE[lab]).max() <= 40)
    assert hits >= 0.8 * len(ids)
    # The background stays dark away from the groups.
    assert rgb[size[1] // 2, size[0] // 2].max() < 60


def test_deterministic_and_degenerate_inputs(tmp_path):
    ids, xy, labels = groups(n_per=20)
    write_thumbs(tmp_path, ids, labels)
    a = maprender.render_map(ids, xy, size=(500, 400), thumbs_dir=tmp_path)
    b = maprender.render_map(ids, xy, size=(500, 400), thumbs_dir=tmp_path)
    assert a.image.tobytes() == b.image.tobytes() and a.thumbnails == b.thumbnails

    empty = maprender.render_map(np.zeros(0, np.int64), np.zeros((0, 2), np.float32), size=(300, 200),
                                 caption="0 photos")
    assert empty.image.size == (300, 200) and empty.points == 0
    one = maprender.render_map(ids[:1], xy[:1], size=(300, 200), thumbs_dir=tmp_path)
    assert len(one.thumbnails) == 1
    x0, y0, x1, y1 = one.thumbnails[0][1]
    assert abs((x0 + x1) / 2 - 150) < 40 and abs((y0 + y1) / 2 - 100) < 40  # one photo: the middle
    with pytest.raises(ValueError):
        maprender.render_map(ids, xy, size=(0, 100))
