"""`photoindex desktop install|uninstall` into a private XDG data folder, as a pip/pipx user runs it."""

from __future__ import annotations

import configparser
import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from photoindex import desktop


def tree(root: Path) -> set[str]:
    return {os.fspath(p.relative_to(root)) for p in root.rglob("*")} if root.exists() else set()


@pytest.fixture
def xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "data"
    (data / "applications").mkdir(parents=True)
    (data / "applications" / "someone-else.desktop").write_text("[Desktop Entry]\nName=other\n")
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    return data


def entry(path: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


def test_install_points_at_the_running_command_and_uninstall_removes_exactly_it(
    xdg: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A pipx-like install: the scripts in a bin folder whose path has a space and a quote.
    bin_dir = tmp_path / "pipx venv's" / "bin"
    bin_dir.mkdir(parents=True)
    for name in ("photoindex", "photoindex-gui"):
        (bin_dir / name).write_text("#!/bin/sh\n")
        (bin_dir / name).chmod(0o755)
    monkeypatch.setattr(sys, "argv", [str(bin_dir / "photoindex"), "desktop", "install"])
    before = tree(xdg)
    report = desktop.install()
    d = entry(xdg / "applications" / "photoindex.desktop")
    assert d["Type"] == "Application" and d["Icon"] == "photoindex"
    # The Exec line, unescaped the way the spec says (string escapes, then shell-like quoting).
    exec_args = shlex.split(d["Exec"].replace("\\\\", "\\"))
    assert exec_args == [str(bin_dir / "photoindex-gui"), "%F"]
    mimes = set(filter(None, d["MimeType"].split(";")))
    assert "inode/directory" not in mimes
    assert {"image/jpeg", "image/png", "image/heic", "image/heif", "image/webp", "image/tiff", "image/gif",
            "image/bmp"} <= mimes
    assert (xdg / "icons" / "hicolor" / "scalable" / "apps" / "photoindex.svg").read_bytes() == \
        (desktop.RESOURCES / "photoindex.svg").read_bytes()
    for rel in desktop.icon_files():
        assert (xdg / "icons" / "hicolor" / rel).is_file()
    assert set(report.files) >= {os.fspath(xdg / "applications" / "photoindex.desktop")}
    desktop.install()  # twice is the same as once
    # A file someone else put in a folder that install created stays, and so does that folder.
    other_icon = xdg / "icons" / "hicolor" / "scalable" / "apps" / "other.svg"
    other_icon.write_text("<svg/>")
    report = desktop.uninstall()
    assert not (xdg / "applications" / "photoindex.desktop").exists()
    assert not (xdg / "icons" / "hicolor" / "scalable" / "apps" / "photoindex.svg").exists()
    assert other_icon.exists() and (xdg / "applications" / "someone-else.desktop").exists()
    other_icon.unlink()
    desktop.uninstall()  # nothing left to do: no error
    caches = {"applications/mimeinfo.cache"}  # update-desktop-database's, when installed
    assert tree(xdg) - caches == before, "uninstall leaves exactly what was there before install"


def test_uninstall_keeps_a_desktop_file_it_did_not_write(xdg: Path) -> None:
    mine = xdg / "applications" / "photoindex.desktop"
    mine.write_text("[Desktop Entry]\nType=Application\nName=my own photoindex\nExec=/opt/mine %F\n")
    report = desktop.uninstall()
    assert mine.exists() and report.files == [] and report.kept == [os.fspath(mine)]


def test_exec_quoting_follows_the_desktop_entry_spec() -> None:
    assert desktop.exec_quote("/usr/bin/photoindex") == "/usr/bin/photoindex"
    # Spec: inside double quotes, " ` $ \ are backslash-escaped; then each \ is doubled by the
    # string escaping of the value. A literal % is written %%.
    assert desktop.exec_quote("/home/u/my apps/photoindex") == '"/home/u/my apps/photoindex"'
    assert desktop.exec_quote('/a$b"c') == '"/a\\\\$b\\\\"c"'
    assert desktop.exec_quote("/x/100%/p") == '"/x/100%%/p"'


def test_python_dash_m_when_not_run_from_a_script(xdg: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "argv", [str(Path(desktop.__file__).parent / "__main__.py")])
    assert desktop.launch_command() == [os.path.abspath(sys.executable), "-m", "photoindex"]


def test_the_cli_command(xdg: Path, tmp_path: Path) -> None:
    env = dict(os.environ, XDG_DATA_HOME=str(xdg), XDG_STATE_HOME=str(tmp_path / "state"),
               PHOTOINDEX_LOG_DIR=str(tmp_path / "log"))
    proc = subprocess.run([sys.executable, "-m", "photoindex", "desktop", "install", "--json"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["action"] == "install" and "version" in doc
    assert os.fspath(xdg / "applications" / "photoindex.desktop") in doc["files"]
    exec_line = entry(xdg / "applications" / "photoindex.desktop")["Exec"]
    assert shlex.split(exec_line)[:3] == [os.path.abspath(sys.executable), "-m", "photoindex"]
    proc = subprocess.run([sys.executable, "-m", "photoindex", "desktop", "uninstall"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and "removed" in proc.stdout
    assert not (xdg / "applications" / "photoindex.desktop").exists()
