"""Photos that could not be read, with their reasons."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QHeaderView, QLabel, QMenu, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget


class FailuresPanel(QWidget):
    reveal_requested = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.title = QLabel()
        self.hint = QLabel("These files look like photos but could not be read. They are skipped; fix or replace "
                           "them and they are picked up by the next scan. Right-click a row to copy its path.")
        self.hint.setWordWrap(True)
        self.hint.setEnabled(False)
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels(["Photo", "Why it could not be read"])
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
            reason = QTableWidgetItem(f.reason)
            reason.setToolTip(f.reason)
            self.table.setItem(row, 0, path)
            self.table.setItem(row, 1, reason)
        self.title.setText(
            f"<h3>{len(failures):,} {'file' if len(failures) == 1 else 'files'} could not be read</h3>"
            if failures else "<h3>Every photo could be read.</h3>"
        )

    def reasons(self) -> dict[str, str]:
        return {self.table.item(r, 0).text(): self.table.item(r, 1).text() for r in range(self.table.rowCount())}

    def _menu(self, pos) -> None:
        item = self.table.itemAt(pos)
        if item is None:
            return
        path = self.table.item(item.row(), 0).text()
        menu = QMenu(self)
        menu.addAction("Copy path", lambda: QGuiApplication.clipboard().setText(path))
        menu.addAction("Reveal in file manager", lambda: self.reveal_requested.emit(path))
        menu.popup(self.table.viewport().mapToGlobal(pos))
