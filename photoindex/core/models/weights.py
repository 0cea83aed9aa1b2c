"""Find model files: a local models folder first, then photoindex's download folder, then the
Hugging Face cache, then a download from the hub.

Downloads go through huggingface_hub's own machinery: its offline switch (HF_HUB_OFFLINE), its
endpoint (HF_ENDPOINT, for a mirror), its HTTP client (which follows HTTP(S)_PROXY), its file
metadata (size, commit, sha256 of large files) and its streaming GET with retries. Every file is
pinned to a revision (registry.py). A download is written to `<file>.part` beside its final
place, so a cancelled or interrupted download resumes where it stopped (huggingface_hub 2.x
no longer keeps partial files between calls). One progress report covers all the files with
their real total: bytes done of total, speed and time left.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from photoindex.core.models.registry import ModelFile
from photoindex.core.types import DownloadCancelled, DownloadProgress, ModelUnavailable

log = logging.getLogger(__name__)

ProgressFn = Callable[[DownloadProgress], None]

auto_download = True
"""Whether loading a model may download what is missing (the command line: yes, with a bar on
stderr). The window turns it off: there a download starts from its first-run panel."""


__all__ = ["DownloadCancelled", "ProgressFn", "download", "download_dir", "ensure", "find_in_models_dir", "locate",
           "offline", "sha256_of"]


def offline() -> bool:
    """huggingface_hub's own offline switch (HF_HUB_OFFLINE, or TRANSFORMERS_OFFLINE)."""
    from huggingface_hub import constants

    # The hub reads the variable once, at import; a process that sets it later (a test, the
    # window's 'work offline') is honoured too.
    value = os.environ.get("HF_HUB_OFFLINE") or os.environ.get("TRANSFORMERS_OFFLINE")
    if value is not None:
        return value.strip().upper() in {"1", "ON", "YES", "TRUE"}
    return bool(constants.is_offline_mode())


def endpoint() -> str:
    """The hub's address: HF_ENDPOINT (a mirror) or huggingface.co, as huggingface_hub sees it."""
    from huggingface_hub import constants

    return (os.environ.get("HF_ENDPOINT") or constants.ENDPOINT).rstrip("/")


def download_dir() -> Path:
    from photoindex.config import default_cache_dir

    return default_cache_dir() / "models"


def find_in_models_dir(models_dir: Path | None, names: Iterable[str]) -> Path | None:
    """The first file or folder under models_dir (searched recursively) with one of these names."""
    if models_dir is None or not models_dir.is_dir():
        return None
    wanted = list(names)
    for name in wanted:
        direct = models_dir / name
        if direct.exists():
            return direct
    for dirpath, dirnames, filenames in os.walk(models_dir):
        for name in wanted:
            if name in filenames or name in dirnames:
                return Path(dirpath) / name
    return None


# -- checksums -----------------------------------------------------------------------------------

_verified: dict[tuple[str, int, int], str] = {}
_verified_lock = threading.Lock()


def sha256_of(path: Path) -> str:
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns)
    with _verified_lock:
        if key in _verified:
            return _verified[key]
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    digest = h.hexdigest()
    with _verified_lock:
        _verified[key] = digest
    return digest


def check_file(path: Path, spec: ModelFile) -> None:
    """Raise ModelUnavailable naming the file when its sha256 is known and differs."""
    if spec.sha256 and sha256_of(path) != spec.sha256:
        raise ModelUnavailable(
            f"{path} is not the expected {spec.filename} (its sha256 differs from {spec.sha256[:12]}…): "
            "it is damaged or another version; delete it or replace it with the right file"
        )


# -- where a file is -----------------------------------------------------------------------------


def _repo_folder(spec: ModelFile) -> Path:
    return download_dir() / spec.repo.replace("/", "--")


def _downloaded(spec: ModelFile) -> tuple[Path, str] | None:
    """(path, revision) of a completed download of spec in photoindex's download folder."""
    base = _repo_folder(spec)
    if spec.revision is not None:
        path = base / spec.revision / spec.filename
        return (path, spec.revision) if path.is_file() else None
    try:
        revisions = sorted(base.iterdir(), key=lambda p: p.stat().st_mtime, reverse=True)
    except OSError:
        return None
    for rev in revisions:
        if (rev / spec.filename).is_file():
            return rev / spec.filename, rev.name
    return None


