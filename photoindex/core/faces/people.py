"""Faces in the catalog and the people they form.

Clustering is incremental. A new face joins the nearest person when it is close enough and that
person is not already in the same photo; the rest stay unsorted until the background pass
(recluster) groups them with DBSCAN. What a user confirmed, moved or rejected is never undone:
confirmed faces are never reassigned, and "Not this person" is remembered.

DBSCAN, over agglomerative and HDBSCAN: agglomerative needs the full n x n distance matrix (80 GB
at 100,000 faces); DBSCAN leaves faces that match nobody as noise (our "unsorted") instead of
forcing them into a person, and on an HNSW k-NN radius graph it groups 100,000 descriptors in
about 25 s on 2 cores (brute force: 150 s), 10,000 in about 4 s (bench/bench_faces.py). On the
32 real photos it reaches pairwise F1 >= 0.95 with no person mixing two identities.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from photoindex.core.store.catalog import Catalog
from photoindex.core.types import PhotoindexError

JOIN_DISTANCE = 0.5
"""A new face joins a person whose centre is closer than this (dlib's own threshold is 0.6)."""
CLUSTER_EPS = 0.45
MIN_CLUSTER = 2
GRAPH_ABOVE = 5000
CROP_SIZE = 160


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
    return faces_dir / f"{face_id % 256:02x}" / f"{face_id}.jpg"


# -- writing faces (the pipeline's writer thread, inside its transaction) --------------------------


def save_faces(catalog: Catalog, photo_id: int, faces: Sequence[Any], image: Any, full_size: tuple[int, int],
               faces_dir: Path) -> list[int]:
    """Replace a photo's faces; write their crops to the cache. Returns the new face ids."""
    catalog.conn.execute("DELETE FROM faces WHERE photo_id = ?", (photo_id,))
    ids: list[int] = []
    for f in faces:
        x, y, w, h = f.box
        cur = catalog.conn.execute(
            "INSERT INTO faces(photo_id, x, y, w, h, landmarks, score, descriptor) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (photo_id, x, y, w, h, np.asarray(f.landmarks, np.float32).tobytes(), float(f.score),
             np.asarray(f.descriptor, np.float32).tobytes()),
        )
        face_id = int(cur.lastrowid or 0)
        ids.append(face_id)
        if image is not None:
            _write_crop(image, full_size, f.box, face_crop_path(faces_dir, face_id))
    return ids


def _write_crop(image: Any, full_size: tuple[int, int], box: tuple[float, float, float, float], dest: Path) -> None:
    from PIL import Image

    s = image.width / full_size[0]
    x, y, w, h = (v * s for v in box)
    side = max(w, h) * 1.4
    cx, cy = x + w / 2, y + h / 2
    crop = image.crop((int(cx - side / 2), int(cy - side / 2), int(cx + side / 2), int(cy + side / 2)))
    crop = crop.resize((CROP_SIZE, CROP_SIZE), Image.Resampling.BILINEAR)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    crop.save(tmp, "JPEG", quality=88)
    os.replace(tmp, dest)


# -- assignment and clustering -------------------------------------------------------------------


def _descriptors(catalog: Catalog, where: str, args: Sequence[Any] = ()) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rows = catalog.conn.execute(f"SELECT id, photo_id, descriptor FROM faces WHERE {where}", args).fetchall()
    if not rows:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros((0, 128), np.float32)
    ids = np.array([r[0] for r in rows], np.int64)
    photos = np.array([r[1] for r in rows], np.int64)
    desc = np.frombuffer(b"".join(r[2] for r in rows), np.float32).reshape(len(rows), -1)
    return ids, photos, desc


def _update_centroids(catalog: Catalog, person_ids: Iterable[int]) -> None:
    for pid in set(person_ids):
        _ids, _photos, desc = _descriptors(catalog, "person_id = ?", (pid,))
        if len(desc) == 0:
            catalog.conn.execute("UPDATE people SET centroid = NULL WHERE id = ?", (pid,))
            continue
        catalog.conn.execute("UPDATE people SET centroid = ? WHERE id = ?", (desc.mean(axis=0).astype(np.float32).tobytes(), pid))
        cover = catalog.conn.execute(
            "SELECT cover_face_id FROM people WHERE id = ? AND cover_face_id IN (SELECT id FROM faces WHERE person_id = ?)",
            (pid, pid),
        ).fetchone()
        if cover is None:
            best = catalog.conn.execute(
                "SELECT id FROM faces WHERE person_id = ? ORDER BY confirmed DESC, w * h * score DESC LIMIT 1", (pid,)
            ).fetchone()
            catalog.conn.execute("UPDATE people SET cover_face_id = ? WHERE id = ?", (best[0] if best else None, pid))


