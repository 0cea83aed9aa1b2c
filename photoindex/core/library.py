"""The one facade that the CLI and the GUI both use. Qt-free; safe to call from worker threads."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Generator, Iterable
from pathlib import Path
from typing import Any

import numpy as np

from photoindex.config import Settings, resolve_settings
from photoindex.core.filetypes import is_photo_name
from photoindex.core.library_models import ModelsPart
from photoindex.core.library_parts import DuplicatesPart, MapPart, PeoplePart
from photoindex.core.mapmodel import DIM, MapPoints, SpatialGrid, folder_color, inside_polygon, score_colours
from photoindex.core.store.backup import backup_if_due
from photoindex.core.store.backup import is_damage as is_catalog_damage
from photoindex.core.store.catalog import Catalog
from photoindex.core.store.locks import IndexLock
from photoindex.core.store.vectors import VectorIndex
from photoindex.core.store.writer import CatalogWriter
from photoindex.core.textmatch import ANALYZER, KINDS, NameIndex, TextMatcher, person_photo_ids
from photoindex.core.thumbs import THUMB_BOX, adopt_legacy_thumbnails, thumb_path
from photoindex.core.types import (
    SPACE_CLIP,
    SPACE_DINO,
    SPACES,
    Control,
    Failure,
    Hit,
    IndexReport,
    ModelStatus,
    Photo,
    PhotoindexError,
    Progress,
    Suggestion,
)

# What the window may use besides Library (it imports nothing else from the core but types).
__all__ = ["DIM", "THUMB_BOX", "Control", "Library", "MapPoints", "SpatialGrid", "folder_color", "inside_polygon",
           "is_catalog_damage", "is_photo_name", "make_thumbnail", "score_colours", "thumb_path", "wait_for"]

log = logging.getLogger(__name__)


class Library:
    """One photo library: the only door to its catalog, caches and models.

    Reads go through `catalog()`, a read-only connection per thread; every write goes through
    `writer`, the single writer. `people`, `map` and `duplicates` are the parts for faces, the
    2-D map and duplicates."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or resolve_settings()
        self.writer = CatalogWriter(self.settings.catalog_path)
        with self.writer.locked():
            pass  # opens (creates, migrates) the catalog: a newer or damaged one is refused here
        self.people = PeoplePart(self)
        self.map = MapPart(self)
        self.duplicates = DuplicatesPart(self)
        self.models = ModelsPart(self)  # which models are here, their download, a folder of model files
        self._lock = threading.Lock()
        self._by_thread: dict[int, Catalog] = {}
        self._stamps: dict[int, dict[str, tuple[int, int]]] = {}
        self._embedders: dict[str, Any] = {}
        self._indexes: dict[str, VectorIndex] = {}
        self._sync_state: dict[str, tuple[int, int]] = {}
        self._catalogs: list[Catalog] = []
        self._names = TextMatcher(self.catalog)
        self.catalog()  # create and migrate now: a newer catalog is refused up front
        adopt_legacy_thumbnails(self.settings.library_dir, self.settings.thumbs_dir)

    # -- plumbing ------------------------------------------------------------------------------

    def catalog(self) -> Catalog:
        """This thread's connection to the catalog.

        Keyed by thread id, not threading.local: a Qt pool thread runs each task under a fresh
        Python thread state, so thread-local data would be gone by the next task and every task
        would open (and keep) another connection. A thread id that the OS reuses after a thread
        ended takes over that thread's connection, which is safe: one thread uses it at a time."""
        ident = threading.get_ident()
        with self._lock:
            cat = self._by_thread.get(ident)
            if cat is None:
                cat = self._by_thread[ident] = Catalog(self.settings.catalog_path, read_only=True)
                self._catalogs.append(cat)
        return cat

    def close(self) -> None:
        self.save_indexes()
        with self._lock:
            for cat in self._catalogs:
                try:
                    cat.close()
                except Exception:
                    log.exception("closing a catalog connection")
            self._catalogs.clear()
            self._by_thread.clear()
            self._stamps.clear()
        self.writer.close()

    def embedder(self, space: str) -> Any:
        with self._lock:
            emb = self._embedders.get(space)
            if emb is None:
                if space == SPACE_CLIP:
                    from photoindex.core.models.clip import ClipEmbedder

                    emb = ClipEmbedder(self.settings)
                elif space == SPACE_DINO:
                    from photoindex.core.models.dino import DinoEmbedder

                    emb = DinoEmbedder(self.settings)
                else:
                    raise PhotoindexError(f"unknown embedding space {space!r}")
                self._embedders[space] = emb
            return emb

    def reload_settings(self) -> set[str]:
        """Resolve the settings again (the window's Settings dialog wrote the file), keeping what
        the command line or the code set; returns the names of the settings that changed. A new
        model is used by the next index run, which switches the library in the background."""
        from photoindex.config import KEYS

        old = self.settings
        fixed = {name: getattr(old, name) for name in KEYS if old.source(name) in ("argv", "code")}
        fixed["library_dir"] = old.library_dir  # this Library's catalog: another folder is another Library
        new = resolve_settings(fixed, file=old.file)
        changed = {name for name in KEYS if getattr(new, name) != getattr(old, name)}
        if not changed:
            return changed
        with self._lock:
            self.settings = new
            stale = [space for space, emb in self._embedders.items()
                     if "@" not in space and getattr(emb, "settings", None) is not None
                     and emb.model_key != self._model_key_for(space, new)]
            for space in stale:
                self._embedders.pop(space).release()
        log.info("settings changed: %s", ", ".join(sorted(changed)))
        return changed

    @staticmethod
    def _model_key_for(space: str, settings: Settings) -> str:
        if space == SPACE_CLIP:
            from photoindex.core.models.clip import clip_model_key

            return clip_model_key(settings)
        from photoindex.core.models.dino import dino_model_key

        return dino_model_key(settings)

    def query_embedder(self, space: str) -> Any:
        """The embedder for queries: the model that made the vectors search answers from. While a
        space is being switched to the settings' model (re-embedding in the background), that is
        still the previous one; a query embedded by the new model would not be comparable."""
        emb = self.embedder(space)
        active = self.catalog().model_key(space)
        if active is None or active == emb.model_key:
            return emb
        with self._lock:
            old = self._embedders.get(f"{space}@{active}")
        if old is None:
            old = self._embedder_for_key(space, active)
            with self._lock:
                old = self._embedders.setdefault(f"{space}@{active}", old)
        return old

    def _embedder_for_key(self, space: str, key: str) -> Any:
        family, _, rest = key.partition(":")
        name, _, tag = rest.rpartition(":")
        if space == SPACE_CLIP and family == "open_clip" and name:
            from photoindex.core.models.clip import ClipEmbedder

            settings = self.settings.with_(clip_model=name, **(
                {"weights": "random"} if tag == "random" else {"clip_pretrained": tag, "weights": "pretrained"}))
            emb: Any = ClipEmbedder(settings)
        elif space == SPACE_DINO and family == "dinov2" and name:
            from photoindex.core.models.dino import DinoEmbedder

            emb = DinoEmbedder(self.settings.with_(dino_model=name, weights="random" if tag == "random" else "pretrained"))
        else:
            raise PhotoindexError(f"the {space} vectors of this library were made by {key}, which this version cannot load")
        if emb.model_key != key:
            raise PhotoindexError(f"the {space} vectors of this library were made by {key}, which this version cannot load")
        return emb

    def models_status(self) -> list[ModelStatus]:
        """Each model the settings need: name, download size, whether it is here (reads files)."""
        return self.models.status()

    def download_models(self, progress: Any = None, cancel: threading.Event | None = None) -> None:
        """Download the missing models: progress(DownloadProgress) with the real total; cancel
        keeps what came and the next call resumes it. Raises ModelUnavailable / DownloadCancelled."""
        self.models.download(progress, cancel)

    def use_model_files_from(self, folder: str | os.PathLike[str]) -> list[ModelStatus]:
        """Use the model files in folder (saved as models_dir); raises ModelUnavailable naming what lacks."""
        return self.models.use_files_from(folder)

    def release_models(self) -> None:
        with self._lock:
            for emb in self._embedders.values():
                emb.release()

    def vector_index(self, space: str) -> VectorIndex:
        """The space's ANN index, brought up to date with the catalog when it changed."""
        with self._lock:
            idx = self._indexes.get(space)
            if idx is None:
                idx = self._indexes[space] = VectorIndex(self.settings.index_dir, space)
        cat = self.catalog()
        # Cheap "did anything change?" first: data_version moves when another connection
        # commits, total_changes when this one writes. Only then look at the space's vectors.
        stamp = (cat.conn.execute("PRAGMA data_version").fetchone()[0], cat.conn.total_changes)
        stamps = self._stamps.setdefault(id(cat), {})  # data_version is per connection
        if stamps.get(space) == stamp and space in self._sync_state:
            return idx
        state = self._vector_state(cat, space)
        if self._sync_state.get(space) != state:
            idx.sync(cat)  # reads the catalog after `state` was taken: never behind it
            self._sync_state[space] = state
        stamps[space] = stamp
        return idx

    @staticmethod
    def _vector_state(cat: Catalog, space: str) -> tuple[int, int]:
        """(max seq, count) of the space's vectors: enough to tell that they changed, because
        seqs only grow (Catalog.last_seq): a write gives its rows a seq above every earlier one,
        so if the max did not move the rows are a subset of the earlier ones, and the same count
        makes them the same rows. (A model switch with no vectors changes nothing searchable.)"""
        row = cat.conn.execute(
            "SELECT coalesce(max(seq), 0), count(*) FROM embeddings WHERE space = ?", (space,)
        ).fetchone()
        return int(row[0]), int(row[1])

    def save_indexes(self) -> None:
        for idx in list(self._indexes.values()):
            try:
                idx.save()
            except OSError:
                pass  # logged by save(); a cache: the next start catches up or rebuilds from the catalog

    # -- folders and indexing ------------------------------------------------------------------

    def roots(self) -> list[str]:
        return self.catalog().roots()

    def add_root(self, path: str | os.PathLike[str]) -> str:
        root = os.path.abspath(os.path.expanduser(os.fspath(path)))
        if not os.path.isdir(root):
            raise PhotoindexError(f"not a folder: {root}")
        lib = os.path.realpath(self.settings.library_dir)
        real = os.path.realpath(root)
        for own in (lib, os.path.realpath(self.settings.thumbs_dir)):
            if real == own or real.startswith(own.rstrip(os.sep) + os.sep):
                raise PhotoindexError(f"{root} is inside photoindex's own data folder ({own}); add a photo folder instead")
        with self.writer.transaction() as cat:
            cat.add_root(root)
        return root

    def remove_root(self, path: str) -> int:
        """Forget a folder and its photos (the files are never touched). Thousands of rows:
        call it from a worker thread, never from the GUI thread."""
        with self.writer.transaction() as cat:
            return cat.remove_root(os.path.abspath(path))

    def folders(self) -> list[str]:
        """Every folder that holds an indexed photo, sorted."""
        return [r[0] for r in self.catalog().conn.execute("SELECT DISTINCT folder FROM photos ORDER BY folder")]

    def folder_counts(self) -> dict[str, int]:
        """folder -> number of indexed photos directly in it (not in its subfolders)."""
        rows = self.catalog().conn.execute("SELECT folder, count(*) FROM photos WHERE status = 'ok' GROUP BY folder")
        return {folder: int(n) for folder, n in rows}

    def browse(
        self,
        folder: str | None = None,
        date_from: float | None = None,
        date_to: float | None = None,
        oldest_first: bool = False,
        limit: int | None = None,
    ) -> list[tuple[int, str, float]]:
        """(id, path, date) of the indexed photos in a folder (recursively) and a date range,
        newest first (or oldest first): one query, the folder through the path index."""
        if folder:
            folder = os.path.abspath(os.path.expanduser(folder))
        return self.catalog().browse(folder, date_from, date_to, oldest_first, limit)

    def photo_ids_matching(
        self, folder: str | None = None, date_from: float | None = None, date_to: float | None = None
    ) -> np.ndarray:
        """Ids of indexed photos inside a folder (recursively) and a date range (inclusive)."""
        return self.catalog().photo_ids_matching(folder, date_from, date_to)

    def photos_by_id(self, ids: Iterable[int]) -> dict[int, Photo]:
        return self.catalog().photos(list(ids))

    def index(
        self,
        paths: Iterable[str | os.PathLike[str]] | None = None,
        *,
        control: Control | None = None,
        faces: bool | None = None,
        wait: bool = False,
    ) -> Generator[Progress, None, IndexReport]:
        """Add paths as roots (if given), then scan every root and embed what is new.

        One indexer per library, across processes: while another one runs, this raises
        LibraryBusy at once, or with wait=True yields Progress('waiting') until it finishes
        (a cancel meanwhile returns a cancelled report). Reads keep working all along."""
        lock = IndexLock(self.settings.library_dir)
        if wait:
            while not lock.acquire(timeout=0.25):
                if control is not None and control.cancelled:
                    return IndexReport(cancelled=True)
                yield Progress("waiting", 0, 0, current=lock.busy_message(patience_s=0))
        else:
            lock.acquire()
        try:
            warnings: list[str] = []
            yield Progress("backup", 0, 1, current="backing up the catalog…")
            try:
                backup_if_due(self.settings.catalog_path)
            except OSError as exc:  # a full disk (logged): this run may still get far; the backup waits
                warnings.append(f"the daily backup of the catalog failed: {exc.strerror or exc}")
            for p in paths or ():
                self.add_root(p)
            roots = self.roots()
            if not roots:
                raise PhotoindexError("no photo folders yet: add one with `photoindex index FOLDER`")
            embedders = [self.embedder(SPACE_CLIP), self.embedder(SPACE_DINO)]
            analyzer = None
            use_faces = self.settings.faces if faces is None else faces
            if use_faces:
                analyzer, warning = self._face_analyzer()
                if warning:
                    warnings.append(warning)
            from photoindex.core.pipeline import index_library  # the indexer's imports wait until it runs

            report = yield from index_library(
                self.settings, roots, embedders, writer=self.writer, control=control, face_analyzer=analyzer
            )
            report.warnings = warnings + report.warnings
            if analyzer is not None and not report.cancelled:
                yield Progress("faces", 0, 1, current="grouping faces into people…")
                self.people.recluster(cancel=control.cancel_event if control else None)
            for space in SPACES:
                self.vector_index(space)
            if not report.cancelled:
                yield Progress("duplicates", 0, 1, current="looking for duplicates…")
                try:
                    self.duplicates.update()
                except Exception as exc:  # the photos are indexed; duplicates are checked next time
                    log.exception("looking for duplicates failed")
                    report.warnings.append(f"looking for duplicates failed ({exc}); they are checked on the next run")
            self.save_indexes()
            return report
        finally:
            lock.release()

    def _face_analyzer(self) -> tuple[Any, str | None]:
        try:
            from photoindex.core.faces import FACE_DECODE_MIN_SIDE, FaceAnalyzer
        except ImportError:
            return None, None
        try:
            analyzer = FaceAnalyzer(self.settings)
            analyzer.decode_min_side = FACE_DECODE_MIN_SIDE
            return analyzer, None
        except PhotoindexError as exc:
            return None, f"faces are off for this run: {exc}"

    def run_index(self, paths: Iterable[str] | None = None, **kw: Any) -> IndexReport:
        gen = self.index(paths, **kw)
        while True:
            try:
                next(gen)
            except StopIteration as stop:
                return stop.value

    def delete_face_data(self) -> None:
        """Face recognition switched off: every face, person and crop is deleted."""
        self.people.delete_all()

    # -- reading -------------------------------------------------------------------------------

    def status(self) -> dict[str, Any]:
        """Counts, folders, models, every photo that failed and every folder that could not be
        read at the last scan (a folder under a root that has since been removed is left out)."""
        cat = self.catalog()
        counts = cat.counts()
        roots = cat.roots()
        return {
            "library": str(self.settings.library_dir),
            "roots": roots,
            "photos": counts["ok"],
            "pending": counts["pending"],
            "failed": counts["failed"],
            "total_files": counts["total"],
            "models": {space: cat.model_key(space) for space in SPACES},
            "switching": {
                space: {"to": target, "done": done, "of": of}
                for space in SPACES
                if (target := cat.target_key(space)) is not None
                for done, of in [cat.switch_progress(space)]
            },
            "failures": [{"path": f.path, "reason": f.reason} for f in cat.failures()],
            "folder_problems": [{"path": p, "reason": r} for p, r in cat.folder_problems(roots)],
        }

    def failures(self) -> list[Failure]:
        return self.catalog().failures()

    def photo(self, photo_id: int) -> Photo | None:
        return self.catalog().photo(photo_id)

    def photo_details(self, photo_id: int) -> Any:
        """What the preview shows beside a photo (core.exif.PhotoDetails: the record, its EXIF
        date, camera, lens, exposure and GPS, its faces with their people's names), or None.
        Opens the file (never writes it): call it off the GUI thread."""
        from photoindex.core.exif import photo_details

        return photo_details(self.catalog(), photo_id)

    def photos(self, order: str = "date") -> list[Photo]:
        return self.catalog().all_photos(order=order)

    def thumbnail_path(self, photo_id: int) -> Path:
        return thumb_path(self.settings.thumbs_dir, photo_id)

    def preview_image(self, path: str, min_side: int) -> Any:
        """A photo decoded for showing (PIL RGB, about min_side on its short side, EXIF
        orientation applied; HEIC and RAW through their previews). Slow: off the GUI thread."""
        from photoindex.core.imageio import load_image

        return load_image(path, min_side=min_side).image

    # -- search --------------------------------------------------------------------------------

    def search(
        self,
        query: str,
        *,
        k: int = 200,
        folder: str | None = None,
        date_from: float | None = None,
        date_to: float | None = None,
        allowed_ids: Iterable[int] | None = None,
        cutoff: bool = True,
    ) -> list[Hit]:
        """Text (and image-term) search in the CLIP space, with the names people wrote: a
        person's name filters to that person, folder and file names rank their photos first
        (core/search.py plan_query). Each hit says why it matched (Hit.matched)."""
        from photoindex.core.search import combine, parse_query, plan_query

        terms = parse_query(query)
        if not terms:
            raise PhotoindexError("empty query")
        names = self.text_index()
        plan = plan_query(terms, names)
        allowed = self._allowed(folder, date_from, date_to, allowed_ids)
        cat = self.catalog()
        for people in plan.people:
            allowed = _intersect(allowed, person_photo_ids(cat, people))
        drop = [person_photo_ids(cat, plan.excluded_people)] if plan.excluded_people else []
        drop += [names.ids(m) for m in plan.excluded if m.kind != "person"]
        if drop:
            if allowed is None:
                allowed = self.catalog().photo_ids_matching()
            allowed = np.setdiff1d(allowed, np.concatenate(drop))
        q: np.ndarray | None = None
        if plan.clip_terms:
            clip = self.query_embedder(SPACE_CLIP)
            texts = [t.text for t in plan.clip_terms if not t.is_image]
            text_vecs = dict(zip(texts, clip.embed_text(texts), strict=True)) if texts else {}
            vectors = [self._image_vector(t.text, SPACE_CLIP) if t.is_image else text_vecs[t.text]
                       for t in plan.clip_terms]
            q = combine(vectors, [t.weight for t in plan.clip_terms])
        base = ("person",) if plan.people else ()
        # Photos named by folder or file name first: more named words first, then by meaning.
        by_kind: dict[str, list[np.ndarray]] = {}
        per_word: list[np.ndarray] = []
        for ms in plan.boosts:
            word_ids = []
            for m in ms:
                ids = names.ids(m)
                word_ids.append(ids)
                by_kind.setdefault(m.kind, []).append(ids)
            per_word.append(np.unique(np.concatenate(word_ids)))
        kinds = {kind: np.unique(np.concatenate(parts)) for kind, parts in by_kind.items()}
        hits: list[Hit] = []
        seen: set[int] = set()
        if per_word:
            named, counts = np.unique(np.concatenate(per_word), return_counts=True)
            if allowed is not None:
                keep = np.isin(named, allowed)
                named, counts = named[keep], counts[keep]
            for tier in sorted(set(counts.tolist()), reverse=True):
                ids = named[counts == tier]
                tier_hits = (self._query(SPACE_CLIP, q, k - len(hits), ids, False, skip_top=0) if q is not None
                             else self._by_date(ids, k - len(hits)))
                hits += [h for h in tier_hits if h.photo_id not in seen]
                seen.update(h.photo_id for h in tier_hits)
                if len(hits) >= k:
                    break
        if q is not None:
            meaning = self._query(SPACE_CLIP, q, k, allowed, cutoff, skip_top=0)
            by_meaning = {h.photo_id for h in meaning}
            hits += [h for h in meaning if h.photo_id not in seen]
            return _explained(hits[:k], base, kinds, by_meaning)
        if not per_word and plan.people:
            hits = self._by_date(allowed if allowed is not None else np.zeros(0, np.int64), k)
        return _explained(hits[:k], base, kinds, set())

    def _by_date(self, ids: np.ndarray, k: int) -> list[Hit]:
        """Photos found by name alone (nothing for CLIP to score): newest first, score 1."""
        photos = [p for p in self.catalog().photos(ids.tolist()).values() if p.status == "ok"]
        photos.sort(key=lambda p: (-p.date, -p.id))
        return [Hit(p.id, p.path, 1.0, p.taken_at) for p in photos[:k]]

    def text_index(self) -> NameIndex:
        """Folder, file and people's names of the catalog, for matching query words (kept in
        memory, rebuilt when the catalog changes)."""
        return self._names.index()

    def suggest(self, text: str, limit: int = 8) -> list[Suggestion]:
        """People and folders whose names match the word being typed (the search bar's chips)."""
        return self.text_index().suggest(text, limit)

    def warm_text(self, korean: bool = False) -> None:
        """Build the name index now (and load the Korean analyser in the background when the
        user types Korean), so that the next search does not wait for either."""
        names = self.text_index()
        if korean and names.sorted_hangul:  # only Korean names ever need the analyser
            ANALYZER.warm()

    def similar(
        self,
        image: str | int,
        *,
        by: str = SPACE_DINO,
        k: int = 200,
        folder: str | None = None,
        date_from: float | None = None,
        date_to: float | None = None,
        allowed_ids: Iterable[int] | None = None,
        cutoff: bool = True,
    ) -> list[Hit]:
        """Photos that look like (dino) or mean the same as (clip) an image: a photo id, a
        path in the library (its stored vector is used), or any image file."""
        if by not in SPACES:
            raise PhotoindexError(f"--by must be one of {', '.join(SPACES)}")
        q = self._image_vector(image, by)
        allowed = self._allowed(folder, date_from, date_to, allowed_ids)
        in_library = isinstance(image, int) or self.catalog().photo_by_path(os.path.abspath(str(image))) is not None
        return self._query(by, q, k, allowed, cutoff, skip_top=1 if in_library else 0)

    def _image_vector(self, image: str | int, space: str) -> np.ndarray:
        cat = self.catalog()
        if isinstance(image, int):
            vec = cat.vector(space, image)
            if vec is None:
                raise PhotoindexError(f"photo {image} has no {space} vector yet")
            return vec
        path = os.path.abspath(os.path.expanduser(image))
        known = cat.photo_by_path(path)
        if known is not None:
            vec = cat.vector(space, known.id)
            if vec is not None:
                return vec
        if not os.path.isfile(path):
            raise PhotoindexError(f"no such image: {image}")
        from photoindex.core.imageio import load_image

        decoded = load_image(path, min_side=256)
        return self.query_embedder(space).embed_images([decoded.image])[0]

    def embed_image(self, image: Any, space: str) -> np.ndarray:
        """Embed a PIL image that is not a file (a pasted picture)."""
        return self.query_embedder(space).embed_images([image.convert("RGB")])[0]

    def similar_to_vector(self, vector: np.ndarray, *, by: str = SPACE_DINO, k: int = 200, cutoff: bool = True) -> list[Hit]:
        return self._query(by, vector, k, None, cutoff, skip_top=0)

    def similar_to_photos(self, photo_ids: Iterable[int], *, by: str = SPACE_DINO, k: int = 200,
                          cutoff: bool = True) -> list[Hit]:
        """Photos like these together: the search is the mean of their vectors (those that have
        one), normalised."""
        cat = self.catalog()
        vecs = [v for pid in photo_ids if (v := cat.vector(by, int(pid))) is not None]
        if not vecs:
            raise PhotoindexError(f"none of these photos has a {by} vector yet")
        mean = np.mean(np.stack(vecs), axis=0).astype(np.float32)
        norm = float(np.linalg.norm(mean))
        return self.similar_to_vector(mean / norm if norm else mean, by=by, k=k, cutoff=cutoff)

    def _allowed(
        self, folder: str | None, date_from: float | None, date_to: float | None, allowed_ids: Iterable[int] | None
    ) -> np.ndarray | None:
        allowed = None
        if folder or date_from is not None or date_to is not None:
            allowed = self.catalog().photo_ids_matching(
                os.path.abspath(os.path.expanduser(folder)) if folder else None, date_from, date_to
            )
        if allowed_ids is not None:
            ids = np.fromiter(allowed_ids, dtype=np.int64)
            allowed = ids if allowed is None else np.intersect1d(allowed, ids)
        return None if allowed is None else np.sort(allowed)

    def _query(
        self, space: str, q: np.ndarray, k: int, allowed: np.ndarray | None, cutoff: bool, skip_top: int
    ) -> list[Hit]:
        from photoindex.core.search import cutoff_count

        idx = self.vector_index(space)
        if len(idx) == 0:
            return []
        if idx.dim_mismatch(q):
            raise PhotoindexError(f"the {space} index was made by another model: run `photoindex index` again")
        # With the cutoff, most queries keep a few dozen hits: ask the graph for FIRST_K first
        # (a smaller ef, a third of the time of k=200) and look further only when all of them
        # clear the bar. The bar depends only on the top score and the sample, so it is the same.
        first_k = min(k, 64) if cutoff else k
        ids, scores = idx.search(q, first_k, allowed)
        if cutoff and len(ids):
            sample = idx.sample_scores(q)
            keep = cutoff_count(scores, sample, population=len(idx), skip_top=skip_top)
            if keep == len(ids) == first_k < k:
                ids, scores = idx.search(q, k, allowed)
                keep = cutoff_count(scores, sample, population=len(idx), skip_top=skip_top)
            ids, scores = ids[:keep], scores[:keep]
        photos = self.catalog().photos(ids.tolist())
        return [
            Hit(int(pid), photos[int(pid)].path, float(s), photos[int(pid)].taken_at)
            for pid, s in zip(ids, scores, strict=True)
            if int(pid) in photos and photos[int(pid)].status == "ok"
        ]


