"""Open the real window on a small library under a real X server (Xvfb) and save a screenshot.

Run by test_screenshot.py as `xvfb-run python -m tests.gui.screenshot_app OUT.png WORKDIR [dark]`;
the Map page of the same library is saved beside it as OUT-map.png;
with "dark" the application gets a dark palette, as a desktop in dark mode gives it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.pop("QT_QPA_PLATFORM", None)  # the real xcb platform on Xvfb
os.environ.setdefault("PHOTOINDEX_WEIGHTS", "random")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def dark_palette():
    from PySide6.QtGui import QColor, QPalette

    pal = QPalette()
    roles = QPalette.ColorRole
    for role, rgb in ((roles.Window, (37, 38, 41)), (roles.WindowText, (230, 230, 230)), (roles.Base, (28, 29, 32)),
                      (roles.AlternateBase, (45, 46, 50)), (roles.Text, (230, 230, 230)), (roles.Button, (48, 49, 53)),
                      (roles.ButtonText, (230, 230, 230)), (roles.Highlight, (61, 126, 219)),
                      (roles.HighlightedText, (255, 255, 255)), (roles.Mid, (70, 72, 77)), (roles.Midlight, (58, 60, 64)),
                      (roles.Light, (80, 82, 88)), (roles.Dark, (20, 20, 22)), (roles.ToolTipBase, (50, 50, 55)),
                      (roles.ToolTipText, (230, 230, 230)), (roles.PlaceholderText, (150, 150, 155))):
        pal.setColor(role, QColor(*rgb))
    pal.setColor(QPalette.ColorGroup.Disabled, roles.WindowText, QColor(140, 140, 145))
    pal.setColor(QPalette.ColorGroup.Disabled, roles.Text, QColor(140, 140, 145))
    return pal


def main(out: str, work: str, theme: str = "light") -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from photoindex.config import Settings
    from photoindex.core.library import Library
    from photoindex.gui.main_window import PAGE_MAP, MainWindow
    from tests.photos import save_jpeg, scene

    root = Path(work) / "사진"
    names = ["바다 여행", "가족 사진", "생일 파티", "제주도 일출", "강아지 산책", "서울 야경", "Beach day", "Mountains",
             "꽃 축제", "한강 공원", "눈 오는 날", "캠핑"]
    folders = ["가족여행/제주도"] * 4 + ["가족여행/부산"] * 3 + [""] * 5  # a timeline over folders
    dates = ["2019:08:03", "2019:08:04", "2019:08:05", "2019:07:21", "2020:05:01", "2020:05:02", "2020:03:14",
             "2021:12:25", "2021:12:24", "2021:10:09", "2018:01:20", "2018:01:21"]
    for i, name in enumerate(names):
        save_jpeg(root / folders[i] / f"{name}.jpg", scene(i, (800, 600)), date=f"{dates[i]} 10:00:00")
    (root / "망가진 파일.jpg").write_bytes(b"broken")
    settings = Settings(library_dir=Path(work) / "library", weights="random", clip_model="photoindex-tiny",
                        dino_model="photoindex-tiny", faces=False, threads=2)
    map_out = str(Path(out).with_name(Path(out).stem + "-map.png"))
    browse_out = str(Path(out).with_name(Path(out).stem + "-browse.png"))
    app = QApplication([sys.argv[0]])
    if theme == "dark":
        app.setStyle("Fusion")
        app.setPalette(dark_palette())
    window = MainWindow(Library(settings), [str(root)], thumb_size=170)
    window.resize(1280, 800)
    window.show()
    state = {"phase": "indexing", "ticks": 0}

    def tick() -> None:
        state["ticks"] += 1
        if state["ticks"] > 600:
            print("timed out", file=sys.stderr)
            app.exit(2)
        if state["phase"] == "indexing" and window.worker is not None and window.worker.isFinished():
            state["phase"] = "browse"  # the timeline and the folder tree first, as a user meets them
            state["at"] = state["ticks"]
        elif state["phase"] == "browse" and state["ticks"] - state["at"] > 20:
            window.grab().save(browse_out)
            window.relevant_only.setChecked(False)
            window.search.setText("바다 여행 + 일출")
            window.run_search(force=True)
            state["phase"] = "searching"
        elif state["phase"] == "searching" and window.results_token == window._query_token:
            state["phase"] = "thumbs"
            state["at"] = state["ticks"]
            window.grid.setCurrentIndex(window.model.index(1))  # a selected cell, as a user leaves it
        elif state["phase"] == "thumbs" and state["ticks"] - state["at"] > 15:
            window.grab().save(out)
            window.show_page(PAGE_MAP)  # then the Map page, laid out from the same library
            state["phase"] = "map"
        elif state["phase"] == "map":
            view = window.pages.widget(PAGE_MAP)
            if len(view.canvas.ids) == len(names) and view.worker is None and not view.loading:
                state["phase"] = "map thumbs"
                state["at"] = state["ticks"]
        elif state["phase"] == "map thumbs" and state["ticks"] - state["at"] > 15:
            window.grab().save(map_out)
            app.exit(0)

    timer = QTimer(interval=100, timeout=tick)
    timer.start()
    code = app.exec()
    window.close()
    return code


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:4]))
