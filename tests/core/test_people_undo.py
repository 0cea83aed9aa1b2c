"""Every people edit can be undone and redone through the Library (real catalog, real writer);
an undo that would overwrite a later edit is refused."""

from __future__ import annotations

import numpy as np
import pytest

from photoindex.core import faces as F
from photoindex.core.types import PhotoindexError


class _Face:
    def __init__(self, d, x=10):
        self.box, self.landmarks, self.score, self.descriptor = (x, 10, 40, 40), np.zeros((5, 2)), 0.9, d


@pytest.fixture
def lib(tiny_settings):
    """Three people in 4, 3 and 2 photos, and a photo with two faces (of people 0 and 1)."""
    from photoindex.core.library import Library

    library = Library(tiny_settings)
    rng = np.random.default_rng(1)
    centres = [(rng.normal(size=128) * 0.056).astype(np.float32) for _ in range(3)]
    with library.writer.transaction() as cat:
        n = 0
        for centre, size in zip(centres, [4, 3, 2], strict=True):
            for _ in range(size):
                pid = cat.insert_photo(f"/photos/p{n}.jpg", 1, 1, None)
                cat.mark_ok(pid, 100, 100, None)
                F.save_faces(cat, pid, [_Face((centre + rng.normal(size=128) * 0.01).astype(np.float32))], None,
                             (100, 100), tiny_settings.faces_dir)
                n += 1
        pid = cat.insert_photo("/photos/pair.jpg", 1, 1, None)
        cat.mark_ok(pid, 100, 100, None)
        F.save_faces(cat, pid, [_Face((centres[0] + rng.normal(size=128) * 0.01).astype(np.float32), 10),
                                _Face((centres[1] + rng.normal(size=128) * 0.01).astype(np.float32), 60)],
                     None, (100, 100), tiny_settings.faces_dir)
    library.people.recluster()
    yield library
    library.close()


def snapshot(lib) -> tuple:
    conn = lib.catalog().conn
    people = conn.execute("SELECT id, name, hidden, cover_face_id FROM people ORDER BY id").fetchall()
    faces = conn.execute("SELECT id, person_id, confirmed FROM faces ORDER BY id").fetchall()
    marks = conn.execute("SELECT face_id, person_id FROM face_rejections ORDER BY 1, 2").fetchall()
    listed = [(p.id, p.label, p.face_count, p.photo_count, p.hidden) for p in lib.people.all(include_hidden=True)]
    return people, faces, marks, listed


def _edit_undo_redo(lib, edit) -> tuple:
    before = snapshot(lib)
    with lib.people.recording() as change:
        edit()
    after = snapshot(lib)
    assert after != before, "the edit changed something"
    lib.people.undo(change)
    assert snapshot(lib) == before
    lib.people.redo(change)
    assert snapshot(lib) == after
    lib.people.undo(change)
    assert snapshot(lib) == before
    return before, after


def _people(lib) -> list[int]:
    return [p.id for p in lib.people.all()]


def test_rename_and_hide(lib) -> None:
    a = _people(lib)[0]
    _edit_undo_redo(lib, lambda: lib.people.rename(a, "민아"))
    assert lib.people.name(a) is None
    _edit_undo_redo(lib, lambda: lib.people.hide(a))
    assert a in _people(lib)


def test_merge_brings_the_merged_person_back_with_its_id(lib) -> None:
    a, b, _c = _people(lib)
    lib.people.rename(b, "Jun")
    _edit_undo_redo(lib, lambda: lib.people.merge([a, b]))
    assert lib.people.name(b) == "Jun" and a in _people(lib), "both people are back, with their names"


def test_split_removes_the_new_person_on_undo(lib) -> None:
    a = _people(lib)[0]
    faces = [f.id for f in lib.people.faces_of(a)]
    before, after = _edit_undo_redo(lib, lambda: lib.people.split(a, [faces[:2], faces[2:]]))
    assert len(after[0]) == len(before[0]) + 1, "the split made a person; the undo removed it"


def test_not_this_person_and_move(lib) -> None:
    a, b, c = _people(lib)
    fa = [f.id for f in lib.people.faces_of(a)]
    _edit_undo_redo(lib, lambda: lib.people.remove_faces(fa[:2]))
    # Moving a face of the shared photo onto the person already guessed there sends that guess
    # back to unsorted; undo puts both back.
    pair = lib.catalog().conn.execute("SELECT id FROM photos WHERE path = '/photos/pair.jpg'").fetchone()[0]
    in_pair = {f.person_id: f.id for f in lib.people.faces_in_photo(pair)}
    assert set(in_pair) == {a, b}
    _edit_undo_redo(lib, lambda: lib.people.move_faces([in_pair[b]], a))
    _edit_undo_redo(lib, lambda: lib.people.move_faces(fa[:1], c))


def test_undo_is_refused_when_a_later_edit_would_be_overwritten(lib) -> None:
    a, b, _c = _people(lib)
    with lib.people.recording() as merged:
        lib.people.merge([a, b])
    lib.people.rename(a, "Later")
    with pytest.raises(PhotoindexError, match="changed since"):
        lib.people.undo(merged)
    assert lib.people.name(a) == "Later", "the later edit stays"
    # A failed edit records nothing and changes nothing.
    before = snapshot(lib)
    with pytest.raises(PhotoindexError), lib.people.recording():
        lib.people.merge([a])
    assert snapshot(lib) == before
