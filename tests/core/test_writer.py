"""One writer: every catalog write goes through Library.writer, reads can't write, and a long
computation made from a snapshot never overwrites (or trips over) an edit made meanwhile."""

from __future__ import annotations

import sqlite3
import threading

import numpy as np
import pytest

from photoindex.core import faces as F
from photoindex.core.faces import grouping as grouping_module


class _Face:
    def __init__(self, d: np.ndarray, box=(10, 10, 50, 50)) -> None:
        self.box, self.landmarks, self.score, self.descriptor = box, np.zeros((5, 2)), 0.9, d


def _people_library(tiny_settings, sizes=(4, 4, 3)):
    from photoindex.core.library import Library

    lib = Library(tiny_settings)
    rng = np.random.default_rng(7)
    faces: list[list[int]] = []
    with lib.writer.transaction() as cat:
        n = 0
        for size in sizes:
            centre = (rng.normal(size=128) * 0.056).astype(np.float32)
            group = []
            for _ in range(size):
                pid = cat.insert_photo(f"/photos/{n}.jpg", 1, 1, None)
                cat.mark_ok(pid, 100, 100, None)
                d = (centre + rng.normal(size=128) * 0.01).astype(np.float32)
                group += F.save_faces(cat, pid, [_Face(d)], None, (100, 100), tiny_settings.faces_dir)
                n += 1
            faces.append(group)
    lib.people.recluster()
    # Two faces of the last person arrive, not yet placed: the next pass puts them in with her.
    with lib.writer.transaction() as cat:
        for k in range(2):
            pid = cat.insert_photo(f"/photos/late{k}.jpg", 1, 1, None)
            cat.mark_ok(pid, 100, 100, None)
            d = (centre + rng.normal(size=128) * 0.01).astype(np.float32)
            faces[-1] += F.save_faces(cat, pid, [_Face(d)], None, (100, 100), tiny_settings.faces_dir)
    return lib, faces


def _person_of(lib, face_id: int) -> int | None:
    return lib.catalog().conn.execute("SELECT person_id FROM faces WHERE id = ?", (face_id,)).fetchone()[0]


def test_reads_go_through_read_only_connections(tiny_settings) -> None:
    from photoindex.core.library import Library

    lib = Library(tiny_settings)
    with pytest.raises(sqlite3.OperationalError, match="readonly|read-only"):
        lib.catalog().add_root("/somewhere")
    before = lib.writer.commits
    lib.add_root(tiny_settings.library_dir.parent)  # through the writer
    assert lib.roots() == [str(tiny_settings.library_dir.parent)]
    assert lib.writer.commits == before + 1
    lib.close()


