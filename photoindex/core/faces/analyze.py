"""Find faces (YuNet through OpenCV) and describe them (dlib 5-point alignment + ResNet 128-d)."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from PIL import Image

from photoindex.config import DEFAULT_FACE_MIN_SCORE, DEFAULT_FACE_MIN_SIZE, Settings
from photoindex.core.faces.models import DLIB_RESNET, DLIB_SHAPE, dlib_model_path, yunet_path

FACE_DECODE_MIN_SIDE = 800
"""Photos are decoded at least this large (short side) when faces are on. JPEG draft decoding
halves in powers of two, so a 12-MP photo arrives at 2000 x 1500: a face 70 px wide in the
original is 35 px there, enough for a good descriptor (measured: 24 of 24 within 0.45 of the
same face's descriptor at full size; at 640, which gives 1000 x 750, only 6 of 24)."""
DETECT_MAX_SIDE = 800
"""YuNet runs on a copy no larger than this; boxes are mapped back. Measured on 12-MP group
photos (2-core EPYC): 640 finds 20 of 24 faces 70 px wide in 31 ms, 800 finds 24 of 24 in 41 ms,
1024 also finds 50-px faces but costs 70 ms for every photo."""
MIN_FACE_ANALYSED = 20
"""Faces smaller than this in the analysed copy are skipped whatever the settings say: their
descriptors are noise (measured: at 17 px only 6 of 24 matched their full-size descriptor)."""
DEFAULT_MIN_FACE = DEFAULT_FACE_MIN_SIZE
"""Smallest face kept, in pixels of the original photo (setting face_min_size)."""
DEFAULT_MIN_SCORE = DEFAULT_FACE_MIN_SCORE
"""YuNet confidence needed (setting face_min_score)."""


@dataclass(frozen=True)
class DetectedFace:
    box: tuple[float, float, float, float]
    """x, y, w, h in full-size (EXIF-upright) pixels."""
    landmarks: np.ndarray
    """5 x 2 float32 in full-size pixels: eyes, nose tip, mouth corners."""
    score: float
    descriptor: np.ndarray = field(repr=False)
    """128 float32 (dlib: the same person is usually closer than 0.6)."""


class FaceAnalyzer:
    """Finds and describes the faces of one upright image. Safe to call from several threads:
    the OpenCV and dlib objects are made lazily, one set per thread. Model files are located
    (ModelUnavailable if missing) when the analyzer is made, so the run can go on without faces."""

    def __init__(self, settings: Settings, min_face: float | None = None, min_score: float | None = None) -> None:
        # Settings resolved them (argv > environment > settings file > defaults).
        self.min_face = float(settings.face_min_size if min_face is None else min_face)
        self.min_score = float(settings.face_min_score if min_score is None else min_score)
        self.decode_min_side = FACE_DECODE_MIN_SIDE
        self._yunet = str(yunet_path(settings.models_dir))
        self._shape = str(dlib_model_path(DLIB_SHAPE, settings.models_dir))
        self._resnet = str(dlib_model_path(DLIB_RESNET, settings.models_dir))
        self._local = threading.local()

    def _models(self) -> tuple[Any, Any, Any]:
        m = getattr(self._local, "models", None)
        if m is None:
            os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")
            import cv2
            import dlib

            cv2.setNumThreads(1)  # the decode pool already runs one of these per core
            detector = cv2.FaceDetectorYN.create(self._yunet, "", (320, 320), self.min_score, 0.3, 5000)
            m = (detector, dlib.shape_predictor(self._shape), dlib.face_recognition_model_v1(self._resnet))
            self._local.models = m
        return m

    def analyze(self, image: Image.Image, full_size: tuple[int, int]) -> list[DetectedFace]:
        import cv2
        import dlib

        detector, shape_predictor, describer = self._models()
        rgb = np.asarray(image.convert("RGB"))
        h, w = rgb.shape[:2]
        scale = min(1.0, DETECT_MAX_SIDE / max(w, h))
        small = cv2.resize(rgb, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA) if scale < 1 else rgb
        detector.setInputSize((small.shape[1], small.shape[0]))
        _, found = detector.detect(cv2.cvtColor(small, cv2.COLOR_RGB2BGR))
        if found is None:
            return []
        to_full = full_size[0] / w
        out: list[DetectedFace] = []
        for row in found:
            x, y, fw, fh = (float(v) / scale for v in row[:4])
            score = float(row[14])
            if score < self.min_score or min(fw, fh) * to_full < self.min_face or min(fw, fh) < MIN_FACE_ANALYSED:
                continue
            rect = dlib.rectangle(int(max(0, x)), int(max(0, y)), int(min(w - 1, x + fw)), int(min(h - 1, y + fh)))
            shape = shape_predictor(rgb, rect)
            descriptor = np.asarray(describer.compute_face_descriptor(rgb, shape), dtype=np.float32)
            landmarks = (row[4:14].reshape(5, 2).astype(np.float32) / scale) * to_full
            out.append(DetectedFace((x * to_full, y * to_full, fw * to_full, fh * to_full), landmarks, score, descriptor))
        return out
