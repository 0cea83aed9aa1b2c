"""Open any photo a person may have, fast and safely.

JPEG draft mode decodes at 1/2, 1/4 or 1/8 scale straight from the DCT coefficients, so a
12-megapixel photo needed at a few hundred pixels costs a fraction of a full decode. EXIF
orientation is applied. A pixel cap stops decompression bombs before any pixel is decoded.
Every failure becomes a DecodeError with a one-line reason for the failures list.
"""

from __future__ import annotations

import io
import logging
import os
import threading
import time
import warnings
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np
from PIL import Image, ImageFile, UnidentifiedImageError

from photoindex.atomic import atomic_save
from photoindex.core.filetypes import (  # noqa: F401 (re-exported: the names photoindex reads)
    HEIF_EXTENSIONS,
    IMAGE_EXTENSIONS,
    JPEG_EXTENSIONS,
    RAW_EXTENSIONS,
    is_photo_name,
)
from photoindex.core.types import PhotoindexError

log = logging.getLogger(__name__)

MAX_DECODED_PIXELS = 150_000_000
"""More pixels than any camera makes; only a decompression bomb or a scan of a poster gets here."""

# We enforce our own cap (on the pixels actually decoded, after draft mode), so Pillow's global
# check, which counts a 100-MP JPEG we would decode at 1/8 scale, is switched off.
Image.MAX_IMAGE_PIXELS = None
ImageFile.LOAD_TRUNCATED_IMAGES = False

REASON_PERMISSION = "permission denied: the file cannot be read"
REASON_GONE = "file disappeared before it could be read"
REASON_CANNOT_READ = "cannot read"
TRANSIENT_REASON_PREFIXES = ("permission denied", REASON_CANNOT_READ, "file disappeared")
"""Failures that say nothing about the file's content (a permission fixed, a drive back, a
network share reconnected): such photos are tried again on every scan, unlike a corrupt file,
which is tried again only when it changes."""


def cannot_read(exc: OSError) -> str:
    return f"{REASON_CANNOT_READ}: {exc.strerror or exc}"


def is_transient_reason(reason: str | None) -> bool:
    return bool(reason) and str(reason).startswith(TRANSIENT_REASON_PREFIXES)


class ByteBudget:
    """A byte semaphore shared by the decode workers: a full-size decode first takes its
    estimated size from the budget and gives it back once the image is reduced, so the memory
    held by decodes is bounded by the budget, not by the number of threads. A request larger
    than the whole budget still runs, alone. Requests are served first come, first served,
    so a large image is not starved by a stream of small ones."""

    def __init__(self, capacity: int) -> None:
        self.capacity = max(1, int(capacity))
        self.in_use = 0
        self.peak = 0
        """The largest amount held at once (tests, benchmarks)."""
        self._cond = threading.Condition()
        self._queue: deque[object] = deque()

    def acquire(self, nbytes: int) -> int:
        """Wait until nbytes (at most the capacity) are free; returns what was taken."""
        n = min(max(0, int(nbytes)), self.capacity)
        ticket = object()
        with self._cond:
            self._queue.append(ticket)
            try:
                while self._queue[0] is not ticket or self.in_use + n > self.capacity:
                    self._cond.wait()
            finally:
                self._queue.remove(ticket)
                self._cond.notify_all()
            self.in_use += n
            self.peak = max(self.peak, self.in_use)
        return n

    def release(self, n: int) -> None:
        with self._cond:
            self.in_use -= n
            self._cond.notify_all()

    @contextmanager
    def hold(self, nbytes: int) -> Iterator[None]:
        n = self.acquire(nbytes)
        try:
            yield
        finally:
            self.release(n)


_BYTES_PER_PIXEL = {"1": 1, "L": 1, "P": 1, "LA": 2, "La": 2, "PA": 2, "RGB": 3, "YCbCr": 3, "LAB": 3, "HSV": 3,
                    "RGBA": 4, "RGBa": 4, "RGBX": 4, "CMYK": 4, "I": 4, "F": 4, "I;16": 2, "I;16B": 2,
                    "I;16L": 2, "I;16N": 2}


def decoded_bytes(mode: str, width: int, height: int) -> int:
    """Roughly the most memory one full decode holds at once: the decoded pixels, plus the
    RGB copy (and, with transparency, the RGBA copies) made from them before the reduction."""
    pixels = width * height
    held = pixels * _BYTES_PER_PIXEL.get(mode, 4)
    if mode != "RGB":
        held += pixels * 3
    if mode in ("RGBA", "LA", "La", "RGBa", "PA", "P"):
        held += pixels * 4 * 2  # convert("RGBA") + the white background it is composited on
    elif mode.startswith("I") or mode == "F":
        held += pixels * 4 * 2  # the float32 array and its scaled copy
    return held


_heif_lock = threading.Lock()
_heif_registered = False


class DecodeError(PhotoindexError):
    """A photo that cannot be read; str(err) is the one-line reason recorded in the catalog."""


