"""Grouping faces into people: placing each new face, and the background pass.

Clustering is incremental. A new face joins the nearest person when it is close enough and that
person is not already in the same photo (assign_new_faces, during indexing); the rest stay
unsorted until the background pass (recluster) re-forms the automatic people with DBSCAN (see
cluster.py for why DBSCAN). What a user confirmed, moved or rejected is never undone: confirmed
faces are never reassigned, and "Not this person" is remembered.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import numpy as np

from photoindex.core.faces.cluster import cluster_descriptors
from photoindex.core.faces.storage import (
    EDITS_META,
    JOIN_DISTANCE,
    _centroids,
    _descriptors,
    _ensure_cover,
    _faces_signature,
    _forget_centroids,
    _maybe_transaction,
    _set_centroid,
)
from photoindex.core.store.catalog import Catalog
from photoindex.core.store.writer import CatalogWriter

log = logging.getLogger(__name__)


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


PASS_META = "faces.last_pass"


def recluster(
    catalog: Catalog,
    cancel: threading.Event | None = None,
    *,
    force: bool = False,
    writer: CatalogWriter | None = None,
) -> dict[str, int]:
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
    takes tens of seconds).

    The grouping is computed from a consistent snapshot without holding the write lock; before
    it commits, the faces' signature and the people edit counter are checked again under the
    lock. If a user merged, moved, renamed or split meanwhile (or new faces arrived), the pass is
    computed again from the new state instead of overwriting it; the last try computes while
    holding the lock, so a busy user can delay a pass but never make it fail."""
    own_writer = writer is None
    writer = writer or CatalogWriter(catalog.path)
    try:
        for attempt in range(RECLUSTER_TRIES):
            if attempt < RECLUSTER_TRIES - 1:
                with _read_snapshot(catalog):
                    mark = _edit_mark(catalog)
                    plan = _plan_recluster(catalog, cancel, force)
                if isinstance(plan, dict):
                    return plan
                with writer.transaction() as wcat:
                    if _edit_mark(wcat) == mark:
                        return plan(wcat)
                log.info("faces changed while people were being grouped; grouping again (try %d)", attempt + 2)
            else:
                with writer.transaction() as wcat:
                    plan = _plan_recluster(wcat, cancel, force)
                    return plan if isinstance(plan, dict) else plan(wcat)
        raise AssertionError("unreachable")
    finally:
        if own_writer:
            writer.close()


RECLUSTER_TRIES = 3


def _edit_mark(catalog: Catalog) -> tuple[str, str]:
    return _faces_signature(catalog), catalog.get_meta(EDITS_META, "0") or "0"


@contextmanager
def _read_snapshot(catalog: Catalog) -> Iterator[None]:
    """Several reads that see one state of the catalog (a read transaction)."""
    if catalog.conn.in_transaction:
        yield
        return
    catalog.conn.execute("BEGIN")
    try:
        yield
    finally:
        catalog.conn.execute("COMMIT")


def _plan_recluster(
    catalog: Catalog, cancel: threading.Event | None, force: bool
) -> dict[str, int] | Callable[[Catalog], dict[str, int]]:
    """Either a result (skipped, cancelled) or the function that writes the new grouping."""
    conn = catalog.conn
    signature = _faces_signature(catalog)
    if not force and catalog.get_meta(PASS_META) == signature:
        return {"skipped": 1}
    rows = conn.execute("SELECT id, photo_id, person_id, confirmed, descriptor FROM faces ORDER BY id").fetchall()
    if not rows:
        def drop_only(catalog: Catalog) -> dict[str, int]:
            _drop_empty_people(catalog)
            return {"people": 0, "faces": 0, "unsorted": 0, "changed": 0}

        return drop_only
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

    def apply(catalog: Catalog) -> dict[str, int]:
        conn = catalog.conn
        new_ids: list[int] = []
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

    return apply


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
