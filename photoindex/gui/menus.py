"""The window's menu bar (File, Edit, View, Go, Help) with the platform's standard shortcuts, and
the About box. The actions call the window's own methods; nothing here touches the library."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction, QKeySequence, QUndoGroup
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMessageBox, QTextBrowser, QVBoxLayout

# The models photoindex runs and the terms of their weights, for the About box.
MODEL_LICENCES = [
    ("CLIP (open_clip)", "MIT; LAION-2B weights: MIT"),
    ("DINOv2", "Apache-2.0"),
    ("YuNet face detector", "MIT (OpenCV Zoo)"),
    ("dlib face models", "CC0 / public domain"),
]


def version() -> str:
    import photoindex

    return photoindex.__version__  # the one version string, read when the About box asks


def build_menus(win: Any) -> dict[str, QAction]:
    """Fill win.menuBar(); returns the actions by name (for tests and for enabling)."""
    bar = win.menuBar()
    actions: dict[str, QAction] = {}

    def add(menu: Any, name: str, text: str, slot: Any, shortcut: Any = None, tip: str = "") -> QAction:
        action = menu.addAction(text)
        action.triggered.connect(lambda _checked=False: slot())  # late: calls what the name holds now
        if shortcut is not None:
            seqs = shortcut if isinstance(shortcut, list) else [shortcut]
            keys: list[QKeySequence] = []
            for seq in seqs:
                if isinstance(seq, QKeySequence.StandardKey):
                    keys += QKeySequence.keyBindings(seq)
                else:
                    keys.append(QKeySequence(seq))
            action.setShortcuts(keys)
        if tip:
            action.setStatusTip(tip)
        actions[name] = action
        return action

    file = bar.addMenu(QCoreApplication.translate("Menus", "&File"))
    add(file, "add_folder", QCoreApplication.translate("Menus", "&Add Folder…"), lambda: win.welcome_choose(), QKeySequence.StandardKey.Open,
        QCoreApplication.translate("Menus", "Add a folder of photos to the library"))
    add(file, "rescan", QCoreApplication.translate("Menus", "&Rescan Folders"), lambda: win.start_indexing(), [QKeySequence.StandardKey.Refresh, "F5"],
        QCoreApplication.translate("Menus", "Look for new, changed and removed photos"))
    file.addSeparator()
    add(file, "settings", QCoreApplication.translate("Menus", "&Settings…"), lambda: win.open_settings(), [QKeySequence.StandardKey.Preferences, "Ctrl+,"])
    file.addSeparator()
    add(file, "quit", QCoreApplication.translate("Menus", "&Quit"), lambda: win.close(), [QKeySequence.StandardKey.Quit, "Ctrl+Q"])

    edit = bar.addMenu(QCoreApplication.translate("Menus", "&Edit"))
    # Undo and Redo follow the undo stack of the page shown (People's edits; disabled elsewhere):
    # one action per shortcut for the whole window, so Ctrl+Z is never ambiguous (the page uses
    # these same actions in its context menu instead of its own).
    win.undo_group = QUndoGroup(win)
    undo = win.undo_group.createUndoAction(win, QCoreApplication.translate("Menus", "&Undo"))
    undo.setShortcuts(QKeySequence.keyBindings(QKeySequence.StandardKey.Undo))
    redo = win.undo_group.createRedoAction(win, QCoreApplication.translate("Menus", "&Redo"))
    redo_keys = QKeySequence.keyBindings(QKeySequence.StandardKey.Redo)
    if QKeySequence("Ctrl+Shift+Z") not in redo_keys:
        redo_keys.append(QKeySequence("Ctrl+Shift+Z"))
    redo.setShortcuts(redo_keys)
    for name, action in (("undo", undo), ("redo", redo)):
        edit.addAction(action)
        actions[name] = action
    edit.addSeparator()
    add(edit, "find", QCoreApplication.translate("Menus", "&Find…"), lambda: win.focus_search(), [QKeySequence.StandardKey.Find, "Ctrl+K"])
    add(edit, "paste", QCoreApplication.translate("Menus", "&Paste Image to Search"), lambda: win.paste_image(), QKeySequence.StandardKey.Paste)
    edit.addSeparator()
    add(edit, "select_all", QCoreApplication.translate("Menus", "Select &All"), lambda: win.grid.selectAll(), QKeySequence.StandardKey.SelectAll)
    add(edit, "copy_paths", QCoreApplication.translate("Menus", "&Copy Paths"), lambda: win.copy_selected_paths(), QKeySequence.StandardKey.Copy)
    add(edit, "trash", QCoreApplication.translate("Menus", "Move to &Trash…"), lambda: win.trash_selected(), QKeySequence.StandardKey.Delete)

    view = bar.addMenu(QCoreApplication.translate("Menus", "&View"))
    add(view, "zoom_in", QCoreApplication.translate("Menus", "Larger Thumbnails"), lambda: win.zoom_by(1), [QKeySequence.StandardKey.ZoomIn, "Ctrl+="])
    add(view, "zoom_out", QCoreApplication.translate("Menus", "Smaller Thumbnails"), lambda: win.zoom_by(-1), QKeySequence.StandardKey.ZoomOut)

    go = bar.addMenu(QCoreApplication.translate("Menus", "&Go"))
    add(go, "all_photos", QCoreApplication.translate("Menus", "&All Photos"), lambda: win.set_folder_filter(None), "Ctrl+1")
    add(go, "people", QCoreApplication.translate("Menus", "&People"), lambda: win.go_to("people"), "Ctrl+2")
    add(go, "map", QCoreApplication.translate("Menus", "&Map"), lambda: win.go_to("map"), "Ctrl+3")
    add(go, "duplicates", QCoreApplication.translate("Menus", "&Duplicates"), lambda: win.go_to("duplicates"), "Ctrl+4")

    helpm = bar.addMenu(QCoreApplication.translate("Menus", "&Help"))
    add(helpm, "help", QCoreApplication.translate("Menus", "photoindex &Help"), lambda: open_help(win), QKeySequence.StandardKey.HelpContents)
    add(helpm, "about", QCoreApplication.translate("Menus", "&About photoindex"), lambda: about_box(win, exec_=True))
    return actions


def help_text() -> str:
    """The manual: the README that ships in the package's metadata, else a few plain lines."""
    from importlib import metadata

    try:
        meta = metadata.metadata("photoindex")
        readme = meta.get_payload() or meta.get("Description") or ""  # type: ignore[attr-defined]
    except metadata.PackageNotFoundError:
        readme = ""
    if readme.strip():
        return readme
    return QCoreApplication.translate(
        "Menus", "# photoindex\n\nAdd your photo folders (File → Add Folder…), then type what a photo shows in the search field (Ctrl+F). Right-click a photo to find similar ones; select several for more.")  # noqa: E501


