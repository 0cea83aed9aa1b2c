"""The vector indexes stay a faithful cache of the catalog under any sequence of changes.

Random sequences of what happens to a photo library (photos added, deleted, edited in place,
moved, failing to read, an indexing batch killed before it commits, a process that quits
without saving its index, a restart that loads the saved index, a rescan) are applied through
the library's single writer to a library on the graph (hnswlib) path: EXACT_BELOW is forced low,
so small libraries use the same code as a 50,000-photo one. After every step, in both spaces:
search, find-similar and filtered search raise nothing; every live photo finds itself first by
its own vector; top-10 agrees with an exact search over the model of what should be there.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from unittest import mock

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from photoindex.config import Settings
from photoindex.core.library import Library
from photoindex.core.store import vectors as vectors_mod

DIMS = {"clip": 24, "dino": 16}
EXACT_BELOW = 30
OPS = ("add", "delete", "edit", "move", "fail", "kill", "restart", "save", "rescan", "legacy")


class World:
    """A library and the truth it should hold: photo id -> path and its vector per space."""

    def __init__(self, folder: Path, seed: int) -> None:
        self.folder = folder
        self.rng = np.random.default_rng(seed)
        self.settings = Settings(library_dir=folder / "lib", faces=False, weights="random")
        self.lib = Library(self.settings)
        with self.lib.writer.locked() as cat:
            for space, dim in DIMS.items():
                cat.set_model(space, f"test-{space}", dim)
        self.paths: dict[int, str] = {}
        self.vecs: dict[str, dict[int, np.ndarray]] = {space: {} for space in DIMS}
        self.serial = 0
        self.dead: list[int] = []
        self.overlaps: list[float] = []

    # -- what happens to a library ---------------------------------------------------------------

    def _vector(self, space: str) -> np.ndarray:
        v = self.rng.standard_normal(DIMS[space]).astype(np.float32)
        return v / np.linalg.norm(v)

    def _pick(self, n: int) -> list[int]:
        ids = sorted(self.paths)
        if not ids:
            return []
        return [int(i) for i in self.rng.choice(ids, size=min(n, len(ids)), replace=False)]

    def add(self, n: int) -> None:
        with self.lib.writer.transaction() as cat:
            for _ in range(n):
                self.serial += 1
                path = f"/photos/{self.serial:05d}.jpg"
                pid = cat.insert_photo(path, 1000, self.serial, None)
                cat.mark_ok(pid, 40, 30, None)
                self.paths[pid] = path
                for space in DIMS:
                    v = self._vector(space)
                    cat.write_embeddings(space, f"test-{space}", [(pid, v)])
                    self.vecs[space][pid] = v

    def delete(self, n: int) -> None:
        gone = self._pick(n)
        with self.lib.writer.transaction() as cat:
            cat.delete_photos(gone)
        self._forget(gone)

    def edit(self, n: int) -> None:
        """Same path, new content: the same photo id gets new vectors."""
        picked = self._pick(n)
        new = {space: {pid: self._vector(space) for pid in picked} for space in DIMS}
        with self.lib.writer.transaction() as cat:
            for pid in picked:
                cat.mark_changed(pid, 2000, self.serial + 10_000, None)
                cat.mark_ok(pid, 40, 30, None)
            for space in DIMS:
                cat.write_embeddings(space, f"test-{space}", list(new[space].items()))
        for space in DIMS:
            self.vecs[space].update(new[space])

    def move(self, n: int) -> None:
        with self.lib.writer.transaction() as cat:
            for pid in self._pick(n):
                self.serial += 1
                path = f"/photos/moved/{self.serial:05d}.jpg"
                cat.move_photo(pid, path, self.serial)
                self.paths[pid] = path

    def fail(self, n: int) -> None:
        """New files that cannot be read, and photos edited into files that cannot be read."""
        broken = self._pick(max(1, n // 2))
        with self.lib.writer.transaction() as cat:
            for _ in range(n):
                self.serial += 1
                pid = cat.insert_photo(f"/photos/bad{self.serial:05d}.jpg", 10, self.serial, None)
                cat.mark_failed(pid, "not an image")
            for pid in broken:
                cat.mark_changed(pid, 10, self.serial, None)
                cat.mark_failed(pid, "truncated")
        self._forget(broken, row_gone=False)

    def kill(self, n: int) -> None:
        """An indexing batch that dies before it commits: nothing of it may show."""
        try:
            with self.lib.writer.transaction() as cat:
                for _ in range(n):
                    pid = cat.insert_photo(f"/photos/killed{self.serial}-{_}.jpg", 1, 1, None)
                    cat.mark_ok(pid, 40, 30, None)
                    for space in DIMS:
                        cat.write_embeddings(space, f"test-{space}", [(pid, self._vector(space))])
                for pid in self._pick(n):
                    cat.delete_photos([pid])
                raise KeyboardInterrupt
        except KeyboardInterrupt:
            pass

    def restart(self, save: bool) -> None:
        """The process ends (saving its indexes, or killed before it could) and a new one opens
        the library: it loads what was saved last, however old, and catches up."""
        if save:
            self.lib.close()
        else:
            self.lib.writer.close()  # connections closed, indexes not saved
            for cat in self.lib._catalogs:
                cat.close()
        self.lib = Library(self.settings)

    def legacy(self, n: int) -> None:
        """What catalogs written before schema 4 did: a deleted photo's id given to a new photo,
        its vectors under a seq that the index has already passed. The index must still find it."""
        reborn = [pid for pid in self.dead[:n] if pid not in self.paths]
        del self.dead[:n]
        with self.lib.writer.transaction() as cat:
            for pid in reborn:
                self.serial += 1
                path = f"/photos/old{self.serial:05d}.jpg"
                cat.conn.execute(
                    "INSERT INTO photos(id, path, folder, size, mtime_ns, status, width, height)"
                    " VALUES (?, ?, '/photos', 1, 1, 'ok', 40, 30)",
                    (pid, path),
                )
                self.paths[pid] = path
                for space in DIMS:
                    v = self._vector(space)
                    cat.conn.execute(
                        "INSERT INTO embeddings(photo_id, space, model_key, seq, vector) VALUES (?, ?, ?, 1, ?)",
                        (pid, space, f"test-{space}", v.tobytes()),
                    )
                    self.vecs[space][pid] = v

    def _forget(self, ids: list[int], *, row_gone: bool = True) -> None:
        if row_gone:
            self.dead += ids
        for pid in ids:
            self.paths.pop(pid, None)
            for space in DIMS:
                self.vecs[space].pop(pid, None)

    def apply(self, op: str, n: int) -> None:
        if op == "add":
            self.add(n)
        elif op == "delete":
            self.delete(n)
        elif op == "edit":
            self.edit(n)
        elif op == "move":
            self.move(n)
        elif op == "fail":
            self.fail(n)
        elif op == "kill":
            self.kill(n)
        elif op == "restart":
            self.restart(save=False)
        elif op == "save":
            self.lib.save_indexes()
            if n % 2:
                self.restart(save=True)
        elif op == "legacy":
            self.legacy(n)
        elif op == "rescan":
            for space in DIMS:
                self.lib.vector_index(space)
            self.lib.save_indexes()

    # -- what must hold ----------------------------------------------------------------------------

    def check(self) -> None:
        for space in DIMS:
            truth = self.vecs[space]
            ids = np.array(sorted(truth), dtype=np.int64)
            if not len(ids):
                assert self.lib.similar_to_vector(self._vector(space), by=space, k=10) == []
                continue
            matrix = np.stack([truth[int(i)] for i in ids])
            for pid in ids.tolist():
                q = truth[pid]
                hits = self.lib.similar_to_vector(q, by=space, k=10, cutoff=False)
                assert hits and hits[0].photo_id == pid, (space, pid, [h.photo_id for h in hits[:3]])
                assert hits[0].path == self.paths[pid]
                exact = ids[np.argsort(-(matrix @ q), kind="stable")[:10]]
                self.overlaps.append(len({h.photo_id for h in hits} & set(exact.tolist())) / len(exact))
            # find-similar with the cutoff (the score sample) and filtered search, on a few photos
            allowed = np.array(self._pick(max(1, len(ids) * 2 // 3)) + [10**9], dtype=np.int64)
            for pid in self._pick(5):
                hits = self.lib.similar(pid, by=space, k=10)
                assert hits[0].photo_id == pid
                got = [h.photo_id for h in self.lib.similar(pid, by=space, k=10, allowed_ids=allowed, cutoff=False)]
                keep = np.isin(ids, allowed)
                want = ids[keep][np.argsort(-(matrix[keep] @ truth[pid]), kind="stable")[:10]]
                assert set(got) <= set(allowed.tolist())
                assert len(got) == len(want)
                self.overlaps.append(len(set(got) & set(want.tolist())) / len(want))


op_strategy = st.tuples(st.sampled_from(OPS), st.integers(min_value=1, max_value=12))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), ops=st.lists(op_strategy, min_size=1, max_size=14))
def test_indexes_follow_the_catalog_through_any_history(seed: int, ops: list[tuple[str, int]]) -> None:
    with tempfile.TemporaryDirectory() as tmp, mock.patch.object(vectors_mod, "EXACT_BELOW", EXACT_BELOW):
        world = World(Path(tmp), seed)
        try:
            world.add(45)  # above EXACT_BELOW: the graph path
            world.check()
            for op, n in ops:
                world.apply(op, n)
                world.check()
            assert np.mean(world.overlaps) >= 0.98, np.mean(world.overlaps)
        finally:
            world.lib.close()


def test_the_graph_path_is_really_taken() -> None:
    """The property test above means something only if its libraries search the graph."""
    with tempfile.TemporaryDirectory() as tmp, mock.patch.object(vectors_mod, "EXACT_BELOW", EXACT_BELOW):
        world = World(Path(tmp), 0)
        try:
            world.add(45)
            idx = world.lib.vector_index("clip")
            with mock.patch.object(idx, "_exact", side_effect=AssertionError("exact path taken")):
                hits = world.lib.similar_to_vector(world.vecs["clip"][1], by="clip", k=10, cutoff=False)
            assert hits[0].photo_id == 1
        finally:
            world.lib.close()
