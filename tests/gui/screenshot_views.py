"""The preview (with its details), People and the Map (with its legend) under a real X server,
on a small library with Korean names and real faces; one PNG each, for a person to look at.

Run by test_views_screenshot.py as `xvfb-run python -m tests.gui.screenshot_views OUTDIR WORKDIR`.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

os.environ.pop("QT_QPA_PLATFORM", None)  # the real xcb platform on Xvfb
os.environ.setdefault("PHOTOINDEX_WEIGHTS", "random")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

FACES = Path(__file__).resolve().parents[2].parent / "shared" / "assets" / "faces" / "face_recognition_ageitgey"
PEOPLE_PHOTOS = {
    "가족 여행 제주도.jpg": "examples/two_people.jpg",
    "오바마 연설.jpg": "examples/obama.jpg",
    "오바마 2.jpg": "examples/obama2.jpg",
    "바이든.jpg": "examples/biden.jpg",
    "바이든 2.jpg": "examples/knn_examples/train/biden/biden2.jpg",
    "존 스노우.jpg": "examples/knn_examples/train/kit_harington/john1.jpeg",
    "존 2.jpg": "examples/knn_examples/train/kit_harington/john2.jpeg",
    "로즈.jpg": "examples/knn_examples/train/rose_leslie/img1.jpg",
    "로즈 2.jpg": "examples/knn_examples/train/rose_leslie/img2.jpg",
}


def _with_exif(src: Path, dest: Path) -> None:
    """A copy of a test photo carrying a camera's EXIF (the copy is ours: a temporary folder)."""
    from PIL import ExifTags, Image
    from PIL.TiffImagePlugin import IFDRational

    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "FUJIFILM", "X-T30"
    sub = exif.get_ifd(ExifTags.IFD.Exif)
    sub[0x9003], sub[0x9011] = "2024:05:04 16:21:09", "+09:00"
    sub[0x829A], sub[0x829D], sub[0x8827] = IFDRational(1, 500), IFDRational(56, 10), 200
    sub[0x920A], sub[0xA405], sub[0xA434] = IFDRational(35, 1), 52, "XF35mmF2 R WR"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[1], gps[2] = "N", (IFDRational(33, 1), IFDRational(27, 1), IFDRational(2160, 100))
    gps[3], gps[4] = "E", (IFDRational(126, 1), IFDRational(33, 1), IFDRational(5400, 100))
    with Image.open(src) as img:
        img.convert("RGB").save(dest, quality=92, exif=exif)


def main(out_dir: str, work: str) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from photoindex.config import Settings
    from photoindex.core.library import Library
    from photoindex.gui.map_view import COLOR_MODES, MapView
    from photoindex.gui.people_view import PeopleView
    from photoindex.gui.preview import PreviewDialog
    from tests.photos import save_jpeg, scene

    out = Path(out_dir)
    root = Path(work) / "사진" / "가족"
    root.mkdir(parents=True)
    for name, rel in PEOPLE_PHOTOS.items():
        if name.startswith("가족"):
            _with_exif(FACES / rel, root / name)
        else:
            shutil.copy(FACES / rel, root / name)
    trip = Path(work) / "사진" / "여행 2023"
    for i, name in enumerate(["바다", "일출", "한라산", "야경", "꽃 축제", "캠핑"]):
        save_jpeg(trip / f"{name}.jpg", scene(i, (800, 600)))
    models = FACES.parents[1] / "models"
    settings = Settings(library_dir=Path(work) / "library", weights="random", clip_model="photoindex-tiny",
                        dino_model="photoindex-tiny", faces=True, models_dir=models, threads=2)
    lib = Library(settings)
    lib.add_root(str(Path(work) / "사진"))
    report = lib.run_index()
    print("indexed", report, file=sys.stderr)
    for file, name in (("오바마 연설.jpg", "오바마 대통령"), ("바이든.jpg", "조 바이든"),
                       ("존 스노우.jpg", "Kit Harington (존 스노우) at the premiere of Game of Thrones")):
        pid = lib.catalog().photo_by_path(str(root / file)).id
        faces = lib.people.faces_in_photo(pid)
        if faces and faces[0].person_id is not None:
            lib.people.rename(faces[0].person_id, name)
    for _ in lib.map.update("clip", full=True):
        pass
    photo = lib.catalog().photo_by_path(str(root / "가족 여행 제주도.jpg"))
    ids = [p.id for p in lib.photos()]

    app = QApplication([sys.argv[0]])
    preview = PreviewDialog(ids, ids.index(photo.id), lib)
    preview.resize(1280, 760)
    preview.show()
    people_view = PeopleView(lib)
    people_view.resize(1100, 700)
    map_view = MapView(lib, auto_compute=False)
    map_view.resize(1100, 760)
    state = {"ticks": 0, "phase": "preview"}

    def tick() -> None:
        state["ticks"] += 1
        if state["ticks"] > 600:
            print("timed out in", state["phase"], file=sys.stderr)
            app.exit(2)
        if state["phase"] == "preview" and preview.canvas.pixmap is not None and preview.details is not None:
            state["phase"], state["at"] = "preview wait", state["ticks"]
        elif state["phase"] == "preview wait" and state["ticks"] - state["at"] > 5:
            preview.grab().save(str(out / "preview.png"))
            preview.close()
            people_view.show()
            state["phase"] = "people"
        elif state["phase"] == "people" and people_view.model.rowCount() and people_view.model.covers:
            people_view.view.setCurrentIndex(people_view.model.index(0))
            state["phase"], state["at"] = "people wait", state["ticks"]
        elif state["phase"] == "people wait" and state["ticks"] - state["at"] > 10:
            people_view.grab().save(str(out / "people.png"))
            people_view.close()
            map_view.show()
            state["phase"] = "map"
        elif state["phase"] == "map" and len(map_view.canvas.ids) and not map_view.loading:
            map_view.color_box.setCurrentIndex(COLOR_MODES.index("Folder"))
            state["phase"], state["at"] = "map wait", state["ticks"]
        elif state["phase"] == "map wait" and state["ticks"] - state["at"] > 15:
            map_view.grab().save(str(out / "map-legend.png"))
            map_view.color_box.setCurrentIndex(COLOR_MODES.index("Person"))
            map_view.canvas.zoom(0.6)
            state["phase"], state["at"] = "map person", state["ticks"]
        elif state["phase"] == "map person" and state["ticks"] - state["at"] > 5:
            map_view.grab().save(str(out / "map-legend-person.png"))
            app.exit(0)

    timer = QTimer(interval=100, timeout=tick)
    timer.start()
    code = app.exec()
    map_view.stop()
    people_view.runner.wait(10000)
    lib.close()
    return code


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:3]))
