"""Photos that could not be read, with their reasons."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QHeaderView, QLabel, QMenu, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget


def _reasons() -> dict[str, str]:
    """The core's fixed reasons (core/imageio.py, stored in the catalog in English), in the window's
    language. A reason with details in it (an OS error, a size) is shown as the core wrote it."""
    return {
        "permission denied: the file cannot be read": QCoreApplication.translate(
            "FailuresPanel", "permission denied: the file cannot be read"),
        "file disappeared before it could be read": QCoreApplication.translate(
            "FailuresPanel", "file disappeared before it could be read"),
        "empty file (0 bytes)": QCoreApplication.translate("FailuresPanel", "empty file (0 bytes)"),
        "is a folder, not a file": QCoreApplication.translate("FailuresPanel", "is a folder, not a file"),
        "not an image, or a format photoindex cannot read": QCoreApplication.translate(
            "FailuresPanel", "not an image, or a format photoindex cannot read"),
        "image too large to decode in memory": QCoreApplication.translate(
            "FailuresPanel", "image too large to decode in memory"),
        "truncated file: the image data ends early": QCoreApplication.translate(
            "FailuresPanel", "truncated file: the image data ends early"),
    }


def reason_text(reason: str) -> str:
    return _reasons().get(reason, reason)


class FailuresPanel(QWidget):
    reveal_requested = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.title = QLabel()
        self.hint = QLabel(self.tr("These files look like photos but could not be read. They are skipped; fix or "
                                   "replace them and they are picked up by the next scan. Right-click a row to copy "
                                   "its path."))
        self.hint.setWordWrap(True)
        self.hint.setEnabled(False)
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels([self.tr("Photo"), self.tr("Why it could not be read")])
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._menu)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.hint)
        layout.addWidget(self.table)
        self.set_failures([])

    def set_failures(self, failures: list) -> None:
        self.table.setRowCount(len(failures))
        for row, f in enumerate(failures):
            path = QTableWidgetItem(f.path)
            path.setToolTip(f.path)
            reason = QTableWidgetItem(reason_text(f.reason))
            reason.setToolTip(reason.text())
            self.table.setItem(row, 0, path)
            self.table.setItem(row, 1, reason)
        self.title.setText("<h3>{}</h3>".format(
            self.tr("%Ln files could not be read", "", len(failures)) if failures
            else self.tr("Every photo could be read.")))

    def reasons(self) -> dict[str, str]:
        return {self.table.item(r, 0).text(): self.table.item(r, 1).text() for r in range(self.table.rowCount())}

    def _menu(self, pos) -> None:
        item = self.table.itemAt(pos)
        if item is None:
            return
        path = self.table.item(item.row(), 0).text()
        menu = QMenu(self)
        menu.addAction(self.tr("Copy path"), lambda: QGuiApplication.clipboard().setText(path))
        menu.addAction(self.tr("Reveal in file manager"), lambda: self.reveal_requested.emit(path))
        menu.popup(self.table.viewport().mapToGlobal(pos))
