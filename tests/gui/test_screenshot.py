"""The real window under Xvfb, with Korean names: a screenshot a person looks at."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
ARTIFACTS = PROJECT / ".test-artifacts"


@pytest.mark.xvfb
@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="needs xvfb-run (Debian xvfb)")
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_real_window_screenshot(tmp_path: Path, theme: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    out = ARTIFACTS / ("main-window.png" if theme == "light" else f"main-window-{theme}.png")
    map_out = out.with_name(out.stem + "-map.png")
    out.unlink(missing_ok=True)
    map_out.unlink(missing_ok=True)
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)
    proc = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1400x900x24", sys.executable, "-m", "tests.gui.screenshot_app",
         str(out), str(tmp_path), theme],
        cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    from PIL import Image

    for shot in (out, map_out, out.with_name(out.stem + "-browse.png")):
        img = Image.open(shot)
        assert img.size[0] >= 1000 and img.size[1] >= 700
        # Not a blank window: thumbnails and text make many distinct colours.
        assert len(img.convert("RGB").getcolors(1 << 20) or []) > 500, shot
