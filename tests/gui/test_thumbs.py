"""The shared freedesktop thumbnail cache, read as the Thumbnail Managing Standard says, with
thumbnails written the way GNOME (GdkPixbuf) and KDE (KIO) write them."""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import os
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from photoindex.gui.thumbs import glib_file_uri, kde_file_uri, load_thumbnail
from tests.photos import save_jpeg, scene

NASTY_NAMES = [
    "plain.jpg",
    "with space.jpg",
    "바다 사진.jpg",
    "(1) & friends, 2024.jpg",
    "#hash.jpg",
    "100% done.jpg",
    "semi;colon.jpg",
    "it's+mine=$@!~*.jpg",
    "é[brackets]{x}^`|.jpg",
]


def _libglib():
    name = ctypes.util.find_library("glib-2.0")
    if name is None:
        return None
    lib = ctypes.CDLL(name)
    lib.g_filename_to_uri.restype = ctypes.c_void_p
    lib.g_filename_to_uri.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_void_p]
    lib.g_free.argtypes = [ctypes.c_void_p]
    return lib


def glib_reference_uri(lib, path: Path) -> str:
    ptr = lib.g_filename_to_uri(os.fsencode(path), None, None)
    try:
        return ctypes.string_at(ptr).decode("ascii")
    finally:
        lib.g_free(ptr)


@pytest.mark.skipif(_libglib() is None, reason="libglib-2.0 is not installed")
@pytest.mark.parametrize("name", NASTY_NAMES)
def test_the_uri_is_glibs_byte_for_byte(tmp_path: Path, name: str) -> None:
    path = tmp_path / "사진 (old)" / name
    assert glib_file_uri(path) == glib_reference_uri(_libglib(), path)


@pytest.mark.skipif(_libglib() is None, reason="libglib-2.0 is not installed")
def test_a_file_name_that_is_not_utf8(qapp, tmp_path: Path, cache) -> None:
    from photoindex.gui.thumbs import freedesktop_thumbnail

    photo = Path(os.fsdecode(os.fsencode(tmp_path) + b"/Latin-1 caf\xe9 (1).jpg"))
    assert glib_file_uri(photo) == glib_reference_uri(_libglib(), photo)
    save_jpeg(photo, scene(2))
    write_gnome(cache, photo)
    assert not freedesktop_thumbnail(str(photo)).isNull()


def test_the_uri_is_not_urllibs() -> None:
    from urllib.parse import quote

    path = "/photos/(1) & friends, 2024.jpg"
    assert glib_file_uri(path) == "file:///photos/(1)%20&%20friends,%202024.jpg"
    assert glib_file_uri(path) != "file://" + quote(path)  # the old lookup's name: never found


# -- writing thumbnails as the desktops do --------------------------------------------------------

GNOME_COLOUR = (10, 200, 30)
KDE_COLOUR = (200, 10, 180)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    return tmp_path / "xdg-cache" / "thumbnails"


def thumb_file(cache: Path, size: str, uri: str) -> Path:
    folder = cache / size
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder / (hashlib.md5(uri.encode()).hexdigest() + ".png")


