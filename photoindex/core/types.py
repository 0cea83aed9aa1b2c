"""Typed data that crosses the seams between core modules, the CLI and the GUI."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TypeAlias

import numpy as np
from numpy.typing import NDArray

Vector: TypeAlias = NDArray[np.float32]
"""One L2-normalised embedding."""
Matrix: TypeAlias = NDArray[np.float32]
"""Rows of L2-normalised embeddings."""

SPACE_CLIP = "clip"
SPACE_DINO = "dino"
SPACES = (SPACE_CLIP, SPACE_DINO)


class PhotoindexError(Exception):
    """An error with a one-line, user-facing message (no stack trace is shown for it)."""


class ModelUnavailable(PhotoindexError):
    """A model's weights are missing and cannot be fetched."""


class DownloadCancelled(PhotoindexError):
    """The user cancelled a model download; what came so far is kept and the next one resumes it."""


class LibraryBusy(PhotoindexError):
    """Another process is indexing this library (one indexer per library at a time)."""


class CatalogDamaged(PhotoindexError):
    """The catalog file is empty, truncated or not a SQLite database: refused, never replaced."""


@dataclass(frozen=True, slots=True)
class Photo:
    id: int
    path: str
    size: int
    mtime_ns: int
    width: int | None
    height: int | None
    taken_at: float | None
    """Seconds since the epoch (EXIF DateTimeOriginal, local time), or None."""
    status: str
    """'pending', 'ok' or 'failed'."""
    error: str | None

    @property
    def date(self) -> float:
        """Best known capture time: EXIF date, else file modification time."""
        return self.taken_at if self.taken_at is not None else self.mtime_ns / 1e9


