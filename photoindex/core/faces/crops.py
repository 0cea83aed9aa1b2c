"""Face crops: the small pictures of faces that People shows, a cache in LIBRARY/faces/.

Written atomically under names only photoindex uses (faces/<2 hex>/<face id>.jpg), so that turning
faces off deletes exactly what photoindex wrote and nothing a person keeps there."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from photoindex.atomic import atomic_save

log = logging.getLogger(__name__)

CROP_SIZE = 160
CROP_MARGIN = 0.4
"""Room around the detected box on every side, as a share of the box's longer side. A face
detector's box runs from the brows to the lips (YuNet's, like dlib's): with 20% the forehead
and the chin were cut off; with 40% the head fits, as in the portraits of Photos and Immich."""
CROP_LIFT = 0.1
"""The crop's centre sits this share of the box above the box's centre: a head reaches further
above the brows than below the lips."""
CROP_VERSION = 2
"""In the crop's file name: a crop made by an older rule (version 1: 20% margin, no suffix) is
not found under the new name, so it is made again from its photo when People asks for it, and
the old file is removed then."""


def face_crop_path(faces_dir: Path, face_id: int) -> Path:
    """The cached crop of a face (a cache under the library folder, never beside the photos)."""
    return faces_dir / f"{face_id % 256:02x}" / f"{face_id}.v{CROP_VERSION}.jpg"


def legacy_crop_paths(faces_dir: Path, face_id: int) -> list[Path]:
    """Where older versions kept this face's crop."""
    folder = faces_dir / f"{face_id % 256:02x}"
    return [folder / f"{face_id}.jpg", *(folder / f"{face_id}.v{v}.jpg" for v in range(2, CROP_VERSION))]


def remove_crop(faces_dir: Path, face_id: int) -> None:
    """The face's crop, of this version or an older one (the face is gone or changed)."""
    for path in (face_crop_path(faces_dir, face_id), *legacy_crop_paths(faces_dir, face_id)):
        path.unlink(missing_ok=True)


def crop_box(box: Sequence[float], size: tuple[int, int], margin: float = CROP_MARGIN) -> tuple[int, int, int, int]:
    """The square (left, top, right, bottom) shown for a face: the detected box (x, y, w, h)
    with `margin` of its longer side on every side, lifted a little (CROP_LIFT), and moved
    inside the image rather than padded with black; smaller only when the image is."""
    x, y, w, h = (float(v) for v in box)
    width, height = size
    side = min(max(w, h) * (1 + 2 * margin), float(width), float(height))
    cx, cy = x + w / 2, y + h / 2 - CROP_LIFT * h
    left = min(max(cx - side / 2, 0.0), width - side)
    top = min(max(cy - side / 2, 0.0), height - side)
    side_px = max(1, round(side))
    left_px, top_px = round(left), round(top)
    left_px = max(0, min(left_px, width - side_px))
    top_px = max(0, min(top_px, height - side_px))
    return left_px, top_px, left_px + side_px, top_px + side_px


def write_crop(image: Any, full_size: tuple[int, int], box: Sequence[float], dest: Path) -> None:
    """Crop a face from `image` (any decoded size of the photo whose full size is full_size;
    box in full-size pixels) and save it to dest, atomically."""
    from PIL import Image

    s = image.width / full_size[0]
    crop = image.crop(crop_box([v * s for v in box], (image.width, image.height)))
    crop = crop.convert("RGB").resize((CROP_SIZE, CROP_SIZE), Image.Resampling.LANCZOS)
    atomic_save(dest, lambda tmp: crop.save(tmp, "JPEG", quality=88), durable=False)  # a cache: no fsync


_CROP_NAME = re.compile(r"(?P<id>[0-9]+)(?:\.v[0-9]+)?\.jpg")
# atomic_save's temporary names (mkstemp: random letters, then the thread id), and the older
# ones (process id, thread id), left behind by a crash.
_CROP_TMP_NAME = re.compile(r"\.(?P<id>[0-9]+)(?:\.v[0-9]+)?\.jpg\.[A-Za-z0-9_]+\.[0-9]+\.tmp")
_CROP_FOLDER = re.compile(r"[0-9a-f]{2}")


def delete_crops(faces_dir: Path) -> int:
    """Delete the face crops photoindex wrote (face_crop_path's names, and the temp files of
    _write_crop), then the folders left empty. Anything else a person keeps there stays: the
    library folder may be one they chose, holding a faces/ folder of their own."""
    removed = 0
    try:
        subs = [e for e in os.scandir(faces_dir) if e.is_dir(follow_symlinks=False) and _CROP_FOLDER.fullmatch(e.name)]
    except FileNotFoundError:
        log.debug("no face crops at %s", faces_dir)
        return 0
    except OSError as exc:
        log.warning("cannot list the face crops in %s: %s", faces_dir, exc)
        return 0
    for sub in subs:
        try:
            entries = list(os.scandir(sub.path))
        except OSError as exc:
            log.warning("cannot list the face crops in %s: %s", sub.path, exc)
            continue
        for entry in entries:
            match = _CROP_NAME.fullmatch(entry.name) or _CROP_TMP_NAME.fullmatch(entry.name)
            if not match or f"{int(match['id']) % 256:02x}" != sub.name:
                continue
            if not entry.is_file(follow_symlinks=False):
                continue
            try:
                os.unlink(entry.path)
                removed += 1
            except FileNotFoundError:
                log.debug("crop already gone: %s", entry.path)
            except OSError as exc:
                log.warning("cannot delete the face crop %s: %s", entry.path, exc)
        _remove_if_empty(Path(sub.path))
    _remove_if_empty(faces_dir)
    return removed


def _remove_if_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except FileNotFoundError:
        log.debug("folder already gone: %s", folder)
    except OSError as exc:  # not empty: a person's files stay, and so does the folder
        log.debug("kept %s: %s", folder, exc)
