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
