"""The preview with its details, People and the Map with its legend, under Xvfb with Korean names
and real faces: screenshots a person looks at (.test-artifacts/views/)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.gui.screenshot_views import FACES

PROJECT = Path(__file__).resolve().parents[2]
ARTIFACTS = PROJECT / ".test-artifacts" / "views"


@pytest.mark.xvfb
@pytest.mark.slow
@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="needs xvfb-run (Debian xvfb)")
@pytest.mark.skipif(not FACES.exists(), reason="needs ../shared/assets")
def test_views_screenshots(tmp_path: Path) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shots = [ARTIFACTS / name for name in ("preview.png", "people.png", "map-legend.png", "map-legend-person.png")]
    for shot in shots:
        shot.unlink(missing_ok=True)
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)
    proc = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1400x900x24", sys.executable, "-m", "tests.gui.screenshot_views",
         str(ARTIFACTS), str(tmp_path)],
        cwd=PROJECT, env=env, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    from PIL import Image

    for shot in shots:
        img = Image.open(shot)
        assert img.size[0] >= 1000 and img.size[1] >= 600, shot
        assert len(img.convert("RGB").getcolors(1 << 20) or []) > 500, f"{shot} looks blank"
