"""Browsing in the real window: sort, the folder tree, views that stay put, the status bar's
progress, stale state, selection actions, menus and zoom.

The library is filled through the real writer as the indexer leaves it (real files, real catalog
rows), on a worker thread: the test body runs on the GUI thread, which the `window` fixture
watches for catalog use. Indexing itself is not under test here, so the window's start-up rescan
is replaced by a counter."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QTextBrowser

from photoindex.core.types import IndexReport, Progress
from photoindex.gui.controllers import SearchController
from photoindex.gui.main_window import PAGE_FAILURES, PAGE_GRID, PAGE_MAP, PAGE_PEOPLE, PAGE_WELCOME
from tests.photos import save_jpeg, scene

WAIT = 30_000
DAY = 86400.0
JAN_2019 = time.mktime((2019, 1, 15, 12, 0, 0, 0, 0, -1))


def _on_worker(fn) -> Any:
    out: list[Any] = []
    t = threading.Thread(target=lambda: out.append(fn()))
    t.start()
    t.join()
    return out[0] if out else None


def _fill(lib, root: Path, photos: list[tuple[str, float]]) -> dict[str, int]:
    """Real files under root, in the catalog as indexed photos taken at the given times."""
    files = []
    for i, (rel, taken) in enumerate(photos):
        path = save_jpeg(root / rel, scene(i, (160, 120)))
        files.append((str(path), path.stat(), taken))

    def write() -> dict[str, int]:
        ids = {}
        with lib.writer.transaction() as cat:
            cat.add_root(str(root))
            for path, st, taken in files:
                pid = cat.insert_photo(path, st.st_size, st.st_mtime_ns, None)
                cat.mark_ok(pid, 160, 120, taken)
                ids[path] = pid
        return ids

    return _on_worker(write)


@pytest.fixture
def browsing(window, tmp_path: Path, monkeypatch):
    """The window over a library of 12 photos in Korean-named folders, one a month from Jan 2019."""
    runs: list[int] = []
    monkeypatch.setattr(window, "start_indexing", lambda: runs.append(1))
    root = tmp_path / "사진"
    names = [f"가족여행/제주도/IMG_{i:02d}.jpg" for i in range(3)] + \
            [f"가족여행/부산/IMG_{i:02d}.jpg" for i in range(3, 5)] + \
            [f"일상/IMG_{i:02d}.jpg" for i in range(5, 12)]
    ids = _fill(window.library, root, [(n, JAN_2019 + 31 * DAY * i) for i, n in enumerate(names)])
    window.runs = runs
    window.root = root
    window.ids = ids
    window._startup([])
    qtbot_wait(window, lambda: len(window.model.items) == 12 and window.folder_tree.topLevelItemCount() == 1)
    return window


def qtbot_wait(window, cond, timeout_ms: int = WAIT) -> None:
    deadline = time.monotonic() + timeout_ms / 1000
    while not cond():
        QApplication.processEvents()
        time.sleep(0.005)
        assert time.monotonic() < deadline, "timed out"


def _settle(window) -> None:
    qtbot_wait(window, lambda: window.results_token == window._query_token)


def names(window) -> list[str]:
    return [Path(it.path).name for it in window.model.items]


# -- 1. sort -----------------------------------------------------------------------------------

def test_browsing_is_newest_first_and_oldest_first_starts_with_the_oldest(browsing) -> None:
    w = browsing
    assert names(w)[0] == "IMG_11.jpg" and names(w)[-1] == "IMG_00.jpg"  # the default: newest first
    assert w.runs == [1]  # the start-up rescan began once the photos were on screen
    w.sort.setCurrentIndex(2)  # Oldest first
    qtbot_wait(w, lambda: names(w)[0] == "IMG_00.jpg")
    dates = [it.date for it in w.model.items]
    assert dates == sorted(dates)
    w.sort.setCurrentIndex(1)
    qtbot_wait(w, lambda: names(w)[0] == "IMG_11.jpg")


# -- 3. folder tree ----------------------------------------------------------------------------

def test_folder_tree_lists_every_subfolder_with_counts_and_filters(browsing) -> None:
    w = browsing
    root = str(w.root)
    assert w.folder_tree.count_of(root) == 12
    jeju = str(w.root / "가족여행" / "제주도")
    assert w.folder_tree.count_of(str(w.root / "가족여행")) == 5
    assert w.folder_tree.count_of(jeju) == 3
    item = w.folder_tree.item_for(jeju)
    assert item.text(0) == "제주도"
    w.folder_tree.itemClicked.emit(item, 0)  # as a click does
    qtbot_wait(w, lambda: len(w.model.items) == 3)
    assert all("제주도" in it.path for it in w.model.items)
    assert w.folder_tree.selected_folder() == jeju
    assert w.sidebar_key() is None  # "All photos" is not highlighted while a folder is shown
    w.set_folder_filter(None)
    qtbot_wait(w, lambda: len(w.model.items) == 12)
    assert w.sidebar_key() == ("all", None) and w.folder_tree.selected_folder() is None


def test_folder_context_menu_rescans_reveals_and_removes_after_confirming(browsing, monkeypatch) -> None:
    w = browsing
    root = str(w.root)
    menu = w.folder_tree.menu_for(str(w.root / "일상"))
    labels = [a.text() for a in menu.actions() if a.text()]
    assert labels == ["Rescan", "Reveal in file manager", "Remove from library…"]
    assert not menu.actions()[-1].isEnabled()  # a subfolder cannot be removed on its own
    before = len(w.runs)
    menu.actions()[0].trigger()
    assert len(w.runs) == before + 1
    opened = []
    monkeypatch.setattr("photoindex.gui.main_window.QDesktopServices.openUrl",
                        lambda url: opened.append(url.toLocalFile()) or True)
    menu.actions()[1].trigger()
    assert opened == [str(w.root / "일상")]
    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.No)
    menu = w.folder_tree.menu_for(root)
    menu.actions()[-1].trigger()
    assert asked and "12" in asked[0] and len(w.model.items) == 12  # said No: nothing removed
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    menu.actions()[-1].trigger()
    qtbot_wait(w, lambda: w.folder_tree.topLevelItemCount() == 0 and w.pages.currentIndex() == PAGE_WELCOME)
    assert (w.root / "일상" / "IMG_05.jpg").exists()  # the files stay


# -- 6. views stay put -------------------------------------------------------------------------

def test_people_and_map_stay_while_indexing_refreshes(browsing) -> None:
    w = browsing
    for page, key in ((PAGE_PEOPLE, "people"), (PAGE_MAP, "map")):
        item = next(w.sidebar.item(i) for i in range(w.sidebar.count())
                    if w.sidebar.item(i).data(Qt.ItemDataRole.UserRole) == (key, None))
        w.sidebar.itemClicked.emit(item)
        assert w.pages.currentIndex() == page
        w.refresh()  # what the indexer's batches and its end do
        w._on_indexed(IndexReport(embedded=3))
        QApplication.processEvents()
        assert w.pages.currentIndex() == page
        assert w.sidebar_key() == (key, None)
    w.set_folder_filter(None)  # the grid: the sidebar follows, Map no longer highlighted
    assert w.pages.currentIndex() == PAGE_GRID and w.sidebar_key() == ("all", None)


def test_new_photos_are_inserted_without_moving_what_is_on_screen(browsing, tmp_path) -> None:
    w = browsing
    w.grid.setCurrentIndex(w.model.index(5))
    current = w.grid.current_photo_id()
    resets: list[int] = []
    inserted: list[int] = []
    w.model.modelReset.connect(lambda: resets.append(1))
    w.model.rowsInserted.connect(lambda _p, first, last: inserted.append(last - first + 1))
    _fill(w.library, w.root, [("일상/new_newest.jpg", JAN_2019 + 400 * DAY),
                              ("일상/new_middle.jpg", JAN_2019 + 31 * DAY * 6.5)])
    w.refresh()
    qtbot_wait(w, lambda: len(w.model.items) == 14)
    assert not resets and sum(inserted) == 2
    assert w.grid.current_photo_id() == current
    assert names(w)[0] == "new_newest.jpg"


# -- 7. progress has its own place -------------------------------------------------------------

def test_progress_survives_search_messages_and_start_says_nothing_untrue(browsing) -> None:
    w = browsing
    w.index_status.running(True)
    w._on_progress(Progress("embed", 12, 347, 3.0, 20.0, "/x/a.jpg"))
    assert w.status_label.text().startswith("Indexing 12 of 347")
    w.say("Searching…")
    w.run_search(force=True)
    _settle(w)
    assert w.status_label.text().startswith("Indexing 12 of 347")
    assert w.index_status in w.statusBar().findChildren(type(w.index_status))
    w.index_status.say("Pausing after this batch…")
    w.run_search(force=True)
    _settle(w)
    assert w.status_label.text() == "Pausing after this batch…"
    w._on_indexed(IndexReport())  # an ordinary start that found nothing new
    assert "0 photos" not in w.status_label.text() and "embedded" not in w.status_label.text()
    w._on_indexed(IndexReport(embedded=5, failed=1))
    assert w.status_label.text() == "Up to date: 5 photos indexed, 1 could not be read"


# -- 8. stale state ----------------------------------------------------------------------------

def test_placeholder_resets_after_find_similar_is_cleared(browsing) -> None:
    w = browsing
    default = w.search.placeholderText()
    w.find_similar(w.model.items[0].photo_id, "dino")
    assert "look like" in w.search.placeholderText()
    w.search.setText("x")
    w.search.clear()
    w.run_search()
    assert w.search.placeholderText() == default


def test_person_chip_is_not_left_active_over_lasso_results(browsing) -> None:
    w = browsing
    w.person_filter = 7
    w.bar.set_person("민지")
    assert not w.bar.person_chip.isHidden()
    w.show_photo_ids([it.photo_id for it in w.model.items[:3]])
    qtbot_wait(w, lambda: len(w.model.items) == 3)
    assert w.bar.person_chip.isHidden() and w.person_filter is None


def test_settings_ok_keeps_the_failure_count(browsing, monkeypatch) -> None:
    w = browsing
    w._fill_sidebar(3)
    from photoindex.gui import settings_dialog

    monkeypatch.setattr(settings_dialog.SettingsDialog, "exec", lambda self: 1)
    monkeypatch.setattr(settings_dialog.SettingsDialog, "save", lambda self: False)
    w.open_settings()
    labels = [w.sidebar.item(i).text() for i in range(w.sidebar.count())]
    assert "Could not be read (3)" in labels


def test_a_date_filter_that_excludes_everything_says_so(browsing) -> None:
    w = browsing
    w.bar.dates = (JAN_2019 - 400 * DAY, JAN_2019 - 300 * DAY)
    w.run_search(force=True)
    qtbot_wait(w, lambda: w.results_token == w._query_token and not w.model.items)
    assert w.empty_note.isVisible() and w.empty_note.text() == "No photos match these filters."


def test_all_photos_on_an_empty_library_keeps_the_welcome_page(window) -> None:
    qtbot_wait(window, lambda: window.sidebar.count() > 0)
    assert window.pages.currentIndex() == PAGE_WELCOME
    window.set_folder_filter(None)
    QApplication.processEvents()
    assert window.pages.currentIndex() == PAGE_WELCOME


# -- 9. selection ------------------------------------------------------------------------------

def test_several_photos_get_actions_for_all_of_them(browsing, tmp_path, monkeypatch) -> None:
    w = browsing
    w.grid.selectAll()
    assert "12 selected" in w.count_label.text()
    w.grid.clearSelection()
    for row in (0, 1, 2):
        w.grid.selectionModel().select(w.model.index(row), w.grid.selectionModel().SelectionFlag.Select)
    assert "3 selected" in w.count_label.text()
    chosen = w.model.items[:3]
    menu = w.show_context_menu(chosen[1].photo_id, QPoint(5, 5))
    labels = [a.text() for a in menu.actions() if a.text()]
    assert labels == ["Find similar to these (3 photos)", "Copy paths", "Copy to folder…",
                      "Reveal in file manager", "Move 3 photos to Trash…"]
    next(a for a in menu.actions() if a.text() == "Copy paths").trigger()
    assert QApplication.clipboard().text().splitlines() == [it.path for it in chosen]
    dest = tmp_path / "보낼 사진"
    dest.mkdir()
    w.copy_to_folder(chosen, str(dest))
    qtbot_wait(w, lambda: len(list(dest.iterdir())) == 3)
    # Move to Trash: a confirmation naming how many, then the files go and the catalog follows.
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.Yes)
    next(a for a in menu.actions() if a.text() == "Move 3 photos to Trash…").trigger()
    assert asked and "3 photos" in asked[0]
    qtbot_wait(w, lambda: len(w.model.items) == 9)
    assert not any(Path(it.path).exists() for it in chosen)
    assert w.library.real_catalog().counts()["ok"] == 9


def test_open_and_reveal_say_what_went_wrong(browsing, monkeypatch) -> None:
    w = browsing
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: shown.append(a[2]))
    monkeypatch.setattr("photoindex.gui.main_window.QDesktopServices.openUrl", lambda url: False)
    photo = w.model.items[0]
    assert not w.open_externally(photo.path)
    assert shown and "No application could open" in shown[-1]
    monkeypatch.setattr("photoindex.gui.main_window.reveal", lambda path: "org.freedesktop.DBus.Error.ServiceUnknown")
    w.reveal_photo(photo.path)
    qtbot_wait(w, lambda: len(shown) == 2)
    assert "ServiceUnknown" in shown[-1] and photo.path in shown[-1]


# -- 5 and 4. menus, zoom ----------------------------------------------------------------------

def test_menu_bar_and_standard_shortcuts(browsing, monkeypatch) -> None:
    w = browsing
    titles = [a.text().replace("&", "") for a in w.menuBar().actions()]
    assert titles == ["File", "Edit", "View", "Go", "Help"]
    acts = w.actions_by_name
    shortcuts = {name: {s.toString() for s in a.shortcuts()} for name, a in acts.items()}
    assert "Ctrl+Q" in shortcuts["quit"] and "F1" in shortcuts["help"] and "Ctrl+," in shortcuts["settings"]
    assert "F5" in shortcuts["rescan"] and "Ctrl+F" in shortcuts["find"]
    before = len(w.runs)
    acts["rescan"].trigger()
    assert len(w.runs) == before + 1
    w.grid.setFocus()
    acts["find"].trigger()
    assert QApplication.focusWidget() is w.search or w.search.hasFocus()
    from photoindex.gui import menus

    text = menus.about_text()
    assert menus.version() in text
    for licence in ("MIT", "Apache-2.0", "CC0", "YuNet"):
        assert licence in text
    acts["help"].trigger()  # F1: the manual, readable offline
    assert w.help_dialog.isVisible() and "photoindex" in w.help_dialog.findChild(QTextBrowser).toPlainText()


def test_zoom_slider_ctrl_wheel_and_keys_are_remembered(browsing) -> None:
    from PySide6.QtCore import QSettings

    w = browsing
    start = w.grid.cell_size()
    w.actions_by_name["zoom_in"].trigger()
    assert w.grid.cell_size() > start and w.zoom.value() == w.grid.cell_size()
    w.zoom.setValue(120)
    assert w.grid.cell_size() == 120
    w.grid.zoom_requested.emit(2)  # Ctrl+wheel, two notches
    assert w.grid.cell_size() == 168
    assert int(QSettings("photoindex", "photoindex").value("window/thumb_size")) == 168


# -- 10. small things --------------------------------------------------------------------------

def test_a_query_of_only_operators_says_it_has_no_words(browsing) -> None:
    w = browsing
    w.search.setText("- + 3: -")
    w.run_search(force=True)
    assert w.empty_note.isVisible() and "no words" in w.empty_note.text()
    assert not w.model.items


def test_a_search_on_an_empty_library_says_why(window) -> None:
    qtbot_wait(window, lambda: window.sidebar.count() > 0)
    window.search.setText("dog on a beach")
    window.run_search(force=True)
    assert "no photos yet" in window.empty_note.text()


def test_failures_page_is_highlighted_in_the_sidebar(browsing) -> None:
    w = browsing
    w.show_failures()
    assert w.pages.currentIndex() == PAGE_FAILURES and w.sidebar_key() == ("failures", None)


# -- 2. timeline -------------------------------------------------------------------------------

def test_timeline_groups_by_month_with_locale_headers_and_a_year_scrubber(browsing) -> None:
    from PySide6.QtCore import QLocale

    from photoindex.gui.timeline import month_label

    w = browsing
    _fill(w.library, w.root, [(f"옛날/old_{i}.jpg", JAN_2019 - 3 * 365 * DAY + i * DAY / 2) for i in range(30)])
    w.refresh()
    qtbot_wait(w, lambda: len(w.model.items) == 42)
    w.grid.resize(900, 500)
    QApplication.processEvents()
    lay = w.grid.layout_
    assert w.grid.headers and len(lay.starts) == 13  # twelve months of 2019, one of 2016
    key = int(lay.keys[4])
    assert month_label(key, QLocale(QLocale.Language.Korean, QLocale.Country.SouthKorea)) == "2019년 8월"
    assert month_label(key, QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)) == "August 2019"
    # Every photo sits below its month's header, and a point on a cell finds that cell.
    for row in range(len(w.model.items)):
        rect = lay.rect(row)
        s = lay.section_of(row)
        assert rect.top() >= int(lay.tops[s]) + lay.header_h
        assert lay.row_at(rect.center().x(), rect.center().y()) == row
    assert lay.row_at(5, int(lay.tops[3]) + 2) is None  # on a header
    # The scrubber lists the years and jumps to the first photo of one.
    years = [y for y, _ in w.grid.scrubber.years]
    assert years == [2019, 2016] and w.grid.scrubber.isVisible()
    w.grid.scrubber.jump_requested.emit(dict(w.grid.scrubber.years)[2016])
    QApplication.processEvents()
    top = w.grid.indexAt(QPoint(10, lay.header_h + 10))
    assert top.isValid() and "old_" in Path(w.model.items[top.row()].path).name
    # Search results by relevance have no headers.
    w.grid.set_headers(False)
    assert len(w.grid.layout_.starts) == 1 and not w.grid.scrubber.isVisible()


def test_timeline_keyboard_moves_across_month_sections() -> None:
    import numpy as np

    from photoindex.gui.timeline import TimelineLayout

    months = np.array([5] * 7 + [4] * 2 + [3] * 5)  # sections of 7, 2 and 5 photos in 3 columns
    lay = TimelineLayout.build(months, 14, 3, 100, 80, 30)
    assert list(lay.starts) == [0, 7, 9]
    assert lay.neighbour(4, down=True) == 6 and lay.neighbour(6, down=True) == 7
    assert lay.neighbour(5, down=True) == 6  # the shorter last row: its last photo
    assert lay.neighbour(8, down=True) == 10 and lay.neighbour(10, down=False) == 8
    assert lay.neighbour(7, down=False) == 6
    assert lay.height == 3 * 30 + (3 + 1 + 2) * 80


def test_a_big_library_shows_a_screenful_first_then_the_rest_without_a_reset(browsing, monkeypatch) -> None:
    w = browsing
    monkeypatch.setattr("photoindex.gui.main_window.FIRST_PAGE", 5)
    monkeypatch.setattr("photoindex.gui.main_window.ONE_READ", 5)  # 12 photos count as a big library
    w.model.set_items([])
    resets: list[int] = []
    inserted: list[int] = []
    w.model.modelReset.connect(lambda: resets.append(len(w.model.items)))
    w.model.rowsInserted.connect(lambda _p, first, last: inserted.append(last - first + 1))
    w.set_folder_filter(None)
    qtbot_wait(w, lambda: len(w.model.items) == 12)
    QApplication.processEvents()
    assert resets == [5] and inserted == [7]  # the newest five at once, then the rest after them
    assert names(w)[0] == "IMG_11.jpg" and w.grid.layout_.count == 12


def test_a_folder_the_tree_counts_as_small_is_read_once(browsing, monkeypatch) -> None:
    """A folder whose count (from the folder tree) is under ONE_READ is one read: a first page
    and then the rest would read and sort it twice (~40 ms more at 10,000 photos)."""
    w = browsing
    monkeypatch.setattr("photoindex.gui.main_window.FIRST_PAGE", 2)
    daily = str(w.root / "일상")
    assert w.folder_tree.count_of(daily) == 7
    reads: list[int | None] = []
    job = w.searches.browse_job
    monkeypatch.setattr(w.searches, "browse_job", lambda f, order=1, limit=None: reads.append(limit) or job(f, order, limit))
    w.set_folder_filter(daily)
    qtbot_wait(w, lambda: len(w.model.items) == 7 and w._complete_token == w._query_token)
    assert reads == [None]
    reads.clear()
    monkeypatch.setattr("photoindex.gui.main_window.ONE_READ", 3)
    w.set_folder_filter(str(w.root / "가족여행"))
    qtbot_wait(w, lambda: len(w.model.items) == 5 and w._complete_token == w._query_token)
    assert reads == [2, None]  # a screenful first, then the rest


def test_start_up_reads_one_screenful_and_the_tree_beside_the_roots_and_rescans_once(window, tmp_path: Path,
                                                                                      monkeypatch) -> None:
    """Start-up reads the folder tree beside the roots (not after them), then one screenful and
    the rest; the rescan on start follows the first grid, once a window."""
    runs: list[int] = []
    monkeypatch.setattr(window, "start_indexing", lambda: runs.append(1))
    monkeypatch.setattr("photoindex.gui.main_window.FIRST_PAGE", 5)
    monkeypatch.setattr("photoindex.gui.main_window.ONE_READ", 5)  # 8 photos count as a big library
    qtbot_wait(window, lambda: window.pages.currentIndex() == PAGE_WELCOME and window._tree_loads == 0)
    window.known_photos = None  # as at a fresh start (its own start counted an empty library)
    root = tmp_path / "사진"
    _fill(window.library, root, [(f"일상/IMG_{i:02d}.jpg", JAN_2019 + DAY * i) for i in range(8)])
    reads: list[int | None] = []
    job = window.searches.browse_job
    monkeypatch.setattr(window.searches, "browse_job",
                        lambda f, order=1, limit=None: reads.append(limit) or job(f, order, limit))
    trees: list[list[str]] = []
    tree_job = SearchController.folder_tree_job
    monkeypatch.setattr(SearchController, "folder_tree_job",
                        staticmethod(lambda lib: trees.append(list(window.roots)) or tree_job(lib)))
    window._startup([])
    qtbot_wait(window, lambda: len(window.model.items) == 8 and window._complete_token == window._query_token)
    assert trees[-1] == []  # asked for before the roots were known
    assert reads[-2:] == [5, None]  # a screenful, then the rest
    assert [Path(it.path).name for it in window.model.items][0] == "IMG_07.jpg"
    qtbot_wait(window, lambda: runs == [1])  # the rescan on start, right after the first grid
    window._startup([])
    qtbot_wait(window, lambda: window._complete_token == window._query_token)
    assert runs == [1]  # once a window
