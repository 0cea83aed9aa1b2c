"""Model downloads through huggingface_hub against a fake hub on loopback: one progress report
with the real total, pinned revisions, checksums, cancel and resume, offline and mirrors."""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

import pytest
from huggingface_hub import constants as hub_constants

from photoindex.core.models import weights
from photoindex.core.models.registry import ModelFile
from photoindex.core.models.weights import DownloadCancelled, download, download_dir, ensure, locate, offline
from photoindex.core.types import DownloadProgress, ModelUnavailable
from tests.fakehub import COMMIT, fake_hub

REPO = "someone/some-model"
BIG = os.urandom(3 << 20)  # 3 MiB
SMALL = b'{"model_type": "test"}'


@pytest.fixture
def hub_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    monkeypatch.setattr(weights, "auto_download", True)  # a window in this process turns it off
    monkeypatch.setattr(hub_constants, "HF_HUB_OFFLINE", False)  # read by the hub once, at import
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    with fake_hub({(REPO, "weights.bin"): BIG, (REPO, "config.json"): SMALL}) as hub:
        monkeypatch.setenv("HF_ENDPOINT", hub.url)
        yield hub


def _specs(revision: str | None = COMMIT) -> list[ModelFile]:
    return [ModelFile(REPO, "weights.bin", revision, 1), ModelFile(REPO, "config.json", revision, 1)]


def test_download_reports_bytes_of_the_real_total_and_lands_pinned(hub_env) -> None:
    seen: list[DownloadProgress] = []
    found = download(_specs(), progress=seen.append)
    assert {p.total for p in seen} == {len(BIG) + len(SMALL)}, "the hub's sizes, not the registry's estimates"
    assert seen[-1].finished and seen[-1].done == len(BIG) + len(SMALL)
    dones = [p.done for p in seen]
    assert dones == sorted(dones) and len(seen) >= 3
    weights, revision = found[_specs()[0]]
    assert revision == COMMIT and weights.parent.name == COMMIT and weights.read_bytes() == BIG
    files = [path for _, path, _ in hub_env.requests if "/resolve/" in path]
    assert len(files) == 4 and all(f"/resolve/{COMMIT}/" in path for path in files), "pinned to the revision"


def test_an_unpinned_file_is_kept_under_the_commit_the_hub_names(hub_env) -> None:
    found = download(_specs(None))
    assert found[_specs(None)[0]][1] == COMMIT
    assert locate(_specs(None)[0], None) == (found[_specs(None)[0]][0], COMMIT)


def test_a_cancelled_download_resumes_where_it_stopped(hub_env) -> None:
    hub_env.delay_s = 0.01
    cancel = threading.Event()
    seen: list[DownloadProgress] = []

    def progress(p: DownloadProgress) -> None:
        seen.append(p)
        if p.done > (1 << 20):
            cancel.set()

    with pytest.raises(DownloadCancelled):
        download(_specs(), progress=progress, cancel=cancel)
    part = next(download_dir().rglob("weights.bin.part"))
    kept = part.stat().st_size
    assert (1 << 20) <= kept < len(BIG)
    hub_env.requests.clear()
    hub_env.delay_s = 0.0
    again: list[DownloadProgress] = []
    found = download(_specs(), progress=again.append)
    assert again[0].done == kept, "the progress starts from what was already there"
    gets = [r for m, path, r in hub_env.requests if m == "GET" and "/resolve/" in path]
    assert f"bytes={kept}-" in (gets[0] or ""), gets
    assert found[_specs()[0]][0].read_bytes() == BIG and not part.exists()


def test_a_damaged_download_is_refused_by_its_checksum(hub_env) -> None:
    spec = ModelFile(REPO, "weights.bin", COMMIT, 1, sha256="0" * 64)
    with pytest.raises(ModelUnavailable, match="weights.bin.*damaged"):
        download([spec])


def test_a_wrong_file_in_the_models_dir_is_named(tmp_path: Path) -> None:
    models = tmp_path / "models" / "x"
    models.mkdir(parents=True)
    (models / "weights.bin").write_bytes(b"not it")
    spec = ModelFile(REPO, "weights.bin", COMMIT, 1, sha256=hashlib.sha256(BIG).hexdigest())
    with pytest.raises(ModelUnavailable) as err:
        locate(spec, tmp_path / "models")
    assert str(models / "weights.bin") in str(err.value) and "sha256" in str(err.value)
    (models / "weights.bin").write_bytes(BIG)
    assert locate(spec, tmp_path / "models") == (models / "weights.bin", "models-dir")


def test_offline_is_the_hubs_own_switch_and_fails_at_once(hub_env, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert offline()
    with pytest.raises(ModelUnavailable, match="HF_HUB_OFFLINE"):
        ensure(_specs(), None, what="the test model", hint="try later")
    assert hub_env.requests == []


def test_an_unreachable_mirror_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed: nothing listens there
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    monkeypatch.setattr(hub_constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{port}")
    with pytest.raises(ModelUnavailable) as err:
        download(_specs(), hint="put the files in PHOTOINDEX_MODELS_DIR")
    assert "\n" not in str(err.value) and f"127.0.0.1:{port}" in str(err.value)


def test_the_face_detector_comes_through_the_same_path(hub_env, monkeypatch: pytest.MonkeyPatch) -> None:
    from photoindex.core.faces import models as face_models
    from photoindex.core.models.registry import YUNET

    data = b"yunet" * 1000
    hub_env.files[(YUNET.repo, YUNET.filename)] = data
    hub_env.commit = YUNET.revision
    monkeypatch.setattr(face_models, "YUNET", ModelFile(YUNET.repo, YUNET.filename, YUNET.revision, len(data),
                                                        hashlib.sha256(data).hexdigest()))
    path = face_models.yunet_path(None)
    assert path.read_bytes() == data and path.parent.name == YUNET.revision


def test_an_unpinned_copy_in_the_hub_cache_is_used(hub_env, tmp_path: Path) -> None:
    """A library made by photoindex 0.x keeps searching with the model it downloaded then
    (into the Hugging Face cache, unpinned) instead of downloading it again."""
    from huggingface_hub import hf_hub_download

    path = hf_hub_download(REPO, "config.json", endpoint=hub_env.url)  # 'main', as 0.x did
    spec = ModelFile(REPO, "config.json", "f" * 40, 1)  # pinned to another commit
    assert locate(spec, None) == (Path(path), "hf-cache:main")
