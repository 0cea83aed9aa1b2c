"""Indexing: scan -> decode pool (bounded look-ahead) -> batched inference -> one writer.

`index_library` is a generator of Progress events; the CLI drives it with a progress bar and the
GUI adapts it with a Qt worker. Pause, resume and cancel are honoured between batches. Each batch
is written in one transaction, so a kill at any moment loses at most the batch in flight and the
next run resumes with no duplicate rows.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from photoindex.config import Settings
from photoindex.core.duplicates import missing_facts, photo_facts, store_facts
from photoindex.core.imageio import (
    REASON_GONE,
    REASON_PERMISSION,
    ByteBudget,
    DecodeError,
    cannot_read,
    load_image,
    save_thumbnail,
)
from photoindex.core.models import ImageEmbedder
from photoindex.core.scan import partial_hash, scan
from photoindex.core.store.catalog import Catalog
from photoindex.core.store.writer import CatalogWriter
from photoindex.core.thumbs import THUMB_BOX, prune_thumbnails, thumb_path
from photoindex.core.types import Control, Failure, IndexReport, ModelUnavailable, Progress  # noqa: F401 (Control: re-exported)

MODEL_MIN_SIDE = 256

DECODE_MEMORY_BUDGET = 1 << 30
"""Bytes that the decode workers together may hold in full-size images (the budget, not the
thread count, bounds decode memory: 8 workers on 150 MP images would hold ~3 GB). Smaller on
a machine with little memory; an image larger than the budget still decodes, alone."""

log = logging.getLogger(__name__)


def decode_memory_budget() -> int:
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return DECODE_MEMORY_BUDGET
    return max(256 << 20, min(DECODE_MEMORY_BUDGET, total // 8))


@dataclass
class _Decoded:
    photo_id: int
    path: str
    error: str | None = None
    prepared: dict[str, np.ndarray] = field(default_factory=dict)
    width: int = 0
    height: int = 0
    taken_at: float | None = None
    file_hash: str | None = None
    faces: list[Any] | None = None
    face_image: Any = None
    full: bool = True
    """A photo indexed for the first time (or again): faces, thumbnail, every space. False: an
    indexed photo that only needs a vector of another model (a model switch)."""
    facts: Any = None
    """duplicates.PhotoFacts (perceptual hashes, sharpness, camera) of a full decode."""


@dataclass
class _Batch:
    items: list[_Decoded]
    vectors: dict[str, tuple[str, list[int], np.ndarray]]
    """space -> (model key, photo ids, their vectors): a photo is embedded only in the spaces it needs."""


class _RateMeter:
    def __init__(self, window_s: float = 20.0) -> None:
        self.window_s = window_s
        self.samples: deque[tuple[float, int]] = deque()

    def add(self, done: int) -> float:
        now = time.monotonic()
        self.samples.append((now, done))
        while len(self.samples) > 2 and now - self.samples[0][0] > self.window_s:
            self.samples.popleft()
        t0, d0 = self.samples[0]
        return (done - d0) / (now - t0) if now > t0 else 0.0


def index_library(
    settings: Settings,
    roots: Sequence[str],
    embedders: Sequence[ImageEmbedder],
    *,
    writer: CatalogWriter | None = None,
    control: Control | None = None,
    face_analyzer: Any = None,
    on_batch_written: Callable[[], None] | None = None,
) -> Generator[Progress, None, IndexReport]:
    """Bring the catalog up to date with the roots and embed what is new. Yields Progress;
    returns the IndexReport (the generator's return value). Every write goes through writer
    (the library's single writer; a private one when called on its own)."""
    control = control or Control()
    report = IndexReport()
    started = time.monotonic()
    own_writer = writer is None
    writer = writer or CatalogWriter(settings.catalog_path)
    catalog = Catalog(settings.catalog_path)
    try:
        yield Progress("scan", 0, 0, current="looking for photos…")
        skip = frozenset({os.path.realpath(settings.library_dir), os.path.realpath(settings.thumbs_dir)})
        scan_report = scan(catalog, list(roots), skip, writer=writer)
        report.added, report.updated = scan_report.added, scan_report.updated
        report.moved, report.removed = scan_report.moved, scan_report.removed
        report.unchanged = scan_report.unchanged
        report.warnings += scan_report.warnings
        switching = _prepare_models(catalog, writer, embedders, report)
        todo = catalog.needs_embedding({e.space: e.model_key for e in embedders})
        total = len(todo)
        switch: dict[str, Any] = {}
        for emb in switching:
            done, of = catalog.switch_progress(emb.space)
            # The photos this run embeds are the switch's rest and the new ones (which get the new
            # model's vector too): the switch is done once all of them are.
            switch = {"switch_to": emb.model_key, "switch_done": done, "switch_total": done + total}
            yield Progress("switch", done, done + total, current=f"Switching to {emb.model_key}: {total:,} photos"
                           " to embed; search uses the previous model until they are done", **switch)
        thumbs_todo = missing_thumbnails(settings, catalog, todo)
        facts_todo = missing_facts(catalog, (item[0] for item in todo))
        yield Progress("embed", 0, total, current="loading models…" if total else "")
        missing_models: ModelUnavailable | None = None
        if total:
            try:
                for emb in embedders:
                    if hasattr(emb, "load"):
                        emb.load()  # models load here, before any photo is read
                _record_sources(writer, embedders)
            except ModelUnavailable as exc:
                missing_models = exc
        if missing_models is not None:
            # No models yet (offline, or before the first download): the photos are still read for
            # their thumbnails, dates and duplicate facts, so that they can be browsed; they are
            # embedded by the first run after the models arrive (needs_embedding, per space).
            log.warning("indexing without search for now: %s", missing_models)
            report.models_missing = str(missing_models)
            report.warnings.append(f"search is not available yet: {missing_models}. The photos can be browsed;"
                                   " they are made searchable by the next run once the models are here")
            pending = {row[0] for row in catalog.conn.execute("SELECT id FROM photos WHERE status = 'pending'")}
            new = [item for item in todo if item[0] in pending]
            embedded_before = report.embedded
            yield from _embed_all(
                settings, writer, new, [], control, None, report, on_batch_written, thumbs_todo, facts_todo,
            )
            report.browsable = report.embedded - embedded_before
            report.embedded = embedded_before
        elif total or thumbs_todo or facts_todo:
            events = _embed_all(
                settings, writer, todo, embedders, control, face_analyzer, report, on_batch_written, thumbs_todo,
                facts_todo,
            )
            yield from (_with_switch(events, switch) if switch else events)
        for emb in switching if missing_models is None else ():
            with writer.transaction() as wcat:
                finished = wcat.complete_switch(emb.space)
            if finished:
                report.warnings.append(f"{emb.space}: switched to {emb.model_key}; search uses the new model now")
            else:
                done, of = catalog.switch_progress(emb.space)
                report.warnings.append(f"{emb.space}: {done:,} of {of:,} photos have {emb.model_key} so far; search uses"
                                       " the previous model until all have it (indexing again goes on)")
        report.failed = catalog.counts()["failed"]
        report.failures = catalog.failures()
        report.cancelled = control.cancelled
        report.seconds = time.monotonic() - started
        yield Progress("cancelled" if control.cancelled else "done", report.embedded, total)
        return report
    finally:
        catalog.close()
        if own_writer:
            writer.close()


def _with_switch(events: Iterator[Progress], switch: dict[str, Any]) -> Generator[Progress, None, None]:
    """The embed events of a run that switches a model, with the switch's own count: what the
    window shows ("Switching search to …: 1,234 of 5,000 photos, about 12 min left")."""
    base = int(switch["switch_done"])
    for p in events:
        if p.phase == "embed":
            p = replace(p, switch_to=switch["switch_to"], switch_done=base + p.done,
                                    switch_total=int(switch["switch_total"]))
        yield p


def _record_sources(writer: CatalogWriter, embedders: Sequence[ImageEmbedder]) -> None:
    """Record in the library which files (hub repository, file, pinned revision) each model's
    vectors come from: meta 'model_sources:<model key>'."""
    with writer.transaction() as wcat:
        for emb in embedders:
            sources = getattr(emb, "sources", None)
            if sources:
                wcat.set_meta(f"model_sources:{emb.model_key}", " ".join(sources))


def _prepare_models(
    catalog: Catalog, writer: CatalogWriter, embedders: Sequence[ImageEmbedder], report: IndexReport
) -> list[ImageEmbedder]:
    """Each space's model against the settings' one. A library with vectors of another model is
    switched in the background: the new model's vectors are staged while the old ones answer
    searches, and replace them once every photo has one (maybe over several runs). Returns the
    embedders whose space is being switched."""
    switching = []
    for emb in embedders:
        active, target = catalog.model_key(emb.space), catalog.target_key(emb.space)
        if active == emb.model_key:
            if target is not None:
                with writer.transaction() as wcat:
                    dropped = wcat.cancel_switch(emb.space)
                log.info("%s: back to %s; %d staged vectors of %s dropped", emb.space, active, dropped, target)
            continue
        has_vectors = catalog.conn.execute("SELECT 1 FROM embeddings WHERE space = ? LIMIT 1", (emb.space,)).fetchone()
        if active is None or has_vectors is None:
            with writer.transaction() as wcat:
                wcat.set_model(emb.space, emb.model_key, emb.dim)  # nothing to keep
            continue
        if target != emb.model_key:
            with writer.transaction() as wcat:
                wcat.begin_switch(emb.space, emb.model_key, emb.dim)
            log.info("%s: switching from %s to %s in the background", emb.space, active, emb.model_key)
        done, total = catalog.switch_progress(emb.space)
        report.warnings.append(
            f"{emb.space}: switching from {active} to {emb.model_key}: {total - done:,} photos to embed again;"
            " search keeps using the previous model until they are done"
        )
        switching.append(emb)
    return switching


def _embed_all(
    settings: Settings,
    catalog_writer: CatalogWriter,
    todo: list[tuple[int, str, frozenset[str]]],
    embedders: Sequence[ImageEmbedder],
    control: Control,
    face_analyzer: Any,
    report: IndexReport,
    on_batch_written: Callable[[], None] | None,
    thumbs_todo: Sequence[tuple[int, str]] = (),
    facts_todo: Sequence[tuple[int, str]] = (),
) -> Generator[Progress, None, None]:
    total = len(todo)
    batch_size = max(1, settings.batch_size)
    min_side = MODEL_MIN_SIDE
    if face_analyzer is not None:
        min_side = max(min_side, int(getattr(face_analyzer, "decode_min_side", MODEL_MIN_SIDE)))
    decode_workers = max(1, settings.cpu_threads())
    # On the CPU the models' threads already use every core: decoding at the same time only
    # preempts them, and each op then waits at a barrier for its slowest thread. So there the
    # pool decodes one batch while the models wait, then the models run alone (decode time /
    # cores + model time per photo, the ceiling that bench/bench_index.py measures); on a GPU
    # the two overlap, with a look-ahead of two batches.
    overlap = not _models_on_cpu(embedders)
    lookahead = batch_size * 2 + decode_workers if overlap else batch_size

    writer = _Writer(settings, catalog_writer, on_batch_written)
    writer.start()
    meter = _RateMeter()
    done = 0
    pool = ThreadPoolExecutor(max_workers=decode_workers, thread_name_prefix="decode")
    budget = ByteBudget(decode_memory_budget())
    pending: deque[Future[_Decoded]] = deque()
    next_item = 0
    try:

        def fill() -> None:
            nonlocal next_item
            while len(pending) < lookahead and next_item < total and not control.cancelled:
                pid, path, spaces = todo[next_item]
                needed = [e for e in embedders if e.space in spaces]
                full = len(needed) == len(embedders)
                pending.append(
                    pool.submit(_decode_one, settings, pid, path, needed, min_side,
                                face_analyzer if full else None, budget, full)
                )
                next_item += 1

        fill()
        while pending and not control.cancelled:
            batch: list[_Decoded] = []
            while pending and len(batch) < batch_size:
                batch.append(pending.popleft().result())
                if overlap:
                    fill()
            good = [d for d in batch if d.error is None]
            vectors: dict[str, tuple[str, list[int], np.ndarray]] = {}
            for emb in embedders:
                these = [d for d in good if emb.space in d.prepared]
                if these:
                    matrix = emb.embed_prepared(np.stack([d.prepared[emb.space] for d in these]))
                    vectors[emb.space] = (emb.model_key, [d.photo_id for d in these], matrix)
            for d in batch:
                d.prepared.clear()
            if not overlap:
                fill()  # the next batch decodes while this one is written and reported
            writer.put(_Batch(batch, vectors))
            writer.raise_if_failed()
            done += len(batch)
            report.embedded += len(good)
            rate = meter.add(done)
            eta = (total - done) / rate if rate > 0 else None
            yield Progress("embed", done, total, rate, eta, batch[-1].path)
            if control.paused:
                yield Progress("embed", done, total, 0.0, None, batch[-1].path, paused=True)
                while not control.wait_while_paused():
                    pass
        if (thumbs_todo or facts_todo) and not control.cancelled:
            yield from _repair(settings, pool, budget, catalog_writer, thumbs_todo, facts_todo, control, decode_workers * 2)
    finally:
        for f in pending:
            f.cancel()
        pool.shutdown(wait=True, cancel_futures=True)
        writer.close()
    report.faces += writer.faces_written
    writer.raise_if_failed()


def _models_on_cpu(embedders: Sequence[ImageEmbedder]) -> bool:
    for emb in embedders:
        runtime = getattr(emb, "runtime", None)
        if runtime is not None and getattr(runtime, "device", "cpu") != "cpu":
            return False
    return True


def missing_thumbnails(
    settings: Settings, catalog: Catalog, todo: Sequence[tuple[int, str, frozenset[str]]]
) -> list[tuple[int, str]]:
    """(id, path) of indexed photos whose thumbnail is gone from the cache (deleted by a person
    or a cleaner) and that are not about to be embedded anyway (which writes it)."""
    if not settings.thumbnails:
        return []
    present: set[str] = set()
    try:
        with os.scandir(settings.thumbs_dir) as top:
            for sub in top:
                if sub.is_dir(follow_symlinks=False):
                    present.update(f"{sub.name}/{e.name}" for e in os.scandir(sub.path))
    except FileNotFoundError:
        log.debug("no thumbnail cache yet at %s", settings.thumbs_dir)
    except OSError as exc:
        log.warning("cannot list the thumbnail cache %s: %s", settings.thumbs_dir, exc)
        return []
    prune_thumbnails(settings.thumbs_dir, present, {r[0] for r in catalog.conn.execute("SELECT id FROM photos")})
    queued = {item[0] for item in todo}
    out = []
    for photo in catalog.all_photos(status="ok", order="id"):
        if photo.id in queued:
            continue
        rel = thumb_path(Path(), photo.id)
        if f"{rel.parent.name}/{rel.name}" not in present:
            out.append((photo.id, photo.path))
    if out:
        log.info("%d thumbnails are missing from the cache: they are made again", len(out))
    return out


def _repair(
    settings: Settings,
    pool: ThreadPoolExecutor,
    budget: ByteBudget,
    writer: CatalogWriter,
    thumbs_todo: Sequence[tuple[int, str]],
    facts_todo: Sequence[tuple[int, str]],
    control: Control,
    lookahead: int,
) -> Generator[Progress, None, None]:
    """Indexed photos that only miss something cheap: a thumbnail deleted from the cache, or the
    duplicate finder's facts (photos indexed before it). One small decode per photo makes both
    through the decode pool; nothing is embedded again; facts are written in batches."""
    need: dict[int, tuple[str, bool, bool]] = {pid: (path, True, False) for pid, path in thumbs_todo}
    for pid, path in facts_todo:
        need[pid] = (path, pid in need, True)
    todo = list(need.items())
    total = len(todo)
    pending: deque[Future[tuple[int, Any]]] = deque()
    ready: list[tuple[int, Any]] = []
    next_item = done = 0

    def flush() -> None:
        with writer.transaction() as cat:
            alive = set(cat.photos([pid for pid, _ in ready]))
            for pid, facts in ready:
                if pid in alive:
                    store_facts(cat, pid, facts)
        ready.clear()

    while (pending or next_item < total) and not control.cancelled:
        while len(pending) < lookahead and next_item < total:
            pid, (path, thumb, facts) = todo[next_item]
            pending.append(pool.submit(_repair_one, settings, pid, path, budget, thumb, facts))
            next_item += 1
        pid, facts = pending.popleft().result()
        if facts is not None:
            ready.append((pid, facts))
        done += 1
        if len(ready) >= 256 or done == total:
            flush()
        if done % 32 == 0 or done == total:
            yield Progress("repair", done, total, current=todo[done - 1][1][0])
        if control.paused:
            while not control.wait_while_paused():
                pass
    for f in pending:
        f.cancel()
    if ready:
        flush()


def _repair_one(
    settings: Settings, photo_id: int, path: str, budget: ByteBudget, thumb: bool, facts: bool
) -> tuple[int, Any]:
    """(photo id, facts or None). Failures are logged: the photo stays indexed and is tried
    again on the next run."""
    try:
        image = load_image(path, min_side=THUMB_BOX if thumb else MODEL_MIN_SIDE, budget=budget).image
        if thumb:
            save_thumbnail(image, thumb_path(settings.thumbs_dir, photo_id), THUMB_BOX)
        return photo_id, photo_facts(_model_size(image), path) if facts else None
    except Exception as exc:
        log.warning("cannot make the thumbnail or duplicate facts of %s again: %s", path, exc)
        return photo_id, None


def _model_size(image: Any) -> Any:
    """The copy the models (and the duplicate finder's facts) see: MODEL_MIN_SIDE on its short
    side. Sharpness is compared across photos, so it must always be measured at this size."""
    if min(image.size) <= MODEL_MIN_SIDE * 1.5:
        return image
    scale = MODEL_MIN_SIDE / min(image.size)
    return image.resize((max(1, round(image.width * scale)), max(1, round(image.height * scale))), 2)


def _decode_one(
    settings: Settings,
    photo_id: int,
    path: str,
    embedders: Sequence[ImageEmbedder],
    min_side: int,
    face_analyzer: Any,
    budget: ByteBudget | None = None,
    full: bool = True,
) -> _Decoded:
    out = _Decoded(photo_id, path, full=full)
    try:
        out.file_hash = partial_hash(path)
        decoded = load_image(path, min_side=min_side, budget=budget)
        image = decoded.image
        out.width, out.height, out.taken_at = decoded.width, decoded.height, decoded.taken_at
        if face_analyzer is not None:
            try:
                out.faces = face_analyzer.analyze(image, (decoded.width, decoded.height))
                out.face_image = image
            except Exception:  # a face model hiccup must not lose the photo
                log.exception("face detection failed on %s; the photo is indexed without faces", path)
                out.faces = None
                out.error = None
        small = _model_size(image)
        for emb in embedders:
            out.prepared[emb.space] = emb.prepare(small)
        if full:
            out.facts = photo_facts(small, path)
        if settings.thumbnails and full:
            save_thumbnail(small if min(small.size) >= THUMB_BOX * 0.75 else image, thumb_path(settings.thumbs_dir, photo_id), THUMB_BOX)
    except DecodeError as exc:
        out.error = str(exc)
    except FileNotFoundError:
        out.error = REASON_GONE
    except PermissionError:
        out.error = REASON_PERMISSION
    except OSError as exc:
        out.error = cannot_read(exc)
    except Exception as exc:  # never let one odd file stop the run
        log.exception("unexpected error decoding %s", path)
        out.error = f"cannot decode: {type(exc).__name__}: {' '.join(str(exc).split())[:160]}"
    if out.error is not None:
        log.info("failed: %s: %s", path, out.error)
    return out


class _Writer(threading.Thread):
    """Writes the batches through the library's single writer, one transaction per batch, on
    a thread of its own so that the next batch is embedded meanwhile."""

    def __init__(self, settings: Settings, writer: CatalogWriter, on_batch_written: Callable[[], None] | None) -> None:
        super().__init__(name="catalog-writer", daemon=True)
        self.settings = settings
        self.writer = writer
        # One batch waiting while one is written: a kill loses at most the batch in flight.
        self.queue: queue.Queue[_Batch | None] = queue.Queue(maxsize=1)
        self.error: BaseException | None = None
        self.faces_written = 0
        self.on_batch_written = on_batch_written
        self.failures: list[Failure] = []

    def put(self, batch: _Batch) -> None:
        self.queue.put(batch)

    def close(self) -> None:
        self.queue.put(None)
        self.join()

    def raise_if_failed(self) -> None:
        if self.error is not None:
            err, self.error = self.error, None
            raise err

    def run(self) -> None:
        while True:
            batch = self.queue.get()
            if batch is None:
                return
            if self.error is not None:
                continue
            try:
                self._write(batch)
            except BaseException as exc:  # surfaced to the pipeline thread
                self.error = exc

    def _write(self, batch: _Batch) -> None:
        new_faces: list[int] = []
        with self.writer.transaction() as catalog:
            # Photos removed while the batch was made (a folder removed in Settings, duplicates
            # sent to the Trash): their rows are gone and writing for them would fail the run.
            wanted = [d.photo_id for d in batch.items]
            alive = set(catalog.photos(wanted))
            if len(alive) < len(wanted):
                log.info("%d photos were removed while they were being indexed", len(wanted) - len(alive))
            for space, (key, ids, matrix) in batch.vectors.items():
                rows = [(pid, v) for pid, v in zip(ids, matrix, strict=True) if pid in alive]
                if rows:
                    catalog.write_embeddings(space, key, rows)
            now = time.time()
            for d in batch.items:
                if d.photo_id not in alive:
                    continue
                if d.error is not None and not d.full:
                    # An indexed photo read again only for another model's vector (a switch): a
                    # drive unplugged meanwhile must not turn it into a failure and lose its vectors.
                    log.warning("not embedded with the new model for now: %s: %s", d.path, d.error)
                    continue
                if d.file_hash is not None:
                    catalog.conn.execute("UPDATE photos SET hash = ? WHERE id = ?", (d.file_hash, d.photo_id))
                if d.full:
                    store_facts(catalog, d.photo_id, d.facts if d.error is None else None)
                if d.error is None:
                    catalog.mark_ok(d.photo_id, d.width, d.height, d.taken_at, now)
                    if d.faces is not None:
                        from photoindex.core.faces import save_faces

                        new_faces += save_faces(
                            catalog, d.photo_id, d.faces, d.face_image, (d.width, d.height), self.settings.faces_dir
                        )
                else:
                    catalog.mark_failed(d.photo_id, d.error)
            if new_faces:
                from photoindex.core.faces import assign_new_faces

                assign_new_faces(catalog, new_faces)
                self.faces_written += len(new_faces)
        if self.on_batch_written is not None:
            self.on_batch_written()
