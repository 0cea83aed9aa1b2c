"""CLIP through open_clip: text and images into one space, for search by meaning."""

from __future__ import annotations

import atexit
import functools
import json
import os
import shutil
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from photoindex.config import Settings
from photoindex.core.models import center_crop_resize, normalise_rows
from photoindex.core.models.registry import ClipChoice, ModelFile, clip_choice
from photoindex.core.models.runtime import Runtime, quantize_int8, resolve_runtime, split_self_attention
from photoindex.core.models.weights import ensure, find_in_models_dir
from photoindex.core.types import SPACE_CLIP, Matrix, ModelUnavailable

TINY_MODEL = "photoindex-tiny"
"""A real open_clip architecture at toy size, for tests and demos (with random weights)."""
_TINY_CFG = {
    "embed_dim": 64,
    "vision_cfg": {"image_size": 64, "layers": 2, "width": 64, "patch_size": 16, "head_width": 32},
    "text_cfg": {"context_length": 77, "vocab_size": 49408, "width": 64, "heads": 2, "layers": 2},
}
TINY_MULTILINGUAL = "photoindex-tiny-m"
"""The default model's architecture (a ViT and an XLM-R text tower, mean-pooled) at toy size."""
_TINY_M_CFG: dict[str, Any] = {
    "embed_dim": 64,
    "vision_cfg": {"image_size": 64, "layers": 2, "width": 64, "patch_size": 16, "head_width": 32},
    "text_cfg": {"hf_model_name": "xlm-roberta-base", "hf_tokenizer_name": "xlm-roberta-base",
                 "hf_pooler_type": "mean_pooler"},
}
RANDOM_SEED = 20240601
_WEIGHT_FILES = ("open_clip_model.safetensors", "open_clip_pytorch_model.bin")

