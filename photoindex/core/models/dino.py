"""DINOv2 through transformers: visual likeness, for find-similar and near-duplicates."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from photoindex.config import Settings
from photoindex.core.models import center_crop_resize, normalise_rows
from photoindex.core.models.registry import DINO_FILES, ModelFile
from photoindex.core.models.runtime import Runtime, quantize_int8, resolve_runtime
from photoindex.core.models.weights import ensure, find_in_models_dir
from photoindex.core.types import SPACE_DINO, Matrix, ModelUnavailable

TINY_MODEL = "photoindex-tiny"
RANDOM_SEED = 20240602
IMAGENET_MEAN = np.array((0.485, 0.456, 0.406), dtype=np.float32)
IMAGENET_STD = np.array((0.229, 0.224, 0.225), dtype=np.float32)

# The architectures of the published checkpoints, so --weights random builds the real thing offline.
ARCHITECTURES: dict[str, dict[str, Any]] = {
    "facebook/dinov2-small": {"hidden_size": 384, "num_hidden_layers": 12, "num_attention_heads": 6},
    "facebook/dinov2-base": {"hidden_size": 768, "num_hidden_layers": 12, "num_attention_heads": 12},
    "facebook/dinov2-large": {"hidden_size": 1024, "num_hidden_layers": 24, "num_attention_heads": 16},
    TINY_MODEL: {"hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 2, "image_size": 56},
}
# Pinned hub revisions: the vectors in a catalog must come from exactly these weights.
REVISIONS = {"facebook/dinov2-small": "150c8e7bb7cef2d30ec31b13a517af14840ee3f7"}


def dino_model_key(settings: Settings) -> str:
    tag = "random" if settings.random_weights else REVISIONS.get(settings.dino_model, "main")[:12]
    return f"dinov2:{settings.dino_model}:{tag}"


class DinoEmbedder:
    space = SPACE_DINO

    def __init__(self, settings: Settings, runtime: Runtime | None = None) -> None:
        self.settings = settings
        self.model_key = dino_model_key(settings)
        self._runtime = runtime
        self._model: Any = None
        self._lock = threading.Lock()
        self.sources: list[str] = []
        arch = ARCHITECTURES.get(settings.dino_model)
        if arch is None and settings.random_weights:
            raise ModelUnavailable(f"unknown DINOv2 model {settings.dino_model!r} for --weights random")
        self.dim = int(arch["hidden_size"]) if arch else 0
        self.input_size = 56 if settings.dino_model == TINY_MODEL else 224
        self.resize_to = 64 if settings.dino_model == TINY_MODEL else 256

    @property
    def runtime(self) -> Runtime:
        if self._runtime is None:
            self._runtime = resolve_runtime(self.settings)
        return self._runtime

    def load(self) -> Any:
        with self._lock:
            if self._model is None:
                self._model = self._build()
            return self._model

    def _build(self) -> Any:
        import torch
        from transformers import Dinov2Config, Dinov2Model

        s = self.settings
        self.sources = []
        if s.random_weights:
            self.sources = ["random"]
            arch = ARCHITECTURES[s.dino_model]
            config = Dinov2Config(  # type: ignore[call-arg]
                intermediate_size=4 * arch["hidden_size"], patch_size=14, image_size=arch.get("image_size", 518), **{
                    k: v for k, v in arch.items() if k != "image_size"
                }
            )
            with torch.random.fork_rng():
                torch.manual_seed(RANDOM_SEED)
                model = Dinov2Model(config)
        else:
            folder = self._weights_dir()
            try:
                model = Dinov2Model.from_pretrained(str(folder))
            except Exception as exc:
                raise ModelUnavailable(
                    f"the DINOv2 weights in {folder} could not be loaded ({type(exc).__name__}); "
                    "delete them to download again"
                ) from None
        self.dim = int(model.config.hidden_size)
        rt = self.runtime
        model.eval()
        model = model.to(device=rt.device, dtype=rt.dtype)  # type: ignore[call-arg]
        if rt.precision == "int8":
            model = quantize_int8(model)
        return model

    def _weights_dir(self) -> Path:
        s = self.settings
        name = s.dino_model.split("/")[-1]
        local = find_in_models_dir(s.models_dir, [name])
        hint = (
            f"put the folder {name} (config.json + model.safetensors) in PHOTOINDEX_MODELS_DIR, "
            "run once with a network connection, or use --weights random for a demo"
        )
        if local is not None and (local / "config.json").exists():
            self.sources = [f"{name}@models-dir"]
            return local
        specs = self.model_files()
        if not specs:
            revision = REVISIONS.get(s.dino_model)
            specs = (ModelFile(s.dino_model, "model.safetensors", revision, 0),
                     ModelFile(s.dino_model, "config.json", revision, 0))
        found = ensure(specs, s.models_dir, what=f"the DINOv2 weights ({s.dino_model})", hint=hint)
        self.sources = [f"{f.repo}/{f.filename}@{found[f][1]}" for f in specs]
        folders = {found[f][0].parent for f in specs}
        if len(folders) != 1:
            raise ModelUnavailable(f"the DINOv2 files of {s.dino_model} are in different folders ({', '.join(map(str, folders))});"
                                   " put model.safetensors and config.json in one folder")
        return folders.pop()

    def model_files(self) -> tuple[ModelFile, ...]:
        """The files this model needs (empty for random weights)."""
        if self.settings.random_weights:
            return ()
        return DINO_FILES.get(self.settings.dino_model, ())

    def release(self) -> None:
        with self._lock:
            self._model = None

    def prepare(self, image: Image.Image) -> np.ndarray:
        return center_crop_resize(image, self.resize_to, self.input_size)

    def embed_prepared(self, batch: np.ndarray) -> Matrix:
        import torch

        model = self.load()
        rt = self.runtime
        with torch.inference_mode():
            x = torch.from_numpy(np.ascontiguousarray(batch)).to(rt.device)
            x = x.permute(0, 3, 1, 2).float().div_(255.0)
            mean = torch.from_numpy(IMAGENET_MEAN).to(rt.device).view(1, 3, 1, 1)
            std = torch.from_numpy(IMAGENET_STD).to(rt.device).view(1, 3, 1, 1)
            x = ((x - mean) / std).to(rt.dtype)
            out = model(pixel_values=x).pooler_output
        return normalise_rows(out.float().cpu().numpy())

    def embed_images(self, images: list[Image.Image]) -> Matrix:
        return self.embed_prepared(np.stack([self.prepare(im) for im in images]))
