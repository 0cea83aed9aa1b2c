"""The window's rules without a window: the search and indexing controllers are Qt-free."""

from __future__ import annotations

import sys

from photoindex.core.types import Hit
from photoindex.gui.controllers import (
    SORT_NEWEST,
    SORT_OLDEST,
    Filters,
    IndexingController,
    SearchController,
    folder_tree,
    query_has_words,
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


def test_browse_job_applies_person_folder_dates_and_order_on_the_worker(tiny_settings, tmp_path) -> None:
    from photoindex.core.library import Library

    class People:
        def photo_ids(self, person_id: int) -> list[int]:
            return [1, 2, 3]

    lib = Library(tiny_settings)
    with lib.writer.transaction() as cat:  # five indexed photos, a day apart, two in a subfolder
        for i in range(1, 6):
            folder = "/p/가족여행/제주도" if i in (2, 3) else "/p"
            pid = cat.insert_photo(f"{folder}/{i}.jpg", 1, 0, None)
            cat.mark_ok(pid, 10, 10, 86400.0 * i)
    lib.people = People()
    c = SearchController(lib)
    items = c.browse_job(Filters(folder="/p/가족여행", person_id=7))()
    assert [i.photo_id for i in items] == [3, 2] and (items.row_of(3), items.row_of(2), items.row_of(4)) == (0, 1, None)
    assert items[0].path == "/p/가족여행/제주도/3.jpg" and items[0].date == 86400.0 * 3 and items[0].score is None
    items = c.browse_job(Filters())()
    assert [i.photo_id for i in items] == [5, 4, 3, 2, 1]  # newest first by default
    items = c.browse_job(Filters(date_from=86400.0 * 2, date_to=86400.0 * 4), SORT_OLDEST)()
    assert [i.photo_id for i in items] == [2, 3, 4]
    assert lib.folder_counts() == {"/p": 3, "/p/가족여행/제주도": 2}
    lib.close()


def test_folder_tree_nests_subfolders_with_totals() -> None:
    tree = folder_tree(["/p"], {"/p": 1, "/p/가족여행/제주도": 3, "/p/가족여행/부산": 2, "/q": 9})
    (root,) = tree
    assert (root.path, root.count) == ("/p", 6)
    (trip,) = root.children
    assert (trip.path, trip.count) == ("/p/가족여행", 5)
    assert {(c.path, c.count) for c in trip.children} == {("/p/가족여행/제주도", 3), ("/p/가족여행/부산", 2)}


def test_a_query_of_operators_has_no_words() -> None:
    assert not query_has_words("- + 3: -") and not query_has_words("+ -")
    assert query_has_words("2:beach - people") and query_has_words("바다")


def test_a_rescan_asked_for_during_a_run() -> None:
    ic = IndexingController()
    assert ic.request_rescan()  # nothing running: start now
    ic.started()
    assert not ic.request_rescan()  # running: once it ends
    assert ic.finished() is True and ic.finished() is False



def test_grid_rows_are_columns_that_make_items_on_demand() -> None:
    from photoindex.gui.controllers import GridItem, GridRows

    items = [GridItem(5, "/a/5.jpg", 0.25, 100.0, ("meaning",)), GridItem(2, "/a/2.jpg", None, None),
             GridItem(9, "/b/9.jpg", 0.75, 50.0)]
    rows = GridRows.from_items(items)
    assert list(rows) == items and rows[1] == items[1] and rows[-1] == items[2] and rows[0:2] == items[:2]
    assert (rows.row_of(9), rows.row_of(5), rows.row_of(3)) == (2, 0, None)
    assert rows.top_score() == 0.75 and rows.score(1) is None
    plain = GridRows.from_catalog([(3, "/c/3.jpg", 10.0), (1, "/c/1.jpg", None)])
    assert plain[1] == GridItem(1, "/c/1.jpg", None, None) and plain.top_score() is None and not GridRows([], [])
