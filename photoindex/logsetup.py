"""A log you can send: one rotating file in the platform log folder, set up once by the window and
the CLI alike, and every unhandled exception (main thread or not) written to it.

Qt-free and import-light (logging is already imported by the standard library's own modules).
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
import threading
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType

APP_NAME = "photoindex"
LOG_DIR_ENV = "PHOTOINDEX_LOG_DIR"
LOG_FILE_NAME = "photoindex.log"
MAX_BYTES = 1_000_000
BACKUPS = 3
FILE_FORMAT = "%(asctime)s %(process)d %(threadName)s %(levelname)s %(name)s: %(message)s"
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

FILE_ONLY = {"file_only": True}
"""`extra=` for a record meant for the log file only (e.g. the traceback behind an error that the
CLI has already said in one line on stderr)."""

_log = logging.getLogger(APP_NAME)
_installed: list[logging.Handler] = []


def log_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """PHOTOINDEX_LOG_DIR, else the platform log folder (~/.local/state/photoindex/log on Linux,
    ~/Library/Logs/photoindex on macOS, %LOCALAPPDATA%\\photoindex\\Logs on Windows)."""
    if environ.get(LOG_DIR_ENV):
        return Path(environ[LOG_DIR_ENV]).expanduser()
    from platformdirs import user_log_path

    return user_log_path(APP_NAME, appauthor=False)


def log_file(environ: Mapping[str, str] = os.environ) -> Path:
    return log_dir(environ) / LOG_FILE_NAME


def parse_level(level: str | int) -> int:
    if isinstance(level, int):
        return level
    name = level.strip().upper()
    if name not in LEVELS:
        raise ValueError(f"--log-level must be one of {', '.join(LEVELS)}, not {level!r}")
    return int(getattr(logging, name))


def setup_logging(
    level: str | int = "INFO",
    stderr_level: str | int | None = "WARNING",
    directory: Path | None = None,
) -> Path | None:
    """Log `level` and above to the rotating file (about 1 MB x 3) and `stderr_level` and above to
    stderr (None: nothing to stderr, e.g. the window). Installs sys.excepthook and
    threading.excepthook so unhandled exceptions land in the file. Calling it again replaces what
    the last call installed. Returns the log file, or None when its folder cannot be written (the
    app then runs without a file and says so on stderr once)."""
    file_level = parse_level(level)
    root = logging.getLogger()
    for handler in _installed:
        root.removeHandler(handler)
        handler.close()
    _installed.clear()
    path: Path | None = (directory or log_dir()) / LOG_FILE_NAME
    assert path is not None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        file_handler: logging.Handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=False
        )
    except OSError as exc:
        print(f"photoindex: warning: no log file ({path}: {exc.strerror or exc})", file=sys.stderr)
        path = None
    else:
        file_handler.setLevel(file_level)
        file_handler.setFormatter(logging.Formatter(FILE_FORMAT))
        root.addHandler(file_handler)
        _installed.append(file_handler)
    levels = [file_level if path is not None else logging.CRITICAL + 1]
    if stderr_level is not None:
        console = logging.StreamHandler(sys.stderr)
        console_level = parse_level(stderr_level)
        console.setLevel(console_level)
        console.setFormatter(logging.Formatter("photoindex: %(levelname)s: %(message)s"))
        console.addFilter(_ConsoleFilter(console_level))
        root.addHandler(console)
        _installed.append(console)
        levels.append(console_level)
    root.setLevel(min(levels))
    logging.captureWarnings(True)
    _install_hooks()
    return path


class _ConsoleFilter(logging.Filter):
    """stderr shows photoindex's own records from its level up, other libraries' records (model
    loaders' chatter) only from ERROR up unless the level is INFO or lower (-v); all of them still
    go to the file. Records marked FILE_ONLY never reach stderr."""

    def __init__(self, level: int) -> None:
        super().__init__()
        self.others_level = level if level <= logging.INFO else max(level, logging.ERROR)

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "file_only", False):
            return False
        if record.name == APP_NAME or record.name.startswith(APP_NAME + "."):
            return True
        return record.levelno >= self.others_level


def log_exception(message: str, exc: BaseException) -> None:
    """A caught exception that is not re-raised: into the log, with its traceback."""
    _log.error(message, exc_info=(type(exc), exc, exc.__traceback__))


def _excepthook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
    if not issubclass(kind, KeyboardInterrupt):
        _log.critical("unhandled exception", exc_info=(kind, value, tb))
    _previous_excepthook(kind, value, tb)


def _thread_excepthook(args: threading.ExceptHookArgs) -> None:
    if args.exc_type is not SystemExit and args.exc_value is not None:
        name = args.thread.name if args.thread is not None else "?"
        _log.critical("unhandled exception in thread %s", name,
                      exc_info=(args.exc_type, args.exc_value, args.exc_traceback))
    _previous_thread_excepthook(args)


_previous_excepthook = sys.excepthook
_previous_thread_excepthook = threading.excepthook


def _install_hooks() -> None:
    global _previous_excepthook, _previous_thread_excepthook
    if sys.excepthook is not _excepthook:
        _previous_excepthook = sys.excepthook
        sys.excepthook = _excepthook
    if threading.excepthook is not _thread_excepthook:
        _previous_thread_excepthook = threading.excepthook
        threading.excepthook = _thread_excepthook
