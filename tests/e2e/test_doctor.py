"""`photoindex doctor` checks every model the library needs, the face models too."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SHARED_ASSETS


def _doctor(env: dict[str, str]) -> tuple[int, dict[str, str]]:
    proc = subprocess.run([sys.executable, "-m", "photoindex", "doctor", "--json"], env=env, capture_output=True,
                          text=True, timeout=300)
    return proc.returncode, json.loads(proc.stdout)


@pytest.mark.skipif(not (SHARED_ASSETS / "models").exists(), reason="needs ../shared/assets")
def test_doctor_checks_the_face_models(tiny_env: dict[str, str], tmp_path: Path) -> None:
    env = dict(tiny_env, PHOTOINDEX_FACES="1", PHOTOINDEX_MODELS_DIR=str(SHARED_ASSETS / "models"),
               XDG_CACHE_HOME=str(tmp_path / "cache"))
    code, doc = _doctor(env)
    assert code == 0 and doc["faces"].startswith("ok"), doc
    (tmp_path / "empty").mkdir()
    code, doc = _doctor(dict(env, PHOTOINDEX_MODELS_DIR=str(tmp_path / "empty")))
    assert code == 1 and doc["faces"].startswith("missing") and "face_detection_yunet" in doc["faces"], doc
    code, doc = _doctor(dict(env, PHOTOINDEX_FACES="0"))
    assert code == 0 and doc["faces"] == "off"
