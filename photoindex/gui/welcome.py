"""Small pages of the window: the first-run welcome and the failures list."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


class WelcomePage(QWidget):
    folder_chosen = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        title = QLabel("<h1>Welcome to photoindex</h1>")
        text = QLabel(
            "Add the folders where your photos live. photoindex reads them (it never changes them),\n"
            "learns what each photo shows, and then finds any of them from a few words.\n\n"
            "Choose a folder, or drag one onto this window."
        )
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        button = QPushButton("Add a photo folder…")
        button.setDefault(True)
        button.clicked.connect(self._choose)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        for w in (title, text):
            w.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(w)
        layout.addWidget(button, 0, Qt.AlignmentFlag.AlignCenter)
        self.note = QLabel("")
        self.note.setWordWrap(True)
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.note)
        layout.addStretch(2)

    def _choose(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Add a photo folder")
        if folder:
            self.folder_chosen.emit(folder)


class FailuresPanel(QWidget):
    """Photos that could not be read, with their reasons."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.title = QLabel()
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels(["Photo", "Why it could not be read"])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.table)
        self.set_failures([])

    def set_failures(self, failures: list) -> None:
        self.table.setRowCount(len(failures))
        for row, f in enumerate(failures):
            self.table.setItem(row, 0, QTableWidgetItem(f.path))
            self.table.setItem(row, 1, QTableWidgetItem(f.reason))
        self.title.setText(
            f"<b>{len(failures)} photos could not be read</b>" if failures else "<b>Every photo could be read.</b>"
        )

    def reasons(self) -> dict[str, str]:
        return {self.table.item(r, 0).text(): self.table.item(r, 1).text() for r in range(self.table.rowCount())}