@dataclass(frozen=True, slots=True)
class DecodedImage:
    image: Image.Image
    """RGB, upright, downscaled so that its shorter side is about min_side (never upscaled)."""
    width: int
    """Full-size width after EXIF orientation."""
    height: int
    taken_at: float | None
    format: str


def _ensure_heif() -> None:
    global _heif_registered
    if _heif_registered:
        return
    with _heif_lock:
        if not _heif_registered:
            try:
                from pillow_heif import register_heif_opener

                register_heif_opener()
            except ImportError:  # pragma: no cover - pillow-heif is a hard dependency
                pass
            _heif_registered = True


def load_image(
    path: str | Path, min_side: int = 256, max_pixels: int = MAX_DECODED_PIXELS, budget: ByteBudget | None = None
) -> DecodedImage:
    """Decode a photo for embedding and thumbnails. Raises DecodeError with a one-line reason.

    budget: the decode workers' shared memory budget; the full-size decode waits for its
    estimated size (read from the header, after JPEG draft reduction) to be free."""
    path = os.fspath(path)
    ext = os.path.splitext(path)[1].lower()
    try:
        if os.path.getsize(path) == 0:
            raise DecodeError("empty file (0 bytes)")
        if ext in RAW_EXTENSIONS:
            return _load_raw(path, min_side, max_pixels, budget)
        if ext in HEIF_EXTENSIONS:
            _ensure_heif()
        with open(path, "rb") as fh:
            return _decode(fh, min_side, max_pixels, budget)
    except DecodeError:
        raise
    except FileNotFoundError:
        raise DecodeError(REASON_GONE) from None
    except PermissionError:
        raise DecodeError(REASON_PERMISSION) from None
    except IsADirectoryError:
        raise DecodeError("is a folder, not a file") from None
    except UnidentifiedImageError:
        raise DecodeError("not an image, or a format photoindex cannot read") from None
    except Image.DecompressionBombError as exc:
        raise DecodeError(f"image too large: {exc}".splitlines()[0]) from None
    except MemoryError:
        raise DecodeError("image too large to decode in memory") from None
    except OSError as exc:
        if exc.errno is not None:  # the system refused a read (I/O error, a share gone): not the content
            raise DecodeError(cannot_read(exc)) from None
        raise DecodeError(_reason(exc)) from None
    except (SyntaxError, ValueError, EOFError, struct_error) as exc:
        raise DecodeError(_reason(exc)) from None


try:
    from struct import error as struct_error
except ImportError:  # pragma: no cover
    struct_error = ValueError  # type: ignore[misc,assignment]


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    low = text.lower()
    if "truncated" in low or "premature end" in low or isinstance(exc, EOFError):
        return "truncated file: the image data ends early"
    if "cannot identify" in low:
        return "not an image, or a format photoindex cannot read"
    return f"cannot decode: {text[:200]}"


def _decode(fh: IO[bytes], min_side: int, max_pixels: int, budget: ByteBudget | None = None) -> DecodedImage:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Pillow's EXIF/ICC chatter is not the user's problem
        img: Image.Image = Image.open(fh)
        fmt = img.format or "?"
        width, height = img.size
        if width <= 0 or height <= 0:
            raise DecodeError(f"invalid image size {width}x{height}")
        if fmt == "JPEG" and min_side > 0:
            img.draft("RGB", (min_side, min_side))
        dw, dh = img.size
        if dw * dh > max_pixels:
            raise DecodeError(
                f"image too large: {width}x{height} ({width * height / 1e6:.0f} MP) is over the "
                f"{max_pixels / 1e6:.0f} MP limit"
            )
        # Pillow decodes a whole PNG to find EXIF stored after the pixels: only read it when
        # it came before them.
        exif = img.getexif() if fmt != "PNG" or "exif" in img.info else Image.Exif()
        taken_at = _taken_at(exif)
        orientation = exif.get(0x0112, 1)
        if getattr(img, "n_frames", 1) > 1:
            img.seek(0)
        held = decoded_bytes(img.mode, dw, dh)
        with budget.hold(held) if budget is not None else _nothing():
            img.load()
            img = _to_rgb(img)
            if min_side > 0 and min(img.size) > min_side * 2:
                scale = min_side / min(img.size)
                img = img.resize(
                    (max(1, round(img.width * scale)), max(1, round(img.height * scale))),
                    Image.Resampling.BILINEAR,
                    reducing_gap=2.0,
                )
            if budget is not None and held >= TRIM_AFTER_BYTES:
                _give_back_freed_memory()
        if orientation in (2, 3, 4, 5, 6, 7, 8):
            img = _orient(img, orientation)
            if orientation >= 5:
                width, height = height, width
        return DecodedImage(img, width, height, taken_at, fmt)


@contextmanager
def _nothing() -> Iterator[None]:
    yield


TRIM_AFTER_BYTES = 64 << 20
"""After a full decode this large, freed memory is handed back to the system."""

_libc_trim: object = None


