"""`photoindex map`: bring the 2-D map up to date, render it to a PNG, or print its coordinates."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

DEFAULT_SIZE = "2048x2048"


def add_parsers(sub: Any, add: Any = None) -> None:
    """Register `map`. add(name, help) is the CLI's helper that adds the global options and --json."""
    help_ = "the 2-D map of the library (t-SNE of the embeddings): update it, render it, export it"
    if add is not None:
        p = add("map", help_)
    else:
        p = sub.add_parser("map", help=help_, description=help_)
        p.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    p.add_argument("--space", choices=("clip", "dino"), default="clip", help="which embedding (default clip)")
    p.add_argument("--recompute", action="store_true", help="recompute the whole layout, not just new photos")
    p.add_argument("--out", metavar="PNG", help="render the map with thumbnails to this PNG file")
    p.add_argument("--size", default=DEFAULT_SIZE, metavar="WxH", help=f"size of the PNG (default {DEFAULT_SIZE})")
    p.set_defaults(handler=cmd_map)


def _parse_size(text: str) -> tuple[int, int]:
    from photoindex.cli import UsageError
    from photoindex.core.maprender import MAX_SIDE

    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise UsageError(f"not a size: {text!r} (use WxH, e.g. 1600x1200)") from None
    if not (16 <= w <= MAX_SIDE and 16 <= h <= MAX_SIDE):
        raise UsageError(f"size out of range: {text!r} (16..{MAX_SIDE} on each side)")
    return w, h


def _check_writable(out: Path) -> None:
    """Fail in one line before the layout (minutes on a big library) if the PNG cannot be written."""
    import tempfile

    from photoindex.core.types import PhotoindexError

    folder = out.absolute().parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise PhotoindexError(f"cannot write the map to {out}: {folder} is not a folder; choose another --out")
    try:
        with tempfile.TemporaryFile(dir=folder, prefix=".photoindex-map-"):
            pass
    except OSError as exc:
        reason = (exc.strerror or str(exc)).lower()
        raise PhotoindexError(f"cannot write the map to {out}: {folder}: {reason}; choose another --out") from exc


def cmd_map(args: argparse.Namespace, library: Any) -> int:
    size = _parse_size(args.size)
    if args.out:
        _check_writable(Path(args.out).expanduser())
    tty = sys.stderr.isatty()
    last = None
    try:
        for p in library.map.update(args.space, full=args.recompute):
            last = p
            if tty and p.total:
                eta = f", {p.eta_s:.0f} s left" if p.eta_s else ""
                sys.stderr.write(f"\rmap ({args.space}): {p.phase} {p.done}/{p.total}{eta}\033[K")
                sys.stderr.flush()
    finally:
        if tty:
            sys.stderr.write("\r\033[K")
    ids, xy = library.map.load(args.space)
    photos = library.photos_by_id(ids.tolist())
    status = library.map.status(args.space)
    rendered = None
    if args.out:
        rendered = library.map.render(Path(args.out), args.space, size=size)
    if args.json:
        doc: dict[str, Any] = {
            "space": args.space,
            "photos": [
                {"id": int(pid), "path": photos[int(pid)].path if int(pid) in photos else None,
                 "x": round(float(p[0]), 4), "y": round(float(p[1]), 4)}
                for pid, p in zip(ids, xy, strict=True)
            ],
            "status": status,
        }
        if rendered is not None:
            doc["out"] = {"path": os.fspath(args.out), **rendered}
        from photoindex.cli import json_text

        sys.stdout.write(json_text(doc, indent=None) + "\n")
        return 0
    print(f"map ({args.space}): {status['placed']} photos placed"
          + (f", {status['missing']} without a vector" if status["missing"] else "")
          + (f"; last step: {last.phase}" if last is not None and last.phase == "cancelled" else ""))
    if status["recompute_suggested"] and status["full_count"]:
        print(f"{status['changed_since_full']:.0%} of the map changed since the last full layout:"
              " run `photoindex map --recompute` to lay it out again")
    if rendered is not None:
        print(f"wrote {args.out} ({rendered['width']}x{rendered['height']}, {rendered['thumbnails']} thumbnails)")
    return 0
