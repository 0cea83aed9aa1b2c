"""Device, precision and thread choices for the models, made once per process.

bfloat16 is only chosen where the CPU has native bf16 instructions (avx512_bf16 / AMX); on a
CPU without them PyTorch emulates bf16 matmuls hundreds of times slower than float32.

'int8' is an opt-in CPU precision (PHOTOINDEX_PRECISION=int8): the Linear layers run as
dynamically quantized int8 (int8 weights per output channel, activations quantized per batch),
everything else in float32. On a 2-core AVX2 CPU the image towers run about 1.3x faster and the
vectors keep a cosine of 0.997 or more to the float32 ones (bench/bench_index.py).
"""

from __future__ import annotations

import functools
import logging
import os
import platform
from dataclasses import dataclass
from typing import Any

from photoindex.config import Settings


@functools.cache
def cpu_has_native_bf16() -> bool:
    if platform.machine().lower() not in ("x86_64", "amd64"):
        return False
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="ignore") as fh:
            for line in fh:
                if line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
                    return bool(flags & {"avx512_bf16", "amx_bf16"})
    except OSError as exc:
        logging.getLogger(__name__).debug("no /proc/cpuinfo (%s): assuming no native bf16", exc)
    return False


@dataclass(frozen=True)
class Runtime:
    device: str
    precision: str  # 'bf16', 'fp16' or 'fp32'
    threads: int

    @property
    def dtype(self) -> Any:
        import torch

        # int8: the weights and activations around the quantized Linear layers stay float32.
        return {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32, "int8": torch.float32}[
            self.precision
        ]

    def describe(self) -> str:
        return f"{self.device}, {self.precision}, {self.threads} threads"


_configured_threads: int | None = None


def resolve_runtime(settings: Settings) -> Runtime:
    import torch

    global _configured_threads
    device = settings.device
    if device == "auto":
        if torch.cuda.is_available():
            device = "cuda"
        elif getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
            device = "mps"
        else:
            device = "cpu"
    precision = settings.precision
    if precision == "int8" and device != "cpu":
        precision = "auto"  # the dynamic int8 kernels are CPU-only; a GPU gets its usual choice
    if precision == "auto":
        if device == "cuda":
            precision = "bf16" if torch.cuda.is_bf16_supported() else "fp16"
        elif device == "mps":
            precision = "fp16"
        else:
            precision = "bf16" if cpu_has_native_bf16() else "fp32"
    threads = settings.cpu_threads()
    if _configured_threads != threads:
        # Set explicitly so torch, OpenMP and OpenCV do not each start a thread per core and fight.
        torch.set_num_threads(threads)
        os.environ.setdefault("OMP_NUM_THREADS", str(threads))
        _configured_threads = threads
    return Runtime(device, precision, threads)


def quantize_int8(module: Any) -> Any:
    """The 'int8' precision: dynamic int8 quantization of every nn.Linear in module, in place."""
    import warnings

    import torch

    from photoindex.core.types import ModelUnavailable

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.ao.quantization announces its move to torchao
        try:
            from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic
        except ImportError:
            raise ModelUnavailable(
                "precision int8 needs torch.ao.quantization, which this PyTorch no longer has; use fp32"
            ) from None
        return quantize_dynamic(
            module, {torch.nn.Linear: per_channel_dynamic_qconfig}, dtype=torch.qint8, inplace=True
        )


def split_self_attention(module: Any) -> None:
    """Replace each nn.MultiheadAttention under module by the same computation on two plain
    Linear layers, in place, so that quantize_int8 reaches the attention projections too
    (nn.MultiheadAttention keeps its input projection as a bare parameter inside one fused op).
    Only for blocks that attend to themselves, like a ViT's."""
    import torch

    if module is None:
        return
    for parent in list(module.modules()):
        for name, child in list(parent.named_children()):
            if isinstance(child, torch.nn.MultiheadAttention):
                setattr(parent, name, _split_self_attention(child))


def _split_self_attention(mha: Any) -> Any:
    import torch
    import torch.nn.functional as F

    if not (mha.batch_first and mha._qkv_same_embed_dim and mha.bias_k is None and mha.in_proj_bias is not None):
        return mha  # a layout this rewrite does not cover: leave it as it is (float32)

    class SelfAttention(torch.nn.Module):
        """nn.MultiheadAttention(batch_first=True) for self-attention, on two Linear layers."""

        def __init__(self) -> None:
            super().__init__()
            d = mha.embed_dim
            self.num_heads = mha.num_heads
            self.in_proj = torch.nn.Linear(d, 3 * d)
            self.out_proj = torch.nn.Linear(d, d)
            with torch.no_grad():
                self.in_proj.weight.copy_(mha.in_proj_weight)
                self.in_proj.bias.copy_(mha.in_proj_bias)
                self.out_proj.weight.copy_(mha.out_proj.weight)
                self.out_proj.bias.copy_(mha.out_proj.bias)

        def forward(self, query: Any, key: Any = None, value: Any = None, key_padding_mask: Any = None,
                    need_weights: bool = False, attn_mask: Any = None, **_: Any) -> tuple[Any, None]:
            if (key is not None and key is not query) or (value is not None and value is not query):
                raise ValueError("this attention block was rewritten for self-attention only")
            if key_padding_mask is not None or need_weights:
                raise ValueError("key_padding_mask and need_weights are not supported here")
            if attn_mask is not None and attn_mask.dtype == torch.bool:
                attn_mask = ~attn_mask  # nn.MultiheadAttention: True = masked; SDPA: True = attend
            b, t, c = query.shape
            qkv = self.in_proj(query).view(b, t, 3, self.num_heads, c // self.num_heads).permute(2, 0, 3, 1, 4)
            out = F.scaled_dot_product_attention(qkv[0], qkv[1], qkv[2], attn_mask=attn_mask)
            return self.out_proj(out.transpose(1, 2).reshape(b, t, c)), None

    return SelfAttention()
