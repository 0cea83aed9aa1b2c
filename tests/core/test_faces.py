"""Faces and people in the core: real photos through the real YuNet and dlib models into a real
catalog, and dlib-like synthetic descriptors where the rules (not the models) are under test."""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

import numpy as np
import pytest

from photoindex.config import Settings
from photoindex.core import faces as F
from photoindex.core.store.catalog import Catalog
from photoindex.core.types import PhotoindexError
from tests.conftest import SHARED_ASSETS

FACES = SHARED_ASSETS / "faces" / "face_recognition_ageitgey"
MODELS = SHARED_ASSETS / "models"
needs_assets = pytest.mark.skipif(not FACES.exists(), reason="needs ../shared/assets")


def _settings(tmp: Path) -> Settings:
    return Settings(library_dir=tmp / "library", weights="random", models_dir=MODELS, faces=True)


def _add_photo(cat: Catalog, path: str, w: int = 100, h: int = 100) -> int:
    pid = cat.insert_photo(path, 1, 1, None)
    cat.mark_ok(pid, w, h, None)
    return pid


def _index(cat: Catalog, analyzer: F.FaceAnalyzer, paths: list[Path], faces_dir: Path) -> dict[Path, int]:
    """What the pipeline does per photo: decode, analyse, save in the writer's transaction, place."""
    from photoindex.core.imageio import load_image

    photo_ids = {}
    for path in paths:
        decoded = load_image(path, min_side=F.FACE_DECODE_MIN_SIDE)
        found = analyzer.analyze(decoded.image, (decoded.width, decoded.height))
        with cat.transaction():
            pid = _add_photo(cat, str(path), decoded.width, decoded.height)
            new = F.save_faces(cat, pid, found, decoded.image, (decoded.width, decoded.height), faces_dir)
        F.assign_new_faces(cat, new)
        photo_ids[path] = pid
    return photo_ids


