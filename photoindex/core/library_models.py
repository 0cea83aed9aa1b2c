"""The library's models as the window and the command line see them: which are here, how much
there is to download, the download itself (one progress report, cancel, resume), and a folder
of model files for a computer without a connection. Qt-free; call it off the GUI thread (it
reads files and may hash them)."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from photoindex.core.models.registry import CLIP_CHOICES, YUNET, ModelFile
from photoindex.core.models.weights import download, locate
from photoindex.core.types import (
    SPACE_CLIP,
    SPACE_DINO,
    DownloadProgress,
    ModelChoice,
    ModelStatus,
    ModelUnavailable,
)

if TYPE_CHECKING:
    from photoindex.core.library import Library

log = logging.getLogger(__name__)


class ModelsPart:
    def __init__(self, library: Library) -> None:
        self._lib = library

    @property
    def auto_download(self) -> bool:
        """Whether loading a model downloads what is missing (process-wide; the window turns it off)."""
        from photoindex.core.models import weights

        return weights.auto_download

    @auto_download.setter
    def auto_download(self, value: bool) -> None:
        from photoindex.core.models import weights

        weights.auto_download = bool(value)

    @staticmethod
    def choices() -> list[ModelChoice]:
        """The CLIP models offered in Settings, the default first."""
        return [ModelChoice(c.name, c.pretrained, c.title, c.download_size, c.languages, c.recall_ko, c.recall_en,
                            c.image_cost) for c in CLIP_CHOICES]

    def files(self) -> list[tuple[str, str, tuple[ModelFile, ...]]]:
        """(what, name, files) of every model this library's settings need: 'clip', 'dino' and,
        with faces on, 'faces'. Random weights need no files."""
        lib = self._lib
        s = lib.settings
        out: list[tuple[str, str, tuple[ModelFile, ...]]] = []
        for space, name in ((SPACE_CLIP, f"{s.clip_model} ({s.clip_pretrained})"), (SPACE_DINO, s.dino_model)):
            emb = lib.embedder(space)
            files = emb.model_files() if hasattr(emb, "model_files") else ()
            out.append((space, name, tuple(files)))
        if s.faces:
            out.append(("faces", "YuNet face detector", (YUNET,)))
        return out

    def status(self) -> list[ModelStatus]:
        """Each model: its name, download size, whether every file of it is here (checked
        against its sha256 where known; a wrong file is named in `problem`)."""
        out = []
        models_dir = self._lib.settings.models_dir
        for what, name, files in self.files():
            missing_bytes = 0
            problem = ""
            for spec in files:
                try:
                    here = locate(spec, models_dir) is not None
                except ModelUnavailable as exc:
                    here, problem = False, str(exc)
                if not here:
                    missing_bytes += spec.size
            out.append(ModelStatus(name, what, sum(f.size for f in files), missing_bytes == 0 and not problem,
                                   missing_bytes, problem))
        return out

    def ready(self) -> bool:
        return all(m.present for m in self.status())

    def download(
        self, progress: Callable[[DownloadProgress], None] | None = None, cancel: threading.Event | None = None
    ) -> None:
        """Download every missing model file (one progress report over all of them; cancel keeps
        what was fetched and the next call resumes it). Raises ModelUnavailable in plain words,
        or DownloadCancelled."""
        models_dir = self._lib.settings.models_dir
        need: list[ModelFile] = []
        for _what, _name, files in self.files():
            for spec in files:
                try:
                    if locate(spec, models_dir) is None:
                        need.append(spec)
                except ModelUnavailable:
                    need.append(spec)  # a wrong copy in the models folder: fetch the right one
        if need:
            download(need, progress=progress, cancel=cancel, what="the search models",
                     hint="try again later, or use model files from a folder")
        self._lib.release_models()  # the next use loads the downloaded files

    def check_faces(self) -> str:
        """'' when the face models load (YuNet and the dlib models), else why not, in one line."""
        try:
            from photoindex.core.faces import FaceAnalyzer
        except ImportError as exc:
            return f"the face libraries are not installed ({exc.name}); pip install photoindex[faces]"
        try:
            FaceAnalyzer(self._lib.settings)
        except ModelUnavailable as exc:
            return str(exc)
        return ""

    def use_files_from(self, folder: str | os.PathLike[str]) -> list[ModelStatus]:
        """Look for model files in folder from now on (saved as models_dir in the settings file).
        Returns the status; raises ModelUnavailable naming what the folder lacks."""
        from photoindex.config import save_settings_file

        path = Path(folder).expanduser().resolve()
        if not path.is_dir():
            raise ModelUnavailable(f"{path} is not a folder")
        lib = self._lib
        save_settings_file({"models_dir": str(path)}, lib.settings.file)
        lib.reload_settings()
        if lib.settings.models_dir != path:  # set on the command line or in the environment: this session too
            with lib._lock:
                lib.settings = lib.settings.with_(models_dir=path)
                stale = list(lib._embedders.values())
                lib._embedders.clear()
            for emb in stale:
                emb.release()
        status = self.status()
        lacking = [m for m in status if not m.present]
        if lacking:
            problems = [m.problem for m in lacking if m.problem]
            if problems:
                raise ModelUnavailable(problems[0])
            names = ", ".join(m.name for m in lacking)
            needed = ", ".join(sorted({f.filename for what, _n, files in self.files()
                                       for f in files if what in {m.what for m in lacking}}))
            raise ModelUnavailable(f"{path} does not hold the files of {names} (looked for: {needed})")
        return status