def _centroids(catalog: Catalog) -> tuple[np.ndarray, np.ndarray]:
    rows = catalog.conn.execute("SELECT id, centroid FROM people WHERE centroid IS NOT NULL").fetchall()
    if not rows:
        return np.zeros(0, np.int64), np.zeros((0, 128), np.float32)
    return np.array([r[0] for r in rows], np.int64), np.frombuffer(b"".join(r[1] for r in rows), np.float32).reshape(len(rows), -1)


def assign_new_faces(catalog: Catalog, face_ids: Sequence[int]) -> int:
    """Put each face with the nearest person if close enough (never a person already in that
    photo, never one the user said it is not). Returns how many were placed."""
    if not face_ids:
        return 0
    people, centres = _centroids(catalog)
    if len(people) == 0:
        return 0
    marks = ",".join("?" * len(face_ids))
    ids, photos, desc = _descriptors(catalog, f"id IN ({marks}) AND person_id IS NULL", list(face_ids))
    placed: list[tuple[int, int]] = []
    touched: set[int] = set()
    with _maybe_transaction(catalog):
        for fid, photo, d in zip(ids, photos, desc, strict=True):
            dist = np.linalg.norm(centres - d, axis=1)
            for j in np.argsort(dist)[:5]:
                if dist[j] >= JOIN_DISTANCE:
                    break
                pid = int(people[j])
                if _person_in_photo(catalog, pid, int(photo)) or _rejected(catalog, int(fid), pid):
                    continue
                catalog.conn.execute("UPDATE faces SET person_id = ? WHERE id = ?", (pid, int(fid)))
                placed.append((int(fid), pid))
                touched.add(pid)
                break
        _update_centroids(catalog, touched)
    return len(placed)


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


def cluster_descriptors(desc: np.ndarray, photos: np.ndarray, eps: float = CLUSTER_EPS,
                        min_samples: int = MIN_CLUSTER) -> np.ndarray:
    """DBSCAN labels (-1 = unsorted), with faces of one photo never in one group: the face
    farther from its group's centre is sent back to unsorted."""
    if len(desc) < min_samples:
        return np.full(len(desc), -1, np.int64)
    from sklearn.cluster import DBSCAN

    if len(desc) <= GRAPH_ABOVE:
        labels = DBSCAN(eps=eps, min_samples=min_samples, metric="euclidean", algorithm="brute").fit_predict(desc)
    else:
        # Past a few thousand faces the n x n distances dominate; DBSCAN only needs each face's
        # neighbours within eps, which an HNSW k-NN graph gives in O(n k).
        labels = DBSCAN(eps=eps, min_samples=min_samples, metric="precomputed").fit_predict(_radius_graph(desc, eps))
    order = np.argsort(labels, kind="stable")
    uniq, starts, counts = np.unique(labels[order], return_index=True, return_counts=True)
    for label, start, count in zip(uniq, starts, counts, strict=True):
        if label == -1:
            continue
        members = order[start : start + count]
        if len(np.unique(photos[members])) == len(members):
            continue  # the usual case: no photo twice in this group
        centre = desc[members].mean(axis=0)
        seen: set[int] = set()
        for i in members[np.argsort(np.linalg.norm(desc[members] - centre, axis=1))]:
            if int(photos[i]) in seen:
                labels[i] = -1
            else:
                seen.add(int(photos[i]))
        if int((labels[members] == label).sum()) < min_samples:
            labels[members] = -1
    return labels


def _radius_graph(desc: np.ndarray, eps: float, k: int = 32) -> Any:
    import hnswlib
    from scipy.sparse import csr_matrix

    n, dim = desc.shape
    index = hnswlib.Index(space="l2", dim=dim)
    index.init_index(max_elements=n, ef_construction=100, M=16)
    index.add_items(desc, np.arange(n))
    index.set_ef(max(64, k * 2))
    labels, sq = index.knn_query(desc, k=min(k, n))
    dist = np.sqrt(np.maximum(sq, 0))
    keep = dist <= eps
    rows = np.repeat(np.arange(n), labels.shape[1])[keep.ravel()]
    # Explicit zeros would be dropped by the sparse format; a tiny distance keeps the edge.
    return csr_matrix((np.maximum(dist[keep], 1e-9), (rows, labels[keep])), shape=(n, n))