@pytest.fixture(scope="module")
def real_people(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("faces")
    settings = _settings(tmp)
    truth: dict[Path, str] = {}
    with open(FACES / "identities.csv", newline="") as fh:
        for row in csv.DictReader(fh):
            truth[FACES / row["file"]] = row["identity"]
    cat = Catalog(settings.catalog_path)
    analyzer = F.FaceAnalyzer(settings)
    photo_ids = _index(cat, analyzer, [*truth, FACES / "examples" / "two_people.jpg"], settings.faces_dir)
    F.recluster(cat)
    yield cat, settings, truth, photo_ids
    cat.close()


@needs_assets
def test_real_faces_cluster_into_people_without_mixing_identities(real_people) -> None:
    cat, _settings_, truth, photo_ids = real_people
    person_of: dict[Path, int | None] = {}
    for path in truth:
        found = F.faces_of_photo(cat, photo_ids[path])
        assert found, f"no face found in {path.name}"
        person_of[path] = max(found, key=lambda f: f.box[2] * f.box[3]).person_id
    tp = fp = fn = 0
    for a, b in itertools.combinations(truth, 2):
        same_truth, same_pred = truth[a] == truth[b], person_of[a] is not None and person_of[a] == person_of[b]
        tp += same_truth and same_pred
        fp += same_pred and not same_truth
        fn += same_truth and not same_pred
    f1 = 2 * tp / (2 * tp + fp + fn)
    assert f1 >= 0.95, (f1, tp, fp, fn)
    identities: dict[int, set[str]] = {}
    for path, pid in person_of.items():
        if pid is not None:
            identities.setdefault(pid, set()).add(truth[path])
    assert all(len(v) == 1 for v in identities.values()), identities
    # Elon Musk is in one photo only: he matches nobody, so he stays unsorted, not forced into a person.
    elon = next(p for p, who in truth.items() if who == "elon_musk")
    assert person_of[elon] is None


@needs_assets
def test_two_people_photo_gives_two_faces_in_two_people(real_people) -> None:
    cat, settings, _truth, photo_ids = real_people
    found = F.faces_of_photo(cat, photo_ids[FACES / "examples" / "two_people.jpg"])
    assert len(found) == 2
    a, b = found
    assert a.person_id is not None and b.person_id is not None and a.person_id != b.person_id
    assert abs(a.box[0] - b.box[0]) > a.box[2], "two separate boxes, side by side"
    for face in found:  # the People grid has a crop for each face, kept outside the photo folders
        crop = F.face_crop_path(settings.faces_dir, face.id)
        assert crop.exists() and crop.stat().st_size > 1000 and FACES not in crop.parents


@needs_assets
def test_people_listing_is_biggest_first_with_covers(real_people) -> None:
    cat, settings, _truth, _ids = real_people
    people = F.list_people(cat)
    assert len(people) >= 7
    assert [p.photo_count for p in people] == sorted((p.photo_count for p in people), reverse=True)
    assert all(p.cover_face_id and F.face_crop_path(settings.faces_dir, p.cover_face_id).exists() for p in people)
    assert all(p.label == "Unnamed" for p in people)


@needs_assets
@pytest.mark.parametrize("orientation", [6, 8])
def test_sideways_photo_yields_its_face_in_upright_coordinates(tmp_path: Path, orientation: int) -> None:
    from PIL import Image

    from photoindex.core.imageio import load_image

    analyzer = F.FaceAnalyzer(_settings(tmp_path))
    upright = Image.open(FACES / "examples" / "obama.jpg").convert("RGB")
    (want,) = analyzer.analyze(upright, upright.size)
    # A camera held sideways stores the pixels rotated and an EXIF tag that turns them back.
    stored = upright.transpose(Image.Transpose.ROTATE_90 if orientation == 6 else Image.Transpose.ROTATE_270)
    exif = Image.Exif()
    exif[0x0112] = orientation
    path = tmp_path / f"sideways{orientation}.jpg"
    stored.save(path, exif=exif.tobytes(), quality=95)
    decoded = load_image(path, min_side=F.FACE_DECODE_MIN_SIDE)
    assert (decoded.width, decoded.height) == upright.size
    (got,) = analyzer.analyze(decoded.image, (decoded.width, decoded.height))
    assert np.allclose(got.box, want.box, atol=upright.width * 0.03), (got.box, want.box)
    assert np.linalg.norm(got.descriptor - want.descriptor) < 0.2, "the same face, recognised"
    assert got.landmarks.shape == (5, 2) and got.descriptor.dtype == np.float32


@needs_assets
def test_downscaled_analysis_reports_full_size_boxes(tmp_path: Path) -> None:
    from PIL import Image

    analyzer = F.FaceAnalyzer(_settings(tmp_path))
    image = Image.open(FACES / "examples" / "obama-1080p.jpg").convert("RGB")
    (full,) = analyzer.analyze(image, image.size)
    half = image.resize((image.width // 2, image.height // 2))
    (small,) = analyzer.analyze(half, image.size)
    assert np.allclose(small.box, full.box, atol=image.width * 0.02)
    assert np.allclose(small.landmarks, full.landmarks, atol=image.width * 0.02)


# -- rules, on dlib-like synthetic descriptors ---------------------------------------------------


class _Face:
    def __init__(self, descriptor: np.ndarray, box: tuple[float, float, float, float] = (10, 10, 50, 50)) -> None:
        self.box, self.landmarks, self.score, self.descriptor = box, np.zeros((5, 2), np.float32), 0.9, descriptor


def _centre(rng: np.random.Generator) -> np.ndarray:
    return (rng.normal(size=128) * 0.056).astype(np.float32)  # people ~0.9 apart, like dlib


def _near(centre: np.ndarray, rng: np.random.Generator, spread: float = 0.15) -> np.ndarray:
    return (centre + rng.normal(size=128) * spread / np.sqrt(128)).astype(np.float32)


def _photos_with(cat: Catalog, tmp: Path, descriptors: list[list[np.ndarray]], start: int = 0) -> list[list[int]]:
    """One photo per inner list; returns the face ids of each photo."""
    out = []
    with cat.transaction():
        for k, faces in enumerate(descriptors):
            pid = _add_photo(cat, f"/photos/{start + k}.jpg")
            boxes = [(10 + 60 * i, 10, 50, 50) for i in range(len(faces))]
            out.append(F.save_faces(cat, pid, [_Face(d, b) for d, b in zip(faces, boxes, strict=True)], None,
                                    (400, 100), tmp / "faces"))
    return out


def _person(cat: Catalog, face_id: int) -> int | None:
    return cat.conn.execute("SELECT person_id FROM faces WHERE id = ?", (face_id,)).fetchone()[0]


def test_new_face_joins_a_known_person_and_a_stranger_stays_unsorted(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    cat = Catalog(tmp_path / "c.sqlite3")
    mina = _centre(rng)
    first = _photos_with(cat, tmp_path, [[_near(mina, rng)] for _ in range(3)])
    F.recluster(cat)
    person = _person(cat, first[0][0])
    assert person is not None and all(_person(cat, f[0]) == person for f in first)
    (again, stranger), = _photos_with(cat, tmp_path, [[_near(mina, rng), _centre(rng)]], start=10)
    assert F.assign_new_faces(cat, [again, stranger]) == 1
    assert _person(cat, again) == person
    assert _person(cat, stranger) is None
    F.recluster(cat)
    assert _person(cat, stranger) is None, "a face that matches nobody is never forced into a person"


def test_two_faces_of_one_photo_are_never_one_person(tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    cat = Catalog(tmp_path / "c.sqlite3")
    twin = _centre(rng)
    # Identical twins in every photo: the descriptors are alike, but they are two people.
    photos = _photos_with(cat, tmp_path, [[_near(twin, rng, 0.05), _near(twin, rng, 0.05)] for _ in range(4)])
    F.recluster(cat)
    for a, b in photos:
        assert _person(cat, a) is None or _person(cat, a) != _person(cat, b)
    (c, d), = _photos_with(cat, tmp_path, [[_near(twin, rng, 0.05), _near(twin, rng, 0.05)]], start=10)
    F.assign_new_faces(cat, [c, d])
    assert _person(cat, c) is None or _person(cat, c) != _person(cat, d)


def test_background_pass_joins_two_halves_of_one_person(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    cat = Catalog(tmp_path / "c.sqlite3")
    centre, direction = _centre(rng), rng.normal(size=128).astype(np.float32)
    direction *= 0.3 / np.linalg.norm(direction)
    # Young and old photos of one person: two tight groups 0.6 apart, two people at first.
    young = _photos_with(cat, tmp_path, [[_near(centre + direction, rng, 0.05)] for _ in range(3)])
    old = _photos_with(cat, tmp_path, [[_near(centre - direction, rng, 0.05)] for _ in range(3)], start=10)
    F.recluster(cat)
    assert _person(cat, young[0][0]) != _person(cat, old[0][0])
    assert len(F.list_people(cat)) == 2
    # Photos from the years between arrive: the background pass sees one person.
    _photos_with(cat, tmp_path, [[_near(centre, rng, 0.05)] for _ in range(3)], start=20)
    stats = F.recluster(cat)
    assert _person(cat, young[0][0]) == _person(cat, old[0][0]) is not None
    assert len(F.list_people(cat)) == 1 and stats["unsorted"] == 0


def test_user_corrections_survive_the_background_pass(tmp_path: Path) -> None:
    rng = np.random.default_rng(4)
    cat = Catalog(tmp_path / "c.sqlite3")
    a, b = _centre(rng), _centre(rng)
    photos = _photos_with(cat, tmp_path, [[_near(a, rng)] for _ in range(4)] + [[_near(b, rng)] for _ in range(4)])
    F.recluster(cat)
    pa, pb = _person(cat, photos[0][0]), _person(cat, photos[4][0])
    assert pa and pb and pa != pb
    # The user knows better: this face of "a" is really b (say, a look-alike sibling).
    moved = photos[1][0]
    F.move_face(cat, moved, pb)
    # And this face is not a, whatever the descriptor says.
    rejected = photos[2][0]
    F.remove_face_from_person(cat, rejected)
    for _ in range(2):
        F.recluster(cat, force=True)
        assert _person(cat, moved) == pb, "a confirmed move is never undone"
        assert _person(cat, rejected) != pa, "Not this person is remembered"
    (new,), = _photos_with(cat, tmp_path, [[_near(a, rng)]], start=50)
    F.assign_new_faces(cat, [new])
    assert _person(cat, new) == pa


def test_reindexed_photo_keeps_its_corrections(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    cat = Catalog(tmp_path / "c.sqlite3")
    a, b = _centre(rng), _centre(rng)
    photos = _photos_with(cat, tmp_path, [[_near(a, rng)] for _ in range(3)] + [[_near(b, rng)] for _ in range(3)])
    F.recluster(cat)
    pb = _person(cat, photos[3][0])
    face = photos[0][0]
    F.move_face(cat, face, pb)
    photo_id = cat.conn.execute("SELECT photo_id FROM faces WHERE id = ?", (face,)).fetchone()[0]
    old_desc = np.frombuffer(cat.conn.execute("SELECT descriptor FROM faces WHERE id = ?", (face,)).fetchone()[0],
                             np.float32)
    # The photo is edited and indexed again: the same face, a slightly different box and descriptor.
    with cat.transaction():
        (new,) = F.save_faces(cat, photo_id, [_Face(old_desc + 0.001, (12, 11, 50, 49))], None, (400, 100),
                              tmp_path / "faces")
    F.recluster(cat)
    assert _person(cat, new) == pb


def test_rename_merge_and_split_people(tmp_path: Path) -> None:
    rng = np.random.default_rng(6)
    cat = Catalog(tmp_path / "c.sqlite3")
    a, b, c = _centre(rng), _centre(rng), _centre(rng)
    photos = _photos_with(cat, tmp_path, [[_near(x, rng)] for x in [a] * 5 + [b] * 3 + [c] * 2])
    F.recluster(cat)
    pa, pb, pc = (_person(cat, photos[i][0]) for i in (0, 5, 8))
    assert [p.photo_count for p in F.list_people(cat)] == [5, 3, 2]
    F.rename_person(cat, pb, "Ji-woo 지우")
    assert F.find_person(cat, "ji-woo 지우") == pb and F.find_person(cat, str(pb)) == pb
    with pytest.raises(PhotoindexError, match="no person"):
        F.find_person(cat, "nobody")
    kept = F.merge_people(cat, [pa, pb])
    assert kept == pb, "the named person is the one that remains"
    people = F.list_people(cat)
    assert [(p.name, p.photo_count) for p in people] == [("Ji-woo 지우", 8), (None, 2)]
    assert len(F.person_photo_ids(cat, pb)) == 8
    # The merge was a mistake: splitting offers the two people it was made of.
    groups = F.split_person(cat, pb)
    want = [{p[0] for p in photos[:5]}, {p[0] for p in photos[5:8]}]
    assert [set(g) for g in groups] == want
    F.split_person(cat, pb, apply=True, groups=groups)
    assert sorted(p.photo_count for p in F.list_people(cat)) == [2, 3, 5]
    F.recluster(cat, force=True)
    assert sorted(p.photo_count for p in F.list_people(cat)) == [2, 3, 5], "a split is never undone"
    F.hide_person(cat, pc)
    assert pc not in {p.id for p in F.list_people(cat)}
    assert pc in {p.id for p in F.list_people(cat, include_hidden=True)}


def test_placing_a_new_face_stays_fast_with_many_people(tmp_path: Path) -> None:
    """Not a timing assertion: the placement reads the cached centres, not every face."""
    rng = np.random.default_rng(7)
    cat = Catalog(tmp_path / "c.sqlite3")
    centres = [_centre(rng) for _ in range(50)]
    _photos_with(cat, tmp_path, [[_near(c, rng)] for c in centres for _ in range(2)])
    F.recluster(cat)
    first, second = (f[0] for f in _photos_with(cat, tmp_path, [[_near(centres[7], rng)], [_near(centres[9], rng)]],
                                                 start=500))
    assert F.assign_new_faces(cat, [first]) == 1
    statements: list[str] = []
    cat.conn.set_trace_callback(statements.append)
    assert F.assign_new_faces(cat, [second]) == 1
    assert _person(cat, second) == _person(cat, 19) != _person(cat, first)  # centre 9: faces 19, 20
    assert not [s for s in statements if "centroid FROM people" in s or "descriptor FROM faces WHERE person" in s], \
        "centres come from memory"
    cat.conn.set_trace_callback(None)


def test_turning_faces_off_deletes_every_face_person_and_crop(tmp_path: Path) -> None:
    from PIL import Image

    rng = np.random.default_rng(8)
    cat = Catalog(tmp_path / "c.sqlite3")
    a = _centre(rng)
    with cat.transaction():
        pid = _add_photo(cat, "/photos/x.jpg", 400, 100)
        F.save_faces(cat, pid, [_Face(_near(a, rng))], Image.new("RGB", (400, 100)), (400, 100), tmp_path / "faces")
    _photos_with(cat, tmp_path, [[_near(a, rng)]], start=1)
    F.recluster(cat)
    assert F.list_people(cat) and any((tmp_path / "faces").rglob("*.jpg"))
    F.delete_all_face_data(cat, tmp_path / "faces")
    assert cat.conn.execute("SELECT count(*) FROM faces").fetchone()[0] == 0
    assert F.list_people(cat, include_hidden=True) == [] and not (tmp_path / "faces").exists()
    assert cat.conn.execute("SELECT count(*) FROM photos").fetchone()[0] == 2, "the photos stay"


# -- model files ---------------------------------------------------------------------------------


@needs_assets
def test_models_are_found_by_name_anywhere_under_the_models_dir(tmp_path: Path) -> None:
    from photoindex.core.faces.models import YUNET_FILE, yunet_path

    nested = tmp_path / "models" / "some" / "where"
    nested.mkdir(parents=True)
    (nested / YUNET_FILE).symlink_to(MODELS / "yunet" / YUNET_FILE)
    assert yunet_path(tmp_path / "models") == nested / YUNET_FILE


def test_missing_detector_offline_is_one_clear_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from photoindex.core.types import ModelUnavailable

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    settings = Settings(library_dir=tmp_path / "library", models_dir=tmp_path / "empty")
    with pytest.raises(ModelUnavailable) as err:
        F.FaceAnalyzer(settings)
    message = str(err.value)
    assert "\n" not in message and "PHOTOINDEX_MODELS_DIR" in message and "--no-faces" in message


def test_a_corrupt_cached_detector_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from photoindex.core.faces.models import YUNET_FILE, yunet_path
    from photoindex.core.types import ModelUnavailable

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    from photoindex.config import default_cache_dir

    cached = default_cache_dir() / "models" / YUNET_FILE
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"truncated download")
    with pytest.raises(ModelUnavailable):
        yunet_path(None)


def test_dlib_models_are_located_without_importing_their_package() -> None:
    import sys

    from photoindex.core.faces.models import DLIB_RESNET, DLIB_SHAPE, dlib_model_path

    sys.modules.pop("face_recognition_models", None)
    for name in (DLIB_SHAPE, DLIB_RESNET):
        assert dlib_model_path(name, None).stat().st_size > 1_000_000
    assert "face_recognition_models" not in sys.modules, "it imports pkg_resources, which setuptools dropped"


def test_large_library_clustering_path_groups_like_the_exact_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past GRAPH_ABOVE faces DBSCAN runs on an HNSW neighbour graph; it must find the same people
    (a one-directional graph once split every big person into dozens)."""
    from photoindex.core.faces import cluster

    rng = np.random.default_rng(9)
    centres = [_centre(rng) for _ in range(30)]
    who = np.concatenate([np.full(size, i) for i, size in enumerate(rng.integers(5, 120, 30))])
    desc = np.stack([_near(centres[i], rng, 0.3 * rng.uniform(0.7, 1.4)) for i in who])
    photos = np.arange(len(desc))
    exact = cluster.cluster_descriptors(desc, photos)
    monkeypatch.setattr(cluster, "GRAPH_ABOVE", 100)
    graph = cluster.cluster_descriptors(desc, photos)
    assert len(desc) > 100
    for labels in (exact, graph):
        groups = [set(who[labels == g].tolist()) for g in set(labels.tolist()) - {-1}]
        assert all(len(g) == 1 for g in groups), "no person mixes two identities"
        assert len(groups) <= 33, f"{len(groups)} people for 30 identities"


def test_a_pass_over_unchanged_faces_is_skipped_until_faces_change(tmp_path: Path) -> None:
    rng = np.random.default_rng(10)
    cat = Catalog(tmp_path / "c.sqlite3")
    a = _centre(rng)
    _photos_with(cat, tmp_path, [[_near(a, rng)] for _ in range(2)])
    assert F.recluster(cat)["people"] == 1
    assert F.recluster(cat) == {"skipped": 1}, "a re-scan that found nothing new costs nothing"
    _photos_with(cat, tmp_path, [[_near(a, rng)]], start=5)
    assert F.recluster(cat)["people"] == 1 and F.list_people(cat)[0].photo_count == 3
    assert F.recluster(cat, force=True)["people"] == 1


def test_people_come_back_after_turning_faces_off_and_on(tmp_path: Path) -> None:
    rng = np.random.default_rng(11)
    cat = Catalog(tmp_path / "c.sqlite3")
    a = _centre(rng)
    descriptors = [[_near(a, rng)] for _ in range(3)]
    _photos_with(cat, tmp_path, descriptors)
    F.recluster(cat)
    F.delete_all_face_data(cat, tmp_path / "faces")
    # The same photos indexed again: the same number of faces, the same row ids.
    photo_ids = [r[0] for r in cat.conn.execute("SELECT id FROM photos ORDER BY id")]
    with cat.transaction():
        for pid, faces in zip(photo_ids, descriptors, strict=True):
            F.save_faces(cat, pid, [_Face(d) for d in faces], None, (400, 100), tmp_path / "faces")
    F.recluster(cat)
    assert [p.photo_count for p in F.list_people(cat)] == [3]
