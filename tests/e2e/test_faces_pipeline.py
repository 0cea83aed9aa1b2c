"""People through the real pipeline (Library.index) and the CLI as a user runs it: real photos,
real YuNet and dlib models, real catalog."""

from __future__ import annotations

import csv
import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from photoindex.core import faces as F
from tests.conftest import SHARED_ASSETS

Library = pytest.importorskip("photoindex.core.library").Library

FACES = SHARED_ASSETS / "faces" / "face_recognition_ageitgey"
pytestmark = pytest.mark.skipif(not FACES.exists(), reason="needs ../shared/assets")


@pytest.fixture(scope="module")
def indexed(tmp_path_factory):
    from photoindex.config import Settings

    tmp = tmp_path_factory.mktemp("faces")
    settings = Settings(library_dir=tmp / "library", weights="random", models_dir=SHARED_ASSETS / "models",
                        clip_model="photoindex-tiny", dino_model="photoindex-tiny", faces=True, threads=2,
                        batch_size=8)
    lib = Library(settings)
    gen = lib.index([FACES])
    phases = set()
    while True:
        try:
            phases.add(next(gen).phase)
        except StopIteration as stop:
            report = stop.value
            break
    assert "faces" in phases, "the grouping pass shows in the progress"
    yield lib, report
    lib.close()


def test_clustering_reaches_f1_and_never_mixes_identities(indexed) -> None:
    lib, report = indexed
    assert report.faces >= 32 and not [w for w in report.warnings if "faces are off" in w]
    cat = lib.catalog()
    truth = {}
    with open(FACES / "identities.csv", newline="") as fh:
        for row in csv.DictReader(fh):
            truth[str(FACES / row["file"])] = row["identity"]
    assigned: dict[str, int | None] = {}
    for path in truth:
        photo = cat.photo_by_path(path)
        assert photo is not None and photo.status == "ok", path
        faces = F.faces_of_photo(cat, photo.id)
        assert len(faces) >= 1, f"no face found in {path}"
        biggest = max(faces, key=lambda f: f.box[2] * f.box[3])
        assigned[path] = biggest.person_id
    tp = fp = fn = 0
    for a, b in itertools.combinations(truth, 2):
        same_truth = truth[a] == truth[b]
        same_pred = assigned[a] is not None and assigned[a] == assigned[b]
        tp += same_truth and same_pred
        fp += (not same_truth) and same_pred
        fn += same_truth and not same_pred
    f1 = 2 * tp / (2 * tp + fp + fn)
    assert f1 >= 0.95, (f1, tp, fp, fn)
    by_person: dict[int, set[str]] = {}
    for path, pid in assigned.items():
        if pid is not None:
            by_person.setdefault(pid, set()).add(truth[path])
    assert all(len(ids) == 1 for ids in by_person.values()), by_person


def test_two_people_photo_gives_two_people(indexed) -> None:
    lib, _ = indexed
    cat = lib.catalog()
    photo = cat.photo_by_path(str(FACES / "examples" / "two_people.jpg"))
    faces = F.faces_of_photo(cat, photo.id)
    assert len(faces) == 2
    assert None not in (faces[0].person_id, faces[1].person_id)
    assert faces[0].person_id != faces[1].person_id


def test_people_can_be_named_merged_split_and_corrected(indexed) -> None:
    """Through the facade, as the window and the CLI do (every edit through the single writer)."""
    lib, _ = indexed
    people = lib.people.all()
    assert len(people) >= 5 and people == sorted(people, key=lambda p: -p.photo_count)
    obama = people[0]
    lib.people.rename(obama.id, "Barack")
    assert lib.people.find("barack") == obama.id
    face = lib.people.faces_of(obama.id)[0]
    lib.people.remove_faces([face.id])
    lib.people.recluster(force=True)
    assert lib.people.faces_in_photo(face.photo_id)[0].person_id != obama.id, "Not this person is remembered"
    lib.people.move_faces([face.id], obama.id)
    lib.people.recluster(force=True)
    assert any(f.id == face.id for f in lib.people.faces_of(obama.id)), "a confirmed move is never undone"
    a, b = people[1].id, people[2].id
    kept = lib.people.merge([a, b])
    assert kept in (a, b) and len(lib.people.all()) == len(people) - 1
    groups = lib.people.split_proposal(kept)
    assert len(groups) >= 2, "a merged pair of two people splits back into sub-groups"
    crop = lib.people.crop_path(face.id)
    assert crop.exists() and crop.stat().st_size > 1000


def test_rotated_photo_still_yields_its_face(tmp_path: Path, tiny_settings) -> None:
    from PIL import Image

    from photoindex.core.imageio import load_image

    src = Image.open(FACES / "examples" / "obama.jpg").convert("RGB")
    stored = src.transpose(Image.Transpose.ROTATE_90)  # camera held sideways; EXIF 6 puts it back
    exif = Image.Exif()
    exif[0x0112] = 6
    path = tmp_path / "sideways.jpg"
    stored.save(path, exif=exif.tobytes())
    analyzer = F.FaceAnalyzer(tiny_settings)
    decoded = load_image(path, min_side=F.FACE_DECODE_MIN_SIDE)
    found = analyzer.analyze(decoded.image, (decoded.width, decoded.height))
    assert len(found) == 1 and found[0].descriptor.shape == (128,)
    x, y, w, h = found[0].box
    assert 0 <= x < decoded.width and 0 <= y < decoded.height


