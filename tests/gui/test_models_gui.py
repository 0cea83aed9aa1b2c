"""The models in the window: the model choices in Settings, and the first-run panel (download
with a real progress bar against a fake hub on loopback, cancel and resume, retry, a folder of
model files)."""

from __future__ import annotations

from pathlib import Path

import pytest
from huggingface_hub import constants as hub_constants

from photoindex.core.library import Library
from photoindex.core.models.registry import YUNET
from tests.conftest import SHARED_ASSETS
from tests.fakehub import fake_hub


def test_settings_offer_the_models_with_size_languages_and_speed(qtbot, tiny_settings, tmp_path: Path) -> None:
    from photoindex.gui.settings_dialog import SettingsDialog

    settings_file = tmp_path / "settings.toml"
    lib = Library(tiny_settings.with_(clip_model="xlm-roberta-base-ViT-B-32", clip_pretrained="laion5b_s13b_b90k",
                                      file=settings_file))
    dialog = SettingsDialog(lib, 160, roots=[])
    qtbot.addWidget(dialog)
    offered = [tuple(dialog.clip.itemData(i)) for i in range(dialog.clip.count())]
    assert offered == [("xlm-roberta-base-ViT-B-32", "laion5b_s13b_b90k"), ("ViT-B-16-SigLIP-i18n-256", "webli"),
                       ("nllb-clip-base-siglip", "mrl"), ("ViT-B-32", "laion2b_s34b_b79k")]
    assert dialog.clip.currentIndex() == 0
    assert "GB" in dialog.clip.currentText() or "MB" in dialog.clip.currentText(), "the download size is shown"
    assert "43.5%" in dialog.clip_details.text() and "47" in dialog.clip_details.text()
    dialog.clip.setCurrentIndex(1)
    assert "slower" in dialog.clip_details.text() and "47.1%" in dialog.clip_details.text()
    assert dialog.changes() == {"clip_model": "ViT-B-16-SigLIP-i18n-256", "clip_pretrained": "webli"}
    assert dialog.save()
    text = settings_file.read_text(encoding="utf-8")
    assert "ViT-B-16-SigLIP-i18n-256" in text and "webli" in text
    lib.close()


# -- the first-run panel ---------------------------------------------------------------------------

YUNET_BYTES = (SHARED_ASSETS / "models" / "yunet" / YUNET.filename).read_bytes() if SHARED_ASSETS.exists() else b""
needs_assets = pytest.mark.skipif(not YUNET_BYTES, reason="needs ../shared/assets")


@pytest.fixture
def missing_models_library(tmp_path: Path, tiny_settings, monkeypatch: pytest.MonkeyPatch, qsettings_isolated):
    """A library whose only missing model is the face detector (the others: random weights)."""
    from photoindex.core.models import weights

    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setattr(weights, "auto_download", True)  # restored after the panel turns it off
    (tmp_path / "empty").mkdir()
    lib = Library(tiny_settings.with_(faces=True, models_dir=tmp_path / "empty", file=tmp_path / "settings.toml"))
    yield lib
    lib.close()


@needs_assets
def test_first_run_panel_downloads_with_progress_cancel_and_resume(
    qtbot, missing_models_library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hashlib
    import os

    from photoindex.core import library_models
    from photoindex.core.models.registry import ModelFile
    from photoindex.gui.first_run import FirstRunPanel

    # A 2 MB stand-in for the face detector, so that there is time to cancel half-way.
    blob = os.urandom(2_000_000)
    spec = ModelFile(YUNET.repo, YUNET.filename, YUNET.revision, len(blob), hashlib.sha256(blob).hexdigest())
    monkeypatch.setattr(library_models, "YUNET", spec)
    panel = FirstRunPanel(missing_models_library)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitUntil(lambda: panel.state == "ready-to-download", timeout=20000)
    assert "2.0 MB" in panel.text.text(), panel.text.text()
    assert panel.download_btn.isVisible() and panel.folder_btn.isVisible()
    assert "HF_HUB_OFFLINE" not in panel.text.text() and "safetensors" not in panel.text.text()

    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    monkeypatch.setattr(hub_constants, "HF_HUB_OFFLINE", False)
    with fake_hub({(YUNET.repo, YUNET.filename): blob}, delay_s=0.1) as hub:
        hub.commit = YUNET.revision
        monkeypatch.setenv("HF_ENDPOINT", hub.url)
        panel.download()
        assert panel.state == "downloading" and panel.cancel_btn.isVisible() and panel.bar.isVisible()
        qtbot.waitUntil(lambda: panel.bar.value() > 0, timeout=20000)
        assert " of 2.0 MB" in panel.detail.text(), panel.detail.text()
        assert panel.bar.value() < 1000
        panel.cancel()
        qtbot.waitUntil(lambda: panel.state == "paused", timeout=20000)
        assert panel.download_btn.text() == "Resume"
        hub.delay_s = 0.0
        hub.requests.clear()
        with qtbot.waitSignal(panel.models_ready, timeout=30000):
            panel.download_btn.click()
        ranges = [r for m, path, r in hub.requests if m == "GET" and "/resolve/" in path]
        assert ranges and ranges[0] and ranges[0].startswith("bytes="), "resumed, not started again"
    assert not panel.isVisible()
    assert all(m.present for m in missing_models_library.models_status())


@needs_assets
def test_first_run_panel_retry_and_a_folder_of_model_files(
    qtbot, missing_models_library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    from photoindex.gui.first_run import FirstRunPanel

    panel = FirstRunPanel(missing_models_library)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitUntil(lambda: panel.state == "ready-to-download", timeout=20000)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # no connection
    panel.download()
    qtbot.waitUntil(lambda: panel.state == "failed", timeout=20000)
    assert panel.retry_btn.isVisible() and not panel.cancel_btn.isVisible()
    panel.use_folder(str(panel.library.settings.models_dir))  # an empty folder
    qtbot.waitUntil(lambda: panel.state == "folder-failed", timeout=20000)
    assert "YuNet" in panel.text.text()
    with qtbot.waitSignal(panel.models_ready, timeout=20000):
        panel.use_folder(str(SHARED_ASSETS / "models"))
    assert not panel.isVisible()


@needs_assets
def test_the_window_hosts_the_panel_and_embeds_once_the_models_arrive(
    qtbot, missing_models_library: Library
) -> None:
    from photoindex.gui.main_window import MainWindow
    from tests.gui.conftest import record_gui_thread_catalog

    calls = record_gui_thread_catalog(missing_models_library)
    win = MainWindow(missing_models_library)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.first_run.isVisible(), timeout=20000)
    started: list[bool] = []
    win.start_indexing = lambda: started.append(True)  # type: ignore[method-assign]
    with qtbot.waitSignal(win.first_run.models_ready, timeout=20000):
        win.first_run.use_folder(str(SHARED_ASSETS / "models"))
    assert started == [True], "embedding starts by itself when the models arrive"
    assert not win.first_run.isVisible()
    assert calls == []