def open_help(win: Any) -> QDialog:
    """F1: the manual in a window of its own (no network needed)."""
    dlg = QDialog(win)
    dlg.setWindowTitle(QCoreApplication.translate("Menus", "photoindex Help"))
    view = QTextBrowser(dlg)
    view.setOpenExternalLinks(True)
    view.setMarkdown(help_text())
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, parent=dlg)
    box.rejected.connect(dlg.close)
    layout = QVBoxLayout(dlg)
    layout.addWidget(view)
    layout.addWidget(box)
    dlg.resize(760, 640)
    win.help_dialog = dlg
    dlg.show()
    return dlg


def about_text() -> str:
    rows = "".join(f"<li>{name}: {terms}</li>" for name, terms in MODEL_LICENCES)
    return (f"<h3>photoindex {version()}</h3>"
            + QCoreApplication.translate("Menus", "<p>Find any photo on your own computer by what it shows. Everything stays on this computer.</p>")
            + "<p>" + QCoreApplication.translate("Menus", "Models and the licences of their weights:") + f"</p><ul>{rows}</ul>")


def about_box(win: Any, exec_: bool = False) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.NoIcon, QCoreApplication.translate("Menus", "About photoindex"), about_text(), QMessageBox.StandardButton.Ok, win)
    box.setIconPixmap(win.windowIcon().pixmap(64, 64))
    win.about = box
    if exec_:
        box.open()
    return box
