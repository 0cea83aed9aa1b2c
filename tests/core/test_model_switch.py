"""Another CLIP model is a deliberate switch: the new vectors are made in the background (over
several runs if need be) while search keeps answering from the old ones, then replace them at
once. DINOv2 vectors are untouched. Real tiny open_clip architectures with random weights."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from photoindex.core.library import Library
from photoindex.core.pipeline import Control
from tests.photos import save_jpeg, scene

OTHER = "photoindex-tiny-b"


@pytest.fixture
def other_clip_model():
    """A second toy CLIP architecture (32-d vectors instead of 64), registered like the first."""
    from open_clip.factory import _MODEL_CONFIGS

    from photoindex.core.models import clip

    cfg = {**clip._TINY_CFG, "embed_dim": 32}
    _MODEL_CONFIGS[OTHER] = cfg
    yield OTHER
    _MODEL_CONFIGS.pop(OTHER, None)


def _photos(root: Path, n: int = 8) -> None:
    for i in range(n):
        save_jpeg(root / f"p{i}.jpg", scene(i))


def _run(lib: Library, stop_after_photos: int | None = None):
    control = Control()
    gen = lib.index(control=control)
    while True:
        try:
            p = next(gen)
        except StopIteration as stop:
            return stop.value
        if stop_after_photos is not None and p.phase == "embed" and p.done >= stop_after_photos:
            control.cancel()


def _dino_rows(lib: Library) -> list[tuple]:
    return lib.catalog().conn.execute(
        "SELECT photo_id, seq, vector FROM embeddings WHERE space = 'dino' ORDER BY photo_id").fetchall()


def test_switching_clip_model_keeps_search_working_until_the_new_vectors_are_complete(
    tmp_path: Path, tiny_settings, other_clip_model
) -> None:
    _photos(tmp_path / "photos")
    lib = Library(tiny_settings.with_(batch_size=2))
    lib.add_root(tmp_path / "photos")
    _run(lib)
    old_key = lib.catalog().model_key("clip")
    dino_before = _dino_rows(lib)
    before = [h.photo_id for h in lib.search("red squares", cutoff=False, k=8)]
    assert len(before) == 8
    lib.close()

    # The user picks another CLIP model; the first run is stopped after a few photos.
    lib = Library(tiny_settings.with_(batch_size=2, clip_model=other_clip_model))
    new_key = lib.embedder("clip").model_key
    assert new_key != old_key
    report = _run(lib, stop_after_photos=2)
    assert report.cancelled
    status = lib.status()
    assert status["models"]["clip"] == old_key
    assert status["switching"]["clip"]["to"] == new_key
    assert 0 < status["switching"]["clip"]["done"] < status["switching"]["clip"]["of"] == 8
    # Search still answers, from the old vectors, with a query embedded by the old model.
    assert [h.photo_id for h in lib.search("red squares", cutoff=False, k=8)] == before
    assert lib.query_embedder("clip").model_key == old_key
    assert lib.vector_index("clip").search(np.ones(64, np.float32) / 8, 3)[0].size == 3

    # The next run finishes the switch: new vectors replace the old ones at once.
    report = _run(lib)
    assert not report.cancelled and any("switched to" in w for w in report.warnings)
    cat = lib.catalog()
    assert cat.model_key("clip") == new_key and cat.target_key("clip") is None
    assert cat.conn.execute("SELECT count(*) FROM staged_embeddings").fetchone()[0] == 0
    _ids, matrix = cat.vectors("clip")
    assert matrix.shape == (8, 32)
    hits = lib.search("red squares", cutoff=False, k=8)
    assert len(hits) == 8 and lib.query_embedder("clip").model_key == new_key
    assert _dino_rows(lib) == dino_before, "DINOv2 vectors are untouched by a CLIP switch"
    assert "switching" not in lib.status() or not lib.status()["switching"]
    lib.close()


def test_choosing_the_old_model_again_drops_the_staged_vectors(tmp_path: Path, tiny_settings, other_clip_model) -> None:
    _photos(tmp_path / "photos", 6)
    lib = Library(tiny_settings.with_(batch_size=2))
    lib.add_root(tmp_path / "photos")
    _run(lib)
    old_key = lib.catalog().model_key("clip")
    lib.close()
    lib = Library(tiny_settings.with_(batch_size=2, clip_model=other_clip_model))
    _run(lib, stop_after_photos=2)
    assert lib.catalog().target_key("clip") is not None
    lib.close()
    lib = Library(tiny_settings.with_(batch_size=2))
    report = _run(lib)
    cat = lib.catalog()
    assert cat.model_key("clip") == old_key and cat.target_key("clip") is None
    assert cat.conn.execute("SELECT count(*) FROM staged_embeddings").fetchone()[0] == 0
    assert report.embedded == 0, "nothing is embedded again"
    lib.close()


def test_the_window_follows_a_model_chosen_in_the_settings_file(tmp_path: Path, other_clip_model) -> None:
    """The Settings dialog writes the shared file; the running library picks the model up (what
    the command line set still wins), and the next index run switches to it."""
    from photoindex.config import resolve_settings, save_settings_file
    from tests.conftest import SHARED_ASSETS

    file = tmp_path / "settings.toml"
    save_settings_file({"clip_model": "photoindex-tiny"}, file)
    argv = {"library_dir": tmp_path / "library", "weights": "random", "dino_model": "photoindex-tiny",
            "faces": False, "threads": 2}
    settings = resolve_settings(argv, environ={"PHOTOINDEX_MODELS_DIR": str(SHARED_ASSETS / "models")}, file=file)
    lib = Library(settings)
    before = lib.embedder("clip").model_key
    assert lib.reload_settings() == set()
    save_settings_file({"clip_model": other_clip_model, "threads": 1}, file)
    assert lib.reload_settings() == {"clip_model"}, "threads came from the command line: it stays"
    assert lib.settings.threads == 2
    assert lib.embedder("clip").model_key != before and other_clip_model in lib.embedder("clip").model_key
    lib.close()