def test_edits_made_while_people_are_grouped_survive(tiny_settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """The background pass reads every face, clusters for a long time, then writes. A merge, a
    move and a rename made meanwhile must all survive, and the pass must not fail (it used to
    write faces into the person the merge had deleted: a foreign key error ended the index run;
    a move was silently undone)."""
    lib, (a, b, c) = _people_library(tiny_settings)
    pa, pb, pc = (_person_of(lib, g[0]) for g in (a, b, c))
    assert len({pa, pb, pc}) == 3 and None not in (pa, pb, pc)
    assert _person_of(lib, c[-1]) is None  # the pass will place it, into pc as it stands now

    started, release = threading.Event(), threading.Event()
    calls = []
    real = grouping_module.cluster_descriptors

    def slow_clustering(*args, **kw):  # the real clustering, held on its first call
        calls.append(1)
        if len(calls) == 1:
            started.set()
            assert release.wait(20)
        return real(*args, **kw)

    monkeypatch.setattr(grouping_module, "cluster_descriptors", slow_clustering)
    outcome: dict[str, object] = {}

    def background_pass() -> None:
        try:
            outcome["result"] = lib.people.recluster(force=True)
        except BaseException as exc:
            outcome["error"] = exc

    worker = threading.Thread(target=background_pass)
    worker.start()
    assert started.wait(20)
    # The user, meanwhile: merges b and c, says a face of a is b, and names a.
    kept = lib.people.merge([pb, pc])
    lib.people.move_faces([a[0]], kept)
    lib.people.rename(pa, "민지")
    release.set()
    worker.join(30)
    assert not worker.is_alive()
    assert "error" not in outcome, outcome.get("error")
    assert len(calls) >= 2, "the pass saw the edits and grouped again"
    assert {_person_of(lib, f) for f in b + c[:3]} == {kept}
    alive = {r[0] for r in lib.catalog().conn.execute("SELECT id FROM people")}
    assert {_person_of(lib, f) for f in c[3:]} <= alive | {None}  # never the person the merge removed
    assert _person_of(lib, a[0]) == kept, "the move was not undone"
    assert lib.people.name(pa) == "민지"
    assert all(_person_of(lib, f) == pa for f in a[1:])
    assert lib.catalog().conn.execute("PRAGMA foreign_key_check").fetchall() == []
    lib.close()


def test_map_layout_stored_after_photos_were_removed_meanwhile(tiny_settings, monkeypatch) -> None:
    """A full layout computed from a snapshot is stored without the photos removed meanwhile (their
    rows would break the foreign key and lose the whole layout)."""
    from photoindex.core import layout2d
    from photoindex.core.library import Library

    lib = Library(tiny_settings)
    rng = np.random.default_rng(3)
    x = rng.normal(size=(30, 8)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    with lib.writer.transaction() as cat:
        cat.set_model("clip", "m", 8)
        ids = [cat.insert_photo(f"/p/{i}.jpg", 1, 1, None) for i in range(30)]
        cat.write_embeddings("clip", "m", list(zip(ids, x, strict=True)))
    real = layout2d.compute_layout

    def compute_then_remove(*args, **kw):
        out = real(*args, **kw)
        with lib.writer.transaction() as wcat:  # another writer of this library, meanwhile
            wcat.delete_photos(ids[:5])
        return out

    monkeypatch.setattr(layout2d, "compute_layout", compute_then_remove)
    phases = [p.phase for p in lib.map.update("clip", full=True)]
    assert phases[-1] == "done"
    placed, _xy = lib.map.load("clip")
    assert sorted(placed.tolist()) == sorted(ids[5:])
    lib.close()


def test_removing_one_of_two_nested_folders_keeps_the_photos_the_other_holds(tiny_settings, tmp_path) -> None:
    """~/Pictures and ~/Pictures/2020 both added: removing 2020 must not delete its photos (and
    their people and corrections) while ~/Pictures still holds them."""
    from photoindex.core.library import Library

    lib = Library(tiny_settings)
    outer, inner = tmp_path / "Pictures", tmp_path / "Pictures" / "2020"
    inner.mkdir(parents=True)
    lib.add_root(outer)
    lib.add_root(inner)
    with lib.writer.transaction() as cat:
        a = cat.insert_photo(str(outer / "a.jpg"), 1, 1, None)
        b = cat.insert_photo(str(inner / "b.jpg"), 1, 1, None)
    assert lib.remove_root(str(inner)) == 0
    assert lib.photo(b) is not None
    lib.add_root(inner)
    assert lib.remove_root(str(outer)) == 1
    assert lib.photo(a) is None and lib.photo(b) is not None
    lib.close()


def test_photos_removed_while_their_batch_is_made_do_not_fail_the_run(tiny_settings, tmp_path, monkeypatch) -> None:
    """A folder removed in Settings (or duplicates trashed) while indexing runs: the next batch
    wrote vectors for rows that were gone and the whole run stopped on a foreign key."""
    from photoindex.core import pipeline
    from photoindex.core.library import Library
    from tests.photos import save_jpeg, scene

    for i in range(6):
        save_jpeg(tmp_path / "photos" / f"p{i}.jpg", scene(i))
    lib = Library(tiny_settings.with_(batch_size=3))
    lib.add_root(tmp_path / "photos")
    real = pipeline._decode_one
    removed: list[int] = []

    def decode_then_remove(settings, photo_id, path, *args, **kw):
        out = real(settings, photo_id, path, *args, **kw)
        if path.endswith("p4.jpg"):
            with lib.writer.transaction() as cat:  # the window's remove, meanwhile
                cat.delete_photos([photo_id])
            removed.append(photo_id)
        return out

    monkeypatch.setattr(pipeline, "_decode_one", decode_then_remove)
    report = lib.run_index()
    assert removed and report.embedded == 6
    assert lib.status()["photos"] == 5
    assert lib.catalog().conn.execute("PRAGMA foreign_key_check").fetchall() == []
    lib.close()
