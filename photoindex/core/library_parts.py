"""The parts of the `Library` facade: `library.people`, `library.map` and `library.duplicates`.

Like Anki's collection and its backend, the window and the command line reach people and the
map only through these objects: they never import `core.faces` or `core.layout2d`, and never
write SQL. Reads use the calling thread's read-only connection; every write goes through the
library's single writer (`CatalogWriter`).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from photoindex.core.types import (
    DUPLICATE_KINDS,
    CleanupReport,
    DuplicateGroup,
    PhotoindexError,
    Progress,
    Skipped,
)

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from photoindex.core.faces.history import PeopleChange
    from photoindex.core.faces.storage import FaceRow, Person
    from photoindex.core.library import Library
    from photoindex.core.store.catalog import Catalog


class PeoplePart:
    """Faces and people: list, name, merge, split, hide and correct; undo and redo an edit.

    Undo: make the edits inside `recording()`; the change it yields goes to `undo(change)` and
    `redo(change)` (each one transaction through the single writer; refused with a clear error
    when the people changed since in a way that an undo would overwrite)."""

    def __init__(self, library: Library) -> None:
        self._lib = library
        self._recording = threading.local()

    # -- reading -------------------------------------------------------------------------------

    def all(self, include_hidden: bool = False) -> list[Person]:
        from photoindex.core.faces import list_people

        return list_people(self._lib.catalog(), include_hidden=include_hidden)

    def find(self, name_or_id: str | int) -> int:
        """A person's id from a name (case-insensitive) or an id; a clear error otherwise."""
        from photoindex.core.faces import find_person

        return find_person(self._lib.catalog(), name_or_id)

    def name(self, person_id: int) -> str | None:
        row = self._lib.catalog().conn.execute("SELECT name FROM people WHERE id = ?", (person_id,)).fetchone()
        return row[0] if row else None

    def photo_ids(self, person_id: int) -> list[int]:
        from photoindex.core.faces import person_photo_ids

        return person_photo_ids(self._lib.catalog(), person_id)

    def faces_of(self, person_id: int) -> list[FaceRow]:
        from photoindex.core.faces import faces_of_person

        return faces_of_person(self._lib.catalog(), person_id)

    def faces_in_photo(self, photo_id: int) -> list[FaceRow]:
        from photoindex.core.faces import faces_of_photo

        return faces_of_photo(self._lib.catalog(), photo_id)

    def unsorted_count(self) -> int:
        return int(self._lib.catalog().conn.execute("SELECT count(*) FROM faces WHERE person_id IS NULL").fetchone()[0])

    def crop_path(self, face_id: int, *, remake: bool = True) -> Path:
        """The face's crop. A cache: when it is missing (deleted by a person or a cleaner, or made
        by an older crop rule: crops.CROP_VERSION) it is made again from the photo. Slow then (a
        decode): call it off the GUI thread."""
        from photoindex.core.faces import face_crop_path

        path = face_crop_path(self._lib.settings.faces_dir, face_id)
        if remake and not path.exists():
            self._remake_crop(face_id, path)
        return path

    def _remake_crop(self, face_id: int, dest: Path) -> None:
        from photoindex.core.faces import FACE_DECODE_MIN_SIDE
        from photoindex.core.faces.crops import legacy_crop_paths, write_crop
        from photoindex.core.imageio import load_image

        row = self._lib.catalog().conn.execute(
            "SELECT p.path, p.width, p.height, f.x, f.y, f.w, f.h FROM faces f JOIN photos p ON p.id = f.photo_id"
            " WHERE f.id = ?", (face_id,)).fetchone()
        if row is None or not row[1]:
            return
        path, width, height, *box = row
        try:
            decoded = load_image(path, min_side=FACE_DECODE_MIN_SIDE)
            write_crop(decoded.image, (width, height), box, dest)
            log.info("made the face crop %s again from %s", dest, path)
            for old in legacy_crop_paths(self._lib.settings.faces_dir, face_id):  # made by an older rule
                old.unlink(missing_ok=True)
        except Exception as exc:  # the photo is gone or unreadable: the view shows a placeholder
            log.warning("cannot make the face crop of face %s again from %s: %s", face_id, path, exc)

    # -- undo and redo -------------------------------------------------------------------------

    @contextmanager
    def recording(self) -> Iterator[PeopleChange]:
        """Record the edits made inside (on this thread) as one undoable change, all in one
        transaction: `with people.recording() as change: people.merge(ids)`."""
        from photoindex.core.faces.history import PeopleChange, finish

        if getattr(self._recording, "change", None) is not None:
            raise PhotoindexError("people edits are already being recorded on this thread")
        change = PeopleChange()
        with self._lib.writer.transaction() as cat:
            self._recording.change = change
            try:
                yield change
            finally:
                self._recording.change = None
            finish(cat, change)

    def _note(self, cat: Catalog, person_ids: Sequence[int] = (), face_ids: Sequence[int] = ()) -> None:
        change = getattr(self._recording, "change", None)
        if change is not None:
            from photoindex.core.faces.history import note

            note(cat, change, person_ids, face_ids)

    def undo(self, change: PeopleChange) -> None:
        """Put the people as they were before the change (one transaction)."""
        from photoindex.core.faces.history import restore

        with self._lib.writer.transaction() as cat:
            restore(cat, change, undo=True)

    def redo(self, change: PeopleChange) -> None:
        """Make the change again, as it was made (one transaction)."""
        from photoindex.core.faces.history import restore

        with self._lib.writer.transaction() as cat:
            restore(cat, change, undo=False)

    # -- editing (each one transaction through the single writer) ------------------------------

    def rename(self, person_id: int, name: str) -> None:
        from photoindex.core.faces import rename_person

        with self._lib.writer.transaction() as cat:
            self._note(cat, [person_id])
            rename_person(cat, person_id, name)

    def merge(self, person_ids: Sequence[int | str]) -> int:
        from photoindex.core.faces import find_person, merge_people

        with self._lib.writer.transaction() as cat:
            self._note(cat, [find_person(cat, p) for p in person_ids])
            return merge_people(cat, person_ids)

    def hide(self, person_id: int, hidden: bool = True) -> None:
        from photoindex.core.faces import hide_person

        with self._lib.writer.transaction() as cat:
            self._note(cat, [person_id])
            hide_person(cat, person_id, hidden)

    def remove_faces(self, face_ids: Sequence[int]) -> None:
        """'Not this person': the faces go back to unsorted and never return there (one
        transaction: all or none)."""
        from photoindex.core.faces import remove_face_from_person

        with self._lib.writer.transaction() as cat:
            self._note(cat, face_ids=face_ids)
            for fid in face_ids:
                remove_face_from_person(cat, fid)

    def move_faces(self, face_ids: Sequence[int], person_id: int) -> None:
        """'Move to…': these faces are that person (confirmed); one transaction."""
        from photoindex.core.faces import move_face

        with self._lib.writer.transaction() as cat:
            self._note(cat, [person_id], face_ids)
            for fid in face_ids:
                move_face(cat, fid, person_id)

    def photo_ids_of(self, person_ids: Sequence[int]) -> list[int]:
        """The photos of any of these people, without repeats, in order."""
        from photoindex.core.faces import person_photo_ids

        cat = self._lib.catalog()
        return list(dict.fromkeys(pid for p in person_ids for pid in person_photo_ids(cat, p)))

    def split_proposal(self, person_id: int) -> list[list[int]]:
        """The sub-groups of face ids inside a person, biggest first (nothing is written)."""
        from photoindex.core.faces import split_person

        return split_person(self._lib.catalog(), person_id, apply=False)

    def split(self, person_id: int, groups: Sequence[Sequence[int]] | None = None) -> list[list[int]]:
        """Make every group after the first a new person (groups from split_proposal, or
        computed now); returns the groups applied."""
        from photoindex.core.faces import split_person

        with self._lib.writer.transaction() as cat:
            self._note(cat, [person_id])
            return split_person(cat, person_id, apply=True, groups=groups)

    def recluster(self, cancel: Any = None, *, force: bool = False) -> dict[str, int]:
        """The background grouping pass (see faces.grouping.recluster: it never overwrites an edit
        made while it runs)."""
        from photoindex.core.faces import recluster

        return recluster(self._lib.catalog(), cancel=cancel, force=force, writer=self._lib.writer)

    def delete_all(self) -> None:
        """Face recognition switched off: every face, person and face crop photoindex made."""
        from photoindex.core.faces import delete_all_face_data, delete_crops

        with self._lib.writer.transaction() as cat:
            delete_all_face_data(cat, None)
        delete_crops(self._lib.settings.faces_dir)  # after the commit: rows never outlive their crops