def locate(spec: ModelFile, models_dir: Path | None) -> tuple[Path, str] | None:
    """Where spec is on this computer (checked against its sha256 where known): (path, where
    it came from: 'models-dir', a revision, or 'hf-cache'), or None."""
    local = find_in_models_dir(models_dir, [spec.filename])
    if local is not None and local.is_file() and _plausibly_ours(local, spec):
        check_file(local, spec)
        return local, "models-dir"
    found = _downloaded(spec)
    if found is not None:
        check_file(found[0], spec)
        return found
    try:
        from huggingface_hub import try_to_load_from_cache

        cached = try_to_load_from_cache(spec.repo, spec.filename, revision=spec.revision)
        revision = spec.revision or "hf-cache"
        if not (isinstance(cached, str) and os.path.exists(cached)) and spec.revision is not None:
            # photoindex 0.x (and other programs) downloaded without a pin: the copy the cache's
            # 'main' names is used rather than downloading the same model again; the library
            # records that it came from there.
            cached = try_to_load_from_cache(spec.repo, spec.filename)
            revision = "hf-cache:main"
    except Exception as exc:  # a damaged cache folder must not stop the lookup
        log.warning("cannot look in the Hugging Face cache for %s: %s", spec.label, exc)
        cached = None
    if isinstance(cached, str) and os.path.exists(cached):
        check_file(Path(cached), spec)
        return Path(cached), revision
    return None


def _plausibly_ours(path: Path, spec: ModelFile) -> bool:
    """config.json and tokenizer.json are common names: in a models folder, only the copy in a
    folder named like the repository counts (model weights and unique names count anywhere)."""
    if spec.filename not in ("config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"):
        return True
    return path.parent.name == spec.repo.split("/")[-1]


def missing(specs: Sequence[ModelFile], models_dir: Path | None) -> list[ModelFile]:
    return [s for s in specs if locate(s, models_dir) is None]


# -- downloading ---------------------------------------------------------------------------------


class _Meter:
    """Bytes done of the total across files, with speed over the last few seconds and time left."""

    def __init__(self, total: int, done: int, progress: ProgressFn | None, cancel: threading.Event | None) -> None:
        self.total, self.done, self.start_done = total, done, done
        self.progress, self.cancel = progress, cancel
        self.samples: deque[tuple[float, int]] = deque([(time.monotonic(), done)])
        self.file = ""
        self._last = 0.0

    def add(self, n: int) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise DownloadCancelled("the download was cancelled; it resumes where it stopped next time")
        self.done += n
        now = time.monotonic()
        self.samples.append((now, self.done))
        while len(self.samples) > 2 and now - self.samples[0][0] > 5.0:
            self.samples.popleft()
        if now - self._last >= 0.1 or self.done >= self.total:
            self._last = now
            self.report()

    def report(self, finished: bool = False) -> None:
        if self.progress is None:
            return
        t0, d0 = self.samples[0]
        t1, d1 = self.samples[-1]
        speed = (d1 - d0) / (t1 - t0) if t1 > t0 else 0.0
        eta = (self.total - self.done) / speed if speed > 0 else None
        self.progress(DownloadProgress(self.done, self.total, speed, eta, self.file, finished))


