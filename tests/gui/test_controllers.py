"""The window's rules without a window: the search and indexing controllers are Qt-free."""

from __future__ import annotations

import sys

import numpy as np

from photoindex.core.types import Hit, IndexReport, Progress
from photoindex.gui.controllers import (
    SORT_NEWEST,
    SORT_OLDEST,
    Filters,
    IndexingController,
    SearchController,
)


def test_the_controllers_module_needs_no_qt() -> None:
    import subprocess

    code = ("import sys; import photoindex.gui.controllers; "
            "sys.exit(1 if any(m.startswith('PySide6') for m in sys.modules) else 0)")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_only_the_newest_request_is_shown() -> None:
    c = SearchController(library=None)
    first = c.begin("search", "dog")
    second = c.begin("similar")
    assert not c.is_current(first) and c.is_current(second)
    assert c.mode == "similar" and c.query == ""


def test_typing_fast_runs_one_model_job_and_then_only_the_newest() -> None:
    c = SearchController(library=None)
    t1 = c.begin("search", "d")
    assert c.offer_model_job(t1, lambda: "d")  # runs now
    t2 = c.begin("search", "do")
    assert not c.offer_model_job(t2, lambda: "do")  # waits
    t3 = c.begin("search", "dog")
    assert not c.offer_model_job(t3, lambda: "dog", "ctx")  # replaces "do"
    token, job, ctx = c.model_job_finished()
    assert (token, job(), ctx) == (t3, "dog", "ctx")
    assert c.model_job_finished() is None
    # A job that went stale while it waited is dropped.
    t4 = c.begin("search", "cat")
    assert c.offer_model_job(t4, lambda: "cat")
    assert not c.offer_model_job(t4, lambda: "cat again")
    c.begin("all")
    assert c.model_job_finished() is None


def test_hits_sorted_by_relevance_or_date() -> None:
    hits = [Hit(1, "/a", 0.9, 100.0), Hit(2, "/b", 0.8, 300.0), Hit(3, "/c", 0.7, None)]
    assert [i.photo_id for i in SearchController.hit_items(hits)] == [1, 2, 3]
    assert [i.photo_id for i in SearchController.hit_items(hits, SORT_NEWEST)] == [2, 1, 3]
    assert [i.photo_id for i in SearchController.hit_items(hits, SORT_OLDEST)] == [3, 1, 2]


def test_browse_job_applies_person_folder_and_dates_on_the_worker() -> None:
    class Photo:
        def __init__(self, pid: int) -> None:
            self.id, self.path, self.date = pid, f"/p/{pid}.jpg", float(pid)

    class People:
        def photo_ids(self, person_id: int) -> list[int]:
            return [1, 2, 3]

    class Library:
        people = People()

        def photo_ids_matching(self, folder, date_from, date_to):
            return np.array([2, 3, 4])

        def photos(self):
            return [Photo(i) for i in (5, 4, 3, 2, 1)]

    c = SearchController(Library())
    items, rows = c.browse_job(Filters(folder="/p", person_id=7))()
    assert [i.photo_id for i in items] == [3, 2] and rows == {3: 0, 2: 1}
    items, _ = c.browse_job(Filters())()
    assert [i.photo_id for i in items] == [5, 4, 3, 2, 1]


def test_indexing_words_and_a_rescan_asked_for_during_a_run() -> None:
    ic = IndexingController()
    view = ic.progress(Progress("embed", 5, 40, 2.5, 90.0, "/x/IMG_1.jpg"))
    assert view.text == "Indexing 5 of 40 photos · 2.5/s · about 1 min 30 s left · IMG_1.jpg"
    assert (view.done, view.total) == (5, 40)
    assert ic.progress(Progress("embed", 5, 40, 0.0, None, "/x/a.jpg", paused=True)).text.startswith("Paused:")
    assert ic.progress(Progress("scan", 0, 0, current="looking for photos…")).total is None
    assert ic.progress(Progress("scan", 0, 0)) is None
    assert ic.request_rescan()  # nothing running: start now
    ic.started()
    assert not ic.request_rescan()  # running: once it ends
    assert ic.finished() is True and ic.finished() is False
    report = IndexReport(embedded=3, failed=1, moved=2, cancelled=True, warnings=["a", "b"])
    assert ic.summary(report) == ("Indexing cancelled: 3 photos embedded, 1 could not be read, 2 moved", "a · b")
