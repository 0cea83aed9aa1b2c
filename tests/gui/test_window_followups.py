"""Loose ends of the window, each in the real window (the `window` fixture fails on GUI-thread
catalog use): a CLIP model switch said in the status bar with its count and time left, the sort
combo showing the order in force, People's undo and redo in the Edit menu, and pool workers that
log what they raise."""

from __future__ import annotations

import logging
import re
import threading
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence

from photoindex.core import faces as F
from photoindex.gui.controllers import SORT_NEWEST, SORT_OLDEST, SORT_RELEVANCE
from photoindex.gui.main_window import PAGE_GRID, PAGE_PEOPLE
from tests.gui.test_browse import browsing, names, qtbot_wait  # noqa: F401  (browsing: a fixture)
from tests.photos import save_jpeg, scene

WAIT = 60_000
OTHER = "photoindex-tiny-b"


# -- 1. a model switch, said in the status bar ------------------------------------------------

@pytest.fixture
def built_with_another_clip(tiny_settings, tmp_path: Path):
    """A library of 8 photos indexed with another CLIP model than the window's (32-d toy vectors):
    the window's first index run switches it, in batches of 2."""
    from open_clip.factory import _MODEL_CONFIGS

    from photoindex.core.library import Library
    from photoindex.core.models import clip

    _MODEL_CONFIGS[OTHER] = {**clip._TINY_CFG, "embed_dim": 32}
    root = tmp_path / "사진"
    for i in range(8):
        save_jpeg(root / f"p{i}.jpg", scene(i))
    lib = Library(tiny_settings.with_(clip_model=OTHER))
    lib.add_root(root)
    gen = lib.index()
    while True:
        try:
            next(gen)
        except StopIteration:
            break
    lib.close()
    yield tiny_settings
    _MODEL_CONFIGS.pop(OTHER, None)


def test_a_model_switch_says_how_far_it_is_and_how_long_it_takes(built_with_another_clip, window, qtbot) -> None:
    window.library.settings = window.library.settings.with_(batch_size=2)
    status = window.index_status
    shown: list[tuple[str, int, int]] = []
    show = status.show_progress

    def record(p) -> None:
        show(p)
        if p.switch_to:
            shown.append((status.label.text(), p.switch_done, p.switch_total))

    status.show_progress = record
    window.start_indexing()
    qtbot.waitUntil(lambda: window.worker is not None and window.worker.isFinished() and bool(shown), timeout=WAIT)
    qtbot.waitUntil(lambda: not window.worker.isRunning(), timeout=WAIT)
    texts = [t for t, _d, _n in shown]
    pattern = re.compile(r"^Switching search to photoindex-tiny: (\d+) of 8 photos(, about \d+ (min|s) left)?; "
                         r"search uses the old model until then$")
    assert all(pattern.match(t) for t in texts), texts
    counts = [int(pattern.match(t).group(1)) for t in texts]
    assert counts == sorted(counts) and counts[0] == 0 and counts[-1] == 8, counts
    assert [d for _t, d, _n in shown] == counts and {n for _t, _d, n in shown} == {8}
    assert any("left" in t for t in texts), "the time left, once a batch has been timed"
    assert status.bar.maximum() == 8
    # Done: search uses the new model, and the window says so.
    qtbot.waitUntil(lambda: "switched to" in window.banner.text(), timeout=WAIT)


# -- 3. the sort combo shows the order in force -----------------------------------------------

