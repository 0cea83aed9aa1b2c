"""The search bar suggests people and folders as the user types, and a result says why it matched."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton

from photoindex.gui.grid import PhotoModel
from tests.photos import save_jpeg, scene

WAIT = 120_000
JEJU = "2019 제주도 여행"


def _library(root: Path) -> None:
    for i in range(3):
        save_jpeg(root / JEJU / f"바다 {i}.jpg", scene(i, (160, 120)))
        save_jpeg(root / "가족" / f"IMG_{1000 + i}.jpg", scene(10 + i, (160, 120)))
        save_jpeg(root / "일상" / f"DSC_{i:04d}.jpg", scene(20 + i, (160, 120)))


def _name_a_person(lib, name: str, photo_paths: list[str]) -> int:
    """Faces and a named person, written through the single writer off the GUI thread (as the
    People view does)."""
    out: list[int] = []

    def write() -> None:
        ids = {p.path: p.id for p in lib.photos()}
        with lib.writer.transaction() as cat:
            person = int(cat.conn.execute("INSERT INTO people(name, created_at) VALUES (NULL, 0)").lastrowid)
            for path in photo_paths:
                cat.conn.execute("INSERT INTO faces(photo_id, x, y, w, h, score, descriptor, person_id)"
                                 " VALUES (?, 0.1, 0.1, 0.3, 0.3, 0.9, ?, ?)",
                                 (ids[path], np.zeros(8, np.float32).tobytes(), person))
        lib.people.rename(person, name)
        out.append(person)

    t = threading.Thread(target=write)
    t.start()
    t.join()
    return out[0]


def _indexed(qtbot, window, root: Path) -> None:
    _library(root)
    window.add_folder(str(root))
    qtbot.waitUntil(lambda: window.worker is not None and window.worker.isFinished(), timeout=WAIT)
    qtbot.waitUntil(lambda: len(window.model.items) >= 9, timeout=WAIT)


def _type(window, text: str) -> None:
    """Type character by character (QTest's keyClicks cannot type Hangul: it aborts)."""
    for ch in text:
        window.search.insert(ch)


def _chips(window) -> list[QToolButton]:
    row = window.bar.suggestion_row
    return [b for b in row.findChildren(QToolButton) if not b.isHidden()] if row.isVisible() else []


def test_folder_and_person_suggestions_apply_as_filters(qtbot, window, tmp_path: Path) -> None:
    root = tmp_path / "Photos"
    _indexed(qtbot, window, root)
    minji = [str(root / JEJU / "바다 0.jpg"), str(root / "가족" / "IMG_1001.jpg")]
    person = _name_a_person(window.library, "민지", minji)

    # A folder: typing part of its name offers it; Tab applies it and the word leaves the query.
    window.search.setFocus()
    _type(window, "제주")
    qtbot.waitUntil(lambda: len(_chips(window)) == 1, timeout=WAIT)
    chip = _chips(window)[0]
    assert chip.text() == JEJU and not chip.icon().isNull()
    assert not any(ch in chip.text() for ch in "👤📁")
    qtbot.keyClick(window.search, Qt.Key.Key_Tab)
    assert window.bar.folder == str(root / JEJU) and window.search.text() == ""
    assert window.bar.folder_chip.property("active") is True and not window.bar.folder_chip.icon().isNull()
    qtbot.waitUntil(lambda: len(window.model.items) == 3, timeout=WAIT)
    assert all(JEJU in it.path for it in window.model.items)
    assert not window.bar.suggestion_row.isVisible(), [(c.text(), c.isVisible()) for c in window.bar.suggestion_row.findChildren(QToolButton)]

    # A person (the index follows the new name): a click filters to that person.
    window.set_folder_filter(None)
    window.search.clear()
    _type(window, "바다 민")
    qtbot.waitUntil(lambda: [c.text() for c in _chips(window)] == ["민지"], timeout=WAIT)
    assert not _chips(window)[0].icon().isNull()
    qtbot.mouseClick(_chips(window)[0], Qt.MouseButton.LeftButton)
    assert window.person_filter == person and window.search.text() == "바다 "
    qtbot.waitUntil(lambda: window.bar.person_chip.isVisible() and "민지" in window.bar.person_chip.text(), timeout=WAIT)
    assert not window.bar.person_chip.icon().isNull() and "👤" not in window.bar.person_chip.text()

    # Escape puts the suggestions away; nothing matching, nothing shown.
    window.set_person_filter(None)
    window.search.clear()
    _type(window, "가족")
    qtbot.waitUntil(lambda: len(_chips(window)) == 1, timeout=WAIT)
    qtbot.keyClick(window.search, Qt.Key.Key_Escape)
    assert not window.bar.suggestion_row.isVisible() and window.search.text() == "가족"
    window.search.clear()
    _type(window, "zzzz")
    qtbot.wait(400)
    window.io_runner.wait(10000)
    qtbot.wait(50)
    assert _chips(window) == []


def test_a_result_says_why_it_matched(qtbot, window, tmp_path: Path) -> None:
    root = tmp_path / "Photos"
    _indexed(qtbot, window, root)
    window.relevant_only.setChecked(False)
    window.search.setText("제주도에서")
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.results_token == window._query_token and window.mode == "search"
                    and len(window.model.items) == 9, timeout=WAIT)
    items = window.model.items
    assert all(JEJU in it.path for it in items[:3])  # random weights: only the folder's name finds them
    assert items[0].matched[0] == "folder" and "folder" not in items[5].matched
    tip = window.model.data(window.model.index(0), Qt.ItemDataRole.ToolTipRole)
    assert isinstance(window.model, PhotoModel) and window.model.why_matched(("folder",)) in tip
    assert "folder name" in tip
