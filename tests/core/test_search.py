from __future__ import annotations

from pathlib import Path

import numpy as np

from photoindex.core.search import combine, cutoff_count, parse_query
from tests.photos import save_jpeg, scene


def test_query_arithmetic_is_parsed(tmp_path: Path) -> None:
    img = save_jpeg(tmp_path / "my photo.jpg", scene(1))
    terms = parse_query(f"beach + 2:sunset - people + {img}")
    assert [(t.text, t.weight, t.is_image) for t in terms] == [
        ("beach", 1.0, False),
        ("sunset", 2.0, False),
        ("people", -1.0, False),
        (str(img), 1.0, True),
    ]
    assert [t.text for t in parse_query("t-shirt on a half-open door")] == ["t-shirt on a half-open door"]
    assert [t.text for t in parse_query("해변의 일몰 - 사람")] == ["해변의 일몰", "사람"]


def test_combine_subtracts() -> None:
    a, b = np.eye(3, dtype=np.float32)[0], np.eye(3, dtype=np.float32)[1]
    q = combine([a, b], [1.0, -1.0])
    assert q[0] > 0 > q[1] and abs(np.linalg.norm(q) - 1) < 1e-6


def test_cutoff_keeps_the_relevant_few_not_k() -> None:
    rng = np.random.default_rng(0)
    library = rng.normal(0.2, 0.03, 5000).astype(np.float32)  # CLIP-like text/image scores
    relevant = np.array([0.34, 0.33, 0.33, 0.32, 0.31], np.float32)
    top = np.sort(np.concatenate([relevant, library]))[::-1][:50]
    keep = cutoff_count(top, np.concatenate([library[:2000], relevant]), population=5005)
    assert 5 <= keep <= 8, keep


def test_cutoff_returns_nothing_when_nothing_stands_out() -> None:
    rng = np.random.default_rng(1)
    library = rng.normal(0.2, 0.03, 5000).astype(np.float32)
    top = np.sort(library)[::-1][:50]
    assert cutoff_count(top, library[:2000], population=5000) <= 4


def test_cutoff_always_keeps_the_query_photo() -> None:
    scores = np.array([1.0, 0.5, 0.49], np.float32)
    sample = np.array([0.9] * 20 + [0.1] * 20, np.float32)
    assert cutoff_count(scores, sample, skip_top=1) >= 1


def test_cutoff_keeps_near_duplicates_even_in_a_crowded_library() -> None:
    sample = np.random.default_rng(2).normal(0.95, 0.02, 500).astype(np.float32)
    scores = np.array([1.0, 0.985, 0.97, 0.96], np.float32)
    assert cutoff_count(scores, sample, population=500) == 2


def test_a_weight_that_is_not_a_sane_number_is_one_clear_error() -> None:
    """A 400-digit weight overflowed to infinity and every score became NaN (printed as `NaN`,
    which is not JSON); the window's search box goes through the same parser."""
    import pytest

    from photoindex.core.types import PhotoindexError

    assert parse_query("2:sunset")[0].weight == 2.0
    for bad in ("9" * 400 + ":sunset", "1001:sunset"):
        with pytest.raises(PhotoindexError, match="weight"):
            parse_query(f"beach + {bad}")


def _names():
    from photoindex.core.textmatch import NameIndex

    rows = [(1, "/p/2019 제주도 여행", "바다.jpg"), (2, "/p/2019 제주도 여행", "귤.jpg"), (3, "/p/가족", "IMG_1005.jpg"),
            (4, "/p/Beach Days", "beach.jpg"), (5, "/p/x", "IMG_1006.jpg")]
    return NameIndex.build(rows, ["/p"], [(7, "민지"), (8, "Kim Seoyeon")])


def test_names_leave_the_query_for_filters_and_the_rest_goes_to_clip() -> None:
    from photoindex.core.search import plan_query

    names = _names()
    plan = plan_query(parse_query("민지 바닷가"), names)
    assert plan.people == [{7}] and [t.text for t in plan.clip_terms] == ["바닷가"]
    plan = plan_query(parse_query("민지의 사진"), names)  # 민지's photos: nothing left for CLIP
    assert plan.people == [{7}] and plan.clip_terms == []
    plan = plan_query(parse_query("제주도에서 찍은 사진"), names)  # a folder's words stay: they mean something
    assert [m.label for ms in plan.boosts for m in ms] == ["2019 제주도 여행"]
    assert [t.text for t in plan.clip_terms] == ["제주도에서 찍은 사진"]
    plan = plan_query(parse_query("IMG_1005 + 2:sunset"), names)  # a camera file name means nothing to CLIP
    assert [(m.kind, m.label) for ms in plan.boosts for m in ms] == [("filename", "IMG_1005")]
    assert [(t.text, t.weight) for t in plan.clip_terms] == [("sunset", 2.0)]
    plan = plan_query(parse_query("beach"), names)  # 'Beach Days' (beach.jpg: only camera-like words name files)
    assert {(m.kind, m.label) for ms in plan.boosts for m in ms} == {("folder", "Beach Days")}
    assert [t.text for t in plan.clip_terms] == ["beach"]
    plan = plan_query(parse_query("kim seoyeon + 바다 - 민지"), names)
    assert plan.people == [{8}] and plan.excluded_people == {7}
    assert [(t.text, t.weight) for t in plan.clip_terms] == [("바다", 1.0)]  # 민지 leaves out her photos


def test_queries_without_names_plan_exactly_as_parsed() -> None:
    from photoindex.core.search import plan_query

    names = _names()
    for query in ("강아지 + 2:노을 - 사람", "dog in the park at sunset - people", "해변의 일몰 - 사람", "img"):
        terms = parse_query(query)
        plan = plan_query(terms, names)
        assert plan.matches == [] and plan.clip_terms == terms and not plan.people and not plan.boosts, query
