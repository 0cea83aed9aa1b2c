"""Queries: text, images and their arithmetic, and a relevance cutoff.

Query arithmetic follows rclip: terms joined by " + " and " - ", each optionally weighted as
"2:sunset", and a term that names an image file stands for that image. The cutoff follows the
distribution of scores over the library instead of always returning k hits.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from photoindex.core.imageio import is_photo_name
from photoindex.core.textmatch import STOPWORDS, NameIndex, NameMatch, clean_word
from photoindex.core.types import PhotoindexError

MAX_WEIGHT = 1000.0
"""A term may count up to this many times another (a 400-digit weight overflows to infinity)."""
_SPLIT = re.compile(r"\s+([+-])\s+")
_WEIGHT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*:\s*(.+)$")

MIN_Z = 3.0
"""A hit must stand at least this many standard deviations above the library's typical score..."""
FALSE_HITS = 2.0
"""...more in a big library, so that about this many photos would clear the bar by chance..."""
NEAR_DUPLICATE = 0.98
"""Copies and near-copies of the query always count, however the rest of the library scores."""
REL = 0.35
"""...and within this fraction of the best hit's lead over the mean."""


@dataclass(frozen=True, slots=True)
class Term:
    text: str
    weight: float
    is_image: bool


def parse_query(query: str) -> list[Term]:
    """'beach + 2:sunset - people' -> [beach +1, sunset +2, people -1]."""
    query = query.strip()
    if not query:
        return []
    sign = 1.0
    if query.startswith("- "):
        sign, query = -1.0, query[2:]
    elif query.startswith("+ "):
        query = query[2:]
    parts = _SPLIT.split(query)
    terms: list[Term] = []
    signs = [sign] + [1.0 if p == "+" else -1.0 for p in parts[1::2]]
    for s, raw in zip(signs, parts[0::2], strict=True):
        raw = raw.strip()
        if not raw:
            continue
        weight = 1.0
        m = _WEIGHT.match(raw)
        if m and not os.path.exists(raw):
            weight, raw = float(m.group(1)), m.group(2).strip()
            if not (math.isfinite(weight) and weight <= MAX_WEIGHT):
                raise PhotoindexError(f"a term's weight must be a number up to {MAX_WEIGHT:g}, not {m.group(1)[:20]!r}")
        text = os.path.expanduser(raw.strip("\"'"))
        is_image = is_photo_name(text) and os.path.isfile(text)
        terms.append(Term(text if is_image else raw, s * weight, is_image))
    return terms


def combine(vectors: list[np.ndarray], weights: list[float]) -> np.ndarray:
    q = np.zeros_like(vectors[0], dtype=np.float32)
    for v, w in zip(vectors, weights, strict=True):
        q += np.float32(w) * v.astype(np.float32)
    norm = float(np.linalg.norm(q))
    return q / norm if norm > 0 else q


def cutoff_count(scores: np.ndarray, sample: np.ndarray, population: int | None = None, min_z: float = MIN_Z,
                 rel: float = REL, skip_top: int = 0) -> int:
    """How many of the (descending) scores are relevant, judged against a sample of the
    library's scores for the same query.

    The bar is set so that only about FALSE_HITS photos of the whole library (population)
    would clear it by chance, so a bigger library needs a higher z. Median and MAD keep the
    estimate honest when relevant photos are in the sample. The first skip_top hits (the
    query photo itself) are always kept."""
    n = len(scores)
    if n == 0 or len(sample) < 8:
        return n
    population = max(population or len(sample), 1)
    z = max(min_z, NormalDist().inv_cdf(1.0 - min(0.5, FALSE_HITS / population)))
    mu = float(np.median(sample))
    sigma = 1.4826 * float(np.median(np.abs(sample - mu))) or float(np.std(sample)) or 1e-6
    ref = float(scores[min(skip_top, n - 1)])
    threshold = max(mu + z * sigma, mu + rel * (ref - mu))
    keep = int(np.searchsorted(-scores, -threshold, side="right"))
    duplicates = int(np.searchsorted(-scores, -NEAR_DUPLICATE, side="right"))
    return max(keep, duplicates, min(skip_top, n))


# -- names in the query ----------------------------------------------------------------------------


@dataclass
class Plan:
    """A query split into what names match and what goes to CLIP.

    A person's name filters to that person and leaves the query ('민지 바닷가' -> 민지's photos,
    CLIP '바닷가'); a file name picks that file and leaves it too (it means nothing to CLIP); a
    folder's words rank its photos first and stay in the query (a folder called 'beach' is also
    a beach). In a subtracted term ('- 가족') a person or folder leaves out its photos."""

    clip_terms: list[Term]
    """The terms CLIP scores, with person and file names taken out; empty: names only."""
    people: list[set[int]]
    """Each set: the people one query word names (any of them); every set must be in a photo."""
    boosts: list[list[NameMatch]]
    """Per query word that names folders or files: its matches (the photos of any rank first)."""
    excluded_people: set[int]
    excluded: list[NameMatch]
    """Folders and files named in subtracted terms."""
    matches: list[NameMatch]


def plan_query(terms: list[Term], names: NameIndex, analyse: bool = True) -> Plan:
    plan = Plan([], [], [], set(), [], [])
    for term in terms:
        if term.is_image:
            plan.clip_terms.append(term)
            continue
        found = names.match(term.text, analyse=analyse)
        plan.matches += found
        by_word: dict[str, list[NameMatch]] = {}
        for m in found:
            by_word.setdefault(m.word, []).append(m)
        drop: set[str] = set()
        for word, ms in by_word.items():
            people = {int(m.key) for m in ms if m.kind == "person"}
            others = [m for m in ms if m.kind != "person"]
            if term.weight < 0:
                plan.excluded_people |= people
                plan.excluded += others
                continue
            if people:
                if people not in plan.people:  # 'Kim Seoyeon': two words, one person
                    plan.people.append(people)
                drop.add(word)
            elif others:
                plan.boosts.append(others)
                if all(m.kind == "filename" for m in others) and any(c.isdigit() for c in word):
                    drop.add(word)  # 'IMG_1005' means nothing to CLIP; 'beach' (beach.jpg) does
        if term.weight < 0:
            drop = {m.word for m in found if m.kind == "person"}
        words = [w for w in term.text.split() if w not in drop]
        if drop and all(clean_word(w) in STOPWORDS for w in words):
            words = []  # '민지의 사진': 민지's photos, not CLIP's idea of 'photo'
        if words:
            text = " ".join(words)
            plan.clip_terms.append(Term(text, term.weight, False) if text != term.text else term)
    return plan
