from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from photoindex.core.store import vectors as vectors_mod
from photoindex.core.store.catalog import Catalog
from photoindex.core.store.vectors import VectorIndex


def _unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def _fill(cat: Catalog, vecs: np.ndarray, space: str = "clip", start: int = 0, seq: int = 1) -> list[int]:
    ids = []
    with cat.transaction():
        if cat.model_key(space) is None:
            cat.conn.execute("INSERT INTO models(space, model_key, dim) VALUES (?, 'm', ?)", (space, vecs.shape[1]))
        for i in range(len(vecs)):
            pid = cat.insert_photo(f"/lib/p{start + i}.jpg", 1, 1, None)
            cat.mark_ok(pid, 10, 10, None)
            ids.append(pid)
        cat.write_embeddings(space, "m", list(zip(ids, vecs, strict=True)))
    return ids


def _clustered(n: int, dim: int, seed: int, latent: int = 24) -> np.ndarray:
    """Embedding-like data: groups on a low-dimensional manifold inside dim dimensions, plus noise."""
    rng = np.random.default_rng(seed)
    proj = np.random.default_rng(1000 + dim).normal(size=(latent, dim))
    centres = np.random.default_rng(2000 + dim).normal(size=(50, latent)) * 2
    z = centres[rng.integers(0, 50, n)] + rng.normal(size=(n, latent))
    return _unit(z @ proj + rng.normal(scale=0.5, size=(n, dim)))


def test_hnsw_recall_against_exact_search(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vectors_mod, "EXACT_BELOW", 0)  # force the graph path
    cat = Catalog(tmp_path / "c.sqlite3")
    vecs = _clustered(30_000, 256, 0)
    ids = np.array(_fill(cat, vecs))
    idx = VectorIndex(tmp_path / "index", "clip")
    idx.sync(cat)
    queries = _clustered(200, 256, 1)
    exact_top = ids[np.argsort(-(queries @ vecs.T), axis=1)[:, :10]]
    hits = 0
    for q, exact in zip(queries, exact_top, strict=True):
        ann, _ = idx.search(q, 10)
        hits += len(set(ann.tolist()) & set(exact.tolist()))
    exact_path, _ = idx.search(queries[0], 10, exact=True)
    assert exact_path.tolist() == exact_top[0].tolist()
    recall = hits / (10 * len(queries))
    assert recall >= 0.95, recall


def test_index_is_saved_atomically_reloaded_and_kept_in_step(tmp_path: Path) -> None:
    cat = Catalog(tmp_path / "c.sqlite3")
    vecs = _clustered(500, 32, 2)
    ids = _fill(cat, vecs)
    idx = VectorIndex(tmp_path / "index", "clip")
    assert idx.sync(cat) == 500
    idx.save()
    assert not list((tmp_path / "index").glob("*.tmp*"))
    # A new process: loads the file, adds only what is new, forgets what was deleted.
    more = _fill(cat, _clustered(20, 32, 3), start=500, seq=2)
    cat.delete_photos(ids[:10])
    idx2 = VectorIndex(tmp_path / "index", "clip")
    assert idx2.sync(cat) == 20
    assert len(idx2) == 510
    found, scores = idx2.search(vecs[0], 5)
    assert ids[0] not in found.tolist()
    found, scores = idx2.search(_clustered(20, 32, 3)[0], 1)
    assert found[0] == more[0] and scores[0] > 0.99


def test_corrupt_index_file_is_rebuilt_from_the_catalog(tmp_path: Path) -> None:
    cat = Catalog(tmp_path / "c.sqlite3")
    vecs = _clustered(300, 16, 4)
    ids = _fill(cat, vecs)
    idx = VectorIndex(tmp_path / "index", "clip")
    idx.sync(cat)
    idx.save()
    (tmp_path / "index" / "clip.hnsw").write_bytes(b"garbage" * 10)
    idx2 = VectorIndex(tmp_path / "index", "clip")
    assert idx2.sync(cat) == 300
    found, scores = idx2.search(vecs[7], 1)
    assert found[0] == ids[7]


def test_filtered_search_returns_only_allowed(tmp_path: Path) -> None:
    cat = Catalog(tmp_path / "c.sqlite3")
    vecs = _clustered(1000, 16, 5)
    ids = np.array(_fill(cat, vecs))
    idx = VectorIndex(tmp_path / "index", "clip")
    idx.sync(cat)
    allowed = np.sort(ids[::7])
    found, _ = idx.search(vecs[0], 20, allowed=allowed)
    assert len(found) == 20 and set(found.tolist()) <= set(allowed.tolist())


# -- the graph path keeps up with a changing catalog ---------------------------------------------


def _graph_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vectors_mod, "EXACT_BELOW", 30)


def _assert_finds_itself(idx: VectorIndex, ids: list[int], vecs: np.ndarray) -> None:
    for pid, v in zip(ids, vecs, strict=True):
        found, scores = idx.search(v, 3)
        assert found[0] == pid and scores[0] > 0.999, (pid, found)


