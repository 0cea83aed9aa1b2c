"""The real window on the offscreen platform, driven as a user would."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication

from photoindex.gui.main_window import PAGE_FAILURES, PAGE_GRID, PAGE_WELCOME
from tests.photos import save_jpeg, scene

WAIT = 120_000


def _library(root: Path, n: int = 10) -> list[Path]:
    paths = [save_jpeg(root / f"photo {i:02d}.jpg", scene(i)) for i in range(n)]
    paths.append(save_jpeg(root / "여름" / "해변.jpg", scene(40)))
    (root / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    return paths


def _index(qtbot, window, folder: Path) -> None:
    window.add_folder(str(folder))
    qtbot.waitUntil(lambda: window.worker is not None and window.worker.isFinished(), timeout=WAIT)
    qtbot.waitUntil(lambda: len(window.model.items) >= 11, timeout=WAIT)


def test_first_run_shows_welcome_then_indexes_a_folder(qtbot, window, tmp_path: Path) -> None:
    assert window.pages.currentIndex() == PAGE_WELCOME
    _library(tmp_path / "Photos")
    _index(qtbot, window, tmp_path / "Photos")
    assert window.pages.currentIndex() == PAGE_GRID
    assert "Up to date" in window.status_label.text()
    names = {Path(it.path).name for it in window.model.items}
    assert "해변.jpg" in names and "broken.jpg" not in names
    # thumbnails arrive off the GUI thread and are painted
    qtbot.waitUntil(lambda: window.thumbs.get(window.model.items[0].photo_id, window.model.items[0].path) is not None,
                    timeout=WAIT)


def test_typing_a_query_shows_hits_with_scores(qtbot, window, tmp_path: Path) -> None:
    paths = _library(tmp_path / "Photos")
    _index(qtbot, window, tmp_path / "Photos")
    window.search.setFocus()
    qtbot.keyClicks(window.search, "red squares on a white wall")
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.results_token == window._query_token, timeout=WAIT)
    assert window.mode == "search"
    # Either some photos stand out, or the grid says why it is empty and how to see more.
    assert "matching photos" in window.count_label.text() or (
        window.empty_note.isVisible() and "Only relevant" in window.empty_note.text())
    # Random weights make nothing stand out; the closest matches are one click away.
    window.relevant_only.setChecked(False)
    qtbot.waitUntil(lambda: window.results_token == window._query_token and len(window.model.items) == 11,
                    timeout=WAIT)
    scores = [it.score for it in window.model.items]
    assert scores == sorted(scores, reverse=True)
    # Query arithmetic with an image as a term: the photo itself leads, with its score shown.
    window.search.setText(f"{paths[2]} + red")
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.results_token == window._query_token and bool(window.model.items), timeout=WAIT)
    assert Path(window.model.items[0].path) == paths[2]
    tip = window.model.data(window.model.index(0), Qt.ItemDataRole.ToolTipRole)
    assert "Similarity" in tip and str(paths[2]) in tip


def test_right_click_find_similar_ranks_the_photo_itself_first(qtbot, window, tmp_path: Path) -> None:
    paths = _library(tmp_path / "Photos")
    _index(qtbot, window, tmp_path / "Photos")
    target = next(it for it in window.model.items if Path(it.path) == paths[3])
    menu = window.show_context_menu(target.photo_id, QPoint(10, 10))
    labels = [a.text() for a in menu.actions() if a.text()]
    assert labels == ["Find similar (looks like)", "Find similar (same meaning)", "Open",
                      "Open with default application", "Reveal in file manager", "Copy path", "Move to Trash…"]
    for action_text in ("Find similar (looks like)", "Find similar (same meaning)"):
        window.model.set_items([])
        next(a for a in menu.actions() if a.text() == action_text).trigger()
        qtbot.waitUntil(lambda: len(window.model.items) > 0, timeout=WAIT)
        assert window.model.items[0].photo_id == target.photo_id
    next(a for a in menu.actions() if a.text() == "Copy path").trigger()
    assert QApplication.clipboard().text() == str(paths[3])


def test_cancel_and_resume_indexing(qtbot, window, tmp_path: Path) -> None:
    root = tmp_path / "Many"
    for i in range(40):
        save_jpeg(root / f"p{i:02d}.jpg", scene(i))
    window.library.settings = window.library.settings.with_(batch_size=2)
    window.add_folder(str(root))
    qtbot.waitUntil(lambda: window.progress.isVisible() and window.progress.value() >= 4, timeout=WAIT)
    window.toggle_pause()
    assert window.pause_btn.text() == "Resume"
    window.toggle_pause()
    window.cancel_indexing()
    qtbot.waitUntil(lambda: window.worker.isFinished(), timeout=WAIT)
    assert "cancelled" in window.status_label.text().lower()
    done = window.library.real_catalog().counts()["ok"]
    assert done < 40
    window.start_indexing()
    qtbot.waitUntil(lambda: window.worker.isFinished(), timeout=WAIT)
    assert window.library.real_catalog().counts()["ok"] == 40


def test_preview_opens_steps_and_closes(qtbot, window, tmp_path: Path) -> None:
    _library(tmp_path / "Photos")
    _index(qtbot, window, tmp_path / "Photos")
    first = window.model.items[0].photo_id
    dlg = window.open_preview(first)
    qtbot.waitUntil(lambda: dlg._pixmap is not None, timeout=WAIT)
    assert str(window.library.real_catalog().photo(first).width) in dlg.info.text()
    assert dlg.photo_ids[:2] == [it.photo_id for it in window.model.items[:2]]  # steps in the grid's order
    qtbot.keyClick(dlg, Qt.Key.Key_Right)
    assert dlg.current_id == dlg.photo_ids[1]
    assert window.grid.current_photo_id() == dlg.photo_ids[1]  # the grid follows the preview
    qtbot.keyClick(dlg, Qt.Key.Key_Left)
    assert dlg.current_id == first
    qtbot.keyClick(dlg, Qt.Key.Key_Escape)
    assert not dlg.isVisible()


def test_broken_file_shows_in_failures_panel(qtbot, window, tmp_path: Path) -> None:
    _library(tmp_path / "Photos")
    _index(qtbot, window, tmp_path / "Photos")
    window.show_failures()
    assert window.pages.currentIndex() == PAGE_FAILURES
    qtbot.waitUntil(lambda: window.failures.table.rowCount() == 1, timeout=WAIT)
    reasons = window.failures.reasons()
    assert any(p.endswith("broken.jpg") for p in reasons)
    assert "truncated" in next(iter(reasons.values())) or "not an image" in next(iter(reasons.values()))


def test_dropping_an_image_searches_by_it(qtbot, window, tmp_path: Path) -> None:
    paths = _library(tmp_path / "Photos")
    _index(qtbot, window, tmp_path / "Photos")
    outside = save_jpeg(tmp_path / "elsewhere.jpg", scene(5))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(outside))])
    window.model.set_items([])
    event = QDropEvent(window.rect().center().toPointF(), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    qtbot.waitUntil(lambda: len(window.model.items) > 0, timeout=WAIT)
    assert Path(window.model.items[0].path) == paths[5]


def test_search_field_shortcuts(qtbot, window) -> None:
    window.grid.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert window.search.hasFocus() or QApplication.focusWidget() is window.search


def test_folder_chip_narrows_the_grid(qtbot, window, tmp_path: Path) -> None:
    _library(tmp_path / "Photos")
    _index(qtbot, window, tmp_path / "Photos")
    window.set_folder_filter(str(tmp_path / "Photos" / "여름"))
    qtbot.waitUntil(lambda: window.results_token == window._query_token, timeout=WAIT)
    assert [Path(it.path).name for it in window.model.items] == ["해변.jpg"]
    assert window.bar.folder_chip.property("active") is True
    window.set_folder_filter(None)
    qtbot.waitUntil(lambda: window.results_token == window._query_token, timeout=WAIT)
    assert len(window.model.items) == 11
