"""The real model code paths: real architectures, random or locally saved weights, no network."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from photoindex.core.models.clip import ClipEmbedder
from photoindex.core.models.dino import DinoEmbedder
from photoindex.core.models.runtime import resolve_runtime
from photoindex.core.types import ModelUnavailable
from tests.photos import scene


def test_random_weights_are_the_same_in_every_process(tiny_settings) -> None:
    a, b = ClipEmbedder(tiny_settings), ClipEmbedder(tiny_settings)
    va, vb = a.embed_text(["a dog on a beach", "해변의 개"]), b.embed_text(["a dog on a beach", "해변의 개"])
    assert np.allclose(va, vb, atol=1e-5)
    assert np.allclose(np.linalg.norm(va, axis=1), 1.0, atol=1e-5)
    imgs = [scene(1), scene(2)]
    da, db = DinoEmbedder(tiny_settings).embed_images(imgs), DinoEmbedder(tiny_settings).embed_images(imgs)
    assert np.allclose(da, db, atol=1e-5)


def test_full_size_architectures_build_with_random_weights(tiny_settings) -> None:
    s = tiny_settings.with_(clip_model="xlm-roberta-base-ViT-B-32", clip_pretrained="laion5b_s13b_b90k",
                            dino_model="facebook/dinov2-small")
    clip, dino = ClipEmbedder(s), DinoEmbedder(s)
    assert (clip.dim, clip.input_size, dino.dim, dino.input_size) == (512, 224, 384, 224)
    v = clip.embed_images([scene(3, (400, 300))])
    d = dino.embed_images([scene(3, (400, 300))])
    t = clip.embed_text(["바닷가의 강아지", "a dog on the beach"])
    assert v.shape == (1, 512) and d.shape == (1, 384) and t.shape == (2, 512)
    model = clip.load()
    assert sum(p.numel() for p in model.visual.parameters()) > 80_000_000
    text = model.text.transformer
    assert (text.config.model_type, text.config.num_hidden_layers, text.config.hidden_size) == ("xlm-roberta", 12, 768)
    assert text.config.vocab_size == 250002, "the real XLM-R base architecture, not a toy"
    assert type(clip._tokenizer.tokenizer).__name__ == "XLMRobertaTokenizer"
    assert clip.model_key == "open_clip:xlm-roberta-base-ViT-B-32:random"


def test_the_default_clip_is_multilingual() -> None:
    from photoindex.config import DEFAULT_CLIP_MODEL, DEFAULT_CLIP_PRETRAINED
    from photoindex.core.models.registry import clip_choice

    choice = clip_choice(DEFAULT_CLIP_MODEL, DEFAULT_CLIP_PRETRAINED)
    assert choice is not None and "ko" in choice.languages and (choice.recall_ko or 0) > 0.4


def test_hangul_english_and_mixed_queries_through_the_multilingual_tower(tiny_settings) -> None:
    s = tiny_settings.with_(clip_model="photoindex-tiny-m", precision="fp32")
    a, b = ClipEmbedder(s), ClipEmbedder(s)
    queries = ["강아지", "a dog on the beach", "제주도에서 찍은 사진 sunset", "IMG_1005"]
    va, vb = a.embed_text(queries), b.embed_text(queries)
    assert np.allclose(va, vb, atol=1e-5), "the run-time tokenizer and the weights are the same every time"
    assert np.allclose(np.linalg.norm(va, axis=1), 1.0, atol=1e-5)
    assert len({tuple(np.round(v, 4)) for v in va}) == len(queries)
    ids = a._tokenizer(["제주도에서 찍은 사진"])[0].tolist()
    assert ids[0] == 0 and 2 in ids and 3 not in ids, "<s> … </s>, no unknown pieces for Korean"
    assert a.embed_images([scene(2)]).shape == (1, 64)


def test_a_cpu_without_bf16_encodes_queries_with_an_int8_text_tower(tiny_settings) -> None:
    """Query latency: the multilingual text tower's Linear layers run as dynamic int8 where the
    runtime would be float32 (a CPU without native bf16); the image tower stays float32 and the
    query vectors stay next to the float32 ones. An explicit precision keeps float32."""
    import torch

    from photoindex.core.models.runtime import cpu_has_native_bf16

    if cpu_has_native_bf16():
        pytest.skip("this CPU runs bf16 natively: the text tower is bf16 here, not int8")
    auto = ClipEmbedder(tiny_settings.with_(clip_model="photoindex-tiny-m", precision="auto"))
    fp32 = ClipEmbedder(tiny_settings.with_(clip_model="photoindex-tiny-m", precision="fp32"))
    quantized = {type(m).__module__ for m in auto.load().text.modules() if "Linear" in type(m).__name__}
    assert any("quantized" in name for name in quantized), quantized
    assert not any("quantized" in type(m).__module__ for m in auto.load().visual.modules()), \
        "the image tower stays float32"
    assert all(type(m) is torch.nn.Linear for m in fp32.load().text.modules() if "Linear" in type(m).__name__)
    queries = ["강아지", "a dog on the beach", "제주도에서 찍은 사진 sunset"]
    cos = np.sum(auto.embed_text(queries) * fp32.embed_text(queries), axis=1)
    assert cos.min() > 0.98, cos
    images = [scene(4)]
    assert np.allclose(auto.embed_images(images), fp32.embed_images(images), atol=1e-5)


def test_precision_follows_the_cpu(tiny_settings) -> None:
    from photoindex.core.models.runtime import cpu_has_native_bf16

    rt = resolve_runtime(tiny_settings)
    assert rt.device == "cpu"
    assert rt.precision == ("bf16" if cpu_has_native_bf16() else "fp32")


def test_missing_weights_fail_fast_with_one_line(tiny_settings, tmp_path: Path) -> None:
    s = tiny_settings.with_(weights="pretrained", clip_model="xlm-roberta-base-ViT-B-32",
                            clip_pretrained="laion5b_s13b_b90k", models_dir=tmp_path / "empty")
    t = time.monotonic()
    with pytest.raises(ModelUnavailable) as info:
        ClipEmbedder(s).load()
    assert time.monotonic() - t < 10
    msg = str(info.value)
    assert "\n" not in msg and "PHOTOINDEX_MODELS_DIR" in msg and "--weights random" in msg
    s2 = s.with_(dino_model="facebook/dinov2-small")
    with pytest.raises(ModelUnavailable, match="dinov2-small"):
        DinoEmbedder(s2).load()


def test_weights_are_loaded_from_the_models_dir(tiny_settings, tmp_path: Path) -> None:
    import torch

    models = tmp_path / "models"
    (models / "nested").mkdir(parents=True)
    import copy

    # Saved as float32 copies: the reference models stay at the precision they were loaded in
    # (bfloat16 on a CPU with native bf16), as the models loaded from these files will be.
    ref_clip = ClipEmbedder(tiny_settings)
    torch.save({k: v.float() for k, v in ref_clip.load().state_dict().items()},
               models / "nested" / "photoindex-tiny-mytag.pt")
    ref_dino = DinoEmbedder(tiny_settings)
    copy.deepcopy(ref_dino.load()).float().save_pretrained(models / "photoindex-tiny")

    s = tiny_settings.with_(weights="pretrained", clip_pretrained="mytag", models_dir=models)
    clip, dino = ClipEmbedder(s), DinoEmbedder(s)
    imgs = [scene(5)]
    assert np.allclose(clip.embed_images(imgs), ref_clip.embed_images(imgs), atol=1e-4)
    assert np.allclose(dino.embed_images(imgs), ref_dino.embed_images(imgs), atol=1e-4)
    assert clip.model_key == "open_clip:photoindex-tiny:mytag"


def test_release_frees_and_reloads(tiny_settings) -> None:
    clip = ClipEmbedder(tiny_settings)
    before = clip.embed_text(["cat"])
    clip.release()
    assert clip._model is None
    clip._text_cache.clear()
    assert np.allclose(clip.embed_text(["cat"]), before, atol=1e-5)


def test_trimmed_text_encoding_matches_open_clip(tiny_settings) -> None:
    import torch

    from photoindex.core.models.clip import _encode_text_trimmed

    for name in ("photoindex-tiny", "photoindex-tiny-m", "ViT-B-32"):  # the maths, in float32 (bf16 rounds differently per path)
        clip = ClipEmbedder(tiny_settings.with_(clip_model=name, precision="fp32"))
        model = clip.load()
        tokens = clip._tokenizer(["a dog", "a very long sentence about a dog running on a beach at sunset"])
        with torch.inference_mode():
            ref = model.encode_text(tokens)
            got = _encode_text_trimmed(model, tokens)
        assert torch.allclose(ref, got, atol=1e-4), name
        assert int((tokens[:, -1] == (1 if name.endswith("-m") else 0)).sum()) == 2, "the tokens were padded"