def _intersect(allowed: np.ndarray | None, ids: np.ndarray) -> np.ndarray:
    return ids if allowed is None else np.intersect1d(allowed, ids)


def _explained(hits: list[Hit], base: tuple[str, ...], kinds: dict[str, np.ndarray], meaning: set[int]) -> list[Hit]:
    """The hits with why each matched: base (a person) for all, a folder or file name where its
    id is among those kinds' ids, meaning where CLIP found it."""
    ids = np.fromiter((h.photo_id for h in hits), dtype=np.int64, count=len(hits))
    named = {kind: set(ids[np.isin(ids, found)].tolist()) for kind, found in kinds.items()}
    return [Hit(h.photo_id, h.path, h.score, h.taken_at, tuple(
        k for k in KINDS if k in base or (k == "meaning" and h.photo_id in meaning) or h.photo_id in named.get(k, ())))
        for h in hits]


def make_thumbnail(path: str, dest: Path) -> None:
    """Make a photo's thumbnail again (a deleted cache file), written atomically. Slow: decode."""
    from photoindex.core.imageio import load_image, save_thumbnail

    save_thumbnail(load_image(path, min_side=THUMB_BOX).image, dest, THUMB_BOX)


def wait_for(gen: Generator[Progress, None, IndexReport], on_progress: Any = None) -> IndexReport:
    """Drive an indexing generator to its end, passing each Progress to on_progress."""
    t_last = 0.0
    while True:
        try:
            p = next(gen)
        except StopIteration as stop:
            return stop.value
        if on_progress is not None and (time.monotonic() - t_last > 0.05 or p.phase != "embed"):
            on_progress(p)
            t_last = time.monotonic()
