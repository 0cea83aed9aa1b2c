"""Which files are photos, by name: light enough for any module to import (no Pillow), so the
window's start and a folder scan need not load an image library to ask."""

from __future__ import annotations

import os

JPEG_EXTENSIONS = frozenset({".jpg", ".jpeg", ".jpe", ".jfif"})
HEIF_EXTENSIONS = frozenset({".heic", ".heif", ".hif", ".avif"})
RAW_EXTENSIONS = frozenset(
    {".dng", ".cr2", ".cr3", ".nef", ".nrw", ".arw", ".srf", ".sr2", ".orf", ".rw2", ".raf", ".pef", ".srw", ".x3f", ".3fr", ".erf", ".kdc", ".mrw", ".raw", ".rwl", ".iiq"}
)
IMAGE_EXTENSIONS = frozenset(
    JPEG_EXTENSIONS | HEIF_EXTENSIONS | RAW_EXTENSIONS | {".png", ".webp", ".gif", ".bmp", ".dib", ".tif", ".tiff"}
)


def is_photo_name(name: str) -> bool:
    return os.path.splitext(name)[1].lower() in IMAGE_EXTENSIONS
