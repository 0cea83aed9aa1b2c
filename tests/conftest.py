"""Shared fixtures. No test needs the network: models are the real architectures with random
weights (toy-size configurations where the model is not what is under test)."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ["PHOTOINDEX_WEIGHTS"] = "random"
# Never the user's settings file or log: one private pair for the whole run (tests that check the
# file or the log set their own).
import tempfile  # noqa: E402

_PRIVATE = tempfile.mkdtemp(prefix="photoindex-tests-")
os.environ["PHOTOINDEX_CONFIG"] = os.path.join(_PRIVATE, "settings.toml")
os.environ["PHOTOINDEX_LOG_DIR"] = os.path.join(_PRIVATE, "log")

# One QApplication for the whole run, made before any test loads torch, the tokenizers, kiwipiepy,
# OpenCV or dlib. Made late instead (the first window test comes after ~240 core and CLI tests),
# its constructor aborted the whole run in CI (SIGABRT inside pytest-qt's qapp, twice, at the same
# test; never when those tests ran without ./test.sh). pytest-qt's qapp uses this instance.
from PySide6.QtWidgets import QApplication  # noqa: E402

_QAPP = QApplication.instance() or QApplication(["photoindex-tests"])
os.environ["XDG_CACHE_HOME"] = os.path.join(_PRIVATE, "cache")  # thumbnails are a cache: never the user's

import pytest  # noqa: E402

PROJECT = Path(__file__).resolve().parent.parent
SHARED_ASSETS = PROJECT.parent / "shared" / "assets"


@pytest.fixture
def tiny_settings(tmp_path: Path):
    """Settings for a library in tmp_path with toy-size real architectures and no faces."""
    from photoindex.config import Settings

    return Settings(
        library_dir=tmp_path / "library",
        weights="random",
        models_dir=SHARED_ASSETS / "models",
        clip_model="photoindex-tiny",
        dino_model="photoindex-tiny",
        faces=False,
        threads=2,
        batch_size=8,
    )


@pytest.fixture
def tiny_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Environment for running the CLI as a subprocess on a tiny-model library."""
    env = dict(os.environ)
    env.update(
        PHOTOINDEX_HOME=str(tmp_path / "library"),
        PHOTOINDEX_WEIGHTS="random",
        PHOTOINDEX_CLIP_MODEL="photoindex-tiny",
        PHOTOINDEX_DINO_MODEL="photoindex-tiny",
        PHOTOINDEX_FACES="0",
        PHOTOINDEX_THREADS="2",
        HF_HUB_OFFLINE="1",
    )
    return env
