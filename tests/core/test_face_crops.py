"""Face crops on a real face photo: the whole head with room around it (forehead and chin not cut),
square, inside the image; crops made by the older rule are made again when People asks."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from photoindex.config import Settings
from photoindex.core import faces as F
from photoindex.core.faces.crops import CROP_MARGIN, CROP_SIZE, crop_box, legacy_crop_paths
from tests.conftest import SHARED_ASSETS

FACES = SHARED_ASSETS / "faces" / "face_recognition_ageitgey"
PHOTO = FACES / "examples" / "obama-480p.jpg"
CENTRED = FACES / "pr1285" / "examples" / "face_recognition_svm_proba" / "people_dataset" / "test" / "test_steve_wozniak.jpg"
needs_assets = pytest.mark.skipif(not PHOTO.exists(), reason="needs ../shared/assets")


def test_crop_box_keeps_a_margin_and_stays_inside_the_image() -> None:
    # A face in the middle: 40% of its side on every side (lifted a little: more forehead).
    left, top, right, bottom = crop_box((400, 300, 100, 120), (1000, 800))
    assert right - left == bottom - top, "square"
    side = right - left
    assert side == pytest.approx(120 * (1 + 2 * CROP_MARGIN), abs=1)
    assert top <= 300 - 0.35 * 120, "room above the brows for the forehead"
    assert bottom >= 420 + 0.2 * 120, "room below the lips for the chin"
    assert left <= 400 - 0.3 * 100 and right >= 500 + 0.3 * 100
    # A face at the corner: the square moves inside instead of being padded with black.
    assert crop_box((0, 0, 100, 100), (1000, 800))[:2] == (0, 0)
    l2, t2, r2, b2 = crop_box((950, 700, 50, 100), (1000, 800))
    assert r2 <= 1000 and b2 <= 800 and r2 - l2 == b2 - t2
    # An image smaller than the square: the square is as large as the image allows.
    l3, t3, r3, b3 = crop_box((10, 10, 80, 80), (100, 90))
    assert (l3, t3) >= (0, 0) and r3 <= 100 and b3 <= 90 and r3 - l3 == b3 - t3 == 90


@needs_assets
def test_real_face_crop_has_the_whole_head_and_no_black_border(tmp_path: Path) -> None:
    from PIL import Image

    from photoindex.core.imageio import load_image

    settings = Settings(library_dir=tmp_path / "library", weights="random", models_dir=SHARED_ASSETS / "models",
                        faces=True)
    decoded = load_image(CENTRED, min_side=F.FACE_DECODE_MIN_SIDE)
    found = F.FaceAnalyzer(settings).analyze(decoded.image, (decoded.width, decoded.height))
    assert len(found) == 1
    x, y, w, h = found[0].box
    s = decoded.image.width / decoded.width
    left, top, right, bottom = crop_box([v * s for v in found[0].box], decoded.image.size)
    # The detector's box runs from the brows to the lips; the crop holds the head around it.
    assert top < y * s - 0.3 * h * s and bottom > (y + h) * s + 0.15 * h * s
    # The eyes (landmarks) sit in the upper middle of the crop, not at its top edge.
    eyes_y = (found[0].landmarks[:2, 1].mean() * s - top) / (bottom - top)
    assert 0.3 < eyes_y < 0.55
    # A face near the top of the photo (obama-480p: 37 px of room above a 151 px box): the square
    # moves down inside the picture instead of being padded with black above the head.
    decoded = load_image(PHOTO, min_side=F.FACE_DECODE_MIN_SIDE)
    (face,) = F.FaceAnalyzer(settings).analyze(decoded.image, (decoded.width, decoded.height))
    dest = tmp_path / "crop.jpg"
    F.crops.write_crop(decoded.image, (decoded.width, decoded.height), face.box, dest)
    crop = np.asarray(Image.open(dest).convert("RGB"), dtype=np.float32)
    assert crop.shape == (CROP_SIZE, CROP_SIZE, 3)
    for edge in (crop[:3], crop[-3:], crop[:, :3], crop[:, -3:]):
        assert edge.mean() > 15, "no black padding along any edge"


@needs_assets
def test_old_crops_are_made_again_with_the_margin(tmp_path: Path) -> None:
    from PIL import Image

    from photoindex.core.imageio import load_image
    from photoindex.core.library import Library

    settings = Settings(library_dir=tmp_path / "library", weights="random", models_dir=SHARED_ASSETS / "models",
                        faces=True)
    photo = tmp_path / "photos" / "obama.jpg"
    photo.parent.mkdir()
    shutil.copy(PHOTO, photo)
    lib = Library(settings)
    try:
        decoded = load_image(photo, min_side=F.FACE_DECODE_MIN_SIDE)
        found = F.FaceAnalyzer(settings).analyze(decoded.image, (decoded.width, decoded.height))
        with lib.writer.transaction() as cat:
            pid = cat.insert_photo(str(photo), photo.stat().st_size, photo.stat().st_mtime_ns, None)
            cat.mark_ok(pid, decoded.width, decoded.height, None)
            (face_id,) = F.save_faces(cat, pid, found, decoded.image, (decoded.width, decoded.height),
                                      settings.faces_dir)
        current = lib.people.crop_path(face_id, remake=False)
        assert current.exists()
        # As an older version left it: the tight crop under the old name, no new one.
        old = legacy_crop_paths(settings.faces_dir, face_id)[0]
        x, y, w, h = (int(v) for v in found[0].box)
        Image.open(photo).crop((x, y, x + w, y + h)).save(old)
        current.unlink()
        again = lib.people.crop_path(face_id)
        assert again == current and again.exists(), "made again from the photo"
        assert not old.exists(), "the old crop is removed"
        with Image.open(again) as img:
            assert img.size == (CROP_SIZE, CROP_SIZE)
        # The photo itself is untouched.
        assert photo.read_bytes() == PHOTO.read_bytes()
        # Deleting all face data removes the versioned names too.
        lib.people.delete_all()
        assert not again.exists()
    finally:
        lib.close()
