"""CLIP through open_clip: text and images into one space, for search by meaning."""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from photoindex.config import Settings
from photoindex.core.models import center_crop_resize, normalise_rows
from photoindex.core.models.runtime import Runtime, quantize_int8, resolve_runtime, split_self_attention
from photoindex.core.models.weights import find_in_models_dir, hub_file
from photoindex.core.types import SPACE_CLIP, Matrix, ModelUnavailable

TINY_MODEL = "photoindex-tiny"
"""A real open_clip architecture at toy size, for tests and demos (with random weights)."""
_TINY_CFG = {
    "embed_dim": 64,
    "vision_cfg": {"image_size": 64, "layers": 2, "width": 64, "patch_size": 16, "head_width": 32},
    "text_cfg": {"context_length": 77, "vocab_size": 49408, "width": 64, "heads": 2, "layers": 2},
}
RANDOM_SEED = 20240601
_WEIGHT_FILES = ("open_clip_model.safetensors", "open_clip_pytorch_model.bin")


@functools.cache
def _register_tiny() -> None:
    from open_clip.factory import _MODEL_CONFIGS

    _MODEL_CONFIGS.setdefault(TINY_MODEL, dict(_TINY_CFG))


def clip_model_key(settings: Settings) -> str:
    tag = "random" if settings.random_weights else settings.clip_pretrained
    return f"open_clip:{settings.clip_model}:{tag}"


