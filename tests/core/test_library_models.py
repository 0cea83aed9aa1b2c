"""The Library's model API for the window: status with sizes, one download with progress and
cancel, and a folder of model files. Against a fake hub on loopback serving the real YuNet."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from huggingface_hub import constants as hub_constants

from photoindex.core.library import Library
from photoindex.core.models import weights
from photoindex.core.models.registry import YUNET
from photoindex.core.types import DownloadCancelled, DownloadProgress, ModelUnavailable
from tests.conftest import SHARED_ASSETS
from tests.fakehub import fake_hub

YUNET_BYTES = (SHARED_ASSETS / "models" / "yunet" / YUNET.filename).read_bytes() if SHARED_ASSETS.exists() else b""
needs_assets = pytest.mark.skipif(not YUNET_BYTES, reason="needs ../shared/assets")


@pytest.fixture
def lib(tmp_path: Path, tiny_settings, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    (tmp_path / "empty").mkdir()
    monkeypatch.setattr(weights, "auto_download", True)  # a window in this process turns it off
    library = Library(tiny_settings.with_(faces=True, models_dir=tmp_path / "empty", file=tmp_path / "settings.toml"))
    yield library
    library.close()


@needs_assets
def test_status_download_with_progress_and_cancel(lib: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    status = {m.what: m for m in lib.models_status()}
    assert status["clip"].present and status["dino"].present, "random weights need no files"
    assert not status["faces"].present and status["faces"].missing_bytes == YUNET.size
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    monkeypatch.setattr(hub_constants, "HF_HUB_OFFLINE", False)  # read by the hub once, at import
    with fake_hub({(YUNET.repo, YUNET.filename): YUNET_BYTES}) as hub:
        hub.commit = YUNET.revision
        monkeypatch.setenv("HF_ENDPOINT", hub.url)
        cancel = threading.Event()
        cancel.set()
        with pytest.raises(DownloadCancelled):
            lib.download_models(lambda p: None, cancel)
        seen: list[DownloadProgress] = []
        lib.download_models(seen.append, threading.Event())
    assert seen[-1].finished and seen[-1].done == seen[-1].total == len(YUNET_BYTES)
    assert all(m.present for m in lib.models_status())


@needs_assets
def test_model_files_from_a_folder(lib: Library, tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailable, match="YuNet"):
        lib.use_model_files_from(tmp_path / "empty")
    status = lib.use_model_files_from(SHARED_ASSETS / "models")
    assert all(m.present for m in status)
    assert lib.settings.models_dir == (SHARED_ASSETS / "models").resolve()
    assert "models_dir" in (tmp_path / "settings.toml").read_text(encoding="utf-8")
    wrong = tmp_path / "wrong"
    wrong.mkdir()
    (wrong / YUNET.filename).write_bytes(b"not the detector")
    with pytest.raises(ModelUnavailable, match="sha256"):
        lib.use_model_files_from(wrong)
