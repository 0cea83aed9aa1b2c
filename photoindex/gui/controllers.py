"""What the window does, without Qt: the search controller and the indexing controller.

The window (main_window.py) owns widgets and threads; these objects own the rules: which request
is the newest (tokens), what each kind of request reads from the library (plain functions that
the window runs on its worker threads, never on the GUI thread), how hits become grid rows, which
search waits for the model and which is dropped, and what indexing progress and reports say.
An import-linter contract keeps Qt out of this module, so it is tested without a window.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

import numpy as np

from photoindex.core.types import Hit

SORT_RELEVANCE, SORT_NEWEST, SORT_OLDEST = range(3)


@dataclass(frozen=True, slots=True)
class GridItem:
    photo_id: int
    path: str
    score: float | None = None
    date: float | None = None
    matched: tuple[str, ...] = ()
    """Why a search found it: 'folder', 'filename', 'person', 'meaning' (Hit.matched)."""


class GridRows(Sequence[GridItem]):
    """What the grid shows, as columns: photo ids and dates in numpy arrays, paths in a list. A
    GridItem is made only for the row that is asked for (the ones on screen, a menu's photo).

    At 100,000 photos, making a GridItem per photo in the worker took ~150 ms of the GIL and its
    id -> row dict another 15-20 ms; the month headers and "which rows are new" then walked the
    list again on the GUI thread. Here the worker builds arrays once (index() adds the sorted ids
    that answer row_of), and the GUI thread only does vector work on them.
    """

    __slots__ = ("ids", "paths", "dates", "scores", "matched", "_sorted", "_rows")

    def __init__(self, ids: Sequence[int] | np.ndarray, paths: Sequence[str], dates: np.ndarray | None = None,
                 scores: np.ndarray | None = None, matched: Sequence[tuple[str, ...]] | None = None) -> None:
        self.ids = np.asarray(ids, dtype=np.int64)
        self.paths = paths
        n = len(self.ids)
        self.dates = np.full(n, np.nan) if dates is None else np.asarray(dates, dtype=np.float64)
        self.scores = None if scores is None else np.asarray(scores, dtype=np.float64)  # NaN: no score
        self.matched = matched
        self._sorted: np.ndarray | None = None
        self._rows: np.ndarray | None = None

    @classmethod
    def from_items(cls, items: Iterable[GridItem]) -> GridRows:
        items = list(items)
        scores = [it.score for it in items]
        return cls([it.photo_id for it in items], [it.path for it in items],
                   np.array([np.nan if it.date is None else it.date for it in items], dtype=np.float64),
                   None if all(s is None for s in scores) else
                   np.array([np.nan if s is None else s for s in scores], dtype=np.float64),
                   [it.matched for it in items] if any(it.matched for it in items) else None)

    @classmethod
    def from_catalog(cls, rows: Sequence[tuple[int, str, float | None]]) -> GridRows:
        """From (id, path, date) rows as Library.browse returns them."""
        if not rows:
            return cls([], [])
        ids, paths, dates = zip(*rows, strict=True)
        return cls(np.array(ids, dtype=np.int64), paths, np.array(dates, dtype=np.float64))

    def index(self) -> GridRows:
        """Build the lookup row_of uses (a sort: ~8 ms at 100,000, best done in the worker)."""
        if self._rows is None:
            self._rows = np.argsort(self.ids, kind="stable")
            self._sorted = self.ids[self._rows]
        return self

    def row_of(self, photo_id: int) -> int | None:
        self.index()
        assert self._sorted is not None and self._rows is not None
        at = int(np.searchsorted(self._sorted, photo_id))
        if at < len(self._sorted) and self._sorted[at] == photo_id:
            return int(self._rows[at])
        return None

    def __len__(self) -> int:
        return len(self.ids)

    @overload
    def __getitem__(self, row: int) -> GridItem: ...

    @overload
    def __getitem__(self, row: slice) -> list[GridItem]: ...

    def __getitem__(self, row: int | slice) -> GridItem | list[GridItem]:
        if isinstance(row, slice):
            return [self[i] for i in range(*row.indices(len(self)))]
        if row < 0:
            row += len(self)
        date = float(self.dates[row])
        score = None if self.scores is None else float(self.scores[row])
        return GridItem(int(self.ids[row]), self.paths[row], None if score is None or score != score else score,
                        None if date != date else date, self.matched[row] if self.matched is not None else ())

    def __iter__(self) -> Iterator[GridItem]:
        return (self[i] for i in range(len(self)))

    def score(self, row: int) -> float | None:
        if self.scores is None:
            return None
        s = float(self.scores[row])
        return None if s != s else s

    def top_score(self) -> float | None:
        if self.scores is None or not len(self.scores) or np.isnan(self.scores).all():
            return None
        return float(np.nanmax(self.scores))


def rows_by_id(items: Sequence[GridItem]) -> dict[int, int]:
    """photo id -> row of a plain list of items."""
    return {it.photo_id: i for i, it in enumerate(items)}


@dataclass(frozen=True, slots=True)
class Filters:
    """What narrows any request: a folder (recursive), a date range, a person, the cutoff."""

    folder: str | None = None
    date_from: float | None = None
    date_to: float | None = None
    person_id: int | None = None
    cutoff: bool = True

    @property
    def narrows_catalog(self) -> bool:
        return bool(self.folder) or self.date_from is not None or self.date_to is not None


Rows = GridRows
_WEIGHT = re.compile(r"(?<!\S)\d+(?:\.\d+)?:")


def query_has_words(query: str) -> bool:
    """False for a query made only of operators and weights ("- + 3: -"): nothing to look for."""
    return any(ch.isalnum() for ch in _WEIGHT.sub("", query))


@dataclass(slots=True)
class FolderNode:
    path: str
    count: int = 0  # photos in it and in every folder below it
    children: list[FolderNode] = field(default_factory=list)


def folder_tree(roots: list[str], counts: dict[str, int]) -> list[FolderNode]:
    """Nest the folders that hold photos under the roots; intermediate folders without photos of
    their own appear too (가족여행 above 가족여행/제주도), each with the total below it."""
    out: list[FolderNode] = []
    for root in roots:
        top = FolderNode(root.rstrip(os.sep) or root)
        nodes = {top.path: top}
        prefix = top.path + os.sep
        for folder in sorted(counts):
            if folder != top.path and not folder.startswith(prefix):
                continue
            n = counts[folder]
            chain = []
            path = folder
            while path not in nodes:
                chain.append(path)
                path = os.path.dirname(path)
            parent = nodes[path]
            for p in reversed(chain):
                node = nodes[p] = FolderNode(p)
                parent.children.append(node)
                parent = node
            p = folder
            while True:
                nodes[p].count += n
                if p == top.path:
                    break
                p = os.path.dirname(p)
        out.append(top)
    return out


class SearchController:
    """Requests for the grid. Each request gets a token; a result is shown only when its token is
    still the newest (typing fast, or a click during a slow search, makes older ones stale)."""

    def __init__(self, library: Any) -> None:
        self.library = library
        self.token = 0
        self.mode = "all"  # 'all', 'search', 'similar', 'selection'
        self.query = ""
        self._model_busy = False
        self._waiting: tuple[int, Callable[[], Any], Any] | None = None

    # -- tokens ------------------------------------------------------------------------------------

    def begin(self, mode: str, query: str = "") -> int:
        """A new request: it makes every earlier one stale."""
        self.token += 1
        self.mode = mode
        self.query = query
        return self.token

    def is_current(self, token: int) -> bool:
        return token == self.token

    # -- jobs: plain functions for a worker thread ---------------------------------------------

    def _allowed(self, f: Filters) -> set[int] | None:
        ids = set(self.library.people.photo_ids(f.person_id)) if f.person_id is not None else None
        if f.narrows_catalog:
            matching = set(self.library.photo_ids_matching(f.folder, f.date_from, f.date_to).tolist())
            ids = matching if ids is None else ids & matching
        return ids

    def browse_job(self, f: Filters, order: int = SORT_NEWEST, limit: int | None = None) -> Callable[[], Rows]:
        """Every photo within the filters, by date: newest first unless the order says oldest
        (relevance means nothing without a query, so it is newest first too). With a limit, only
        the first ones: a screenful at once, before the whole of a big library."""

        def job() -> Rows:
            rows = self.library.browse(f.folder, f.date_from, f.date_to, oldest_first=order == SORT_OLDEST,
                                       limit=limit)
            if f.person_id is not None:
                ids = set(self.library.people.photo_ids(f.person_id))
                rows = [r for r in rows if r[0] in ids]
            return GridRows.from_catalog(rows).index()

        return job

    @staticmethod
    def folder_tree_job(library: Any) -> Callable[[], list[FolderNode]]:
        """The library's folders as trees under its roots, each with its photo count (its own and
        its subfolders'), for the sidebar."""

        def job() -> list[FolderNode]:
            return folder_tree(library.roots(), library.folder_counts())

        return job

    def photos_job(self, photo_ids: Iterable[int]) -> Callable[[], Rows]:
        """These photos, in this order (a person's, a map selection)."""
        wanted = list(photo_ids)

        def job() -> Rows:
            photos = self.library.photos_by_id(wanted)
            found = [p for pid in wanted if (p := photos.get(pid)) is not None]
            return GridRows([p.id for p in found], [p.path for p in found],
                            np.array([np.nan if p.date is None else p.date for p in found], dtype=np.float64)).index()

        return job

    def search_job(self, query: str, f: Filters) -> Callable[[], list[Hit]]:
        def job() -> list[Hit]:
            allowed = self.library.people.photo_ids(f.person_id) if f.person_id is not None else None
            return self.library.search(query, folder=f.folder, date_from=f.date_from, date_to=f.date_to,
                                       cutoff=f.cutoff, allowed_ids=allowed)

        return job

    def similar_job(self, image: int | str, by: str, f: Filters) -> Callable[[], list[Hit]]:
        def job() -> list[Hit]:
            return self.library.similar(image, by=by, folder=f.folder, date_from=f.date_from, date_to=f.date_to,
                                        cutoff=f.cutoff)

        return job

    def image_job(self, pil_image: Any, by: str = "dino") -> Callable[[], list[Hit]]:
        """A picture that is not a file (pasted, dropped from a browser)."""

        def job() -> list[Hit]:
            return self.library.similar_to_vector(self.library.embed_image(pil_image, by), by=by)

        return job

    # -- model work: one at a time, only the newest waiting ------------------------------------

    def offer_model_job(self, token: int, job: Callable[[], Any], context: Any = None) -> bool:
        """True: run it now. False: it waits, replacing any job waiting before it (typing fast
        does not queue a text encoding per keystroke)."""
        if self._model_busy:
            self._waiting = (token, job, context)
            return False
        self._model_busy = True
        return True

    def model_job_finished(self) -> tuple[int, Callable[[], Any], Any] | None:
        """The waiting job to run next, if it is still the newest request."""
        self._model_busy = False
        waiting, self._waiting = self._waiting, None
        if waiting is not None and self.is_current(waiting[0]):
            self._model_busy = True
            return waiting
        return None

    def drop_waiting(self) -> None:
        self._waiting = None

    # -- results -------------------------------------------------------------------------------

    @staticmethod
    def hit_items(hits: Iterable[Hit], order: int = SORT_RELEVANCE) -> list[GridItem]:
        items = [GridItem(h.photo_id, h.path, h.score, h.taken_at, tuple(h.matched)) for h in hits]
        if order == SORT_NEWEST:
            items.sort(key=lambda it: it.date or 0, reverse=True)
        elif order == SORT_OLDEST:
            items.sort(key=lambda it: it.date or 0)
        return items


class IndexingController:
    """The indexing run's state (the words it shows are gui/status.py's)."""

    def __init__(self) -> None:
        self.running = False
        self.paused = False
        self.rescan_wanted = False

    def started(self) -> None:
        self.running, self.paused, self.rescan_wanted = True, False, False

    def request_rescan(self) -> bool:
        """A folder changed. True: start now; False: rescan once the running pass ends."""
        if self.running:
            self.rescan_wanted = True
            return False
        return True

    def finished(self) -> bool:
        """The run ended; True when a rescan was asked for meanwhile."""
        self.running = self.paused = False
        again, self.rescan_wanted = self.rescan_wanted, False
        return again
