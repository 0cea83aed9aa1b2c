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


def face_crop_path(faces_dir: Path, face_id: int) -> Path:
    """The cached crop of a face (a cache under the library folder, never beside the photos)."""
    return faces_dir / f"{face_id % 256:02x}" / f"{face_id}.jpg"


def write_crop(image: Any, full_size: tuple[int, int], box: Sequence[float], dest: Path) -> None:
    from PIL import Image

    s = image.width / full_size[0]
    x, y, w, h = (v * s for v in box)
    side = max(w, h) * 1.4
    cx, cy = x + w / 2, y + h / 2
    crop = image.crop((int(cx - side / 2), int(cy - side / 2), int(cx + side / 2), int(cy + side / 2)))
    crop = crop.convert("RGB").resize((CROP_SIZE, CROP_SIZE), Image.Resampling.BILINEAR)
    atomic_save(dest, lambda tmp: crop.save(tmp, "JPEG", quality=88), durable=False)  # a cache: no fsync


_CROP_NAME = re.compile(r"(?P<id>[0-9]+)\.jpg")
# atomic_save's temporary names (mkstemp: random letters, then the thread id), and the older
# ones (process id, thread id), left behind by a crash.
_CROP_TMP_NAME = re.compile(r"\.(?P<id>[0-9]+)\.jpg\.[A-Za-z0-9_]+\.[0-9]+\.tmp")
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
