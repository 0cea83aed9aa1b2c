"""The headless front door: photoindex index|search|similar|status|people|map|duplicates.

`photoindex` with no subcommand (optionally followed by folders to index) opens the window.
Every subcommand takes --json and then prints exactly one JSON document on stdout.
"""

from __future__ import annotations

import argparse
import difflib
import errno
import json
import logging
import math
import os
import re
import sys
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, NoReturn

import photoindex

_HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
COMMANDS = ("index", "search", "similar", "status", "people", "map", "duplicates", "doctor", "settings", "config", "help",
            "completion", "desktop")
SHELLS = ("bash", "zsh", "fish")
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

log = logging.getLogger(__name__)


class UsageError(Exception):
    """A mistyped command line: one line, exit 2, never the window."""


class _Parser(argparse.ArgumentParser):
    """argparse that raises UsageError instead of printing and exiting, so that main() can say it
    in one line (and as a JSON document with --json)."""

    def error(self, message: str) -> NoReturn:
        if message.startswith("unrecognized arguments: "):
            # `search dog --limt 5`: name the option meant, as git and rclip do for commands.
            options = sorted({o for p in _all_parsers(self) for a in p._actions for o in a.option_strings
                              if o.startswith("--")})
            for word in message.split(": ", 1)[1].split():
                if word.startswith("--"):
                    message += _did_you_mean(word.split("=", 1)[0], options)
                    break
        raise UsageError(f"{message} (see: {self.prog} --help)")


def _all_parsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    """The parser and its subcommands' (the top parser reports their unknown options too)."""
    out = [parser]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in dict.fromkeys(action.choices.values()):
                out += _all_parsers(child)
    return out


def add_paths_option(p: argparse.ArgumentParser, what: str = "the photos found, best first") -> None:
    """--paths: one path per line on stdout and nothing else, for piping (xargs -d '\\n', fzf, ...)."""
    p.add_argument("--paths", dest="print_paths", action="store_true",
                   help=f"print only the paths of {what}, one per line (for piping into other tools)")


def print_paths(paths: Sequence[str]) -> None:
    for path in paths:
        sys.stdout.write(path + "\n")


def _completes(action: argparse.Action, kind: str) -> argparse.Action:
    """Mark an argument as a file ('file') or folder ('dir') for the shell completion scripts."""
    action.completes = kind  # type: ignore[attr-defined]
    return action


def _global_options(parser: argparse.ArgumentParser, defaults: bool) -> None:
    sup = argparse.SUPPRESS if not defaults else None
    _completes(parser.add_argument("--library", metavar="DIR", default=sup,
                                   help="catalog folder (default: $PHOTOINDEX_HOME or the per-user data folder)"), "dir")
    parser.add_argument("--weights", choices=("pretrained", "random"), default=sup,
                        help="'random' builds the real models with random weights: no download (demos, tests)")
    parser.add_argument("--device", choices=("auto", "cpu", "cuda", "mps"), default=sup)
    parser.add_argument("--threads", type=int, metavar="N", default=sup, help="CPU threads (default: all cores)")
    parser.add_argument("-v", "--verbose", action="store_true", default=sup, help="say more on stderr")
    parser.add_argument("--log-level", choices=("DEBUG", "INFO", "WARNING", "ERROR"), type=str.upper,
                        metavar="LEVEL", default=sup,
                        help="what goes to the log file: DEBUG, INFO (default), WARNING or ERROR")
    parser.add_argument("--no-faces", action="store_true", default=sup,
                        help="index without faces (also PHOTOINDEX_FACES=0)")


