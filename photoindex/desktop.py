"""`photoindex desktop install|uninstall`: the applications-menu entry, the icon and "Open with"
for photos, for this user, in the XDG data folder ($XDG_DATA_HOME, else ~/.local/share).

What a system package puts under /usr/share (the .desktop file, hicolor icons), this puts under
the user's data folder, so a `pip install --user` or `pipx install` gets the same desktop entry.
The Exec line names the command that is running now (the pipx or venv script, or
`python -m photoindex`), so the entry starts this very installation.

photoindex is registered as an application that *can* open the image types (the MimeType line,
read by update-desktop-database): it is listed under "Open with" and never made the default
viewer behind the user's back (`xdg-mime default photoindex.desktop image/jpeg` does that, if
wanted). Uninstall removes exactly the files and folders install created, listed in a manifest in
the XDG state folder; files it did not write are never touched.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from photoindex.atomic import atomic_write_bytes, atomic_write_text

log = logging.getLogger(__name__)

APP_ID = "photoindex"
DESKTOP_FILE = f"{APP_ID}.desktop"
RESOURCES = Path(__file__).resolve().parent / "resources"
MARKER = "X-Photoindex-Installed-By=photoindex desktop install"
_SIZE = re.compile(r"(?:^|[/_-])(\d{2,4})(?:x\d{2,4})?(?:[/_.-]|$)")


@dataclass
class DesktopReport:
    action: str
    data_home: str
    exec_line: str = ""
    files: list[str] = field(default_factory=list)
    """Files written (install) or removed (uninstall)."""
    kept: list[str] = field(default_factory=list)
    """uninstall: files left because they are not the ones install wrote (changed since)."""
    tools: dict[str, str] = field(default_factory=dict)
    """Cache tool -> 'ran', 'not installed' or 'failed: ...'."""

    def as_dict(self) -> dict[str, Any]:
        return {"action": self.action, "data_home": self.data_home, "exec": self.exec_line,
                "files": self.files, "kept": self.kept, "tools": self.tools}

    def summary(self) -> str:
        if self.action == "install":
            lines = [f"installed {len(self.files)} files under {self.data_home}", f"  Exec={self.exec_line}"]
        else:
            lines = [f"removed {len(self.files)} files from {self.data_home}" if self.files
                     else f"nothing to remove under {self.data_home}"]
        lines += [f"  {p}" for p in self.files]
        lines += [f"  kept (changed since install): {p}" for p in self.kept]
        lines += [f"  {tool}: {state}" for tool, state in self.tools.items() if state != "ran"]
        return "\n".join(lines)


def data_home() -> Path:
    """$XDG_DATA_HOME, else ~/.local/share (platformdirs' answer on Linux and the BSDs)."""
    from platformdirs import user_data_path

    return Path(user_data_path(appauthor=False))


def _manifest_path() -> Path:
    from platformdirs import user_state_path

    return Path(user_state_path(APP_ID, appauthor=False)) / "desktop-install.json"


def _check_platform() -> None:
    if sys.platform.startswith(("win", "darwin")):
        from photoindex.core.types import PhotoindexError

        raise PhotoindexError("desktop install is for Linux and BSD desktops (freedesktop.org menus and icons)")


def launch_command() -> list[str]:
    """The command that starts this installation's window: the frozen bundle's executable, else
    photoindex-gui or photoindex beside the script running now (a venv's or pipx's bin folder,
    kept as a link: pipx upgrades replace its target), else this Python with -m photoindex."""
    if getattr(sys, "frozen", False):
        return [os.path.abspath(sys.executable)]
    script = Path(os.path.abspath(sys.argv[0])) if sys.argv and sys.argv[0] else None
    if script is not None and script.name in ("photoindex", "photoindex-gui") and script.is_file():
        gui = script.with_name("photoindex-gui")
        return [os.fspath(gui if gui.is_file() and os.access(gui, os.X_OK) else script)]
    return [os.path.abspath(sys.executable), "-m", "photoindex"]


def exec_quote(arg: str) -> str:
    """One Exec argument as the Desktop Entry Specification wants it: quoted when it holds a
    reserved character, with `"`, `` ` ``, `$` and `\\` backslash-escaped inside the quotes, and
    every backslash doubled again by the string escaping of the key's value."""
    if arg and not re.search(r"[\s\"'\\><~|&;$*?#()`=%]", arg):
        return arg
    inner = re.sub(r'(["`$\\])', r"\\\1", arg).replace("%", "%%")
    return ('"' + inner + '"').replace("\\", "\\\\")


def desktop_entry(command: list[str]) -> str:
    """The packaged .desktop file with its Exec line pointing at command (plus %F)."""
    text = (RESOURCES / DESKTOP_FILE).read_text(encoding="utf-8")
    exec_line = " ".join(exec_quote(a) for a in command) + " %F"
    lines = [f"Exec={exec_line}" if line.startswith("Exec=") else line
             for line in text.splitlines() if not line.startswith(("TryExec=", "X-Photoindex-"))]
    section_end = next((i for i, line in enumerate(lines[1:], 1) if line.startswith("[")), len(lines))
    lines.insert(section_end, MARKER)
    return "\n".join(lines).rstrip("\n") + "\n"


def icon_files() -> dict[str, Path]:
    """hicolor-relative destination -> packaged icon: the SVG as scalable, and every PNG found
    under resources/icons/ at the size its path names (16x16/..., photoindex-48.png)."""
    out: dict[str, Path] = {}
    svgs = sorted((RESOURCES / "icons").rglob(f"{APP_ID}.svg")) if (RESOURCES / "icons").is_dir() else []
    svg = RESOURCES / f"{APP_ID}.svg"
    if svg.is_file() or svgs:
        out[f"scalable/apps/{APP_ID}.svg"] = svg if svg.is_file() else svgs[0]
    if (RESOURCES / "icons").is_dir():
        for png in sorted((RESOURCES / "icons").rglob("*.png")):
            m = _SIZE.search(os.fspath(png.relative_to(RESOURCES / "icons")))
            if m:
                n = int(m.group(1))
                out.setdefault(f"{n}x{n}/apps/{APP_ID}.png", png)
    return out


def _planned(home: Path) -> dict[Path, bytes]:
    """Destination -> content of every file install writes."""
    files = {home / "applications" / DESKTOP_FILE: desktop_entry(launch_command()).encode("utf-8")}
    for rel, src in icon_files().items():
        files[home / "icons" / "hicolor" / rel] = src.read_bytes()
    return files


def _run_tool(report: DesktopReport, name: str, *args: str) -> None:
    """Refresh a desktop cache with its tool when it is installed; a missing tool is not an error
    (desktops rescan the folders themselves, later)."""
    exe = shutil.which(name)
    if exe is None:
        log.info("%s is not installed: the desktop picks up the change on its next rescan", name)
        report.tools[name] = "not installed"
        return
    try:
        proc = subprocess.run([exe, *args], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as exc:
        log.warning("%s failed: %s", name, exc)
        report.tools[name] = f"failed: {exc}"
        return
    if proc.returncode != 0:
        text = (proc.stderr or proc.stdout).strip().splitlines()
        log.warning("%s exited with %d: %s", name, proc.returncode, " ".join(text[-2:]))
        report.tools[name] = f"failed: exit {proc.returncode}"
    else:
        report.tools[name] = "ran"


def _refresh_caches(report: DesktopReport, home: Path) -> None:
    if (home / "applications").is_dir():
        _run_tool(report, "update-desktop-database", "-q", os.fspath(home / "applications"))
    hicolor = home / "icons" / "hicolor"
    if hicolor.is_dir():
        _run_tool(report, "gtk-update-icon-cache", "-q", "-f", "-t", os.fspath(hicolor))


def install() -> DesktopReport:
    _check_platform()
    home = data_home()
    report = DesktopReport("install", os.fspath(home), exec_line=" ".join(exec_quote(a) for a in launch_command()))
    manifest = _read_manifest()
    created_dirs: list[str] = list(manifest.get("dirs", []))
    written: list[str] = list(manifest.get("files", []))
    for dest, content in _planned(home).items():
        missing = []
        parent = dest.parent
        while not parent.exists():
            missing.append(parent)
            parent = parent.parent
        dest.parent.mkdir(parents=True, exist_ok=True)
        created_dirs += [os.fspath(d) for d in reversed(missing) if os.fspath(d) not in created_dirs]
        atomic_write_bytes(dest, content)
        if os.fspath(dest) not in written:
            written.append(os.fspath(dest))
        report.files.append(os.fspath(dest))
        log.info("desktop install: wrote %s", dest)
    atomic_write_text(_manifest_path(), json.dumps({"files": written, "dirs": created_dirs}, indent=1) + "\n")
    _refresh_caches(report, home)
    return report


def _read_manifest() -> dict[str, Any]:
    path = _manifest_path()
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("desktop install manifest %s unreadable (%s): removing only files identical to photoindex's", path, exc)
        return {}
    return doc if isinstance(doc, dict) else {}


def _ours(path: Path, planned: dict[Path, bytes]) -> bool:
    """A file install wrote: the .desktop file carries the marker; an icon is byte for byte ours."""
    try:
        data = path.read_bytes()
    except OSError:
        return False
    if path.name == DESKTOP_FILE:
        return MARKER.encode() in data
    return planned.get(path) == data or any(data == c for p, c in planned.items() if p.name == path.name)


_TOOL_CACHES = ("mimeinfo.cache", "icon-theme.cache")


def _remove_dir_if_ours_alone(folder: Path) -> bool:
    """A folder install created, removed when nothing but the desktop tools' own cache of it is
    left there (what anyone else put there since stays, and so does the folder). True: gone."""
    try:
        entries = list(folder.iterdir())
    except FileNotFoundError:
        return True
    except OSError as exc:
        log.warning("desktop uninstall: cannot list %s: %s", folder, exc)
        return False
    if any(e.name not in _TOOL_CACHES or not e.is_file() for e in entries):
        log.info("desktop uninstall: %s holds other files: kept", folder)
        return False
    try:
        for e in entries:
            e.unlink()
        folder.rmdir()
    except OSError as exc:
        log.warning("desktop uninstall: cannot remove %s: %s", folder, exc)
        return False
    return True


def uninstall() -> DesktopReport:
    _check_platform()
    home = data_home()
    report = DesktopReport("uninstall", os.fspath(home))
    manifest = _read_manifest()
    planned = _planned(home)
    candidates = [Path(p) for p in manifest.get("files", [])] or list(planned)
    for path in candidates:
        if not path.is_file():
            continue
        if _ours(path, planned):
            path.unlink()
            report.files.append(os.fspath(path))
            log.info("desktop uninstall: removed %s", path)
        else:
            report.kept.append(os.fspath(path))
            log.warning("desktop uninstall: %s was not written by photoindex (or changed since): kept", path)
    kept_dirs = [d for d in sorted(manifest.get("dirs", []), key=len, reverse=True)
                 if not _remove_dir_if_ours_alone(Path(d))]
    _refresh_caches(report, home)
    if kept_dirs or report.kept:
        # Folders install made that hold someone else's files now: a later uninstall tries again.
        atomic_write_text(_manifest_path(), json.dumps({"files": report.kept, "dirs": kept_dirs}, indent=1) + "\n")
    else:
        _manifest_path().unlink(missing_ok=True)
    return report
