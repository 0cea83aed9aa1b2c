"""Where the thumbnail cache keeps a photo's thumbnail: the XDG cache folder, one folder per library
(never the user's photo folders, and not the library folder: a cache that may be deleted at any
time and is made again from the photos)."""

from __future__ import annotations

import logging
import os
import re
import shutil
import threading
from collections.abc import Iterable
from pathlib import Path

log = logging.getLogger(__name__)

THUMB_BOX = 320
_THUMB_NAME = re.compile(r"^[0-9a-f]{2}/(\d+)\.jpg$")


def thumb_path(thumbs_dir: Path, photo_id: int) -> Path:
    return thumbs_dir / f"{photo_id % 256:02x}" / f"{photo_id}.jpg"


def adopt_legacy_thumbnails(library_dir: Path, thumbs_dir: Path) -> None:
    """Thumbnails used to live in the library folder (library/thumbs). They move to the cache
    folder at once when that is a rename (same file system, no cache there yet); else the old
    folder, photoindex's own, is deleted (in the background) and the repair pass of the next index
    run makes the thumbnails again."""
    old = Path(library_dir) / "thumbs"
    if not old.is_dir() or os.path.realpath(old) == os.path.realpath(thumbs_dir):
        return
    if not thumbs_dir.exists():
        try:
            thumbs_dir.parent.mkdir(parents=True, exist_ok=True)
            os.rename(old, thumbs_dir)
            log.info("thumbnails moved from %s to the cache folder %s", old, thumbs_dir)
            return
        except OSError as exc:
            log.info("thumbnails in %s not moved to %s (%s): they are made again", old, thumbs_dir, exc)

    def report(_func: object, path: str, exc_info: object) -> None:
        log.warning("cannot delete the old thumbnail %s: %s", path, exc_info)

    # Tens of thousands of files on another disk: not while the window is starting. A deletion
    # cut short by the end of the process goes on at the next start.
    threading.Thread(target=shutil.rmtree, args=(old,), kwargs={"onerror": report}, daemon=True,
                     name="photoindex-old-thumbnails").start()


def prune_thumbnails(thumbs_dir: Path, present: Iterable[str], known_ids: set[int]) -> int:
    """Delete the thumbnails of photos the catalog no longer has (removed from disk or from the
    library). present: 'xx/ID.jpg' names found in the cache. Returns how many were deleted."""
    removed = 0
    for name in present:
        m = _THUMB_NAME.match(name)
        if m is None or int(m.group(1)) in known_ids:
            continue
        try:
            (thumbs_dir / name).unlink()
            removed += 1
        except FileNotFoundError:
            continue
        except OSError as exc:
            log.warning("cannot delete the thumbnail of a removed photo %s: %s", thumbs_dir / name, exc)
    if removed:
        log.info("%d thumbnails of removed photos deleted from %s", removed, thumbs_dir)
    return removed
