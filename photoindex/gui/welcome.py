"""The first-run page: choose photo folders (a dialog, or drag a folder onto the window)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QFileDialog, QLabel, QPushButton, QVBoxLayout, QWidget


class WelcomePage(QWidget):
    folder_chosen = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        from photoindex.gui.app import icon_path

        logo = QLabel()
        logo.setPixmap(QIcon(str(icon_path())).pixmap(96, 96))
        title = QLabel("<h1>" + self.tr("Welcome to photoindex") + "</h1>")
        text = QLabel(self.tr(
            "Add the folders where your photos live. photoindex reads them — it never changes them —\n"
            "learns what each photo shows, and then finds any of them from a few words.\n\n"
            "Choose a folder, or drag one onto this window."
        ))
        button = QPushButton(self.tr("Add a photo folder…"))
        button.setDefault(True)
        button.setMinimumHeight(34)
        button.clicked.connect(self._choose)
        privacy = QLabel(self.tr("Everything stays on this computer. The search models are downloaded once; "
                                 "your photos can be browsed meanwhile."))
        privacy.setEnabled(False)  # the palette's quiet text colour, in light and dark themes
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        for w in (logo, title, text):
            w.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(w)
        layout.addSpacing(12)
        layout.addWidget(button, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addSpacing(12)
        privacy.setAlignment(Qt.AlignmentFlag.AlignCenter)
        privacy.setWordWrap(True)
        layout.addWidget(privacy)
        self.note = QLabel("")
        self.note.setWordWrap(True)
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.note)
        layout.addStretch(2)

    def _choose(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Add a photo folder"))
        if folder:
            self.folder_chosen.emit(folder)