def write_gnome(cache: Path, photo: Path, size: str = "large", px: int = 256, mtime: int | None = None,
                text_after_pixels: bool = False) -> Path:
    """As GnomeDesktopThumbnailFactory saves through GdkPixbuf: tEXt chunks Thumb::URI (GLib's
    URI), Thumb::MTime (whole seconds), Software, beside Thumb::Size in newer versions."""
    uri = glib_file_uri(photo)
    st = photo.stat()
    fields = {"Thumb::URI": uri, "Thumb::MTime": str(int(st.st_mtime) if mtime is None else mtime),
              "Thumb::Size": str(st.st_size), "Software": "GNOME::ThumbnailFactory"}
    dest = thumb_file(cache, size, uri)
    img = Image.new("RGB", (px, px * 3 // 4), GNOME_COLOUR)
    if not text_after_pixels:
        info = PngInfo()
        for k, v in fields.items():
            info.add_text(k, v)
        img.save(dest, pnginfo=info)
        return dest
    img.save(dest)
    data = dest.read_bytes()
    chunks = b"".join(_chunk(b"tEXt", k.encode() + b"\0" + v.encode()) for k, v in fields.items())
    iend = data.rindex(b"IEND") - 4
    dest.write_bytes(data[:iend] + chunks + data[iend:])  # legal: tEXt may follow IDAT
    return dest


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def write_kde(cache: Path, photo: Path, size: str = "large") -> Path:
    """As KIO's thumbnail worker saves through QImage: the URI of QUrl::fromLocalFile(canonical
    path), fully encoded; Thumb::MTime, Thumb::Size, Thumb::Mimetype, Software."""
    from PySide6.QtGui import QColor, QImage

    uri = kde_file_uri(os.path.realpath(photo))
    img = QImage(256, 192, QImage.Format.Format_RGB32)
    img.fill(QColor(*KDE_COLOUR))
    st = photo.stat()
    for k, v in (("Thumb::URI", uri), ("Thumb::MTime", str(int(st.st_mtime))), ("Thumb::Size", str(st.st_size)),
                 ("Thumb::Mimetype", "image/jpeg"), ("Software", "KDE Thumbnail Generator Images (v1)")):
        img.setText(k, v)
    dest = thumb_file(cache, size, uri)
    assert img.save(str(dest), "PNG")
    return dest


def colour_of(img) -> tuple[int, int, int]:
    c = img.pixelColor(img.width() // 2, img.height() // 2)
    return c.red(), c.green(), c.blue()


def close(a: tuple[int, int, int], b: tuple[int, int, int]) -> bool:
    return all(abs(x - y) <= 3 for x, y in zip(a, b, strict=True))


@pytest.mark.parametrize("name", NASTY_NAMES)
def test_a_gnome_thumbnail_is_used(qapp, tmp_path: Path, cache: Path, name: str) -> None:
    photo = save_jpeg(tmp_path / "내 사진 (2024)" / name, scene(3))
    write_gnome(cache, photo)
    ours = tmp_path / "ours" / "1.jpg"
    img = load_thumbnail(1, str(photo), ours.parent, (200, 150))
    assert not img.isNull() and close(colour_of(img), GNOME_COLOUR), "the shared cache was not used"
    assert not ours.exists(), "no decode of the photo when the desktop already has a thumbnail"


def test_text_chunks_after_the_pixels_are_read(qapp, tmp_path: Path, cache: Path) -> None:
    photo = save_jpeg(tmp_path / "a b (c).jpg", scene(4))
    write_gnome(cache, photo, text_after_pixels=True)
    img = load_thumbnail(1, str(photo), tmp_path / "ours", (200, 150))
    assert close(colour_of(img), GNOME_COLOUR)


@pytest.mark.parametrize("name", ["semi;colon.jpg", "바다 & 하늘 (1).jpg", "100% #1.jpg"])
def test_a_kde_thumbnail_is_used(qapp, tmp_path: Path, cache: Path, name: str) -> None:
    real = tmp_path / "real folder"
    photo = save_jpeg(real / name, scene(5))
    (tmp_path / "link").symlink_to(real)  # KIO hashes the canonical path
    write_kde(cache, photo)
    img = load_thumbnail(1, str(tmp_path / "link" / name), tmp_path / "ours", (200, 150))
    assert close(colour_of(img), KDE_COLOUR)


def test_stale_or_foreign_thumbnails_are_refused(qapp, tmp_path: Path, cache: Path) -> None:
    photo = save_jpeg(tmp_path / "(edited) photo.jpg", scene(6))
    write_gnome(cache, photo, mtime=int(photo.stat().st_mtime) - 60)  # the photo changed since
    img = load_thumbnail(1, str(photo), tmp_path / "ours", (200, 150))
    assert not img.isNull() and not close(colour_of(img), GNOME_COLOUR), "a stale thumbnail was shown"
    assert (tmp_path / "ours" / "01" / "1.jpg").exists(), "the photo was decoded instead"
    # A thumbnail whose Thumb::URI names another file (a hash collision, a copied cache) is not used.
    other = save_jpeg(tmp_path / "other.jpg", scene(7))
    dest = write_gnome(cache, other)
    dest.rename(thumb_file(cache, "large", glib_file_uri(photo)))
    from photoindex.gui.thumbs import freedesktop_thumbnail

    assert freedesktop_thumbnail(str(photo)).isNull()


def test_the_size_that_fits_is_preferred(qapp, tmp_path: Path, cache: Path) -> None:
    from photoindex.gui.thumbs import freedesktop_thumbnail

    photo = save_jpeg(tmp_path / "p.jpg", scene(8))
    write_gnome(cache, photo, "normal", 128)
    write_gnome(cache, photo, "x-large", 512)
    assert freedesktop_thumbnail(str(photo), need=200).width() == 512  # normal would be blurry
    assert freedesktop_thumbnail(str(photo), need=100).width() == 128
    write_gnome(cache, photo, "large", 256)
    assert freedesktop_thumbnail(str(photo), need=200).width() == 256
    Image.new("RGB", (4, 4)).save(thumb_file(cache, "xx-large", glib_file_uri(photo)))  # no text at all
    assert freedesktop_thumbnail(str(photo), need=900).width() == 512
