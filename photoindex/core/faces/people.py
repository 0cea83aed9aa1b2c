"""Faces in the catalog and the people they form.

Clustering is incremental. A new face joins the nearest person when it is close enough and that
person is not already in the same photo (assign_new_faces, during indexing); the rest stay
unsorted until the background pass (recluster) re-forms the automatic people with DBSCAN (see
cluster.py for why DBSCAN). What a user confirmed, moved or rejected is never undone: confirmed
faces are never reassigned, and "Not this person" is remembered.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from photoindex.core.faces.cluster import cluster_descriptors, split_groups
from photoindex.core.store.catalog import Catalog
from photoindex.core.types import PhotoindexError

log = logging.getLogger(__name__)

JOIN_DISTANCE = 0.5
"""A face joins a person whose centre is closer than this (dlib's own pair threshold is 0.6;
a centre sits nearer its faces than they sit to each other)."""
CROP_SIZE = 160
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


def face_crop_path(faces_dir: Path, face_id: int) -> Path:
    """The cached crop of a face (a cache under the library folder, never beside the photos)."""
    return faces_dir / f"{face_id % 256:02x}" / f"{face_id}.jpg"


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
            face_crop_path(faces_dir, r[0]).unlink(missing_ok=True)
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
            _write_crop(image, full_size, box, face_crop_path(faces_dir, face_id))
    if old:
        _forget_centroids(catalog)
    if old or ids:
        _bump_generation(catalog)
    return ids


def _write_crop(image: Any, full_size: tuple[int, int], box: Sequence[float], dest: Path) -> None:
    from PIL import Image

    s = image.width / full_size[0]
    x, y, w, h = (v * s for v in box)
    side = max(w, h) * 1.4
    cx, cy = x + w / 2, y + h / 2
    crop = image.crop((int(cx - side / 2), int(cy - side / 2), int(cx + side / 2), int(cy + side / 2)))
    crop = crop.convert("RGB").resize((CROP_SIZE, CROP_SIZE), Image.Resampling.BILINEAR)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    crop.save(tmp, "JPEG", quality=88)
    os.replace(tmp, dest)


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


# -- assignment and clustering -------------------------------------------------------------------


def assign_new_faces(catalog: Catalog, face_ids: Sequence[int]) -> int:
    """Put each unsorted face with the nearest person if close enough (never a person already in
    that photo, never one the user said it is not). Returns how many were placed.

    Fast: the centres live in memory (per connection) and are updated as a running mean."""
    if not len(face_ids):
        return 0
    people, centres = _centroids(catalog)
    if len(people) == 0:
        return 0
    marks = ",".join("?" * len(face_ids))
    ids, photos, desc = _descriptors(catalog, f"id IN ({marks}) AND person_id IS NULL", [int(f) for f in face_ids])
    placed = 0
    with _maybe_transaction(catalog):
        for fid, photo, d in zip(ids.tolist(), photos.tolist(), desc, strict=True):
            dist = np.linalg.norm(centres - d, axis=1)
            near = np.argpartition(dist, min(5, len(dist) - 1))[:5] if len(dist) > 5 else np.arange(len(dist))
            for j in near[np.argsort(dist[near])]:
                if dist[j] >= JOIN_DISTANCE:
                    break
                pid = int(people[j])
                if _person_in_photo(catalog, pid, photo) or _rejected(catalog, fid, pid):
                    continue
                n = catalog.conn.execute("SELECT count(*) FROM faces WHERE person_id = ?", (pid,)).fetchone()[0]
                catalog.conn.execute("UPDATE faces SET person_id = ? WHERE id = ?", (pid, fid))
                _set_centroid(catalog, pid, ((centres[j] * n + d) / (n + 1)).astype(np.float32))
                people, centres = _centroids(catalog)
                _ensure_cover(catalog, pid)
                placed += 1
                break
    return placed


def _person_in_photo(catalog: Catalog, person_id: int, photo_id: int) -> bool:
    return catalog.conn.execute(
        "SELECT 1 FROM faces WHERE person_id = ? AND photo_id = ? LIMIT 1", (person_id, photo_id)
    ).fetchone() is not None


def _rejected(catalog: Catalog, face_id: int, person_id: int) -> bool:
    return catalog.conn.execute(
        "SELECT 1 FROM face_rejections WHERE face_id = ? AND person_id = ?", (face_id, person_id)
    ).fetchone() is not None


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


PASS_META = "faces.last_pass"


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


def recluster(catalog: Catalog, cancel: threading.Event | None = None, *, force: bool = False) -> dict[str, int]:
    """The background pass: re-form the automatic people from every face a user has not confirmed.

    - Confirmed faces (named, merged, moved, split by the user) never move; a person holding
      any is "kept" and its centre is the mean of its confirmed faces.
    - The other faces are grouped with DBSCAN. A group that mostly sits in a kept person already,
      or whose centre is near one, joins it; any other group becomes an automatic person, keeping the id of the automatic person it
      overlaps most, so the people a user is looking at do not change ids for nothing.
    - Never two faces of one photo in one person; never a face in a person it was rejected from.
    - Faces DBSCAN leaves alone join the nearest person if close enough, else stay unsorted.
    Nothing is written when cancelled. Without force, a pass over the same faces as the last
    one is skipped (a re-scan that found nothing new costs nothing; at 100,000 faces a pass
    takes tens of seconds)."""
    conn = catalog.conn
    signature = _faces_signature(catalog)
    if not force and catalog.get_meta(PASS_META) == signature:
        return {"skipped": 1}
    rows = conn.execute("SELECT id, photo_id, person_id, confirmed, descriptor FROM faces ORDER BY id").fetchall()
    if not rows:
        _drop_empty_people(catalog)
        return {"people": 0, "faces": 0, "unsorted": 0, "changed": 0}
    ids = np.array([r[0] for r in rows], np.int64)
    photos = np.array([r[1] for r in rows], np.int64)
    before = np.array([-1 if r[2] is None else r[2] for r in rows], np.int64)
    confirmed = np.array([bool(r[3]) and r[2] is not None for r in rows])
    desc = np.frombuffer(b"".join(r[4] for r in rows), np.float32).reshape(len(rows), -1)
    rejected: dict[int, set[int]] = {}
    for fid, pid in conn.execute("SELECT face_id, person_id FROM face_rejections"):
        rejected.setdefault(fid, set()).add(pid)
    named = {r[0] for r in conn.execute("SELECT id FROM people WHERE name IS NOT NULL")}
    kept = sorted(set(before[confirmed].tolist()) | named)

    after = np.where(confirmed, before, -1)
    taken: dict[int, set[int]] = {}  # person -> photos it already has a face in
    for i in np.flatnonzero(confirmed):
        taken.setdefault(int(after[i]), set()).add(int(photos[i]))

    def fits(i: int, pid: int) -> bool:
        return int(photos[i]) not in taken.get(pid, ()) and pid not in rejected.get(int(ids[i]), ())

    def put(i: int, pid: int) -> None:
        after[i] = pid
        taken.setdefault(pid, set()).add(int(photos[i]))

    # A kept person's centre is that of all its faces now: one confirmed odd face must not drag it.
    current, current_centres = _group_means(before, desc)
    in_kept = np.isin(current, np.array(kept, np.int64))
    kept_ids, kept_centres = current[in_kept], current_centres[in_kept]

    free = np.flatnonzero(~confirmed)
    labels = cluster_descriptors(desc[free], photos[free])
    if cancel is not None and cancel.is_set():
        return {"cancelled": 1}
    automatic = set(before[(before != -1)].tolist()) - set(kept)
    reused: set[int] = set()
    new_groups: list[np.ndarray] = []
    groups = [free[labels == g] for g in np.unique(labels) if g != -1]
    for members in sorted(groups, key=len, reverse=True):
        centre = desc[members].mean(axis=0)
        target = None
        olds, counts = np.unique(before[members], return_counts=True)
        top = int(olds[np.argmax(counts)])
        if top in kept and counts.max() * 2 > len(members):
            target = top  # mostly that person's already: stay
        elif len(kept_ids):
            dist = np.linalg.norm(kept_centres - centre, axis=1)
            j = int(np.argmin(dist))
            if dist[j] < JOIN_DISTANCE:
                target = int(kept_ids[j])
        if target is None:
            for old in olds[np.argsort(-counts, kind="stable")]:
                if int(old) in automatic and int(old) not in reused:
                    target = int(old)
                    reused.add(target)
                    break
        if target is None:
            new_groups.append(members)
            continue
        for i in members[np.argsort(np.linalg.norm(desc[members] - centre, axis=1))]:
            if fits(int(i), target):
                put(int(i), target)
    new_ids: list[int] = []
    with _maybe_transaction(catalog):
        for members in new_groups:
            pid = int(conn.execute("INSERT INTO people(created_at) VALUES (?)", (time.time(),)).lastrowid or 0)
            new_ids.append(pid)
            for i in members:
                if fits(int(i), pid):
                    put(int(i), pid)
        # Faces no group took: the nearest person if close enough (centres as formed now).
        people_now, centres = _group_means(after, desc)
        leftover = np.flatnonzero(after == -1)
        for start in range(0, len(leftover), 2048):
            chunk = leftover[start : start + 2048]
            if not len(people_now):
                break
            d2 = (np.einsum("ij,ij->i", desc[chunk], desc[chunk])[:, None] + np.einsum("ij,ij->i", centres, centres)[None]
                  - 2 * desc[chunk] @ centres.T)
            dist = np.sqrt(np.maximum(d2, 0))
            near = np.argsort(dist, axis=1)[:, :5]
            for row, i in enumerate(chunk):
                for j in near[row]:
                    if dist[row, j] >= JOIN_DISTANCE:
                        break
                    if fits(int(i), int(people_now[j])):
                        put(int(i), int(people_now[j]))
                        break
        changed = np.flatnonzero(after != before)
        conn.executemany(
            "UPDATE faces SET person_id = ? WHERE id = ?",
            [(None if after[i] == -1 else int(after[i]), int(ids[i])) for i in changed],
        )
        people_now, centres = _group_means(after, desc)
        touched = (set(after[changed].tolist()) | set(before[changed].tolist()) | set(new_ids)) - {-1}
        where = {int(p): k for k, p in enumerate(people_now)}
        conn.executemany("UPDATE people SET centroid = ? WHERE id = ?",
                         [(centres[where[p]].tobytes() if p in where else None, p) for p in touched])
        for p in touched:
            _ensure_cover(catalog, p)
        _drop_empty_people(catalog)
        catalog.set_meta(PASS_META, signature)
    return {
        "people": len(set(after[after != -1].tolist())),
        "faces": len(ids),
        "unsorted": int((after == -1).sum()),
        "changed": len(changed),
        "new_people": len(new_ids),
    }


def _group_means(labels: np.ndarray, desc: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct labels other than -1 and the mean descriptor of each."""
    mask = labels != -1
    uniq, inverse = np.unique(labels[mask], return_inverse=True)
    sums = np.zeros((len(uniq), desc.shape[1]), np.float64)
    np.add.at(sums, inverse, desc[mask])
    counts = np.bincount(inverse, minlength=len(uniq))[:, None]
    return uniq, (sums / np.maximum(counts, 1)).astype(np.float32)


