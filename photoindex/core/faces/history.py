"""Undo and redo for people edits: a snapshot of what an edit touches, before and after.

An edit (rename, merge, split, move, not this person, hide) changes a few people rows, which
faces belong to whom (and whether the user confirmed it) and the "not this person" marks of those
faces. Before the edit the recorder copies exactly that; after it, the same rows again. Undo puts
the first copy back, redo the second, in one transaction through the single writer.

Putting a copy back is refused when the rows it covers are no longer as the edit left them (a
later edit, a photo re-indexed, a person created with a reused id): undo never overwrites work
done since. Faces added to a person since by the grouping pass are outside the copy and stay.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from photoindex.core.faces.storage import _bump_edits, _forget_centroids
from photoindex.core.store.catalog import Catalog
from photoindex.core.types import PhotoindexError

_PERSON_COLUMNS = "id, name, hidden, cover_face_id, centroid, created_at"


@dataclass(frozen=True)
class PeopleState:
    """The rows an edit touches, as they were at one moment. A person id mapped to None did
    not exist then (made by a split, or merged away)."""

    people: dict[int, tuple[Any, ...] | None]
    """person id -> (name, hidden, cover_face_id, centroid, created_at) or None."""
    faces: dict[int, tuple[int | None, int]]
    """face id -> (person id, confirmed)."""
    rejections: frozenset[tuple[int, int]]
    """(face id, person id): "not this person" marks of these faces."""


@dataclass
class PeopleChange:
    """One user edit, undoable: the state before and after it (filled by the recorder)."""

    before: PeopleState | None = None
    after: PeopleState | None = None
    person_ids: set[int] = field(default_factory=set)
    face_ids: set[int] = field(default_factory=set)


def _person_rows(cat: Catalog, ids: Iterable[int]) -> dict[int, tuple[Any, ...] | None]:
    out: dict[int, tuple[Any, ...] | None] = {}
    for pid in ids:
        row = cat.conn.execute(f"SELECT {_PERSON_COLUMNS} FROM people WHERE id = ?", (pid,)).fetchone()
        out[pid] = tuple(row[1:]) if row else None
    return out


def _face_rows(cat: Catalog, ids: Iterable[int]) -> dict[int, tuple[int | None, int]]:
    out: dict[int, tuple[int | None, int]] = {}
    for fid in ids:
        row = cat.conn.execute("SELECT person_id, confirmed FROM faces WHERE id = ?", (fid,)).fetchone()
        if row is not None:
            out[fid] = (row[0], int(row[1]))
    return out


def _rejections(cat: Catalog, face_ids: Iterable[int]) -> frozenset[tuple[int, int]]:
    out: set[tuple[int, int]] = set()
    for fid in face_ids:
        out.update((fid, int(p)) for (p,) in cat.conn.execute(
            "SELECT person_id FROM face_rejections WHERE face_id = ?", (fid,)))
    return frozenset(out)


def note(cat: Catalog, change: PeopleChange, person_ids: Iterable[int] = (), face_ids: Iterable[int] = ()) -> None:
    """Before an edit, inside its transaction: add these people (with all their faces) and these
    faces (with their people) to what the change covers, and copy the rows not copied yet."""
    persons = {int(p) for p in person_ids}
    faces = {int(f) for f in face_ids}
    for fid in faces:
        row = cat.conn.execute("SELECT person_id FROM faces WHERE id = ?", (fid,)).fetchone()
        if row is not None and row[0] is not None:
            persons.add(int(row[0]))
    for pid in persons:
        faces.update(int(f) for (f,) in cat.conn.execute("SELECT id FROM faces WHERE person_id = ?", (pid,)))
    new_people = persons - change.person_ids
    new_faces = faces - change.face_ids
    if change.before is None:
        change.before = PeopleState({}, {}, frozenset())
    change.before.people.update(_person_rows(cat, new_people))
    change.before.faces.update(_face_rows(cat, new_faces))
    change.before = PeopleState(change.before.people, change.before.faces,
                                change.before.rejections | _rejections(cat, new_faces))
    change.person_ids |= new_people
    change.face_ids |= new_faces


def finish(cat: Catalog, change: PeopleChange) -> None:
    """After the edit, in the same transaction: copy the same rows again. People that now hold
    the covered faces (made by a split) join the change as people who did not exist before."""
    if change.before is None:
        return
    holders = {p for p, _ in _face_rows(cat, change.face_ids).values() if p is not None}
    for pid in holders - change.person_ids:
        change.before.people[pid] = None
        change.person_ids.add(pid)
    change.after = state(cat, change)


def state(cat: Catalog, change: PeopleChange) -> PeopleState:
    return PeopleState(_person_rows(cat, change.person_ids), _face_rows(cat, change.face_ids),
                       _rejections(cat, change.face_ids))


def _essential(people: dict[int, tuple[Any, ...] | None], faces: dict[int, tuple[int | None, int]]) -> tuple[Any, ...]:
    # What a person sees: who exists, their names and hidden flags, which face is whose. Covers
    # and centres follow from the faces and are put back with the rest, not compared.
    return ({p: (r[0], r[1]) if r else None for p, r in people.items()}, faces)


def restore(cat: Catalog, change: PeopleChange, *, undo: bool) -> None:
    """Put the state before (undo) or after (redo) the edit back, inside the caller's
    transaction; PhotoindexError when the people changed since in a way that forbids it."""
    if change.before is None or change.after is None:
        raise PhotoindexError("nothing was recorded for this edit")
    leaving, target = (change.after, change.before) if undo else (change.before, change.after)
    now = state(cat, change)
    gone = set(leaving.faces) - set(now.faces)  # their photo was removed or indexed again: skipped
    expected = {f: v for f, v in leaving.faces.items() if f not in gone}
    if _essential(now.people, now.faces) != _essential(leaving.people, expected):
        raise PhotoindexError("the people changed since this edit (another edit or the grouping of new faces), "
                              "so it can no longer be undone or redone")
    conn = cat.conn
    for pid, row in target.people.items():
        if row is not None and now.people.get(pid) is None:
            conn.execute(f"INSERT INTO people({_PERSON_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)", (pid, *row))
    for fid, (person, confirmed) in target.faces.items():
        if fid not in gone:
            conn.execute("UPDATE faces SET person_id = ?, confirmed = ? WHERE id = ?", (person, confirmed, fid))
    for pid, row in target.people.items():
        if row is not None and now.people.get(pid) is not None:
            conn.execute("UPDATE people SET name = ?, hidden = ?, cover_face_id = ?, centroid = ?, created_at = ?"
                         " WHERE id = ?", (*row, pid))
    for pid, row in target.people.items():
        if row is None and now.people.get(pid) is not None:
            conn.execute("DELETE FROM people WHERE id = ?", (pid,))
    live = [f for f in change.face_ids if f not in gone]
    for fid in live:
        conn.execute("DELETE FROM face_rejections WHERE face_id = ?", (fid,))
    conn.executemany(
        "INSERT OR IGNORE INTO face_rejections(face_id, person_id) SELECT ?, ? WHERE EXISTS"
        " (SELECT 1 FROM people WHERE id = ?)",
        [(f, p, p) for f, p in target.rejections if f not in gone])
    _bump_edits(cat)
    _forget_centroids(cat)
