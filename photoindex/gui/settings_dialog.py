"""Settings: folders, CLIP model, device, threads, thumbnail size (kept in QSettings)."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

CLIP_CHOICES = [
    ("ViT-B-32 · laion2b_s34b_b79k (English, fast)", "ViT-B-32", "laion2b_s34b_b79k"),
    ("xlm-roberta-base-ViT-B-32 · laion5b (multilingual: 한국어 and more)", "xlm-roberta-base-ViT-B-32", "laion5b_s13b_b90k"),
    ("ViT-L-14 · laion2b_s32b_b82k (best, slow without a GPU)", "ViT-L-14", "laion2b_s32b_b82k"),
]
DEVICES = [("Automatic", "auto"), ("CPU", "cpu"), ("GPU (CUDA)", "cuda"), ("GPU (Apple)", "mps")]


def qsettings() -> QSettings:
    return QSettings("photoindex", "photoindex")


def apply_saved(settings):
    """Settings with the user's saved choices applied (env and command line still win for tests)."""
    import os

    qs = qsettings()
    changes = {}
    if "PHOTOINDEX_CLIP_MODEL" not in os.environ and qs.value("clip_model"):
        changes["clip_model"] = str(qs.value("clip_model"))
        changes["clip_pretrained"] = str(qs.value("clip_pretrained", settings.clip_pretrained))
    if "PHOTOINDEX_DEVICE" not in os.environ and qs.value("device"):
        changes["device"] = str(qs.value("device"))
    if "PHOTOINDEX_FACES" not in os.environ and qs.value("faces") is not None:
        changes["faces"] = str(qs.value("faces")).lower() in ("true", "1")
    if "PHOTOINDEX_THREADS" not in os.environ and qs.value("threads"):
        changes["threads"] = int(qs.value("threads"))
    return settings.with_(**changes) if changes else settings


class SettingsDialog(QDialog):
    def __init__(self, library, thumb_size: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.library = library
        s = library.settings
        self.folders = QListWidget()
        self.folders.addItems(library.roots())
        add, remove = QPushButton("Add…"), QPushButton("Remove")
        add.clicked.connect(self._add)
        remove.clicked.connect(self._remove)
        self.removed: list[str] = []
        self.added: list[str] = []
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        self.clip = QComboBox()
        for label, model, tag in CLIP_CHOICES:
            self.clip.addItem(label, (model, tag))
        current = next((i for i, c in enumerate(CLIP_CHOICES) if c[1] == s.clip_model), -1)
        if current < 0:
            self.clip.addItem(f"{s.clip_model} · {s.clip_pretrained}", (s.clip_model, s.clip_pretrained))
            current = self.clip.count() - 1
        self.clip.setCurrentIndex(current)
        self.device = QComboBox()
        for label, value in DEVICES:
            self.device.addItem(label, value)
        values = [d[1] for d in DEVICES]
        self.device.setCurrentIndex(values.index(s.device) if s.device in values else 0)
        self.threads = QSpinBox()
        self.threads.setRange(0, 256)
        self.threads.setSpecialValueText("All cores")
        self.threads.setValue(s.threads)
        self.thumb = QSpinBox()
        self.thumb.setRange(96, 400)
        self.thumb.setSingleStep(16)
        self.thumb.setValue(thumb_size)
        self.faces = QCheckBox("Recognise faces and group them into people")
        self.faces.setChecked(s.faces)
        self.faces.setToolTip("Turning this off deletes every face, person and face crop from the catalog")
        form = QFormLayout()
        form.addRow("People", self.faces)
        form.addRow("CLIP model", self.clip)
        form.addRow("Device", self.device)
        form.addRow("CPU threads", self.threads)
        form.addRow("Thumbnail size", self.thumb)
        note = QLabel("A new model, device or thread count applies the next time photoindex starts; "
                      "photos are embedded again for a new model.")
        note.setWordWrap(True)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<b>Photo folders</b>"))
        layout.addWidget(self.folders)
        layout.addLayout(buttons)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(box)

    def _add(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Add a photo folder")
        if folder:
            self.folders.addItem(folder)
            self.added.append(folder)

    def _remove(self) -> None:
        for item in self.folders.selectedItems():
            self.removed.append(item.text())
            self.folders.takeItem(self.folders.row(item))

    def save(self) -> None:
        qs = qsettings()
        model, tag = self.clip.currentData()
        qs.setValue("clip_model", model)
        qs.setValue("clip_pretrained", tag)
        qs.setValue("device", self.device.currentData())
        qs.setValue("threads", self.threads.value())
        qs.setValue("thumb_size", self.thumb.value())
        qs.setValue("faces", self.faces.isChecked())

    def faces_turned_off(self) -> bool:
        return self.library.settings.faces and not self.faces.isChecked()