def test_sort_shows_date_order_when_browsing_and_relevance_for_a_search(browsing) -> None:  # noqa: F811
    w = browsing
    combo = w.sort
    relevance = combo.model().item(SORT_RELEVANCE)
    assert combo.currentIndex() == SORT_NEWEST and combo.currentText() == "Newest first"
    assert not relevance.isEnabled(), "nothing to rank by while browsing"
    # A search: relevance is offered and is the default.
    w.bar.edit.setText("+ -")  # a query (of no words: no model needed) is a search all the same
    w.run_search(force=True)
    assert relevance.isEnabled() and combo.currentIndex() == SORT_RELEVANCE
    # Cleared: browsing by date again, newest first.
    w.bar.edit.setText("")
    w.run_search(force=True)
    qtbot_wait(w, lambda: len(w.model.items) == 12)
    assert combo.currentIndex() == SORT_NEWEST and not relevance.isEnabled()
    assert names(w)[0] == "IMG_11.jpg"
    # The user's choice is kept: oldest first, for browsing and for a search.
    combo.setCurrentIndex(SORT_OLDEST)
    qtbot_wait(w, lambda: names(w)[:1] == ["IMG_00.jpg"])
    w.bar.edit.setText("+ -")
    w.run_search(force=True)
    assert combo.currentIndex() == SORT_OLDEST and relevance.isEnabled()
    combo.setCurrentIndex(SORT_RELEVANCE)  # chosen in a search: browsing keeps its own date order
    w.bar.edit.setText("")
    w.run_search(force=True)
    assert combo.currentIndex() == SORT_OLDEST
    qtbot_wait(w, lambda: names(w)[:1] == ["IMG_00.jpg"])
    # Relevance cannot be put in force while browsing (a keyboard or a programme choosing it).
    combo.setCurrentIndex(SORT_RELEVANCE)
    assert combo.currentIndex() == SORT_OLDEST


# -- 4. People's undo and redo in the Edit menu -----------------------------------------------

class _Face:
    def __init__(self, d):
        self.box, self.landmarks, self.score, self.descriptor = (10, 10, 40, 40), np.zeros((5, 2)), 0.9, d


def _add_people(lib, faces_dir) -> None:
    """Two people (3 and 2 photos), written through the library's writer on a worker thread."""
    from PIL import Image

    def write() -> None:
        rng = np.random.default_rng(0)
        with lib.writer.transaction() as cat:
            n = 0
            for size, colour in ((3, "red"), (2, "blue")):
                centre = (rng.normal(size=128) * 0.056).astype(np.float32)
                for _ in range(size):
                    pid = cat.insert_photo(f"/photos/p{n}.jpg", 1, 1, None)
                    cat.mark_ok(pid, 100, 100, None)
                    face = _Face((centre + rng.normal(size=128) * 0.01).astype(np.float32))
                    F.save_faces(cat, pid, [face], Image.new("RGB", (100, 100), colour), (100, 100), faces_dir)
                    n += 1
        lib.people.recluster()

    t = threading.Thread(target=write)
    t.start()
    t.join()


def test_people_undo_and_redo_are_in_the_edit_menu_with_one_ctrl_z(window, qtbot) -> None:
    _add_people(window.library, window.library.settings.faces_dir)
    qtbot.waitUntil(lambda: hasattr(window, "startup_problems"), timeout=WAIT)  # the start-up has run
    window.io_runner.wait(10000)
    qtbot.wait(50)
    undo, redo = window.actions_by_name["undo"], window.actions_by_name["redo"]
    edit_menu = next(a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == "Edit")
    assert undo in edit_menu.actions() and redo in edit_menu.actions()
    assert QKeySequence("Ctrl+Z") in undo.shortcuts() and QKeySequence("Ctrl+Shift+Z") in redo.shortcuts()
    assert not undo.isEnabled()
    window.show_page(PAGE_PEOPLE)
    people = window.page(PAGE_PEOPLE)
    qtbot.waitUntil(lambda: people.model.rowCount() == 2, timeout=WAIT)
    assert not undo.isEnabled(), "nothing to undo yet"

    def names_now() -> list[str]:
        return [people.model.data(people.model.index(r)).split("\n")[0] for r in range(people.model.rowCount())]

    people.model.setData(people.model.index(0), "민지", Qt.ItemDataRole.EditRole)
    qtbot.waitUntil(lambda: people.undo_stack.count() == 1 and "민지" in names_now(), timeout=WAIT)
    assert undo.isEnabled() and undo.text().startswith("&Undo") and len(undo.text()) > len("&Undo")
    assert not redo.isEnabled()
    # Ctrl+Z with the focus in People: exactly one action answers (no ambiguous shortcut).
    ctrl_z = [a for a in window.findChildren(QAction) if QKeySequence("Ctrl+Z") in a.shortcuts()]
    assert ctrl_z == [undo], "one action on Ctrl+Z in the whole window"
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    people.view.setFocus()
    qtbot.keyClick(people.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "민지" not in names_now(), timeout=WAIT)
    assert not undo.isEnabled() and redo.isEnabled()
    qtbot.keyClick(people.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: "민지" in names_now(), timeout=WAIT)
    assert undo.isEnabled()
    # The people context menu offers the same two actions.
    menu = people.person_menu(people.model.index(0))
    assert undo in menu.actions() and redo in menu.actions()
    # Elsewhere they are disabled: Ctrl+Z in the grid does not undo People's edits.
    window.show_page(PAGE_GRID)
    assert not undo.isEnabled() and not redo.isEnabled()
    window.show_page(PAGE_PEOPLE)
    assert undo.isEnabled()
    people.runner.wait(10000)