def _tqdm_class(meter: _Meter) -> Any:
    from tqdm.auto import tqdm

    class HubBar(tqdm):  # type: ignore[misc]
        """huggingface_hub's download hook: every chunk it writes goes to the shared meter."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["disable"] = True  # the meter reports; this bar draws nothing
            super().__init__(*args, **kwargs)

        def update(self, n: float | None = 1) -> bool | None:
            meter.add(int(n or 0))
            return super().update(n)

    return HubBar


def stderr_progress() -> tuple[ProgressFn, Callable[[], None]]:
    """A tqdm bar on stderr for the command line: (progress function, close)."""
    from tqdm import tqdm

    bar: list[Any] = []

    def progress(p: DownloadProgress) -> None:
        if not bar:
            bar.append(tqdm(total=p.total, initial=p.done, unit="B", unit_scale=True, unit_divisor=1024,
                            desc="Downloading models", dynamic_ncols=True, leave=True))
        b = bar[0]
        b.total = p.total
        b.update(p.done - b.n)

    def close() -> None:
        if bar:
            bar[0].close()

    return progress, close


def _metadata(spec: ModelFile) -> Any:
    from huggingface_hub import get_hf_file_metadata, hf_hub_url

    url = hf_hub_url(spec.repo, spec.filename, revision=spec.revision or "main", endpoint=endpoint())
    return get_hf_file_metadata(url, endpoint=endpoint())


def download(
    specs: Sequence[ModelFile],
    *,
    progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
    what: str = "the model files",
    hint: str = "",
) -> dict[ModelFile, tuple[Path, str]]:
    """Download each spec not yet in photoindex's download folder (pinned to its revision;
    an unpinned one to the commit the hub names now), resuming partial files. Returns spec ->
    (path, revision). Raises ModelUnavailable in one line (offline, unreachable, refused) or
    DownloadCancelled."""
    out: dict[ModelFile, tuple[Path, str]] = {}
    todo = []
    for spec in specs:
        found = _downloaded(spec)
        if found is not None:
            out[spec] = found
        else:
            todo.append(spec)
    if not todo:
        return out
    tail = f"; {hint}" if hint else ""
    if offline():
        raise ModelUnavailable(f"{what} are not on this computer and downloads are off (HF_HUB_OFFLINE){tail}")
    plans = []
    try:
        for spec in todo:
            meta = _metadata(spec)
            revision = spec.revision or meta.commit_hash or "main"
            final = _repo_folder(spec) / revision / spec.filename
            part = final.with_name(final.name + ".part")
            have = part.stat().st_size if part.exists() else 0
            size = int(meta.size) if meta.size is not None else spec.size
            if have > size:
                part.unlink()
                have = 0
            etag = (meta.etag or "").strip('"')
            plans.append((spec, revision, final, part, have, size, meta.location, etag))
    except DownloadCancelled:
        raise
    except Exception as exc:
        raise ModelUnavailable(f"cannot reach the model server {endpoint()} ({_one_line(exc)}){tail}") from None
    meter = _Meter(sum(p[5] for p in plans), sum(p[4] for p in plans), progress, cancel)
    meter.report()
    bar = _tqdm_class(meter)
    from huggingface_hub import constants
    from huggingface_hub.file_download import http_get

    # The hub hands its progress hook 10 MiB at a time: on a slow line that is a bar that moves
    # every few seconds and a Cancel that waits as long. 256 KiB keeps both prompt.
    constants.DOWNLOAD_CHUNK_SIZE = min(constants.DOWNLOAD_CHUNK_SIZE, 256 << 10)
    for spec, revision, final, part, have, size, url, etag in plans:
        meter.file = spec.filename
        final.parent.mkdir(parents=True, exist_ok=True)
        try:
            if have < size:
                with open(part, "ab") as fh:
                    http_get(url, fh, resume_size=have, expected_size=size,
                             displayed_filename=spec.filename, tqdm_class=bar)
        except DownloadCancelled:
            raise
        except OSError as exc:
            raise ModelUnavailable(f"could not download {spec.label}: {_one_line(exc)}{tail}") from None
        except Exception as exc:  # the hub's HTTP errors, a dropped connection after retries
            raise ModelUnavailable(f"could not download {spec.label} from {endpoint()}: {_one_line(exc)}{tail}") from None
        expected = spec.sha256 or (etag if len(etag) == 64 and all(c in "0123456789abcdef" for c in etag) else None)
        if expected is not None and sha256_of(part) != expected:
            part.unlink(missing_ok=True)
            raise ModelUnavailable(f"the download of {spec.label} is damaged (its sha256 is wrong); it was deleted, try again")
        os.replace(part, final)
        out[spec] = (final, revision)
    meter.file = ""
    meter.report(finished=True)
    return out


def ensure(
    specs: Sequence[ModelFile],
    models_dir: Path | None,
    *,
    what: str,
    hint: str,
    progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
) -> dict[ModelFile, tuple[Path, str]]:
    """Every spec's local path and revision, downloading what is missing (with a progress bar on
    stderr when no progress function is given)."""
    found: dict[ModelFile, tuple[Path, str]] = {}
    need = []
    for spec in specs:
        where = locate(spec, models_dir)
        if where is None:
            need.append(spec)
        else:
            found[spec] = where
    if need and offline():
        raise ModelUnavailable(f"{what} are not on this computer and downloads are off (HF_HUB_OFFLINE); {hint}")
    if need and not auto_download:
        raise ModelUnavailable(f"{what} are not on this computer yet; {hint}")
    if need:
        close: Callable[[], None] | None = None
        if progress is None:
            progress, close = stderr_progress()
        try:
            found.update(download(need, progress=progress, cancel=cancel, what=what, hint=hint))
        finally:
            if close is not None:
                close()
    return found


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200] or type(exc).__name__
