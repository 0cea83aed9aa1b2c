"""Faces and people in the catalog: what is stored, read and edited.

Faces are saved by the pipeline's writer (save_faces, in its transaction); people are listed,
named, merged, split, hidden and corrected here, each edit in the caller's transaction (the
library's single writer) and counted (EDITS_META), so that a grouping pass computed before an
edit is never committed over it (grouping.py). Crops are in crops.py.
"""

from __future__ import annotations

import logging
import time
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from photoindex.core.faces.cluster import split_groups
from photoindex.core.faces.crops import delete_crops, face_crop_path, remove_crop, write_crop
from photoindex.core.store.catalog import Catalog
from photoindex.core.types import PhotoindexError

log = logging.getLogger(__name__)

JOIN_DISTANCE = 0.5
"""A face joins a person whose centre is closer than this (dlib's own pair threshold is 0.6;
a centre sits nearer its faces than they sit to each other)."""
KEEP_IOU = 0.5
"""A re-indexed photo's face keeps its person and corrections when its box overlaps the old one this much."""


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    name: str | None
    face_count: int
    photo_count: int
    cover_face_id: int | None
    hidden: bool

    @property
    def label(self) -> str:
        return self.name or "Unnamed"


@dataclass(frozen=True, slots=True)
class FaceRow:
    id: int
    photo_id: int
    box: tuple[float, float, float, float]
    score: float
    person_id: int | None
    confirmed: bool


# -- writing faces (the pipeline's writer thread, inside its transaction) --------------------------


def _iou(a: Sequence[float], b: Sequence[float]) -> float:
    ix = max(0.0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union > 0 else 0.0


def save_faces(catalog: Catalog, photo_id: int, faces: Sequence[Any], image: Any, full_size: tuple[int, int],
               faces_dir: Path) -> list[int]:
    """Replace a photo's faces and write their crops to the cache. Returns the new face ids.

    Runs inside the caller's transaction. When a photo is indexed again (edited, touched), a face
    whose box overlaps an old one keeps that face's person if the user had confirmed it, and its
    "Not this person" marks: re-indexing never forgets a correction."""
    conn = catalog.conn
    old = conn.execute(
        "SELECT id, x, y, w, h, person_id, confirmed FROM faces WHERE photo_id = ?", (photo_id,)
    ).fetchall()
    rejections: dict[int, list[int]] = {}
    if old:
        marks = ",".join("?" * len(old))
        for fid, pid in conn.execute(
            f"SELECT face_id, person_id FROM face_rejections WHERE face_id IN ({marks})", [r[0] for r in old]
        ):
            rejections.setdefault(fid, []).append(pid)
        conn.execute("DELETE FROM faces WHERE photo_id = ?", (photo_id,))
        for r in old:
            remove_crop(faces_dir, r[0])
    ids: list[int] = []
    used: set[int] = set()
    for f in faces:
        box = tuple(float(v) for v in f.box)
        match = max((r for r in old if r[0] not in used), key=lambda r: _iou(box, r[1:5]), default=None)
        if match is not None and _iou(box, match[1:5]) < KEEP_IOU:
            match = None
        person, confirmed = (match[5], 1) if match is not None and match[6] else (None, 0)
        cur = conn.execute(
            "INSERT INTO faces(photo_id, x, y, w, h, landmarks, score, descriptor, person_id, confirmed)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (photo_id, *box, np.asarray(f.landmarks, np.float32).tobytes(), float(f.score),
             np.asarray(f.descriptor, np.float32).tobytes(), person, confirmed),
        )
        face_id = int(cur.lastrowid or 0)
        ids.append(face_id)
        if match is not None:
            used.add(match[0])
            conn.executemany("INSERT OR IGNORE INTO face_rejections(face_id, person_id) VALUES (?, ?)",
                             [(face_id, p) for p in rejections.get(match[0], [])])
        if image is not None:
            write_crop(image, full_size, box, face_crop_path(faces_dir, face_id))
    if old:
        _forget_centroids(catalog)
    if old or ids:
        _bump_generation(catalog)
    return ids


# -- centroids: in the people table, mirrored in memory per connection -----------------------------

_CENTROIDS: weakref.WeakKeyDictionary[Catalog, tuple[int, np.ndarray, np.ndarray]] = weakref.WeakKeyDictionary()


def _data_version(catalog: Catalog) -> int:
    # Changes when another connection commits; our own writes update the mirror directly.
    return int(catalog.conn.execute("PRAGMA data_version").fetchone()[0])


