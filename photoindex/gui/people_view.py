"""People: a grid of the people found in the photos, biggest first, and the faces of the one
selected. Rename inline, merge (select several, or drag one onto another; asked first), split
into the sub-groups found inside, hide; on a face: Not this person, Move to another person.
Every edit can be undone and redone (`undo_stack`, Ctrl+Z / Ctrl+Shift+Z).

Every catalog read and write runs on a worker (TaskRunner); results come back by signal and the
view reloads. The widget only needs `library.people`, the facade's part for faces and people.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import shiboken6
from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QCoreApplication,
    QItemSelectionModel,
    QLocale,
    QMimeData,
    QModelIndex,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QFontMetrics,
    QIcon,
    QImage,
    QKeySequence,
    QPainter,
    QPalette,
    QPixmap,
    QTextLayout,
    QUndoCommand,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QMenu,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from photoindex.gui.tasks import TaskRunner

PersonIdRole = Qt.ItemDataRole.UserRole + 1
FaceIdRole = Qt.ItemDataRole.UserRole + 2
PEOPLE_MIME = "application/x-photoindex-people"
ICON = 120
FACE_ICON = 72
MOVE_MENU_MAX = 40
CELL_WIDTH = ICON + 80
"""Room for a name of about twenty Latin or ten Hangul letters on one line; longer names wrap
onto a second line and only then are elided (the tooltip has the whole name)."""
NAME_LINES = 2


def _placeholder(size: int) -> QPixmap:
    pix = QPixmap(size, size)
    pix.fill(QColor(128, 128, 128, 60))
    return pix



def _num(n: int) -> str:
    return QLocale().toString(int(n))


def _person_name(person: Any) -> str:
    return person.name or QCoreApplication.translate("PeopleView", "Unnamed")


def _photo_count(person: Any) -> str:
    n = person.photo_count  # a plain name: lupdate reads the count only then
    return QCoreApplication.translate("PeopleView", "%n photos", None, n)


def _person_label(person: Any) -> str:
    return f"{_person_name(person)}\n{_photo_count(person)}"


def wrap_name(name: str, font: QFont, width: int, lines: int = NAME_LINES) -> list[str]:
    """The name in at most `lines` lines of `width` pixels, broken where the script allows
    (QTextLayout: between words, and between Hangul or Han letters), the last line elided."""
    layout = QTextLayout(name, font)
    layout.beginLayout()
    spans: list[tuple[int, int]] = []
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        spans.append((line.textStart(), line.textLength()))
    layout.endLayout()
    if len(spans) <= lines:
        return [name[a:a + n].strip() for a, n in spans] or [""]
    out = [name[a:a + n].strip() for a, n in spans[:lines - 1]]
    rest = name[spans[lines - 1][0]:].strip()
    return [*out, QFontMetrics(font).elidedText(rest, Qt.TextElideMode.ElideRight, width)]


def _line_height(fm: QFontMetrics) -> int:
    # Korean and Chinese fall back to fonts taller than the UI font's own metrics say.
    return int(fm.height() * 1.3) + 1


class PersonDelegate(QStyledItemDelegate):
    """A person's cell: the cover, then the whole name (wrapped, elided only past two lines),
    then the photo count in a quieter colour."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        return QSize(CELL_WIDTH, ICON + 12 + _line_height(option.fontMetrics) * (NAME_LINES + 1))

    def lines(self, index: QModelIndex, option: QStyleOptionViewItem) -> tuple[list[str], str]:
        person = index.model().people[index.row()]
        return wrap_name(_person_name(person), option.font, CELL_WIDTH - 12), _photo_count(person)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        rect = option.rect.adjusted(2, 2, -2, -2)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if selected:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(option.palette.color(QPalette.ColorGroup.Normal, QPalette.ColorRole.Highlight))
            painter.drawRoundedRect(rect, 6, 6)
        elif option.state & QStyle.StateFlag.State_MouseOver:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(option.palette.color(QPalette.ColorGroup.Normal, QPalette.ColorRole.AlternateBase))
            painter.drawRoundedRect(rect, 6, 6)
        pix = index.data(Qt.ItemDataRole.DecorationRole)
        if isinstance(pix, QPixmap) and not pix.isNull():
            scaled = pix.scaled(ICON, ICON, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
            painter.drawPixmap(rect.x() + (rect.width() - scaled.width()) // 2, rect.y() + 4, scaled)
        names, count = self.lines(index, option)
        group = QPalette.ColorGroup.Normal
        text_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        line = _line_height(option.fontMetrics)
        y = rect.y() + ICON + 8
        flags = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter
        colour = index.data(Qt.ItemDataRole.ForegroundRole)
        painter.setPen(colour if isinstance(colour, QColor) and not selected else option.palette.color(group, text_role))
        for text in names:
            painter.drawText(QRect(rect.x() + 4, y, rect.width() - 8, line), flags, text)
            y += line
        quiet = option.palette.color(group, text_role if selected else QPalette.ColorRole.PlaceholderText)
        painter.setPen(quiet)
        painter.drawText(QRect(rect.x() + 4, y, rect.width() - 8, line), flags, count)
        painter.restore()

    def updateEditorGeometry(self, editor: QWidget, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        r = option.rect
        editor.setGeometry(QRect(r.x() + 2, r.y() + ICON + 6, r.width() - 4, _line_height(option.fontMetrics) + 6))


class _PeopleEdit(QUndoCommand):
    """An edit already made (on the worker); undo and redo put one of its copies back."""

    def __init__(self, view: PeopleView, change: Any, text: str) -> None:
        super().__init__(text)
        self.view, self.change, self._made = view, change, True

    def redo(self) -> None:
        if self._made:  # pushed after the edit was made: nothing to do the first time
            self._made = False
            return
        self.view._restore(self.change, undo=False)

    def undo(self) -> None:
        self.view._restore(self.change, undo=True)


class PeopleModel(QAbstractListModel):
    """People (core Person dataclasses) with their cover crops. Editing a name, or dropping
    people onto a person, asks the view to do it (signals); nothing is written here."""

    renameRequested = Signal(int, str)
    mergeRequested = Signal(int, list)  # target person, people dropped onto it

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.people: list[Any] = []
        self.covers: dict[int, QPixmap] = {}
        self._placeholder = _placeholder(ICON)

    def set_people(self, people: list[Any], covers: dict[int, QImage]) -> None:
        self.beginResetModel()
        self.people = list(people)
        self.covers = {pid: QPixmap.fromImage(img) for pid, img in covers.items() if not img.isNull()}
        self.endResetModel()

    def row_of(self, person_id: int) -> int | None:
        return next((i for i, p in enumerate(self.people) if p.id == person_id), None)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.people)

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if not index.isValid():
            return base
        return base | Qt.ItemFlag.ItemIsEditable | Qt.ItemFlag.ItemIsDragEnabled | Qt.ItemFlag.ItemIsDropEnabled

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.people):
            return None
        p = self.people[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return _person_label(p)
        if role == Qt.ItemDataRole.EditRole:
            return p.name or ""
        if role == Qt.ItemDataRole.DecorationRole:
            return self.covers.get(p.id, self._placeholder)
        if role == Qt.ItemDataRole.ToolTipRole:
            face_count, photo_count = p.face_count, p.photo_count
            faces = QCoreApplication.translate("PeopleView", "%n faces", None, face_count)
            photos = QCoreApplication.translate("PeopleView", "%n photos", None, photo_count)
            if p.hidden:
                return QCoreApplication.translate("PeopleView", "{name} (hidden): {faces} in {photos}. Double-click for their photos.").format(
                    name=_person_name(p), faces=faces, photos=photos)
            return QCoreApplication.translate("PeopleView", "{name}: {faces} in {photos}. Double-click for their photos.").format(
                name=_person_name(p), faces=faces, photos=photos)
        if role == Qt.ItemDataRole.ForegroundRole and p.hidden:
            return QColor(128, 128, 128)
        if role == PersonIdRole:
            return p.id
        return None

    def setData(self, index: QModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        p = self.people[index.row()]
        name = str(value).strip()
        if name == (p.name or ""):
            return False
        self.people[index.row()] = replace(p, name=name or None)  # shown at once; the worker writes it
        self.dataChanged.emit(index, index)
        self.renameRequested.emit(p.id, name)
        return True

    # Drag one person onto another to merge them.
    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction | Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [PEOPLE_MIME]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:
        mime = QMimeData()
        ids = list(dict.fromkeys(i.data(PersonIdRole) for i in indexes if i.isValid()))
        mime.setData(PEOPLE_MIME, QByteArray(json.dumps(ids).encode()))
        return mime

    def canDropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                        parent: QModelIndex) -> bool:
        return data.hasFormat(PEOPLE_MIME) and parent.isValid()

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                     parent: QModelIndex) -> bool:
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        target = parent.data(PersonIdRole)
        dropped = [int(i) for i in json.loads(bytes(data.data(PEOPLE_MIME).data()).decode()) if i != target]
        if dropped:
            self.mergeRequested.emit(target, dropped)
        return False  # no rows move: the merge reloads the grid


class FacesModel(QAbstractListModel):
    """The faces of one person, as crops."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.faces: list[Any] = []
        self.crops: dict[int, QPixmap] = {}
        self._placeholder = _placeholder(FACE_ICON)

    def set_faces(self, faces: list[Any], crops: dict[int, QImage]) -> None:
        self.beginResetModel()
        self.faces = list(faces)
        self.crops = {fid: QPixmap.fromImage(img) for fid, img in crops.items() if not img.isNull()}
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.faces)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.faces):
            return None
        f = self.faces[index.row()]
        if role == Qt.ItemDataRole.DecorationRole:
            return self.crops.get(f.id, self._placeholder)
        if role == Qt.ItemDataRole.ToolTipRole:
            return QCoreApplication.translate("PeopleView", "Confirmed by you") if f.confirmed else QCoreApplication.translate("PeopleView", "Found automatically; right-click if it is someone else")
        if role == FaceIdRole:
            return f.id
        return None


class SplitDialog(QDialog):
    """The sub-groups found inside a person, one row of faces each. Ticked groups become new
    people; the rest stay with the person."""

    def __init__(self, groups: list[list[int]], crops: dict[int, QImage], parent: Any = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Split person"))
        self.groups = groups
        self.checks: list[QCheckBox] = []
        body = QWidget()
        rows = QVBoxLayout(body)
        for n, group in enumerate(groups):
            row = QHBoxLayout()
            check = QCheckBox(self.tr("%n faces: a separate person", "", len(group)))
            check.setChecked(n > 0)
            self.checks.append(check)
            row.addWidget(check)
            for fid in group[:12]:
                label = QLabel()
                img = crops.get(fid)
                pix = QPixmap.fromImage(img) if img is not None and not img.isNull() else _placeholder(FACE_ICON)
                label.setPixmap(pix.scaled(FACE_ICON, FACE_ICON, Qt.AspectRatioMode.KeepAspectRatio,
                                           Qt.TransformationMode.SmoothTransformation))
                row.addWidget(label)
            if len(group) > 12:
                row.addWidget(QLabel(self.tr("+{count}").format(count=_num(len(group) - 12))))
            row.addStretch(1)
            rows.addLayout(row)
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("These groups were found inside this person. Tick the ones that are someone else.")))
        layout.addWidget(scroll, 1)
        layout.addWidget(buttons)
        self.resize(720, 120 + 90 * min(len(groups), 5))

    def chosen_groups(self) -> list[list[int]]:
        """[faces that stay, then one list per new person]."""
        stay = [f for g, c in zip(self.groups, self.checks, strict=True) if not c.isChecked() for f in g]
        new = [g for g, c in zip(self.groups, self.checks, strict=True) if c.isChecked()]
        return [stay, *new] if stay else new


class PeopleView(QWidget):
    personActivated = Signal(int)
    """A person was double-clicked (or Enter): show their photos."""
    photosRequested = Signal(list)
    """Photo ids to show: several people's photos, or the photo of a face."""
    changed = Signal()
    """People were renamed, merged, split, hidden or corrected (or an edit undone), and the grid reloaded."""

    def __init__(self, library: Any, parent: Any = None) -> None:
        super().__init__(parent)
        self.library = library
        self.runner = TaskRunner(1, self)  # one worker: edits apply in the order they were made
        self.show_hidden = False
        self._loads = 0
        self.merge_box: QMessageBox | None = None
        self.last_error = ""
        # Undo and redo of every edit. On its own, the view's actions work while it has the focus;
        # in the window, use_actions() puts the Edit menu's (which follow this stack) in their place.
        self.undo_stack = QUndoStack(self)
        self.undo_action = self.undo_stack.createUndoAction(self, self.tr("&Undo"))
        self.undo_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Undo))
        self.redo_action = self.undo_stack.createRedoAction(self, self.tr("&Redo"))
        self.redo_action.setShortcuts([QKeySequence(QKeySequence.StandardKey.Redo), QKeySequence("Ctrl+Shift+Z")])
        for action in (self.undo_action, self.redo_action):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(action)

        self.model = PeopleModel(self)
        self.model.renameRequested.connect(self.rename)
        self.model.mergeRequested.connect(lambda target, ids: self.merge([target, *ids]))
        self.view = QListView()
        self.view.setModel(self.model)
        self.view.setViewMode(QListView.ViewMode.IconMode)
        self.view.setMovement(QListView.Movement.Static)
        self.view.setResizeMode(QListView.ResizeMode.Adjust)
        self.view.setIconSize(QSize(ICON, ICON))
        self.delegate = PersonDelegate(self.view)
        self.view.setItemDelegate(self.delegate)
        line = _line_height(self.view.fontMetrics())
        self.view.setGridSize(QSize(CELL_WIDTH + 8, ICON + 12 + line * (NAME_LINES + 1) + 8))
        self.view.setMouseTracking(True)  # the hover highlight
        self.view.setWordWrap(True)
        self.view.setUniformItemSizes(True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed | QAbstractItemView.EditTrigger.SelectedClicked)
        self.view.setDragEnabled(True)
        self.view.setAcceptDrops(True)
        self.view.setDropIndicatorShown(True)
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.view.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._person_menu)
        self.view.activated.connect(lambda idx: self.personActivated.emit(idx.data(PersonIdRole)))
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)

        self.faces_model = FacesModel(self)
        self.faces_view = QListView()
        self.faces_view.setModel(self.faces_model)
        self.faces_view.setViewMode(QListView.ViewMode.IconMode)
        self.faces_view.setMovement(QListView.Movement.Static)
        self.faces_view.setResizeMode(QListView.ResizeMode.Adjust)
        self.faces_view.setIconSize(QSize(FACE_ICON, FACE_ICON))
        self.faces_view.setGridSize(QSize(FACE_ICON + 10, FACE_ICON + 10))
        self.faces_view.setUniformItemSizes(True)
        self.faces_view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.faces_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.faces_view.customContextMenuRequested.connect(self._face_menu)
        self.faces_view.activated.connect(self._open_face_photo)
        self.faces_title = QLabel("")
        faces_box = QWidget()
        faces_layout = QVBoxLayout(faces_box)
        faces_layout.setContentsMargins(0, 0, 0, 0)
        faces_layout.addWidget(self.faces_title)
        faces_layout.addWidget(self.faces_view, 1)
        self.faces_box = faces_box
        faces_box.hide()

        self.status = QLabel("")
        self.merge_button = QPushButton(self.tr("Merge selected"))
        self.merge_button.setToolTip(self.tr("Several people that are one: select them (Ctrl+click) and merge, "
                                             "or drag one onto another"))
        self.merge_button.clicked.connect(self.merge_selected)
        self.merge_button.setEnabled(False)
        self.hidden_check = QCheckBox(self.tr("Show hidden"))
        self.hidden_check.toggled.connect(self._toggle_hidden)
        bar = QHBoxLayout()
        bar.addWidget(self.status, 1)
        bar.addWidget(self.hidden_check)
        bar.addWidget(self.merge_button)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.view)
        split.addWidget(faces_box)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        self.reload()

    # -- loading -------------------------------------------------------------------------------

    def _submit(self, fn: Any, on_done: Any, on_error: Any) -> None:
        """Run fn on the worker; its result reaches on_done on the GUI thread, unless this widget
        was closed and deleted meanwhile."""
        def alive(callback: Any) -> Any:
            def call(value: Any) -> None:
                if shiboken6.isValid(self) and shiboken6.isValid(self.view):
                    callback(value)
            return call

        self.runner.submit(fn, alive(on_done), alive(on_error))

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.reload()

    def reload(self) -> None:
        """Read the people (and their cover crops) on the worker, then show them."""
        people_part = self.library.people
        include_hidden = self.show_hidden
        self._loads += 1
        token = self._loads

        def load() -> tuple[list[Any], dict[int, QImage]]:
            people = people_part.all(include_hidden=include_hidden)
            covers = {p.id: QImage(str(people_part.crop_path(p.cover_face_id))) for p in people if p.cover_face_id}
            return people, covers

        self._submit(load, lambda r: self._loaded(token, r), self._error)

    def _loaded(self, token: int, result: tuple[list[Any], dict[int, QImage]]) -> None:
        if token != self._loads:
            return  # a newer load is on its way
        selected = set(self.selected_ids())
        people, covers = result
        self.model.set_people(people, covers)
        selection = self.view.selectionModel()
        selection.blockSignals(True)
        for row, p in enumerate(people):
            if p.id in selected:
                selection.select(self.model.index(row), QItemSelectionModel.SelectionFlag.Select)
        selection.blockSignals(False)
        self.view.viewport().update()
        named = sum(1 for p in people if p.name)
        self.status.setText(self.tr("%n people, {named} named", "", len(people)).format(named=_num(named)) if people
                            else self.tr("No people yet: faces are found while photos are indexed."))
        self._selection_changed()

    def _error(self, message: str) -> None:
        self.last_error = message
        self.status.setText(message)
        if self.isVisible():  # told, without blocking the window (and the edits after it)
            self.error_box = QMessageBox(QMessageBox.Icon.Warning, self.tr("People"), message,
                                         QMessageBox.StandardButton.Ok, self)
            self.error_box.open()
        self.reload()

    def selected_ids(self) -> list[int]:
        return [i.data(PersonIdRole) for i in sorted(self.view.selectionModel().selectedIndexes(), key=lambda i: i.row())]

    def _selection_changed(self, *_: Any) -> None:
        ids = self.selected_ids()
        self.merge_button.setEnabled(len(ids) >= 2)
        if len(ids) == 1:
            self.load_faces(ids[0])
        else:
            self.faces_box.hide()
            self.faces_model.set_faces([], {})

    def load_faces(self, person_id: int) -> None:
        """Show one person's faces under the grid (for Not this person and Move to…)."""
        people_part = self.library.people

        def load() -> tuple[list[Any], dict[int, QImage]]:
            faces = people_part.faces_of(person_id)
            return faces, {f.id: QImage(str(people_part.crop_path(f.id))) for f in faces}

        def show(result: tuple[list[Any], dict[int, QImage]]) -> None:
            if self.selected_ids() != [person_id]:
                return
            faces, crops = result
            self.faces_model.set_faces(faces, crops)
            row = self.model.row_of(person_id)
            name = _person_name(self.model.people[row]) if row is not None else self.tr("This person")
            self.faces_title.setText(self.tr("{name}: %n faces. Right-click a face that is someone else.", "",
                                             len(faces)).format(name=name))
            self.faces_box.show()

        self._submit(load, show, self._error)

    def _toggle_hidden(self, on: bool) -> None:
        self.show_hidden = on
        self.reload()

    def use_actions(self, undo: QAction, redo: QAction) -> None:
        """The window's Undo and Redo (its Edit menu's, following undo_stack while People is shown)
        replace this view's own, shortcuts and all: two actions on Ctrl+Z would be ambiguous and
        neither would run."""
        for own in (self.undo_action, self.redo_action):
            self.removeAction(own)
            own.setShortcuts([])
        self.undo_action, self.redo_action = undo, redo

    # -- edits (all on the worker, then reload; each one undoable) -----------------------------

    def _edit(self, fn: Any, text: str, message: str = "") -> None:
        """Make an edit on the worker, recorded; once made, it goes on the undo stack as `text`."""
        people_part = self.library.people

        def work() -> Any:
            with people_part.recording() as change:
                fn()
            return change

        def done(change: Any) -> None:
            self.undo_stack.push(_PeopleEdit(self, change, text))
            if message:
                self.status.setText(message)
            self.reload()
            self.changed.emit()

        self._submit(work, done, self._error)

    def _restore(self, change: Any, *, undo: bool) -> None:
        """Undo or redo (called by the stack's commands): on the worker, then reload. When the
        people changed since (a later edit made elsewhere, new faces grouped), the history no
        longer matches them: it is cleared and the user told why."""
        people_part = self.library.people

        def failed(message: str) -> None:
            self.undo_stack.clear()
            self._error(message)

        def done(_result: Any) -> None:
            self.reload()
            self.changed.emit()

        self._submit(lambda: (people_part.undo if undo else people_part.redo)(change), done, failed)

    def rename(self, person_id: int, name: str) -> None:
        self._edit(lambda: self.library.people.rename(person_id, name),
                   self.tr("Rename to “{name}”").format(name=name) if name else self.tr("Remove name"))

    def merge(self, ids: list[int]) -> None:
        """Ask, then merge these people into one (a named one is kept)."""
        ids = list(dict.fromkeys(ids))
        if len(ids) < 2:
            return
        rows = [self.model.row_of(i) for i in ids]
        names = [_person_name(self.model.people[r]) for r in rows if r is not None]
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Merge people"),
                          self.tr("Merge these %n people into one?", "", len(ids)), parent=self)
        box.setInformativeText(self.tr("{names}\n\nTheir faces become one person. You can undo this (Ctrl+Z).")
                               .format(names=", ".join(names[:8]) + ("…" if len(names) > 8 else "")))
        merge_button = box.addButton(self.tr("Merge"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(merge_button)
        box.setWindowModality(Qt.WindowModality.WindowModal)

        def answered(_button: Any) -> None:
            if box.clickedButton() is merge_button:
                self.apply_merge(ids)
            self.merge_box = None

        box.buttonClicked.connect(answered)
        self.merge_box = box
        box.open()

    def apply_merge(self, ids: list[int]) -> None:
        self._edit(lambda: self.library.people.merge(ids), self.tr("Merge %n people", "", len(ids)),
                   self.tr("Merged %n people. Wrong? Undo (Ctrl+Z) or split them from the right-click menu.",
                           "", len(ids)))

    def merge_selected(self) -> None:
        self.merge(self.selected_ids())

    def hide(self, person_id: int, hidden: bool = True) -> None:
        self._edit(lambda: self.library.people.hide(person_id, hidden),
                   self.tr("Hide person") if hidden else self.tr("Unhide person"))

    def not_this_person(self, face_ids: list[int]) -> None:
        face_ids = list(face_ids)
        self._edit(lambda: self.library.people.remove_faces(face_ids),
                   self.tr("Not this person (%n faces)", "", len(face_ids)),
                   self.tr("Removed %n faces; they will not come back.", "", len(face_ids)))

    def move_faces(self, face_ids: list[int], person_id: int) -> None:
        face_ids = list(face_ids)
        row = self.model.row_of(person_id)
        name = _person_name(self.model.people[row]) if row is not None else ""
        self._edit(lambda: self.library.people.move_faces(face_ids, person_id),
                   self.tr("Move %n faces to {name}", "", len(face_ids)).format(name=name))

    def split(self, person_id: int) -> None:
        """Find the sub-groups inside this person (on the worker), then offer them in a dialog."""
        people_part = self.library.people

        def propose() -> tuple[list[list[int]], dict[int, QImage]]:
            groups = people_part.split_proposal(person_id)
            return groups, {f: QImage(str(people_part.crop_path(f))) for g in groups for f in g[:12]}

        self._submit(propose, lambda r: self._offer_split(person_id, *r), self._error)

    def _offer_split(self, person_id: int, groups: list[list[int]], crops: dict[int, QImage]) -> None:
        if len(groups) < 2:
            self.status.setText(self.tr("Nothing to split: this person has a single face."))
            return
        self.split_dialog = SplitDialog(groups, crops, self)
        self.split_dialog.accepted.connect(lambda: self.apply_split(person_id, self.split_dialog.chosen_groups()))
        self.split_dialog.open()

    def apply_split(self, person_id: int, groups: list[list[int]]) -> None:
        if len(groups) >= 2:
            self._edit(lambda: self.library.people.split(person_id, groups),
                       self.tr("Split into %n people", "", len(groups)),
                       self.tr("Split into %n people.", "", len(groups)))

    # -- menus ---------------------------------------------------------------------------------

    def _person_menu(self, pos: Any) -> None:
        idx = self.view.indexAt(pos)
        if not idx.isValid():
            return
        menu = self.person_menu(idx)
        menu.popup(self.view.viewport().mapToGlobal(pos))

    def person_menu(self, idx: QModelIndex) -> QMenu:
        pid = idx.data(PersonIdRole)
        if pid not in self.selected_ids():
            self.view.setCurrentIndex(idx)
        selected = self.selected_ids()
        person = self.model.people[idx.row()]
        menu = QMenu(self)
        if len(selected) > 1:
            menu.addAction(self.tr("Show photos of these %n people", "", len(selected)),
                           lambda: self._request_photos(selected))
            menu.addAction(self.tr("Merge these %n people…", "", len(selected)), lambda: self.merge(selected))
        else:
            menu.addAction(self.tr("Show photos"), lambda: self.personActivated.emit(pid))
        menu.addAction(self.tr("Rename…"), lambda: self.view.edit(idx))
        menu.addAction(self.tr("Split…"), lambda: self.split(pid))
        if person.hidden:
            menu.addAction(self.tr("Unhide"), lambda: self.hide(pid, False))
        else:
            menu.addAction(self.tr("Hide"), lambda: self.hide(pid))
        menu.addSeparator()
        menu.addAction(self.undo_action)
        menu.addAction(self.redo_action)
        self.last_menu = menu
        return menu

    def _face_menu(self, pos: Any) -> None:
        idx = self.faces_view.indexAt(pos)
        if not idx.isValid():
            return
        menu = self.face_menu(idx)
        menu.popup(self.faces_view.viewport().mapToGlobal(pos))

    def face_menu(self, idx: QModelIndex) -> QMenu:
        if idx.data(FaceIdRole) not in self._selected_faces():
            self.faces_view.setCurrentIndex(idx)
        faces = self._selected_faces()
        current = self.selected_ids()
        menu = QMenu(self)
        menu.addAction(self.tr("Not this person"), lambda: self.not_this_person(faces))
        move = menu.addMenu(self.tr("Move to…"))
        # Named people first, then the biggest: the menu stays short in a big library.
        targets = sorted((p for p in self.model.people if p.id not in current),
                         key=lambda p: (p.name is None, -p.photo_count))[:MOVE_MENU_MAX]
        for p in targets:
            move.addAction(QIcon(self.model.covers[p.id]) if p.id in self.model.covers else QIcon(),
                           self.tr("{name} ({count})").format(name=_person_name(p), count=_num(p.photo_count)),
                           lambda pid=p.id: self.move_faces(faces, pid))
        menu.addSeparator()
        menu.addAction(self.tr("Show the photo"), lambda: self._open_face_photo(idx))
        self.last_menu = menu
        return menu

    def _selected_faces(self) -> list[int]:
        return [i.data(FaceIdRole) for i in self.faces_view.selectionModel().selectedIndexes()]

    def _open_face_photo(self, idx: QModelIndex) -> None:
        row = idx.row()
        if 0 <= row < len(self.faces_model.faces):
            self.photosRequested.emit([self.faces_model.faces[row].photo_id])

    def _request_photos(self, person_ids: list[int]) -> None:
        people_part = self.library.people
        self._submit(lambda: people_part.photo_ids_of(person_ids), self.photosRequested.emit, self._error)