# xlm-roberta-base's architecture (its config.json at the pinned revision), so that --weights
# random builds the real text tower offline; the tiny one for tests.
XLMR_BASE_CONFIG: dict[str, Any] = {
    "model_type": "xlm-roberta", "architectures": ["XLMRobertaForMaskedLM"], "vocab_size": 250002,
    "hidden_size": 768, "num_hidden_layers": 12, "num_attention_heads": 12, "intermediate_size": 3072,
    "hidden_act": "gelu", "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1,
    "max_position_embeddings": 514, "type_vocab_size": 1, "initializer_range": 0.02, "layer_norm_eps": 1e-05,
    "pad_token_id": 1, "bos_token_id": 0, "eos_token_id": 2, "position_embedding_type": "absolute",
}
_TINY_XLMR = {"hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 2, "intermediate_size": 64}


@functools.cache
def _register_tiny() -> None:
    from open_clip.factory import _MODEL_CONFIGS

    _MODEL_CONFIGS.setdefault(TINY_MODEL, dict(_TINY_CFG))
    _MODEL_CONFIGS.setdefault(TINY_MULTILINGUAL, json.loads(json.dumps(_TINY_M_CFG)))


_random_dirs: list[str] = []


def _remove_random_dirs() -> None:
    for d in _random_dirs:
        shutil.rmtree(d, ignore_errors=True)


@functools.cache
def _random_text_folder(hf_name: str, tiny: bool) -> Path:
    """A folder like a hub repository of the text tower, made here: its config.json (the real
    architecture, or a toy one) and a small tokenizer of the real tokenizer's class. Only for
    --weights random; built once per process."""
    from photoindex.core.models import small_tokenizer

    if hf_name != "xlm-roberta-base":
        raise ModelUnavailable(
            f"--weights random has no offline copy of the {hf_name} text tower; use the default CLIP model for a demo"
        )
    if not _random_dirs:
        atexit.register(_remove_random_dirs)
    folder = Path(tempfile.mkdtemp(prefix="photoindex-random-text-"))
    _random_dirs.append(str(folder))
    vocab = small_tokenizer.build(folder)
    config = dict(XLMR_BASE_CONFIG)
    if tiny:
        config.update(_TINY_XLMR, vocab_size=vocab)
    (folder / "config.json").write_text(json.dumps(config), encoding="utf-8")
    return folder


def _text_folder_of(paths: list[Path]) -> Path:
    """One folder holding every text-tower file (config.json, tokenizer files), as transformers
    loads them: their own folder when they share one, else a private folder of links."""
    parents = {p.parent for p in paths}
    if len(parents) == 1:
        return next(iter(parents))
    if not _random_dirs:
        atexit.register(_remove_random_dirs)
    folder = Path(tempfile.mkdtemp(prefix="photoindex-text-"))
    _random_dirs.append(str(folder))
    for p in paths:
        os.symlink(p.resolve(), folder / p.name)
    return folder


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
        self.sources: list[str] = []
        """Where the weights came from: 'repo/file@revision' each (or 'random'), once loaded."""

    @property
    def choice(self) -> ClipChoice | None:
        return clip_choice(self.settings.clip_model, self.settings.clip_pretrained)

    def _model_config(self) -> dict[str, Any]:
        if self.settings.clip_model in (TINY_MODEL, TINY_MULTILINGUAL):
            _register_tiny()
        from open_clip import get_model_config

        cfg = get_model_config(self.settings.clip_model)
        if cfg is None:
            raise ModelUnavailable(f"unknown CLIP model {self.settings.clip_model!r} (see open_clip.list_models())")
        return dict(cfg)

    def _config(self) -> None:
        cfg = self._model_config()
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
        self.sources = []
        text_cfg = dict(self._model_config().get("text_cfg", {}))
        text_folder = self._text_folder(text_cfg)
        overrides: dict[str, Any] = {}
        if text_folder is not None:
            if text_cfg.get("hf_model_name"):
                text_cfg["hf_model_name"] = str(text_folder)  # config.json from here, not the hub
                text_cfg["hf_model_pretrained"] = False  # the CLIP checkpoint holds the weights
            text_cfg["hf_tokenizer_name"] = str(text_folder)
            overrides = {"text_cfg": text_cfg, "pretrained_text": False}
        if s.random_weights:
            with torch.random.fork_rng():
                torch.manual_seed(RANDOM_SEED)
                model = open_clip.create_model(s.clip_model, pretrained=None, **overrides)
            self.sources = ["random"]
        else:
            path = self._weights_path()
            try:
                model = open_clip.create_model(s.clip_model, pretrained=str(path), **overrides)
            except Exception as exc:
                raise ModelUnavailable(
                    f"the CLIP weights at {path} could not be loaded ({type(exc).__name__}: "
                    f"{' '.join(str(exc).split())[:120]}); delete the file to download it again"
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
        if text_folder is not None and rt.device == "cpu" and rt.precision == "fp32" and s.precision == "auto":
            # A query waits for the text tower. XLM-R base (278 M parameters) is memory-bound on a
            # CPU without native bf16: its Linear layers as dynamic int8 encode a query ~3.4x faster
            # (AVX2 EPYC, 1 thread: 44 vs 151 ms p50) with a cosine of 0.9994 to the float32 vector
            # (bench/bench_text_query.py). The image tower, which makes the library's vectors,
            # stays float32; PHOTOINDEX_PRECISION=fp32 keeps the text tower float32 too.
            model.text = quantize_int8(model.text)
        if text_folder is not None:
            from open_clip.tokenizer import HFTokenizer

            self._tokenizer = HFTokenizer(
                str(text_folder), context_length=text_cfg.get("context_length", 77),
                tokenizer_mode=text_cfg.get("tokenizer_mode"), **text_cfg.get("tokenizer_kwargs", {}),
            )
        else:
            self._tokenizer = open_clip.get_tokenizer(s.clip_model)
        return model

    def _hint(self) -> str:
        return ("download the models (photoindex's window offers it), put the files in PHOTOINDEX_MODELS_DIR, "
                "or use --weights random for a demo")

    def _text_folder(self, text_cfg: dict[str, Any]) -> Path | None:
        """The folder of a Hugging Face text tower's config and tokenizer (None: open_clip's own)."""
        hf_name = text_cfg.get("hf_model_name") or text_cfg.get("hf_tokenizer_name")
        if not hf_name:
            return None
        s = self.settings
        if s.random_weights or s.clip_model == TINY_MULTILINGUAL:
            return _random_text_folder(str(hf_name), s.clip_model == TINY_MULTILINGUAL)
        choice = self.choice
        if choice is None or not choice.text_files:
            raise ModelUnavailable(
                f"photoindex does not know where the text tower files of {s.clip_model}/{s.clip_pretrained} are;"
                " choose a model offered in Settings"
            )
        found = ensure(choice.text_files, s.models_dir, what=f"the text model of {s.clip_model}", hint=self._hint())
        self.sources += [f"{f.repo}/{f.filename}@{found[f][1]}" for f in choice.text_files]
        return _text_folder_of([found[f][0] for f in choice.text_files])

    def model_files(self) -> tuple[ModelFile, ...]:
        """The files this model needs (empty for random weights or a model outside the registry)."""
        choice = self.choice
        if self.settings.random_weights or choice is None:
            return ()
        return (choice.weights[0], *choice.text_files)

    def _weights_path(self) -> Path:
        from photoindex.core.models.weights import locate

        s = self.settings
        names = [f"{s.clip_model}-{s.clip_pretrained}{ext}" for ext in (".safetensors", ".bin", ".pt")]
        choice = self.choice
        if choice is not None:
            names.append(choice.weights[0].repo.split("/")[-1])  # a folder named like the hub repository
        local = find_in_models_dir(s.models_dir, names)
        if local is not None and local.is_dir():
            local = next((local / f for f in _WEIGHT_FILES if (local / f).exists()), None)
        if local is not None:
            self.sources.insert(0, f"{local.name}@models-dir")
            return local
        if choice is None:
            raise ModelUnavailable(
                f"CLIP weights {s.clip_model}/{s.clip_pretrained} are not here and photoindex does not know where "
                f"to download them; put {names[0]} in PHOTOINDEX_MODELS_DIR, choose a model offered in Settings, "
                "or use --weights random for a demo"
            )
        for spec in choice.weights:  # one already here, in any of its published forms
            where = locate(spec, s.models_dir)
            if where is not None:
                self.sources.insert(0, f"{spec.label}@{where[1]}")
                return where[0]
        spec = choice.weights[0]
        found = ensure([spec], s.models_dir, what=f"the CLIP weights ({s.clip_model}, {s.clip_pretrained})",
                       hint=self._hint())
        self.sources.insert(0, f"{spec.label}@{found[spec][1]}")
        return found[spec][0]

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

    open_clip's own text tower attends causally and pools at the end-of-text token, so the
    positions after the longest query change nothing; a Hugging Face text tower (XLM-R, NLLB)
    masks the padding out of attention and out of its mean or CLS pooling, and numbers positions
    from the tokens in use. Either way, skipping the padding makes a short query several times
    cheaper on a CPU. Other text towers (SigLIP's pools the last position) take the plain path."""
    from open_clip.hf_model import HFTextEncoder
    from open_clip.model import CLIP

    text = getattr(model, "text", None)
    if isinstance(text, HFTextEncoder):
        pad = text.config.pad_token_id
        n = max(1, int((tokens != pad).sum(dim=1).max()))
        return model.encode_text(tokens[:, :n])
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
