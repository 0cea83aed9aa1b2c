"""The Duplicates view on a real library: generated photos with copies in Korean-named folders,
indexed with the tiny random-weight models, a real Trash in a temporary XDG_DATA_HOME (never the
user's), real Qt widgets (offscreen). Every test fails if the GUI thread touches the catalog."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QDateTime, QLocale, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent, QWheelEvent
from PySide6.QtWidgets import QApplication, QMessageBox

from tests.core.test_duplicates import _variant
from tests.photos import save_jpeg, scene

WAIT = 120_000
N_DISTINCT = 6
WITH_COPIES = 2
VARIANTS = ("copy", "half", "q60")
FOLDERS = {"copy": "사본", "half": "작은 사진", "q60": "압축"}
PROJECT = Path(__file__).resolve().parents[2]


def make_photos(root: Path) -> dict[str, int]:
    """N_DISTINCT photos in 원본/, and for the first WITH_COPIES a byte copy, a half-size copy and
    a quality-60 re-encode, each in a folder of its own. {path: source}"""
    truth: dict[str, int] = {}
    for i in range(N_DISTINCT):
        img = scene(2000 + i)
        src = save_jpeg(root / "원본" / f"사진 {i:02d}.jpg", img)
        truth[str(src)] = i
        if i < WITH_COPIES:
            for kind in VARIANTS:
                truth[str(_variant(src, img, kind, root / FOLDERS[kind] / f"사진 {i:02d} {kind}.jpg"))] = i
    return truth


@pytest.fixture
def trash_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The desktop Trash of these tests: a temporary folder, never the user's."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg" / "Trash"


@pytest.fixture
def dup_view(qtbot, tiny_settings, tmp_path: Path, trash_home: Path):
    from photoindex.core.library import Library
    from photoindex.gui.duplicates_view import DuplicatesView
    from tests.gui.conftest import record_gui_thread_catalog

    root = tmp_path / "사진"
    truth = make_photos(root)
    lib = Library(tiny_settings)
    assert lib.run_index([root]).failed == 0
    calls = record_gui_thread_catalog(lib)
    view = DuplicatesView(lib)
    qtbot.addWidget(view)
    view.resize(1400, 800)
    view.show()
    qtbot.waitUntil(lambda: view.list.count() == WITH_COPIES and len(view.cards) == 4, timeout=WAIT)
    view.truth = truth
    yield view
    view.stop()
    assert calls == [], "the GUI thread touched the catalog:\n" + "\n".join(dict.fromkeys(calls))
    lib.close()


def _accept(box: QMessageBox) -> None:
    next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole).click()


def _in_trash(trash: Path) -> list[str]:
    return sorted(os.listdir(trash / "files")) if (trash / "files").is_dir() else []


def test_groups_are_listed_and_a_group_opens_side_by_side(qtbot, dup_view) -> None:
    view = dup_view
    loc = QLocale()
    assert [g.kind for g in view.groups] == ["near", "near"]  # original, byte copy, resize, re-encode
    for row, group in enumerate(view.groups):
        text = view.list.item(row).text()
        assert "Near-copies" in text and "4 photos" in text
        assert loc.formattedDataSize(sum(p.bytes for p in group.others)) + " to gain" in text
    group = view.current_group()
    assert [c.photo.photo_id for c in view.cards] == [p.photo_id for p in group.photos]
    keeper = view.cards[0]
    assert keeper.photo.photo_id == group.keep
    assert "Suggested keeper" in keeper.keeper.text() and group.reason in keeper.keeper.text()
    assert keeper.keep_button.isChecked() and all(c.trash_button.isChecked() for c in view.cards[1:])
    assert all(not c.keeper.text() for c in view.cards[1:])
    half = next(c for c in view.cards if "half" in c.photo.path)
    facts = half.facts.text()
    assert f"{loc.toString(320)} × {loc.toString(240)}" in facts and loc.formattedDataSize(half.photo.bytes) in facts
    stamp = QDateTime.fromSecsSinceEpoch(int(half.photo.mtime))
    day = loc.toString(stamp.date(), "yyyy")  # the long date, with the full year: '2019년 8월 3일'
    time = loc.toString(stamp.time(), QLocale.FormatType.ShortFormat)
    assert "Sharpness" in facts and day in facts and time in facts
    # The pictures are decoded off the GUI thread and drawn.
    qtbot.waitUntil(lambda: all(c.pane.pixmap is not None for c in view.cards), timeout=WAIT)
    # The next group opens with its own photos.
    view.list.setCurrentRow(1)
    assert [c.photo.photo_id for c in view.cards] == [p.photo_id for p in view.groups[1].photos]


def test_kind_filter_and_strictness(qtbot, dup_view) -> None:
    view = dup_view
    view.kind.setCurrentIndex(view.kind.findData("exact"))
    qtbot.waitUntil(lambda: [len(g.photos) for g in view.groups] == [2, 2], timeout=WAIT)
    assert all("Exact copies" in view.list.item(r).text() for r in range(2))
    assert {Path(c.photo.path).parent.name for c in view.cards} == {"원본", "사본"}
    assert not view.strictness.isEnabled()
    view.kind.setCurrentIndex(view.kind.findData("similar"))
    qtbot.waitUntil(lambda: view.list.count() == 0, timeout=WAIT)  # random weights: no similar shots
    assert view.strictness.isEnabled() and view.empty.isVisible() and not view.cards
    view.strictness.setValue(85)
    assert view.min_similarity() == pytest.approx(0.85)
    assert QLocale().toString(0.85, "f", 2) in view.strictness_label.text()
    view.kind.setCurrentIndex(0)
    qtbot.waitUntil(lambda: view.list.count() == WITH_COPIES and len(view.cards) == 4, timeout=WAIT)


def _wheel(widget, pos: QPointF, notches: int) -> None:
    event = QWheelEvent(pos, widget.mapToGlobal(pos), QPoint(0, 0), QPoint(0, 120 * notches),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def _mouse(widget, kind, pos: QPointF, buttons) -> None:
    event = QMouseEvent(kind, pos, widget.mapToGlobal(pos), Qt.MouseButton.LeftButton, buttons,
                        Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)


def _regions(view) -> list[tuple[float, float, float, float]]:
    return [c.pane.visible_region().getRect() for c in view.cards]


def test_zoom_and_pan_are_synchronised(qtbot, dup_view) -> None:
    view = dup_view
    panes = [c.pane for c in view.cards]
    assert {p.image_size for p in panes} >= {(640, 480), (320, 240)}  # one of them is half the size
    assert all(r == pytest.approx((0, 0, 1, 1), abs=1e-6) for r in _regions(view))
    first = panes[0]
    at = QPointF(first.width() * 0.7, first.height() * 0.4)
    scale, x0, y0 = first._geometry()
    under = ((at.x() - x0) / (first.image_size[0] * scale), (at.y() - y0) / (first.image_size[1] * scale))
    _wheel(first, at, 6)
    assert view.zoom.zoom == pytest.approx(1.25 ** 6)
    scale, x0, y0 = first._geometry()  # the point under the cursor stayed there
    assert ((at.x() - x0) / (first.image_size[0] * scale), (at.y() - y0) / (first.image_size[1] * scale)) == \
        pytest.approx(under, abs=1e-6)
    zoomed = _regions(view)
    assert zoomed[0][2] < 0.9 and zoomed[0][3] < 0.9  # zoomed in ...
    for pane in panes:  # every pane shows the same point of its photo at its centre, at the same zoom
        scale, x0, y0 = pane._geometry()
        assert ((pane.width() / 2 - x0) / (pane.image_size[0] * scale),
                (pane.height() / 2 - y0) / (pane.image_size[1] * scale)) == pytest.approx((view.zoom.cx, view.zoom.cy))
    for region in zoomed[1:]:  # ... and every other pane shows the same part of its photo
        assert region == pytest.approx(zoomed[0], abs=0.02)
    # A drag in another pane pans them all.
    other = panes[2]
    start = QPointF(other.width() / 2, other.height() / 2)
    centre = (view.zoom.cx, view.zoom.cy)
    scale, _, _ = other._geometry()
    _mouse(other, QMouseEvent.Type.MouseButtonPress, start, Qt.MouseButton.LeftButton)
    _mouse(other, QMouseEvent.Type.MouseMove, start + QPointF(-40, -30), Qt.MouseButton.LeftButton)
    _mouse(other, QMouseEvent.Type.MouseButtonRelease, start + QPointF(-40, -30), Qt.MouseButton.NoButton)
    # Dragged left and up: the photo moved with the pointer, in that pane and in every other.
    assert (view.zoom.cx, view.zoom.cy) == pytest.approx(
        (centre[0] + 40 / (other.image_size[0] * scale), centre[1] + 30 / (other.image_size[1] * scale)))
    panned = _regions(view)
    assert panned[0][0] > zoomed[0][0]
    for region in panned[1:]:
        assert region == pytest.approx(panned[0], abs=0.02)
    qtbot.mouseDClick(first, Qt.MouseButton.LeftButton)
    assert view.zoom.zoom == 1 and all(r == pytest.approx((0, 0, 1, 1), abs=1e-6) for r in _regions(view))


def test_move_a_group_to_the_trash_then_undo(qtbot, dup_view, trash_home: Path) -> None:
    view = dup_view
    loc = QLocale()
    group = view.current_group()
    kept = next(c for c in view.cards if "q60" in c.photo.path)
    kept.keep_button.click()  # keep the re-encode too
    going = [c.photo for c in view.cards if c.goes_to_trash()]
    assert len(going) == 2 and all(Path(p.path).exists() for p in going)
    # Cancel: nothing moves.
    box = view.ask_trash_group()
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert all(Path(p.path).exists() for p in going) and _in_trash(trash_home) == []
    box = view.ask_trash_group()
    text = box.text() + " " + box.informativeText()
    assert "2 files go to the Trash" in text and loc.formattedDataSize(sum(p.bytes for p in going)) in text
    _accept(box)
    qtbot.waitUntil(lambda: view.last_report is not None and not view.busy, timeout=WAIT)
    assert sorted(view.last_report.done) == sorted(p.path for p in going)
    for p in going:
        assert not Path(p.path).exists()  # gone from the folder ...
    assert _in_trash(trash_home) == sorted(Path(p.path).name for p in going)  # ... into the (temporary) Trash
    assert Path(group.keeper.path).exists() and Path(kept.photo.path).exists()
    assert "Moved 2 files to the Trash" in view.report_label.text()
    qtbot.waitUntil(lambda: view.undo_button.isVisible(), timeout=WAIT)
    qtbot.waitUntil(lambda: any(len(g.photos) == 2 for g in view.groups), timeout=WAIT)  # the group left
    view.undo_button.click()
    qtbot.waitUntil(lambda: not view.busy and view.last_report.done and "back" in view.report_label.text(),
                    timeout=WAIT)
    assert all(Path(p.path).exists() for p in going) and _in_trash(trash_home) == []
    qtbot.waitUntil(lambda: not view.undo_button.isVisible(), timeout=WAIT)


def test_apply_suggestions_to_all_groups_reports_what_was_skipped(qtbot, dup_view, trash_home: Path) -> None:
    view = dup_view
    others = [p for g in view.groups for p in g.others]
    vanished = others[0]
    os.unlink(vanished.path)
    box = view.ask_apply_all()
    text = box.text() + " " + box.informativeText()
    assert "2 groups" in text and f"{len(others)} files go to the Trash" in text
    assert QLocale().formattedDataSize(sum(p.bytes for p in others)) in text
    _accept(box)
    qtbot.waitUntil(lambda: view.last_report is not None and not view.busy, timeout=WAIT)
    assert len(view.last_report.done) == len(others) - 1
    assert [s.path for s in view.last_report.skipped] == [vanished.path]
    report = view.report_label.text()
    assert f"Moved {len(others) - 1} files" in report and "1 skipped" in report and vanished.path in report
    assert "gone" in report
    assert len(_in_trash(trash_home)) == len(others) - 1
    assert all(not Path(p.path).exists() for p in others)
    assert all(Path(g.keeper.path).exists() for g in view.groups)


def test_window_sidebar_counts_groups_and_cleans_up(qtbot, window, tmp_path: Path, trash_home: Path) -> None:
    from photoindex.gui.duplicates_view import DuplicatesView
    from photoindex.gui.main_window import PAGE_DUPLICATES

    make_photos(tmp_path / "사진")

    def sidebar_item():
        for row in range(window.sidebar.count()):
            item = window.sidebar.item(row)
            key = item.data(Qt.ItemDataRole.UserRole)
            if key and key[0] == "duplicates":
                return item
        return None

    def sidebar_text() -> str:
        item = sidebar_item()
        return item.text() if item is not None else ""

    window.add_folder(str(tmp_path / "사진"))
    qtbot.waitUntil(lambda: window.worker is not None and window.worker.isFinished(), timeout=WAIT)
    qtbot.waitUntil(lambda: sidebar_text() == f"Duplicates ({WITH_COPIES})", timeout=WAIT)
    window._sidebar_clicked(sidebar_item())
    view = window.pages.currentWidget()
    assert isinstance(view, DuplicatesView) and window.pages.currentIndex() == PAGE_DUPLICATES
    qtbot.waitUntil(lambda: view.list.count() == WITH_COPIES and len(view.cards) == 4, timeout=WAIT)
    box = view.ask_apply_all()
    assert f"{WITH_COPIES * 3} files go to the Trash" in box.informativeText()
    _accept(box)
    qtbot.waitUntil(lambda: view.last_report is not None and not view.busy, timeout=WAIT)
    assert len(_in_trash(trash_home)) == WITH_COPIES * 3
    qtbot.waitUntil(lambda: sidebar_text() == "Duplicates" and view.list.count() == 0, timeout=WAIT)
    assert window.pages.currentWidget() is view  # the view stays, with its report
    qtbot.waitUntil(lambda: view.undo_button.isVisible(), timeout=WAIT)
    window.set_folder_filter(None)  # All photos: the grid follows the disk
    qtbot.waitUntil(lambda: len(window.model.items) == N_DISTINCT, timeout=WAIT)
    # Back to Duplicates: Undo is still there; the files come back, are indexed again, the groups return.
    window._sidebar_clicked(sidebar_item())
    assert window.pages.currentWidget() is view
    qtbot.waitUntil(lambda: view.undo_button.isVisible(), timeout=WAIT)
    view.undo_button.click()
    qtbot.waitUntil(lambda: sidebar_text() == f"Duplicates ({WITH_COPIES})", timeout=WAIT)
    qtbot.waitUntil(lambda: window.worker.isFinished() and view.list.count() == WITH_COPIES, timeout=WAIT)
    assert _in_trash(trash_home) == []


@pytest.mark.xvfb
@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="needs xvfb-run (Debian xvfb)")
def test_duplicates_screenshot(tmp_path: Path) -> None:
    """The view in the real window under Xvfb, zoomed in, with Korean folder names: a screenshot
    a person looks at (.test-artifacts/duplicates.png)."""
    artifacts = PROJECT / ".test-artifacts"
    artifacts.mkdir(exist_ok=True)
    out = artifacts / "duplicates.png"
    out.unlink(missing_ok=True)
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)
    env["XDG_DATA_HOME"] = str(tmp_path / "xdg")
    proc = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1400x900x24", sys.executable, "-m", "tests.gui.test_duplicates_view",
         str(out), str(tmp_path)],
        cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    img = Image.open(out)
    assert img.size[0] >= 1000 and img.size[1] >= 700
    assert len(img.convert("RGB").getcolors(1 << 20) or []) > 500  # photos and text, not a blank window


def screenshot(out: str, work: str) -> int:
    """Run by test_duplicates_screenshot under xvfb-run: index, open Duplicates, zoom, save."""
    from PySide6.QtCore import QTimer

    from photoindex.config import Settings
    from photoindex.core.library import Library
    from photoindex.gui.main_window import PAGE_DUPLICATES, MainWindow

    root = Path(work) / "사진"
    make_photos(root)
    settings = Settings(library_dir=Path(work) / "library", weights="random", clip_model="photoindex-tiny",
                        dino_model="photoindex-tiny", faces=False, threads=2)
    app = QApplication([sys.argv[0]])
    window = MainWindow(Library(settings), [str(root)])
    window.resize(1360, 820)
    window.show()
    state = {"phase": "indexing", "ticks": 0}

    def tick() -> None:
        state["ticks"] += 1
        if state["ticks"] > 1200:
            print("timed out in", state["phase"], file=sys.stderr)
            app.exit(2)
        if state["phase"] == "indexing" and window.worker is not None and window.worker.isFinished() \
                and window.duplicate_groups:
            window.show_page(PAGE_DUPLICATES)
            state["phase"] = "loading"
        elif state["phase"] == "loading":
            view = window.pages.widget(PAGE_DUPLICATES)
            if view.cards and all(c.pane.pixmap is not None and c.pane.pixmap.width() > 400 or "half" in c.photo.path
                                  for c in view.cards):
                pane = view.cards[0].pane
                pane.zoom_at(QPointF(pane.width() * 0.6, pane.height() * 0.5), 1.8)
                state["phase"], state["at"] = "painting", state["ticks"]
        elif state["phase"] == "painting" and state["ticks"] - state["at"] > 10:
            window.grab().save(out)
            app.exit(0)

    timer = QTimer(interval=100, timeout=tick)
    timer.start()
    code = app.exec()
    window.close()
    return code


if __name__ == "__main__":
    os.environ.setdefault("PHOTOINDEX_WEIGHTS", "random")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    raise SystemExit(screenshot(sys.argv[1], sys.argv[2]))
