"""A library without its models (offline, before the first download) is still scanned and
browsable; the first run after the models arrive embeds what is missing. A library built with
the old English CLIP switches to the multilingual one in the background."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from photoindex.core.library import Library
from photoindex.core.pipeline import Control
from tests.photos import save_jpeg, scene


def _run(lib: Library, stop_after: int | None = None):
    control = Control()
    gen = lib.index(control=control)
    while True:
        try:
            p = next(gen)
        except StopIteration as stop:
            return stop.value
        if stop_after is not None and p.phase == "embed" and p.done >= stop_after:
            control.cancel()


def test_without_models_photos_are_browsable_and_embedded_once_the_models_arrive(
    tmp_path: Path, tiny_settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    for i in range(5):
        save_jpeg(tmp_path / "photos" / f"p{i}.jpg", scene(i))
    offline = tiny_settings.with_(weights="pretrained", clip_model="xlm-roberta-base-ViT-B-32",
                                  clip_pretrained="laion5b_s13b_b90k", models_dir=tmp_path / "no-models")
    lib = Library(offline)
    lib.add_root(tmp_path / "photos")
    report = _run(lib)
    assert report.models_missing and "HF_HUB_OFFLINE" in report.models_missing
    assert report.browsable == 5 and report.embedded == 0
    assert any("search is not available yet" in w for w in report.warnings)
    cat = lib.catalog()
    rows = cat.conn.execute("SELECT id, status, width, taken_at FROM photos").fetchall()
    assert len(rows) == 5 and {r[1] for r in rows} == {"ok"} and all(r[2] for r in rows)
    assert all(Path(lib.thumbnail_path(r[0])).exists() for r in rows), "thumbnails for browsing"
    assert cat.conn.execute("SELECT count(*) FROM embeddings").fetchone()[0] == 0
    assert len(lib.browse()) == 5
    lib.close()

    arrived = Library(offline.with_(weights="random", clip_model="photoindex-tiny-m"))  # the models are here
    report = _run(arrived)
    assert report.embedded == 5 and not report.models_missing
    counts = dict(arrived.catalog().conn.execute("SELECT space, count(*) FROM embeddings GROUP BY space").fetchall())
    assert counts == {"clip": 5, "dino": 5}
    sources = arrived.catalog().get_meta("model_sources:open_clip:photoindex-tiny-m:random")
    assert sources == "random"
    assert arrived.search("바닷가 강아지", k=3, cutoff=False)
    arrived.close()


def test_an_english_clip_library_switches_to_the_multilingual_one_in_the_background(
    tmp_path: Path, tiny_settings
) -> None:
    for i in range(6):
        save_jpeg(tmp_path / "photos" / f"p{i}.jpg", scene(i))
    english = Library(tiny_settings.with_(batch_size=2))  # photoindex-tiny: open_clip's own English tower
    english.add_root(tmp_path / "photos")
    _run(english)
    old_key = english.catalog().model_key("clip")
    dino_before = english.catalog().conn.execute("SELECT photo_id, vector FROM embeddings WHERE space='dino'").fetchall()
    english.close()

    lib = Library(tiny_settings.with_(batch_size=2, clip_model="photoindex-tiny-m"))
    report = _run(lib, stop_after=2)
    assert report.cancelled
    assert lib.catalog().model_key("clip") == old_key, "search still answers from the old vectors"
    assert lib.query_embedder("clip").model_key == old_key
    hits = lib.search("바닷가의 강아지", k=6, cutoff=False)
    assert len(hits) == 6, "a Korean query is answered (by the old model) while the switch goes on"
    _run(lib)
    assert lib.catalog().model_key("clip") == "open_clip:photoindex-tiny-m:random"
    assert lib.query_embedder("clip").model_key == "open_clip:photoindex-tiny-m:random"
    assert len(lib.search("바닷가의 강아지", k=6, cutoff=False)) == 6
    dino_after = lib.catalog().conn.execute("SELECT photo_id, vector FROM embeddings WHERE space='dino'").fetchall()
    assert dino_after == dino_before, "DINOv2 vectors are untouched"
    lib.close()


def test_the_old_english_model_is_still_known_with_its_pinned_revision(tmp_path: Path, tiny_settings) -> None:
    lib = Library(tiny_settings)
    with lib.writer.transaction() as cat:
        cat.set_model("clip", "open_clip:ViT-B-32:laion2b_s34b_b79k", 512)
    old = lib.query_embedder("clip")
    assert old.model_key == "open_clip:ViT-B-32:laion2b_s34b_b79k"
    assert old.choice is not None and old.choice.weights[0].revision == "1a25a446712ba5ee05982a381eed697ef9b435cf"
    assert np.isclose(old.choice.recall_en or 0, 0.476)
    lib.close()