def _centroids(catalog: Catalog) -> tuple[np.ndarray, np.ndarray]:
    version = _data_version(catalog)
    cached = _CENTROIDS.get(catalog)
    if cached is not None and cached[0] == version:
        return cached[1], cached[2]
    rows = catalog.conn.execute("SELECT id, centroid FROM people WHERE centroid IS NOT NULL ORDER BY id").fetchall()
    if rows:
        ids = np.array([r[0] for r in rows], np.int64)
        centres = np.frombuffer(b"".join(r[1] for r in rows), np.float32).reshape(len(rows), -1).copy()
    else:
        ids, centres = np.zeros(0, np.int64), np.zeros((0, 128), np.float32)
    _CENTROIDS[catalog] = (version, ids, centres)
    return ids, centres


def _forget_centroids(catalog: Catalog) -> None:
    _CENTROIDS.pop(catalog, None)


def _set_centroid(catalog: Catalog, person_id: int, centre: np.ndarray | None) -> None:
    catalog.conn.execute("UPDATE people SET centroid = ? WHERE id = ?",
                         (None if centre is None else np.asarray(centre, np.float32).tobytes(), person_id))
    cached = _CENTROIDS.get(catalog)
    if cached is None:
        return
    version, ids, centres = cached
    at = np.searchsorted(ids, person_id)
    if centre is not None and at < len(ids) and ids[at] == person_id:
        centres[at] = centre
    else:
        _forget_centroids(catalog)


def _descriptors(catalog: Catalog, where: str, args: Sequence[Any] = ()) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rows = catalog.conn.execute(f"SELECT id, photo_id, descriptor FROM faces WHERE {where} ORDER BY id", args).fetchall()
    if not rows:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros((0, 128), np.float32)
    ids = np.array([r[0] for r in rows], np.int64)
    photos = np.array([r[1] for r in rows], np.int64)
    desc = np.frombuffer(b"".join(r[2] for r in rows), np.float32).reshape(len(rows), -1)
    return ids, photos, desc


def _update_centroids(catalog: Catalog, person_ids: Iterable[int]) -> None:
    """Recompute centres and covers from the faces (after a bulk change)."""
    for pid in set(person_ids):
        _ids, _photos, desc = _descriptors(catalog, "person_id = ?", (pid,))
        _set_centroid(catalog, pid, desc.mean(axis=0).astype(np.float32) if len(desc) else None)
        _ensure_cover(catalog, pid)


def _ensure_cover(catalog: Catalog, person_id: int) -> None:
    cover = catalog.conn.execute(
        "SELECT 1 FROM people p JOIN faces f ON f.id = p.cover_face_id AND f.person_id = p.id WHERE p.id = ?",
        (person_id,),
    ).fetchone()
    if cover is None:
        best = catalog.conn.execute(
            "SELECT id FROM faces WHERE person_id = ? ORDER BY confirmed DESC, w * h * score DESC LIMIT 1", (person_id,)
        ).fetchone()
        catalog.conn.execute("UPDATE people SET cover_face_id = ? WHERE id = ?", (best[0] if best else None, person_id))


class _maybe_transaction:
    """BEGIN/COMMIT unless the caller already holds a transaction."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.own = not catalog.conn.in_transaction

    def __enter__(self) -> None:
        if self.own:
            self.catalog.conn.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: Any, *_: Any) -> None:
        if self.own:
            self.catalog.conn.execute("ROLLBACK" if exc_type else "COMMIT")
        if exc_type is not None:
            _forget_centroids(self.catalog)


GENERATION_META = "faces.generation"


def _bump_generation(catalog: Catalog) -> None:
    catalog.conn.execute(
        "INSERT INTO meta(key, value) VALUES (?, '1')"
        " ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1", (GENERATION_META,)
    )


def _faces_signature(catalog: Catalog) -> str:
    # Row ids are reused after deletes, so count and max id alone could repeat: save_faces and
    # delete_all_face_data also bump a generation. (Photos removed from the catalog take their
    # faces with them, which changes the count.)
    count, last = catalog.conn.execute("SELECT count(*), coalesce(max(id), 0) FROM faces").fetchone()
    return f"{catalog.get_meta(GENERATION_META, '0')}:{count}:{last}"


EDITS_META = "people.edits"


def _bump_edits(catalog: Catalog) -> None:
    """A user's edit of people: a grouping pass computed before it must not be committed."""
    catalog.conn.execute(
        "INSERT INTO meta(key, value) VALUES (?, '1')"
        " ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1", (EDITS_META,)
    )


# -- people, for the CLI and the GUI ---------------------------------------------------------------


