"""The preview on a real library: real JPEG files with EXIF, a real catalog with a named face, real
Qt widgets. Zoom (fit, 100%, wheel around the cursor), a rotated view that never writes the file,
the details panel through QLocale, stepping; the GUI thread never touches the catalog."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from tests.core.test_exif import _jpeg_with_exif


class _Face:
    def __init__(self, box):
        self.box, self.landmarks, self.score, self.descriptor = box, np.zeros((5, 2)), 0.9, np.zeros(128, np.float32)


@pytest.fixture
def photos_library(tiny_settings, tmp_path: Path):
    from PIL import Image

    from photoindex.core import faces as F
    from photoindex.core.library import Library
    from tests.gui.conftest import record_gui_thread_catalog

    folder = tmp_path / "사진"
    folder.mkdir()
    exif_photo = _jpeg_with_exif(folder / "제주 여행.jpg")
    big = folder / "big.jpg"
    rng = np.random.default_rng(0)
    Image.fromarray(rng.integers(0, 255, (2000, 3000, 3), dtype=np.uint8)).save(big, quality=80)
    plain = folder / "plain.png"
    Image.new("RGB", (400, 300), (200, 100, 50)).save(plain)
    lib = Library(tiny_settings)
    ids = []
    with lib.writer.transaction() as cat:
        for path, (w, h) in ((exif_photo, (640, 480)), (big, (3000, 2000)), (plain, (400, 300))):
            pid = cat.insert_photo(str(path), path.stat().st_size, path.stat().st_mtime_ns, None)
            cat.mark_ok(pid, w, h, None)
            ids.append(pid)
        F.save_faces(cat, ids[0], [_Face((300, 120, 100, 130)), _Face((60, 150, 80, 100))], None, (640, 480),
                     tiny_settings.faces_dir)
        face = cat.conn.execute("SELECT id FROM faces WHERE photo_id = ? ORDER BY x DESC", (ids[0],)).fetchone()[0]
        person = cat.conn.execute("INSERT INTO people(name, created_at) VALUES ('민아', 0)").lastrowid
        cat.conn.execute("UPDATE faces SET person_id = ? WHERE id = ?", (person, face))
    hashes = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in (exif_photo, big, plain)}
    lib.gui_thread_calls = record_gui_thread_catalog(lib)
    yield lib, ids, hashes
    lib.close()


@pytest.fixture
def preview(qtbot, photos_library):
    from photoindex.gui.preview import PreviewDialog

    lib, ids, hashes = photos_library
    dlg = PreviewDialog(ids, 0, lib)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitUntil(lambda: dlg.canvas.pixmap is not None, timeout=20000)
    yield dlg
    dlg.pool.waitForDone(10000)
    assert lib.gui_thread_calls == [], "the preview reads the catalog on a worker"
    for path, digest in hashes.items():
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest, f"{path} was written"


def test_details_panel_shows_exif_faces_and_place(preview) -> None:
    from PySide6.QtCore import QDate, QLocale, QTime

    text = preview.info.text()
    loc = QLocale()
    when = (loc.toString(QDate(2023, 8, 15), QLocale.FormatType.LongFormat) + ", "
            + loc.toString(QTime(14, 32, 5), QLocale.FormatType.ShortFormat))
    for expected in ("제주 여행.jpg", when, "UTC+09:00", "Canon EOS R6", "Canon RF50mm F1.8 STM", "1/250 s", "f/2.8",
                     "ISO 400", "50 mm", "640 × 480 pixels", loc.formattedDataSize(preview.details.file_size),
                     "33.46000° N", "126.55000° E", "openstreetmap.org/?mlat=33.46", "민아", "Not sorted yet"):
        assert expected in text, f"{expected!r} not in the details"
    assert [name for _box, name in preview.canvas.faces] == ["", "민아"]
    assert preview.windowTitle() == "제주 여행.jpg"


def test_details_follow_the_locale(preview) -> None:
    from PySide6.QtCore import QLocale

    from photoindex.gui.preview import format_details

    korean = dict(format_details(preview.details, QLocale(QLocale.Language.Korean, QLocale.Country.SouthKorea)))
    german = dict(format_details(preview.details, QLocale(QLocale.Language.German, QLocale.Country.Germany)))
    assert "2023년" in korean["Taken"] and "8월" in korean["Taken"]
    assert "August" in german["Taken"]
    assert "f/2,8" in german["Exposure"], "decimal comma in German"
    assert "33,46000° N" in german["Place"]


def test_zoom_fit_100_and_wheel_around_the_cursor(qtbot, preview) -> None:
    from PySide6.QtCore import QPoint, QPointF, Qt
    from PySide6.QtGui import QWheelEvent

    preview.step(1)  # the 3000 x 2000 photo
    qtbot.waitUntil(lambda: preview.canvas.full_size == (3000, 2000) and preview.canvas.pixmap is not None,
                    timeout=20000)
    c = preview.canvas
    assert c.pixmap.width() < 3000, "first shown at screen size"
    assert c.scale() == pytest.approx(min(c.width() / 3000, c.height() / 2000))
    preview.actual_button.click()
    assert c.scale() == pytest.approx(1.0) and preview.zoom_label.text() == "100%"
    qtbot.waitUntil(lambda: c.pixmap.width() == 3000, timeout=20000)  # the full-size decode arrives
    assert c.scale() == pytest.approx(1.0), "the view stays where it was"
    # The wheel zooms around the cursor: the photo point under it stays under it.
    cursor = QPointF(c.width() * 0.3, c.height() * 0.7)
    before = c.transform().inverted()[0].map(cursor)
    event = QWheelEvent(cursor, c.mapToGlobal(cursor), QPoint(), QPoint(0, 240), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    c.wheelEvent(event)
    assert c.scale() == pytest.approx(1.5625)
    after = c.transform().inverted()[0].map(cursor)
    assert (after.x(), after.y()) == pytest.approx((before.x(), before.y()), abs=1e-6)
    # Drag pans; Fit comes back.
    qtbot.mousePress(c, Qt.MouseButton.LeftButton, pos=QPoint(200, 200))
    qtbot.mouseMove(c, QPoint(260, 230))
    qtbot.mouseRelease(c, Qt.MouseButton.LeftButton, pos=QPoint(260, 230))
    moved = c.transform().inverted()[0].map(cursor)
    assert moved.x() == pytest.approx(after.x() - 60 / 1.5625, abs=0.5)
    preview.fit_button.click()
    assert c.zoom is None and c.scale() == pytest.approx(min(c.width() / 3000, c.height() / 2000))


def test_rotating_turns_the_view_not_the_file(qtbot, preview) -> None:
    from PySide6.QtCore import Qt

    c = preview.canvas
    w, h = c.full_size
    qtbot.keyClick(preview, Qt.Key.Key_R)
    assert c.rotation == 90
    assert c.scale() == pytest.approx(min(c.width() / h, c.height() / w)), "fitted on its side"
    from PySide6.QtCore import QPointF

    corner = c.transform().map(QPointF(0, 0))  # turned right: the photo's top-left is now top-right
    assert corner.x() > c.width() / 2 and corner.y() < c.height() / 2
    preview.rotate_left.click()
    preview.rotate_left.click()
    assert c.rotation == 270
    # (the fixture checks that no photo file changed)


def test_arrows_step_and_say_where_we_are(qtbot, preview) -> None:
    from PySide6.QtCore import Qt

    assert preview.position.text() == "1 of 3" and not preview.prev_button.isEnabled()
    seen = []
    preview.current_changed.connect(seen.append)
    qtbot.keyClick(preview, Qt.Key.Key_Right)
    qtbot.keyClick(preview, Qt.Key.Key_Right)
    assert preview.position.text() == "3 of 3" and not preview.next_button.isEnabled()
    qtbot.waitUntil(lambda: preview.details is not None and preview.details.path.endswith("plain.png"), timeout=20000)
    assert "Camera" not in preview.info.text(), "no EXIF: no camera row"
    assert seen == preview.photo_ids[1:]
