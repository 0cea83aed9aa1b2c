"""Face model files: looked up by name, downloaded once with a checksum, or a clear error.

YuNet (detection) comes from PHOTOINDEX_MODELS_DIR (searched recursively), then photoindex's
download folder, then a one-time download from the hub (OpenCV's mirror of opencv_zoo, pinned to
a revision) through the same path as the other models, checked against its sha256. The dlib models
(5-point alignment, ResNet descriptor; CC0) ship inside the face_recognition_models wheel; its
folder is located with importlib, without importing it (it imports pkg_resources, which recent
setuptools no longer ship).
"""

from __future__ import annotations

import importlib.util
import threading
from pathlib import Path

from photoindex.core.models.registry import YUNET
from photoindex.core.models.weights import ProgressFn, download_dir, ensure, find_in_models_dir, sha256_of
from photoindex.core.types import ModelUnavailable

YUNET_FILE = YUNET.filename
YUNET_SHA256 = YUNET.sha256
DLIB_SHAPE = "shape_predictor_5_face_landmarks.dat"
DLIB_RESNET = "dlib_face_recognition_resnet_model_v1.dat"


def yunet_path(models_dir: Path | None, *, progress: ProgressFn | None = None,
               cancel: threading.Event | None = None) -> Path:
    """YuNet from PHOTOINDEX_MODELS_DIR, an earlier download, or the hub (pinned, checksummed)."""
    hint = f"put {YUNET_FILE} in PHOTOINDEX_MODELS_DIR, download the models, or index with --no-faces"
    legacy = download_dir() / YUNET_FILE  # where photoindex 0.x kept its download
    if legacy.is_file() and sha256_of(legacy) == YUNET_SHA256 and find_in_models_dir(models_dir, [YUNET_FILE]) is None:
        return legacy
    found = ensure([YUNET], models_dir, what="the face detector", hint=hint, progress=progress, cancel=cancel)
    return found[YUNET][0]


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