def test_incremental_placement_and_same_photo_constraint(tmp_path: Path) -> None:
    from photoindex.core.store.catalog import Catalog

    cat = Catalog(tmp_path / "c.sqlite3")
    rng = np.random.default_rng(0)
    centre = rng.normal(size=128).astype(np.float32) * 0.1
    with cat.transaction():
        p1 = cat.insert_photo("/x/1.jpg", 1, 1, None)
        p2 = cat.insert_photo("/x/2.jpg", 1, 1, None)
        p3 = cat.insert_photo("/x/3.jpg", 1, 1, None)

    class Face:
        def __init__(self, d):
            self.box, self.landmarks, self.score, self.descriptor = (0, 0, 10, 10), np.zeros((5, 2)), 0.9, d

    with cat.transaction():
        a = F.save_faces(cat, p1, [Face(centre + 0.01)], None, (100, 100), tmp_path)
        b = F.save_faces(cat, p2, [Face(centre - 0.01)], None, (100, 100), tmp_path)
    F.recluster(cat)
    person = F.faces_of_photo(cat, p1)[0].person_id
    assert person is not None and F.faces_of_photo(cat, p2)[0].person_id == person
    with cat.transaction():
        c = F.save_faces(cat, p3, [Face(centre + 0.02), Face(centre - 0.02)], None, (100, 100), tmp_path)
    assert F.assign_new_faces(cat, c) == 1, "two faces of one photo are never the same person"
    assert len({f.person_id for f in F.faces_of_photo(cat, p3)}) == 2
    assert a and b


def test_delete_all_face_data(tmp_path: Path, indexed) -> None:
    from photoindex.core.store.catalog import Catalog

    lib, _ = indexed
    # Work on a copy so the other tests keep their data.
    import shutil

    shutil.copy(lib.settings.catalog_path, tmp_path / "copy.sqlite3")
    cat = Catalog(tmp_path / "copy.sqlite3")
    faces_dir = tmp_path / "faces"
    faces_dir.mkdir()
    F.delete_all_face_data(cat, faces_dir)
    assert cat.conn.execute("SELECT count(*) FROM faces").fetchone()[0] == 0
    assert not F.list_people(cat) and not faces_dir.exists()


def _cli(lib, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PHOTOINDEX_HOME=str(lib.settings.library_dir), PHOTOINDEX_WEIGHTS="random",
               PHOTOINDEX_CLIP_MODEL="photoindex-tiny", PHOTOINDEX_DINO_MODEL="photoindex-tiny",
               PHOTOINDEX_MODELS_DIR=str(SHARED_ASSETS / "models"), HF_HUB_OFFLINE="1")
    return subprocess.run([sys.executable, "-m", "photoindex", *args], env=env, capture_output=True, text=True,
                          timeout=300)


def test_cli_lists_renames_and_merges_people(indexed, tmp_path: Path) -> None:
    import shutil

    lib, _ = indexed
    # A copy of the library, so the other tests keep theirs.
    from photoindex.config import Settings

    copy = Settings(library_dir=tmp_path / "library")
    shutil.copytree(lib.settings.library_dir, copy.library_dir)

    class _Lib:
        settings = copy

    out = _cli(_Lib, "people", "--json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    people = doc["people"]
    assert len(people) >= 7 and doc["unsorted_faces"] >= 1
    first = people[0]
    assert {"id", "name", "face_count", "photos"} <= set(first)
    assert first["photos"] and all(Path(p).is_file() and FACES in Path(p).parents for p in first["photos"])
    assert len(first["photos"]) == first["photo_count"] >= 5  # Obama is in the most photos

    out = _cli(_Lib, "people", "rename", str(first["id"]), "Barack Obama")
    assert out.returncode == 0, out.stderr
    out = _cli(_Lib, "people", "show", "barack obama", "--json")
    assert json.loads(out.stdout)["people"][0]["name"] == "Barack Obama"

    a, b = people[1]["id"], people[2]["id"]
    out = _cli(_Lib, "people", "merge", str(a), str(b), "--json")
    assert out.returncode == 0 and json.loads(out.stdout)["merged_into"] in (a, b)
    after = json.loads(_cli(_Lib, "people", "--json").stdout)["people"]
    assert len(after) == len(people) - 1

    out = _cli(_Lib, "people", "rename", "99999", "Nobody")
    assert out.returncode != 0 and "no person" in out.stderr and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_person_photo_filter_for_search(indexed) -> None:
    from photoindex.cli_people import person_photo_filter
    from photoindex.core.types import PhotoindexError

    lib, _ = indexed
    person = lib.people.all()[0]
    ids = person_photo_filter(lib, str(person.id))
    assert len(ids) == person.photo_count
    with pytest.raises(PhotoindexError):
        person_photo_filter(lib, "someone never named")


def test_a_deleted_face_crop_is_made_again_from_the_photo(indexed) -> None:
    """Face crops are a cache, like thumbnails: one deleted from the library folder comes back."""
    from PIL import Image

    lib, _ = indexed
    face = lib.people.faces_of(lib.people.all()[0].id)[0]
    crop = lib.people.crop_path(face.id)
    original = Image.open(crop).convert("L").resize((32, 32))
    crop.unlink()
    assert not lib.people.crop_path(face.id, remake=False).exists()
    again = lib.people.crop_path(face.id)
    assert again == crop and again.exists()
    remade = Image.open(again).convert("L").resize((32, 32))
    diff = np.abs(np.asarray(original, np.float32) - np.asarray(remade, np.float32)).mean()
    assert diff < 12, f"the same face, cropped the same way (mean difference {diff:.1f})"
