"""`photoindex people`: list, rename, merge, split and hide the people found in the photos.

    photoindex people [--all] [--json]          people with id, name, face count and photo paths
    photoindex people show ID|NAME               one person
    photoindex people rename ID NAME
    photoindex people merge ID ID...             into the first named one (else the first)
    photoindex people split ID [--apply]         the sub-groups found inside; --apply makes them people
    photoindex people hide|unhide ID...
    photoindex people show ID|NAME --paths       that person's photos, one path per line (for piping)
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

ACTIONS = ("list", "show", "rename", "merge", "split", "hide", "unhide")


def add_parsers(subparsers: Any, add: Any = None) -> None:
    """Register `people` on the CLI's subparsers. `add(name, help)` is the CLI's own helper that
    adds the global options and --json; without it the parser is made here."""
    help_ = "people found in your photos: list (default), show, rename ID NAME, merge ID ID..., split ID, hide ID"
    if add is not None:
        p = add("people", help_)
    else:
        p = subparsers.add_parser("people", help=help_, description=help_)
        p.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    p.add_argument("action", nargs="?", default="list", choices=ACTIONS)
    p.add_argument("args", nargs="*", metavar="ARG")
    p.add_argument("--all", action="store_true", help="include hidden people")
    p.add_argument("--apply", action="store_true", help="split: make the sub-groups separate people")
    from photoindex.cli import add_paths_option

    add_paths_option(p, "the people's photos (list, show) or the groups' photos (split)")
    p.set_defaults(handler=cmd_people)


def person_photo_filter(library: Any, name_or_id: str) -> set[int]:
    """Photo ids of a person (by name, case-insensitive, or id), for `search --person NAME`.
    Raises PhotoindexError (one line) when there is no such person."""
    return set(library.people.photo_ids(library.people.find(name_or_id)))


def _listing(library: Any, include_hidden: bool, only: int | None = None) -> list[dict[str, Any]]:
    out = []
    for person in library.people.all(include_hidden=include_hidden):
        if only is not None and person.id != only:
            continue
        ids = library.people.photo_ids(person.id)
        photos = library.photos_by_id(ids)
        out.append({
            "id": person.id,
            "name": person.name,
            "face_count": person.face_count,
            "photo_count": person.photo_count,
            "hidden": person.hidden,
            "photos": [photos[i].path for i in ids if i in photos],
        })
    return out


def _usage(text: str) -> Any:
    from photoindex.cli import UsageError

    return UsageError(f"usage: photoindex people {text}")  # a usage error: exit 2, like argparse's


def cmd_people(args: argparse.Namespace, library: Any) -> int:
    people = library.people
    a = list(args.args)
    doc: Any
    if args.action == "rename":
        if len(a) < 2:
            raise _usage("rename ID NAME")
        pid = people.find(a[0])
        people.rename(pid, " ".join(a[1:]))
        doc = {"renamed": pid, "name": " ".join(a[1:])}
    elif args.action == "merge":
        if len(a) < 2:
            raise _usage("merge ID ID...")
        doc = {"merged_into": people.merge(a)}
    elif args.action == "split":
        if len(a) != 1:
            raise _usage("split ID [--apply]")
        pid = people.find(a[0])
        photo_of = {f.id: f.photo_id for f in people.faces_of(pid)}
        groups = people.split(pid) if args.apply else people.split_proposal(pid)
        paths = library.photos_by_id(list(photo_of.values())) if photo_of and not args.apply else {}
        doc = {"person": pid, "applied": bool(args.apply and len(groups) > 1),
               "groups": [{"faces": len(g), "photos": [paths[photo_of[f]].path for f in g if photo_of.get(f) in paths]}
                          for g in groups]}
    elif args.action in ("hide", "unhide"):
        if not a:
            raise _usage(f"{args.action} ID...")
        ids = [people.find(x) for x in a]
        for pid in ids:
            people.hide(pid, hidden=args.action == "hide")
        doc = {"hidden" if args.action == "hide" else "shown": ids}
    elif args.action == "show":
        if len(a) != 1:
            raise _usage("show ID|NAME")
        doc = _listing(library, True, only=people.find(a[0]))
    else:
        doc = _listing(library, args.all)
    if args.json:
        if isinstance(doc, list):
            doc = {"people": doc, "unsorted_faces": people.unsorted_count()}
        from photoindex.cli import json_text

        sys.stdout.write(json_text(doc) + "\n")
    elif args.print_paths and (isinstance(doc, list) or args.action == "split"):
        from photoindex.cli import print_paths

        groups = doc if isinstance(doc, list) else doc["groups"]
        print_paths(list(dict.fromkeys(path for g in groups for path in g["photos"])))
    elif isinstance(doc, list):
        if not doc:
            print("no people yet: index photos with faces on (the default)")
        for p in doc:
            hidden = "  (hidden)" if p["hidden"] else ""
            print(f"{p['id']:>5}  {p['name'] or 'Unnamed':<24} {p['photo_count']:>5} photos{hidden}")
    elif args.action == "split":
        for n, g in enumerate(doc["groups"], 1):
            print(f"group {n}: {g['faces']} faces" + (f", e.g. {g['photos'][0]}" if g.get("photos") else ""))
        if not doc["applied"] and len(doc["groups"]) > 1:
            print(f"photoindex people split {doc['person']} --apply  makes each group after the first a person")
    else:
        print(", ".join(f"{k}: {v}" for k, v in doc.items()))
    return 0