class ClipEmbedder:
    space = SPACE_CLIP

    def __init__(self, settings: Settings, runtime: Runtime | None = None) -> None:
        self.settings = settings
        self.model_key = clip_model_key(settings)
        self._runtime = runtime
        self._model: Any = None
        self._tokenizer: Any = None
        self._lock = threading.Lock()
        self._text_cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self.mean = np.array((0.48145466, 0.4578275, 0.40821073), dtype=np.float32)
        self.std = np.array((0.26862954, 0.26130258, 0.27577711), dtype=np.float32)
        self._dim: int | None = None
        self._input_size: int | None = None

    def _config(self) -> None:
        if self.settings.clip_model == TINY_MODEL:
            _register_tiny()
        from open_clip import get_model_config

        cfg = get_model_config(self.settings.clip_model)
        if cfg is None:
            raise ModelUnavailable(f"unknown CLIP model {self.settings.clip_model!r} (see open_clip.list_models())")
        self._dim = int(cfg["embed_dim"])
        size = cfg["vision_cfg"]["image_size"]
        self._input_size = int(size if isinstance(size, int) else size[0])

    @property
    def dim(self) -> int:
        if self._dim is None:
            self._config()
        assert self._dim is not None
        return self._dim

    @property
    def input_size(self) -> int:
        if self._input_size is None:
            self._config()
        assert self._input_size is not None
        return self._input_size

    # -- loading -------------------------------------------------------------------------------

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
        import open_clip
        import torch

        s = self.settings
        self._config()
        if s.random_weights:
            with torch.random.fork_rng():
                torch.manual_seed(RANDOM_SEED)
                model = open_clip.create_model(s.clip_model, pretrained=None)
        else:
            path = self._weights_path()
            try:
                model = open_clip.create_model(s.clip_model, pretrained=str(path))
            except Exception as exc:
                raise ModelUnavailable(
                    f"the CLIP weights at {path} could not be loaded ({type(exc).__name__}); "
                    "delete the file to download it again"
                ) from None
            mean = getattr(model.visual, "image_mean", None)
            std = getattr(model.visual, "image_std", None)
            if mean is not None and std is not None:
                self.mean = np.asarray(mean, dtype=np.float32)
                self.std = np.asarray(std, dtype=np.float32)
        model.eval()
        rt = self.runtime
        model = model.to(device=rt.device, dtype=rt.dtype)
        if rt.precision == "int8":  # the image tower only: the text tower stays float32
            split_self_attention(getattr(model.visual, "transformer", None))
            model.visual = quantize_int8(model.visual)
        self._tokenizer = open_clip.get_tokenizer(s.clip_model)
        return model

    def _weights_path(self) -> Path:
        from open_clip import pretrained as pt

        s = self.settings
        names = [f"{s.clip_model}-{s.clip_pretrained}{ext}" for ext in (".safetensors", ".bin", ".pt")]
        cfg = pt.get_pretrained_cfg(s.clip_model, s.clip_pretrained)
        hub = (cfg or {}).get("hf_hub", "").rstrip("/")
        if hub:
            names.append(hub.split("/")[-1])  # a folder named like the hub repository
        local = find_in_models_dir(s.models_dir, names)
        if local is not None and local.is_dir():
            local = next((local / f for f in _WEIGHT_FILES if (local / f).exists()), None)
        if local is not None:
            return local
        if not cfg:
            raise ModelUnavailable(
                f"open_clip has no pretrained weights {s.clip_pretrained!r} for {s.clip_model!r}"
            )
        hint = (
            f"put {names[0]} (or the folder {hub.split('/')[-1] if hub else '?'}) in PHOTOINDEX_MODELS_DIR, "
            "run once with a network connection, or use --weights random for a demo"
        )
        if not hub:
            raise ModelUnavailable(f"CLIP weights {s.clip_model}/{s.clip_pretrained} are not available here; {hint}")
        last: Exception | None = None
        for filename in _WEIGHT_FILES:
            try:
                return hub_file(hub, filename, None, f"CLIP weights ({s.clip_model}, {s.clip_pretrained})", hint)
            except ModelUnavailable as exc:
                last = exc
                if "cannot be reached" in str(exc) or "HF_HUB_OFFLINE" in str(exc):
                    break
        assert last is not None
        raise last

    def release(self) -> None:
        with self._lock:
            self._model = None

    # -- images --------------------------------------------------------------------------------

    def prepare(self, image: Image.Image) -> np.ndarray:
        return center_crop_resize(image, self.input_size, self.input_size)

    def embed_prepared(self, batch: np.ndarray) -> Matrix:
        import torch

        model = self.load()
        rt = self.runtime
        with torch.inference_mode():
            x = torch.from_numpy(np.ascontiguousarray(batch)).to(rt.device)
            x = x.permute(0, 3, 1, 2).float().div_(255.0)
            mean = torch.from_numpy(self.mean).to(rt.device).view(1, 3, 1, 1)
            std = torch.from_numpy(self.std).to(rt.device).view(1, 3, 1, 1)
            x = ((x - mean) / std).to(rt.dtype)
            out = model.encode_image(x)
        return normalise_rows(out.float().cpu().numpy())

    def embed_images(self, images: list[Image.Image]) -> Matrix:
        return self.embed_prepared(np.stack([self.prepare(im) for im in images]))

    # -- text ----------------------------------------------------------------------------------

    def embed_text(self, texts: list[str]) -> Matrix:
        import torch

        missing = [t for t in texts if t not in self._text_cache]
        if missing:
            model = self.load()
            rt = self.runtime
            with torch.inference_mode():
                tokens = self._tokenizer(missing).to(rt.device)
                out = normalise_rows(_encode_text_trimmed(model, tokens).float().cpu().numpy())
            for t, v in zip(missing, out, strict=True):
                self._text_cache[t] = v
                if len(self._text_cache) > 512:
                    self._text_cache.popitem(last=False)
        return np.stack([self._text_cache[t] for t in texts]).astype(np.float32)


def _encode_text_trimmed(model: Any, tokens: Any) -> Any:
    """encode_text over only the positions in use instead of all 77.

    The text tower attends causally and pools at the end-of-text token, so the positions after
    the longest query change nothing; skipping them makes a short query several times cheaper
    (about 4x for a typical search on a CPU). Other text towers take the plain path."""
    from open_clip.model import CLIP

    pool = getattr(model, "text_pool_type", None)
    if not isinstance(model, CLIP) or pool != "argmax" or getattr(model, "attn_mask", None) is None:
        return model.encode_text(tokens)
    import torch
    from open_clip.transformer import text_global_pool

    n = int((tokens != 0).sum(dim=1).max())
    cast = model.transformer.get_cast_dtype()
    x = model.token_embedding(tokens[:, :n]).to(cast) + model.positional_embedding[:n].to(cast)
    x = model.transformer(x, attn_mask=model.attn_mask[:n, :n])
    x = text_global_pool(model.ln_final(x), tokens[:, :n], pool)
    proj = model.text_projection
    return proj(x) if isinstance(proj, torch.nn.Linear) else x @ proj