def test_a_new_import_after_a_deleted_one_is_found_on_the_graph_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _graph_path(monkeypatch)
    cat = Catalog(tmp_path / "c.sqlite3")
    first = _fill(cat, _clustered(60, 16, 10))
    idx = VectorIndex(tmp_path / "index", "clip")
    idx.sync(cat)
    idx.save()
    cat.delete_photos(first)  # the import is undone: the newest seq is gone from the table
    idx.sync(cat)
    vecs = _clustered(60, 16, 11)
    second = _fill(cat, vecs, start=100)
    assert not set(first) & set(second), "photo ids are never reused"
    for index in (idx, VectorIndex(tmp_path / "index", "clip")):  # kept running, and reloaded
        index.sync(cat)
        assert sorted(index.ids.tolist()) == second
        _assert_finds_itself(index, second, vecs)
        assert len(index.sample_scores(vecs[0])) == 60
        allowed = np.array(second[::2] + first[:5])
        found, _ = index.search(vecs[0], 10, allowed=allowed)
        assert set(found.tolist()) <= set(second[::2]) and len(found) == 10


def test_an_edited_photo_is_found_by_its_new_vector_not_its_old_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _graph_path(monkeypatch)
    cat = Catalog(tmp_path / "c.sqlite3")
    vecs = _clustered(80, 16, 12)
    ids = _fill(cat, vecs)
    idx = VectorIndex(tmp_path / "index", "clip")
    idx.sync(cat)
    idx.save()
    new = _clustered(5, 16, 13)
    with cat.transaction():
        for pid in ids[:5]:
            cat.mark_changed(pid, 2, 2, None)
            cat.mark_ok(pid, 10, 10, None)
        cat.write_embeddings("clip", "m", list(zip(ids[:5], new, strict=True)))
    for index in (idx, VectorIndex(tmp_path / "index", "clip")):
        assert index.sync(cat) == 5
        _assert_finds_itself(index, ids[:5], new)
        got = index.vectors_for(np.array(ids[:5]))
        assert np.allclose(got, new, atol=1e-6)


