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
    monkeypatch.setenv("PHOTOINDEX_CONFIG", str(tmp_path / "settings.toml"))  # not the user's file
    monkeypatch.delenv("PHOTOINDEX_FACES", raising=False)
    assert cli._settings(cli.build_parser().parse_args(["index"])).faces is True
    for argv in (["--no-faces", "index"], ["index", "--no-faces"], ["--no-faces", "map", "--json"]):
        assert cli._settings(cli.build_parser().parse_args(argv)).faces is False, argv
    settings, folders = cli.parse_gui_args(["--no-faces", str(tmp_path)])  # the window
    assert settings.faces is False and folders == [str(tmp_path)]


# -- one source of settings, one-line errors, a log ---------------------------------------------


@pytest.fixture
def cli_env(tmp_path: Path, tiny_env: dict[str, str]) -> dict[str, str]:
    """tiny_env with its own settings file and log folder (never the user's)."""
    return dict(tiny_env, PHOTOINDEX_CONFIG=str(tmp_path / "config" / "settings.toml"),
                PHOTOINDEX_LOG_DIR=str(tmp_path / "logs"))


def _no_nan(constant: str) -> float:
    raise ValueError(f"not JSON: {constant}")


def strict_json(text: str) -> dict:
    """json.loads that refuses NaN and Infinity, as every JSON parser but Python's does."""
    return json.loads(text, parse_constant=_no_nan)