def _drop_empty_people(catalog: Catalog) -> None:
    # People left with no faces and no name are gone (a named one stays: the user made it).
    catalog.conn.execute(
        "DELETE FROM people WHERE name IS NULL AND id NOT IN (SELECT person_id FROM faces WHERE person_id IS NOT NULL)"
    )
    _forget_centroids(catalog)


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
        _update_centroids(catalog, [p for p in (row[0], person_id) if p is not None])


def hide_person(catalog: Catalog, person_id: int, hidden: bool = True) -> None:
    find_person(catalog, person_id)
    catalog.conn.execute("UPDATE people SET hidden = ? WHERE id = ?", (int(hidden), person_id))


def delete_all_face_data(catalog: Catalog, faces_dir: Path) -> None:
    with _maybe_transaction(catalog):
        catalog.conn.execute("DELETE FROM face_rejections")
        catalog.conn.execute("DELETE FROM faces")
        catalog.conn.execute("DELETE FROM people")
        _bump_generation(catalog)
    _forget_centroids(catalog)
    _delete_crops(faces_dir)


_CROP_NAME = re.compile(r"(?P<id>[0-9]+)\.jpg")
_CROP_TMP_NAME = re.compile(r"\.(?P<id>[0-9]+)\.jpg\.[0-9]+\.[0-9]+\.tmp")
_CROP_FOLDER = re.compile(r"[0-9a-f]{2}")


