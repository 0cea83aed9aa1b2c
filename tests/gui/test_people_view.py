from __future__ import annotations

import numpy as np

from photoindex.core import faces as F


class _Face:
    def __init__(self, d):
        self.box, self.landmarks, self.score, self.descriptor = (0, 0, 10, 10), np.zeros((5, 2)), 0.9, d


def _people_library(tiny_settings):
    from photoindex.core.library import Library

    lib = Library(tiny_settings)
    cat = lib.catalog()
    rng = np.random.default_rng(0)
    centres = [rng.normal(size=128).astype(np.float32) * 0.2 for _ in range(3)]
    sizes = [4, 3, 2]
    with cat.transaction():
        n = 0
        for centre, size in zip(centres, sizes, strict=True):
            for _ in range(size):
                pid = cat.insert_photo(f"/photos/p{n}.jpg", 1, 1, None)
                cat.mark_ok(pid, 100, 100, None)
                F.save_faces(cat, pid, [_Face(centre + rng.normal(size=128).astype(np.float32) * 0.01)], None,
                             (100, 100), tiny_settings.faces_dir)
                n += 1
    F.recluster(cat)
    return lib


def test_people_grid_biggest_first_rename_merge_and_open(qtbot, tiny_settings) -> None:
    from PySide6.QtCore import Qt

    from photoindex.gui.people_view import PeopleView, PersonIdRole

    lib = _people_library(tiny_settings)
    view = PeopleView(lib)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.model.rowCount() == 3, timeout=20000)
    labels = [view.model.data(view.model.index(r)) for r in range(3)]
    assert labels[0] == "Unnamed\n4 photos" and labels[2] == "Unnamed\n2 photos"
    first = view.model.index(0).data(PersonIdRole)
    view.model.setData(view.model.index(0), "Mina", Qt.ItemDataRole.EditRole)
    qtbot.waitUntil(lambda: view.model.rowCount() == 3 and "Mina" in view.model.data(view.model.index(0)), timeout=20000)
    with qtbot.waitSignal(view.photosRequested, timeout=20000) as blocker:
        view._open(first)
    assert len(blocker.args[0]) == 4
    ids = [view.model.index(r).data(PersonIdRole) for r in (1, 2)]
    view.merge(ids)
    qtbot.waitUntil(lambda: view.model.rowCount() == 2, timeout=20000)
    assert "5 photos" in view.model.data(view.model.index(0))
    view.runner.wait(10000)
    lib.close()
