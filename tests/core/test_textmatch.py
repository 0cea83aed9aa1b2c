"""Names people wrote in the query: folders, file names and people's names, combined with CLIP.

The models have random weights, so CLIP alone cannot find anything on purpose: every name match
below ranks first because of the name, not by chance."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from photoindex.core.library import Library
from photoindex.core.search import parse_query, plan_query
from photoindex.core.textmatch import ANALYZER, NameIndex
from tests.photos import save_jpeg, scene

JEJU = "2019 제주도 여행"


@pytest.fixture(scope="module")
def named(tmp_path_factory: pytest.TempPathFactory) -> tuple[Library, Path, dict[str, int]]:
    """A library with Korean and English folders, camera file names and two named people."""
    from photoindex.config import Settings
    from tests.conftest import SHARED_ASSETS

    tmp = tmp_path_factory.mktemp("named")
    root = tmp / "Pictures"
    files = {
        f"{JEJU}/바다 1.jpg": 1, f"{JEJU}/바다 2.jpg": 2, f"{JEJU}/귤밭.jpg": 3,
        "가족/설날.jpg": 4, "가족/생일.jpg": 5, "가족/IMG_2019.jpg": 15,
        "Summer Vacation/pool.jpg": 6, "Summer Vacation/hotel.jpg": 7,
        "misc/IMG_1005.jpg": 8, "misc/IMG_1006.jpg": 9, "misc/DSC_0001.jpg": 10,
        "일상/a.jpg": 11, "일상/b.jpg": 12, "일상/c.jpg": 13, "일상/d.jpg": 14,
    }
    for rel, seed in files.items():
        save_jpeg(root / rel, scene(seed, (160, 120)))
    settings = Settings(library_dir=tmp / "library", weights="random", models_dir=SHARED_ASSETS / "models",
                        clip_model="photoindex-tiny", dino_model="photoindex-tiny", faces=False, threads=2,
                        batch_size=8)
    lib = Library(settings)
    lib.run_index([root])
    ids = {os.path.relpath(p.path, root): p.id for p in lib.photos()}
    # Two people, named the way the People view names them (rename through the library); their
    # faces are written through the single writer, as face detection would.
    people = {"민지": [f"{JEJU}/바다 1.jpg", "가족/설날.jpg", "일상/a.jpg"], "Kim Seoyeon": ["가족/생일.jpg", "일상/b.jpg"]}
    for name, photos in people.items():
        with lib.writer.transaction() as cat:
            cur = cat.conn.execute("INSERT INTO people(name, created_at) VALUES (NULL, 0)")
            person_id = int(cur.lastrowid)
            for rel in photos:
                cat.conn.execute(
                    "INSERT INTO faces(photo_id, x, y, w, h, score, descriptor, person_id) VALUES (?, 0.1, 0.1, 0.3, 0.3,"
                    " 0.9, ?, ?)", (ids[rel], np.zeros(8, np.float32).tobytes(), person_id))
        lib.people.rename(person_id, name)
    yield lib, root, ids
    lib.close()


def _rel(lib_root: Path, hits) -> list[str]:
    return [os.path.relpath(h.path, lib_root) for h in hits]


def test_a_folder_name_ranks_its_photos_first(named) -> None:
    lib, root, _ = named
    for query in ("제주도", "제주도에서 찍은 사진", "제주도 여행", "2019"):
        hits = lib.search(query, cutoff=False)
        top = _rel(root, hits[:3])
        assert all(p.startswith(JEJU + os.sep) for p in top), (query, top)
        assert "folder" in hits[0].matched
        assert not any("folder" in h.matched for h in hits[3:]), query
    hits = lib.search("summer vacation", cutoff=False)
    assert sorted(_rel(root, hits[:2])) == ["Summer Vacation/hotel.jpg", "Summer Vacation/pool.jpg"]
    assert hits[0].matched[0] == "folder" and "meaning" in hits[0].matched


def test_more_named_words_rank_higher(named) -> None:
    lib, root, _ = named
    hits = lib.search("가족 IMG_2019", cutoff=False)  # the folder 가족 and the file IMG_2019.jpg in it
    assert _rel(root, hits[:1]) == ["가족/IMG_2019.jpg"]
    assert hits[0].matched[:2] == ("folder", "filename")
    assert sorted(_rel(root, hits[1:3])) == ["가족/생일.jpg", "가족/설날.jpg"]
    assert all(h.matched[0] == "folder" for h in hits[1:3])


def test_a_file_name_finds_that_file(named) -> None:
    lib, root, _ = named
    hits = lib.search("IMG_1005", cutoff=False)
    assert _rel(root, hits) == ["misc/IMG_1005.jpg"]  # a file name alone: only the file
    assert hits[0].matched == ("filename",)
    assert _rel(root, lib.search("img_1005.jpg"))[:1] == ["misc/IMG_1005.jpg"]
    assert sorted(_rel(root, lib.search("IMG_100"))) == ["misc/IMG_1005.jpg", "misc/IMG_1006.jpg"]
    # With other words, the file comes first and the rest is by meaning.
    hits = lib.search("IMG_1006 + beach", cutoff=False)
    assert _rel(root, hits[:1]) == ["misc/IMG_1006.jpg"] and len(hits) > 1


def test_a_person_name_filters_to_that_person(named) -> None:
    lib, root, ids = named
    minji = {ids[f"{JEJU}/바다 1.jpg"], ids["가족/설날.jpg"], ids["일상/a.jpg"]}
    for query in ("민지", "민지랑", "민지의 사진"):
        hits = lib.search(query)
        assert {h.photo_id for h in hits} == minji, query
        assert all(h.matched == ("person",) for h in hits)
    hits = lib.search("민지 바닷가", cutoff=False)  # that person at the sea: the rest goes to CLIP
    assert {h.photo_id for h in hits} == minji
    assert all(h.matched == ("person", "meaning") for h in hits)
    hits = lib.search("Kim Seoyeon")
    assert {h.photo_id for h in hits} == {ids["가족/생일.jpg"], ids["일상/b.jpg"]}
    assert {h.photo_id for h in lib.search("seoyeon", cutoff=False)} == {ids["가족/생일.jpg"], ids["일상/b.jpg"]}
    # A person and a folder: that person's photos in that folder first.
    hits = lib.search("민지 가족", cutoff=False)
    assert _rel(root, hits[:1]) == ["가족/설날.jpg"] and hits[0].matched[:2] == ("folder", "person")
    # Subtracted: everyone but 민지.
    hits = lib.search("바다 - 민지", cutoff=False)
    assert hits and not minji & {h.photo_id for h in hits}


def test_query_arithmetic_without_names_is_unchanged(named) -> None:
    lib, _root, _ = named
    clip = lib.query_embedder("clip")
    for query in ("강아지 + 2:노을 - 사람", "dog on a beach", "beach + 2:sunset - people", "바닷가의 노을 + sunset"):
        terms = parse_query(query)
        assert plan_query(terms, lib.text_index()).matches == []
        vecs = clip.embed_text([t.text for t in terms])
        q = vecs.T @ np.array([t.weight for t in terms], np.float32)
        q /= np.linalg.norm(q)
        expected = lib._query("clip", q, 200, None, False, skip_top=0)
        hits = lib.search(query, cutoff=False)
        assert [h.photo_id for h in hits] == [h.photo_id for h in expected], query
        assert np.allclose([h.score for h in hits], [h.score for h in expected], atol=1e-5)
        assert all(h.matched == ("meaning",) for h in hits)


def test_mixed_korean_and_english_with_arithmetic(named) -> None:
    lib, root, _ = named
    hits = lib.search("제주도 + 2:sunset - 사람", cutoff=False)
    assert all(p.startswith(JEJU + os.sep) for p in _rel(root, hits[:3]))
    hits = lib.search("vacation 바닷가", cutoff=False)
    assert all(p.startswith("Summer Vacation" + os.sep) for p in _rel(root, hits[:2]))


def test_the_index_follows_the_catalog(named, tmp_path: Path) -> None:
    lib, root, _ = named
    index = lib.text_index()
    assert lib.text_index() is index  # nothing changed: the same index, no catalog reads
    pid = lib.people.find("민지")
    lib.people.rename(pid, "민지")  # a write: checked again, same names
    lib.people.rename(pid, "Minji")
    try:
        assert lib.text_index() is not index
        assert "minji" in lib.text_index().person_tokens and "민지" not in lib.text_index().person_tokens
    finally:
        lib.people.rename(pid, "민지")


def test_suggestions_for_what_is_being_typed(named) -> None:
    lib, root, _ = named
    kinds = [(s.kind, s.label) for s in lib.suggest("제주")]
    assert kinds == [("folder", JEJU)]
    assert lib.suggest("제주")[0].value == str(root / JEJU)
    assert [(s.kind, s.label) for s in lib.suggest("바다에서 민")] == [("person", "민지")]
    assert ("folder", "Summer Vacation") in [(s.kind, s.label) for s in lib.suggest("vac")]
    assert lib.suggest("") == [] and lib.suggest("zzz") == []


def test_korean_particles_and_compounds() -> None:
    idx = NameIndex.build(
        [(1, "/p/제주도여행/a.jpg", "/p/제주도여행"), (2, "/p/하늘/b.jpg", "/p/하늘"), (3, "/p/x/c.jpg", "/p/x")],
        ["/p"], [(7, "서연"), (8, "하늘")])
    def kinds(q: str, analyse: bool = True) -> set[tuple[str, str]]:
        return {(m.kind, m.label) for m in idx.match(q, analyse=analyse)}
    # Particles without the analyser.
    assert kinds("서연이랑 바다", analyse=False) == {("person", "서연")}
    assert kinds("하늘에서", analyse=False) == {("person", "하늘"), ("folder", "하늘")}
    # The analyser: a compound folder name, a name with the familiar -이, and a longer noun
    # that only starts with a name (하늘색 is a colour, not 하늘).
    assert kinds("제주도") == {("folder", "제주도여행")}
    assert kinds("서연이가") == {("person", "서연")}
    assert kinds("하늘색 옷") == set()
    assert ANALYZER.loaded and ANALYZER.load_seconds is not None
