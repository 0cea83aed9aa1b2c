"""The models in the window: the model choices in Settings, and the first-run panel (download
with a real progress bar against a fake hub on loopback, cancel and resume, retry, a folder of
model files)."""

from __future__ import annotations

from pathlib import Path

from photoindex.core.library import Library


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
