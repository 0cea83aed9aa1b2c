"""The first-run panel: what most new users meet before the search models are on their computer.

Plain words and the real size; Download with a real progress bar (bytes of the total, speed,
time left) and Cancel; a cancelled or broken download resumes where it stopped (Retry); "Use
model files from a folder…" for a computer without a connection. Every file read and download
runs on a worker thread (TaskRunner); progress comes back by a queued signal. `models_ready` is
emitted once every model is here, so that the window can start embedding.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from PySide6.QtCore import QLocale, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from photoindex.core.types import DownloadProgress, ModelStatus
from photoindex.gui.tasks import TaskRunner

log = logging.getLogger(__name__)


class _ProgressRelay(QObject):
    progress = Signal(object)


class FirstRunPanel(QFrame):
    models_ready = Signal()

    def __init__(self, library: Any, parent: QWidget | None = None, check: bool = True) -> None:
        """check: look for the models now (the window asks later, once its photos are on screen:
        the look imports huggingface_hub, ~0.4 s of the GIL)."""
        super().__init__(parent)
        self.library = library
        self.setObjectName("firstRunPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.runner = TaskRunner(1, self)
        self._relay = _ProgressRelay(self)
        self._relay.progress.connect(self._on_progress)
        self._cancel: threading.Event | None = None
        self.state = "checking"
        self.missing_bytes = 0
        self._was_missing = False
        self._problem = ""
        # In the window a download starts only from this panel's button, with its progress bar.
        library.models.auto_download = False

        self.title = QLabel()
        self.title.setWordWrap(True)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(False)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.download_btn = QPushButton(self.tr("Download"))
        self.download_btn.setDefault(True)
        self.download_btn.clicked.connect(self.download)
        self.cancel_btn = QPushButton(self.tr("Cancel"))
        self.cancel_btn.clicked.connect(self.cancel)
        self.retry_btn = QPushButton(self.tr("Retry"))
        self.retry_btn.clicked.connect(self.download)
        self.folder_btn = QPushButton(self.tr("Use model files from a folder…"))
        self.folder_btn.clicked.connect(self.choose_folder)
        buttons = QHBoxLayout()
        for b in (self.download_btn, self.retry_btn, self.cancel_btn, self.folder_btn):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        layout.addWidget(self.bar)
        layout.addWidget(self.detail)
        layout.addLayout(buttons)
        self._show("checking")
        if check:
            self.refresh()

    # -- state ---------------------------------------------------------------------------------

    def _show(self, state: str, message: str = "") -> None:
        self.state = state
        size = self._size(self.missing_bytes)
        self.title.setText("<b>" + self.tr("Search by words needs its models") + "</b>")
        if state == "checking":
            self.text.setText(self.tr("Checking which models are on this computer…"))
        elif state == "ready-to-download":
            self.text.setText(self.tr(
                "To find photos by what they show, photoindex needs its search models: {size} to download once. "
                "Your photos never leave this computer. Meanwhile you can add folders and browse your photos."
            ).format(size=size))
        elif state == "downloading":
            self.text.setText(self.tr("Downloading the search models ({size})…").format(size=size))
        elif state == "paused":
            self.text.setText(self.tr("The download is paused. It continues where it stopped."))
        elif state == "failed":
            self.text.setText(self.tr("The models could not be downloaded: {reason}").format(reason=message))
        elif state == "folder-failed":
            self.text.setText(self.tr("That folder does not hold the model files: {reason}").format(reason=message))
        self.bar.setVisible(state in ("downloading", "paused"))
        self.detail.setVisible(state in ("downloading", "paused"))
        self.download_btn.setVisible(state in ("ready-to-download", "paused"))
        self.download_btn.setText(self.tr("Resume") if state == "paused" else self.tr("Download"))
        self.retry_btn.setVisible(state in ("failed", "folder-failed"))
        self.cancel_btn.setVisible(state == "downloading")
        self.folder_btn.setVisible(state != "downloading")
        self.folder_btn.setEnabled(state != "checking")

    def _size(self, n: int) -> str:
        return QLocale().formattedDataSize(n, 1, QLocale.DataSizeFormat.DataSizeSIFormat)

    def refresh(self) -> None:
        """Look (on a worker) which models are here; hide and emit models_ready when all are."""
        self.runner.submit(self.library.models_status, self._status_loaded, self._status_failed)

    def show_problem(self, message: str) -> None:
        """The window could not load the models: show the download (they are missing) or, when
        the files are here but do not load, the reason with Retry."""
        self._problem = message
        self.refresh()

    def _status_loaded(self, status: list[ModelStatus]) -> None:
        missing = [m for m in status if not m.present]
        if not missing:
            if self._problem:  # here, but they do not load
                self._show("failed", self._problem)
                self._problem = ""
                self.show()
                return
            self.hide()
            if self._was_missing:
                self._was_missing = False
                self.models_ready.emit()
            return
        self._was_missing = True
        self._problem = ""
        self.missing_bytes = sum(m.missing_bytes for m in missing)
        problems = [m.problem for m in missing if m.problem]
        if problems:
            self._show("folder-failed", problems[0])
        else:
            self._show("ready-to-download")
        self.show()

    def _status_failed(self, message: str) -> None:
        log.warning("cannot check the models: %s", message)
        self._show("failed", message)
        self.show()

    # -- download ------------------------------------------------------------------------------

    def download(self) -> None:
        if self.state == "downloading":
            return
        cancel = self._cancel = threading.Event()
        self._show("downloading")
        relay = self._relay

        def work() -> None:
            self.library.download_models(relay.progress.emit, cancel)

        self.runner.submit(work, self._downloaded, lambda msg: self._download_failed(msg, cancel))

    def cancel(self) -> None:
        if self._cancel is not None:
            self._cancel.set()

    def _on_progress(self, p: DownloadProgress) -> None:
        if self.state != "downloading":
            return
        self.bar.setValue(int(1000 * p.done / p.total) if p.total else 0)
        if p.eta_s is None or p.bytes_per_s <= 0:
            self.detail.setText(self.tr("{done} of {total}").format(done=self._size(p.done), total=self._size(p.total)))
            return
        self.detail.setText(self.tr("{done} of {total} · {speed}/s · {left} left").format(
            done=self._size(p.done), total=self._size(p.total), speed=self._size(int(p.bytes_per_s)),
            left=self._duration(p.eta_s)))

    def _duration(self, seconds: float) -> str:
        s = int(round(seconds))
        if s >= 3600:
            return self.tr("about %n hour(s)", "", round(s / 3600))
        if s >= 60:
            return self.tr("about %n minute(s)", "", round(s / 60))
        return self.tr("%n second(s)", "", s)

    def _downloaded(self, _result: object) -> None:
        self._cancel = None
        self._was_missing = True  # whatever was missing is here now: say so once the check agrees
        self.refresh()

    def _download_failed(self, message: str, cancel: threading.Event) -> None:
        if cancel.is_set():
            self._show("paused")
        else:
            self._show("failed", message)

    # -- a folder of model files ---------------------------------------------------------------

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Folder with the model files"))
        if folder:
            self.use_folder(folder)

    def use_folder(self, folder: str) -> None:
        self._show("checking")
        self.runner.submit(lambda: self.library.use_model_files_from(folder), self._status_loaded,
                           lambda msg: self._show("folder-failed", msg))
