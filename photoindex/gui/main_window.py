"""The library window: sidebar, search bar, grid, status bar with indexing controls.

Everything slow runs off the GUI thread: catalog reads of many rows and the folder list on
io_runner, model work (text encoding, similarity) on search_runner, indexing on IndexWorker,
thumbnails on the grid's own pool. Results come back by signal and are dropped when a newer
request has been made since (the token).
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from typing import Any

import shiboken6
from PySide6.QtCore import QFileSystemWatcher, QPoint, QSettings, QSize, Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QFont, QGuiApplication, QImage, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from photoindex.core.library import is_photo_name
from photoindex.gui.compat import favour_gui_thread, freeze_long_lived
from photoindex.gui.controllers import (
    Filters,
    GridRows,
    IndexingController,
    SearchController,
    query_has_words,
)
from photoindex.gui.failures_panel import FailuresPanel
from photoindex.gui.first_run import FirstRunPanel
from photoindex.gui.folder_tree import FolderTree
from photoindex.gui.grid import PhotoGrid, PhotoModel
from photoindex.gui.menus import build_menus
from photoindex.gui.search_bar import SearchBar
from photoindex.gui.status import ZOOM_MAX, ZOOM_MIN, ZOOM_STEP, CountLabel, IndexProgress, ZoomSlider
from photoindex.gui.tasks import IndexWorker, TaskRunner
from photoindex.gui.thumbs import ThumbnailCache
from photoindex.gui.welcome import WelcomePage

log = logging.getLogger(__name__)

PAGE_WELCOME, PAGE_GRID, PAGE_PEOPLE, PAGE_MAP, PAGE_FAILURES, PAGE_DUPLICATES = range(6)
OPTIONAL_PAGES = {PAGE_PEOPLE: ("people_view", "PeopleView", "People"), PAGE_MAP: ("map_view", "MapView", "Map"),
                  PAGE_DUPLICATES: ("duplicates_view", "DuplicatesView", "Duplicates")}
REFRESH_MS = 1500  # while indexing, the grid reloads at most this often
FIRST_PAGE = 600  # photos shown at once while the rest of a big library is read
ONE_READ = 20_000  # up to this many (a folder's count in the tree), one read is quicker than two
MAX_WATCHED_FOLDERS = 2000  # inotify watches are a shared, limited resource

SIDEBAR_STYLE = """
QListWidget { border: none; background: transparent; outline: none; }
QListWidget::item { padding: 5px 6px; border-radius: 5px; }
QListWidget::item:selected { background: palette(highlight); color: palette(highlighted-text); }
QListWidget::item:hover:!selected { background: palette(midlight); }
"""
BANNER_STYLE = "QFrame#banner { border: 1px solid palette(mid); border-radius: 6px; background: palette(alternate-base); }"


class Banner(QFrame):
    """A dismissable one-line message above the grid (model missing, offline, a warning)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setStyleSheet(BANNER_STYLE)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QToolButton(text="✕", autoRaise=True)
        close.setToolTip("Dismiss")
        close.clicked.connect(self.hide)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 6, 6, 6)
        row.addWidget(self.label, 1)
        row.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def setText(self, text: str) -> None:  # noqa: N802 (reads like QLabel's)
        self.label.setText(text)

    def text(self) -> str:
        return self.label.text()