class MapPart:
    """The 2-D map of the library: stored layouts per space, computed and placed on demand."""

    def __init__(self, library: Library) -> None:
        self._lib = library

    def load(self, space: str = "clip") -> tuple[np.ndarray, np.ndarray]:
        """(photo ids, (n, 2) coordinates) of the stored layout."""
        from photoindex.core.layout2d import load_layout

        return load_layout(self._lib.catalog(), space)

    def status(self, space: str = "clip") -> dict[str, Any]:
        from photoindex.core.layout2d import layout_status

        return layout_status(self._lib.catalog(), space)

    def meta(self, ids: Any) -> dict[int, dict[str, Any]]:
        """{photo id: {'path', 'year', 'person'}}: what the map colours photos by."""
        from photoindex.core.layout2d import map_meta

        return map_meta(self._lib.catalog(), ids)

    def update(self, space: str = "clip", *, full: bool = False, cancel: Any = None) -> Iterator[Progress]:
        """Bring the stored layout up to date (a full t-SNE when asked or when there is none,
        else new photos placed by their neighbours), yielding progress."""
        from photoindex.core.layout2d import layout_job

        if space not in ("clip", "dino"):
            raise PhotoindexError(f"unknown map space {space!r}")
        return layout_job(self._lib.catalog(), space, full=full, cancel=cancel, writer=self._lib.writer,
                          cpu_threads=self._lib.settings.cpu_threads())

    def render(self, out: str | Path, space: str = "clip", *, size: tuple[int, int] = (2048, 2048)) -> dict[str, int]:
        """Render the stored layout with thumbnails to a PNG (written atomically)."""
        from photoindex.core.maprender import render_map, save_png

        ids, xy = self.load(space)
        photos = self._lib.catalog().photos(ids.tolist())
        drawn = render_map(
            ids, xy, size=size, paths={pid: p.path for pid, p in photos.items()},
            thumbs_dir=self._lib.settings.thumbs_dir,
            caption=f"{len(ids):,} photos \u00b7 photoindex map ({space})",
        )
        save_png(drawn.image, Path(out))
        return {"width": drawn.image.width, "height": drawn.image.height, "points": drawn.points,
                "thumbnails": len(drawn.thumbnails)}


