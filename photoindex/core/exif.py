"""What a photo's EXIF says, for the preview's details panel: when, with what camera and lens,
the exposure, and where (GPS). Read with Pillow's EXIF support (Image.getexif and its IFDs),
without decoding the pixels; the file is only opened for reading.

Values are plain numbers and strings; formatting them for a person (locale, units) is the
window's job. A missing or unreadable tag is simply absent (None).
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

# Tag numbers (EXIF 2.32; Pillow's ExifTags.Base has the same).
_MAKE, _MODEL, _DATETIME, _ORIENTATION = 0x010F, 0x0110, 0x0132, 0x0112
_EXPOSURE_TIME, _F_NUMBER, _ISO, _DATETIME_ORIGINAL = 0x829A, 0x829D, 0x8827, 0x9003
_OFFSET_TIME_ORIGINAL, _FOCAL_LENGTH, _FOCAL_35MM = 0x9011, 0x920A, 0xA405
_LENS_MAKE, _LENS_MODEL = 0xA433, 0xA434
_GPS_LAT_REF, _GPS_LAT, _GPS_LON_REF, _GPS_LON, _GPS_ALT_REF, _GPS_ALT = 1, 2, 3, 4, 5, 6


@dataclass(frozen=True)
class Exif:
    taken: dt.datetime | None = None
    """When the photo was taken (DateTimeOriginal, else DateTime); aware when the camera wrote
    its UTC offset, else naive local time as the camera's clock showed it."""
    camera_make: str | None = None
    camera_model: str | None = None
    lens: str | None = None
    exposure_time: float | None = None
    """Seconds (1/250 s is 0.004)."""
    f_number: float | None = None
    iso: int | None = None
    focal_length: float | None = None
    """Millimetres, as on the lens."""
    focal_length_35mm: int | None = None
    latitude: float | None = None
    """Degrees, north positive."""
    longitude: float | None = None
    """Degrees, east positive."""
    altitude: float | None = None
    """Metres above sea level."""
    orientation: int | None = None

    @property
    def camera(self) -> str | None:
        """Make and model as a person says it: 'Canon EOS R6', not 'Canon Canon EOS R6'."""
        make, model = (self.camera_make or "").strip(), (self.camera_model or "").strip()
        if model and make and model.lower().startswith(make.split()[0].lower()):
            return model
        return " ".join(p for p in (make, model) if p) or None

    @property
    def has_gps(self) -> bool:
        return self.latitude is not None and self.longitude is not None


def _text(value: Any) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        return None
    value = value.replace("\x00", "").strip()
    return value or None


def _number(value: Any) -> float | None:
    if isinstance(value, tuple | list):
        value = value[0] if value else None
    try:
        out = float(value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    return out if math.isfinite(out) else None


def _date(value: Any, offset: Any) -> dt.datetime | None:
    text = _text(value)
    if not text:
        return None
    try:
        when = dt.datetime.strptime(text[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    off = _text(offset)
    if off and len(off) >= 6 and off[0] in "+-":
        try:
            hours, minutes = int(off[1:3]), int(off[4:6])
            sign = 1 if off[0] == "+" else -1
            when = when.replace(tzinfo=dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes)))
        except ValueError:
            log.debug("odd EXIF time offset %r", off)
    return when


def _degrees(value: Any, ref: Any) -> float | None:
    try:
        d, m, s = (float(v) for v in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    deg = d + m / 60 + s / 3600
    if not math.isfinite(deg):
        return None
    if (_text(ref) or "").upper() in ("S", "W"):
        deg = -deg
    return deg


def read_exif(path: str) -> Exif:
    """The EXIF of the photo at path (an empty Exif when it has none or cannot be read)."""
    from PIL import ExifTags, Image

    try:
        with Image.open(path) as img:
            exif = img.getexif()
            sub = exif.get_ifd(ExifTags.IFD.Exif)
            gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    except Exception as exc:  # not an image Pillow reads, or a damaged EXIF block
        log.info("no EXIF read from %s: %s", path, exc)
        return Exif()

    def tag(key: int) -> Any:
        return sub.get(key, exif.get(key))

    iso = _number(tag(_ISO))
    f35 = _number(tag(_FOCAL_35MM))
    lat = _degrees(gps.get(_GPS_LAT), gps.get(_GPS_LAT_REF)) if gps else None
    lon = _degrees(gps.get(_GPS_LON), gps.get(_GPS_LON_REF)) if gps else None
    if lat is not None and lon is not None and (abs(lat) > 90 or abs(lon) > 180 or (lat == 0 and lon == 0)):
        lat = lon = None  # a camera without a fix writes zeros
    alt = _number(gps.get(_GPS_ALT)) if gps else None
    if alt is not None and gps.get(_GPS_ALT_REF) in (1, b"\x01"):
        alt = -alt
    lens = _text(tag(_LENS_MODEL))
    lens_make = _text(tag(_LENS_MAKE))
    if lens and lens_make and not lens.lower().startswith(lens_make.lower()):
        lens = f"{lens_make} {lens}"
    orientation = _number(exif.get(_ORIENTATION))
    return Exif(
        taken=_date(tag(_DATETIME_ORIGINAL), tag(_OFFSET_TIME_ORIGINAL)) or _date(exif.get(_DATETIME), None),
        camera_make=_text(exif.get(_MAKE)),
        camera_model=_text(exif.get(_MODEL)),
        lens=lens or lens_make,
        exposure_time=_number(tag(_EXPOSURE_TIME)),
        f_number=_number(tag(_F_NUMBER)),
        iso=int(iso) if iso else None,
        focal_length=_number(tag(_FOCAL_LENGTH)),
        focal_length_35mm=int(f35) if f35 else None,
        latitude=lat if lon is not None else None,
        longitude=lon if lat is not None else None,
        altitude=alt if lat is not None else None,
        orientation=int(orientation) if orientation else None,
    )


@dataclass(frozen=True)
class FaceInPhoto:
    face_id: int
    box: tuple[float, float, float, float]
    """x, y, w, h in the photo's upright full-size pixels."""
    person_id: int | None
    name: str | None
    """The person's name; None for an unnamed person or an unsorted face."""


@dataclass(frozen=True)
class PhotoDetails:
    """What the preview shows beside a photo (Library.photo_details)."""

    photo_id: int
    path: str
    file_size: int
    width: int | None
    height: int | None
    date: float | None
    """The date the library sorts by (EXIF when taken, else the file's time), seconds since the epoch."""
    exif: Exif
    faces: tuple[FaceInPhoto, ...]


def photo_details(catalog: Any, photo_id: int) -> PhotoDetails | None:
    """The photo's record, its EXIF (the file is opened, not decoded) and its faces with their
    people's names; None when the photo is not in the catalog."""
    photo = catalog.photo(photo_id)
    if photo is None:
        return None
    faces = tuple(
        FaceInPhoto(int(fid), (float(x), float(y), float(w), float(h)), person, name)
        for fid, x, y, w, h, person, name in catalog.conn.execute(
            "SELECT f.id, f.x, f.y, f.w, f.h, f.person_id, p.name FROM faces f LEFT JOIN people p ON p.id = f.person_id"
            " WHERE f.photo_id = ? ORDER BY f.x", (photo_id,)))
    return PhotoDetails(photo.id, photo.path, photo.size, photo.width, photo.height, photo.date,
                        read_exif(photo.path), faces)