def list_people(catalog: Catalog, include_hidden: bool = False) -> list[Person]:
    rows = catalog.conn.execute(
        "SELECT p.id, p.name, count(f.id), count(DISTINCT f.photo_id), p.cover_face_id, p.hidden"
        " FROM people p JOIN faces f ON f.person_id = p.id"
        + ("" if include_hidden else " WHERE p.hidden = 0")
        + " GROUP BY p.id ORDER BY count(DISTINCT f.photo_id) DESC, p.id"
    ).fetchall()
    return [Person(r[0], r[1], r[2], r[3], r[4], bool(r[5])) for r in rows]


def person_photo_ids(catalog: Catalog, person_id: int) -> list[int]:
    return [r[0] for r in catalog.conn.execute(
        "SELECT DISTINCT f.photo_id FROM faces f JOIN photos p ON p.id = f.photo_id WHERE f.person_id = ?"
        " ORDER BY coalesce(p.taken_at, p.mtime_ns / 1e9) DESC", (person_id,))]


def faces_of_photo(catalog: Catalog, photo_id: int) -> list[FaceRow]:
    return [FaceRow(r[0], r[1], (r[2], r[3], r[4], r[5]), r[6], r[7], bool(r[8])) for r in catalog.conn.execute(
        "SELECT id, photo_id, x, y, w, h, score, person_id, confirmed FROM faces WHERE photo_id = ? ORDER BY x", (photo_id,))]


def faces_of_person(catalog: Catalog, person_id: int) -> list[FaceRow]:
    return [FaceRow(r[0], r[1], (r[2], r[3], r[4], r[5]), r[6], r[7], bool(r[8])) for r in catalog.conn.execute(
        "SELECT id, photo_id, x, y, w, h, score, person_id, confirmed FROM faces WHERE person_id = ?", (person_id,))]


def find_person(catalog: Catalog, name_or_id: str | int) -> int:
    text = str(name_or_id).strip()
    if text.isdigit():
        row = catalog.conn.execute("SELECT id FROM people WHERE id = ?", (int(text),)).fetchone()
    else:
        row = catalog.conn.execute("SELECT id FROM people WHERE lower(name) = lower(?)", (text,)).fetchone()
    if row is None:
        raise PhotoindexError(f"no person called {text!r} (see `photoindex people`)")
    return int(row[0])


def rename_person(catalog: Catalog, person_id: int, name: str) -> None:
    find_person(catalog, person_id)
    with _maybe_transaction(catalog):
        catalog.conn.execute("UPDATE people SET name = ? WHERE id = ?", (name.strip() or None, person_id))
        # Naming a person confirms the faces it holds: re-clustering never moves them again.
        catalog.conn.execute("UPDATE faces SET confirmed = 1 WHERE person_id = ?", (person_id,))
        _bump_edits(catalog)


def merge_people(catalog: Catalog, person_ids: Sequence[int | str]) -> int:
    """Merge into the first named person (else the first); returns the id that remains. The
    user said these are one person, so their faces become confirmed."""
    ids = list(dict.fromkeys(find_person(catalog, p) for p in person_ids))
    if len(ids) < 2:
        raise PhotoindexError("merge needs two different people")
    named = [p for p in ids if catalog.conn.execute("SELECT name FROM people WHERE id = ?", (p,)).fetchone()[0]]
    keep = named[0] if named else ids[0]
    with _maybe_transaction(catalog):
        for other in ids:
            if other == keep:
                continue
            catalog.conn.execute("UPDATE faces SET person_id = ? WHERE person_id = ?", (keep, other))
            catalog.conn.execute("UPDATE face_rejections SET person_id = ? WHERE person_id = ? AND face_id NOT IN"
                                 " (SELECT face_id FROM face_rejections WHERE person_id = ?)", (keep, other, keep))
            catalog.conn.execute("DELETE FROM people WHERE id = ?", (other,))
        catalog.conn.execute("UPDATE faces SET confirmed = 1 WHERE person_id = ?", (keep,))
        _bump_edits(catalog)
        _forget_centroids(catalog)
        _update_centroids(catalog, [keep])
    return keep