def one_line_error(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode != 0, proc.stdout
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("photoindex: error: "), proc.stderr
    return lines[0]


def run_quick(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """A command that must answer at once (a window opened by mistake would hang until killed)."""
    return subprocess.run([sys.executable, "-m", "photoindex", *args], env=env, capture_output=True,
                          text=True, timeout=60)


def test_a_mistyped_command_is_a_usage_error_not_the_window(cli_env: dict[str, str]) -> None:
    proc = run_quick(cli_env, "serach", "dog")
    assert proc.returncode == 2
    assert "serach" in one_line_error(proc) and "did you mean 'search'?" in proc.stderr
    proc = run_quick(cli_env, "--threads", "2", "serach", "dog", "--json")
    assert proc.returncode == 2 and strict_json(proc.stdout)["kind"] == "usage"
    help_all = run_quick(cli_env, "help")
    assert help_all.returncode == 0 and "search" in help_all.stdout and "settings" in help_all.stdout
    help_search = run_quick(cli_env, "help", "search")
    assert help_search.returncode == 0 and "--person" in help_search.stdout
    proc = run_quick(cli_env, "help", "serach")
    assert proc.returncode == 2 and "did you mean 'search'?" in one_line_error(proc)
    proc = run_quick(cli_env, "search", "dog", "--limit", "many")
    assert proc.returncode == 2 and "--limit" in one_line_error(proc)
    # A mistyped option names the one meant, and the window never opens for it.
    proc = run_quick(cli_env, "search", "dog", "--limt", "3")
    assert proc.returncode == 2 and "did you mean '--limit'?" in one_line_error(proc)
    help_completion = run_quick(cli_env, "help", "completion")
    assert help_completion.returncode == 0 and "fish" in help_completion.stdout
    # A subcommand's own usage checks are usage errors too (exit 2), not failures (exit 1).
    for args, words in ((("people", "rename", "1"), "usage: photoindex people rename ID NAME"),
                        (("map", "--size", "big"), "not a size"),
                        (("duplicates", "--apply-suggestions"), "go with --trash")):
        proc = run_quick(cli_env, *args)
        assert proc.returncode == 2 and words in one_line_error(proc), (args, proc.stderr)


def test_shell_completion_is_generated_from_the_parser(cli_env: dict[str, str], tmp_path: Path) -> None:
    from photoindex.cli import _subcommands, build_parser

    commands = set(_subcommands(build_parser()))
    scripts = {}
    for shell in ("bash", "zsh", "fish"):
        proc = run_quick(cli_env, "completion", shell)
        assert proc.returncode == 0, proc.stderr
        scripts[shell] = proc.stdout
        # Every command and a command's own options are in it (a new one cannot be forgotten).
        for word in commands | {"--paths", "--person", "--apply-suggestions"}:
            if shell == "fish" and word.startswith("--"):
                word = f"-l {word[2:]}"
            assert word in proc.stdout, (shell, word)
    # The bash script is valid bash and completes `photoindex sea` to search, and folders for --library.
    script = tmp_path / "photoindex.bash"
    script.write_text(scripts["bash"])
    (tmp_path / "albums").mkdir()
    probe = (f"source {script}; cd {tmp_path}; COMP_WORDS=(photoindex sea); COMP_CWORD=1; "
             "_shtab_photoindex; echo \"${COMPREPLY[@]}\"; "
             "COMP_WORDS=(photoindex search --library al); COMP_CWORD=3; _shtab_photoindex; echo \"${COMPREPLY[@]}\"")
    out = subprocess.run(["bash", "-c", probe], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    first, second = out.stdout.splitlines()[:2]
    assert first.split() == ["search"] and "albums" in second
    assert "__fish_complete_path" in scripts["fish"]  # `similar IMAGE` completes file names
    (tmp_path / "_photoindex").write_text(scripts["zsh"])
    (tmp_path / "photoindex.fish").write_text(scripts["fish"])
    if shutil.which("zsh"):
        out = subprocess.run(["zsh", "-n", str(tmp_path / "_photoindex")], capture_output=True, text=True, timeout=30)
        assert out.returncode == 0, out.stderr
    if shutil.which("fish"):
        probe = (f"source {tmp_path / 'photoindex.fish'}; cd {tmp_path}; complete -C 'photoindex sea'; "
                 "complete -C 'photoindex search --library al'")
        out = subprocess.run(["fish", "--no-config", "-c", probe], capture_output=True, text=True, timeout=30)
        assert out.returncode == 0, out.stderr
        assert out.stdout.splitlines()[0].split("\t")[0] == "search" and "albums/" in out.stdout
    proc = run_quick(cli_env, "completion", "csh")
    assert proc.returncode == 2 and "invalid choice" in one_line_error(proc)


def test_paths_for_piping_and_a_version_in_every_json_document(tmp_path: Path, cli_env: dict[str, str]) -> None:
    from photoindex import __version__

    root = tmp_path / "내 사진 (2024) & more"
    paths = [save_jpeg(root / f"p{i}.jpg", scene(i)) for i in range(6)]
    copy = root / "copy of p0.jpg"
    shutil.copyfile(paths[0], copy)
    index_doc = strict_json(run(cli_env, "index", str(root), "--json").stdout)
    search_doc = strict_json(run(cli_env, "search", "red squares", "--all", "-k", "3", "--json").stdout)
    # --paths: the same hits in the same order, one path per line and nothing else.
    lines = run(cli_env, "search", "red squares", "--all", "-k", "3", "--paths").stdout.splitlines()
    assert lines == [h["path"] for h in search_doc["hits"]] and all(os.path.isfile(p) for p in lines)
    lines = run(cli_env, "similar", str(paths[2]), "--paths").stdout.splitlines()
    assert lines[0] == str(paths[2]) and all(os.path.isfile(p) for p in lines)
    dup_doc = strict_json(run(cli_env, "duplicates", "--kind", "exact", "--json").stdout)
    assert set(dup_doc) == {"groups", "version"} and len(dup_doc["groups"]) == 1
    lines = run(cli_env, "duplicates", "--kind", "exact", "--paths").stdout.splitlines()
    assert sorted(lines) == sorted([str(paths[0]), str(copy)]) and lines[0] == dup_doc["groups"][0]["keep"]
    others = run(cli_env, "duplicates", "--kind", "exact", "--paths", "--apply-suggestions").stdout.splitlines()
    assert len(others) == 1 and others[0] in lines and others[0] != lines[0]
    assert run(cli_env, "people", "--paths").stdout == ""  # faces are off in this library: no people, no lines
    docs = [index_doc, search_doc, dup_doc, strict_json(run(cli_env, "status", "--json").stdout),
            strict_json(run(cli_env, "settings", "--json").stdout),
            strict_json(run(cli_env, "people", "--json").stdout),
            strict_json(run(cli_env, "serch", "--json", check=False).stdout)]
    for doc in docs:
        assert doc["version"] == __version__, doc
    assert {"query", "count", "seconds", "hits"} <= set(search_doc)  # no key dropped


def test_bad_settings_are_one_line_naming_where_they_came_from(tmp_path: Path, cli_env: dict[str, str]) -> None:
    proc = run_quick(dict(cli_env, PHOTOINDEX_THREADS="abc"), "status")
    assert "PHOTOINDEX_THREADS" in one_line_error(proc) and "'abc'" in proc.stderr
    proc = run_quick(dict(cli_env, PHOTOINDEX_THREADS="abc"), "status", "--json")
    doc = strict_json(proc.stdout)
    assert doc["kind"] == "settings" and "PHOTOINDEX_THREADS" in doc["error"]
    a_file = tmp_path / "catalog-here"
    a_file.write_text("not a folder")
    proc = run_quick(cli_env, "--library", str(a_file), "status", "--json")
    assert "is a file, not a folder" in one_line_error(proc) and strict_json(proc.stdout)["kind"] == "settings"
    assert a_file.read_text() == "not a folder"
    settings_file = Path(cli_env["PHOTOINDEX_CONFIG"])
    settings_file.parent.mkdir(parents=True)
    settings_file.write_text("device = 'gpu'\n")
    proc = run_quick(cli_env, "status")
    assert "device in" in one_line_error(proc) and str(settings_file) in proc.stderr


def test_the_window_and_the_cli_share_one_settings_file(qtbot, tmp_path: Path, cli_env: dict[str, str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from types import SimpleNamespace

    from photoindex import cli
    from photoindex.config import resolve_settings
    from photoindex.gui.settings_dialog import SettingsDialog

    for key, value in cli_env.items():
        monkeypatch.setenv(key, value)
    for key in ("PHOTOINDEX_CLIP_MODEL", "PHOTOINDEX_DEVICE", "PHOTOINDEX_FACES", "PHOTOINDEX_THREADS"):
        monkeypatch.delenv(key, raising=False)
        cli_env.pop(key, None)
    # The window saves a model, a device and faces on...
    from photoindex.core.library_models import ModelsPart

    lib = SimpleNamespace(settings=resolve_settings(), roots=lambda: [], models=SimpleNamespace(choices=ModelsPart.choices))
    dlg = SettingsDialog(lib, 180)
    qtbot.addWidget(dlg)
    english = ("ViT-B-32", "laion2b_s34b_b79k")  # not the default (the multilingual one): a change
    dlg.clip.setCurrentIndex(next(i for i in range(dlg.clip.count()) if tuple(dlg.clip.itemData(i)) == english))
    dlg.device.setCurrentIndex(dlg.device.findData("cpu"))
    dlg.threads.setValue(3)
    assert dlg.save()
    # ... the CLI uses them, and says where they came from ...
    doc = strict_json(run_quick(cli_env, "settings", "--json").stdout)["settings"]
    assert (doc["clip_model"]["value"], doc["clip_model"]["source"]) == ("ViT-B-32", "file")
    assert (doc["clip_pretrained"]["value"], doc["clip_pretrained"]["source"]) == ("laion2b_s34b_b79k", "file")
    assert (doc["device"]["value"], doc["threads"]["value"]) == ("cpu", 3)
    assert doc["faces"]["source"] == "default", "what the user did not change is not written"
    # ... but the command line and the environment still win, for the CLI and the window alike.
    doc = strict_json(run_quick(dict(cli_env, PHOTOINDEX_DEVICE="cuda"), "--threads", "1", "--no-faces",
                                "settings", "--json").stdout)["settings"]
    assert (doc["threads"]["value"], doc["threads"]["source"], doc["threads"]["from"]) == (1, "argv", "--threads")
    assert (doc["device"]["value"], doc["device"]["source"]) == ("cuda", "environment")
    assert doc["faces"]["value"] is False
    window_settings, _ = cli.parse_gui_args(["--no-faces", "--threads", "1"])
    assert (window_settings.clip_model, window_settings.faces, window_settings.threads) == ("ViT-B-32", False, 1)
    # The CLI writes the same file the window reads.
    assert run_quick(cli_env, "settings", "set", "threads", "6").returncode == 0
    assert resolve_settings().threads == 6
    proc = run_quick(cli_env, "settings", "set", "treads", "6")
    assert proc.returncode == 2 and "did you mean threads" in one_line_error(proc)


def test_errors_in_a_library_are_one_line_and_json_is_strict(tmp_path: Path, cli_env: dict[str, str]) -> None:
    root = tmp_path / "pics"
    for i in range(4):
        save_jpeg(root / f"p{i}.jpg", scene(i))
    run(cli_env, "index", str(root))
    # A 400-digit weight made every score NaN, printed as `NaN` (not JSON).
    huge = "9" * 400 + ":dog"
    proc = run(cli_env, "search", huge, "--all", "--json", check=False)
    assert "weight" in one_line_error(proc) and strict_json(proc.stdout)["kind"] == "error"
    assert strict_json(run(cli_env, "search", "2:dog - cat", "--all", "--json").stdout)["hits"]
    # A folder that cannot be written is found before the map is laid out.
    locked = tmp_path / "locked"
    locked.mkdir()
    mounted = False
    if os.geteuid() == 0:  # root writes through permissions: make the folder a read-only mount
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(locked)],
                                 capture_output=True).returncode == 0
        if not mounted:
            pytest.skip("root without mount: cannot make an unwritable folder")
    else:
        locked.chmod(0o555)
    try:
        proc = run(cli_env, "map", "--out", str(locked / "map.png"), "--json", check=False)
    finally:
        if mounted:
            subprocess.run(["umount", str(locked)], check=True)
        locked.chmod(0o755)
    assert "cannot write the map" in one_line_error(proc)
    assert strict_json(proc.stdout)["error"].startswith("cannot write the map")
    # A garbled catalog: one line naming it, and the file is left as it was.
    catalog = Path(cli_env["PHOTOINDEX_HOME"]) / "catalog.sqlite3"
    for extra in ("-wal", "-shm"):
        Path(f"{catalog}{extra}").unlink(missing_ok=True)
    garbage = os.urandom(4096) * 8
    catalog.write_bytes(garbage)
    proc = run(cli_env, "status", "--json", check=False)
    assert str(catalog) in one_line_error(proc)
    assert strict_json(proc.stdout)["error"] and catalog.read_bytes() == garbage


@pytest.mark.skipif(sys.platform != "linux", reason="needs a Linux tmpfs")
def test_disk_full_during_index_is_one_line_and_loses_nothing(tmp_path: Path, cli_env: dict[str, str]) -> None:
    small = tmp_path / "small"
    small.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=600k", "tmpfs", str(small)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        root = tmp_path / "pics"
        n = 60
        for i in range(n):
            save_jpeg(root / f"p{i:02d}.jpg", scene(i, (1200, 900)))
        env = dict(cli_env, PHOTOINDEX_HOME=str(small / "library"))
        proc = run(env, "index", str(root), "--json", check=False)
        line = one_line_error(proc)
        assert "disk full" in line and "nothing indexed so far is lost" in line
        doc = strict_json(proc.stdout)
        assert doc["kind"] == "disk-full" and doc["error"].startswith("disk full")
        subprocess.run(["mount", "-o", "remount,size=256m", str(small)], check=True)
        again = run_json(env, "index")
        status = run_json(env, "status")
        assert status["photos"] == n and status["failed"] == 0
        assert again["embedded"] <= n
        with sqlite3.connect(small / "library" / "catalog.sqlite3") as c:
            assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        subprocess.run(["umount", "-l", str(small)], capture_output=True)


def test_the_log_file_gets_the_commands_and_their_errors(tmp_path: Path, cli_env: dict[str, str]) -> None:
    log = Path(cli_env["PHOTOINDEX_LOG_DIR"]) / "photoindex.log"
    assert run_quick(cli_env, "settings").returncode == 0
    assert "photoindex" in log.read_text() and ": settings" in log.read_text()
    proc = run_quick(dict(cli_env, PHOTOINDEX_THREADS="abc"), "status")
    assert proc.returncode != 0
    text = log.read_text()
    assert "ERROR" in text and "PHOTOINDEX_THREADS" in text
    assert run_quick(cli_env, "--log-level", "DEBUG", "settings").returncode == 0
    proc = run_quick(cli_env, "--log-level", "LOUD", "settings")
    assert proc.returncode == 2 and "--log-level" in one_line_error(proc)


def test_search_json_says_why_each_photo_matched(tmp_path: Path, tiny_env: dict[str, str]) -> None:
    root = tmp_path / "pics"
    for i in range(6):
        save_jpeg(root / "2019 제주도 여행" / f"IMG_{1000 + i}.jpg", scene(i))
        save_jpeg(root / "일상" / f"DSC_{i:04d}.jpg", scene(10 + i))
    run_json(tiny_env, "index", str(root))
    hits = run_json(tiny_env, "search", "제주도에서", "--all", "-k", "12")["hits"]
    assert all("제주도" in h["path"] for h in hits[:6]), hits  # random weights: only the name finds them
    assert all(h["matched"][0] == "folder" for h in hits[:6])
    assert all("folder" not in h["matched"] for h in hits[6:])
    hits = run_json(tiny_env, "search", "IMG_1003")["hits"]
    assert [(Path(h["path"]).name, h["matched"]) for h in hits] == [("IMG_1003.jpg", ["filename"])]
    hits = run_json(tiny_env, "search", "sunset + 2:바다 - 사람", "--all", "-k", "3")["hits"]
    assert len(hits) == 3 and all(h["matched"] == ["meaning"] for h in hits)
    assert "folder" in run(tiny_env, "search", "제주도", "--all").stdout.splitlines()[0]
