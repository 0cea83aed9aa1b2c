"""One source of settings: argv > environment > settings file > defaults, every value validated."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from photoindex.config import (
    DEFAULT_CLIP_MODEL,
    KEYS,
    Settings,
    SettingsError,
    read_settings_file,
    resolve_settings,
    save_settings_file,
    settings_file_path,
)


@pytest.fixture
def file(tmp_path: Path) -> Path:
    return tmp_path / "config" / "settings.toml"


def test_precedence_argv_over_environment_over_file_over_defaults(tmp_path: Path, file: Path) -> None:
    save_settings_file({"threads": 3, "device": "cpu", "clip_model": "from-file", "faces": False}, file)
    env = {"PHOTOINDEX_THREADS": "5", "PHOTOINDEX_DEVICE": "cuda", "PHOTOINDEX_HOME": str(tmp_path / "lib")}
    s = resolve_settings({"threads": 7}, environ=env, file=file)
    #        argv       env           file              default
    assert (s.threads, s.device, s.clip_model, s.dino_model) == (7, "cuda", "from-file", "facebook/dinov2-small")
    assert s.faces is False and s.library_dir == tmp_path / "lib"
    assert s.sources["threads"] == "argv"
    assert s.sources["device"] == "environment"
    assert s.sources["clip_model"] == "file" and s.sources["faces"] == "file"
    assert s.sources["dino_model"] == "default"
    described = s.describe()
    assert described["device"] == {"value": "cuda", "source": "environment", "from": "PHOTOINDEX_DEVICE",
                                   "env": "PHOTOINDEX_DEVICE", "option": "--device"}
    assert described["threads"]["from"] == "--threads"
    assert described["clip_model"]["from"] == os.fspath(file)
    # Each layer taken away in turn shows the next one.
    assert resolve_settings({}, environ=env, file=file).threads == 5
    assert resolve_settings({}, environ={}, file=file).threads == 3
    assert resolve_settings({}, environ={}, file=file.with_name("none.toml")).threads == 0
    # An empty variable counts as unset (as a shell `VAR=` does).
    assert resolve_settings({}, environ={"PHOTOINDEX_THREADS": ""}, file=file).threads == 3
    # A None on the command line is "not given".
    assert resolve_settings({"threads": None}, environ={}, file=file).threads == 3


def test_no_faces_on_the_command_line_beats_a_saved_faces_on(file: Path) -> None:
    """The window's saved settings no longer hide --no-faces, --device, --threads."""
    save_settings_file({"faces": True, "device": "cuda", "threads": 8}, file)
    s = resolve_settings({"faces": False, "device": "cpu", "threads": 1}, environ={}, file=file)
    assert (s.faces, s.device, s.threads) == (False, "cpu", 1)


def test_the_file_is_found_through_photoindex_config(tmp_path: Path, file: Path) -> None:
    save_settings_file({"clip_model": "xlm-roberta-base-ViT-B-32"}, file)
    env = {"PHOTOINDEX_CONFIG": str(file)}
    assert settings_file_path(env) == file
    s = resolve_settings(environ=env)
    assert s.clip_model == "xlm-roberta-base-ViT-B-32" and s.file == file


@pytest.mark.parametrize(
    ("variable", "value", "words"),
    [
        ("PHOTOINDEX_THREADS", "abc", ["PHOTOINDEX_THREADS", "whole number", "'abc'"]),
        ("PHOTOINDEX_THREADS", "-1", ["PHOTOINDEX_THREADS"]),
        ("PHOTOINDEX_BATCH", "0", ["PHOTOINDEX_BATCH"]),
        ("PHOTOINDEX_DEVICE", "gpu", ["PHOTOINDEX_DEVICE", "auto, cpu, cuda, mps", "'gpu'"]),
        ("PHOTOINDEX_PRECISION", "fp8", ["PHOTOINDEX_PRECISION"]),
        ("PHOTOINDEX_WEIGHTS", "fake", ["PHOTOINDEX_WEIGHTS"]),
        ("PHOTOINDEX_FACES", "maybe", ["PHOTOINDEX_FACES", "on or off"]),
        ("PHOTOINDEX_FACE_MIN_SIZE", "nan", ["PHOTOINDEX_FACE_MIN_SIZE"]),
        ("PHOTOINDEX_FACE_MIN_SCORE", "2", ["PHOTOINDEX_FACE_MIN_SCORE"]),
    ],
)
def test_a_bad_environment_value_is_one_line_naming_the_variable(
    variable: str, value: str, words: list[str], file: Path
) -> None:
    with pytest.raises(SettingsError) as err:
        resolve_settings(environ={variable: value}, file=file)
    message = str(err.value)
    assert "\n" not in message
    for word in words:
        assert word in message
    assert isinstance(err.value, ValueError)