def split_person(catalog: Catalog, person_id: int, apply: bool = False,
                 groups: Sequence[Sequence[int]] | None = None) -> list[list[int]]:
    """The sub-groups of face ids found inside a person, biggest first (always at least two when
    the person has two faces or more). With apply, every group after the first becomes a new
    person (pass groups to apply a choice the user made from an earlier proposal); the faces of
    every group are confirmed, since the user decided."""
    if groups is None:
        ids, photos, desc = _descriptors(catalog, "person_id = ?", (person_id,))
        labels = split_groups(desc, photos)
        groups = [ids[labels == g].tolist() for g in range(int(labels.max()) + 1)] if len(ids) else []
    out = [[int(f) for f in g] for g in groups if len(g)]
    if apply and len(out) > 1:
        owned = {r[0] for r in catalog.conn.execute("SELECT id FROM faces WHERE person_id = ?", (person_id,))}
        if not all(f in owned for g in out for f in g):
            raise PhotoindexError("those faces are no longer all with this person; look again")
        with _maybe_transaction(catalog):
            for group in out[1:]:
                pid = int(catalog.conn.execute("INSERT INTO people(created_at) VALUES (?)", (time.time(),)).lastrowid or 0)
                marks = ",".join("?" * len(group))
                catalog.conn.execute(f"UPDATE faces SET person_id = ?, confirmed = 1 WHERE id IN ({marks})", [pid, *group])
            marks = ",".join("?" * len(out[0]))
            catalog.conn.execute(f"UPDATE faces SET confirmed = 1 WHERE id IN ({marks})", out[0])
            _bump_edits(catalog)
            _forget_centroids(catalog)
            _update_centroids(catalog, [person_id])
            for group in out[1:]:
                _update_centroids(catalog, [catalog.conn.execute("SELECT person_id FROM faces WHERE id = ?",
                                                                 (group[0],)).fetchone()[0]])
    return out


def remove_face_from_person(catalog: Catalog, face_id: int) -> None:
    """'Not this person': the face goes back to unsorted and never returns to that person."""
    row = catalog.conn.execute("SELECT person_id FROM faces WHERE id = ?", (face_id,)).fetchone()
    if row is None or row[0] is None:
        return
    with _maybe_transaction(catalog):
        catalog.conn.execute("INSERT OR IGNORE INTO face_rejections(face_id, person_id) VALUES (?, ?)", (face_id, row[0]))
        catalog.conn.execute("UPDATE faces SET person_id = NULL, confirmed = 0 WHERE id = ?", (face_id,))
        _bump_edits(catalog)
        _update_centroids(catalog, [row[0]])


def move_face(catalog: Catalog, face_id: int, person_id: int) -> None:
    """"Move to…": the face belongs to this person (confirmed). A face of the same photo that
    was only guessed to be that person goes back to unsorted; a confirmed one refuses the move."""
    find_person(catalog, person_id)
    row = catalog.conn.execute("SELECT person_id, photo_id FROM faces WHERE id = ?", (face_id,)).fetchone()
    if row is None:
        raise PhotoindexError(f"no face {face_id}")
    clash = catalog.conn.execute(
        "SELECT id, confirmed FROM faces WHERE person_id = ? AND photo_id = ? AND id != ?", (person_id, row[1], face_id)
    ).fetchall()
    if any(confirmed for _id, confirmed in clash):
        raise PhotoindexError("that person is already in this photo; remove the other face from them first")
    with _maybe_transaction(catalog):
        for other, _confirmed in clash:
            catalog.conn.execute("UPDATE faces SET person_id = NULL WHERE id = ?", (other,))
        catalog.conn.execute("UPDATE faces SET person_id = ?, confirmed = 1 WHERE id = ?", (person_id, face_id))
        catalog.conn.execute("DELETE FROM face_rejections WHERE face_id = ? AND person_id = ?", (face_id, person_id))
        _bump_edits(catalog)
        _update_centroids(catalog, [p for p in (row[0], person_id) if p is not None])


def hide_person(catalog: Catalog, person_id: int, hidden: bool = True) -> None:
    find_person(catalog, person_id)
    with _maybe_transaction(catalog):
        catalog.conn.execute("UPDATE people SET hidden = ? WHERE id = ?", (int(hidden), person_id))
        _bump_edits(catalog)


def delete_all_face_data(catalog: Catalog, faces_dir: Path | None) -> None:
    """Every face, person and (when faces_dir is given) crop. The rows go in the caller's
    transaction if there is one; pass faces_dir=None there and call delete_crops after the
    commit, so a failed commit never leaves rows whose crops are gone."""
    with _maybe_transaction(catalog):
        catalog.conn.execute("DELETE FROM face_rejections")
        catalog.conn.execute("DELETE FROM faces")
        catalog.conn.execute("DELETE FROM people")
        _bump_generation(catalog)
    _forget_centroids(catalog)
    if faces_dir is not None:
        delete_crops(faces_dir)


