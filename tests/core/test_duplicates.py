"""Duplicates: exact copies and near-copies found (precision and recall), incremental finding, the
whole-library pass, hashes filled in for an old library, the Trash and undo, bad input, the CLI."""

from __future__ import annotations

import itertools
import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageEnhance, ImageOps

from tests.photos import save_jpeg, scene

N_DISTINCT = 24
N_WITH_COPIES = 8
VARIANTS = ("copy", "half", "q60", "crop92", "bright", "grey", "exif")


def _variant(src: Path, original: Image.Image, kind: str, dest: Path) -> Path:
    dest.parent.mkdir(parents=True, exist_ok=True)
    w, h = original.size
    if kind == "copy":
        shutil.copyfile(src, dest)
    elif kind == "half":
        original.resize((w // 2, h // 2), Image.LANCZOS).save(dest, "JPEG", quality=88)
    elif kind == "q60":
        original.save(dest, "JPEG", quality=60)
    elif kind == "crop92":
        cw, ch = round(w * 0.92), round(h * 0.92)
        left, top = (w - cw) // 2, (h - ch) // 2
        original.crop((left, top, left + cw, top + ch)).save(dest, "JPEG", quality=88)
    elif kind == "bright":
        ImageEnhance.Brightness(original).enhance(1.12).save(dest, "JPEG", quality=88)
    elif kind == "grey":
        ImageOps.grayscale(original).save(dest, "JPEG", quality=88)
    elif kind == "exif":  # same pixels, other metadata: a date and a camera added
        exif = Image.Exif()
        exif[0x010F], exif[0x0110] = "Canon", "Canon EOS 5D"
        exif.get_ifd(0x8769)[0x9003] = "2021:05:01 10:00:00"
        Image.open(src).save(dest, "JPEG", quality=88, exif=exif.tobytes())
    return dest


def make_duplicates(root: Path) -> dict[str, int]:
    """N_DISTINCT photos in originals/, and for the first N_WITH_COPIES of them every variant in a
    folder of its own. Returns {path: source index}."""
    truth: dict[str, int] = {}
    for i in range(N_DISTINCT):
        img = scene(1000 + i)
        src = save_jpeg(root / "originals" / f"photo_{i:02d}.jpg", img)
        truth[str(src)] = i
        if i < N_WITH_COPIES:
            for kind in VARIANTS:
                truth[str(_variant(src, img, kind, root / kind / f"img_{i:02d}_{kind}.jpg"))] = i
    return truth


def _pairs(groups: list) -> set[frozenset[str]]:
    return {frozenset(p) for g in groups for p in itertools.combinations([ph.path for ph in g.photos], 2)}


@pytest.fixture
def dup_library(tmp_path: Path, tiny_settings):
    from photoindex.core.library import Library

    truth = make_duplicates(tmp_path / "Photos")
    lib = Library(tiny_settings)
    report = lib.run_index([tmp_path / "Photos"])
    assert report.failed == 0
    yield lib, truth, tmp_path / "Photos"
    lib.close()


def test_exact_and_near_copies_are_found_and_distinct_photos_never_grouped(dup_library) -> None:
    lib, truth, _ = dup_library
    groups = lib.duplicates.groups("exact") + lib.duplicates.groups("near")
    found = _pairs(groups)
    expected = {frozenset(p) for p in itertools.combinations(truth, 2) if truth[min(p)] == truth[max(p)]}
    true_pos = len(found & expected)
    precision = true_pos / len(found) if found else 0.0
    recall = true_pos / len(expected)
    assert precision >= 0.95 and recall >= 0.95, (precision, recall, sorted(map(sorted, expected - found))[:5])
    for g in groups:  # nothing groups two distinct photos
        assert len({truth[p.path] for p in g.photos}) == 1, [p.path for p in g.photos]
    exact = lib.duplicates.groups("exact")
    # The byte copy and its original are the only exact copies of each photo with copies.
    assert {frozenset(p.path for p in g.photos) for g in exact} == {
        frozenset({str(Path(p).parent.parent / "originals" / f"photo_{i:02d}.jpg"), p})
        for p, i in truth.items() if "/copy/" in p}


def test_keeper_is_the_best_photo_with_a_reason(dup_library) -> None:
    lib, truth, _ = dup_library
    near = [g for g in lib.duplicates.groups() if len(g.photos) > 3]
    assert near
    for g in near:
        keeper = g.keeper
        assert g.photos[0] is keeper and keeper.score == max(p.score for p in g.photos)
        assert "/half/" not in keeper.path and "/grey/" not in keeper.path  # never the smallest or the greyed one
        assert keeper.width * keeper.height == max(p.width * p.height for p in g.photos)
        assert g.reason
        assert all(p.sharpness > 0 and p.bytes > 0 for p in g.photos)
    half = next(p for g in near for p in g.photos if "/half/" in p.path)
    assert (half.width, half.height) == (320, 240)


def test_a_new_copy_is_found_when_indexed_and_matches_the_whole_library_pass(dup_library) -> None:
    lib, truth, root = dup_library
    before = _pairs(lib.duplicates.groups())
    src = root / "originals" / "photo_20.jpg"  # a photo with no copies yet
    new = _variant(src, Image.open(src).convert("RGB"), "half", root / "later" / "small.jpg")
    lib.run_index()
    stats = lib.duplicates.update()
    assert stats["checked"] == 0  # indexing checked it already
    incremental = _pairs(lib.duplicates.groups())
    assert incremental - before == {frozenset({str(src), str(new)})}
    assert lib.duplicates.update(full=True)["whole_library"]
    assert _pairs(lib.duplicates.groups()) == incremental


def test_a_library_indexed_before_duplicates_gets_its_hashes_without_embedding_again(dup_library) -> None:
    lib, truth, _ = dup_library
    with lib.writer.transaction() as cat:
        cat.conn.execute("DELETE FROM photo_facts")
        cat.conn.execute("DELETE FROM dup_hashes")
        cat.conn.execute("DELETE FROM dup_pairs")
    assert lib.duplicates.unhashed_count() == len(truth)
    report = lib.run_index()
    assert report.embedded == 0
    assert lib.duplicates.unhashed_count() == 0
    assert len(lib.duplicates.groups()) == N_WITH_COPIES


def test_trash_and_undo(dup_library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lib, truth, root = dup_library
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    groups = lib.duplicates.groups()
    others = [p for g in groups for p in g.others]
    keepers = [g.keeper.path for g in groups]
    report = lib.duplicates.trash([p.photo_id for p in others])
    assert not report.skipped and sorted(report.done) == sorted(p.path for p in others)
    assert report.bytes == sum(p.bytes for p in others)
    trash = tmp_path / "xdg" / "Trash"
    in_trash = sorted(os.listdir(trash / "files"))
    assert len(in_trash) == len(others) and len(os.listdir(trash / "info")) == len(others)
    for p in others:
        assert not os.path.exists(p.path)
    assert all(os.path.exists(k) for k in keepers)
    on_disk = {str(p) for p in root.rglob("*.jpg")}
    assert {p.path for p in lib.photos()} == on_disk  # the catalog follows the disk
    assert lib.duplicates.groups() == []

    undone = lib.duplicates.undo_last()
    assert sorted(undone.done) == sorted(p.path for p in others) and not undone.skipped
    assert all(os.path.exists(p.path) for p in others)
    assert os.listdir(trash / "files") == [] and os.listdir(trash / "info") == []
    assert {p.path for p in lib.photos(order="path")} | {
        r[0] for r in lib.catalog().conn.execute("SELECT path FROM photos WHERE status = 'pending'")} == set(truth)
    lib.run_index()
    assert _pairs(lib.duplicates.groups()) == _pairs(groups)
    with pytest.raises(Exception, match="no clean-up to undo"):
        lib.duplicates.undo_last()


def test_a_vanished_or_changed_file_is_skipped_and_nothing_else_touched(dup_library, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    lib, truth, root = dup_library
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    by_path = {p.path: p for p in lib.photos()}
    gone, changed, edited, fine = (by_path[str(root / k / f"img_00_{k}.jpg")] for k in ("half", "q60", "grey", "bright"))
    os.unlink(gone.path)
    with open(changed.path, "ab") as fh:  # a different size
        fh.write(b"\0" * 10)
    data = bytearray(Path(edited.path).read_bytes())  # same size, same time, other bytes
    data[200] ^= 0xFF
    st = os.stat(edited.path)
    Path(edited.path).write_bytes(bytes(data))
    os.utime(edited.path, ns=(st.st_atime_ns, st.st_mtime_ns))
    report = lib.duplicates.trash([gone.id, changed.id, edited.id, fine.id])
    reasons = {s.path: s.reason for s in report.skipped}
    assert report.done == (fine.path,)
    assert "gone" in reasons[gone.path]
    assert "changed since it was indexed" in reasons[changed.path]
    assert "content changed" in reasons[edited.path]
    assert os.path.exists(changed.path) and os.path.exists(edited.path)
    assert lib.photo(changed.id) is not None and lib.photo(edited.id) is not None


def test_an_unreadable_file_is_skipped(dup_library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As root (how CI runs) chmod 000 stops no read: the refusal is simulated in-process there,
    the way the scan's retry tests do it; elsewhere the file is really made unreadable."""
    import builtins

    from photoindex.core import scan as scan_mod

    lib, truth, root = dup_library
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    photo = lib.catalog().photo_by_path(str(root / "half" / "img_01_half.jpg"))
    real_open = builtins.open

    def refusing_open(file, *args, **kwargs):  # type: ignore[no-untyped-def]
        if os.fspath(file) == photo.path:
            raise PermissionError(13, "Permission denied", photo.path)
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(scan_mod, "open", refusing_open, raising=False)  # partial_hash reads through it
    os.chmod(photo.path, 0)
    try:
        report = lib.duplicates.trash([photo.id])
    finally:
        os.chmod(photo.path, 0o644)
    assert report.done == () and "cannot be read" in report.skipped[0].reason
    assert os.path.exists(photo.path)


def test_multi_index_search_finds_every_pair_within_the_threshold() -> None:
    from photoindex.core.duplicates import NEAR_MAX_BITS, near_pairs_arrays

    rng = np.random.default_rng(0)
    base = rng.integers(0, 2**63, size=300, dtype=np.int64).view(np.uint64) * np.uint64(2) + np.uint64(1)
    copies = base[:100].copy()
    for k in range(100):  # flip 0..10 random bits
        for bit in rng.choice(64, size=k % 11, replace=False):
            copies[k] ^= np.uint64(1) << np.uint64(int(bit))
    hashes = np.concatenate([base, copies])
    owner = np.arange(len(hashes), dtype=np.int64)
    variant = np.zeros(len(hashes), dtype=np.int64)
    got = {(a, b) for a, b, _ in near_pairs_arrays(owner, variant, hashes).tolist()}
    brute = {(i, j) for i, j in itertools.combinations(range(len(hashes)), 2)
             if bin(int(hashes[i]) ^ int(hashes[j])).count("1") <= NEAR_MAX_BITS}
    assert got == brute and len(brute) >= 70


def test_similar_shots_need_both_likeness_and_close_capture_times() -> None:
    from photoindex.core.duplicates import similar_pairs_arrays

    rng = np.random.default_rng(1)
    v = rng.normal(size=(4, 16)).astype(np.float32)
    v[1] = v[0] + 0.05 * rng.normal(size=16)  # a retake of 0, 30 s later
    v[3] = v[2] + 0.05 * rng.normal(size=16)  # alike, but a day apart
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    ids = np.array([10, 11, 12, 13])
    times = np.array([0.0, 30.0, 1000.0, 1000.0 + 86400])
    got = similar_pairs_arrays(ids, times, v, floor=0.9, window=120)
    assert [(a, b) for a, b, _ in got] == [(10, 11)]


def test_cli_json_shape(dup_library, capsys: pytest.CaptureFixture[str]) -> None:
    from photoindex.cli import main

    lib, truth, _ = dup_library
    settings = lib.settings
    lib.close()
    args = ["--library", str(settings.library_dir), "--weights", "random"]
    os.environ.setdefault("PHOTOINDEX_CLIP_MODEL", "photoindex-tiny")
    try:
        os.environ["PHOTOINDEX_CLIP_MODEL"] = os.environ["PHOTOINDEX_DINO_MODEL"] = "photoindex-tiny"
        assert main(["duplicates", "--kind", "exact", "--json", *args]) == 0
        doc = json.loads(capsys.readouterr().out)
    finally:
        os.environ.pop("PHOTOINDEX_CLIP_MODEL", None)
        os.environ.pop("PHOTOINDEX_DINO_MODEL", None)
    assert set(doc) == {"groups", "version"} and len(doc["groups"]) == N_WITH_COPIES  # version: issue 14
    for g in doc["groups"]:
        assert set(g) == {"kind", "keep", "reason", "photos"} and g["kind"] == "exact"
        assert g["keep"] in {p["path"] for p in g["photos"]}
        for p in g["photos"]:
            assert set(p) == {"path", "width", "height", "bytes", "sharpness", "score"}
            assert isinstance(p["width"], int) and isinstance(p["bytes"], int) and isinstance(p["score"], float)
