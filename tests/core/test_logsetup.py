"""A log you can send: records and unhandled exceptions land in the rotating file."""

from __future__ import annotations

import logging
import logging.handlers
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from photoindex import logsetup


@pytest.fixture
def log_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(logsetup.LOG_DIR_ENV, str(tmp_path / "logs"))
    saved = (sys.excepthook, threading.excepthook, logging.getLogger().level)
    yield tmp_path / "logs"
    root = logging.getLogger()
    for handler in list(logsetup._installed):
        root.removeHandler(handler)
        handler.close()
    logsetup._installed.clear()
    sys.excepthook, threading.excepthook = saved[0], saved[1]
    root.setLevel(saved[2])


def _flush() -> None:
    for handler in logsetup._installed:
        handler.flush()


def test_records_land_in_the_rotating_file(log_dir: Path, capsys) -> None:
    path = logsetup.setup_logging("INFO", stderr_level="WARNING")
    assert path == log_dir / "photoindex.log" == logsetup.log_file()
    handler = next(h for h in logsetup._installed if isinstance(h, logging.handlers.RotatingFileHandler))
    assert (handler.maxBytes, handler.backupCount) == (1_000_000, 3)
    logging.getLogger("photoindex.core.pipeline").info("indexed %d photos", 12)
    logging.getLogger("photoindex.core.pipeline").debug("not at INFO")
    logging.getLogger("photoindex.cli").error("said once", extra=logsetup.FILE_ONLY)
    logging.getLogger("open_clip").warning("chatter from a library")
    _flush()
    text = path.read_text()
    assert "indexed 12 photos" in text and "not at INFO" not in text
    assert "said once" in text and "chatter from a library" in text
    err = capsys.readouterr().err
    assert "indexed 12 photos" not in err, "INFO goes to the file, not to stderr"
    assert "said once" not in err, "a file-only record is not repeated on stderr"
    assert "chatter from a library" not in err, "other libraries' warnings stay in the file"
    logging.getLogger("photoindex.core.scan").warning("folder unreadable")
    assert "folder unreadable" in capsys.readouterr().err


def test_setting_up_twice_does_not_double_the_records(log_dir: Path) -> None:
    logsetup.setup_logging("INFO", stderr_level=None)
    path = logsetup.setup_logging("DEBUG", stderr_level=None)
    assert path is not None
    logging.getLogger("photoindex").debug("once only")
    _flush()
    assert path.read_text().count("once only") == 1


def test_unhandled_exceptions_are_logged(log_dir: Path) -> None:
    """A real process: a worker thread dies, then the main thread; both tracebacks are in the file."""
    code = (
        "import threading\n"
        "from photoindex.logsetup import setup_logging\n"
        "setup_logging('INFO', stderr_level=None)\n"
        "def boom():\n"
        "    raise RuntimeError('a worker thread died')\n"
        "t = threading.Thread(target=boom, name='face-worker'); t.start(); t.join()\n"
        "raise ValueError('main thread died')\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          env={**os.environ, logsetup.LOG_DIR_ENV: str(log_dir)})
    assert proc.returncode == 1 and "ValueError: main thread died" in proc.stderr  # still said as usual
    text = (log_dir / "photoindex.log").read_text()
    assert "unhandled exception in thread face-worker" in text and "RuntimeError: a worker thread died" in text
    assert "unhandled exception" in text and "ValueError: main thread died" in text and "Traceback" in text


def test_an_unwritable_log_folder_is_not_fatal(tmp_path: Path, monkeypatch, capsys) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv(logsetup.LOG_DIR_ENV, str(blocker / "logs"))
    saved = (sys.excepthook, threading.excepthook)
    try:
        assert logsetup.setup_logging("INFO", stderr_level=None) is None
        assert "no log file" in capsys.readouterr().err
    finally:
        for handler in list(logsetup._installed):
            logging.getLogger().removeHandler(handler)
        logsetup._installed.clear()
        sys.excepthook, threading.excepthook = saved