@dataclass(frozen=True, slots=True)
class Hit:
    photo_id: int
    path: str
    score: float
    """Cosine similarity (or combined query score); higher is better."""
    taken_at: float | None = None
    matched: tuple[str, ...] = ()
    """Why it matched, of 'folder', 'filename', 'person', 'meaning' (CLIP), in that order;
    empty for find-similar."""


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A person or a folder whose name matches what is being typed in the search bar."""

    kind: str
    """'person' or 'folder'."""
    label: str
    """What the chip says: the person's name, the folder's name."""
    value: str
    """The person's id (as text) or the folder's full path."""


@dataclass(frozen=True, slots=True)
class Failure:
    path: str
    reason: str


@dataclass(slots=True)
class ScanReport:
    added: int = 0
    updated: int = 0
    moved: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped_roots: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Progress:
    """One step of a long job, as shown in a progress bar or the status bar."""

    phase: str
    """'scan', 'switch' (a model switch under way), 'embed', 'repair' (thumbnails and duplicate facts made again), 'faces', 'duplicates', 'index', 'done' or 'cancelled'."""
    done: int
    total: int
    rate: float = 0.0
    """Items per second over the recent window."""
    eta_s: float | None = None
    current: str = ""
    paused: bool = False
    switch_to: str = ""
    """While a model switch is under way ('switch' and 'embed' events): the key of the model that
    search switches to; search answers from the previous model until switch_done == switch_total."""
    switch_done: int = 0
    """Photos that have a vector of switch_to so far (of switch_total; the embed events' eta_s is
    the time left for the rest)."""
    switch_total: int = 0

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 1.0


@dataclass(slots=True)
class IndexReport:
    added: int = 0
    updated: int = 0
    moved: int = 0
    removed: int = 0
    failed: int = 0
    embedded: int = 0
    unchanged: int = 0
    faces: int = 0
    cancelled: bool = False
    seconds: float = 0.0
    failures: list[Failure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    models_missing: str = ""
    """Why search is not available yet ('' when the models were here): the photos were read
    for browsing (browsable of them) and are embedded by the first run once the models are here."""
    browsable: int = 0

    def as_dict(self) -> dict[str, object]:
        return {
            "added": self.added,
            "updated": self.updated,
            "moved": self.moved,
            "removed": self.removed,
            "failed": self.failed,
            "embedded": self.embedded,
            "unchanged": self.unchanged,
            "faces": self.faces,
            "cancelled": self.cancelled,
            "seconds": round(self.seconds, 3),
            "failures": [{"path": f.path, "reason": f.reason} for f in self.failures],
            "warnings": list(self.warnings),
        }


DUPLICATE_KINDS = ("exact", "near", "similar")
"""The tiers of duplicates, strongest first: the same bytes; the same photo resized, re-encoded,
slightly cropped, brightened or greyed; shots of one moment (a burst, a retake)."""


@dataclass(frozen=True, slots=True)
class DuplicatePhoto:
    """One photo of a duplicate group, with the facts shown side by side."""

    photo_id: int
    path: str
    width: int
    height: int
    bytes: int
    sharpness: float
    """Variance of the Laplacian of a small decode (about 256 px on the short side); higher is sharper."""
    score: float
    """How good a keeper it is, 0..1, relative to the rest of its group."""
    taken_at: float | None
    camera: str | None
    mtime: float
    """File modification time, seconds since the epoch."""


@dataclass(frozen=True, slots=True)
class DuplicateGroup:
    kind: str
    """'exact', 'near' or 'similar' (the weakest link that joins the group)."""
    photos: tuple[DuplicatePhoto, ...]
    """The suggested keeper first, then by score."""
    keep: int
    """Photo id of the suggested keeper."""
    reason: str
    """Why that one: 'largest resolution, sharpest', 'oldest file', ..."""

    @property
    def keeper(self) -> DuplicatePhoto:
        return next(p for p in self.photos if p.photo_id == self.keep)

    @property
    def others(self) -> tuple[DuplicatePhoto, ...]:
        """The photos that applying the suggestion moves to the Trash."""
        return tuple(p for p in self.photos if p.photo_id != self.keep)

    def as_dict(self) -> dict[str, object]:
        """The stable JSON shape of a group (`photoindex duplicates --json`)."""
        return {
            "kind": self.kind,
            "keep": self.keeper.path,
            "reason": self.reason,
            "photos": [{"path": p.path, "width": p.width, "height": p.height, "bytes": p.bytes,
                        "sharpness": p.sharpness, "score": p.score} for p in self.photos],
        }


@dataclass(frozen=True, slots=True)
class Skipped:
    path: str
    reason: str
    """One line a person can act on: 'changed since it was indexed; index again first', ..."""


@dataclass(frozen=True, slots=True)
class CleanupReport:
    """What `library.duplicates.trash` (or `undo_last`) did."""

    cleanup_id: int | None
    done: tuple[str, ...]
    """Paths moved to the Trash (or, for an undo, put back)."""
    skipped: tuple[Skipped, ...]
    bytes: int
    """Bytes of the files in `done`."""


@dataclass(frozen=True, slots=True)
class DownloadProgress:
    """A model download: bytes done of the real total (every file together), speed, time left."""

    done: int
    total: int
    bytes_per_s: float = 0.0
    eta_s: float | None = None
    file: str = ""
    finished: bool = False


@dataclass(frozen=True, slots=True)
class ModelStatus:
    """One model the library needs: its name, the bytes to download, whether it is here."""

    name: str
    what: str
    """'clip', 'dino' or 'faces'."""
    size: int
    present: bool
    missing_bytes: int = 0
    problem: str = ""
    """A file that is there but wrong (its checksum), named; '' otherwise."""


@dataclass(frozen=True, slots=True)
class ModelChoice:
    """A CLIP model offered in Settings: open_clip name and tag, download size, languages,
    Crossmodal-3600 text-to-image recall@1 (Korean, English) and the image tower's cost."""

    name: str
    pretrained: str
    title: str
    size: int
    languages: str
    recall_ko: float | None
    recall_en: float | None
    image_cost: str


class Control:
    """Pause, resume and cancel a running job from another thread."""

    def __init__(self) -> None:
        self._cancel = threading.Event()
        self._running = threading.Event()
        self._running.set()

    def pause(self) -> None:
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    def cancel(self) -> None:
        self._cancel.set()
        self._running.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    @property
    def cancel_event(self) -> threading.Event:
        return self._cancel

    def wait_while_paused(self, timeout: float = 0.25) -> bool:
        """True once running again (or cancelled); False while still paused after timeout."""
        return self._running.wait(timeout)
