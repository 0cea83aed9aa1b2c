"""The CLI as a user runs it: a subprocess, real files, real SQLite, real hnswlib."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.photos import make_library, save_jpeg, scene, tree_digest


def run(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "photoindex", *args], env=env, capture_output=True, text=True, timeout=300
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"photoindex {' '.join(args)} failed ({proc.returncode}): {proc.stderr}")
    return proc


def run_json(env: dict[str, str], *args: str) -> dict:
    proc = run(env, *args, "--json")
    return json.loads(proc.stdout)


def test_index_a_library_full_of_bad_cases(tmp_path: Path, tiny_env: dict[str, str]) -> None:
    lib = make_library(tmp_path / "Photos")
    before = tree_digest(tmp_path / "Photos")
    doc = run_json(tiny_env, "index", str(tmp_path / "Photos"))
    assert tree_digest(tmp_path / "Photos") == before, "the user's folder must not change"
    assert doc["added"] == len(lib["good"]) + len(lib["bad"])
    assert doc["embedded"] == len(lib["good"])
    assert doc["failed"] == len(lib["bad"])
    reasons = {Path(f["path"]).name: f["reason"] for f in doc["failures"]}
    assert "truncated" in reasons["truncated.jpg"]
    assert "empty" in reasons["zero.jpg"]
    assert "not an image" in reasons["notes.jpg"]
    assert "too large" in reasons["bomb.png"]
    status = run_json(tiny_env, "status")
    assert status["photos"] == len(lib["good"]) and status["failed"] == len(lib["bad"])
    assert {Path(f["path"]).name for f in status["failures"]} == {p.name for p in lib["bad"]}
    # Korean names round-trip through JSON.
    hits = run_json(tiny_env, "search", "바다", "--all", "-k", "100")["hits"]
    assert any(h["path"].endswith("여행/바다 사진.jpg") for h in hits)


def test_search_and_similar(tmp_path: Path, tiny_env: dict[str, str]) -> None:
    root = tmp_path / "pics"
    paths = [save_jpeg(root / f"p{i}.jpg", scene(i)) for i in range(12)]
    run_json(tiny_env, "index", str(root))
    doc = run_json(tiny_env, "search", "red squares", "--all", "-k", "5")
    assert len(doc["hits"]) == 5
    assert all(set(h) >= {"path", "score"} for h in doc["hits"])
    scores = [h["score"] for h in doc["hits"]]
    assert scores == sorted(scores, reverse=True)
    for by in ("dino", "clip"):
        sim = run_json(tiny_env, "similar", str(paths[3]), "--by", by)
        assert sim["hits"][0]["path"] == str(paths[3]) and sim["hits"][0]["score"] > 0.999
    # An image from outside the library works too (embedded on the fly).
    outside = save_jpeg(tmp_path / "query.jpg", scene(3))
    assert run_json(tiny_env, "similar", str(outside), "--all", "-k", "3")["hits"]
    # Folder filter.
    save_jpeg(root / "sub" / "only.jpg", scene(50))
    run_json(tiny_env, "index")
    hits = run_json(tiny_env, "search", "anything", "--all", "--folder", str(root / "sub"))["hits"]
    assert [Path(h["path"]).name for h in hits] == ["only.jpg"]


def test_bad_input_gives_one_line_and_nonzero_exit(tmp_path: Path, tiny_env: dict[str, str]) -> None:
    proc = run(tiny_env, "index", str(tmp_path / "nope"), check=False)
    assert proc.returncode != 0
    assert proc.stderr.strip().count("\n") == 0 and "not a folder" in proc.stderr
    proc = run(tiny_env, "similar", str(tmp_path / "missing.jpg"), check=False)
    assert proc.returncode != 0 and "no such image" in proc.stderr
    proc = run(tiny_env, "search", "x", "--from", "last tuesday", check=False)
    assert proc.returncode != 0 and "not a date" in proc.stderr


def test_moved_photo_keeps_its_vectors(tmp_path: Path, tiny_env: dict[str, str]) -> None:
    root = tmp_path / "pics"
    for i in range(5):
        save_jpeg(root / f"p{i}.jpg", scene(i))
    first = run_json(tiny_env, "index", str(root))
    assert first["embedded"] == 5
    (root / "2024" / "summer").mkdir(parents=True)
    shutil.move(root / "p2.jpg", root / "2024" / "summer" / "renamed.jpg")
    again = run_json(tiny_env, "index")
    assert (again["moved"], again["embedded"], again["added"], again["removed"]) == (1, 0, 0, 0)
    sim = run_json(tiny_env, "similar", str(root / "2024" / "summer" / "renamed.jpg"))
    assert sim["hits"][0]["path"].endswith("renamed.jpg")
    # Unchanged rescan only stats files.
    third = run_json(tiny_env, "index")
    assert (third["embedded"], third["unchanged"]) == (0, 5)
    # Removed: gone from results at once.
    (root / "p0.jpg").unlink()
    assert run_json(tiny_env, "index")["removed"] == 1
    hits = run_json(tiny_env, "search", "x", "--all")["hits"]
    assert not any(h["path"].endswith("p0.jpg") for h in hits)


def test_kill_and_resume(tmp_path: Path, tiny_env: dict[str, str]) -> None:
    root = tmp_path / "pics"
    n = 40
    for i in range(n):
        save_jpeg(root / f"p{i:03d}.jpg", scene(i, (800, 600)))
    env = dict(tiny_env, PHOTOINDEX_BATCH="4", PHOTOINDEX_CLIP_MODEL="ViT-B-32", PHOTOINDEX_THREADS="1")
    catalog = Path(env["PHOTOINDEX_HOME"]) / "catalog.sqlite3"
    proc = subprocess.Popen([sys.executable, "-m", "photoindex", "index", str(root)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    done = 0
    while time.monotonic() < deadline and proc.poll() is None:
        if catalog.exists():
            try:
                with sqlite3.connect(catalog, timeout=1) as c:
                    done = c.execute("SELECT count(*) FROM photos WHERE status = 'ok'").fetchone()[0]
            except sqlite3.Error:
                done = 0
            if done >= 8:
                break
        time.sleep(0.05)
    assert proc.poll() is None, "indexing finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert 8 <= done < n
    doc = run_json(env, "index")
    assert doc["embedded"] <= n - 8, "work done before the kill is kept"
    with sqlite3.connect(catalog) as c:
        assert c.execute("SELECT count(*) FROM photos").fetchone()[0] == n
        assert c.execute("SELECT count(*) FROM photos WHERE status = 'ok'").fetchone()[0] == n
        for space in ("clip", "dino"):
            assert c.execute("SELECT count(*) FROM embeddings WHERE space = ?", (space,)).fetchone()[0] == n
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    for i in (0, n // 2, n - 1):
        hit = run_json(env, "similar", str(root / f"p{i:03d}.jpg"))["hits"][0]
        assert hit["path"].endswith(f"p{i:03d}.jpg")


def test_help_is_instant_and_imports_nothing_heavy(tiny_env: dict[str, str]) -> None:
    code = "import sys; from photoindex.cli import build_parser; build_parser(); print(sorted(m for m in ('torch','open_clip','transformers','PySide6') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], env=tiny_env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read a chmod 000 file")
def test_unreadable_file_is_reported(tmp_path: Path, tiny_env: dict[str, str]) -> None:
    root = tmp_path / "pics"
    save_jpeg(root / "ok.jpg", scene(1))
    locked = save_jpeg(root / "locked.jpg", scene(2))
    locked.chmod(0)
    try:
        doc = run_json(tiny_env, "index", str(root))
    finally:
        locked.chmod(0o644)
    assert doc["embedded"] == 1
    assert "permission denied" in doc["failures"][0]["reason"]


def test_no_faces_before_or_after_the_command(tmp_path: Path, monkeypatch) -> None:
    from photoindex import cli

    monkeypatch.setenv("PHOTOINDEX_HOME", str(tmp_path))
    monkeypatch.delenv("PHOTOINDEX_FACES", raising=False)
    assert cli._settings(cli.build_parser().parse_args(["index"])).faces is True
    for argv in (["--no-faces", "index"], ["index", "--no-faces"], ["--no-faces", "map", "--json"]):
        assert cli._settings(cli.build_parser().parse_args(argv)).faces is False, argv
    settings, folders = cli.parse_gui_args(["--no-faces", str(tmp_path)])  # the window
    assert settings.faces is False and folders == [str(tmp_path)]
