"""The library window: sidebar, search, grid, status bar with indexing controls."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from typing import Any

from PySide6.QtCore import QFileSystemWatcher, QPoint, Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication, QImage, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from photoindex.core.imageio import is_photo_name
from photoindex.gui.grid import GridItem, PhotoGrid, PhotoModel
from photoindex.gui.panels import FailuresPanel, WelcomePage
from photoindex.gui.tasks import IndexWorker, TaskRunner
from photoindex.gui.thumbs import ThumbnailCache

PAGE_WELCOME, PAGE_GRID, PAGE_PEOPLE, PAGE_MAP, PAGE_FAILURES = range(5)
DATE_RANGES = [("Any time", None), ("Last 30 days", 30), ("Last 12 months", 365), ("This year", "year")]


class MainWindow(QMainWindow):
    def __init__(self, library: Any, start_folders: list[str] | None = None, thumb_size: int = 180) -> None:
        super().__init__()
        self.library = library
        self.setWindowTitle("photoindex")
        self.resize(1280, 820)
        self.setAcceptDrops(True)
        self.search_runner = TaskRunner(1, self)  # model queries, one at a time
        self.io_runner = TaskRunner(2, self)  # catalog reads
        self.thumbs = ThumbnailCache(library.settings.thumbs_dir, parent=self)
        self.model = PhotoModel(self.thumbs, self)
        self.worker: IndexWorker | None = None
        self._query_token = 0
        self.results_token = -1
        self.last_hits: list[Any] = []
        self.current_query = ""
        self.mode = "all"  # 'all', 'search', 'similar', 'person', 'selection'
        self.folder_filter: str | None = None
        self.person_filter: int | None = None
        self._build(thumb_size)
        self._refresh_timer = QTimer(self, singleShot=True, interval=1500, timeout=self.refresh)
        self._rescan_timer = QTimer(self, singleShot=True, interval=5000, timeout=self.start_indexing)
        self.watcher = QFileSystemWatcher(self)
        self.watcher.directoryChanged.connect(lambda _p: self._rescan_timer.start())
        QTimer.singleShot(0, lambda: self._startup(start_folders or []))

    # -- layout --------------------------------------------------------------------------------

    def _build(self, thumb_size: int) -> None:
        self.search = QLineEdit(placeholderText="Search your photos: “dog on a beach at sunset”, “beach + sunset - people”…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.search.returnPressed.connect(self.run_search)
        self._debounce = QTimer(self, singleShot=True, interval=350, timeout=self.run_search)
        self.sort = QComboBox()
        self.sort.addItems(["Relevance", "Newest first", "Oldest first"])
        self.sort.currentIndexChanged.connect(lambda _i: self._show_hits(self.last_hits))
        self.relevant_only = QCheckBox("Only relevant")
        self.relevant_only.setChecked(True)
        self.relevant_only.setToolTip("Show only the photos that stand out for the search; "
                                      "untick to see the closest matches anyway")
        self.relevant_only.toggled.connect(lambda _c: self.run_search(force=True))
        self.dates = QComboBox()
        for label, _v in DATE_RANGES:
            self.dates.addItem(label)
        self.dates.currentIndexChanged.connect(lambda _i: self.run_search())
        self.folder_chip = QToolButton(text="All folders", popupMode=QToolButton.ToolButtonPopupMode.InstantPopup)
        self.folder_chip.setMenu(QMenu(self.folder_chip))
        self.folder_chip.menu().aboutToShow.connect(self._fill_folder_menu)
        settings_btn = QToolButton(text="⚙")
        settings_btn.setToolTip("Settings")
        settings_btn.clicked.connect(self.open_settings)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        self.person_chip = QToolButton()
        self.person_chip.setToolTip("Only photos of this person; click to show everyone")
        self.person_chip.clicked.connect(lambda: self.set_person_filter(None))
        self.person_chip.hide()
        top.addWidget(self.person_chip)
        top.addWidget(self.folder_chip)
        top.addWidget(self.dates)
        top.addWidget(self.sort)
        top.addWidget(self.relevant_only)
        top.addWidget(settings_btn)

        self.sidebar = QListWidget()
        self.sidebar.setMaximumWidth(260)
        self.sidebar.itemClicked.connect(self._sidebar_clicked)
        add_folder = QPushButton("Add folder…")
        add_folder.clicked.connect(self.welcome_choose)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.sidebar, 1)
        side_layout.addWidget(add_folder)

        self.grid = PhotoGrid(self.model, thumb_size)
        self.grid.activated_photo.connect(self.open_preview)
        self.grid.context_requested.connect(self.show_context_menu)
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.hide()
        grid_page = QWidget()
        gl = QVBoxLayout(grid_page)
        gl.setContentsMargins(0, 0, 0, 0)
        gl.addWidget(self.banner)
        gl.addWidget(self.grid, 1)

        self.welcome = WelcomePage()
        self.welcome.folder_chosen.connect(self.add_folder)
        self.failures = FailuresPanel()
        self.pages = QStackedWidget()
        self.pages.addWidget(self.welcome)
        self.pages.addWidget(grid_page)
        self.pages.addWidget(self._optional_view("people_view", "PeopleView", "People"))
        self.pages.addWidget(self._optional_view("map_view", "MapView", "Map"))
        self.pages.addWidget(self.failures)

        split = QSplitter()
        split.addWidget(side)
        split.addWidget(self.pages)
        split.setStretchFactor(1, 1)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        self.setCentralWidget(central)

        self.status_label = QLabel("Ready")
        self.progress = QProgressBar(maximumWidth=220)
        self.progress.hide()
        self.pause_btn = QPushButton("Pause")
        self.pause_btn.clicked.connect(self.toggle_pause)
        self.cancel_btn = QPushButton("Cancel")
        self.cancel_btn.clicked.connect(self.cancel_indexing)
        for w in (self.pause_btn, self.cancel_btn):
            w.hide()
        sb = self.statusBar()
        self.count_label = QLabel("")
        sb.addWidget(self.status_label, 1)
        sb.addPermanentWidget(self.count_label)
        sb.addPermanentWidget(self.progress)
        sb.addPermanentWidget(self.pause_btn)
        sb.addPermanentWidget(self.cancel_btn)

        for seq in ("Ctrl+F", "Ctrl+K"):
            QShortcut(QKeySequence(seq), self, activated=self.focus_search)
        QShortcut(QKeySequence.StandardKey.Paste, self, activated=self.paste_image)
        QShortcut(QKeySequence("Escape"), self.search, activated=self.search.clear)

    def _optional_view(self, module: str, cls: str, title: str) -> QWidget:
        try:
            mod = __import__(f"photoindex.gui.{module}", fromlist=[cls])
            view = getattr(mod, cls)(self.library)
        except Exception as exc:  # the view is optional: the rest of the app works without it
            view = QLabel(f"{title} is not available in this build ({type(exc).__name__}).")
            view.setAlignment(Qt.AlignmentFlag.AlignCenter)
            return view
        if hasattr(view, "personActivated"):
            view.personActivated.connect(self.set_person_filter)
        for name, slot in (
            ("selectionChanged", self.show_photo_ids),
            ("photoActivated", lambda pid: self.open_preview(pid, [pid])),
            ("contextMenuRequested", self.show_context_menu),
        ):
            sig = getattr(view, name, None)
            if sig is not None:
                sig.connect(slot)
        return view

    def _fill_sidebar(self) -> None:
        self.sidebar.clear()
        QListWidgetItem("All photos", self.sidebar).setData(Qt.ItemDataRole.UserRole, ("all", None))
        for root in self.library.roots():
            item = QListWidgetItem("   " + (os.path.basename(root) or root), self.sidebar)
            item.setToolTip(root)
            item.setData(Qt.ItemDataRole.UserRole, ("folder", root))
        for label, key in (("People", "people"), ("Map", "map"), ("Could not be read", "failures")):
            QListWidgetItem(label, self.sidebar).setData(Qt.ItemDataRole.UserRole, (key, None))

    def _sidebar_clicked(self, item: QListWidgetItem) -> None:
        kind, value = item.data(Qt.ItemDataRole.UserRole)
        if kind == "all":
            self.folder_filter = None
            self.folder_chip.setText("All folders")
            self.pages.setCurrentIndex(PAGE_GRID)
            self.run_search()
        elif kind == "folder":
            self.set_folder_filter(value)
        elif kind == "people":
            self.pages.setCurrentIndex(PAGE_PEOPLE)
        elif kind == "map":
            self.pages.setCurrentIndex(PAGE_MAP)
        elif kind == "failures":
            self.show_failures()

    def _fill_folder_menu(self) -> None:
        menu = self.folder_chip.menu()
        menu.clear()
        menu.addAction("All folders", lambda: self.set_folder_filter(None))
        for root in self.library.roots():
            menu.addAction(root, lambda r=root: self.set_folder_filter(r))

    def set_person_filter(self, person_id: int | None) -> None:
        """Show one person's photos; a text search then searches within them."""
        self.person_filter = person_id
        if person_id is None:
            self.person_chip.hide()
        else:
            from photoindex.core.faces.people import find_person

            row = self.library.catalog().conn.execute("SELECT name FROM people WHERE id = ?", (person_id,)).fetchone()
            find_person(self.library.catalog(), person_id)
            self.person_chip.setText(f"👤 {(row[0] if row and row[0] else 'Unnamed')} ✕")
            self.person_chip.show()
        self.pages.setCurrentIndex(PAGE_GRID)
        self.run_search(force=True)

    def _person_photo_ids(self) -> set[int] | None:
        if self.person_filter is None:
            return None
        from photoindex.core.faces import person_photo_ids

        return set(person_photo_ids(self.library.catalog(), self.person_filter))

    def set_folder_filter(self, folder: str | None) -> None:
        self.folder_filter = folder
        self.folder_chip.setText(os.path.basename(folder) if folder else "All folders")
        self.pages.setCurrentIndex(PAGE_GRID)
        self.run_search()

    # -- start-up and indexing -----------------------------------------------------------------

    def _startup(self, folders: list[str]) -> None:
        self._fill_sidebar()
        for f in folders:
            self.add_folder(f, start=False)
        if self.library.roots():
            self.pages.setCurrentIndex(PAGE_GRID)
            self.refresh()
            self.start_indexing()  # a rescan on start picks up what changed while we were closed
        else:
            self.pages.setCurrentIndex(PAGE_WELCOME)
        for root in self.library.roots():
            if os.path.isdir(root):
                self.watcher.addPath(root)
        # Load the text model in the background so the first search is quick, but only once the
        # window has painted: importing torch holds the GIL for a couple of seconds.
        QTimer.singleShot(1200, self._warm_up)

    def _warm_up(self) -> None:
        def load() -> None:
            # Both models: their imports (torch, open_clip, transformers) hold the GIL in long
            # stretches, better now, while the window is idle, than in the middle of indexing.
            self.library.embedder("clip").load()
            self.library.embedder("dino").load()

        self.search_runner.submit(load, None, self._model_problem)

    def welcome_choose(self) -> None:
        self.welcome._choose()

    def add_folder(self, folder: str, start: bool = True) -> None:
        try:
            root = self.library.add_root(folder)
        except Exception as exc:
            QMessageBox.warning(self, "photoindex", str(exc))
            return
        if os.path.isdir(root):
            self.watcher.addPath(root)
        self._fill_sidebar()
        self.pages.setCurrentIndex(PAGE_GRID)
        if start:
            self.start_indexing()

    def start_indexing(self) -> None:
        if self.worker is not None and self.worker.isRunning():
            self._rescan_timer.start()
            return
        if not self.library.roots():
            return
        self.worker = IndexWorker(self.library, parent=self)
        self.worker.progress.connect(self._on_progress)
        self.worker.batch_written.connect(lambda: self._refresh_timer.isActive() or self._refresh_timer.start())
        self.worker.finished_ok.connect(self._on_indexed)
        self.worker.failed.connect(self._on_index_failed)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.pause_btn.setText("Pause")
        self.pause_btn.show()
        self.cancel_btn.show()
        self.worker.start()

    def _on_progress(self, p: Any) -> None:
        if p.phase == "embed" and p.total:
            self.progress.setRange(0, p.total)
            self.progress.setValue(p.done)
            eta = f", {int(p.eta_s // 60)} min {int(p.eta_s % 60)} s left" if p.eta_s else ""
            state = "Paused" if p.paused else "Indexing"
            name = os.path.basename(p.current)
            self.status_label.setText(f"{state} {p.done} of {p.total} photos · {p.rate:.1f}/s{eta} · {name}")
        elif p.current:
            self.status_label.setText(p.current)

    def _on_indexed(self, report: Any) -> None:
        self._end_indexing()
        what = "Indexing cancelled" if report.cancelled else "Up to date"
        self.status_label.setText(
            f"{what}: {report.embedded} photos embedded, {report.failed} could not be read"
            + (f", {report.moved} moved" if report.moved else "")
        )
        if report.warnings:
            self.banner.setText(" · ".join(report.warnings))
            self.banner.show()
        self.refresh()
        self.io_runner.submit(self.library.failures, self.failures.set_failures)

    def _on_index_failed(self, message: str) -> None:
        self._end_indexing()
        self._model_problem(message)

    def _model_problem(self, message: str) -> None:
        self.status_label.setText("Indexing stopped: " + message)
        self.banner.setText(message)
        self.banner.show()
        self.welcome.note.setText(message)

    def _end_indexing(self) -> None:
        self.progress.hide()
        self.pause_btn.hide()
        self.cancel_btn.hide()

    def toggle_pause(self) -> None:
        if self.worker is None:
            return
        if self.worker.control.paused:
            self.worker.resume()
            self.pause_btn.setText("Pause")
        else:
            self.worker.pause()
            self.pause_btn.setText("Resume")
            self.status_label.setText("Pausing after this batch…")

    def cancel_indexing(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
            self.status_label.setText("Cancelling after this batch…")

    # -- showing photos ------------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload what the grid shows (new photos appear as they are indexed)."""
        if self.mode == "search" and self.current_query:
            self.run_search(force=True)
        elif self.mode == "all":
            self.run_search(force=True)

    def _date_range(self) -> tuple[float | None, float | None]:
        choice = DATE_RANGES[self.dates.currentIndex()][1]
        if choice is None:
            return None, None
        now = time.time()
        if choice == "year":
            t = time.localtime(now)
            return time.mktime((t.tm_year, 1, 1, 0, 0, 0, 0, 0, -1)), None
        return now - int(choice) * 86400, None

    def run_search(self, force: bool = False) -> None:
        self._debounce.stop()
        query = self.search.text().strip()
        if not force and query == self.current_query and self.mode == ("search" if query else "all") and query:
            return
        self.current_query = query
        self._query_token += 1
        token = self._query_token
        folder = self.folder_filter
        date_from, date_to = self._date_range()
        if self.pages.currentIndex() != PAGE_GRID and self.library.roots():
            self.pages.setCurrentIndex(PAGE_GRID)
        if not query:
            self.mode = "all"

            def load_all() -> list[GridItem]:
                ids = self._person_photo_ids()
                if folder or date_from is not None:
                    matching = set(self.library.catalog().photo_ids_matching(folder, date_from, date_to).tolist())
                    ids = matching if ids is None else ids & matching
                return [GridItem(p.id, p.path, None, p.date) for p in self.library.photos() if ids is None or p.id in ids]

            self.io_runner.submit(load_all, lambda items: self._set_items(token, items, "photos"), self._search_error)
            return
        self.mode = "search"
        self.status_label.setText("Searching…")
        cutoff = self.relevant_only.isChecked()

        def work() -> list[Any]:
            return self.library.search(query, folder=folder, date_from=date_from, date_to=date_to, cutoff=cutoff,
                                       allowed_ids=self._person_photo_ids())

        self.search_runner.submit(work, lambda hits: self._hits_ready(token, hits), self._search_error)

    def _hits_ready(self, token: int, hits: list[Any]) -> None:
        if token != self._query_token:
            return  # an older query finished after a newer one started
        self.last_hits = hits
        self.results_token = token
        self._show_hits(hits)
        map_view = self.pages.widget(PAGE_MAP)
        if hasattr(map_view, "set_scores"):
            map_view.set_scores({h.photo_id: h.score for h in hits})  # a search lights up its region

    def _show_hits(self, hits: list[Any]) -> None:
        if self.mode not in ("search", "similar"):
            return
        items = [GridItem(h.photo_id, h.path, h.score, h.taken_at) for h in hits]
        order = self.sort.currentIndex()
        if order == 1:
            items.sort(key=lambda it: it.date or 0, reverse=True)
        elif order == 2:
            items.sort(key=lambda it: it.date or 0)
        self.model.set_items(items)
        what = "similar photos" if self.mode == "similar" else "matching photos"
        self.count_label.setText(
            f"{len(items)} {what}" if items else "No photo stands out for that search (untick “Only relevant”)"
        )
        if self.status_label.text() in ("Searching…", "Looking for similar photos…"):
            self.status_label.setText("")

    def _set_items(self, token: int, items: list[GridItem], what: str) -> None:
        if token != self._query_token:
            return
        self.model.set_items(items)
        self.count_label.setText(f"{len(items)} {what}")

    def _search_error(self, message: str) -> None:
        self.status_label.setText(message)
        self.banner.setText(message)
        self.banner.show()

    def show_photo_ids(self, ids: list[int]) -> None:
        self.mode = "selection"
        self._query_token += 1
        token = self._query_token

        def load() -> list[GridItem]:
            photos = self.library.catalog().photos(list(ids))
            return [GridItem(p.id, p.path, None, p.date) for pid in ids if (p := photos.get(pid)) is not None]

        self.pages.setCurrentIndex(PAGE_GRID)
        self.io_runner.submit(load, lambda items: self._set_items(token, items, "photos"))

    def find_similar(self, image: int | str, by: str) -> None:
        self.mode = "similar"
        self._query_token += 1
        token = self._query_token
        self.pages.setCurrentIndex(PAGE_GRID)
        self.status_label.setText("Looking for similar photos…")
        label = os.path.basename(self.library.photo(image).path) if isinstance(image, int) else os.path.basename(image)
        self.search.blockSignals(True)
        self.search.setText("")
        self.search.setPlaceholderText(f"Photos {'like' if by == 'dino' else 'about the same as'} {label}")
        self.search.blockSignals(False)
        self.current_query = ""
        self.search_runner.submit(lambda: self.library.similar(image, by=by), lambda hits: self._hits_ready(token, hits),
                                  self._search_error)

    def search_by_qimage(self, image: QImage) -> None:
        from PIL import Image

        image = image.convertToFormat(QImage.Format.Format_RGB888)
        w, h, bpl = image.width(), image.height(), image.bytesPerLine()
        data = bytes(image.constBits())[: bpl * h]
        pil = Image.frombuffer("RGB", (w, h), data, "raw", "RGB", bpl, 1).copy()
        self.mode = "similar"
        self._query_token += 1
        token = self._query_token

        def work() -> list[Any]:
            return self.library.similar_to_vector(self.library.embed_image(pil, "dino"), by="dino")

        self.search_runner.submit(work, lambda hits: self._hits_ready(token, hits), self._search_error)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def paste_image(self) -> None:
        mime = QGuiApplication.clipboard().mimeData()
        if mime is None:
            return
        if mime.hasImage():
            self.search_by_qimage(QImage(mime.imageData()))
        elif mime.hasUrls():
            for url in mime.urls():
                if url.isLocalFile() and is_photo_name(url.toLocalFile()):
                    self.find_similar(url.toLocalFile(), "dino")
                    return
        elif self.search.hasFocus() is False and mime.hasText():
            self.search.setText(mime.text())

    def show_failures(self) -> None:
        self.pages.setCurrentIndex(PAGE_FAILURES)
        self.io_runner.submit(self.library.failures, self.failures.set_failures)

    # -- photo actions -------------------------------------------------------------------------

    def show_context_menu(self, photo_id: int, global_pos: QPoint) -> QMenu:
        photo = self.library.photo(photo_id)
        menu = QMenu(self)
        if photo is None:
            return menu
        menu.addAction("Find similar (looks like)", lambda: self.find_similar(photo_id, "dino"))
        menu.addAction("Find similar (same meaning)", lambda: self.find_similar(photo_id, "clip"))
        menu.addSeparator()
        menu.addAction("Open", lambda: self.open_preview(photo_id))
        menu.addAction("Open with default application",
                       lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(photo.path)))
        menu.addAction("Reveal in file manager", lambda: reveal(photo.path))
        menu.addAction("Copy path", lambda: QGuiApplication.clipboard().setText(photo.path))
        self.last_menu = menu
        if not os.environ.get("PHOTOINDEX_NO_MENU_EXEC"):
            menu.popup(global_pos)
        return menu

    def open_preview(self, photo_id: int, ids: list[int] | None = None) -> Any:
        from photoindex.gui.preview import PreviewDialog

        ids = ids or [it.photo_id for it in self.model.items] or [photo_id]
        start = ids.index(photo_id) if photo_id in ids else 0
        self.preview = PreviewDialog(ids, start, self.library.photo, self)
        self.preview.show()
        return self.preview

    def open_settings(self) -> None:
        from photoindex.gui.settings_dialog import SettingsDialog

        dlg = SettingsDialog(self.library, self.grid.gridSize().width(), self)
        if dlg.exec():
            dlg.save()
            if dlg.faces_turned_off():
                self.library.settings = self.library.settings.with_(faces=False)
                self.io_runner.submit(self.library.delete_face_data)
            elif dlg.faces.isChecked() and not self.library.settings.faces:
                self.library.settings = self.library.settings.with_(faces=True)
            for root in dlg.removed:
                self.library.remove_root(root)
            for root in dlg.added:
                self.add_folder(root, start=False)
            self.grid.set_cell_size(dlg.thumb.value())
            self._fill_sidebar()
            self.refresh()
            if dlg.added:
                self.start_indexing()

    # -- drag and drop ---------------------------------------------------------------------------

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls() or event.mimeData().hasImage():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        mime = event.mimeData()
        if mime.hasUrls():
            for url in mime.urls():
                path = url.toLocalFile()
                if os.path.isdir(path):
                    self.add_folder(path)
                elif os.path.isfile(path) and is_photo_name(path):
                    self.find_similar(path, "dino")
                    break
        elif mime.hasImage():
            self.search_by_qimage(QImage(mime.imageData()))
        event.acceptProposedAction()

    def closeEvent(self, event) -> None:
        if self.worker is not None and self.worker.isRunning():
            self.worker.cancel()
            self.worker.wait(15000)
        self.search_runner.wait(5000)
        self.io_runner.wait(5000)
        self.thumbs.pool.waitForDone(5000)
        self.library.close()
        super().closeEvent(event)


def reveal(path: str) -> None:
    """Show the file in the platform's file manager (selected where the platform can)."""
    if sys.platform == "darwin":
        subprocess.Popen(["open", "-R", path])
    elif sys.platform.startswith("win"):
        subprocess.Popen(["explorer", "/select,", path])
    else:
        try:
            subprocess.Popen(
                ["dbus-send", "--session", "--dest=org.freedesktop.FileManager1", "--type=method_call",
                 "/org/freedesktop/FileManager1", "org.freedesktop.FileManager1.ShowItems",
                 f"array:string:{QUrl.fromLocalFile(path).toString()}", "string:"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
        except OSError:
            QDesktopServices.openUrl(QUrl.fromLocalFile(os.path.dirname(path)))