def _delete_crops(faces_dir: Path) -> int:
    """Delete the face crops photoindex wrote (face_crop_path's names, and the temp files of
    _write_crop), then the folders left empty. Anything else a person keeps there stays: the
    library folder may be one they chose, holding a faces/ folder of their own."""
    removed = 0
    try:
        subs = [e for e in os.scandir(faces_dir) if e.is_dir(follow_symlinks=False) and _CROP_FOLDER.fullmatch(e.name)]
    except FileNotFoundError:
        log.debug("no face crops at %s", faces_dir)
        return 0
    except OSError as exc:
        log.warning("cannot list the face crops in %s: %s", faces_dir, exc)
        return 0
    for sub in subs:
        try:
            entries = list(os.scandir(sub.path))
        except OSError as exc:
            log.warning("cannot list the face crops in %s: %s", sub.path, exc)
            continue
        for entry in entries:
            match = _CROP_NAME.fullmatch(entry.name) or _CROP_TMP_NAME.fullmatch(entry.name)
            if not match or f"{int(match['id']) % 256:02x}" != sub.name:
                continue
            if not entry.is_file(follow_symlinks=False):
                continue
            try:
                os.unlink(entry.path)
                removed += 1
            except FileNotFoundError:
                log.debug("crop already gone: %s", entry.path)
            except OSError as exc:
                log.warning("cannot delete the face crop %s: %s", entry.path, exc)
        _remove_if_empty(Path(sub.path))
    _remove_if_empty(faces_dir)
    return removed


def _remove_if_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except FileNotFoundError:
        log.debug("folder already gone: %s", folder)
    except OSError as exc:  # not empty: a person's files stay, and so does the folder
        log.debug("kept %s: %s", folder, exc)
