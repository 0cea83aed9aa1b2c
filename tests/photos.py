"""Generate real image files for tests: good photos of every kind and every bad case."""

from __future__ import annotations

import os
import struct
import zlib
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw


def scene(seed: int, size: tuple[int, int] = (640, 480), kind: int | None = None) -> Image.Image:
    """A distinct picture per seed
    pictures of the same kind look alike."""
    rng = np.random.default_rng(seed)
    kind = seed % 4 if kind is None else kind
    palettes = [((200, 40, 40), (250, 220, 200)), ((30, 90, 200), (200, 230, 250)),
                ((40, 160, 60), (230, 250, 200)), ((240, 200, 30), (60, 40, 20))]
    fg, bg = palettes[kind]
    w, h = size
    grad = np.linspace(0, 1, w, dtype=np.float32)[None, :, None]
    base = (np.array(bg, np.float32) * (1 - 0.4 * grad) + rng.normal(0, 6, (h, w, 3))).clip(0, 255)
    img = Image.fromarray(base.astype(np.uint8), "RGB")
    d = ImageDraw.Draw(img)
    for _ in range(4 + kind):
        x, y = int(rng.integers(0, w - w // 4)), int(rng.integers(0, h - h // 4))
        s = int(rng.integers(w // 10, w // 4))
        shade = tuple(int(c * rng.uniform(0.7, 1.0)) for c in fg)
        (d.ellipse if kind % 2 else d.rectangle)([x, y, x + s, y + s], fill=shade)
    return img


def save_jpeg(path: Path, img: Image.Image, orientation: int | None = None, date: str | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    if date:
        exif.get_ifd(0x8769)[0x9003] = date
    img.save(path, "JPEG", quality=88, exif=exif.tobytes() if (orientation or date) else b"")
    return path


def bomb_png(path: Path, width: int = 40000, height: int = 40000) -> Path:
    """A tiny PNG whose header claims a huge image (a decompression bomb)."""
    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    raw = zlib.compress(b"\x00" * 1024)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", raw) + chunk(b"IEND", b""))
    return path


def make_library(root: Path, n_good: int = 8) -> dict[str, list[Path]]:
    """A library with good photos of many kinds and every bad case. Returns {'good': [...], 'bad': [...]}"""
    root.mkdir(parents=True, exist_ok=True)
    good: list[Path] = []
    bad: list[Path] = []
    for i in range(n_good):
        good.append(save_jpeg(root / f"photo {i:02d}.jpg", scene(i)))
    # Non-ASCII and Korean names, nested folders.
    good.append(save_jpeg(root / "여행" / "바다 사진.jpg", scene(100)))
    good.append(save_jpeg(root / "Ünïcødé façade.jpeg", scene(101)))
    # Every orientation.
    for o in range(1, 9):
        good.append(save_jpeg(root / "orient" / f"o{o}.jpg", scene(200 + o, (320, 200)), orientation=o))
    # Formats and modes.
    img = scene(300)
    img.save(root / "plain.png")
    good.append(root / "plain.png")
    img.save(root / "plain.webp")
    good.append(root / "plain.webp")
    img.save(root / "plain.bmp")
    good.append(root / "plain.bmp")
    img.save(root / "plain.tiff")
    good.append(root / "plain.tiff")
    frames = [scene(301 + k, (160, 120)) for k in range(3)]
    frames[0].save(root / "anim.gif", save_all=True, append_images=frames[1:])
    good.append(root / "anim.gif")
    scene(302).convert("CMYK").save(root / "cmyk.jpg", "JPEG")
    good.append(root / "cmyk.jpg")
    arr16 = (np.linspace(0, 65535, 256 * 256).reshape(256, 256)).astype(np.uint16)
    Image.fromarray(arr16).save(root / "gray16.png")
    good.append(root / "gray16.png")
    pal = scene(303, (200, 150)).convert("P", palette=Image.Palette.ADAPTIVE, colors=16)
    pal.info["transparency"] = 0
    pal.save(root / "palette_alpha.png", transparency=0)
    good.append(root / "palette_alpha.png")
    rgba = scene(304).convert("RGBA")
    rgba.putalpha(128)
    rgba.save(root / "alpha.png")
    good.append(root / "alpha.png")
    try:
        from pillow_heif import register_heif_opener

        register_heif_opener()
        scene(305).save(root / "phone.heic")
        good.append(root / "phone.heic")
    except Exception:  # no HEIF encoder in this build: decoding is still covered elsewhere
        pass
    # Bad cases.
    data = (root / "photo 00.jpg").read_bytes()
    (root / "truncated.jpg").write_bytes(data[: len(data) // 2])
    bad.append(root / "truncated.jpg")
    (root / "zero.jpg").write_bytes(b"")
    bad.append(root / "zero.jpg")
    (root / "notes.jpg").write_text("this is a text file, not a photo")
    bad.append(root / "notes.jpg")
    bad.append(bomb_png(root / "bomb.png"))
    # Things that are not photos at all and must be ignored.
    (root / "readme.txt").write_text("hello")
    hidden = root / ".hidden"
    hidden.mkdir()
    save_jpeg(hidden / "secret.jpg", scene(400))
    os.symlink(root, root / "loop")  # a symlink loop
    return {"good": good, "bad": bad}


def tree_digest(root: Path) -> dict[str, tuple[int, int, str]]:
    """Every entry under root with its size, mtime and content hash (the user's folder, unchanged?)."""
    import hashlib

    out = {}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        for name in sorted(dirnames + filenames):
            p = os.path.join(dirpath, name)
            st = os.lstat(p)
            digest = ""
            if os.path.isfile(p) and not os.path.islink(p):
                digest = hashlib.sha256(open(p, "rb").read()).hexdigest()
            out[os.path.relpath(p, root)] = (st.st_size, st.st_mtime_ns, digest)
    return out
