"""Find model weights: a local models folder first, then the Hugging Face cache, then a download.

The download shows progress (huggingface_hub's own bar) and is pinned to a revision. When the
hub cannot be reached, or HF_HUB_OFFLINE is set, the user gets one line saying what is missing
and how to provide it, after a few seconds at most, never a long retry loop.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterable
from pathlib import Path

from photoindex.core.types import ModelUnavailable

HUB_HOST = "huggingface.co"


def offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}


def find_in_models_dir(models_dir: Path | None, names: Iterable[str]) -> Path | None:
    """The first file or folder under models_dir (searched recursively) with one of these names."""
    if models_dir is None or not models_dir.is_dir():
        return None
    wanted = list(names)
    for name in wanted:
        direct = models_dir / name
        if direct.exists():
            return direct
    for dirpath, dirnames, filenames in os.walk(models_dir):
        for name in wanted:
            if name in filenames or name in dirnames:
                return Path(dirpath) / name
    return None


def hub_reachable(timeout: float = 3.0) -> bool:
    try:
        with socket.create_connection((HUB_HOST, 443), timeout=timeout):
            return True
    except OSError:
        return False


def hub_file(repo_id: str, filename: str, revision: str | None, what: str, hint: str) -> Path:
    """A file of a hub repository: from the local cache, else downloaded once (with progress)."""
    from huggingface_hub import hf_hub_download, try_to_load_from_cache

    cached = try_to_load_from_cache(repo_id, filename, revision=revision)
    if isinstance(cached, str) and os.path.exists(cached):
        return Path(cached)
    if offline():
        raise ModelUnavailable(f"{what} is not on this computer and HF_HUB_OFFLINE is set; {hint}")
    if not hub_reachable():
        raise ModelUnavailable(f"{what} is not on this computer and {HUB_HOST} cannot be reached; {hint}")
    try:
        return Path(hf_hub_download(repo_id, filename, revision=revision))
    except Exception as exc:  # network, disk full, revoked repo: one line for the user
        first = " ".join(str(exc).split())[:200]
        raise ModelUnavailable(f"could not download {what} from {HUB_HOST}: {first}; {hint}") from None