def _give_back_freed_memory() -> None:
    """glibc keeps freed memory in per-thread arenas (Pillow's 16 MB blocks land there once
    the dynamic mmap threshold has grown), so 8 decode threads that each once held a 432 MB
    image keep ~3.5 GB resident although the budget allowed only two at a time. malloc_trim
    returns it. Elsewhere (macOS, musl) this does nothing."""
    global _libc_trim
    if _libc_trim is None:
        _libc_trim = False
        try:
            import ctypes
            import ctypes.util

            name = ctypes.util.find_library("c")
            if name:
                libc = ctypes.CDLL(name)
                trim = getattr(libc, "malloc_trim", None)
                if trim is not None:
                    trim.argtypes = [ctypes.c_size_t]
                    trim.restype = ctypes.c_int
                    _libc_trim = trim
        except (OSError, AttributeError) as exc:
            log.debug("malloc_trim is not available: %s", exc)
    if _libc_trim:
        _libc_trim(0)  # type: ignore[operator]


_TRANSPOSE = {
    2: [Image.Transpose.FLIP_LEFT_RIGHT],
    3: [Image.Transpose.ROTATE_180],
    4: [Image.Transpose.FLIP_TOP_BOTTOM],
    5: [Image.Transpose.TRANSPOSE],
    6: [Image.Transpose.ROTATE_270],
    7: [Image.Transpose.TRANSVERSE],
    8: [Image.Transpose.ROTATE_90],
}


def _orient(img: Image.Image, orientation: int) -> Image.Image:
    for op in _TRANSPOSE[orientation]:
        img = img.transpose(op)
    return img


def _to_rgb(img: Image.Image) -> Image.Image:
    mode = img.mode
    if mode == "RGB":
        return img
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        arr = np.asarray(img, dtype=np.float32)
        top = float(arr.max()) if arr.size else 0.0
        if top > 255.0:
            arr = arr * (255.0 / (65535.0 if top <= 65535.0 else top))
        arr8 = np.clip(arr, 0, 255).astype(np.uint8)
        return Image.fromarray(arr8, "L").convert("RGB")
    if mode in ("RGBA", "LA", "La", "RGBa", "PA") or (mode == "P" and "transparency" in img.info) or (
        mode in ("L", "RGB") and "transparency" in img.info
    ):
        rgba = img.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return img.convert("RGB")


def _taken_at(exif: Image.Exif) -> float | None:
    try:
        sub = exif.get_ifd(0x8769)
    except Exception as exc:  # a damaged EXIF block loses the date, not the photo
        log.debug("unreadable EXIF sub-IFD: %s", exc)
        sub = {}
    raw = sub.get(0x9003) or sub.get(0x9004) or exif.get(0x0132)
    if not raw:
        return None
    if isinstance(raw, bytes):
        raw = raw.decode("ascii", "ignore")
    text = str(raw).strip().replace("\x00", "")
    for length, fmt in ((19, "%Y:%m:%d %H:%M:%S"), (19, "%Y-%m-%d %H:%M:%S"), (10, "%Y:%m:%d")):
        try:
            return time.mktime(time.strptime(text[:length], fmt))
        except (ValueError, OverflowError):
            continue
    return None


def _load_raw(path: str, min_side: int, max_pixels: int, budget: ByteBudget | None = None) -> DecodedImage:
    try:
        import rawpy  # optional extra: pip install "photoindex[raw]"
    except ImportError:
        raise DecodeError('RAW photos need the raw extra: pip install "photoindex[raw]"') from None
    try:
        with rawpy.imread(path) as raw:
            try:
                thumb = raw.extract_thumb()
            except (rawpy.LibRawNoThumbnailError, rawpy.LibRawUnsupportedThumbnailError):
                half = (raw.sizes.width // 2) * (raw.sizes.height // 2) * 3
                with budget.hold(half * 2) if budget is not None else _nothing():
                    rgb = raw.postprocess(half_size=True, use_camera_wb=True, output_bps=8)
                    img = Image.fromarray(rgb)
                    del rgb
                return DecodedImage(img, raw.sizes.width, raw.sizes.height, None, "RAW")
    except rawpy.LibRawError as exc:
        raise DecodeError(f"cannot decode RAW file: {type(exc).__name__}") from None
    if thumb.format == rawpy.ThumbFormat.JPEG:
        return _decode(io.BytesIO(bytes(thumb.data)), min_side, max_pixels, budget)
    img = Image.fromarray(np.asarray(thumb.data))
    return DecodedImage(_to_rgb(img), img.width, img.height, None, "RAW")


def save_thumbnail(image: Image.Image, dest: Path, box: int = 320) -> None:
    """Write a JPEG thumbnail atomically (temp file + rename): a cache, never the user's folder."""
    thumb = image.copy()
    thumb.thumbnail((box, box), Image.Resampling.BILINEAR, reducing_gap=2.0)
    atomic_save(dest, lambda tmp: thumb.save(tmp, "JPEG", quality=85, optimize=False), durable=False)  # a cache
