"""The People view on a real library: real catalog, real face crops, real Qt widgets (offscreen).
Descriptors are dlib-like synthetic ones: the view, not the models, is under test."""

from __future__ import annotations

import numpy as np
import pytest

from photoindex.core import faces as F

SIZES = [4, 3, 2]


class _Face:
    def __init__(self, d):
        self.box, self.landmarks, self.score, self.descriptor = (10, 10, 40, 40), np.zeros((5, 2)), 0.9, d


@pytest.fixture
def people_library(tiny_settings):
    """Three people in 4, 3 and 2 photos; every catalog call off the GUI thread is recorded."""
    from PIL import Image

    from photoindex.core.library import Library
    from tests.gui.conftest import record_gui_thread_catalog

    lib = Library(tiny_settings)
    rng = np.random.default_rng(0)
    centres = [(rng.normal(size=128) * 0.056).astype(np.float32) for _ in SIZES]
    colours = ["red", "green", "blue"]
    with lib.writer.transaction() as cat:
        n = 0
        for centre, size, colour in zip(centres, SIZES, colours, strict=True):
            for _ in range(size):
                pid = cat.insert_photo(f"/photos/p{n}.jpg", 1, 1, None)
                cat.mark_ok(pid, 100, 100, None)
                face = _Face((centre + rng.normal(size=128) * 0.01).astype(np.float32))
                F.save_faces(cat, pid, [face], Image.new("RGB", (100, 100), colour), (100, 100),
                             tiny_settings.faces_dir)
                n += 1
    lib.people.recluster()
    lib.gui_thread_calls = record_gui_thread_catalog(lib)
    yield lib
    lib.close()


@pytest.fixture
def view(qtbot, people_library):
    from photoindex.gui.people_view import PeopleView

    v = PeopleView(people_library)
    qtbot.addWidget(v)
    v.resize(900, 700)
    v.show()
    qtbot.waitUntil(lambda: v.model.rowCount() == 3, timeout=20000)
    yield v
    v.runner.wait(10000)
    assert people_library.gui_thread_calls == [], "the catalog is only touched by workers"


def _labels(view) -> list[str]:
    return [view.model.data(view.model.index(r)) for r in range(view.model.rowCount())]


def _ids(view) -> list[int]:
    from photoindex.gui.people_view import PersonIdRole

    return [view.model.index(r).data(PersonIdRole) for r in range(view.model.rowCount())]


def _select(view, rows: list[int]) -> None:
    from PySide6.QtCore import QItemSelectionModel

    sel = view.view.selectionModel()
    sel.clearSelection()
    for r in rows:
        sel.select(view.model.index(r), QItemSelectionModel.SelectionFlag.Select)


def _confirm_merge(qtbot, view, answer: str = "Merge") -> None:
    qtbot.waitUntil(lambda: view.merge_box is not None and view.merge_box.isVisible(), timeout=5000)
    box = view.merge_box
    next(b for b in box.buttons() if b.text().replace("&", "") == answer).click()


def _trigger(menu, text: str):
    for action in menu.actions():
        if action.text().startswith(text):
            action.trigger()
            return action
    raise AssertionError(f"no {text!r} in {[a.text() for a in menu.actions()]}")


def test_grid_is_biggest_first_with_covers_and_renames_inline(qtbot, view, people_library) -> None:
    from PySide6.QtCore import Qt

    assert _labels(view) == ["Unnamed\n4 photos", "Unnamed\n3 photos", "Unnamed\n2 photos"]
    cover = view.model.data(view.model.index(0), Qt.ItemDataRole.DecorationRole)
    assert not cover.isNull() and cover.toImage().pixelColor(50, 50).red() > 200, "the red person's own face"
    first = _ids(view)[0]
    view.model.setData(view.model.index(0), "Mina 민아", Qt.ItemDataRole.EditRole)
    assert _labels(view)[0] == "Mina 민아\n4 photos", "the new name shows at once"
    qtbot.waitUntil(lambda: people_library.real_catalog().conn.execute(
        "SELECT name FROM people WHERE id = ?", (first,)).fetchone()[0] == "Mina 민아", timeout=20000)
    assert F.find_person(people_library.real_catalog(), "mina 민아") == first
    view.runner.wait(10000)
    qtbot.waitUntil(lambda: _labels(view)[0] == "Mina 민아\n4 photos", timeout=20000)