class _VersionAction(argparse.Action):
    """`--version`, with the version read only when asked for (argparse's own formats it when
    the parser is built: every start, the window's too, paid ~35 ms for importlib.metadata)."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS,
                         help="show the version and exit", **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> NoReturn:
        print(f"photoindex {photoindex.__version__}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="photoindex",
        description="Find any photo on your computer by what it shows. Without a command, opens the window.",
    )
    parser.add_argument("--version", action=_VersionAction)
    _global_options(parser, defaults=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, help_: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_, description=help_)
        _global_options(p, defaults=False)
        p.add_argument("--json", action="store_true", help="print one JSON document on stdout")
        return p

    p = add("index", "add folders (if given) and index every photo folder of the library")
    _completes(p.add_argument("paths", nargs="*", metavar="PATH"), "dir")
    p.add_argument("--no-thumbnails", action="store_true", help="do not write thumbnails to the cache")

    def search_filters(p: argparse.ArgumentParser) -> None:
        p.add_argument("-k", "--limit", type=int, default=50, help="at most this many hits (default 50)")
        p.add_argument("--all", action="store_true", help="no relevance cutoff: always return --limit hits")
        _completes(p.add_argument("--folder", help="only photos inside this folder"), "dir")
        p.add_argument("--from", dest="date_from", metavar="DATE", help="taken on or after (YYYY[-MM[-DD]])")
        p.add_argument("--to", dest="date_to", metavar="DATE", help="taken on or before (YYYY[-MM[-DD]])")

    p = add("search", 'search by text: "dog on a beach", "beach + sunset - people", "2:sunset + photo.jpg"')
    p.add_argument("query", nargs="+")
    p.add_argument("--person", help="only photos of this person (name or id)")
    search_filters(p)
    add_paths_option(p)

    p = add("similar", "photos that look like (dino) or mean the same as (clip) an image")
    _completes(p.add_argument("image", help="an image file, or a photo of the library"), "file")
    p.add_argument("--by", choices=("dino", "clip"), default="dino")
    search_filters(p)
    add_paths_option(p)

    add("status", "photo count, folders, models and failures")
    add("doctor", "check models, catalog and environment")
    p = sub.add_parser("settings", aliases=["config"], help=SETTINGS_HELP, description=SETTINGS_HELP)
    _global_options(p, defaults=False)
    p.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    p.add_argument("action", nargs="?", default="show", choices=("show", "set", "unset", "path"))
    p.add_argument("key", nargs="?", metavar="KEY")
    p.add_argument("value", nargs="?", metavar="VALUE")
    p = sub.add_parser("help", help="help on photoindex or one command: photoindex help search")
    p.add_argument("topic", nargs="?", metavar="COMMAND")
    p = sub.add_parser("completion", help=COMPLETION_HELP, description=COMPLETION_HELP)
    p.add_argument("shell", choices=SHELLS)
    p = sub.add_parser("desktop", help=DESKTOP_HELP, description=DESKTOP_HELP)
    _global_options(p, defaults=False)
    p.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    p.add_argument("action", choices=("install", "uninstall"))
    for module in ("photoindex.cli_people", "photoindex.cli_map", "photoindex.cli_duplicates"):
        try:
            mod = __import__(module, fromlist=["add_parsers"])
        except ImportError:
            continue
        import inspect

        if len(inspect.signature(mod.add_parsers).parameters) >= 2:
            mod.add_parsers(sub, add)
        else:
            mod.add_parsers(sub)
    return parser


COMPLETION_HELP = (
    "print a shell completion script: photoindex completion bash > ~/.local/share/bash-completion/completions/"
    "photoindex; zsh: into a folder of $fpath as _photoindex; fish: > ~/.config/fish/completions/photoindex.fish"
)
DESKTOP_HELP = (
    "install: add photoindex to the desktop's applications menu, its icon and 'Open with' for photos "
    "(in your XDG data folder, for this user); uninstall: remove exactly what install added"
)
SETTINGS_HELP = (
    "the settings and where each comes from (command line > environment > settings file > defaults); "
    "set KEY VALUE or unset KEY writes the settings file the window shares"
)


def argv_overrides(args: argparse.Namespace) -> dict[str, Any]:
    """The settings given on the command line, by Settings field name."""
    overrides: dict[str, Any] = {
        "library_dir": getattr(args, "library", None),
        "weights": getattr(args, "weights", None),
        "device": getattr(args, "device", None),
        "threads": getattr(args, "threads", None),
    }
    if getattr(args, "no_faces", False):
        overrides["faces"] = False
    if getattr(args, "no_thumbnails", False):
        overrides["thumbnails"] = False
    return {k: v for k, v in overrides.items() if v is not None}


def _settings(args: argparse.Namespace) -> Any:
    from photoindex.config import resolve_settings

    return resolve_settings(argv_overrides(args))


def _parse_date(text: str | None, end: bool) -> float | None:
    if not text:
        return None
    for fmt, part in (("%Y-%m-%d", "day"), ("%Y-%m", "month"), ("%Y", "year")):
        try:
            d = datetime.strptime(text, fmt)
        except ValueError:
            continue
        if end:
            if part == "year":
                d = d.replace(year=d.year + 1)
            elif part == "month":
                d = d.replace(year=d.year + (d.month == 12), month=d.month % 12 + 1)
            else:
                d = datetime.fromordinal(d.toordinal() + 1)
            return d.timestamp() - 1e-3
        return d.timestamp()
    from photoindex.core.types import PhotoindexError

    raise PhotoindexError(f"not a date: {text!r} (use YYYY, YYYY-MM or YYYY-MM-DD)")


def _finite(doc: Any) -> Any:
    """The document with every NaN or infinity replaced by None: JSON has no such numbers."""
    if isinstance(doc, float):
        return doc if math.isfinite(doc) else None
    if isinstance(doc, dict):
        return {k: _finite(v) for k, v in doc.items()}
    if isinstance(doc, list | tuple):
        return [_finite(v) for v in doc]
    return doc


def json_text(doc: Any, indent: int | None = 2) -> str:
    """Strict JSON (never NaN or Infinity), non-ASCII kept as it is. Every document the CLI prints
    is an object with a "version" field: the photoindex that wrote it."""
    if isinstance(doc, dict) and "version" not in doc:
        doc = {**doc, "version": photoindex.__version__}
    return json.dumps(_finite(doc), ensure_ascii=False, indent=indent, allow_nan=False)


def _emit(args: argparse.Namespace, doc: Any, human: Callable[[], None],
          paths: Callable[[], Sequence[str]] | None = None) -> None:
    if getattr(args, "json", False):
        sys.stdout.write(json_text(doc) + "\n")
    elif paths is not None and getattr(args, "print_paths", False):
        print_paths(paths())
    else:
        human()


class _ProgressBar:
    def __init__(self) -> None:
        self.bar: Any = None
        self.enabled = sys.stderr.isatty()

    def __call__(self, p: Any) -> None:
        if not self.enabled:
            return
        if p.phase == "embed" and p.total:
            if self.bar is None:
                from tqdm import tqdm

                self.bar = tqdm(total=p.total, unit="photo", dynamic_ncols=True, file=sys.stderr)
            self.bar.n = p.done
            name = os.path.basename(p.current)
            self.bar.set_postfix_str(("paused " if p.paused else "") + name[-40:], refresh=False)
            self.bar.refresh()
        elif p.current:
            sys.stderr.write(f"\r{p.current}\033[K")
            sys.stderr.flush()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        elif self.enabled:
            sys.stderr.write("\r\033[K")


def cmd_index(args: argparse.Namespace, library: Any) -> int:
    from photoindex.core.library import wait_for
    from photoindex.core.pipeline import Control

    for p in args.paths:
        library.add_root(p)
    bar = _ProgressBar()
    control = Control()
    try:
        report = wait_for(library.index(control=control), bar)
    except KeyboardInterrupt:
        control.cancel()
        bar.close()
        print("photoindex: interrupted; indexed photos are kept, run again to resume", file=sys.stderr)
        return 130
    finally:
        bar.close()
    doc = report.as_dict()

    def human() -> None:
        print(
            f"{report.added} added, {report.updated} updated, {report.moved} moved, {report.removed} removed, "
            f"{report.embedded} embedded, {report.failed} failed, {report.faces} faces "
            f"in {report.seconds:.1f} s"
        )
        for f in report.failures[:20]:
            print(f"  failed: {f.path}: {f.reason}")
        if len(report.failures) > 20:
            print(f"  … and {len(report.failures) - 20} more (photoindex status)")
        for w in report.warnings:
            print(f"  warning: {w}", file=sys.stderr)

    _emit(args, doc, human)
    return 0


def _hits_doc(hits: Sequence[Any], query: str, seconds: float, matched: bool = False) -> dict[str, Any]:
    """matched: each hit says why it matched (search): of "folder", "filename", "person", "meaning"."""
    return {
        "query": query,
        "count": len(hits),
        "seconds": round(seconds, 4),
        "hits": [{"id": h.photo_id, "path": h.path, "score": round(h.score, 5),
                  **({"matched": list(h.matched)} if matched else {})} for h in hits],
    }


def _print_hits(hits: Sequence[Any]) -> None:
    if not hits:
        print("no matching photos")
    for h in hits:
        names = [m for m in getattr(h, "matched", ()) if m != "meaning"]
        print(f"{h.score:.3f}  {h.path}" + (f"  ({', '.join(names)})" if names else ""))


def _filters(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "k": args.limit,
        "cutoff": not args.all,
        "folder": args.folder,
        "date_from": _parse_date(args.date_from, end=False),
        "date_to": _parse_date(args.date_to, end=True),
    }


def cmd_search(args: argparse.Namespace, library: Any) -> int:
    query = " ".join(args.query)
    kw = _filters(args)
    if getattr(args, "person", None):
        from photoindex.cli_people import person_photo_filter

        kw["allowed_ids"] = person_photo_filter(library, args.person)
    if _HANGUL.search(query) and not library.settings.random_weights and "xlm" not in library.settings.clip_model:
        print(
            "photoindex: hint: the default CLIP model understands English best; for Korean queries set "
            "PHOTOINDEX_CLIP_MODEL=xlm-roberta-base-ViT-B-32 PHOTOINDEX_CLIP_PRETRAINED=laion5b_s13b_b90k",
            file=sys.stderr,
        )
    t = time.perf_counter()
    hits = library.search(query, **kw)
    _emit(args, _hits_doc(hits, query, time.perf_counter() - t, matched=True), lambda: _print_hits(hits), lambda: [h.path for h in hits])
    return 0


def cmd_similar(args: argparse.Namespace, library: Any) -> int:
    from photoindex.core.types import PhotoindexError

    image: str | int = args.image
    if not os.path.exists(args.image):
        if args.image.isdigit():
            image = int(args.image)
        else:
            raise PhotoindexError(f"no such image: {args.image}")
    t = time.perf_counter()
    hits = library.similar(image, by=args.by, **_filters(args))
    _emit(args, _hits_doc(hits, str(args.image), time.perf_counter() - t), lambda: _print_hits(hits),
          lambda: [h.path for h in hits])
    return 0


def cmd_status(args: argparse.Namespace, library: Any) -> int:
    from photoindex.logsetup import log_file

    doc = dict(library.status())
    doc.setdefault("settings_file", os.fspath(library.settings.file) if library.settings.file else None)
    doc.setdefault("log_file", os.fspath(log_file()))

    def human() -> None:
        print(f"library: {doc['library']}")
        print(f"photos: {doc['photos']} indexed, {doc['pending']} waiting, {doc['failed']} failed")
        for r in doc["roots"]:
            print(f"folder: {r}")
        for space, key in doc["models"].items():
            print(f"{space}: {key or '-'}")
        for f in doc["failures"]:
            print(f"  failed: {f['path']}: {f['reason']}")
        print(f"settings: {doc['settings_file']} (photoindex settings)")
        print(f"log: {doc['log_file']}")

    _emit(args, doc, human)
    return 0


def cmd_settings(args: argparse.Namespace, settings: Any) -> int:
    """Show the resolved settings with their sources, or change the settings file."""
    from photoindex.config import KEYS, SettingsError, resolve_settings, save_settings_file, settings_fields

    file = settings.file
    if args.action in ("set", "unset"):
        if not args.key or (args.action == "set" and args.value is None):
            raise UsageError(f"usage: photoindex settings {args.action} KEY" + (" VALUE" if args.action == "set" else "")
                             + f" (keys: {', '.join(settings_fields())})")
        if args.key not in KEYS:
            close = difflib.get_close_matches(args.key, settings_fields(), n=1)
            hint = f" (did you mean {close[0]}?)" if close else f" (keys: {', '.join(settings_fields())})"
            raise SettingsError(f"unknown setting {args.key!r}{hint}")
        save_settings_file({args.key: args.value if args.action == "set" else None}, file)
        settings = resolve_settings(argv_overrides(args), file=file)
    elif args.action == "path":
        _emit(args, {"file": os.fspath(file)}, lambda: print(file))
        return 0
    described = settings.describe()
    doc = {"file": os.fspath(file) if file else None, "settings": described}

    def human() -> None:
        if args.action in ("set", "unset"):
            d = described[args.key]
            print(f"{args.key} = {d['value']} ({'saved to' if args.action == 'set' else 'removed from'} {file})")
            if d["source"] in ("argv", "environment"):
                print(f"note: {d['from']} overrides the file's {args.key} here")
            return
        print(f"settings file: {file}" + ("" if file and file.exists() else " (none yet: all defaults)"))
        for name, d in described.items():
            value = d["value"]
            where = d["source"] + (f": {d['from']}" if d["from"] and d["source"] != "file" else "")
            print(f"  {name:<16} = {'-' if value is None else value!s:<36} ({where})")

    _emit(args, doc, human)
    return 0


def cmd_help(parser: argparse.ArgumentParser, topic: str | None) -> int:
    if topic is None:
        parser.print_help()
        return 0
    commands = _subcommands(parser)
    if topic not in commands:
        raise UsageError(f"no such command: {topic!r}{_did_you_mean(topic, commands)} (see: photoindex help)")
    commands[topic].print_help()
    return 0


def cmd_doctor(args: argparse.Namespace, library: Any) -> int:
    from photoindex.core.models.runtime import cpu_has_native_bf16, resolve_runtime
    from photoindex.core.types import SPACES, PhotoindexError

    checks: dict[str, Any] = {"catalog": str(library.settings.catalog_path), "schema": library.catalog().schema_version}
    rt = resolve_runtime(library.settings)
    checks["runtime"] = rt.describe()
    checks["cpu_native_bf16"] = cpu_has_native_bf16()
    ok = True
    for space in SPACES:
        try:
            emb = library.embedder(space)
            emb.load()
            checks[space] = f"ok ({emb.model_key})"
        except PhotoindexError as exc:
            checks[space] = f"missing: {exc}"
            ok = False
        sources = library.catalog().get_meta(f"model_sources:{library.embedder(space).model_key}")
        if sources:
            checks[f"{space}_files"] = sources
    if library.settings.faces:
        problem = library.models.check_faces()
        checks["faces"] = f"missing: {problem}" if problem else "ok (YuNet detector, dlib landmarks and descriptor)"
        ok = ok and not problem
    else:
        checks["faces"] = "off"
    _emit(args, checks, lambda: [print(f"{k}: {v}") for k, v in checks.items()])
    return 0 if ok else 1


def cmd_completion(parser: argparse.ArgumentParser, shell: str) -> int:
    """The completion script for a shell, generated from this parser by shtab (so it never falls
    behind a new command or option)."""
    import shtab

    kinds = {"file": shtab.FILE, "dir": shtab.DIRECTORY}

    def mark(p: argparse.ArgumentParser) -> None:
        for action in p._actions:
            kind = getattr(action, "completes", None)
            if kind:
                action.complete = kinds[kind]  # type: ignore[attr-defined]
            if isinstance(action, argparse._SubParsersAction):
                for child in action.choices.values():
                    mark(child)

    mark(parser)
    sys.stdout.write(shtab.complete(parser, shell=shell))
    return 0


def cmd_desktop(args: argparse.Namespace) -> int:
    from photoindex import desktop

    report = desktop.install() if args.action == "install" else desktop.uninstall()
    _emit(args, report.as_dict(), lambda: print(report.summary()))
    return 0


HANDLERS: dict[str, Callable[[argparse.Namespace, Any], int]] = {
    "index": cmd_index,
    "search": cmd_search,
    "similar": cmd_similar,
    "status": cmd_status,
    "doctor": cmd_doctor,
}


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _did_you_mean(word: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _first_positional(argv: Sequence[str]) -> str | None:
    takes_value = {"--library", "--weights", "--device", "--threads", "--log-level"}
    skip = False
    for a in argv:
        if skip:
            skip = False
            continue
        if a in takes_value:
            skip = True
            continue
        if a == "--":
            continue
        if a.startswith("-"):
            continue
        return a
    return None


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    cur: BaseException | None = exc
    while cur is not None and cur not in seen:
        seen.append(cur)
        cur = cur.__cause__ or cur.__context__
    return seen


def _is_disk_full(exc: BaseException) -> bool:
    import sqlite3

    for e in _chain(exc):
        if isinstance(e, OSError) and e.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if isinstance(e, sqlite3.DatabaseError) and (
            getattr(e, "sqlite_errorcode", None) == 13 or "disk is full" in str(e)  # SQLITE_FULL
        ):
            return True
        if "No space left on device" in str(e):
            return True
    return False


def describe_error(exc: BaseException, command: str | None, settings: Any = None) -> tuple[str, str, int]:
    """(one-line message, kind, exit code) for an error that reached the top of the CLI."""
    import sqlite3

    from photoindex.config import SettingsError
    from photoindex.core.types import PhotoindexError

    catalog = os.fspath(settings.catalog_path) if settings is not None else "the catalog"
    library_dir = os.fspath(settings.library_dir) if settings is not None else "the library folder"
    if isinstance(exc, UsageError):
        return str(exc), "usage", EXIT_USAGE
    if isinstance(exc, SettingsError):
        return str(exc), "settings", EXIT_USAGE
    if _is_disk_full(exc):
        where = next((e.filename for e in _chain(exc) if isinstance(e, OSError) and e.filename), None)
        where = os.fspath(where) if where else library_dir
        tail = "; nothing indexed so far is lost" if command == "index" else ""
        return f"disk full: {where}: free space and run again{tail}", "disk-full", EXIT_ERROR
    if isinstance(exc, PhotoindexError):
        name = type(exc).__name__
        kind = "error" if name == "PhotoindexError" else re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()
        return str(exc).strip().replace("\n", " "), kind, EXIT_ERROR
    if isinstance(exc, sqlite3.DatabaseError):
        text = str(exc)
        if "locked" in text or "busy" in text:
            return (f"catalog {catalog} is busy (another photoindex is writing to it): "
                    "try again when it has finished", "catalog-busy", EXIT_ERROR)
        if "readonly" in text or "read-only" in text or "unable to open" in text:
            return (f"catalog {catalog} cannot be opened for writing ({text}): "
                    "check that the folder exists and is writable", "catalog", EXIT_ERROR)
        from photoindex.core.library import is_catalog_damage

        if is_catalog_damage(exc):
            return (f"catalog {catalog} is damaged or not a photoindex catalog ({text}): move it aside and run "
                    "`photoindex index` to build a new one (your photos are not touched)", "catalog", EXIT_ERROR)
        # An I/O error, a rollback that failed, a constraint: not damage. Moving the catalog aside
        # would be the wrong advice; the log has the traceback.
        log.error("catalog error", exc_info=exc)
        return (f"catalog {catalog} could not be used ({text}); nothing was changed. If it happens again, "
                "see the log file", "catalog", EXIT_ERROR)
    if isinstance(exc, OSError):
        what = exc.strerror or str(exc)
        where = f": {os.fspath(exc.filename)}" if exc.filename else ""
        return f"{what.lower() if what[:1].isupper() and what[1:2].islower() else what}{where}", "io", EXIT_ERROR
    if isinstance(exc, MemoryError):
        return "out of memory: close other programs or use --threads 1, and run again", "memory", EXIT_ERROR
    from photoindex.logsetup import log_file

    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return (f"internal error: {type(exc).__name__}{': ' + text if text else ''} "
            f"(details in {log_file()}; please report it)", "internal", EXIT_ERROR)


def _fail(message: str, kind: str, code: int, as_json: bool) -> int:
    print(f"photoindex: error: {message}", file=sys.stderr)
    if as_json:
        sys.stdout.write(json_text({"error": message, "kind": kind}) + "\n")
    return code


def _looks_like_folder(word: str) -> bool:
    return os.path.exists(os.path.expanduser(word))


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    as_json = "--json" in argv
    first = _first_positional(argv)
    if first is not None and first not in COMMANDS:
        if _looks_like_folder(first):
            # `photoindex FOLDER...`: open the window and start indexing those folders.
            return _gui(argv)
        hint = _did_you_mean(first, [c for c in COMMANDS if c != "config"])
        return _fail(f"no such command or folder: {first!r}{hint} (see: photoindex help)",
                     "usage", EXIT_USAGE, as_json)
    if first is None and not {"-h", "--help", "--version"} & set(argv):
        # The window with global options only: checked by the window's own small parser. Building
        # every command's parser (and importing their modules) cost the window's start ~37 ms.
        try:
            _gui_parser(_Parser).parse_args(argv)
        except UsageError as exc:
            return _fail(str(exc), "usage", EXIT_USAGE, as_json)
        return _gui(argv)
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as exc:
        return _fail(str(exc), "usage", EXIT_USAGE, as_json)
    if args.command is None:
        return _gui(argv)
    if args.command == "help":
        try:
            return cmd_help(parser, args.topic)
        except UsageError as exc:
            return _fail(str(exc), "usage", EXIT_USAGE, as_json)
    if args.command == "completion":
        return cmd_completion(parser, args.shell)
    from photoindex.logsetup import setup_logging

    level = getattr(args, "log_level", None) or "INFO"
    stderr_level = "INFO" if getattr(args, "verbose", False) else "WARNING"
    if logging.getLevelName(level) > logging.getLevelName(stderr_level):
        stderr_level = level
    setup_logging(level, stderr_level=stderr_level)
    log.info("photoindex %s: %s", photoindex.__version__, " ".join(argv))
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

    library = None
    settings = None
    try:
        if args.command == "desktop":
            return cmd_desktop(args)
        settings = _settings(args)
        if args.command in ("settings", "config"):
            return cmd_settings(args, settings)
        from photoindex.core.library import Library

        library = Library(settings)
        handler = HANDLERS.get(args.command) or getattr(args, "handler", None) or getattr(args, "func", None)
        if handler is None:
            raise UsageError(f"unknown command {args.command}")
        return int(handler(args, library) or 0)
    except KeyboardInterrupt:
        print("photoindex: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return 0
    except Exception as exc:
        message, kind, code = describe_error(exc, args.command, settings)
        from photoindex.logsetup import FILE_ONLY

        if kind == "internal":
            log.critical("photoindex %s failed", args.command, exc_info=exc, extra=FILE_ONLY)
        else:
            quiet = kind in ("usage", "settings") or kind == "error" or kind.endswith("-error")
            log.error("%s (%s)", message, kind, exc_info=None if quiet else exc, extra=FILE_ONLY)
        return _fail(message, kind, code, as_json)
    finally:
        if library is not None:
            try:
                library.close()
            except Exception:
                log.exception("closing the library")


def parse_gui_args(argv: Sequence[str]) -> tuple[Any, list[str]]:
    """`photoindex [--library DIR] [--weights random] ... [FOLDER...]` -> (Settings, folders)."""
    args = parse_gui_argv(argv)
    return _settings(args), [os.path.abspath(os.path.expanduser(f)) for f in args.folders]


def _gui_parser(kind: type[argparse.ArgumentParser] = argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The window's command line: the global options (same names as the CLI's) and folders."""
    parser = kind(prog="photoindex", description="Open the photoindex window.")
    _global_options(parser, defaults=True)
    parser.add_argument("folders", nargs="*", help="folders to add and index")
    return parser


def parse_gui_argv(argv: Sequence[str]) -> argparse.Namespace:
    args, _unknown = _gui_parser().parse_known_args(list(argv))
    return args


def _gui(argv: list[str]) -> int:
    try:
        from photoindex.gui.app import main as gui_main
    except ImportError as exc:
        print(f"photoindex: error: the desktop app cannot start: {exc}", file=sys.stderr)
        return 1
    return int(gui_main(argv) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
