"""Where things live, and the settings read from the environment.

Qt-free and import-light: the CLI's --help and the window's first paint both go through here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

APP_NAME = "photoindex"

DEFAULT_CLIP_MODEL = "ViT-B-32"
DEFAULT_CLIP_PRETRAINED = "laion2b_s34b_b79k"
DEFAULT_DINO_MODEL = "facebook/dinov2-small"


def _env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() not in {"0", "false", "no", "off"}


def default_library_dir() -> Path:
    """The catalog folder: PHOTOINDEX_HOME, else the per-user data directory."""
    home = os.environ.get("PHOTOINDEX_HOME")
    if home:
        return Path(home).expanduser()
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def default_cache_dir() -> Path:
    from platformdirs import user_cache_path

    return user_cache_path(APP_NAME, appauthor=False)


@dataclass(frozen=True)
class Settings:
    """Everything the core needs to know that is not in the catalog."""

    library_dir: Path = field(default_factory=default_library_dir)
    weights: str = field(default_factory=lambda: os.environ.get("PHOTOINDEX_WEIGHTS", "pretrained") or "pretrained")
    """'pretrained' (download or load real weights) or 'random' (same architectures, no network)."""
    models_dir: Path | None = field(
        default_factory=lambda: Path(os.environ["PHOTOINDEX_MODELS_DIR"]).expanduser()
        if os.environ.get("PHOTOINDEX_MODELS_DIR")
        else None
    )
    clip_model: str = field(default_factory=lambda: os.environ.get("PHOTOINDEX_CLIP_MODEL", DEFAULT_CLIP_MODEL))
    clip_pretrained: str = field(
        default_factory=lambda: os.environ.get("PHOTOINDEX_CLIP_PRETRAINED", DEFAULT_CLIP_PRETRAINED)
    )
    dino_model: str = field(default_factory=lambda: os.environ.get("PHOTOINDEX_DINO_MODEL", DEFAULT_DINO_MODEL))
    device: str = field(default_factory=lambda: os.environ.get("PHOTOINDEX_DEVICE", "auto"))
    """'auto', 'cpu', 'cuda' or 'mps'."""
    precision: str = field(default_factory=lambda: os.environ.get("PHOTOINDEX_PRECISION", "auto"))
    """'auto', 'bf16', 'fp16' or 'fp32'."""
    threads: int = field(default_factory=lambda: int(os.environ.get("PHOTOINDEX_THREADS", "0") or 0))
    """0 means one per CPU core."""
    faces: bool = field(default_factory=lambda: _env_flag("PHOTOINDEX_FACES", True))
    thumbnails: bool = True
    batch_size: int = field(default_factory=lambda: int(os.environ.get("PHOTOINDEX_BATCH", "16") or 16))

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]

    @property
    def random_weights(self) -> bool:
        return self.weights == "random"

    @property
    def catalog_path(self) -> Path:
        return self.library_dir / "catalog.sqlite3"

    @property
    def index_dir(self) -> Path:
        return self.library_dir / "index"

    @property
    def thumbs_dir(self) -> Path:
        return self.library_dir / "thumbs"

    @property
    def faces_dir(self) -> Path:
        return self.library_dir / "faces"

    def cpu_threads(self) -> int:
        if self.threads > 0:
            return self.threads
        try:
            return max(1, len(os.sched_getaffinity(0)))
        except AttributeError:  # macOS, Windows
            return max(1, os.cpu_count() or 1)
