"""Device, precision and thread choices for the models, made once per process.

bfloat16 is only chosen where the CPU has native bf16 instructions (avx512_bf16 / AMX); on a
CPU without them PyTorch emulates bf16 matmuls hundreds of times slower than float32.
"""

from __future__ import annotations

import functools
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
    except OSError:
        pass
    return False


@dataclass(frozen=True)
class Runtime:
    device: str
    precision: str  # 'bf16', 'fp16' or 'fp32'
    threads: int

    @property
    def dtype(self) -> Any:
        import torch

        return {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}[self.precision]

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
