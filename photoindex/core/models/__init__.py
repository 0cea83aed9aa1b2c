"""The embedding models behind one small protocol. Everything heavy is imported lazily."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import numpy as np

from photoindex.core.types import Matrix

if TYPE_CHECKING:  # Pillow is imported where images are made, not by everything that names a model
    from PIL import Image


class ImageEmbedder(Protocol):
    space: str
    """'clip' or 'dino': which vector index the vectors go to."""
    model_key: str
    """Names the model and its weights; stored with every vector it makes."""
    dim: int
    input_size: int

    def prepare(self, image: Image.Image) -> np.ndarray:
        """Resize and crop one upright RGB image to a uint8 (H, W, 3) array. Pure PIL/numpy,
        safe to run in decode threads so the model thread only runs forward passes."""
        ...

    def embed_prepared(self, batch: np.ndarray) -> Matrix:
        """(n, H, W, 3) uint8 -> (n, dim) L2-normalised float32."""
        ...

    def release(self) -> None:
        """Free the weights; the next call loads them again."""
        ...


class TextEmbedder(Protocol):
    def embed_text(self, texts: list[str]) -> Matrix: ...


def center_crop_resize(image: Image.Image, short_side: int, crop: int) -> np.ndarray:
    """Resize so the shorter side is short_side (bicubic), then take the centre crop x crop."""
    w, h = image.size
    scale = short_side / min(w, h)
    nw, nh = max(crop, round(w * scale)), max(crop, round(h * scale))
    if (nw, nh) != (w, h):
        from PIL import Image

        image = image.resize((nw, nh), Image.Resampling.BICUBIC, reducing_gap=None)
    left, top = (nw - crop) // 2, (nh - crop) // 2
    arr = np.asarray(image.crop((left, top, left + crop, top + crop)).convert("RGB"), dtype=np.uint8)
    return arr


def normalise_rows(x: np.ndarray) -> Matrix:
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (x / norms).astype(np.float32, copy=False)
