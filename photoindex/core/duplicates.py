"""Duplicates: exact copies, near-copies and similar shots, found incrementally and grouped.

Three tiers, each a kind of pair stored in the catalog (`dup_pairs`, the strongest kind kept):

- exact (0): the same bytes. Candidates share size and the partial content hash the scan already
  keeps (`photos.hash`); a full-file hash, computed only for those candidates, confirms them.
- near (1): the same photo resized, re-encoded, cropped by up to ~8% around its centre,
  brightened or darkened, greyed, or with other metadata. Two 64-bit pHashes per photo (the
  whole picture and its central 92%, so a centred crop of one matches the whole of the other)
  within NEAR_MAX_BITS bits. Measured on the generated test set (tests/photos.py scenes, decoded
  as the pipeline decodes them): copies differ by at most 4 bits, distinct photos by at least
  14. With real DINOv2 weights a candidate is also confirmed by cosine (NEAR_CONFIRM_COSINE).
- similar (2): shots of one moment: DINOv2 cosine above `settings.dup_similarity` and EXIF
  capture times within `settings.dup_window` seconds. Photos without an EXIF capture time are
  never 'similar' (a file time says when a file was copied, not when the shot was taken).
  With random weights (demos, tests) this tier is off: random vectors say nothing of likeness.

Never all pairs. The hashes are split into three bands of 22/21/21 bits: two hashes within 8
bits agree within 2 bits on at least one band (pigeonhole), so looking up the <= 254 band values
within 2 bits of each band finds every candidate (multi-index hashing, Norouzi et al.). A new
photo does that through the catalog's band indexes; a whole library does it in numpy. Similar
shots come from the DINOv2 vector index (a new photo) or from photos sorted by capture time,
compared only within the time window (a whole library).

Groups are the connected components (union-find) of the stored pairs, labelled by their weakest
link, with a suggested keeper and the reason.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from photoindex.core.store.catalog import Catalog
from photoindex.core.store.writer import CatalogWriter
from photoindex.core.types import DUPLICATE_KINDS, DuplicateGroup, DuplicatePhoto

log = logging.getLogger(__name__)

EXACT, NEAR, SIMILAR = 0, 1, 2
NEAR_MAX_BITS = 8
"""pHash Hamming distance (of 64 bits) up to which two photos are near-copies."""
NEAR_CONFIRM_COSINE = 0.75
"""With real DINOv2 weights, a near-copy candidate must also have at least this cosine: it drops
flat, texture-less pictures whose hashes agree by chance. Copies score well above it."""
CROP_FRACTION = 0.92
SHARPNESS_SIDE = 256
"""Sharpness is measured on a decode of this short side, so that copies of different sizes
compare (a Laplacian's variance grows with the detail that a larger decode keeps)."""
SIMILAR_NEIGHBOURS = 32
"""Neighbours of a new photo asked of the DINOv2 index for the 'similar' tier."""
SIMILAR_MAX_RUN = 64
"""In a whole-library pass, each photo is compared with at most this many shots taken after it
within the time window (a burst longer than that still joins up, link by link)."""
SIMILAR_STORE_FLOOR = 0.85
"""Similar pairs are stored from min(setting, this) up, so a stricter or looser view (the
window's slider) needs no recomputation down to this value."""
BULK_FRACTION = 0.2
BULK_MIN = 2000
"""More unchecked photos than max(BULK_MIN, BULK_FRACTION of the library): one whole-library
pass (vectorised) instead of one look-up per photo."""

_BANDS = ((42, 22), (21, 21), (0, 21))
"""(shift, bits) of the three bands of a 64-bit hash."""


# -- facts of one photo (the pipeline calls these from its decode threads) ------------------------


@dataclass(frozen=True, slots=True)
class PhotoFacts:
    hashes: tuple[int, int]
    """Unsigned 64-bit pHash of the whole picture and of its central 92%."""
    sharpness: float
    camera: str | None


def photo_facts(image: Any, path: str | None = None) -> PhotoFacts:
    """The duplicate finder's facts from an already decoded (small) PIL image: cheap (~1 ms)."""
    w, h = image.size
    cw, ch = max(1, round(w * CROP_FRACTION)), max(1, round(h * CROP_FRACTION))
    left, top = (w - cw) // 2, (h - ch) // 2
    crop = image.crop((left, top, left + cw, top + ch))
    return PhotoFacts((phash64(image), phash64(crop)), sharpness(image), camera_of(path) if path else None)


def phash64(image: Any) -> int:
    import imagehash

    bits = imagehash.phash(image).hash.reshape(-1)
    return int.from_bytes(np.packbits(bits).tobytes(), "big")


def sharpness(image: Any) -> float:
    """Variance of the Laplacian of the picture's grey levels at SHARPNESS_SIDE on its short side."""
    import cv2

    grey = image.convert("L")
    short = min(grey.size)
    if short > SHARPNESS_SIDE:
        scale = SHARPNESS_SIDE / short
        grey = grey.resize((max(1, round(grey.width * scale)), max(1, round(grey.height * scale))), 2)
    arr = np.asarray(grey, dtype=np.float32)
    return float(cv2.Laplacian(arr, cv2.CV_32F).var())


def camera_of(path: str) -> str | None:
    """EXIF make and model ('Canon EOS 5D'), or None. Reads only the header."""
    from PIL import Image

    try:
        with Image.open(path) as im:
            exif = im.getexif()
    except Exception as exc:  # the photo decoded already; a camera name is a nicety
        log.debug("no EXIF camera for %s: %s", path, exc)
        return None
    make = str(exif.get(0x010F) or "").strip("\x00 ")
    model = str(exif.get(0x0110) or "").strip("\x00 ")
    if model.lower().startswith(make.lower()):
        make = ""
    name = " ".join(x for x in (make, model) if x)
    return name or None


def _signed(h: int) -> int:
    return h - (1 << 64) if h >= 1 << 63 else h


def _unsigned(h: int) -> int:
    return h & ((1 << 64) - 1)


def _bands(h: int) -> tuple[int, int, int]:
    return tuple((h >> shift) & ((1 << bits) - 1) for shift, bits in _BANDS)  # type: ignore[return-value]


def store_facts(cat: Catalog, photo_id: int, facts: PhotoFacts | None) -> None:
    """Record a photo's facts inside the caller's writer transaction (the pipeline's batch): its
    old pairs go (the content may have changed) and it is unchecked until `update_pairs`."""
    conn = cat.conn
    conn.execute("DELETE FROM dup_pairs WHERE a = ? OR b = ?", (photo_id, photo_id))
    conn.execute("DELETE FROM dup_hashes WHERE photo_id = ?", (photo_id,))
    if facts is None:
        conn.execute("DELETE FROM photo_facts WHERE photo_id = ?", (photo_id,))
        return
    conn.execute(
        "INSERT OR REPLACE INTO photo_facts(photo_id, sharpness, camera, checked) VALUES (?, ?, ?, 0)",
        (photo_id, facts.sharpness, facts.camera),
    )
    conn.executemany(
        "INSERT INTO dup_hashes(photo_id, variant, hash, b0, b1, b2) VALUES (?, ?, ?, ?, ?, ?)",
        [(photo_id, variant, _signed(h), *_bands(h)) for variant, h in enumerate(facts.hashes)],
    )


def missing_facts(cat: Catalog, queued: Iterable[int]) -> list[tuple[int, str]]:
    """(id, path) of indexed photos with no facts yet (indexed before duplicates existed), that are
    not about to be indexed anyway: hash-only jobs fill them in, nothing is embedded again."""
    skip = set(queued)
    rows = cat.conn.execute(
        "SELECT p.id, p.path FROM photos p LEFT JOIN photo_facts f ON f.photo_id = p.id"
        " WHERE p.status = 'ok' AND f.photo_id IS NULL ORDER BY p.id"
    ).fetchall()
    return [(int(pid), path) for pid, path in rows if pid not in skip]


def full_hash(path: str) -> str:
    h = hashlib.blake2b(digest_size=20)
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


# -- finding pairs -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Params:
    similarity: float
    window: float
    real_weights: bool
    """Real DINOv2 weights: near-copy candidates are confirmed by cosine, and similar shots are
    looked for. Random weights (demos, tests) say nothing about likeness: neither is done."""

    @property
    def floor(self) -> float:
        return min(self.similarity, SIMILAR_STORE_FLOOR)

    def key(self) -> str:
        return f"v1:{self.floor:.4f}:{self.window:g}:{int(self.real_weights)}"


@dataclass(slots=True)
class UpdateStats:
    checked: int = 0
    pairs: int = 0
    bulk: bool = False
    seconds: float = 0.0


def _band_masks(bits: int, radius: int = 2) -> np.ndarray:
    masks = [0] + [1 << i for i in range(bits)]
    if radius >= 2:
        masks += [(1 << i) | (1 << j) for i in range(bits) for j in range(i + 1, bits)]
    return np.asarray(masks, dtype=np.int64)


_MASKS = {bits: _band_masks(bits) for _, bits in _BANDS}


def _one_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


class _DupFiles:
    """Full-file hashes, each file read at most once per pass."""

    def __init__(self) -> None:
        self._cache: dict[str, str | None] = {}

    def same(self, a: str, b: str) -> bool:
        """Two copies of the same bytes. One file reached by two paths (a symlink, a hard link,
        two roots through a linked folder) is not a copy: trashing one would lose the other."""
        if _one_file(a, b):
            return False
        ha, hb = self.get(a), self.get(b)
        return ha is not None and ha == hb

    def get(self, path: str) -> str | None:
        if path not in self._cache:
            try:
                self._cache[path] = full_hash(path)
            except OSError as exc:
                log.info("exact-copy check skipped for %s: %s", path, exc)
                self._cache[path] = None
        return self._cache[path]


def update_pairs(reader: Catalog, writer: CatalogWriter, params: Params, dino: Any = None,
                 *, full: bool = False) -> UpdateStats:
    """Check every photo not checked yet against its neighbours and store the pairs found.

    reader: a read-only connection; writer: the library's single writer; dino: the DINOv2
    VectorIndex (or None: the similar tier is then found only in a whole-library pass). A whole-
    library pass when asked, when the parameters changed, or when many photos are unchecked."""
    started = time.monotonic()
    stats = UpdateStats()
    conn = reader.conn
    total = int(conn.execute("SELECT count(*) FROM photo_facts").fetchone()[0])
    unchecked = [(int(r[0]), r[1]) for r in conn.execute(
        "SELECT f.photo_id, p.indexed_at FROM photo_facts f JOIN photos p ON p.id = f.photo_id"
        " WHERE f.checked = 0 AND p.status = 'ok'")]
    params_changed = reader.get_meta("duplicates.params") != params.key()
    if full or params_changed or len(unchecked) > max(BULK_MIN, BULK_FRACTION * total):
        stats.bulk = True
        pairs = find_all_pairs(reader, params)
        with writer.transaction() as cat:
            cat.conn.execute("DELETE FROM dup_pairs")
            cat.conn.executemany("INSERT INTO dup_pairs(a, b, kind, score) VALUES (?, ?, ?, ?)", pairs)
            cat.conn.execute("UPDATE photo_facts SET checked = 1 WHERE checked = 0")
            cat.set_meta("duplicates.params", params.key())
        stats.checked, stats.pairs = total, len(pairs)
    else:
        files = _DupFiles()
        for start in range(0, len(unchecked), 256):
            chunk = unchecked[start:start + 256]
            found = [(pid, stamp, _pairs_of(reader, pid, params, dino, files)) for pid, stamp in chunk]
            with writer.transaction() as cat:
                for pid, stamp, pairs in found:
                    # Indexed again since we read it (another process): its new facts are checked later.
                    row = cat.conn.execute("SELECT indexed_at FROM photos WHERE id = ?", (pid,)).fetchone()
                    if row is None or row[0] != stamp:
                        continue
                    cat.conn.executemany(
                        "INSERT INTO dup_pairs(a, b, kind, score) VALUES (?, ?, ?, ?) ON CONFLICT(a, b) DO UPDATE"
                        " SET kind = excluded.kind, score = excluded.score WHERE excluded.kind < dup_pairs.kind",
                        pairs)
                    cat.conn.execute("UPDATE photo_facts SET checked = 1 WHERE photo_id = ?", (pid,))
                    stats.checked += 1
                    stats.pairs += len(pairs)
    stats.seconds = time.monotonic() - started
    log.info("duplicates: %d photos checked (%s), %d pairs, %.2f s", stats.checked,
             "whole library" if stats.bulk else "incremental", stats.pairs, stats.seconds)
    return stats


def _pair(a: int, b: int, kind: int, score: float) -> tuple[int, int, int, float]:
    return (a, b, kind, score) if a < b else (b, a, kind, score)


def _pairs_of(reader: Catalog, pid: int, params: Params, dino: Any, files: _DupFiles) -> list[tuple[int, int, int, float]]:
    """The pairs of one newly indexed photo with its neighbours (buckets and the vector index)."""
    conn = reader.conn
    row = conn.execute("SELECT path, size, hash, taken_at FROM photos WHERE id = ?", (pid,)).fetchone()
    if row is None:
        return []
    path, size, phash, taken_at = row
    found: dict[int, tuple[int, float]] = {}

    def add(other: int, kind: int, score: float) -> None:
        if other != pid and (other not in found or kind < found[other][0]):
            found[other] = (kind, score)

    if phash is not None:
        for other, opath in conn.execute(
            "SELECT id, path FROM photos WHERE size = ? AND hash = ? AND id <> ? AND status = 'ok'", (size, phash, pid)
        ):
            if files.same(path, opath):
                add(int(other), EXACT, 1.0)
    mine = [(int(v), _unsigned(int(h))) for v, h in conn.execute(
        "SELECT variant, hash FROM dup_hashes WHERE photo_id = ?", (pid,))]
    near: dict[int, int] = {}
    for variant, h in mine:
        for band, ((_, bits), value) in enumerate(zip(_BANDS, _bands(h), strict=True)):
            keys = (value ^ _MASKS[bits]).tolist()
            for start in range(0, len(keys), 500):
                part = keys[start:start + 500]
                marks = ",".join("?" * len(part))
                for other, ovariant, oh in conn.execute(
                    f"SELECT photo_id, variant, hash FROM dup_hashes WHERE b{band} IN ({marks})", part
                ):
                    if other == pid or (variant == 1 and ovariant == 1):
                        continue
                    d = (h ^ _unsigned(int(oh))).bit_count()
                    if d <= NEAR_MAX_BITS and d < near.get(int(other), 65):
                        near[int(other)] = d
    if near:
        ok = {int(r[0]) for r in conn.execute(
            f"SELECT id FROM photos WHERE status = 'ok' AND id IN ({','.join('?' * len(near))})", list(near))}
        cos = _cosines(reader, pid, [o for o in near if o in ok]) if params.real_weights else {}
        for other, d in near.items():
            if other in ok and (not params.real_weights or cos.get(other, 1.0) >= NEAR_CONFIRM_COSINE):
                add(other, NEAR, 1.0 - d / 64)
    if params.real_weights and dino is not None and taken_at is not None and len(dino):
        vec = reader.vector("dino", pid)
        if vec is not None and not dino.dim_mismatch(vec):
            ids, scores = dino.search(vec, SIMILAR_NEIGHBOURS + 1)
            close = [(int(i), float(s)) for i, s in zip(ids, scores, strict=True) if int(i) != pid and s >= params.floor]
            if close:
                times = dict(conn.execute(
                    f"SELECT id, taken_at FROM photos WHERE status = 'ok' AND taken_at IS NOT NULL"
                    f" AND id IN ({','.join('?' * len(close))})", [i for i, _ in close]).fetchall())
                for other, s in close:
                    t = times.get(other)
                    if t is not None and abs(t - taken_at) <= params.window:
                        add(other, SIMILAR, s)
    return [_pair(pid, other, kind, score) for other, (kind, score) in found.items()]


def _cosines(reader: Catalog, pid: int, others: Sequence[int]) -> dict[int, float]:
    vec = reader.vector("dino", pid)
    if vec is None or not others:
        return {}
    ids, mat = reader.vectors("dino", ids=list(others))
    if len(ids) == 0 or mat.shape[1] != vec.shape[0]:
        return {}
    return {int(i): float(s) for i, s in zip(ids, mat @ vec, strict=True)}


def find_all_pairs(reader: Catalog, params: Params) -> list[tuple[int, int, int, float]]:
    """Every pair of the library, vectorised: exact by (size, partial hash) then full hash; near
    by multi-index hashing over the bands; similar over photos sorted by capture time."""
    found: dict[tuple[int, int], tuple[int, float]] = {}

    def add(a: int, b: int, kind: int, score: float) -> None:
        key = (a, b) if a < b else (b, a)
        if key not in found or kind < found[key][0]:
            found[key] = (kind, score)

    conn = reader.conn
    files = _DupFiles()
    for members in conn.execute(
        "SELECT group_concat(id || char(31) || path, char(30)) FROM photos WHERE status = 'ok' AND hash IS NOT NULL"
        " GROUP BY size, hash HAVING count(*) > 1"
    ):
        group = [m.split("\x1f", 1) for m in members[0].split("\x1e")]
        for i, (a, pa) in enumerate(group):
            for b, pb in group[i + 1:]:
                if files.same(pa, pb):
                    add(int(a), int(b), EXACT, 1.0)
    near = near_pairs(reader)
    if near.shape[0]:
        keep = np.ones(near.shape[0], dtype=bool)
        if params.real_weights:
            keep = _confirm_near(reader, near)
        for a, b, d in near[keep].tolist():
            add(a, b, NEAR, 1.0 - d / 64)
    if params.real_weights:
        for a, b, s in similar_pairs(reader, params):
            add(a, b, SIMILAR, s)
    return [(a, b, kind, score) for (a, b), (kind, score) in found.items()]


def near_pairs(reader: Catalog) -> np.ndarray:
    """(n, 3) int64 rows (a, b, Hamming distance), a < b, of ok photos whose hashes are within
    NEAR_MAX_BITS (whole picture against whole picture or against the other's centre)."""
    rows = reader.conn.execute(
        "SELECT h.photo_id, h.variant, h.hash FROM dup_hashes h JOIN photos p ON p.id = h.photo_id"
        " WHERE p.status = 'ok'").fetchall()
    if not rows:
        return np.zeros((0, 3), dtype=np.int64)
    arr = np.asarray(rows, dtype=np.int64)
    return near_pairs_arrays(arr[:, 0], arr[:, 1], arr[:, 2].view(np.uint64))


def near_pairs_arrays(owner: np.ndarray, variant: np.ndarray, hashes: np.ndarray,
                      max_bits: int = NEAR_MAX_BITS) -> np.ndarray:
    """Multi-index Hamming search over three bands, each looked up within 2 bits (so every pair
    within 8 bits is found). Cost: ~700 vectorised passes over the entries, not n^2."""
    assert max_bits <= 3 * 2 + 2
    hashes = hashes.astype(np.uint64, copy=False)
    out: list[np.ndarray] = []
    for shift, bits in _BANDS:
        band = ((hashes >> np.uint64(shift)) & np.uint64((1 << bits) - 1)).astype(np.int64)
        counts = np.bincount(band, minlength=1 << bits)
        order = np.argsort(band, kind="stable")
        starts = np.cumsum(counts) - counts
        for mask in _MASKS[bits].tolist():
            target = band ^ mask
            c = counts[target]
            src_rows = np.flatnonzero(c)
            if src_rows.size == 0:
                continue
            rep = c[src_rows]
            src = np.repeat(src_rows, rep)
            offsets = np.arange(src.size) - np.repeat(np.cumsum(rep) - rep, rep)
            dst = order[np.repeat(starts[target[src_rows]], rep) + offsets]
            keep = (owner[src] < owner[dst]) & ~((variant[src] == 1) & (variant[dst] == 1))
            src, dst = src[keep], dst[keep]
            d = np.bitwise_count(hashes[src] ^ hashes[dst]).astype(np.int64)
            close = d <= max_bits
            if close.any():
                out.append(np.stack([owner[src[close]], owner[dst[close]], d[close]], axis=1))
    if not out:
        return np.zeros((0, 3), dtype=np.int64)
    allp = np.concatenate(out)
    allp = allp[np.lexsort((allp[:, 2], allp[:, 1], allp[:, 0]))]
    first = np.ones(len(allp), dtype=bool)
    first[1:] = (allp[1:, 0] != allp[:-1, 0]) | (allp[1:, 1] != allp[:-1, 1])
    return allp[first]


def _confirm_near(reader: Catalog, near: np.ndarray) -> np.ndarray:
    ids, mat = reader.vectors("dino", ids=np.unique(near[:, :2]).tolist())
    if len(ids) == 0:
        return np.ones(len(near), dtype=bool)
    pos = {int(i): k for k, i in enumerate(ids.tolist())}
    keep = np.ones(len(near), dtype=bool)
    for n, (a, b, _) in enumerate(near.tolist()):
        ia, ib = pos.get(a), pos.get(b)
        if ia is not None and ib is not None:
            keep[n] = float(mat[ia] @ mat[ib]) >= NEAR_CONFIRM_COSINE
    return keep


def similar_pairs(reader: Catalog, params: Params) -> list[tuple[int, int, float]]:
    rows = reader.conn.execute(
        "SELECT id, taken_at FROM photos WHERE status = 'ok' AND taken_at IS NOT NULL ORDER BY taken_at, id"
    ).fetchall()
    if len(rows) < 2:
        return []
    ids = np.asarray([r[0] for r in rows], dtype=np.int64)
    times = np.asarray([r[1] for r in rows], dtype=np.float64)
    got_ids, mat = reader.vectors("dino", ids=ids.tolist())
    if len(got_ids) < 2:
        return []
    pos = {int(i): k for k, i in enumerate(got_ids.tolist())}
    have = np.asarray([int(i) in pos for i in ids.tolist()])
    ids, times = ids[have], times[have]
    vecs = mat[[pos[int(i)] for i in ids.tolist()]]
    return similar_pairs_arrays(ids, times, vecs, params.floor, params.window)


def similar_pairs_arrays(ids: np.ndarray, times: np.ndarray, vecs: np.ndarray, floor: float,
                         window: float, max_run: int = SIMILAR_MAX_RUN) -> list[tuple[int, int, float]]:
    """Pairs among photos sorted by capture time, each compared with the next max_run shots
    taken within `window` seconds: cosine >= floor."""
    out: list[tuple[int, int, float]] = []
    for d in range(1, min(max_run, len(ids) - 1) + 1):
        close = np.flatnonzero(times[d:] - times[:-d] <= window)
        if close.size == 0:
            break
        cos = np.einsum("ij,ij->i", vecs[close], vecs[close + d])
        hit = cos >= floor
        for i, s in zip(close[hit].tolist(), cos[hit].tolist(), strict=True):
            a, b = int(ids[i]), int(ids[i + d])
            out.append((a, b, float(s)) if a < b else (b, a, float(s)))
    return out


# -- groups and keepers ----------------------------------------------------------------------------


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        parent = self.parent
        parent.setdefault(x, x)
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def load_groups(reader: Catalog, kind: str | None = None, min_similarity: float | None = None) -> list[DuplicateGroup]:
    """The groups: connected components of the stored pairs. kind None: every tier, each group
    labelled by its weakest link; kind K: groups joined by links of K or stronger whose weakest
    link is K. min_similarity: the bar for 'similar' links (default: what was stored)."""
    if kind is not None and kind not in DUPLICATE_KINDS:
        raise ValueError(f"kind must be one of {', '.join(DUPLICATE_KINDS)}")
    level = DUPLICATE_KINDS.index(kind) if kind else SIMILAR
    sql = ("SELECT d.a, d.b, d.kind, d.score FROM dup_pairs d JOIN photos pa ON pa.id = d.a JOIN photos pb ON pb.id = d.b"
           " WHERE pa.status = 'ok' AND pb.status = 'ok' AND d.kind <= ?")
    uf = _UnionFind()
    weakest: dict[int, int] = {}
    edges = []
    for a, b, k, score in reader.conn.execute(sql, (level,)):
        if k == SIMILAR and min_similarity is not None and score < min_similarity:
            continue
        uf.union(a, b)
        edges.append((a, k))
    for a, k in edges:
        root = uf.find(a)
        weakest[root] = max(weakest.get(root, EXACT), k)
    members: dict[int, list[int]] = {}
    for x in list(uf.parent):
        members.setdefault(uf.find(x), []).append(x)
    wanted = [(root, ids) for root, ids in members.items() if kind is None or weakest.get(root) == level]
    facts = _photo_facts(reader, [i for _, ids in wanted for i in ids])
    groups = []
    for root, ids in wanted:
        photos = [facts[i] for i in ids if i in facts]
        if len(photos) >= 2:
            groups.append(suggest_keeper(DUPLICATE_KINDS[weakest[root]], photos))
    groups.sort(key=lambda g: (DUPLICATE_KINDS.index(g.kind), -len(g.photos), g.photos[0].path))
    return groups


def _photo_facts(reader: Catalog, ids: Sequence[int]) -> dict[int, DuplicatePhoto]:
    out: dict[int, DuplicatePhoto] = {}
    ids = list(ids)
    for start in range(0, len(ids), 900):
        chunk = ids[start:start + 900]
        for pid, path, w, h, size, mtime_ns, taken_at, sharp, camera in reader.conn.execute(
            "SELECT p.id, p.path, p.width, p.height, p.size, p.mtime_ns, p.taken_at, f.sharpness, f.camera"
            f" FROM photos p LEFT JOIN photo_facts f ON f.photo_id = p.id WHERE p.id IN ({','.join('?' * len(chunk))})",
            chunk,
        ):
            out[pid] = DuplicatePhoto(pid, path, int(w or 0), int(h or 0), int(size), float(sharp or 0.0), 0.0,
                                      taken_at, camera, mtime_ns / 1e9)
    return out


_WEIGHTS = (("largest resolution", 0.35), ("sharpest", 0.25), ("least compressed", 0.15),
            ("has EXIF date and camera", 0.15), ("oldest file", 0.10))


def suggest_keeper(kind: str, photos: Sequence[DuplicatePhoto]) -> DuplicateGroup:
    """Score each photo against its group (resolution, sharpness, bytes per pixel, EXIF date and
    camera, file age) and suggest the best, saying in which ways it is best."""
    def rel(values: list[float]) -> list[float]:
        top = max(values)
        return [v / top if top > 0 else 1.0 for v in values]

    pixels = [float(p.width * p.height) for p in photos]
    criteria = [
        rel(pixels),
        rel([p.sharpness for p in photos]),
        rel([p.bytes / px if px else 0.0 for p, px in zip(photos, pixels, strict=True)]),
        [(p.taken_at is not None) * 0.5 + (p.camera is not None) * 0.5 for p in photos],
        [1.0 if p.mtime == min(q.mtime for q in photos) else 0.0 for p in photos],
    ]
    scores = [round(sum(w * c[i] for (_, w), c in zip(_WEIGHTS, criteria, strict=True)), 4) for i in range(len(photos))]
    scored = [_with_score(p, s) for p, s in zip(photos, scores, strict=True)]
    order = sorted(range(len(scored)), key=lambda i: (-scores[i], scored[i].mtime, scored[i].path))
    best = order[0]
    reasons = []
    for (name, _), values in zip(_WEIGHTS, criteria, strict=True):
        if values[best] >= max(values) - 1e-9 and min(values) < max(values) - 1e-6:
            reasons.append(name)
    if not reasons:
        reasons.append("first by name (the copies are alike in every way)")
    keep = scored[best]
    return DuplicateGroup(kind, tuple(scored[i] for i in order), keep.photo_id, ", ".join(reasons))


def _with_score(p: DuplicatePhoto, score: float) -> DuplicatePhoto:
    return DuplicatePhoto(p.photo_id, p.path, p.width, p.height, p.bytes, round(p.sharpness, 2), score,
                          p.taken_at, p.camera, p.mtime)


def file_unchanged(path: str, size: int, mtime_ns: int, partial: str | None) -> str | None:
    """None when the file is as it was indexed; else one line saying why it is not."""
    from photoindex.core.scan import partial_hash

    try:
        st = os.stat(path)
    except FileNotFoundError:
        return "it is gone from its folder (moved or deleted since it was indexed)"
    except OSError as exc:
        return f"it cannot be read ({exc.strerror or exc})"
    if st.st_size != size or st.st_mtime_ns != mtime_ns:
        return "it changed since it was indexed; index again first"
    try:
        now = partial_hash(path, st.st_size)
    except OSError as exc:
        return f"it cannot be read ({exc.strerror or exc})"
    if partial is not None and now != partial:
        return "its content changed since it was indexed; index again first"
    return None
