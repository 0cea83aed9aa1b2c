"""The sidebar's folder tree: every folder that holds photos, under the library's roots, with its
photo count; a click filters the grid to it (and its subfolders); a right-click offers Rescan,
Reveal in file manager and, on a root, Remove from library.

The tree itself (FolderNode, built by controllers.folder_tree from Library.folder_counts) is read
off the GUI thread; this widget only shows it.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QLocale, QPoint, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QStyle, QTreeWidget, QTreeWidgetItem

from photoindex.gui.controllers import FolderNode

PathRole = Qt.ItemDataRole.UserRole
RootRole = Qt.ItemDataRole.UserRole + 1


class FolderTree(QTreeWidget):
    folder_selected = Signal(str)
    rescan_requested = Signal(str)
    reveal_requested = Signal(str)
    remove_requested = Signal(str)  # a root

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setColumnCount(2)
        self.setHeaderHidden(True)
        self.setRootIsDecorated(True)
        self.setIndentation(12)
        self.setUniformRowHeights(True)
        self.setFrameShape(QTreeWidget.Shape.NoFrame)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.setStyleSheet("QTreeWidget { background: transparent; }")
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.itemClicked.connect(self._clicked)
        self.customContextMenuRequested.connect(self._context)
        self._items: dict[str, QTreeWidgetItem] = {}
        self.last_menu: QMenu | None = None

    def set_tree(self, roots: list[FolderNode]) -> None:
        """Show a new tree, keeping what was expanded and selected. The same folders as shown
        (indexing went on inside them): only the counts change, no item is made again."""
        loc = QLocale()
        flat: dict[str, int] = {}
        stack = list(roots)
        while stack:
            node = stack.pop()
            flat[node.path] = node.count
            stack.extend(node.children)
        if flat.keys() == self._items.keys():
            for path, count in flat.items():
                item = self._items[path]
                if item.text(1) != loc.toString(count):
                    item.setText(1, loc.toString(count))
                    item.setToolTip(0, self.tr("{folder} · %n photos", "", count).format(folder=path))
            return
        expanded = {p for p, it in self._items.items() if it.isExpanded()}
        selected = self.selected_folder()
        self.clear()
        self._items.clear()
        icon = self.style().standardIcon(QStyle.StandardPixmap.SP_DirIcon)
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter  # once: enum operations cost
        quiet = self.palette().placeholderText()

        def add(node: FolderNode, parent: QTreeWidgetItem | None, is_root: bool) -> None:
            name = os.path.basename(node.path) or node.path
            item = QTreeWidgetItem([name, loc.toString(node.count)])
            item.setIcon(0, icon)
            item.setData(0, PathRole, node.path)
            item.setData(0, RootRole, is_root)
            item.setToolTip(0, self.tr("{folder} · %n photos", "", node.count).format(folder=node.path))
            item.setTextAlignment(1, right)
            item.setForeground(1, quiet)
            if parent is None:
                self.addTopLevelItem(item)
            else:
                parent.addChild(item)
            self._items[node.path] = item
            for child in sorted(node.children, key=lambda c: os.path.basename(c.path).casefold()):
                add(child, item, False)
            item.setExpanded(is_root or node.path in expanded)

        for root in roots:
            add(root, None, True)
        if selected is not None and selected in self._items:
            self.select_folder(selected)

    def select_folder(self, path: str | None) -> None:
        """Highlight a folder without emitting (the window already shows it), or none."""
        self.blockSignals(True)
        try:
            item = self._items.get(path.rstrip(os.sep)) if path else None
            if item is None:
                self.clearSelection()
                self.setCurrentItem(None)
            else:
                parent = item.parent()
                while parent is not None:
                    parent.setExpanded(True)
                    parent = parent.parent()
                self.setCurrentItem(item)
                item.setSelected(True)
        finally:
            self.blockSignals(False)

    def selected_folder(self) -> str | None:
        items = self.selectedItems()
        return items[0].data(0, PathRole) if items else None

    def item_for(self, path: str) -> QTreeWidgetItem | None:
        return self._items.get(path.rstrip(os.sep))

    def count_of(self, path: str) -> int | None:
        item = self.item_for(path)
        return QLocale().toInt(item.text(1))[0] if item is not None else None

    def _clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        self.folder_selected.emit(item.data(0, PathRole))

    def menu_for(self, path: str) -> QMenu:
        item = self.item_for(path)
        menu = QMenu(self)
        menu.addAction(self.tr("Rescan"), lambda: self.rescan_requested.emit(path))
        menu.addAction(self.tr("Reveal in file manager"), lambda: self.reveal_requested.emit(path))
        menu.addSeparator()
        remove = menu.addAction(self.tr("Remove from library…"), lambda: self.remove_requested.emit(path))
        if item is None or not item.data(0, RootRole):
            remove.setEnabled(False)
            remove.setToolTip(self.tr("Only a folder you added can be removed; its subfolders come with it"))
        menu.setToolTipsVisible(True)
        self.last_menu = menu
        return menu

    def _context(self, pos: QPoint) -> None:
        item = self.itemAt(pos)
        if item is None:
            return
        menu = self.menu_for(item.data(0, PathRole))
        if not os.environ.get("PHOTOINDEX_NO_MENU_EXEC"):
            menu.popup(self.viewport().mapToGlobal(pos))
