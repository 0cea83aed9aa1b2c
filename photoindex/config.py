"""Where things live, and the one place settings are resolved.

Settings come from four places, and `resolve_settings` is the only function that combines them:

    command line (argv) > environment (PHOTOINDEX_*) > settings file > defaults

The settings file (TOML) is shared by the window and the CLI: `settings_file_path()`, i.e.
PHOTOINDEX_CONFIG, else `settings.toml` in the platform config folder. The window's settings
dialog writes it through `save_settings_file`; `photoindex settings set` does too.

Qt-free and import-light: the CLI's --help and the window's first paint both go through here.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

APP_NAME = "photoindex"

DEFAULT_CLIP_MODEL = "xlm-roberta-base-ViT-B-32"  # multilingual: Korean and English on one index
DEFAULT_CLIP_PRETRAINED = "laion5b_s13b_b90k"
DEFAULT_DINO_MODEL = "facebook/dinov2-small"
DEFAULT_FACE_MIN_SIZE = 40.0
"""Matches core.faces.analyze.DEFAULT_MIN_FACE (pixels of the original photo)."""
DEFAULT_FACE_MIN_SCORE = 0.75
"""Matches core.faces.analyze.DEFAULT_MIN_SCORE (YuNet confidence)."""
DEFAULT_THUMB_SIZE = 180
DEFAULT_DUP_SIMILARITY = 0.90
"""DINOv2 cosine above which two shots taken close together are 'similar' (a burst or a retake).
Not measured here (the test machines have random weights): DINOv2-small puts resized and
re-encoded copies of one photo above ~0.95 and different scenes well below 0.8; 0.90 keeps
only shots of one moment. A setting, so that it can be tuned (the window's slider goes lower)."""
DEFAULT_DUP_WINDOW = 120.0
"""Seconds between two capture times (EXIF) for shots to count as one moment."""

CONFIG_ENV = "PHOTOINDEX_CONFIG"
"""Path of the settings file itself (tests, portable installs)."""
SETTINGS_FILE_NAME = "settings.toml"

SOURCES = ("argv", "environment", "file", "default", "code")
"""Where a value came from. 'code': set by a program (tests, Settings.with_), not by the user."""


class SettingsError(ValueError):
    """A setting that cannot be used. The message is one line that names where the value came
    from (the option, the variable or the file) and what would be accepted."""


# -- parsing: one function per kind of value; each takes a str (argv, environment) or a TOML value


def _text(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise SettingsError(f"{where} must be a non-empty text, not {value!r}")
    return value.strip()


def _choice(*allowed: str) -> Callable[[object, str], str]:
    def parse(value: object, where: str) -> str:
        text = value.strip().lower() if isinstance(value, str) else value
        if text not in allowed:
            raise SettingsError(f"{where} must be one of {', '.join(allowed)}, not {value!r}")
        return str(text)

    return parse


def _integer(low: int, high: int, meaning: str) -> Callable[[object, str], int]:
    def parse(value: object, where: str) -> int:
        if isinstance(value, bool):
            number = None
        elif isinstance(value, int):
            number = value
        elif isinstance(value, str):
            try:
                number = int(value.strip())
            except ValueError:
                number = None
        else:
            number = None
        if number is None or not low <= number <= high:
            raise SettingsError(f"{where} must be a whole number from {low} to {high} ({meaning}), not {value!r}")
        return number

    return parse


def _number(low: float, high: float, meaning: str) -> Callable[[object, str], float]:
    def parse(value: object, where: str) -> float:
        number: float | None
        if isinstance(value, bool):
            number = None
        elif isinstance(value, int | float):
            number = float(value)
        elif isinstance(value, str):
            try:
                number = float(value.strip())
            except ValueError:
                number = None
        else:
            number = None
        if number is None or not math.isfinite(number) or not low <= number <= high:
            raise SettingsError(f"{where} must be a number from {low:g} to {high:g} ({meaning}), not {value!r}")
        return number

    return parse


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _flag(value: object, where: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise SettingsError(f"{where} must be on or off (1/0, true/false, yes/no), not {value!r}")


def _folder(must_be_folder: bool) -> Callable[[object, str], Path]:
    def parse(value: object, where: str) -> Path:
        if isinstance(value, os.PathLike):
            value = os.fspath(value)
        path = Path(_text(value, where)).expanduser()
        if must_be_folder and path.exists() and not path.is_dir():
            raise SettingsError(f"{where} {path} is a file, not a folder: give a folder (it is made if missing)")
        return path

    return parse


@dataclass(frozen=True)
class _Key:
    name: str
    parse: Callable[[object, str], Any]
    env: str | None = None
    option: str | None = None
    """The command-line option that sets it, for messages and `photoindex settings`."""
    in_file: bool = True
    help: str = ""


KEYS: dict[str, _Key] = {k.name: k for k in (
    _Key("library_dir", _folder(True), "PHOTOINDEX_HOME", "--library",
         help="catalog folder (catalog, indexes, thumbnails, face crops)"),
    _Key("weights", _choice("pretrained", "random"), "PHOTOINDEX_WEIGHTS", "--weights",
         help="'random': the real architectures with random weights, no download"),
    _Key("models_dir", _folder(True), "PHOTOINDEX_MODELS_DIR",
         help="folder searched for model files before any download"),
    _Key("clip_model", _text, "PHOTOINDEX_CLIP_MODEL", help="open_clip model name"),
    _Key("clip_pretrained", _text, "PHOTOINDEX_CLIP_PRETRAINED", help="open_clip pretrained tag"),
    _Key("dino_model", _text, "PHOTOINDEX_DINO_MODEL", help="DINOv2 model on the hub"),
    _Key("device", _choice("auto", "cpu", "cuda", "mps"), "PHOTOINDEX_DEVICE", "--device"),
    _Key("precision", _choice("auto", "bf16", "fp16", "fp32"), "PHOTOINDEX_PRECISION"),
    _Key("threads", _integer(0, 4096, "CPU threads; 0 = all cores"), "PHOTOINDEX_THREADS", "--threads"),
    _Key("faces", _flag, "PHOTOINDEX_FACES", "--no-faces", help="find faces and group them into people"),
    _Key("thumbnails", _flag, None, "--no-thumbnails", help="write thumbnails while indexing"),
    _Key("batch_size", _integer(1, 1024, "photos per model batch"), "PHOTOINDEX_BATCH"),
    _Key("face_min_size", _number(1, 10_000, "smallest face kept, in pixels"), "PHOTOINDEX_FACE_MIN_SIZE"),
    _Key("face_min_score", _number(0, 1, "face detector confidence"), "PHOTOINDEX_FACE_MIN_SCORE"),
    _Key("thumb_size", _integer(96, 400, "thumbnail size in the window, pixels"), help="window thumbnail size"),
    _Key("dup_similarity", _number(0.5, 1, "DINOv2 cosine for similar shots"), "PHOTOINDEX_DUP_SIMILARITY",
         help="how alike two shots must look to be 'similar' duplicates"),
    _Key("dup_window", _number(0, 86_400, "seconds between capture times of similar shots"), "PHOTOINDEX_DUP_WINDOW",
         help="how close in time similar shots must be taken"),
    _Key("language", _choice("system", "en", "ko"), "PHOTOINDEX_LANGUAGE",
         help="window language: 'system' follows the system locale; applies when the window starts"),
)}


def _where(key: _Key, source: str, file: Path | None = None) -> str:
    if source == "environment":
        return str(key.env)
    if source == "argv":
        return key.option or f"argument {key.name}"
    if source == "file":
        return f"{key.name} in {file}"
    return key.name


# -- paths -------------------------------------------------------------------------------------


def platform_library_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def default_library_dir() -> Path:
    """The catalog folder: PHOTOINDEX_HOME, else the per-user data directory."""
    home = os.environ.get("PHOTOINDEX_HOME")
    if home:
        return Path(home).expanduser()
    return platform_library_dir()


def default_cache_dir() -> Path:
    from platformdirs import user_cache_path

    return user_cache_path(APP_NAME, appauthor=False)


def library_cache_name(library_dir: Path) -> str:
    """A library's folder name in the cache: readable, and unique to the library's real path."""
    import hashlib
    import re

    real = os.path.realpath(os.path.expanduser(library_dir))
    readable = re.sub(r"[^\w.-]+", "_", os.path.basename(real.rstrip(os.sep)) or "library")[:40]
    return f"{readable}-{hashlib.sha256(os.fsencode(real)).hexdigest()[:12]}"


def settings_file_path(environ: Mapping[str, str] = os.environ) -> Path:
    """PHOTOINDEX_CONFIG, else settings.toml in the platform config folder
    (~/.config/photoindex on Linux, ~/Library/Application Support/photoindex, %APPDATA%)."""
    if environ.get(CONFIG_ENV):
        return Path(environ[CONFIG_ENV]).expanduser()
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False) / SETTINGS_FILE_NAME


# -- the settings ------------------------------------------------------------------------------


def _defaults() -> dict[str, Any]:
    return {
        "library_dir": None,  # platform_library_dir(), looked up only when needed
        "weights": "pretrained",
        "models_dir": None,
        "clip_model": DEFAULT_CLIP_MODEL,
        "clip_pretrained": DEFAULT_CLIP_PRETRAINED,
        "dino_model": DEFAULT_DINO_MODEL,
        "device": "auto",
        "precision": "auto",
        "threads": 0,
        "faces": True,
        "thumbnails": True,
        "batch_size": 16,
        "face_min_size": DEFAULT_FACE_MIN_SIZE,
        "face_min_score": DEFAULT_FACE_MIN_SCORE,
        "thumb_size": DEFAULT_THUMB_SIZE,
        "dup_similarity": DEFAULT_DUP_SIMILARITY,
        "dup_window": DEFAULT_DUP_WINDOW,
        "language": "system",
    }


def _from_env(name: str) -> Callable[[], Any]:
    """Default of a field of a Settings made in code: the environment, else the default. The app
    and the CLI use resolve_settings (which also reads the settings file); Settings(...) in tests
    and benchmarks is the given values plus the environment, never the user's file."""

    def make() -> Any:
        key = KEYS[name]
        text = os.environ.get(key.env) if key.env else None
        if text is not None and text.strip():
            return key.parse(text, _where(key, "environment"))
        value = _defaults()[name]
        return platform_library_dir() if name == "library_dir" and value is None else value

    return make


@dataclass(frozen=True)
class Settings:
    """Everything the core needs to know that is not in the catalog. Made by resolve_settings
    (argv > environment > settings file > defaults); `sources` says where each value came from."""

    library_dir: Path = field(default_factory=_from_env("library_dir"))
    weights: str = field(default_factory=_from_env("weights"))
    """'pretrained' (download or load real weights) or 'random' (same architectures, no network)."""
    models_dir: Path | None = field(default_factory=_from_env("models_dir"))
    clip_model: str = field(default_factory=_from_env("clip_model"))
    clip_pretrained: str = field(default_factory=_from_env("clip_pretrained"))
    dino_model: str = field(default_factory=_from_env("dino_model"))
    device: str = field(default_factory=_from_env("device"))
    """'auto', 'cpu', 'cuda' or 'mps'."""
    precision: str = field(default_factory=_from_env("precision"))
    """'auto', 'bf16', 'fp16' or 'fp32'."""
    threads: int = field(default_factory=_from_env("threads"))
    """0 means one per CPU core; read it through cpu_threads()."""
    faces: bool = field(default_factory=_from_env("faces"))
    thumbnails: bool = True
    batch_size: int = field(default_factory=_from_env("batch_size"))
    face_min_size: float = field(default_factory=_from_env("face_min_size"))
    """Smallest face kept, in pixels of the original photo."""
    face_min_score: float = field(default_factory=_from_env("face_min_score"))
    """Face detector confidence needed to keep a face."""
    thumb_size: int = DEFAULT_THUMB_SIZE
    """Thumbnail size in the window's grid, pixels."""
    dup_similarity: float = field(default_factory=_from_env("dup_similarity"))
    """DINOv2 cosine above which shots taken close together are 'similar' duplicates."""
    dup_window: float = field(default_factory=_from_env("dup_window"))
    """Seconds between capture times within which shots can be 'similar' duplicates."""
    language: str = field(default_factory=_from_env("language"))
    """The window's language: 'system' (the system locale), 'en' or 'ko'. Read when the window starts."""
    sources: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)
    """Field name -> 'argv', 'environment', 'file', 'default' or 'code' (see SOURCES)."""
    file: Path | None = field(default=None, compare=False, repr=False)
    """The settings file that was read (it may not exist), when made by resolve_settings."""

    def with_(self, **changes: object) -> Settings:
        sources = {**self.sources, **{name: "code" for name in changes if name in KEYS}}
        return replace(self, sources=sources, **changes)  # type: ignore[arg-type]

    def source(self, name: str) -> str:
        return self.sources.get(name, "code")

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
        """Thumbnails are a cache: $XDG_CACHE_HOME/photoindex/thumbs/<library>, one folder per
        library folder (~/.cache/photoindex/thumbs/... on Linux, the platform cache folder elsewhere)."""
        return default_cache_dir() / "thumbs" / library_cache_name(self.library_dir)

    @property
    def faces_dir(self) -> Path:
        return self.library_dir / "faces"

    def cpu_threads(self) -> int:
        """The one answer to 'how many CPU threads may photoindex use': the threads setting,
        else the CPUs this process may run on."""
        if self.threads > 0:
            return self.threads
        try:
            return max(1, len(os.sched_getaffinity(0)))
        except AttributeError:  # macOS, Windows
            return max(1, os.cpu_count() or 1)

    def describe(self) -> dict[str, dict[str, Any]]:
        """Every setting with its value (JSON-ready), its source and, for the environment, the
        command line or the file, the exact name that set it (for `photoindex settings`)."""
        out: dict[str, dict[str, Any]] = {}
        for name, key in KEYS.items():
            value = getattr(self, name)
            source = self.source(name)
            origin = None
            if source in ("environment", "argv"):
                origin = _where(key, source)
            elif source == "file" and self.file is not None:
                origin = os.fspath(self.file)
            out[name] = {
                "value": os.fspath(value) if isinstance(value, Path) else value,
                "source": source,
                "from": origin,
                "env": key.env,
                "option": key.option,
            }
        return out


def read_settings_file(file: Path | str | None = None) -> dict[str, Any]:
    """The settings file's values, validated (missing file: {}). Unknown keys are ignored (a newer
    photoindex may have written them) and logged."""
    path = Path(file) if file is not None else settings_file_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except IsADirectoryError:
        raise SettingsError(f"settings file {path} is a folder: point {CONFIG_ENV} at a file") from None
    except OSError as exc:
        raise SettingsError(f"settings file {path} cannot be read: {exc.strerror or exc}") from None
    import tomllib

    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SettingsError(
            f"settings file {path} is not valid TOML ({exc}): fix it or delete it to start from the defaults"
        ) from None
    values: dict[str, Any] = {}
    for name, value in data.items():
        key = KEYS.get(name)
        if key is None or not key.in_file:
            import logging

            logging.getLogger(__name__).warning("settings file %s: unknown setting %r ignored", path, name)
            continue
        values[name] = key.parse(value, _where(key, "file", path))
    return values


def resolve_settings(
    argv_overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] = os.environ,
    file: Path | str | None = None,
) -> Settings:
    """The settings, with argv > environment > settings file > defaults, every value validated.

    argv_overrides: field name -> value given on the command line (None values are ignored).
    environ: the PHOTOINDEX_* variables (and PHOTOINDEX_CONFIG when `file` is not given).
    file: the settings file; default settings_file_path(environ).
    Raises SettingsError (one line naming the option, variable or file) on a bad value."""
    path = Path(file) if file is not None else settings_file_path(environ)
    from_file = read_settings_file(path)
    argv = {k: v for k, v in (argv_overrides or {}).items() if v is not None}
    for name in argv:
        if name not in KEYS:
            raise SettingsError(f"unknown setting {name!r}")
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    defaults = _defaults()
    for name, key in KEYS.items():
        env_text = environ.get(key.env) if key.env else None
        if name in argv:
            values[name], sources[name] = key.parse(argv[name], _where(key, "argv")), "argv"
        elif env_text is not None and env_text.strip():
            values[name], sources[name] = key.parse(env_text, _where(key, "environment")), "environment"
        elif name in from_file:
            values[name], sources[name] = from_file[name], "file"
        else:
            values[name], sources[name] = defaults[name], "default"
    if values["library_dir"] is None:
        values["library_dir"] = platform_library_dir()
    return Settings(**values, sources=sources, file=path)


def save_settings_file(changes: Mapping[str, Any], file: Path | str | None = None) -> Path:
    """Write `changes` (field name -> value; None removes the key, back to the default) into the
    settings file, keeping its other keys. Validated first; written atomically (temp file in the
    same folder, fsync, os.replace), so a crash leaves the old file or the new one."""
    path = Path(file) if file is not None else settings_file_path()
    current = read_settings_file(path)
    for name, value in changes.items():
        key = KEYS.get(name)
        if key is None or not key.in_file:
            raise SettingsError(f"unknown setting {name!r} (known: {', '.join(KEYS)})")
        if value is None:
            current.pop(name, None)
        else:
            current[name] = key.parse(value, f"{name}")
    import tomli_w

    document = {k: os.fspath(v) if isinstance(v, Path) else v for k, v in current.items()}
    text = "# photoindex settings, shared by the window and the command line.\n" + tomli_w.dumps(document)
    from photoindex.atomic import atomic_write_text

    atomic_write_text(path, text)
    return path


def settings_fields() -> tuple[str, ...]:
    """The names a settings file (and `photoindex settings set`) accepts."""
    return tuple(f.name for f in fields(Settings) if f.name in KEYS and KEYS[f.name].in_file)
