"""The headless front door: photoindex index|search|similar|status|people|map.

`photoindex` with no subcommand (optionally followed by folders to index) opens the window.
Every subcommand takes --json and then prints exactly one JSON document on stdout.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import sys
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from photoindex import __version__

_HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
COMMANDS = ("index", "search", "similar", "status", "people", "map", "doctor")


def _global_options(parser: argparse.ArgumentParser, defaults: bool) -> None:
    sup = argparse.SUPPRESS if not defaults else None
    parser.add_argument("--library", metavar="DIR", default=sup,
                        help="catalog folder (default: $PHOTOINDEX_HOME or the per-user data folder)")
    parser.add_argument("--weights", choices=("pretrained", "random"), default=sup,
                        help="'random' builds the real models with random weights: no download (demos, tests)")
    parser.add_argument("--device", choices=("auto", "cpu", "cuda", "mps"), default=sup)
    parser.add_argument("--threads", type=int, metavar="N", default=sup, help="CPU threads (default: all cores)")
    parser.add_argument("-v", "--verbose", action="store_true", default=sup)
    parser.add_argument("--no-faces", action="store_true", default=sup,
                        help="index without faces (also PHOTOINDEX_FACES=0)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="photoindex",
        description="Find any photo on your computer by what it shows. Without a command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"photoindex {__version__}")
    _global_options(parser, defaults=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, help_: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_, description=help_)
        _global_options(p, defaults=False)
        p.add_argument("--json", action="store_true", help="print one JSON document on stdout")
        return p

    p = add("index", "add folders (if given) and index every photo folder of the library")
    p.add_argument("paths", nargs="*", metavar="PATH")
    p.add_argument("--no-thumbnails", action="store_true", help="do not write thumbnails to the cache")

    def search_filters(p: argparse.ArgumentParser) -> None:
        p.add_argument("-k", "--limit", type=int, default=50, help="at most this many hits (default 50)")
        p.add_argument("--all", action="store_true", help="no relevance cutoff: always return --limit hits")
        p.add_argument("--folder", help="only photos inside this folder")
        p.add_argument("--from", dest="date_from", metavar="DATE", help="taken on or after (YYYY[-MM[-DD]])")
        p.add_argument("--to", dest="date_to", metavar="DATE", help="taken on or before (YYYY[-MM[-DD]])")

    p = add("search", 'search by text: "dog on a beach", "beach + sunset - people", "2:sunset + photo.jpg"')
    p.add_argument("query", nargs="+")
    p.add_argument("--person", help="only photos of this person (name or id)")
    search_filters(p)

    p = add("similar", "photos that look like (dino) or mean the same as (clip) an image")
    p.add_argument("image", help="an image file, or a photo of the library")
    p.add_argument("--by", choices=("dino", "clip"), default="dino")
    search_filters(p)

    add("status", "photo count, folders, models and failures")
    add("doctor", "check models, catalog and environment")
    for module in ("photoindex.cli_people", "photoindex.cli_map"):
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


def _settings(args: argparse.Namespace) -> Any:
    from photoindex.config import Settings

    s = Settings()
    changes: dict[str, Any] = {}
    if getattr(args, "library", None):
        changes["library_dir"] = Path(args.library).expanduser()
    if getattr(args, "weights", None):
        changes["weights"] = args.weights
    if getattr(args, "device", None):
        changes["device"] = args.device
    if getattr(args, "threads", None):
        changes["threads"] = args.threads
    if getattr(args, "no_faces", False):
        changes["faces"] = False
    if getattr(args, "no_thumbnails", False):
        changes["thumbnails"] = False
    return s.with_(**changes) if changes else s


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


def _emit(args: argparse.Namespace, doc: Any, human: Callable[[], None]) -> None:
    if getattr(args, "json", False):
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
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


def _hits_doc(hits: Sequence[Any], query: str, seconds: float) -> dict[str, Any]:
    return {
        "query": query,
        "count": len(hits),
        "seconds": round(seconds, 4),
        "hits": [{"id": h.photo_id, "path": h.path, "score": round(h.score, 5)} for h in hits],
    }


def _print_hits(hits: Sequence[Any]) -> None:
    if not hits:
        print("no matching photos")
    for h in hits:
        print(f"{h.score:.3f}  {h.path}")


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

        kw["allowed_ids"] = person_photo_filter(library.catalog(), args.person)
    if _HANGUL.search(query) and not library.settings.random_weights and "xlm" not in library.settings.clip_model:
        print(
            "photoindex: hint: the default CLIP model understands English best; for Korean queries set "
            "PHOTOINDEX_CLIP_MODEL=xlm-roberta-base-ViT-B-32 PHOTOINDEX_CLIP_PRETRAINED=laion5b_s13b_b90k",
            file=sys.stderr,
        )
    t = time.perf_counter()
    hits = library.search(query, **kw)
    _emit(args, _hits_doc(hits, query, time.perf_counter() - t), lambda: _print_hits(hits))
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
    _emit(args, _hits_doc(hits, str(args.image), time.perf_counter() - t), lambda: _print_hits(hits))
    return 0


def cmd_status(args: argparse.Namespace, library: Any) -> int:
    doc = library.status()

    def human() -> None:
        print(f"library: {doc['library']}")
        print(f"photos: {doc['photos']} indexed, {doc['pending']} waiting, {doc['failed']} failed")
        for r in doc["roots"]:
            print(f"folder: {r}")
        for space, key in doc["models"].items():
            print(f"{space}: {key or '-'}")
        for f in doc["failures"]:
            print(f"  failed: {f['path']}: {f['reason']}")

    _emit(args, doc, human)
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
    _emit(args, checks, lambda: [print(f"{k}: {v}") for k, v in checks.items()])
    return 0 if ok else 1


HANDLERS: dict[str, Callable[[argparse.Namespace, Any], int]] = {
    "index": cmd_index,
    "search": cmd_search,
    "similar": cmd_similar,
    "status": cmd_status,
    "doctor": cmd_doctor,
}


def _first_positional(argv: Sequence[str]) -> str | None:
    takes_value = {"--library", "--weights", "--device", "--threads"}
    skip = False
    for a in argv:
        if skip:
            skip = False
            continue
        if a in takes_value:
            skip = True
            continue
        if a.startswith("-"):
            continue
        return a
    return None


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    first = _first_positional(argv)
    if first is not None and first not in COMMANDS and first != "help":
        # `photoindex FOLDER...`: open the window and start indexing those folders.
        return _gui(argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        return _gui(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.ERROR, format="%(message)s")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from photoindex.core.types import PhotoindexError

    library = None
    try:
        from photoindex.core.library import Library

        library = Library(_settings(args))
        handler = HANDLERS.get(args.command) or getattr(args, "handler", None) or getattr(args, "func", None)
        if handler is None:
            parser.error(f"unknown command {args.command}")
        return int(handler(args, library) or 0)
    except PhotoindexError as exc:
        print(f"photoindex: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("photoindex: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    finally:
        if library is not None:
            library.close()


def parse_gui_args(argv: Sequence[str]) -> tuple[Any, list[str]]:
    """`photoindex [--library DIR] [--weights random] ... [FOLDER...]` -> (Settings, folders)."""
    parser = argparse.ArgumentParser(prog="photoindex", description="Open the photoindex window.")
    _global_options(parser, defaults=True)
    parser.add_argument("folders", nargs="*", help="folders to add and index")
    args, _unknown = parser.parse_known_args(list(argv))
    return _settings(args), [os.path.abspath(os.path.expanduser(f)) for f in args.folders]


def _gui(argv: list[str]) -> int:
    try:
        from photoindex.gui.app import main as gui_main
    except ImportError as exc:
        print(f"photoindex: error: the desktop app cannot start: {exc}", file=sys.stderr)
        return 1
    return int(gui_main(argv) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
