"""Settings: folders, CLIP model, device, threads, thumbnail size.

The choices are written to the settings file that the command line reads too
(photoindex.config.save_settings_file); QSettings keeps only window geometry and view state.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QLocale, QSettings
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
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from photoindex.config import SettingsError, save_settings_file

DEVICES = ("auto", "cpu", "cuda", "mps")


def qsettings() -> QSettings:
    """Window geometry and view state only; settings live in the shared settings file."""
    return QSettings("photoindex", "photoindex")


class SettingsDialog(QDialog):
    def __init__(self, library: Any, thumb_size: int, parent: QWidget | None = None,
                 roots: list[str] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Settings"))
        self.library = library
        s = library.settings
        self.folders = QListWidget()
        # The window passes the folders it already read: the GUI thread never reads the catalog.
        self.folders.addItems(library.roots() if roots is None else roots)
        add, remove = QPushButton(self.tr("Add…")), QPushButton(self.tr("Remove"))
        add.clicked.connect(self._add)
        remove.clicked.connect(self._remove)
        self.removed: list[str] = []
        self.added: list[str] = []
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        self.clip = QComboBox()
        self.clip_details = QLabel()
        self.clip_details.setWordWrap(True)
        self.clip_details.setEnabled(False)  # the palette's quiet text colour
        titles = {
            "xlm-roberta-base-ViT-B-32": self.tr("Multilingual (Korean, English and 100 more), fast"),
            "ViT-B-16-SigLIP-i18n-256": self.tr("Multilingual SigLIP, better, slower (for a GPU)"),
            "nllb-clip-base-siglip": self.tr("NLLB-CLIP, best for Korean, slowest (for a GPU)"),
            "ViT-B-32": self.tr("English only, fast (photoindex 0.x)"),
        }
        locale = QLocale()
        self._choices = {}
        for c in library.models.choices():
            size = locale.formattedDataSize(c.size, 1, QLocale.DataSizeFormat.DataSizeSIFormat)
            self.clip.addItem(self.tr("{title} · {size}").format(title=titles.get(c.name, c.title), size=size),
                              (c.name, c.pretrained))
            self._choices[(c.name, c.pretrained)] = c
        current = next((i for i in range(self.clip.count())
                        if tuple(self.clip.itemData(i)) == (s.clip_model, s.clip_pretrained)), -1)
        if current < 0:
            self.clip.addItem(f"{s.clip_model} · {s.clip_pretrained}", (s.clip_model, s.clip_pretrained))
            current = self.clip.count() - 1
        self.clip.currentIndexChanged.connect(self._show_clip_details)
        self.clip.setCurrentIndex(current)
        self._show_clip_details()
        device_labels = [self.tr("Automatic"), self.tr("CPU"), self.tr("GPU (CUDA)"), self.tr("GPU (Apple)")]
        self.device = QComboBox()
        for label, value in zip(device_labels, DEVICES, strict=True):
            self.device.addItem(label, value)
        self.device.setCurrentIndex(DEVICES.index(s.device) if s.device in DEVICES else 0)
        self.threads = QSpinBox()
        self.threads.setRange(0, 256)
        self.threads.setSpecialValueText(self.tr("All cores"))
        self.threads.setValue(s.threads)
        self.thumb = QSpinBox()
        self.thumb.setRange(96, 400)
        self.thumb.setSingleStep(16)
        self.thumb.setValue(thumb_size)
        self.language = QComboBox()
        # Each language is named in itself, as language menus do; "System" follows the system locale.
        for label, value in ((self.tr("System"), "system"), ("English", "en"), ("한국어", "ko")):
            self.language.addItem(label, value)
        self.language.setCurrentIndex(max(0, self.language.findData(getattr(s, "language", "system"))))
        self.language.setToolTip(self.tr("The window's language; it changes the next time photoindex starts"))
        self.faces = QCheckBox(self.tr("Recognise faces and group them into people"))
        self.faces.setChecked(s.faces)
        self.faces.setToolTip(self.tr("Turning this off deletes every face, person and face crop from the catalog"))
        self._initial = self._values()
        form = QFormLayout()
        form.addRow(self.tr("People"), self._with_source(self.faces, "faces"))
        form.addRow(self.tr("CLIP model"), self._with_source(self.clip, "clip_model"))
        form.addRow("", self.clip_details)
        form.addRow(self.tr("Device"), self._with_source(self.device, "device"))
        form.addRow(self.tr("CPU threads"), self._with_source(self.threads, "threads"))
        form.addRow(self.tr("Thumbnail size"), self.thumb)
        form.addRow(self.tr("Language"), self._with_source(self.language, "language"))
        note = QLabel(self.tr("A new language, model, device or thread count applies the next time photoindex "
                              "starts; "
                              "photos are embedded again for a new model. These settings are shared with "
                              "the photoindex command."))
        note.setWordWrap(True)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("<b>Photo folders</b>")))
        layout.addWidget(self.folders)
        layout.addLayout(buttons)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(box)

    def _with_source(self, widget: QWidget, name: str) -> QWidget:
        """The widget, with a note when this run's value comes from the command line or the
        environment: what is chosen here is saved, but that value wins while it is given."""
        settings = self.library.settings
        source = settings.source(name) if hasattr(settings, "source") else "code"
        if source not in ("argv", "environment"):
            return widget
        origin = settings.describe()[name]["from"] if hasattr(settings, "describe") else name
        if source == "argv":
            text = self.tr("This run uses %1 from the command line; a choice here applies when it is not given.")
        else:
            text = self.tr("This run uses %1 from the environment; a choice here applies when it is not set.")
        label = QLabel(text.replace("%1", str(origin)))
        label.setWordWrap(True)
        label.setEnabled(False)
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(widget)
        column.addWidget(label)
        return holder

    def _show_clip_details(self) -> None:
        c = self._choices.get(tuple(self.clip.currentData() or ()))
        if c is None:
            self.clip_details.setText(self.tr("A model photoindex does not list: its files come from "
                                              "the models folder."))
            return
        locale = QLocale()

        def recall(value: float | None) -> str:
            return locale.toString(value * 100, "f", 1) + "%" if value is not None else self.tr("not published")

        self.clip_details.setText(self.tr(
            "{name} ({tag}): download {size}. Finds the right photo first for {ko} of Korean and {en} of English "
            "descriptions (Crossmodal-3600, recall@1). Speed of indexing: {speed}."
        ).format(name=c.name, tag=c.pretrained, ko=recall(c.recall_ko), en=recall(c.recall_en),
                 size=locale.formattedDataSize(c.size, 1, QLocale.DataSizeFormat.DataSizeSIFormat),
                 speed=self._speed(c.name)))

    def _speed(self, name: str) -> str:
        return {
            "ViT-B-16-SigLIP-i18n-256": self.tr("about 6 times slower than the default"),
            "nllb-clip-base-siglip": self.tr("about 14 times slower than the default"),
        }.get(name, self.tr("fast on a CPU"))

    def _values(self) -> dict[str, Any]:
        model, tag = self.clip.currentData()
        return {
            "clip_model": model,
            "clip_pretrained": tag,
            "device": self.device.currentData(),
            "threads": self.threads.value(),
            "thumb_size": self.thumb.value(),
            "faces": self.faces.isChecked(),
            "language": self.language.currentData(),
        }

    def _add(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Add a photo folder"))
        if folder:
            self.folders.addItem(folder)
            self.added.append(folder)

    def _remove(self) -> None:
        for item in self.folders.selectedItems():
            self.removed.append(item.text())
            self.folders.takeItem(self.folders.row(item))

    def changes(self) -> dict[str, Any]:
        """What the user changed in the dialog (only that is written: a value given on the
        command line or in the environment for this run is not made permanent by pressing OK)."""
        now = self._values()
        changed = {k: v for k, v in now.items() if v != self._initial.get(k)}
        if "clip_model" in changed or "clip_pretrained" in changed:
            changed["clip_model"], changed["clip_pretrained"] = now["clip_model"], now["clip_pretrained"]
        return changed

    def save(self) -> bool:
        """Write the changes to the shared settings file. False (and a message) if it failed."""
        changes = self.changes()
        if not changes:
            return True
        try:
            save_settings_file(changes, getattr(self.library.settings, "file", None))
        except (SettingsError, OSError) as exc:
            import logging

            logging.getLogger(__name__).exception("saving settings")
            QMessageBox.warning(self, self.tr("photoindex"),
                                self.tr("The settings could not be saved: %1").replace("%1", str(exc)))
            return False
        return True

    def faces_turned_off(self) -> bool:
        return bool(self.library.settings.faces and not self.faces.isChecked())
