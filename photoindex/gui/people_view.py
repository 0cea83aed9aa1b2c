"""People: a grid of the people found in the photos, biggest first. Name, merge, split, hide."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListView,
    QMenu,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from photoindex.gui.tasks import TaskRunner

PersonIdRole = Qt.ItemDataRole.UserRole + 1


class PeopleModel(QAbstractListModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.people: list[Any] = []
        self.covers: dict[int, QPixmap] = {}

    def set_people(self, people: list[Any], covers: dict[int, QImage]) -> None:
        self.beginResetModel()
        self.people = people
        self.covers = {pid: QPixmap.fromImage(img) for pid, img in covers.items() if not img.isNull()}
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.people)

    def flags(self, index):
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsEditable | Qt.ItemFlag.ItemIsDragEnabled | Qt.ItemFlag.ItemIsDropEnabled

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        p = self.people[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{p.label}\n{p.photo_count} photo{'s' if p.photo_count != 1 else ''}"
        if role == Qt.ItemDataRole.EditRole:
            return p.name or ""
        if role == Qt.ItemDataRole.DecorationRole:
            return self.covers.get(p.id)
        if role == PersonIdRole:
            return p.id
        return None


class PeopleView(QWidget):
    personActivated = Signal(int)
    photosRequested = Signal(list)

    def __init__(self, library: Any, parent=None) -> None:
        super().__init__(parent)
        self.library = library
        self.runner = TaskRunner(1, self)
        self.model = PeopleModel(self)
        self.view = QListView()
        self.view.setModel(self.model)
        self.view.setViewMode(QListView.ViewMode.IconMode)
        self.view.setResizeMode(QListView.ResizeMode.Adjust)
        self.view.setIconSize(QSize(120, 120))
        self.view.setGridSize(QSize(150, 200))
        self.view.setWordWrap(True)
        self.view.setUniformItemSizes(True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed | QAbstractItemView.EditTrigger.SelectedClicked)
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.view.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._menu)
        self.view.clicked.connect(lambda idx: self._open(idx.data(PersonIdRole)))
        self.model.setData = self._set_name  # type: ignore[method-assign]
        self.view.dropEvent = self._drop  # type: ignore[method-assign]
        self.status = QLabel("")
        merge = QPushButton("Merge selected")
        merge.clicked.connect(self.merge_selected)
        refresh = QPushButton("Refresh")
        refresh.clicked.connect(self.reload)
        bar = QHBoxLayout()
        bar.addWidget(self.status, 1)
        bar.addWidget(merge)
        bar.addWidget(refresh)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        self.reload()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.reload()

    def reload(self) -> None:
        from photoindex.core.faces import face_crop_path, list_people

        faces_dir = self.library.settings.faces_dir

        def load() -> tuple[list[Any], dict[int, QImage]]:
            people = list_people(self.library.catalog())
            covers = {p.id: QImage(str(face_crop_path(faces_dir, p.cover_face_id))) for p in people if p.cover_face_id}
            return people, covers

        self.runner.submit(load, self._loaded, self.status.setText)

    def _loaded(self, result: tuple[list[Any], dict[int, QImage]]) -> None:
        people, covers = result
        self.model.set_people(people, covers)
        self.status.setText(f"{len(people)} people" if people else
                            "No people yet: faces are found while photos are indexed.")

    def _open(self, person_id: int) -> None:
        from photoindex.core.faces import person_photo_ids

        self.personActivated.emit(person_id)
        self.runner.submit(lambda: person_photo_ids(self.library.catalog(), person_id), self.photosRequested.emit)

    def selected_ids(self) -> list[int]:
        return [i.data(PersonIdRole) for i in self.view.selectionModel().selectedIndexes()]

    def _run(self, fn) -> None:
        self.runner.submit(fn, lambda _r: self.reload(), lambda msg: QMessageBox.warning(self, "People", msg))

    def _set_name(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        self.rename(index.data(PersonIdRole), str(value))
        return True

    def rename(self, person_id: int, name: str) -> None:
        from photoindex.core.faces import rename_person

        self._run(lambda: rename_person(self.library.catalog(), person_id, name))

    def merge(self, ids: list[int]) -> None:
        from photoindex.core.faces import merge_people

        if len(set(ids)) >= 2:
            self._run(lambda: merge_people(self.library.catalog(), ids))

    def merge_selected(self) -> None:
        self.merge(self.selected_ids())

    def _drop(self, event) -> None:
        target = self.view.indexAt(event.position().toPoint())
        dragged = self.selected_ids()
        if target.isValid() and dragged:
            tid = target.data(PersonIdRole)
            self.merge([tid] + [d for d in dragged if d != tid])
        event.ignore()

    def _menu(self, pos) -> None:
        idx = self.view.indexAt(pos)
        if not idx.isValid():
            return
        pid = idx.data(PersonIdRole)
        menu = QMenu(self)
        menu.addAction("Show photos", lambda: self._open(pid))
        menu.addAction("Rename…", lambda: self._ask_name(pid))
        if len(self.selected_ids()) > 1:
            menu.addAction("Merge selected", self.merge_selected)
        menu.addAction("Split into sub-groups", lambda: self.split(pid))
        menu.addAction("Hide", lambda: self.hide(pid))
        menu.popup(self.view.viewport().mapToGlobal(pos))
        self.last_menu = menu

    def _ask_name(self, pid: int) -> None:
        name, ok = QInputDialog.getText(self, "Rename", "Name:")
        if ok:
            self.rename(pid, name)

    def split(self, pid: int) -> None:
        from photoindex.core.faces import split_person

        self._run(lambda: split_person(self.library.catalog(), pid, apply=True))

    def hide(self, pid: int) -> None:
        from photoindex.core.faces import hide_person

        self._run(lambda: hide_person(self.library.catalog(), pid))