class MainWindow(QMainWindow):
    def __init__(self, library: Any, start_folders: list[str] | None = None, thumb_size: int = 180) -> None:
        super().__init__()
        favour_gui_thread()
        self.library = library
        self.setWindowTitle("photoindex")
        self.resize(1280, 820)
        self.setAcceptDrops(True)
        self.search_runner = TaskRunner(1, self)  # model work, one at a time
        self.io_runner = TaskRunner(2, self)  # catalog reads
        self.thumbs = ThumbnailCache(library.settings.thumbs_dir, parent=self, threads=library.settings.cpu_threads())
        self.model = PhotoModel(self.thumbs, self)
        self.worker: IndexWorker | None = None
        self.searches = SearchController(library)  # the rules of what the grid shows (Qt-free)
        self.indexing = IndexingController()
        self.results_token = -1
        self.last_hits: list[Any] = []
        self.person_filter: int | None = None
        self.roots: list[str] = []  # the library's folders, read off the GUI thread
        self.failed_count = 0  # photos that could not be read, and groups of duplicates: for the sidebar,
        self.duplicate_groups: int | None = None  # both counted off the GUI thread
        self.model_state = "not loaded"  # 'loading', 'ready', or the reason it cannot load
        self.known_photos: int | None = None  # indexed photos in the library (the folder tree's sum)
        self._warm_up_after_grid = False  # the start-up rescan and the models wait for the first photos
        self._first_grid_done = False
        self._complete_token = -1  # the request whose whole list (not only its first page) is shown
        self._after_tree: list[Any] = []  # what waits for the folder tree read in flight
        saved = QSettings("photoindex", "photoindex").value("window/thumb_size")
        if saved is not None:  # the size the user last zoomed to
            try:
                thumb_size = max(ZOOM_MIN, min(ZOOM_MAX, int(saved)))
            except (TypeError, ValueError):
                log.warning("ignoring a saved thumbnail size of %r", saved)
        self._build(thumb_size)
        self._closed = False  # set by closeEvent: no indexing run starts after it (a timer may still fire)
        self._refresh_timer = QTimer(self, singleShot=True, interval=REFRESH_MS, timeout=self.refresh)
        self._rescan_timer = QTimer(self, singleShot=True, interval=5000, timeout=self.start_indexing)
        self.watcher = QFileSystemWatcher(self)
        self.watcher.directoryChanged.connect(lambda _p: self._rescan_timer.start())
        QTimer.singleShot(0, lambda: self._startup(start_folders or []))

    # -- layout --------------------------------------------------------------------------------

    def _build(self, thumb_size: int) -> None:
        self.bar = SearchBar()
        self.search = self.bar.edit
        self._placeholder = self.search.placeholderText()
        self.sort = self.bar.sort
        self.relevant_only = self.bar.relevant_only
        self.bar.search_requested.connect(lambda force: self.run_search(force=force))
        self.bar.sort_changed.connect(self._sort_changed)
        self.bar.settings_requested.connect(self.open_settings)
        self.bar.person_cleared.connect(lambda: self.set_person_filter(None))
        self.bar.person_chosen.connect(self.set_person_filter)  # a suggestion chip under the search field
        self.bar.folder_chosen.connect(self.set_folder_filter)
        self.bar.attach(self.library, self.io_runner)

        self.sidebar = QListWidget()
        self.sidebar.setStyleSheet(SIDEBAR_STYLE)
        self.sidebar.setIconSize(QSize(16, 16))
        self.sidebar.itemClicked.connect(self._sidebar_clicked)
        add_folder = QPushButton(self.tr("＋ Add folder…"))
        add_folder.setToolTip(self.tr("Add a folder of photos to the library (or drag one onto the window)"))
        add_folder.clicked.connect(self.welcome_choose)
        side = QWidget()
        side.setMinimumWidth(170)
        side.setMaximumWidth(300)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 6, 0)
        self.folder_tree = FolderTree()
        self.folder_tree.folder_selected.connect(self.set_folder_filter)
        self.folder_tree.rescan_requested.connect(lambda _path: self.start_indexing())
        self.folder_tree.reveal_requested.connect(self.reveal_folder)
        self.folder_tree.remove_requested.connect(self.confirm_remove_folder)
        self.folders_header = QLabel(self.tr("FOLDERS"))
        font = QFont(self.sidebar.font())
        font.setPointSizeF(font.pointSizeF() * 0.8)
        font.setBold(True)
        self.folders_header.setFont(font)
        self.folders_header.setContentsMargins(6, 8, 0, 2)
        self.sidebar.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        side_layout.addWidget(self.sidebar)
        side_layout.addWidget(self.folders_header)
        side_layout.addWidget(self.folder_tree, 1)
        side_layout.addWidget(add_folder)

        self.grid = PhotoGrid(self.model, thumb_size)
        self.grid.activated_photo.connect(self.open_preview)
        self.grid.context_requested.connect(self.show_context_menu)
        self.banner = Banner()
        self.empty_note = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.empty_note.setWordWrap(True)
        self.empty_note.hide()
        grid_page = QWidget()
        gl = QVBoxLayout(grid_page)
        gl.setContentsMargins(0, 0, 0, 0)
        gl.addWidget(self.banner)
        gl.addWidget(self.empty_note)
        gl.addWidget(self.grid, 1)

        self.welcome = WelcomePage()
        self.welcome.folder_chosen.connect(self.add_folder)
        self.failures = FailuresPanel()
        self.failures.reveal_requested.connect(self.reveal_photo)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.welcome)
        self.pages.addWidget(grid_page)
        self.pages.addWidget(QWidget())  # People, made when first shown
        self.pages.addWidget(QWidget())  # Map, made when first shown
        self.pages.addWidget(self.failures)
        self.pages.addWidget(QWidget())  # Duplicates, made when first shown
        self._made_pages: set[int] = set()

        self.pages.currentChanged.connect(self._sync_sidebar)
        split = QSplitter()
        split.addWidget(side)
        split.addWidget(self.pages)
        split.setStretchFactor(1, 1)
        split.setSizes([210, 1070])
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(8, 8, 8, 0)
        layout.addWidget(self.bar)
        # Shows itself while the search models are missing; it looks once the photos are on screen.
        self.first_run = FirstRunPanel(self.library, check=False)
        self.first_run.hide()
        self.first_run.models_ready.connect(self._models_arrived)
        layout.addWidget(self.first_run)
        layout.addWidget(split, 1)
        self.setCentralWidget(central)

        # Indexing progress has its own permanent widget; transient messages go through
        # showMessage (say()), so a search refresh never overwrites "Indexing 12 of 347".
        self.index_status = IndexProgress()
        self.index_status.pause_clicked.connect(self.toggle_pause)
        self.index_status.cancel_clicked.connect(self.cancel_indexing)
        self.status_label = self.index_status.label
        self.progress = self.index_status.bar
        self.pause_btn = self.index_status.pause_btn
        self.cancel_btn = self.index_status.cancel_btn
        self.count_label = CountLabel()
        self.zoom = ZoomSlider(thumb_size)
        self.zoom.valueChanged.connect(self.set_thumb_size)
        sb = self.statusBar()
        sb.addPermanentWidget(self.index_status)
        sb.addPermanentWidget(self.count_label)
        sb.addPermanentWidget(self.zoom)
        self.grid.selectionModel().selectionChanged.connect(  # ranges, not 100,000 indexes after Select All
            lambda *_: self.count_label.set_selected(sum(r.height() for r in self.grid.selectionModel().selection())))

        self.actions_by_name = build_menus(self)
        self.pages.currentChanged.connect(self._follow_undo)
        self.grid.zoom_requested.connect(self.zoom_by)
        QShortcut(QKeySequence("Escape"), self.search, activated=self.search.clear)

    # -- optional pages (People, Map) ----------------------------------------------------------

    def page(self, index: int) -> QWidget:
        """The page at index; People and Map are imported and built the first time they are needed."""
        if index in OPTIONAL_PAGES and index not in self._made_pages:
            self._made_pages.add(index)
            old = self.pages.widget(index)
            view = self._optional_view(*OPTIONAL_PAGES[index])
            self.pages.insertWidget(index, view)
            self.pages.removeWidget(old)
            old.deleteLater()
        return self.pages.widget(index)

    def show_page(self, index: int) -> None:
        self.pages.setCurrentWidget(self.page(index))
        self._follow_undo()

    def _follow_undo(self, _index: int = -1) -> None:
        """The Edit menu's Undo and Redo act on the page shown (People's edits); elsewhere they
        are disabled."""
        stack = getattr(self.pages.currentWidget(), "undo_stack", None)
        self.undo_group.setActiveStack(stack if stack in self.undo_group.stacks() else None)

    def _optional_view(self, module: str, cls: str, title: str) -> QWidget:
        try:
            mod = __import__(f"photoindex.gui.{module}", fromlist=[cls])
            view = getattr(mod, cls)(self.library)
        except Exception as exc:  # the view is optional: the rest of the app works without it
            view = QLabel(f"<h3>{title}</h3>{title} is not available in this build.<br>"
                          f"<span style='color:gray'>{type(exc).__name__}: {exc}</span>")
            view.setAlignment(Qt.AlignmentFlag.AlignCenter)
            view.setWordWrap(True)
            return view
        for name, slot in (
            ("personActivated", self.set_person_filter),
            ("photosRequested", self.show_photo_ids),
            ("selectionChanged", self.show_photo_ids),
            # The map: a preview that steps through the photo's neighbours on the map.
            ("photoActivated", lambda pid, v=view: self._preview_neighbours(v, pid)),
            ("contextMenuRequested", self.show_context_menu),
            ("libraryChanged", self._duplicates_cleaned),
            ("indexRequested", self.start_indexing),
        ):
            sig = getattr(view, name, None)
            if sig is not None:
                sig.connect(slot)
        if hasattr(view, "use_actions") and hasattr(view, "undo_stack"):  # People: the Edit menu's Undo/Redo
            self.undo_group.addStack(view.undo_stack)
            view.use_actions(self.actions_by_name["undo"], self.actions_by_name["redo"])
        if hasattr(view, "set_scores") and self.last_hits and self.mode in ("search", "similar"):
            view.set_scores({h.photo_id: h.score for h in self.last_hits})  # the search before the map opened
        return view

    # -- sidebar -------------------------------------------------------------------------------

    def _fill_sidebar(self, failed: int | None = None, tree: bool = True) -> None:
        """The sidebar's entries; tree: read the folder tree's counts again too."""
        if failed is not None:
            self.failed_count = failed
        failed = self.failed_count
        style = self.style()
        current = self.sidebar.currentItem()
        keep = current.data(Qt.ItemDataRole.UserRole) if current is not None else None
        self.sidebar.clear()

        def header(text: str) -> None:
            item = QListWidgetItem(text.upper(), self.sidebar)
            font = QFont(self.sidebar.font())
            font.setPointSizeF(font.pointSizeF() * 0.8)
            font.setBold(True)
            item.setFont(font)
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            item.setSizeHint(QSize(0, 30))

        def entry(text: str, key: tuple[str, Any], icon: QStyle.StandardPixmap, tip: str = "") -> QListWidgetItem:
            item = QListWidgetItem(style.standardIcon(icon), text, self.sidebar)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setToolTip(tip or text)
            if key == keep:
                self.sidebar.setCurrentItem(item)
            return item

        roots = self.roots
        self.bar.roots = roots
        header(self.tr("Library"))
        entry(self.tr("All photos"), ("all", None), QStyle.StandardPixmap.SP_DirHomeIcon)
        header(self.tr("Browse"))
        entry(self.tr("People"), ("people", None), QStyle.StandardPixmap.SP_FileDialogContentsView,
              self.tr("Faces grouped into people"))
        entry(self.tr("Map"), ("map", None), QStyle.StandardPixmap.SP_FileDialogDetailedView,
              self.tr("Every photo on a map of look-alikes"))
        groups = self.duplicate_groups
        entry(self.tr("Duplicates") + (f" ({self.locale().toString(groups)})" if groups else ""),
              ("duplicates", None), QStyle.StandardPixmap.SP_FileDialogListView,
              self.tr("Copies, near-copies and similar shots, side by side, with the one to keep"))
        label = self.tr("Could not be read") + (f" ({self.locale().toString(failed)})" if failed else "")
        entry(label, ("failures", None), QStyle.StandardPixmap.SP_MessageBoxWarning,
              self.tr("Files that look like photos but could not be read"))
        rows = sum(self.sidebar.sizeHintForRow(i) for i in range(self.sidebar.count()))
        self.sidebar.setFixedHeight(rows + 2 * self.sidebar.frameWidth() + 4)
        self.folders_header.setVisible(bool(roots))
        self._sync_sidebar()
        if tree:
            self.load_folder_tree()

    def load_folder_tree(self) -> None:
        """Every folder with its photo count, read on a worker."""
        self._tree_loads += 1

        def loaded(tree: list[Any]) -> None:
            if not shiboken6.isValid(self):
                return
            self.folder_tree.set_tree(tree)
            self.known_photos = sum(node.count for node in tree)
            self._sync_sidebar()
            finished()

        def failed(message: str) -> None:
            log.warning("reading the folder tree: %s", message)
            finished()

        def finished() -> None:
            self._tree_loads -= 1
            if not self._tree_loads:
                waiting, self._after_tree = self._after_tree, []
                for fn in waiting:
                    QTimer.singleShot(0, fn)

        self.io_runner.submit(SearchController.folder_tree_job(self.library), loaded, failed)

    _tree_loads = 0  # folder tree reads in flight
    _tree_at_start = False

    def _when_tree_is_shown(self, fn: Any) -> None:
        """Run fn once no folder tree read is in flight (at once if none is): the rest of a big
        list is read after the first screenful and the folder tree are painted, not beside them
        (converting 100,000 rows holds the GIL the first paint needs)."""
        if self._tree_loads:
            self._after_tree.append(fn)
        else:
            QTimer.singleShot(0, fn)

    def _sync_sidebar(self, _index: int | None = None) -> None:
        """The sidebar highlights what is shown: a page, All photos, or the folder filtered to."""
        page = self.pages.currentIndex()
        key: tuple[str, Any] | None = {
            PAGE_PEOPLE: ("people", None), PAGE_MAP: ("map", None), PAGE_FAILURES: ("failures", None),
            PAGE_DUPLICATES: ("duplicates", None)}.get(page)
        folder = self.folder_filter if page == PAGE_GRID else None
        if page == PAGE_GRID and not folder:
            key = ("all", None)
        self.sidebar.blockSignals(True)
        self.sidebar.clearSelection()
        self.sidebar.setCurrentItem(None)
        for i in range(self.sidebar.count()):
            item = self.sidebar.item(i)
            if key is not None and item.data(Qt.ItemDataRole.UserRole) == key:
                self.sidebar.setCurrentItem(item)
                item.setSelected(True)
        self.sidebar.blockSignals(False)
        self.folder_tree.select_folder(folder)

    def sidebar_key(self) -> tuple[str, Any] | None:
        items = self.sidebar.selectedItems()
        return items[0].data(Qt.ItemDataRole.UserRole) if items else None

    def _sidebar_clicked(self, item: QListWidgetItem) -> None:
        key = item.data(Qt.ItemDataRole.UserRole)
        if key is None:
            return
        kind, value = key
        if kind == "all":
            self.set_folder_filter(None)
        elif kind == "folder":
            self.set_folder_filter(value)
        elif kind == "people":
            self.show_page(PAGE_PEOPLE)
        elif kind == "map":
            self.show_page(PAGE_MAP)
        elif kind == "failures":
            self.show_failures()
        elif kind == "duplicates":
            self.show_page(PAGE_DUPLICATES)

    def count_duplicates(self) -> None:
        """The number of groups of duplicates, for the sidebar (read on a worker)."""
        part = self.library.duplicates

        def counted(n: int) -> None:
            if shiboken6.isValid(self):  # the window may have closed meanwhile
                self.duplicate_groups = n
                self._fill_sidebar(tree=False)  # a new count of duplicates changes no folder

        self.io_runner.submit(lambda: len(part.groups()), counted,
                              lambda message: log.warning("counting duplicates: %s", message))

    def _duplicates_cleaned(self) -> None:
        """Files went to the Trash or came back (the Duplicates view): the count and the grid follow."""
        self.count_duplicates()
        self.refresh()

    @property
    def folder_filter(self) -> str | None:
        return self.bar.folder

    def set_folder_filter(self, folder: str | None) -> None:
        self.bar.set_folder(folder, emit=False)
        self._show_grid()
        self.run_search(force=True)
        self._sync_sidebar()

    def reveal_folder(self, folder: str) -> None:
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(folder)):
            self.show_failure(self.tr("Could not open the folder {folder} in the file manager.").format(folder=folder))

    def confirm_remove_folder(self, root: str) -> None:
        n = self.folder_tree.count_of(root) or 0
        answer = QMessageBox.question(
            self, self.tr("Remove from library"),
            self.tr("Remove {folder} and its %n photos from the library?\n\n"
                    "The files stay where they are; only photoindex forgets them.", "", n).format(folder=root))
        if answer == QMessageBox.StandardButton.Yes:
            self.remove_folder(root)

    def show_failure(self, text: str) -> None:
        """Something the user asked for did not work: say so (not a line on stderr)."""
        log.warning("%s", text)
        QMessageBox.warning(self, self.tr("photoindex"), text)

    def set_person_filter(self, person_id: int | None) -> None:
        """Show one person's photos; a text search then searches within them."""
        self.person_filter = person_id
        if person_id is None:
            self.bar.set_person(None)
        else:
            self.bar.set_person("…")

            def named(name: str | None) -> None:
                if self.person_filter == person_id:
                    self.bar.set_person(name or "Unnamed")

            self.io_runner.submit(lambda: self.library.people.name(person_id), named)
        self.pages.setCurrentIndex(PAGE_GRID)
        self.run_search(force=True)

    @property
    def mode(self) -> str:
        """'all', 'search', 'similar' or 'selection' (the search controller's)."""
        return self.searches.mode

    @property
    def current_query(self) -> str:
        return self.searches.query

    @property
    def _query_token(self) -> int:
        return self.searches.token

    def _filters(self) -> Filters:
        date_from, date_to = self.bar.date_range()
        return Filters(self.folder_filter, date_from, date_to, self.person_filter, self.relevant_only.isChecked())

    # -- start-up and indexing -----------------------------------------------------------------

    def _startup(self, folders: list[str]) -> None:
        """Read the library's folders (and add those given on the command line) on a worker,
        then show the grid or the welcome page."""

        def load() -> list[str]:
            for f in folders:
                try:
                    self.library.add_root(f)
                except Exception as exc:
                    log.warning("not added: %s", exc)
                    self.startup_problems.append(str(exc))
            return self.library.roots()

        self.startup_problems: list[str] = []
        self.io_runner.submit(load, self._started, self._search_error)
        self._tree_at_start = not folders
        if self._tree_at_start:  # the folder tree is read beside the roots, not after them
            self.load_folder_tree()

    def _started(self, roots: list[str]) -> None:
        self.roots = roots
        self._fill_sidebar(tree=not self._tree_at_start)
        if self.startup_problems:
            QMessageBox.warning(self, "photoindex", "\n".join(self.startup_problems))
        for root in roots:
            if os.path.isdir(root):
                self.watcher.addPath(root)
        # Load the models in the background so the first search is quick, but only once the
        # window has painted its photos: importing torch holds the GIL for seconds, and at
        # 100,000 photos a fixed delay let it land before the first grid and hold it back.
        # (Set before the grid is asked for: a small library's answer may come at once.)
        self._warm_up_after_grid = bool(self.roots) and not self._first_grid_done
        if self.roots:
            self.pages.setCurrentIndex(PAGE_GRID)
            self.refresh()
            self._watch_folders()
        else:
            self.pages.setCurrentIndex(PAGE_WELCOME)
        if not self.roots:
            self.first_run.refresh()
            self.count_duplicates()
            QTimer.singleShot(1200, self._warm_up)
        elif self._warm_up_after_grid:
            QTimer.singleShot(5000, self._after_first_grid)  # a search came first, or the read failed

    def _after_first_grid(self) -> None:
        """A rescan on start picks up what changed while we were closed, and the models load:
        both once the first photos are on screen."""
        if self._warm_up_after_grid:
            self._warm_up_after_grid = False
            self._first_grid_done = True  # once a window: a second _startup (tests) asks nothing again
            freeze_long_lived("start-up")  # what start-up imported and built lives as long as the window
            self.first_run.refresh()
            self.count_duplicates()
            self.start_indexing()
            QTimer.singleShot(500, self._warm_up)

    def _warm_up(self) -> None:
        if self.model_state in ("loading", "ready") or self._closed:
            return
        self.model_state = "loading"
        if not self.statusBar().currentMessage():
            self.say(self.tr("Loading the search models…"))

        def load() -> None:
            # Both models: their imports (torch, open_clip, transformers) hold the GIL in long
            # stretches, better now, while the window is idle, than in the middle of indexing.
            self.library.embedder("clip").load()
            self.library.embedder("dino").load()

        self.search_runner.submit(load, self._models_ready, self._model_problem)

    def _models_arrived(self) -> None:
        """The first-run panel brought the models: load them and embed what was only browsable."""
        if self.model_state not in ("loading", "ready"):  # a load under way needs nothing new
            self.model_state = "not loaded"
            self._warm_up()
        self.start_indexing()

    def _models_ready(self, _result: Any = None) -> None:
        self.model_state = "ready"
        freeze_long_lived("models")  # torch and the models: a full collection over them froze the window
        if self.statusBar().currentMessage() == self.tr("Loading the search models…"):
            self.say(self.tr("Ready to search"), 4000)

    def welcome_choose(self) -> None:
        self.welcome._choose()

    def add_folder(self, folder: str, start: bool = True) -> None:
        """Add a folder to the library (written on a worker), then index it."""

        def added(result: tuple[str, list[str]]) -> None:
            root, roots = result
            self.roots = roots
            if os.path.isdir(root):
                self.watcher.addPath(root)
            self._fill_sidebar()
            self.pages.setCurrentIndex(PAGE_GRID)
            if start:
                self.start_indexing()

        def refused(message: str) -> None:
            QMessageBox.warning(self, "photoindex", message)

        def add() -> tuple[str, list[str]]:
            root = self.library.add_root(folder)
            return root, self.library.roots()

        self.io_runner.submit(add, added, refused)

    def remove_folder(self, root: str) -> None:
        """Forget a folder and its photos (thousands of rows: on a worker)."""

        def removed(roots: list[str]) -> None:
            self.roots = roots
            self.watcher.removePath(root)
            self._fill_sidebar()
            self.refresh()

        def remove() -> list[str]:
            self.library.remove_root(root)
            return self.library.roots()

        self.io_runner.submit(remove, removed, self._search_error)

    def _watch_folders(self) -> None:
        """Watch every folder that holds photos (watchers are not recursive), found off-thread."""

        def folders() -> list[str]:
            roots = self.library.roots()
            found = set(roots)
            for folder in self.library.folders():
                while folder and folder not in found and any(folder.startswith(r) for r in roots):
                    found.add(folder)
                    folder = os.path.dirname(folder)
                if len(found) >= MAX_WATCHED_FOLDERS:
                    break
            return sorted(f for f in found if os.path.isdir(f))

        def watch(paths: list[str]) -> None:
            new = [p for p in paths if p not in set(self.watcher.directories())]
            if new:
                self.watcher.addPaths(new)

        self.io_runner.submit(folders, watch)

    def start_indexing(self) -> None:
        if self._closed:  # a rescan timer or a folder change after the window closed: the thread
            return        # would outlive the window (Qt aborts on a QThread destroyed while running)
        if self.worker is not None and self.worker.isRunning():
            self.indexing.request_rescan()
            return
        if not self.roots:
            return
        self.indexing.started()
        self.worker = IndexWorker(self.library, parent=self)
        self.worker.progress.connect(self._on_progress)
        self.worker.batch_written.connect(self._batch_written)
        self.worker.finished_ok.connect(self._on_indexed)
        self.worker.failed.connect(self._on_index_failed)
        self.index_status.running(True)
        self.index_status.say(self.tr("Looking for new and changed photos…"))
        self.worker.start()

    def _batch_written(self) -> None:
        """New photos: the grid reloads, at most every REFRESH_MS, less often in a big library
        (a reload reads every row on a worker: 100,000 rows every 1.5 s would compete with the GUI)."""
        if not self._refresh_timer.isActive():
            self._refresh_timer.start(REFRESH_MS + len(self.model.items) // 25)

    def _on_progress(self, p: Any) -> None:
        self.index_status.show_progress(p)

    def _on_indexed(self, report: Any) -> None:
        self._end_indexing()
        self.index_status.summary(report)
        warnings = [w for w in report.warnings if not (report.models_missing and report.models_missing in w)]
        if report.models_missing:
            self.first_run.refresh()  # browsable now; the panel offers the models
        if warnings:
            self.banner.setText(" · ".join(warnings))
            self.banner.show()
        self.refresh()
        if PAGE_MAP in self._made_pages:  # the open map places what was just indexed
            map_view = self.pages.widget(PAGE_MAP)
            if hasattr(map_view, "reload") and map_view.isVisible():
                map_view.reload()
        if PAGE_DUPLICATES in self._made_pages:  # new copies, or the photos an undo put back
            dup_view = self.pages.widget(PAGE_DUPLICATES)
            if hasattr(dup_view, "reload") and dup_view.isVisible():
                dup_view.reload()
        self.count_duplicates()
        self.io_runner.submit(self.library.failures, self._failures_loaded)
        self._watch_folders()

    def _failures_loaded(self, failures: list[Any]) -> None:
        self.failures.set_failures(failures)
        self._fill_sidebar(len(failures))

    def _on_index_failed(self, message: str) -> None:
        self._end_indexing()
        self.index_status.say(self.tr("Indexing stopped: {reason}").format(reason=message))
        self._model_problem(message)

    def _model_problem(self, message: str) -> None:
        self.model_state = message
        self.first_run.show_problem(message)  # the download, or why the models do not load
        if self.statusBar().currentMessage() == self.tr("Loading the search models…"):
            self.say(self.tr("Search models unavailable"))

    def _end_indexing(self) -> None:
        if self.indexing.finished():
            self._rescan_timer.start()  # a folder changed while the run went on
        self.index_status.running(False)

    def toggle_pause(self) -> None:
        if self.worker is None:
            return
        if self.worker.control.paused:
            self.worker.resume()
            self.pause_btn.setText(self.tr("Pause"))
            self.index_status.say(self.tr("Resuming…"))
        else:
            self.worker.pause()
            self.pause_btn.setText(self.tr("Resume"))
            self.index_status.say(self.tr("Pausing after this batch…"))

    def cancel_indexing(self) -> None:
        if self.worker is not None:
            self.worker.cancel()  # also wakes a paused pipeline
            self.index_status.say(self.tr("Cancelling after this batch…"))

    # -- showing photos ------------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload what the grid shows (new photos appear as they are indexed). Not while People,
        the Map or Duplicates is shown: a search shows the grid, and the user would be pulled away;
        the grid reloads when its sidebar entry is clicked."""
        if self.pages.currentIndex() not in (PAGE_GRID, PAGE_WELCOME):
            return
        if (self.mode == "search" and self.current_query) or self.mode == "all":
            self.run_search(force=True, keep_place=True)
        if self.worker is not None and self.worker.isRunning():
            self.load_folder_tree()  # counts grow as photos are indexed

    def run_search(self, force: bool = False, keep_place: bool = False) -> None:
        """Show the photos for the query and the chips (all photos when the query is empty).
        keep_place: a refresh of the same search, so the grid keeps its scroll position."""
        self.bar.debounce.stop()
        query = self.bar.text()
        if not force and query == self.current_query and self.mode == ("search" if query else "all"):
            return
        filters = self._filters()
        token = self._begin("search" if query else "all", query)
        self.search.setPlaceholderText(self._placeholder)  # no "Photos that look like …" left over
        self._show_grid()
        if not query:
            if PAGE_MAP in self._made_pages and hasattr(self.pages.widget(PAGE_MAP), "set_scores"):
                self.pages.widget(PAGE_MAP).set_scores({})  # no search now: no stale search colouring
            order = self.sort.currentIndex()

            def everything(_message: str = "") -> None:
                if self.searches.is_current(token):
                    self.io_runner.submit(self.searches.browse_job(filters, order),
                                          lambda r: self._set_items(token, r, keep_place, complete=True),
                                          self._search_error)

            expected = self.folder_tree.count_of(filters.folder) if filters.folder else self.known_photos
            if ((not keep_place or not len(self.model.items)) and filters.person_id is None
                    and (expected is None or expected > ONE_READ)):
                # A screenful first, then everything (new rows inserted after it: the view stays).
                # The whole list is read once the screenful is painted (posted paints run before
                # a zero timer), so it neither overtakes it nor holds the GIL while it paints.
                def first(result: GridRows) -> None:
                    if len(result) < FIRST_PAGE:  # that was all of them
                        self._set_items(token, result, keep_place, complete=True)
                    else:
                        self._first_page(token, result)
                        self._when_tree_is_shown(everything)

                self.io_runner.submit(self.searches.browse_job(filters, order, FIRST_PAGE), first, everything)
            else:
                everything()
            return
        if not self.roots or not query_has_words(query):
            self.results_token = token
            self.last_hits = []
            self.model.set_items([])
            self.count_label.set_shown("")
            why = (self.tr("Your library has no photos yet: add a folder, and search it once it is indexed.")
                   if not self.roots else
                   self.tr("This search has no words: type what the photos show, "
                           "like “dog on a beach” or “beach - people”."))
            self._empty(why)
            if self.pages.currentIndex() == PAGE_WELCOME:
                self.say(why, 10000)
            return
        self.say(self.tr("Searching…"))
        self._submit_search(token, self.searches.search_job(query, filters), keep_place)

    def _begin(self, mode: str, query: str = "") -> int:
        """A new request for the grid; the sort combo shows the order in force for it (by date
        when browsing, relevance offered only when there are scores)."""
        self.bar.set_browsing(mode not in ("search", "similar"))
        return self.searches.begin(mode, query)

    def _show_grid(self) -> None:
        """The grid, or the welcome page while the library has no folder (never a blank grid)."""
        self.pages.setCurrentIndex(PAGE_GRID if self.roots else PAGE_WELCOME)

    def _sort_changed(self) -> None:
        if self.mode in ("search", "similar"):
            self._show_hits(self.last_hits)
        elif self.mode == "all":
            self.run_search(force=True)

    def _submit_search(self, token: int, work: Any, keep_place: bool = False) -> None:
        """Model work runs one job at a time, and only the newest waiting one: typing fast
        does not queue a text encoding per keystroke."""
        if not self.searches.offer_model_job(token, work, keep_place):
            return
        self._run_model_job(token, work, keep_place)

    def _run_model_job(self, token: int, work: Any, keep_place: bool) -> None:
        def done(hits: list[Any]) -> None:
            self._search_finished()
            self._hits_ready(token, hits, keep_place)

        def failed(message: str) -> None:
            self._search_finished()
            if self.searches.is_current(token):
                self._search_error(message)

        self.search_runner.submit(work, done, failed)

    def _search_finished(self) -> None:
        waiting = self.searches.model_job_finished()
        if waiting is not None:
            self._run_model_job(*waiting)

    def _hits_ready(self, token: int, hits: list[Any], keep_place: bool = False) -> None:
        if not self.searches.is_current(token):
            return  # an older query finished after a newer one started
        self.last_hits = hits
        self.results_token = token
        self._show_hits(hits, keep_place)
        if PAGE_MAP in self._made_pages:
            map_view = self.pages.widget(PAGE_MAP)
            if hasattr(map_view, "set_scores"):
                map_view.set_scores({h.photo_id: h.score for h in hits})  # a search lights up its region

    def _show_hits(self, hits: list[Any], keep_place: bool = False) -> None:
        if self.mode not in ("search", "similar"):
            return
        items = self.searches.hit_items(hits, self.sort.currentIndex())
        self.grid.set_headers(self.sort.currentIndex() != 0)  # by date: under month headers
        if keep_place:
            self.grid.replace_items(items)
        else:
            self.model.set_items(items)
            self.grid.scrollToTop()
        n = len(items)
        self.count_label.set_shown("" if not n else self.tr("%n similar photos", "", n) if self.mode == "similar"
                                   else self.tr("%n matching photos", "", n))
        if items:
            self._empty(None)
        elif self.known_photos == 0:
            self._empty(self.tr("No photos are indexed yet, so there is nothing to search. "
                                "They become searchable as they are indexed."))
        elif self.relevant_only.isChecked():
            self._empty(self.tr("No photo stands out for that search. "
                                "Untick “Only relevant” to see the closest matches anyway."))
        else:
            self._empty(self.tr("Nothing found."))
        self.statusBar().clearMessage()

    def _first_page(self, token: int, result: GridRows) -> None:
        if self._complete_token != token and len(result):  # the whole list did not come first
            self._set_items(token, result)

    def _set_items(self, token: int, items: GridRows, keep_place: bool = False, complete: bool = False) -> None:
        if not self.searches.is_current(token):
            return
        if complete:
            keep_place = keep_place or self.results_token == token  # after its first page: insert, stay
            self._complete_token = token
        self.results_token = token
        self.grid.set_headers(self.mode == "all")  # the timeline; a person's or a lasso's photos as they come
        if keep_place:
            self.grid.replace_items(items)
        else:
            self.model.set_items(items)
            self.grid.scrollToTop()
        self.count_label.set_shown(self.tr("%n photos", "", len(items)))
        if complete or self.mode != "all":  # the rest of a big library is read before torch is imported
            self._after_first_grid()
        indexing = self.worker is not None and self.worker.isRunning()
        f = self._filters()
        if items or not self.roots or self.mode != "all":
            self._empty(None)
        elif f.narrows_catalog or f.person_id is not None:
            self._empty(self.tr("No photos match these filters."))
        elif indexing:
            self._empty(self.tr("Your photos appear here as they are indexed…"))
        else:
            self._empty(self.tr("No photos here yet."))

    def _empty(self, message: str | None) -> None:
        self.empty_note.setText(message or "")
        self.empty_note.setVisible(bool(message))

    def say(self, text: str, timeout_ms: int = 0) -> None:
        """A transient message in the status bar (never where indexing progress is)."""
        self.statusBar().showMessage(text, timeout_ms)

    def _search_error(self, message: str) -> None:
        self.say(message, 8000)
        self.banner.setText(message)
        self.banner.show()

    def show_photo_ids(self, ids: list[int]) -> None:
        """Some photos (a lasso on the map, a person's): no person chip left active over them."""
        if self.person_filter is not None:
            self.person_filter = None
            self.bar.set_person(None)
        token = self._begin("selection")
        self.pages.setCurrentIndex(PAGE_GRID)
        self.io_runner.submit(self.searches.photos_job(ids), lambda r: self._set_items(token, r))

    def find_similar(self, image: int | str, by: str) -> None:
        token = self._begin("similar")
        self.pages.setCurrentIndex(PAGE_GRID)
        self.say(self.tr("Looking for similar photos…"))
        if isinstance(image, int):
            row = self.model.row_of(image)
            label = os.path.basename(self.model.items[row].path) if row is not None else f"photo {image}"
        else:
            label = os.path.basename(image)
        self.search.blockSignals(True)
        self.search.setText("")
        self.search.setPlaceholderText((self.tr("Photos that look like {name}") if by == "dino"
                                        else self.tr("Photos that mean the same as {name}")).format(name=label))
        self.search.blockSignals(False)
        self._submit_search(token, self.searches.similar_job(image, by, self._filters()))

    def search_by_qimage(self, image: QImage) -> None:
        from PIL import Image

        image = image.convertToFormat(QImage.Format.Format_RGB888)
        w, h, bpl = image.width(), image.height(), image.bytesPerLine()
        data = bytes(image.constBits())[: bpl * h]
        pil = Image.frombuffer("RGB", (w, h), data, "raw", "RGB", bpl, 1).copy()
        token = self._begin("similar")
        self.pages.setCurrentIndex(PAGE_GRID)
        self.say(self.tr("Looking for similar photos…"))
        self.search.blockSignals(True)
        self.search.setText("")
        self.search.setPlaceholderText(self.tr("Photos that look like the pasted picture"))
        self.search.blockSignals(False)
        self._submit_search(token, self.searches.image_job(pil, "dino"))

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
        elif mime.hasText():
            text = mime.text().strip()
            if os.path.isfile(text) and is_photo_name(text):
                self.find_similar(text, "dino")
            elif self.search.hasFocus():
                self.search.paste()
            else:
                self.search.setText(text)
                self.run_search(force=True)

    def show_failures(self) -> None:
        self.pages.setCurrentIndex(PAGE_FAILURES)
        self.io_runner.submit(self.library.failures, self._failures_loaded)

    # -- photo actions -------------------------------------------------------------------------

    def selected_items(self) -> list[Any]:
        """The selected photos, in grid order (the grid's own copy: no catalog read)."""
        rows = sorted(i.row() for i in self.grid.selectionModel().selectedIndexes())
        return [self.model.items[r] for r in rows if r < len(self.model.items)]

    def show_context_menu(self, photo_id: int, global_pos: QPoint) -> QMenu:
        row = self.model.row_of(photo_id)  # the grid's own copy: no catalog read on the GUI thread
        menu = QMenu(self)
        menu.setToolTipsVisible(True)
        self.last_menu = menu
        if row is None:
            return menu
        selected = self.selected_items()
        if len(selected) > 1 and any(it.photo_id == photo_id for it in selected):
            self._fill_many_menu(menu, selected)
        else:
            self._fill_one_menu(menu, self.model.items[row])
        if not os.environ.get("PHOTOINDEX_NO_MENU_EXEC"):
            menu.popup(global_pos)
        return menu

    def _fill_one_menu(self, menu: QMenu, photo: Any) -> None:
        photo_id = photo.photo_id
        similar_look = menu.addAction(self.tr("Find similar (looks like)"), lambda: self.find_similar(photo_id, "dino"))
        similar_look.setToolTip(self.tr("Photos that look alike: composition, colours, the same scene (DINOv2)"))
        similar_clip = menu.addAction(self.tr("Find similar (same meaning)"),
                                      lambda: self.find_similar(photo_id, "clip"))
        similar_clip.setToolTip(self.tr("Photos of the same kind of thing, even if they look different (CLIP)"))
        menu.addSeparator()
        menu.addAction(self.tr("Open"), lambda: self.open_preview(photo_id))
        menu.addAction(self.tr("Open with default application"), lambda: self.open_externally(photo.path))
        menu.addAction(self.tr("Reveal in file manager"), lambda: self.reveal_photo(photo.path))
        menu.addAction(self.tr("Copy path"), lambda: QGuiApplication.clipboard().setText(photo.path))
        menu.addSeparator()
        menu.addAction(self.tr("Move to Trash…"), lambda: self.trash_photos([photo]))

    def _fill_many_menu(self, menu: QMenu, photos: list[Any]) -> None:
        n = len(photos)
        ids = [p.photo_id for p in photos]
        action = menu.addAction(self.tr("Find similar to these (%n photos)", "", n), lambda: self.find_similar_to(ids))
        action.setToolTip(self.tr("Photos that look like these together"))
        menu.addSeparator()
        menu.addAction(self.tr("Copy paths"), lambda: self.copy_paths(photos))
        menu.addAction(self.tr("Copy to folder…"), lambda: self.copy_to_folder(photos))
        menu.addAction(self.tr("Reveal in file manager"), lambda: self.reveal_photo(photos[0].path))
        menu.addSeparator()
        menu.addAction(self.tr("Move %n photos to Trash…", "", n), lambda: self.trash_photos(photos))

    def open_externally(self, path: str) -> bool:
        if not os.path.exists(path):
            self.show_failure(self.tr("{path} is not there any more (moved or deleted?).").format(path=path))
            return False
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(path)):
            self.show_failure(self.tr("No application could open {path}.").format(path=path))
            return False
        return True

    def reveal_photo(self, path: str) -> None:
        """The file in the file manager; when none answers, its folder; when that fails too, why."""
        if not os.path.exists(path):
            self.show_failure(self.tr("{path} is not there any more (moved or deleted?).").format(path=path))
            return

        def revealed(problem: str | None) -> None:
            if problem and not QDesktopServices.openUrl(QUrl.fromLocalFile(os.path.dirname(path))):
                self.show_failure(self.tr("Could not show {path} in the file manager: {reason}").format(
                    path=path, reason=problem))

        self.io_runner.submit(lambda: reveal(path), revealed, self.show_failure)

    def copy_paths(self, photos: list[Any]) -> None:
        QGuiApplication.clipboard().setText("\n".join(p.path for p in photos))
        self.say(self.tr("Copied %n paths", "", len(photos)), 3000)

    def copy_selected_paths(self) -> None:
        if self.search.hasFocus():
            self.search.copy()
        elif photos := self.selected_items():
            self.copy_paths(photos)

    def copy_to_folder(self, photos: list[Any], dest: str | None = None) -> None:
        """Copies of the photos in another folder (on a worker; an existing name is never overwritten)."""
        if dest is None:
            dest = QFileDialog.getExistingDirectory(self, self.tr("Copy %n photos to", "", len(photos)))
            if not dest:
                return
        paths = [p.path for p in photos]

        def copy() -> tuple[int, list[str]]:
            done, problems = 0, []
            for path in paths:
                target = os.path.join(dest, os.path.basename(path))
                stem, ext = os.path.splitext(target)
                n = 1
                while os.path.exists(target):
                    target = f"{stem} ({n}){ext}"
                    n += 1
                try:
                    shutil.copy2(path, target)
                    done += 1
                except OSError as exc:
                    log.warning("copying %s to %s: %s", path, dest, exc)
                    problems.append(f"{os.path.basename(path)}: {exc.strerror or exc}")
            return done, problems

        def copied(result: tuple[int, list[str]]) -> None:
            done, problems = result
            self.say(self.tr("Copied %n photos", "", done), 5000)
            if problems:
                self.show_failure(self.tr("Some photos could not be copied:") + "\n" + "\n".join(problems[:20]))

        self.io_runner.submit(copy, copied, self.show_failure)

    def trash_selected(self) -> None:
        if photos := self.selected_items():
            self.trash_photos(photos)

    def trash_photos(self, photos: list[Any], confirmed: bool = False) -> None:
        """Move the photos' files to the desktop Trash after a confirmation naming how many; the
        catalog forgets them (through the library, on a worker) and the grid follows."""
        n = len(photos)
        if not confirmed:
            answer = QMessageBox.question(
                self, self.tr("Move to Trash"),
                self.tr("Move %n photos to the Trash?\n\nThey leave your photo folders; "
                        "you can restore them from the Trash.", "", n))
            if answer != QMessageBox.StandardButton.Yes:
                return
        ids = [p.photo_id for p in photos]
        part = self.library.duplicates

        def trashed(report: Any) -> None:
            self.say(self.tr("Moved %n photos to the Trash", "", len(report.done)), 8000)
            if report.skipped:
                self.show_failure(self.tr("Some photos were not moved:") + "\n" + "\n".join(
                    f"{os.path.basename(s.path)}: {s.reason}" for s in report.skipped[:20]))
            self._duplicates_cleaned()
            self.load_folder_tree()

        self.io_runner.submit(lambda: part.trash(ids), trashed, self.show_failure)

    def find_similar_to(self, ids: list[int], by: str = "dino") -> None:
        token = self._begin("similar")
        self.pages.setCurrentIndex(PAGE_GRID)
        self.say(self.tr("Looking for similar photos…"))
        self.search.blockSignals(True)
        self.search.setText("")
        self.search.setPlaceholderText(self.tr("Photos that look like these %n photos", "", len(ids)))
        self.search.blockSignals(False)
        cutoff = self.relevant_only.isChecked()
        self._submit_search(token, lambda: self.library.similar_to_photos(ids, by=by, cutoff=cutoff))

    def go_to(self, what: str) -> None:
        self.show_page({"people": PAGE_PEOPLE, "map": PAGE_MAP, "duplicates": PAGE_DUPLICATES}[what])

    def _preview_neighbours(self, view: Any, photo_id: int) -> Any:
        """A click on the map: a preview that steps through the photo's neighbours on the map."""
        neighbours = getattr(view, "neighbours", None)
        if neighbours is None:
            return self.open_preview(photo_id, [photo_id])
        return self.open_preview(photo_id, neighbours(photo_id), context=self.tr("nearby on the map"))

    def open_preview(self, photo_id: int, ids: list[int] | None = None, context: str = "") -> Any:
        from photoindex.gui.preview import PreviewDialog

        if not ids and (row := self.model.row_of(photo_id)) is not None:
            ids, start = self.model.items.ids.tolist(), row  # the grid's order (a column, not 100,000 items)
        else:
            ids = ids or [photo_id]
            start = ids.index(photo_id) if photo_id in ids else 0
        self.preview = PreviewDialog(ids, start, self.library, self, context=context)
        self.preview.current_changed.connect(self._follow_preview)
        self.preview.show()
        return self.preview

    def _follow_preview(self, photo_id: int) -> None:
        row = self.model.row_of(photo_id)
        if row is not None:
            self.grid.setCurrentIndex(self.model.index(row))

    def set_thumb_size(self, cell: int) -> None:
        """Thumbnail size from the zoom slider, Ctrl+wheel or Ctrl+plus/minus; kept for next time."""
        cell = max(ZOOM_MIN, min(ZOOM_MAX, int(cell)))
        if self.zoom.value() != cell:
            self.zoom.setValue(cell)  # comes back here through valueChanged
            return
        if cell != self.grid.cell_size():
            self.grid.set_cell_size(cell)
            QSettings("photoindex", "photoindex").setValue("window/thumb_size", cell)

    def zoom_by(self, steps: int) -> None:
        self.set_thumb_size(self.grid.cell_size() + steps * ZOOM_STEP)

    def open_settings(self) -> None:
        from photoindex.gui.settings_dialog import SettingsDialog

        dlg = SettingsDialog(self.library, self.grid.cell_size(), self, roots=list(self.roots))
        if dlg.exec():
            if dlg.save():
                # The window's Library follows the file at once (what the command line set wins,
                # as at start-up); a new model is switched to by the next index run.
                self.io_runner.submit(self.library.reload_settings, self._settings_reloaded, self._search_error)
            if dlg.faces_turned_off():
                self.library.settings = self.library.settings.with_(faces=False)
                self.io_runner.submit(self.library.delete_face_data)
            elif dlg.faces.isChecked() and not self.library.settings.faces:
                self.library.settings = self.library.settings.with_(faces=True)
            for root in dlg.removed:
                self.remove_folder(root)
            for root in dlg.added:
                self.add_folder(root, start=False)
            self.set_thumb_size(dlg.thumb.value())
            self._fill_sidebar()
            self.refresh()
            if dlg.added:
                self.start_indexing()

    def _settings_reloaded(self, changed: set[str]) -> None:
        if changed & {"clip_model", "clip_pretrained", "dino_model", "weights", "device", "precision"}:
            self.model_state = "not loaded"
            self.start_indexing()  # switches the library to the new model in the background

    # -- drag and drop ---------------------------------------------------------------------------

    def dragEnterEvent(self, event) -> None:
        mime = event.mimeData()
        if mime.hasImage() or any(u.isLocalFile() for u in mime.urls()):
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
        self._closed = True
        self._rescan_timer.stop()
        self._refresh_timer.stop()
        if self.worker is not None and self.worker.isRunning():
            self.worker.cancel()
            self.worker.wait(15000)
        for index in self._made_pages:
            stop = getattr(self.pages.widget(index), "stop", None)
            if callable(stop):
                stop()
        self.searches.drop_waiting()
        self.search_runner.wait(5000)
        self.io_runner.wait(5000)
        self.thumbs.close()
        preview = getattr(self, "preview", None)
        if preview is not None and shiboken6.isValid(preview):  # its loads read the library closed below
            preview.pool.clear()
            preview.pool.waitForDone(5000)
        self.library.close()
        super().closeEvent(event)


def reveal(path: str) -> str | None:
    """Ask the platform's file manager to show the file, selected (a subprocess that may take a
    moment: call it off the GUI thread). None when that worked, else what went wrong."""
    if sys.platform == "darwin":
        command = ["open", "-R", path]
    elif sys.platform.startswith("win"):
        command = ["explorer", "/select,", path]
    else:
        command = ["dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.FileManager1",
                   "--type=method_call", "/org/freedesktop/FileManager1", "org.freedesktop.FileManager1.ShowItems",
                   f"array:string:{QUrl.fromLocalFile(path).toString()}", "string:"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired) as exc:
        log.warning("reveal %s: %s", path, exc)
        return str(exc)
    if done.returncode == 0 or sys.platform.startswith("win"):  # explorer /select exits 1 on success
        return None
    lines = (done.stderr or done.stdout).strip().splitlines()
    problem = lines[-1] if lines else f"exit status {done.returncode}"
    log.warning("reveal %s: %s", path, problem)
    return problem
