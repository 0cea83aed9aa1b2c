"""What an install carries besides code: the wheel's resources (icon, .desktop, AppStream
metainfo, translations), the desktop entry and metainfo themselves, one version string, and
dependency floors that the committed constraints (the tested versions) satisfy.

The bundle itself (PyInstaller, ~15 minutes) is checked by packaging/check.sh, not here."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
import zipfile
from importlib.metadata import version
from pathlib import Path

import pytest
from packaging.requirements import Requirement

REPO = Path(__file__).resolve().parents[2]
RESOURCES = REPO / "photoindex" / "resources"
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())
VERSION = PYPROJECT["project"]["version"]
METAINFO = RESOURCES / "io.github.photoindex.metainfo.xml"
DESKTOP = RESOURCES / "photoindex.desktop"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(out), str(REPO)], check=True, capture_output=True, timeout=300)
    (whl,) = out.glob("photoindex-*.whl")
    return zipfile.ZipFile(whl)


def test_the_wheel_carries_the_resources_desktop_file_and_metainfo(wheel):
    names = set(wheel.namelist())
    for rel in ("photoindex.svg", "photoindex.desktop", "io.github.photoindex.metainfo.xml"):
        assert f"photoindex/resources/{rel}" in names
        assert wheel.read(f"photoindex/resources/{rel}") == (RESOURCES / rel).read_bytes()
    assert any(n.startswith("photoindex/resources/translations/") and n.endswith(".qm") for n in names)
    assert not any(n.startswith("resources/") for n in names), "one copy of the resources: inside the package"
    (meta,) = [n for n in names if n.endswith(".dist-info/METADATA")]
    assert f"\nVersion: {VERSION}\n" in wheel.read(meta).decode()


def test_one_version_string_from_the_package_metadata():
    import photoindex

    assert photoindex.__version__ == version("photoindex") == VERSION
    out = subprocess.run([sys.executable, "-m", "photoindex", "--version"], capture_output=True, text=True,
                         check=True, timeout=120).stdout
    assert out.strip() == f"photoindex {VERSION}"


def test_the_desktop_entry_is_valid():
    validator = shutil.which("desktop-file-validate")
    if validator:
        result = subprocess.run([validator, str(DESKTOP)], capture_output=True, text=True)
        assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr
    entry = configparser.ConfigParser(interpolation=None, strict=True)
    entry.optionxform = str  # keys are case-sensitive
    entry.read_string(DESKTOP.read_text(encoding="utf-8"))
    d = entry["Desktop Entry"]
    assert d["Type"] == "Application" and d["Terminal"] == "false"
    # Exec starts a command the package installs, with the files it is given ("Open with").
    command, *rest = d["Exec"].split()
    scripts = {**PYPROJECT["project"]["scripts"], **PYPROJECT["project"]["gui-scripts"]}
    assert command in scripts and rest == ["%F"]
    assert (RESOURCES / f"{d['Icon']}.svg").is_file()
    mimes = [m for m in d["MimeType"].split(";") if m]
    assert mimes and all(m.startswith("image/") for m in mimes), "never the folder handler (inode/directory)"
    assert d["Categories"].endswith(";") and "Graphics" in d["Categories"].split(";")


def test_the_appstream_metainfo_matches_the_package():
    root = ET.parse(METAINFO).getroot()
    assert root.tag == "component" and root.get("type") == "desktop-application"
    assert METAINFO.name == f"{root.findtext('id')}.metainfo.xml"
    assert root.findtext("launchable[@type='desktop-id']") == DESKTOP.name
    assert root.findtext("icon[@type='stock']") == "photoindex"
    assert root.findtext("project_license") == PYPROJECT["project"]["license"]["text"]
    releases = [r.get("version") for r in root.iter("release")]
    assert releases and releases[0] == VERSION, "the newest release in the metainfo is the package version"
    validator = shutil.which("appstreamcli")
    if validator:
        result = subprocess.run([validator, "validate", "--no-net", str(METAINFO)], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


def _constraints() -> dict[str, str]:
    pins = {}
    for raw in (REPO / "constraints.txt").read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            req = Requirement(line)
            (spec,) = req.specifier
            assert spec.operator == "==", line
            pins[req.name.lower().replace("_", "-")] = spec.version
    return pins


def test_declared_floors_are_tested_versions_and_the_constraints_satisfy_them():
    pins = _constraints()
    project = PYPROJECT["project"]
    declared = project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]
    for raw in declared:
        req = Requirement(raw)
        name = req.name.lower().replace("_", "-")
        if name in ("torch", "torchvision"):
            continue  # installed first by scripts/setup.sh, pinned there per machine
        assert name in pins, f"{req.name} is declared but not in constraints.txt (the tested set)"
        assert req.specifier.contains(pins[name], prereleases=True), f"{raw} excludes the tested {pins[name]}"
    for name in ("torch", "torchvision") + tuple(p for p in pins if p.startswith(("nvidia-", "triton"))):
        assert name not in pins, f"{name} is pinned by the setup scripts, not constraints.txt"


def test_every_imported_third_party_package_is_declared():
    import ast

    declared = {Requirement(r).name.lower().replace("_", "-") for r in PYPROJECT["project"]["dependencies"]}
    declared |= {Requirement(r).name.lower().replace("_", "-")
                 for extra in PYPROJECT["project"]["optional-dependencies"].values() for r in extra}
    # import name -> distribution name, where they differ
    dist_of = {"PIL": "pillow", "cv2": "opencv-python-headless", "sklearn": "scikit-learn", "dlib": "dlib-bin",
               "open_clip": "open-clip-torch", "PySide6": "pyside6-essentials", "shiboken6": "pyside6-essentials",
               "tomli_w": "tomli-w", "pillow_heif": "pillow-heif", "opentsne": "opentsne", "openTSNE": "opentsne"}
    stdlib = set(sys.stdlib_module_names)
    missing = set()
    for path in (REPO / "photoindex").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in stdlib or top == "photoindex":
                    continue
                dist = dist_of.get(top, top).lower().replace("_", "-")
                if dist not in declared:
                    missing.add(f"{top} ({path.relative_to(REPO)})")
    assert not missing, f"imported but not declared in pyproject.toml: {sorted(missing)}"