class DuplicatesPart:
    """Duplicates: find them (incrementally), group them with a suggested keeper, move the
    chosen ones to the desktop Trash and undo the last clean-up.

    Plain functions returning plain dataclasses (photoindex.core.types: DuplicateGroup,
    DuplicatePhoto, CleanupReport, Skipped); `update`, `trash` and `undo_last` read files and
    write the catalog: call them off the GUI thread. `groups` is a catalog read (fast)."""

    def __init__(self, library: Library) -> None:
        self._lib = library

    def _params(self) -> Any:
        from photoindex.core.duplicates import Params

        s = self._lib.settings
        return Params(similarity=s.dup_similarity, window=s.dup_window, real_weights=not s.random_weights)

    def update(self, *, full: bool = False) -> dict[str, Any]:
        """Check the photos indexed since the last check against their neighbours and store the
        pairs (a whole-library pass when many are new, or when full). Indexing calls it."""
        from photoindex.core.duplicates import update_pairs

        dino = self._lib.vector_index("dino")
        stats = update_pairs(self._lib.catalog(), self._lib.writer, self._params(), dino, full=full)
        return {"checked": stats.checked, "pairs": stats.pairs, "whole_library": stats.bulk,
                "seconds": round(stats.seconds, 3)}

    def groups(self, kind: str | None = None, *, min_similarity: float | None = None) -> list[DuplicateGroup]:
        """Groups of duplicates, exact first then biggest first; each with its suggested keeper
        (first in `photos`) and the reason. kind: 'exact', 'near', 'similar' or None (all, each
        group labelled by its weakest link). min_similarity: the DINOv2 cosine bar for similar
        shots (default: the dup_similarity setting; stored pairs go down to 0.85)."""
        from photoindex.core.duplicates import load_groups

        if kind is not None and kind not in DUPLICATE_KINDS:
            raise PhotoindexError(f"kind must be one of {', '.join(DUPLICATE_KINDS)}")
        bar = self._lib.settings.dup_similarity if min_similarity is None else min_similarity
        return load_groups(self._lib.catalog(), kind, bar)

    def unhashed_count(self) -> int:
        """Indexed photos with no perceptual hash yet (indexed before this version): the next
        `index` fills them in without embedding anything again."""
        row = self._lib.catalog().conn.execute(
            "SELECT count(*) FROM photos p LEFT JOIN photo_facts f ON f.photo_id = p.id"
            " WHERE p.status = 'ok' AND f.photo_id IS NULL").fetchone()
        return int(row[0])

    def trash(self, photo_ids: Sequence[int]) -> CleanupReport:
        """Move these photos' files to the desktop Trash and forget them in the catalog; the one
        place photoindex changes a user's folders. Each file is first checked to be the one that
        was indexed (size, modification time, content hash): a file that vanished, cannot be
        read or changed is skipped with the reason, and nothing else is touched. Recorded as
        one clean-up that `undo_last` reverses while the files are in the Trash."""
        import time

        from photoindex.core.duplicates import file_unchanged
        from photoindex.core.trash import move_to_trash

        cat = self._lib.catalog()
        done: list[str] = []
        skipped: list[Skipped] = []
        freed = 0
        cleanup_id: int | None = None
        for pid in dict.fromkeys(photo_ids):
            row = cat.conn.execute("SELECT path, size, mtime_ns, hash FROM photos WHERE id = ?", (pid,)).fetchone()
            if row is None:
                skipped.append(Skipped(f"photo {pid}", "it is not in the library (removed already?)"))
                continue
            path, size, mtime_ns, partial = row
            problem = file_unchanged(path, size, mtime_ns, partial) or self._same_file_as_kept(cat, pid, path, photo_ids)
            if problem is None:
                try:
                    moved = move_to_trash(path)
                except Exception as exc:  # send2trash raises its own errors besides OSError
                    log.warning("cannot move %s to the Trash: %s", path, exc)
                    problem = f"it cannot be moved to the Trash ({exc})"
            if problem is not None:
                log.info("clean-up skipped %s: %s", path, problem)
                skipped.append(Skipped(path, problem))
                continue
            # One transaction per file, right after it moved: the catalog never keeps a photo
            # that is in the Trash, and the record for undo is never lost to a crash.
            with self._lib.writer.transaction() as wcat:
                if cleanup_id is None:
                    cleanup_id = int(wcat.conn.execute("INSERT INTO cleanups(made_at) VALUES (?)",
                                                       (time.time(),)).lastrowid or 0)
                wcat.conn.execute(
                    "INSERT OR REPLACE INTO cleanup_files(cleanup_id, path, trashed_path, info_path, size, mtime_ns, hash)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (cleanup_id, path, moved.trashed, moved.info, size, mtime_ns, partial))
                wcat.delete_photos([pid])
            done.append(path)
            freed += int(size)
        log.info("clean-up %s: %d files to the Trash (%d bytes), %d skipped", cleanup_id, len(done), freed, len(skipped))
        return CleanupReport(cleanup_id, tuple(done), tuple(skipped), freed)

    @staticmethod
    def _same_file_as_kept(cat: Any, pid: int, path: str, trashed: Sequence[int]) -> str | None:
        """One file reached by two paths (a link) is not a copy: moving it to the Trash would take
        the photo that is kept with it."""
        leaving = set(trashed)
        for other, other_path in cat.conn.execute(
            "SELECT id, path FROM photos WHERE size = (SELECT size FROM photos WHERE id = ?) AND id <> ?", (pid, pid)
        ):
            if other in leaving:
                continue
            try:
                if os.path.samefile(path, other_path):
                    return f"it is the same file as {other_path} (a link), which is kept"
            except OSError:
                continue
        return None

    def last_cleanup(self) -> CleanupReport | None:
        """The clean-up that `undo_last` would reverse, or None."""
        cat = self._lib.catalog()
        row = cat.conn.execute("SELECT id FROM cleanups WHERE undone_at IS NULL ORDER BY id DESC LIMIT 1").fetchone()
        if row is None:
            return None
        files = cat.conn.execute("SELECT path, size FROM cleanup_files WHERE cleanup_id = ?", (row[0],)).fetchall()
        return CleanupReport(int(row[0]), tuple(p for p, _ in files), (), sum(int(s) for _, s in files))

    def undo_last(self) -> CleanupReport:
        """Put the files of the last clean-up back from the Trash and into the catalog (as new
        photos, embedded again by the next index). A file no longer in the Trash, or whose place
        is taken, is skipped with the reason."""
        import os
        import time

        from photoindex.core.trash import Trashed, restore

        cat = self._lib.catalog()
        row = cat.conn.execute("SELECT id FROM cleanups WHERE undone_at IS NULL ORDER BY id DESC LIMIT 1").fetchone()
        if row is None:
            raise PhotoindexError("there is no clean-up to undo")
        cleanup_id = int(row[0])
        files = cat.conn.execute(
            "SELECT path, trashed_path, info_path, size, mtime_ns, hash FROM cleanup_files WHERE cleanup_id = ?",
            (cleanup_id,)).fetchall()
        roots = self._lib.roots()
        done: list[str] = []
        skipped: list[Skipped] = []
        restored_bytes = 0
        for path, trashed, info, size, mtime_ns, partial in files:
            problem = restore(Trashed(path, trashed, info), int(size), int(mtime_ns))
            if problem is not None:
                skipped.append(Skipped(path, problem))
                continue
            done.append(path)
            restored_bytes += int(size)
            if any(path.startswith(r.rstrip(os.sep) + os.sep) for r in roots):
                try:
                    st = os.stat(path)
                except OSError as exc:
                    log.warning("restored %s but cannot stat it: %s", path, exc)
                    continue
                with self._lib.writer.transaction() as wcat:
                    if wcat.photo_by_path(path) is None:
                        wcat.insert_photo(path, st.st_size, st.st_mtime_ns, partial)
        with self._lib.writer.transaction() as wcat:
            wcat.conn.execute("UPDATE cleanups SET undone_at = ? WHERE id = ?", (time.time(), cleanup_id))
        log.info("undo of clean-up %d: %d files back, %d skipped", cleanup_id, len(done), len(skipped))
        return CleanupReport(cleanup_id, tuple(done), tuple(skipped), restored_bytes)
