"""The real window in Korean under a real X server (Xvfb), as a person with LANG=ko_KR.UTF-8 meets it.

Run by test_translation.py as `LANG=ko_KR.UTF-8 xvfb-run python -m tests.gui.screenshot_ko OUTDIR WORKDIR`.
The language comes from the system locale through photoindex.gui.i18n, as gui/app.py installs it; saves
ko-browse.png (the grid by date), ko-search.png, ko-people.png, ko-map.png, ko-duplicates.png,
ko-failures.png and ko-settings.png into OUTDIR.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.pop("QT_QPA_PLATFORM", None)  # the real xcb platform on Xvfb
os.environ.setdefault("PHOTOINDEX_WEIGHTS", "random")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

NAMES = ["바다 여행", "가족 사진", "생일 파티", "제주도 일출", "강아지 산책", "서울 야경", "Beach day", "Mountains",
         "꽃 축제", "한강 공원", "눈 오는 날", "캠핑"]
FOLDERS = ["2019 제주도 여행"] * 4 + ["가족/부산"] * 3 + [""] * 5
DATES = ["2019:08:03", "2019:08:04", "2019:08:05", "2019:07:21", "2020:05:01", "2020:05:02", "2020:03:14",
         "2021:12:25", "2021:12:24", "2021:10:09", "2018:01:20", "2018:01:21"]
PEOPLE = [("민지", 4), ("", 3), ("Daniel 박", 2)]


def make_photos(root: Path) -> None:
    """Dated photos with Korean and English names in Korean folders, an exact copy (a duplicate
    group) and a broken file (the failures panel)."""
    from tests.photos import save_jpeg, scene

    for i, name in enumerate(NAMES):
        save_jpeg(root / FOLDERS[i] / f"{name}.jpg", scene(i, (800, 600)), date=f"{DATES[i]} 10:00:00")
    copy = root / "백업" / "바다 여행 (1).jpg"
    copy.parent.mkdir(parents=True, exist_ok=True)
    copy.write_bytes((root / FOLDERS[0] / f"{NAMES[0]}.jpg").read_bytes())
    (root / "망가진 파일.jpg").write_bytes(b"broken")


def add_people(library, photo_ids: list[int]) -> None:
    """People from synthetic face descriptors (the view, not the face models, is shown): 민지 in 4
    photos, an unnamed person in 3, 'Daniel 박' in 2. Test code: it writes through the core."""
    import numpy as np
    from PIL import Image

    from photoindex.core import faces as F

    class Face:
        def __init__(self, d) -> None:
            self.box, self.landmarks, self.score, self.descriptor = (200, 150, 300, 300), np.zeros((5, 2)), 0.9, d

    rng = np.random.default_rng(0)
    ids = iter(photo_ids)
    colours = ["#d98c5f", "#7aa6c2", "#9bc27a"]
    with library.writer.transaction() as cat:
        for (_, count), colour in zip(PEOPLE, colours, strict=True):
            centre = (rng.normal(size=128) * 0.056).astype(np.float32)
            for _ in range(count):
                face = Face((centre + rng.normal(size=128) * 0.01).astype(np.float32))
                F.save_faces(cat, next(ids), [face], Image.new("RGB", (800, 600), colour), (800, 600),
                             library.settings.faces_dir)
    library.people.recluster()
    for person in library.people.all():
        name = next((n for n, count in PEOPLE if count == person.photo_count), "")
        if name:
            library.people.rename(person.id, name)


def main(out_dir: str, work: str) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from photoindex.config import Settings
    from photoindex.core.library import Library
    from photoindex.gui import i18n
    from photoindex.gui.main_window import PAGE_DUPLICATES, PAGE_MAP, PAGE_PEOPLE, MainWindow
    from photoindex.gui.settings_dialog import SettingsDialog

    out = Path(out_dir)
    root = Path(work) / "사진"
    make_photos(root)
    settings = Settings(library_dir=Path(work) / "library", weights="random", clip_model="photoindex-tiny",
                        dino_model="photoindex-tiny", faces=False, threads=2)
    app = QApplication([sys.argv[0]])
    language = i18n.install(app, "system")
    if language != "ko":
        print(f"the system locale gave {language!r}, not Korean (LANG={os.environ.get('LANG')})", file=sys.stderr)
        return 3
    library = Library(settings)
    window = MainWindow(library, [str(root)], thumb_size=170)
    window.resize(1280, 800)
    window.show()
    state = {"phase": "indexing", "ticks": 0, "at": 0}

    def later(phase: str) -> None:
        state["phase"], state["at"] = phase, state["ticks"]

    def waited(ticks: int) -> bool:
        return state["ticks"] - state["at"] > ticks

    def tick() -> None:
        state["ticks"] += 1
        if state["ticks"] > 900:
            print(f"timed out in {state['phase']}", file=sys.stderr)
            app.exit(2)
        phase = state["phase"]
        if phase == "indexing" and window.worker is not None and window.worker.isFinished():
            add_people(library, sorted(it.photo_id for it in window.model.items))
            later("browse")
        elif phase == "browse" and waited(20):
            window.grab().save(str(out / "ko-browse.png"))
            window.relevant_only.setChecked(False)
            window.search.setText("바다 여행 + 일출")
            window.run_search(force=True)
            later("searching")
        elif phase == "searching" and window.results_token == window._query_token and waited(15):
            window.grid.setCurrentIndex(window.model.index(1))
            window.grab().save(str(out / "ko-search.png"))
            window.show_page(PAGE_PEOPLE)
            later("people")
        elif phase == "people" and waited(20):
            window.grab().save(str(out / "ko-people.png"))
            window.show_page(PAGE_MAP)
            later("map")
        elif phase == "map":
            view = window.pages.widget(PAGE_MAP)
            if len(view.canvas.ids) >= len(NAMES) and view.worker is None and not view.loading and waited(20):
                window.grab().save(str(out / "ko-map.png"))
                window.show_page(PAGE_DUPLICATES)
                later("duplicates")
        elif phase == "duplicates":
            view = window.pages.widget(PAGE_DUPLICATES)
            if view.cards and waited(20):
                window.grab().save(str(out / "ko-duplicates.png"))
                window.show_failures()
                later("failures")
        elif phase == "failures" and window.failures.table.rowCount() and waited(10):
            window.grab().save(str(out / "ko-failures.png"))
            dialog = SettingsDialog(library, 170, window, roots=list(window.roots))
            dialog.show()
            state["dialog"] = dialog
            later("settings")
        elif phase == "settings" and waited(5):
            dialog = state["dialog"]
            dialog.grab().save(str(out / "ko-settings.png"))
            dialog.reject()
            app.exit(0)

    timer = QTimer(interval=100, timeout=tick)
    timer.start()
    code = app.exec()
    window.close()
    return code


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:3]))