# -- 6. pool workers log what they raise, and are over before Python shuts down ---------------

def test_a_worker_that_raises_is_logged_with_its_traceback(window, qtbot, caplog, monkeypatch) -> None:
    failed: list[str] = []

    def boom() -> None:
        raise ValueError("a worker's mistake")

    with caplog.at_level(logging.ERROR):
        window.io_runner.submit(boom, lambda _r: None, failed.append)
        qtbot.waitUntil(lambda: bool(failed), timeout=WAIT)
    assert failed == ["ValueError: a worker's mistake"]
    assert any(r.exc_info and "a worker's mistake" in str(r.exc_info[1]) for r in caplog.records)

    # A thumbnail loader that raises: logged with its traceback, and the cell is a failed one.
    from photoindex.gui import thumbs

    def broken(*_args, **_kwargs):
        raise OSError("a thumbnail's mistake")

    monkeypatch.setattr(thumbs, "load_thumbnail", broken)
    caplog.clear()
    with caplog.at_level(logging.ERROR):
        assert window.thumbs.get(987654, "/nowhere/x.jpg") is None
        qtbot.waitUntil(lambda: window.thumbs.failed(987654), timeout=WAIT)
    assert any(r.exc_info and "a thumbnail's mistake" in str(r.exc_info[1]) for r in caplog.records)


def test_every_pool_is_drained_before_python_shuts_down(window, qtbot) -> None:
    import time

    from PySide6.QtCore import QRunnable

    from photoindex.gui import tasks

    window.open_preview(1, [1, 2])
    pools = [window.thumbs.pool, window.io_runner.pool, window.search_runner.pool, window.preview.pool]
    assert all(p in tasks._POOLS for p in pools), "every pool of the window is tracked"
    ran: list[int] = []

    class Slow(QRunnable):
        def __init__(self, n: int) -> None:
            super().__init__()
            self.n = n

        def run(self) -> None:
            time.sleep(0.3)
            ran.append(self.n)

    pool = tasks.tracked_pool(window, 1)
    for n in range(5):
        pool.start(Slow(n))
    time.sleep(0.05)
    tasks.drain_pools()  # what atexit runs: the running task finishes, the queued ones are dropped
    assert ran == [0] and pool.activeThreadCount() == 0
    window.preview.close()


def test_no_indexing_run_starts_after_the_window_closed(window, tmp_path: Path) -> None:
    """A rescan timer or a folder change after close started an IndexWorker that outlived the
    window: Qt aborts the process when a QThread is destroyed while it runs."""
    root = tmp_path / "사진"
    save_jpeg(root / "a.jpg", scene(1))
    window.roots = [str(root)]
    window.close()
    window.start_indexing()  # what the rescan timer calls
    window._rescan_timer.timeout.emit()
    assert window.worker is None and not window._rescan_timer.isActive()
