"""`photoindex people`: list, rename, merge, split and hide the people found in the photos."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def add_parsers(sub: Any, add: Any) -> None:
    p = add("people", "people found in your photos: list (default), rename ID NAME, merge ID ID..., split ID, hide ID")
    p.add_argument("action", nargs="?", default="list", choices=("list", "rename", "merge", "split", "hide", "show"))
    p.add_argument("args", nargs="*", metavar="ARG")
    p.add_argument("--all", action="store_true", help="include hidden people")
    p.set_defaults(handler=cmd_people)


def person_photo_filter(catalog: Any, name_or_id: str) -> set[int]:
    """Photo ids of a person, for `search --person NAME`."""
    from photoindex.core.faces import find_person, person_photo_ids

    return set(person_photo_ids(catalog, find_person(catalog, name_or_id)))


def _listing(catalog: Any, include_hidden: bool) -> list[dict[str, Any]]:
    from photoindex.core.faces import list_people, person_photo_ids

    out = []
    for person in list_people(catalog, include_hidden=include_hidden):
        ids = person_photo_ids(catalog, person.id)
        photos = catalog.photos(ids)
        out.append({
            "id": person.id,
            "name": person.name,
            "face_count": person.face_count,
            "photo_count": person.photo_count,
            "hidden": person.hidden,
            "photos": [photos[i].path for i in ids if i in photos],
        })
    return out


def cmd_people(args: argparse.Namespace, library: Any) -> int:
    from photoindex.core import faces as F
    from photoindex.core.types import PhotoindexError

    cat = library.catalog()
    a = args.args
    if args.action == "rename":
        if len(a) < 2:
            raise PhotoindexError("usage: photoindex people rename ID NAME")
        pid = F.find_person(cat, a[0])
        F.rename_person(cat, pid, " ".join(a[1:]))
        doc: Any = {"renamed": pid, "name": " ".join(a[1:])}
    elif args.action == "merge":
        if len(a) < 2:
            raise PhotoindexError("usage: photoindex people merge ID ID...")
        doc = {"merged_into": F.merge_people(cat, a)}
    elif args.action == "split":
        if len(a) != 1:
            raise PhotoindexError("usage: photoindex people split ID")
        groups = F.split_person(cat, F.find_person(cat, a[0]), apply=True)
        doc = {"groups": len(groups)}
    elif args.action == "hide":
        for x in a:
            F.hide_person(cat, F.find_person(cat, x))
        doc = {"hidden": a}
    else:
        if args.action == "show" and a:
            pid = F.find_person(cat, a[0])
            doc = [p for p in _listing(cat, True) if p["id"] == pid]
        else:
            doc = _listing(cat, args.all)
    if args.json:
        sys.stdout.write(json.dumps({"people": doc} if isinstance(doc, list) else doc, ensure_ascii=False, indent=2) + "\n")
    elif isinstance(doc, list):
        if not doc:
            print("no people yet: index photos with faces on (the default)")
        for p in doc:
            print(f"{p['id']:>5}  {p['name'] or 'Unnamed':<24} {p['photo_count']:>5} photos")
    else:
        print(", ".join(f"{k}: {v}" for k, v in doc.items()))
    return 0
