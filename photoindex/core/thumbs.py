"""Where the thumbnail cache keeps a photo's thumbnail (inside the library folder, never the user's)."""

from __future__ import annotations

from pathlib import Path

THUMB_BOX = 320


def thumb_path(thumbs_dir: Path, photo_id: int) -> Path:
    return thumbs_dir / f"{photo_id % 256:02x}" / f"{photo_id}.jpg"