def recluster(catalog: Catalog, cancel: threading.Event | None = None) -> dict[str, int]:
    """The background pass: place unsorted faces with known people, then group the rest."""
    ids, _photos, _desc = _descriptors(catalog, "person_id IS NULL")
    placed = assign_new_faces(catalog, ids.tolist())
    if cancel is not None and cancel.is_set():
        return {"placed": placed, "new_people": 0}
    ids, photos, desc = _descriptors(catalog, "person_id IS NULL")
    labels = cluster_descriptors(desc, photos)
    new_people = 0
    with _maybe_transaction(catalog):
        for label in sorted(set(labels.tolist()) - {-1}):
            members = ids[labels == label]
            cur = catalog.conn.execute("INSERT INTO people(created_at) VALUES (?)", (time.time(),))
            pid = int(cur.lastrowid or 0)
            marks = ",".join("?" * len(members))
            catalog.conn.execute(f"UPDATE faces SET person_id = ? WHERE id IN ({marks})", [pid, *members.tolist()])
            _update_centroids(catalog, [pid])
            new_people += 1
        # People left with no faces (all removed or moved away) and no name are gone.
        catalog.conn.execute(
            "DELETE FROM people WHERE name IS NULL AND id NOT IN (SELECT DISTINCT person_id FROM faces WHERE person_id IS NOT NULL)"
        )
    return {"placed": placed, "new_people": new_people}


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


def merge_people(catalog: Catalog, person_ids: Sequence[int]) -> int:
    """Merge into the first (or the one with a name); returns the id that remains."""
    ids = [find_person(catalog, p) for p in person_ids]
    if len(set(ids)) < 2:
        raise PhotoindexError("merge needs two different people")
    named = [p for p in ids if catalog.conn.execute("SELECT name FROM people WHERE id = ?", (p,)).fetchone()[0]]
    keep = named[0] if named else ids[0]
    with _maybe_transaction(catalog):
        for other in ids:
            if other == keep:
                continue
            catalog.conn.execute("UPDATE faces SET person_id = ?, confirmed = 1 WHERE person_id = ?", (keep, other))
            catalog.conn.execute("DELETE FROM people WHERE id = ?", (other,))
        catalog.conn.execute("UPDATE faces SET confirmed = 1 WHERE person_id = ?", (keep,))
        _update_centroids(catalog, [keep])
    return keep


def split_person(catalog: Catalog, person_id: int, apply: bool = False, eps: float = 0.35) -> list[list[int]]:
    """Sub-groups found inside a person (tighter radius). With apply, each group after the
    first becomes a new person. Returns the groups of face ids."""
    ids, photos, desc = _descriptors(catalog, "person_id = ?", (person_id,))
    labels = cluster_descriptors(desc, photos, eps=eps, min_samples=1)
    groups = [ids[labels == label].tolist() for label in sorted(set(labels.tolist()) - {-1})]
    groups.sort(key=len, reverse=True)
    if apply and len(groups) > 1:
        with _maybe_transaction(catalog):
            for group in groups[1:]:
                pid = int(catalog.conn.execute("INSERT INTO people(created_at) VALUES (?)", (time.time(),)).lastrowid or 0)
                marks = ",".join("?" * len(group))
                catalog.conn.execute(f"UPDATE faces SET person_id = ?, confirmed = 1 WHERE id IN ({marks})", [pid, *group])
                _update_centroids(catalog, [pid])
            _update_centroids(catalog, [person_id])
    return groups


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
    find_person(catalog, person_id)
    row = catalog.conn.execute("SELECT person_id, photo_id FROM faces WHERE id = ?", (face_id,)).fetchone()
    if row is None:
        raise PhotoindexError(f"no face {face_id}")
    with _maybe_transaction(catalog):
        catalog.conn.execute("UPDATE faces SET person_id = ?, confirmed = 1 WHERE id = ?", (person_id, face_id))
        catalog.conn.execute("DELETE FROM face_rejections WHERE face_id = ? AND person_id = ?", (face_id, person_id))
        _update_centroids(catalog, [p for p in (row[0], person_id) if p is not None])


def hide_person(catalog: Catalog, person_id: int, hidden: bool = True) -> None:
    catalog.conn.execute("UPDATE people SET hidden = ? WHERE id = ?", (int(hidden), person_id))


def delete_all_face_data(catalog: Catalog, faces_dir: Path) -> None:
    with _maybe_transaction(catalog):
        catalog.conn.execute("DELETE FROM face_rejections")
        catalog.conn.execute("DELETE FROM faces")
        catalog.conn.execute("DELETE FROM people")
    shutil.rmtree(faces_dir, ignore_errors=True)
