"""`photoindex duplicates`: copies, near-copies and similar shots; clean up to the Trash; undo."""

from __future__ import annotations

import argparse
import sys
from typing import Any

HELP = "duplicates: exact copies, near-copies (resized, re-encoded, cropped, edited) and similar shots"


def add_parsers(sub: Any, add: Any) -> None:
    p = add("duplicates", HELP)
    p.add_argument("--kind", choices=("exact", "near", "similar"), help="only this tier (default: all)")
    p.add_argument("--similarity", type=float, metavar="COS",
                   help="DINOv2 cosine for similar shots (default: the dup_similarity setting)")
    p.add_argument("--trash", action="store_true",
                   help="move photos to the desktop Trash: the PATHs given, or with --apply-suggestions every"
                        " photo but the suggested keeper of each group")
    p.add_argument("--apply-suggestions", action="store_true", help="with --trash: keep the suggestion of each group")
    p.add_argument("--yes", action="store_true", help="with --trash: do not ask for confirmation")
    p.add_argument("--undo", action="store_true", help="put the files of the last clean-up back from the Trash")
    p.add_argument("paths", nargs="*", metavar="PATH", help="with --trash: photos of the library to move to the Trash")
    from photoindex.cli import add_paths_option

    add_paths_option(p, "the photos of every group, the suggested keeper first (with --apply-suggestions: only"
                        " the photos that are not the keeper)")
    p.set_defaults(handler=cmd_duplicates)


def _size(n: int) -> str:
    value = float(n)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{n} bytes"


def _report_doc(report: Any, key: str) -> dict[str, Any]:
    return {key: list(report.done), "bytes": report.bytes,
            "skipped": [{"path": s.path, "reason": s.reason} for s in report.skipped]}


def cmd_duplicates(args: argparse.Namespace, library: Any) -> int:
    from photoindex.cli import json_text

    part = library.duplicates
    if args.undo:
        report = part.undo_last()
        return _show_report(args, report, "restored", "not restored",
                            f"{len(report.done)} files put back from the Trash ({_size(report.bytes)});"
                            " they are indexed again on the next `photoindex index`")
    if (args.paths or (args.apply_suggestions and not args.print_paths)) and not args.trash:
        from photoindex.cli import UsageError

        raise UsageError("PATH and --apply-suggestions go with --trash (see: photoindex duplicates --help)")
    unhashed = part.unhashed_count()
    if unhashed:
        print(f"photoindex: {unhashed} photos have no perceptual hash yet: run `photoindex index` to check them too",
              file=sys.stderr)
    part.update()
    groups = part.groups(args.kind, min_similarity=args.similarity)
    if args.trash:
        return _trash(args, library, groups)
    if args.json:
        sys.stdout.write(json_text({"groups": [g.as_dict() for g in groups]}) + "\n")
        return 0
    if args.print_paths:
        from photoindex.cli import print_paths

        print_paths([p.path for g in groups for p in ([] if args.apply_suggestions else [g.keeper]) + list(g.others)])
        return 0
    if not groups:
        print("no duplicates found")
    for g in groups:
        print(f"{g.kind}: {len(g.photos)} photos; keep {g.keeper.path} ({g.reason})")
        for ph in g.photos:
            mark = "keep " if ph.photo_id == g.keep else "     "
            print(f"  {mark}{ph.width}x{ph.height} {_size(ph.bytes):>9} sharpness {ph.sharpness:8.1f}"
                  f" score {ph.score:.2f}  {ph.path}")
    return 0


def _trash(args: argparse.Namespace, library: Any, groups: list[Any]) -> int:
    import os

    from photoindex.cli import json_text
    from photoindex.core.types import PhotoindexError

    if args.apply_suggestions:
        chosen = {p.photo_id: p for g in groups for p in g.others}
        ids, size = list(chosen), sum(p.bytes for p in chosen.values())
    elif args.paths:
        ids, size = [], 0
        for path in args.paths:
            photo = library.catalog().photo_by_path(os.path.abspath(path))
            if photo is None:
                raise PhotoindexError(f"not a photo of the library: {path}")
            ids.append(photo.id)
            size += photo.size
    else:
        from photoindex.cli import UsageError

        raise UsageError("--trash needs PATHs or --apply-suggestions (see: photoindex duplicates --help)")
    if not ids:
        doc = {"trashed": [], "bytes": 0, "skipped": []}
        sys.stdout.write(json_text(doc) + "\n") if args.json else print("nothing to move to the Trash")
        return 0
    if not args.yes:
        if not sys.stdin.isatty():
            raise PhotoindexError(f"{len(ids)} files ({_size(size)}) would go to the Trash: add --yes to confirm")
        answer = input(f"Move {len(ids)} files ({_size(size)}) to the Trash? [y/N] ").strip().lower()
        if answer not in ("y", "yes"):
            print("nothing moved")
            return 1
    report = library.duplicates.trash(ids)
    return _show_report(args, report, "trashed", "skipped",
                        f"{len(report.done)} files moved to the Trash ({_size(report.bytes)} back);"
                        " `photoindex duplicates --undo` puts them back while they are there")


def _show_report(args: argparse.Namespace, report: Any, done_key: str, skipped_word: str, summary: str) -> int:
    """A clean-up's (or its undo's) report: one JSON document, or a line and the files skipped."""
    from photoindex.cli import json_text

    if args.json:
        sys.stdout.write(json_text(_report_doc(report, done_key)) + "\n")
    else:
        print(summary)
        for s in report.skipped:
            print(f"  {skipped_word}: {s.path}: {s.reason}", file=sys.stderr)
    return 0
