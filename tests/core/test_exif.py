"""EXIF for the preview's details: real JPEG files written with Pillow, read back through the
Library; the photo file is never changed."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from PIL import ExifTags, Image
from PIL.TiffImagePlugin import IFDRational

from photoindex.core.exif import read_exif


def _jpeg_with_exif(path: Path, *, gps: bool = True) -> Path:
    exif = Image.Exif()
    exif[0x010F] = "Canon"
    exif[0x0110] = "Canon EOS R6"
    exif[0x0132] = "2023:01:01 00:00:00"
    sub = exif.get_ifd(ExifTags.IFD.Exif)
    sub[0x9003] = "2023:08:15 14:32:05"
    sub[0x9011] = "+09:00"
    sub[0x829A] = IFDRational(1, 250)
    sub[0x829D] = IFDRational(28, 10)
    sub[0x8827] = 400
    sub[0x920A] = IFDRational(50, 1)
    sub[0xA405] = 50
    sub[0xA434] = "RF50mm F1.8 STM"
    sub[0xA433] = "Canon"
    if gps:
        g = exif.get_ifd(ExifTags.IFD.GPSInfo)
        g[1] = "N"
        g[2] = (IFDRational(33, 1), IFDRational(27, 1), IFDRational(3600, 100))  # 33°27'36" N: Jeju
        g[3] = "E"
        g[4] = (IFDRational(126, 1), IFDRational(33, 1), IFDRational(0, 1))
        g[5] = 0
        g[6] = IFDRational(120, 1)
    Image.new("RGB", (640, 480), (90, 140, 200)).save(path, exif=exif)
    return path


def test_read_exif_of_a_real_jpeg(tmp_path: Path) -> None:
    path = _jpeg_with_exif(tmp_path / "제주.jpg")
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    e = read_exif(str(path))
    assert e.taken == dt.datetime(2023, 8, 15, 14, 32, 5, tzinfo=dt.timezone(dt.timedelta(hours=9)))
    assert e.camera == "Canon EOS R6", "the make is not repeated"
    assert e.lens == "Canon RF50mm F1.8 STM"
    assert e.exposure_time == pytest.approx(1 / 250) and e.f_number == pytest.approx(2.8)
    assert e.iso == 400 and e.focal_length == pytest.approx(50) and e.focal_length_35mm == 50
    assert e.has_gps and e.latitude == pytest.approx(33.46) and e.longitude == pytest.approx(126.55)
    assert e.altitude == pytest.approx(120)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before, "the photo is only read"


def test_no_exif_or_not_an_image(tmp_path: Path) -> None:
    plain = tmp_path / "plain.png"
    Image.new("RGB", (10, 10)).save(plain)
    e = read_exif(str(plain))
    assert e.taken is None and e.camera is None and not e.has_gps
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not a photo")
    assert read_exif(str(broken)).camera is None
    south = _jpeg_with_exif(tmp_path / "nogps.jpg", gps=False)
    assert not read_exif(str(south)).has_gps


def test_library_photo_details_with_faces_and_names(tiny_settings, tmp_path: Path) -> None:
    import numpy as np

    from photoindex.core import faces as F
    from photoindex.core.library import Library

    path = _jpeg_with_exif(tmp_path / "photo.jpg")
    lib = Library(tiny_settings)
    try:
        class _Face:
            def __init__(self, x):
                self.box, self.landmarks, self.score = (x, 100, 80, 100), np.zeros((5, 2)), 0.9
                self.descriptor = np.full(128, x / 1000, np.float32)

        with lib.writer.transaction() as cat:
            pid = cat.insert_photo(str(path), path.stat().st_size, path.stat().st_mtime_ns, None)
            cat.mark_ok(pid, 640, 480, dt.datetime(2023, 8, 15, 14, 32, 5).timestamp())
            F.save_faces(cat, pid, [_Face(300), _Face(50)], None, (640, 480), tiny_settings.faces_dir)
            right = cat.conn.execute("SELECT id FROM faces WHERE photo_id = ? ORDER BY x DESC", (pid,)).fetchone()[0]
            person = cat.conn.execute("INSERT INTO people(created_at) VALUES (0)").lastrowid
            cat.conn.execute("UPDATE faces SET person_id = ? WHERE id = ?", (person, right))
        lib.people.rename(person, "민아")
        details = lib.photo_details(pid)
        assert details.path == str(path) and details.file_size == path.stat().st_size
        assert (details.width, details.height) == (640, 480)
        assert details.exif.camera == "Canon EOS R6"
        assert [f.box[0] for f in details.faces] == [50, 300], "left to right"
        assert [f.name for f in details.faces] == [None, "민아"]
        assert lib.photo_details(pid + 1000) is None
    finally:
        lib.close()