def test_double_click_shows_that_persons_photos(qtbot, view) -> None:
    from PySide6.QtCore import Qt

    first = _ids(view)[0]
    rect = view.view.visualRect(view.model.index(0))
    activated: list[int] = []
    view.personActivated.connect(activated.append)
    qtbot.mouseClick(view.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert activated == [] and view.selected_ids() == [first], "one click selects (to merge), nothing more"
    with qtbot.waitSignal(view.personActivated, timeout=5000) as blocker:
        qtbot.mousePress(view.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseRelease(view.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(view.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == [first]


def test_merge_selected_people(qtbot, view) -> None:
    _select(view, [1, 2])
    assert view.merge_button.isEnabled()
    view.merge_button.click()
    _confirm_merge(qtbot, view, "Cancel")
    view.runner.wait(10000)
    assert view.model.rowCount() == 3, "nothing merged without a yes"
    view.merge_button.click()
    assert "2 people" in view.merge_box.text()
    _confirm_merge(qtbot, view)
    qtbot.waitUntil(lambda: view.model.rowCount() == 2, timeout=20000)
    assert _labels(view) == ["Unnamed\n5 photos", "Unnamed\n4 photos"]


def test_drag_one_person_onto_another_merges_them(qtbot, view) -> None:
    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtGui import QDropEvent

    source, target = view.model.index(2), view.model.index(0)
    mime = view.model.mimeData([source])
    pos = QPointF(view.view.visualRect(target).center())
    event = QDropEvent(pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    view.view.dropEvent(event)
    _confirm_merge(qtbot, view)
    qtbot.waitUntil(lambda: view.model.rowCount() == 2, timeout=20000)
    assert _labels(view) == ["Unnamed\n6 photos", "Unnamed\n3 photos"]


def test_not_this_person_and_move_to_on_a_face(qtbot, view, people_library) -> None:
    first, second, _third = _ids(view)
    _select(view, [0])
    qtbot.waitUntil(lambda: view.faces_model.rowCount() == 4 and view.faces_box.isVisible(), timeout=20000)
    wrong = view.faces_model.faces[0].id
    _trigger(view.face_menu(view.faces_model.index(0)), "Not this person")
    qtbot.waitUntil(lambda: _labels(view)[0] == "Unnamed\n3 photos", timeout=20000)
    assert F.faces_of_photo(people_library.real_catalog(), view_face_photo(people_library, wrong))[0].person_id != first
    F.recluster(people_library.real_catalog(), force=True)
    row = people_library.real_catalog().conn.execute("SELECT person_id FROM faces WHERE id = ?", (wrong,)).fetchone()
    assert row[0] != first, "Not this person holds through the background pass"
    # Move another face of the first person to the second person.
    _select(view, [_ids(view).index(first)])
    qtbot.waitUntil(lambda: view.faces_model.rowCount() == 3, timeout=20000)
    moved = view.faces_model.faces[0].id
    menu = view.face_menu(view.faces_model.index(0))
    move = next(a.menu() for a in menu.actions() if a.text() == "Move to…")
    targets = [a.text() for a in move.actions()]
    assert targets and all("Unnamed" in t for t in targets) and len(targets) == 2, targets
    next(a for a in move.actions() if a.text().endswith("(3)")).trigger()
    qtbot.waitUntil(lambda: sorted(_labels(view)) == ["Unnamed\n2 photos", "Unnamed\n2 photos", "Unnamed\n4 photos"],
                    timeout=20000)
    row = people_library.real_catalog().conn.execute("SELECT person_id, confirmed FROM faces WHERE id = ?", (moved,)).fetchone()
    assert row == (second, 1)


def view_face_photo(lib, face_id: int) -> int:
    return lib.real_catalog().conn.execute("SELECT photo_id FROM faces WHERE id = ?", (face_id,)).fetchone()[0]


def test_split_offers_the_sub_groups_and_applies_the_choice(qtbot, view) -> None:
    _select(view, [0, 1])
    view.merge_button.click()
    _confirm_merge(qtbot, view)
    qtbot.waitUntil(lambda: view.model.rowCount() == 2, timeout=20000)
    merged = _ids(view)[0]
    _trigger(view.person_menu(view.model.index(0)), "Split")
    qtbot.waitUntil(lambda: getattr(view, "split_dialog", None) is not None and view.split_dialog.isVisible(),
                    timeout=20000)
    dialog = view.split_dialog
    assert [len(g) for g in dialog.groups] == [4, 3], "the two people it was made of"
    assert [c.isChecked() for c in dialog.checks] == [False, True]
    dialog.accept()
    qtbot.waitUntil(lambda: view.model.rowCount() == 3, timeout=20000)
    assert _labels(view) == ["Unnamed\n4 photos", "Unnamed\n3 photos", "Unnamed\n2 photos"]
    assert merged in _ids(view)


def test_hide_and_unhide_a_person(qtbot, view) -> None:
    third = _ids(view)[2]
    _trigger(view.person_menu(view.model.index(2)), "Hide")
    qtbot.waitUntil(lambda: view.model.rowCount() == 2, timeout=20000)
    view.hidden_check.setChecked(True)
    qtbot.waitUntil(lambda: view.model.rowCount() == 3, timeout=20000)
    row = _ids(view).index(third)
    _trigger(view.person_menu(view.model.index(row)), "Unhide")
    view.hidden_check.setChecked(False)
    qtbot.waitUntil(lambda: view.model.rowCount() == 3 and third in _ids(view), timeout=20000)


def test_several_people_photos_and_a_face_photo_are_requested(qtbot, view) -> None:
    _select(view, [1, 2])
    menu = view.person_menu(view.model.index(1))
    with qtbot.waitSignal(view.photosRequested, timeout=20000) as blocker:
        _trigger(menu, "Show photos of these 2 people")
    assert len(blocker.args[0]) == 5
    _select(view, [2])
    qtbot.waitUntil(lambda: view.faces_model.rowCount() == 2, timeout=20000)
    with qtbot.waitSignal(view.photosRequested, timeout=5000) as blocker:
        _trigger(view.face_menu(view.faces_model.index(1)), "Show the photo")
    assert blocker.args[0] == [view.faces_model.faces[1].photo_id]


def test_empty_library_says_how_people_appear(qtbot, tiny_settings) -> None:
    from photoindex.core.library import Library
    from photoindex.gui.people_view import PeopleView

    lib = Library(tiny_settings)
    v = PeopleView(lib)
    qtbot.addWidget(v)
    qtbot.waitUntil(lambda: "No people yet" in v.status.text(), timeout=20000)
    v.runner.wait(10000)
    lib.close()


def test_every_edit_undoes_and_redoes_with_ctrl_z(qtbot, view, people_library) -> None:
    from PySide6.QtCore import Qt

    def state():
        return people_library.real_catalog().conn.execute(
            "SELECT group_concat(id || ':' || coalesce(person_id, '-') || ':' || confirmed) FROM faces").fetchone()[0], \
            people_library.real_catalog().conn.execute(
                "SELECT group_concat(id || ':' || coalesce(name, '') || ':' || hidden) FROM people").fetchone()[0]

    start = state()
    first = _ids(view)[0]
    # Rename, merge, hide: three edits on the stack.
    view.model.setData(view.model.index(0), "Mina 민아", Qt.ItemDataRole.EditRole)
    qtbot.waitUntil(lambda: view.undo_stack.count() == 1, timeout=20000)
    renamed = state()
    _select(view, [1, 2])
    view.merge_button.click()
    _confirm_merge(qtbot, view)
    qtbot.waitUntil(lambda: view.undo_stack.count() == 2 and view.model.rowCount() == 2, timeout=20000)
    merged = state()
    _trigger(view.person_menu(view.model.index(_ids(view).index(first))), "Hide")
    qtbot.waitUntil(lambda: view.undo_stack.count() == 3 and view.model.rowCount() == 1, timeout=20000)
    assert view.undo_action.isEnabled() and "Hide" in view.undo_action.text()
    # Ctrl+Z three times, with the focus in the grid, as a user does.
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow, timeout=5000)
    view.view.setFocus()
    for expected, rows in ((merged, 2), (renamed, 3), (start, 3)):
        qtbot.keyClick(view.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        view.runner.wait(10000)
        qtbot.waitUntil(lambda e=expected: state() == e, timeout=20000)
        qtbot.waitUntil(lambda r=rows: view.model.rowCount() == r, timeout=20000)
    qtbot.waitUntil(lambda: _labels(view)[0] == "Unnamed\n4 photos", timeout=20000)
    assert not view.undo_action.isEnabled()
    # Ctrl+Shift+Z redoes them in order.
    for expected in (renamed, merged):
        qtbot.keyClick(view.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
        view.runner.wait(10000)
        qtbot.waitUntil(lambda e=expected: state() == e, timeout=20000)
    qtbot.waitUntil(lambda: "Mina 민아\n4 photos" in _labels(view), timeout=20000)


def test_not_this_person_and_split_undo(qtbot, view, people_library) -> None:
    first = _ids(view)[0]
    _select(view, [0])
    qtbot.waitUntil(lambda: view.faces_model.rowCount() == 4, timeout=20000)
    wrong = view.faces_model.faces[0].id
    _trigger(view.face_menu(view.faces_model.index(0)), "Not this person")
    qtbot.waitUntil(lambda: view.undo_stack.count() == 1, timeout=20000)
    conn = people_library.real_catalog().conn
    assert conn.execute("SELECT person_id FROM faces WHERE id = ?", (wrong,)).fetchone()[0] is None
    view.undo_stack.undo()
    view.runner.wait(10000)
    qtbot.waitUntil(lambda: conn.execute("SELECT person_id FROM faces WHERE id = ?", (wrong,)).fetchone()[0] == first,
                    timeout=20000)
    assert conn.execute("SELECT count(*) FROM face_rejections WHERE face_id = ?", (wrong,)).fetchone()[0] == 0
    faces = [f.id for f in view.faces_model.faces] or [r[0] for r in conn.execute(
        "SELECT id FROM faces WHERE person_id = ?", (first,))]
    view.apply_split(first, [faces[:2], faces[2:]])
    qtbot.waitUntil(lambda: view.model.rowCount() == 4, timeout=20000)
    view.undo_stack.undo()
    qtbot.waitUntil(lambda: view.model.rowCount() == 3, timeout=20000)
    assert _labels(view)[0] == "Unnamed\n4 photos"


def test_an_undo_that_would_overwrite_a_later_change_is_refused(qtbot, view, people_library) -> None:
    first = _ids(view)[0]
    view.hide(first)
    qtbot.waitUntil(lambda: view.undo_stack.count() == 1, timeout=20000)
    import threading

    elsewhere = threading.Thread(target=people_library.people.rename, args=(first, "Elsewhere"))  # the CLI, say
    elsewhere.start()
    elsewhere.join()
    view.undo_stack.undo()
    view.runner.wait(10000)
    qtbot.waitUntil(lambda: "changed since" in view.last_error, timeout=20000)
    assert "changed since" in view.error_box.text(), "told in a message box"
    assert view.undo_stack.count() == 0, "the history no longer matches the people: cleared"
    assert people_library.real_catalog().conn.execute(
        "SELECT name, hidden FROM people WHERE id = ?", (first,)).fetchone() == ("Elsewhere", 1)


def test_label_cell_shows_the_whole_name_and_the_count(qtbot, view) -> None:
    from photoindex.gui.people_view import CELL_WIDTH, wrap_name

    font = view.view.font()
    fm = view.view.fontMetrics()
    # The cell is wide enough for the usual label on one line each.
    assert fm.horizontalAdvance("Unnamed") < CELL_WIDTH - 12
    assert fm.horizontalAdvance("1,234 photos") < CELL_WIDTH - 12
    assert wrap_name("Unnamed", font, CELL_WIDTH - 12) == ["Unnamed"]
    long_name = "김민아 할머니와 손녀 Grandmother and granddaughter at the seaside"
    lines = wrap_name(long_name, font, CELL_WIDTH - 12)
    assert len(lines) == 2 and lines[0] and long_name.startswith(lines[0]), lines
    assert lines[1].endswith("…") and all(fm.horizontalAdvance(t) <= CELL_WIDTH - 12 for t in lines)
    assert wrap_name("김민아 할머니", font, CELL_WIDTH - 12) == ["김민아 할머니"]
    # The grid cell holds the cover, two name lines and the count.
    grid = view.view.gridSize()
    assert grid.width() >= CELL_WIDTH and grid.height() >= 120 + 3 * fm.height()
    # What the cell paints: the name and the count, in full.
    from PySide6.QtWidgets import QStyleOptionViewItem

    opt = QStyleOptionViewItem()
    opt.font = font
    names, count = view.delegate.lines(view.model.index(0), opt)
    assert names == ["Unnamed"] and count == "4 photos"