def test_a_bad_value_names_the_option_or_the_file(tmp_path: Path, file: Path) -> None:
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("x")
    with pytest.raises(SettingsError, match=r"^--library .*not-a-folder is a file, not a folder"):
        resolve_settings({"library_dir": str(a_file)}, environ={}, file=file)
    with pytest.raises(SettingsError, match="^PHOTOINDEX_HOME"):
        resolve_settings(environ={"PHOTOINDEX_HOME": str(a_file)}, file=file)
    with pytest.raises(SettingsError, match="^--threads"):
        resolve_settings({"threads": "many"}, environ={}, file=file)
    file.parent.mkdir(parents=True)
    file.write_text('threads = "four"\n')
    with pytest.raises(SettingsError, match=r"^threads in .*settings.toml must be a whole number"):
        resolve_settings(environ={}, file=file)
    file.write_text("threads = \n")
    with pytest.raises(SettingsError, match=r"^settings file .*settings.toml is not valid TOML .*delete it"):
        resolve_settings(environ={}, file=file)
    file.write_text("threads = true\n")  # a bool is not a number, even though Python says it is an int
    with pytest.raises(SettingsError):
        resolve_settings(environ={}, file=file)


def test_unknown_keys_in_the_file_are_ignored_but_not_written(file: Path) -> None:
    file.parent.mkdir(parents=True)
    file.write_text('from_a_newer_version = 1\nthreads = 2\n')
    assert read_settings_file(file) == {"threads": 2}
    with pytest.raises(SettingsError, match="unknown setting 'treads'"):
        save_settings_file({"treads": 2}, file)
    with pytest.raises(SettingsError, match="device"):
        save_settings_file({"device": "gpu"}, file)
    assert read_settings_file(file) == {"threads": 2}, "a refused change leaves the file as it was"


def test_save_keeps_other_keys_removes_with_none_and_is_atomic(file: Path, monkeypatch) -> None:
    save_settings_file({"threads": 2, "models_dir": Path("/opt/models")}, file)
    save_settings_file({"device": "cpu"}, file)
    assert read_settings_file(file) == {"threads": 2, "models_dir": Path("/opt/models"), "device": "cpu"}
    save_settings_file({"threads": None}, file)
    assert read_settings_file(file) == {"models_dir": Path("/opt/models"), "device": "cpu"}
    before = file.read_bytes()

    def crash(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        save_settings_file({"threads": 9}, file)
    assert file.read_bytes() == before, "a failed save leaves the old file whole"
    assert [p.name for p in file.parent.iterdir()] == [file.name], "and no temporary file behind"


def test_settings_made_in_code_use_the_environment_but_never_the_users_file(tmp_path: Path, monkeypatch) -> None:
    file = tmp_path / "settings.toml"
    save_settings_file({"threads": 3}, file)
    monkeypatch.setenv("PHOTOINDEX_CONFIG", str(file))
    monkeypatch.setenv("PHOTOINDEX_DEVICE", "cpu")
    monkeypatch.delenv("PHOTOINDEX_THREADS", raising=False)
    s = Settings(library_dir=tmp_path)
    assert (s.device, s.threads) == ("cpu", 0)
    monkeypatch.setenv("PHOTOINDEX_THREADS", "abc")
    with pytest.raises(SettingsError, match="PHOTOINDEX_THREADS"):
        Settings(library_dir=tmp_path)


def test_defaults_and_the_fields_others_read(file: Path) -> None:
    s = resolve_settings(environ={}, file=file)
    assert s.clip_model == DEFAULT_CLIP_MODEL and s.device == "auto" and s.threads == 0
    assert s.face_min_size == 40  # analyze.py's DEFAULT_MIN_FACE
    assert s.face_min_score == 0.75  # analyze.py's DEFAULT_MIN_SCORE
    assert s.thumb_size == 180
    assert s.cpu_threads() >= 1
    assert s.with_(threads=3).cpu_threads() == 3
    assert s.with_(threads=3).source("threads") == "code"
    assert set(s.describe()) == set(KEYS)


def test_face_min_size_reaches_the_face_analyzer(file: Path, tmp_path: Path) -> None:
    from photoindex.core.faces.analyze import DEFAULT_MIN_FACE, DEFAULT_MIN_SCORE, FaceAnalyzer
    from tests.conftest import SHARED_ASSETS

    models = {"PHOTOINDEX_MODELS_DIR": str(SHARED_ASSETS / "models"), "PHOTOINDEX_HOME": str(tmp_path)}
    s = resolve_settings(environ={**models, "PHOTOINDEX_FACE_MIN_SIZE": "64"}, file=file)
    assert FaceAnalyzer(s).min_face == 64
    save_settings_file({"face_min_score": 0.5}, file)
    d = resolve_settings(environ=models, file=file)
    analyzer = FaceAnalyzer(d)
    assert analyzer.min_face == DEFAULT_MIN_FACE and analyzer.min_score == 0.5 != DEFAULT_MIN_SCORE


def test_concurrent_saves_never_leave_a_broken_file(file: Path) -> None:
    errors: list[BaseException] = []

    def save(n: int) -> None:
        try:
            for i in range(20):
                save_settings_file({"threads": n * 100 + i}, file)
                read_settings_file(file)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=save, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert "threads" in read_settings_file(file)