def test_a_vector_behind_the_index_seq_is_still_added(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A live vector that the index lacks although its seq is old (a catalog written before
    schema 4 reused ids and seqs): the safety net adds it, and no search raises Label not found."""
    _graph_path(monkeypatch)
    cat = Catalog(tmp_path / "c.sqlite3")
    vecs = _clustered(60, 16, 14)
    ids = _fill(cat, vecs)
    idx = VectorIndex(tmp_path / "index", "clip")
    idx.sync(cat)
    cat.delete_photos(ids[:3])
    idx.sync(cat)
    reborn = _clustered(3, 16, 15)
    with cat.transaction():
        for pid, v in zip(ids[:3], reborn, strict=True):
            cat.conn.execute(
                "INSERT INTO photos(id, path, folder, size, mtime_ns, status) VALUES (?, ?, '/lib', 1, 1, 'ok')",
                (pid, f"/lib/again{pid}.jpg"),
            )
            cat.conn.execute(
                "INSERT INTO embeddings(photo_id, space, model_key, seq, vector) VALUES (?, 'clip', 'm', 1, ?)",
                (pid, v.tobytes()),
            )
    idx.sync(cat)
    _assert_finds_itself(idx, ids[:3], reborn)
    idx.sample_scores(reborn[0])
    idx.search(reborn[0], 5, allowed=np.array(ids[:40]))


# -- damaged, foreign and stale cache files are rebuilt, once, and the log says so -------------


def _saved_pair(tmp_path: Path, dim: int = 32) -> tuple[Catalog, list[int], dict[str, np.ndarray]]:
    """A catalog with a clip and a dino space of the same size (so only the content tells them
    apart), both indexes saved."""
    cat = Catalog(tmp_path / "c.sqlite3")
    vecs = {"clip": _clustered(200, dim, 20), "dino": _clustered(200, dim, 21)}
    ids = _fill(cat, vecs["clip"], "clip")
    with cat.transaction():
        cat.conn.execute("INSERT INTO models(space, model_key, dim) VALUES ('dino', 'm', ?)", (dim,))
        cat.write_embeddings("dino", "m", list(zip(ids, vecs["dino"], strict=True)))
    for space in vecs:
        idx = VectorIndex(tmp_path / "index", space)
        idx.sync(cat)
        idx.save()
    return cat, ids, vecs


def _reopened_is_rebuilt(
    tmp_path: Path,
    cat: Catalog,
    ids: list[int],
    vecs: np.ndarray,
    caplog: pytest.LogCaptureFixture,
    why: str,
    then: Callable[[], object] = lambda: None,
) -> None:
    caplog.clear()
    with caplog.at_level("WARNING", logger=vectors_mod.__name__):
        idx = VectorIndex(tmp_path / "index", "clip")
        assert idx.sync(cat) == len(ids)  # rebuilt from the catalog: every vector added again
        _assert_finds_itself(idx, ids[:50], vecs[:50])
        assert idx.sync(cat) == 0  # once
    records = [r for r in caplog.records if r.name == vectors_mod.__name__]
    assert len(records) == 1, [r.getMessage() for r in records]
    assert "clip.hnsw" in records[0].getMessage() and why in records[0].getMessage()
    idx.save()
    then()
    caplog.clear()
    with caplog.at_level("WARNING", logger=vectors_mod.__name__):
        again = VectorIndex(tmp_path / "index", "clip")
        assert again.sync(cat) == 0  # the rebuilt file is trusted next time
    assert not caplog.records


def test_garbled_middle_of_the_index_file_is_rebuilt(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    cat, ids, vecs = _saved_pair(tmp_path)
    path = tmp_path / "index" / "clip.hnsw"
    data = bytearray(path.read_bytes())
    mid = len(data) // 2
    data[mid : mid + 64] = bytes(range(200, 255)) + bytes(9)
    path.write_bytes(bytes(data))
    _reopened_is_rebuilt(tmp_path, cat, ids, vecs["clip"], caplog, "checksum")


def test_truncated_index_file_is_rebuilt(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    cat, ids, vecs = _saved_pair(tmp_path)
    path = tmp_path / "index" / "clip.hnsw"
    path.write_bytes(path.read_bytes()[: path.stat().st_size * 2 // 3])
    _reopened_is_rebuilt(tmp_path, cat, ids, vecs["clip"], caplog, "bytes")


def test_the_other_space_file_copied_over_is_rebuilt(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    cat, ids, vecs = _saved_pair(tmp_path)
    index = tmp_path / "index"
    (index / "clip.hnsw").write_bytes((index / "dino.hnsw").read_bytes())  # same size, other content
    _reopened_is_rebuilt(tmp_path, cat, ids, vecs["clip"], caplog, "checksum")
    (index / "clip.hnsw").write_bytes((index / "dino.hnsw").read_bytes())  # and with its sidecar
    (index / "clip.json").write_bytes((index / "dino.json").read_bytes())
    _reopened_is_rebuilt(tmp_path, cat, ids, vecs["clip"], caplog, "space")


def test_an_index_left_by_another_catalog_is_rebuilt(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    cat, ids, _ = _saved_pair(tmp_path)
    cat.close()
    for f in tmp_path.glob("c.sqlite3*"):
        f.unlink()
    fresh = Catalog(tmp_path / "c.sqlite3")  # same ids, same seq, same model key: other photos
    vecs = _clustered(200, 32, 22)
    assert _fill(fresh, vecs) == ids
    _reopened_is_rebuilt(tmp_path, fresh, ids, vecs, caplog, "catalog_id")


def test_an_index_ahead_of_its_catalog_is_rebuilt(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """The catalog went back (restored from a backup): the index covers writes it never had."""
    cat, ids, vecs = _saved_pair(tmp_path)
    cat.set_meta("seq.last", "1")
    _reopened_is_rebuilt(tmp_path, cat, ids, vecs["clip"], caplog, "newer than the catalog")


@pytest.mark.parametrize(
    "sidecar",
    ["{not json", '{"format": 1, "model_key": "m", "dim": 32, "seq": 1, "capacity": 1024, "count_all": 200}', "[]"],
)
def test_a_bad_or_old_sidecar_is_rebuilt(tmp_path: Path, caplog: pytest.LogCaptureFixture, sidecar: str) -> None:
    cat, ids, vecs = _saved_pair(tmp_path)
    (tmp_path / "index" / "clip.json").write_text(sidecar)
    _reopened_is_rebuilt(tmp_path, cat, ids, vecs["clip"], caplog, "")


def test_any_exception_while_loading_means_rebuild(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What was seen: OverflowError from get_ids_list, which was not among the caught types."""
    import hnswlib

    cat, ids, vecs = _saved_pair(tmp_path)

    class Broken(hnswlib.Index):  # type: ignore[misc]
        def get_ids_list(self) -> list[int]:
            raise OverflowError("Python int too large to convert to C long")

    monkeypatch.setattr(hnswlib, "Index", Broken)
    _reopened_is_rebuilt(tmp_path, cat, ids, vecs["clip"], caplog, "OverflowError", then=monkeypatch.undo)


def test_saving_leaves_no_temp_files_and_a_crash_before_the_rename_keeps_the_old_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cat, ids, vecs = _saved_pair(tmp_path)
    before = (tmp_path / "index" / "clip.hnsw").read_bytes()
    _fill(cat, _clustered(10, 32, 23), start=1000)
    idx = VectorIndex(tmp_path / "index", "clip")
    idx.sync(cat)

    def crash(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(vectors_mod.os, "replace", crash)
    with pytest.raises(OSError):
        idx.save()
    monkeypatch.undo()
    assert (tmp_path / "index" / "clip.hnsw").read_bytes() == before
    assert sorted(p.name for p in (tmp_path / "index").iterdir()) == ["clip.hnsw", "clip.json", "dino.hnsw", "dino.json"]
    again = VectorIndex(tmp_path / "index", "clip")
    assert again.sync(cat) == 10  # the old file, caught up
