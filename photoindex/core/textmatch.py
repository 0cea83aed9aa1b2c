"""Words of a query that name something people wrote: a folder, a file, a person.

CLIP knows what a photo shows, not that it sits in `2019 제주도 여행/`, is called `IMG_1005.jpg`
or shows the person named 민지. This module keeps an in-memory index of those names (every
folder component under the library's roots, every file stem, every named person), built from
the catalog through a read-only connection and rebuilt when the catalog changes, and finds the
query words that match them.

Matching is by word, case-insensitive. Korean words carry particles and endings (`제주도에서`,
`민지랑`), so a Hangul query word that is not itself a name but starts with one (or a name that
starts with the word: a folder `제주도여행`) is checked by morphological analysis (kiwipiepy): it
matches when the analysis finds the name as a noun of the word. The analyser costs about 2 s and
270 MB to load (bench/bench_textmatch.py), so it is loaded only when such a word first comes up
(or warmed in the background by the window once the user types Hangul); the common particles
are recognised without it.
"""

from __future__ import annotations

import bisect
import logging
import os
import re
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from photoindex.core.types import Suggestion

log = logging.getLogger(__name__)

KINDS = ("folder", "filename", "person", "meaning")
"""Why a hit matched, in the order they are reported."""

_WORD = re.compile(r"[^\W_]+")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_EDGE_PUNCT = "\"'“”‘’.,!?;:()[]{}<>「」『』"

STOPWORDS = frozenset({
    # English words that say nothing about which folder or person is meant.
    "a", "an", "the", "of", "in", "on", "at", "to", "from", "with", "and", "or", "by", "for", "my", "our",
    "photo", "photos", "picture", "pictures", "pic", "pics", "image", "images", "img", "shot", "shots",
    # Korean: "photo", "picture", "image", "taken" and the like.
    "사진", "사진들", "이미지", "그림", "찍은", "것",
})

# Particles and endings that follow a noun in a query ("제주도에서", "민지랑"): recognised without
# the analyser. Longest first, so that "에서" is tried before "에".
PARTICLES = tuple(sorted({
    "이", "가", "은", "는", "을", "를", "의", "에", "에서", "에게", "한테", "께", "와", "과", "랑", "이랑",
    "하고", "도", "만", "로", "으로", "까지", "부터", "처럼", "보다", "같은", "이의", "이와", "이는", "이가",
    "이도", "이를", "이랑은", "에서의", "에서는", "들", "들의", "들과", "들이랑", "네", "네서", "씨", "님",
}, key=len, reverse=True))

# Noun-like tags of Kiwi (Sejong tag set): common and proper nouns, numerals, foreign words,
# numbers, Hanja and roots. NNB (dependent nouns: 것, 수, 년) is left out.
_NOUN_TAGS = frozenset({"NNG", "NNP", "NR", "SL", "SN", "SH", "XR"})

PREFIX_MIN = 4
"""A query word names files by prefix (`IMG_10` -> `IMG_1005`) from this many characters on..."""
PREFIX_MAX_FILES = 1000
"""...and only when it picks out at most this many files (`IMG` names them all: no help)."""


def clean_word(word: str) -> str:
    return word.strip(_EDGE_PUNCT).casefold()


def word_tokens(text: str) -> list[str]:
    """'2019 제주도 여행' -> ['2019', '제주도', '여행']; 'IMG_1005' -> ['img', '1005']."""
    return [t.casefold() for t in _WORD.findall(text)]


def looks_like_file_name(word: str) -> bool:
    """Cameras and phones name files with numbers ('IMG_1005', 'DSC0001', '20190803_101500'):
    only such words are looked up among file names (people name folders, not files)."""
    return any(c.isdigit() or c in "_." for c in word)


def is_hangul(text: str) -> bool:
    return _HANGUL.search(text) is not None


# -- Korean morphological analysis -----------------------------------------------------------------


class KoreanAnalyzer:
    """Kiwi, loaded once per process on first use (or warmed in the background)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kiwi: Any = None
        self._failed = False
        self.load_seconds: float | None = None

    @property
    def loaded(self) -> bool:
        return self._kiwi is not None

    def warm(self) -> None:
        """Load in a background thread (returns at once)."""
        if self._kiwi is None and not self._failed:
            threading.Thread(target=self._load, name="kiwi-warm", daemon=True).start()

    def _load(self) -> Any:
        with self._lock:
            if self._kiwi is None and not self._failed:
                t = time.perf_counter()
                try:
                    from kiwipiepy import Kiwi

                    # The built-in model without the extra dictionaries: half the start-up, and
                    # nouns of names and short queries do not need them. num_workers=-1: no
                    # thread pool of its own (a query is a few words).
                    kiwi = Kiwi(num_workers=-1, model_type="cong", load_default_dict=False,
                                load_typo_dict=False, load_multi_dict=False)
                    kiwi.tokenize("제주도에서")  # the model's tables load on the first call
                    self._kiwi = kiwi
                except Exception:  # an installation without it: the particle rule still works
                    log.exception("the Korean analyser (kiwipiepy) could not be loaded; matching without it")
                    self._failed = True
                self.load_seconds = time.perf_counter() - t
                if self._kiwi is not None:
                    log.info("Korean analyser loaded in %.2f s", self.load_seconds)
            return self._kiwi

    def nouns(self, text: str) -> frozenset[str] | None:
        """The noun-like morphemes of text, casefolded (loads the analyser); None without it."""
        kiwi = self._kiwi if self._kiwi is not None else self._load()
        if kiwi is None:
            return None
        return _nouns(kiwi, text)


@lru_cache(maxsize=4096)
def _nouns(kiwi: Any, text: str) -> frozenset[str]:
    out: set[str] = set()
    for tok in kiwi.tokenize(text):
        if tok.tag in _NOUN_TAGS:
            form = tok.form.casefold()
            out.add(form)
            if tok.tag == "NNP" and len(form) >= 3 and form.endswith("이"):
                out.add(form[:-1])  # 서연이 -> 서연: the familiar ending of a given name
    return frozenset(out)


ANALYZER = KoreanAnalyzer()
"""One per process: the model is the same for every library."""


def _particle_tail(word: str, name: str) -> bool:
    """word is name followed by a common particle: '민지랑' / '민지'."""
    return word.startswith(name) and word[len(name):] in PARTICLES


# -- the index -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NameMatch:
    kind: str
    """'folder', 'filename' or 'person'."""
    label: str
    """The name as written: a folder component, a file name, a person's name."""
    word: str
    """The query word (as typed) that matched."""
    key: str
    """What to look up: a folder component (casefolded), a file stem, a person id."""


@dataclass
class NameIndex:
    """Folder components, file stems and people's names of one catalog, for matching."""

    folder_ids: dict[str, np.ndarray] = field(default_factory=dict)
    """folder path -> ids of its own photos."""
    component_folders: dict[str, list[str]] = field(default_factory=dict)
    """component (casefolded) -> folder paths that have it in their path under a root."""
    component_label: dict[str, str] = field(default_factory=dict)
    """component (casefolded) -> as written."""
    folder_tokens: dict[str, set[str]] = field(default_factory=dict)
    """word -> components (casefolded) that contain the word."""
    stem_keys: np.ndarray = field(default_factory=lambda: np.zeros(0, "U1"))
    """Every photo's file stem, casefolded, sorted (exact and prefix look-ups by bisection)..."""
    stem_ids: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    """...the photo ids in the same order..."""
    stem_labels: np.ndarray = field(default_factory=lambda: np.zeros(0, "U1"))
    """...and the stems as written."""
    people: dict[int, str] = field(default_factory=dict)
    """person id -> name (named, not hidden)."""
    person_tokens: dict[str, set[int]] = field(default_factory=dict)
    """word (casefolded) -> person ids whose name has it."""
    person_names: dict[str, set[int]] = field(default_factory=dict)
    """whole name (casefolded) -> person ids."""
    sorted_hangul: list[str] = field(default_factory=list)
    """Every Hangul word of a folder or a person's name, sorted: for prefix look-ups."""
    n_photos: int = 0
    folder_paths: dict[str, str] = field(default_factory=dict)
    """folder path -> its path under its root, for suggestions."""
    folder_loader: Callable[[list[str]], Iterable[tuple[str, int]]] | None = field(default=None, repr=False)
    """(folder, id) of the indexed photos in these folders: folder_ids are read when first needed."""
    files_loader: Callable[[], Iterable[tuple[int, str, str]]] | None = field(default=None, repr=False)
    """(id, folder, file name) of every indexed photo: the file stems are read when a query
    word first looks like a file name."""
    _lazy: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def build(cls, rows: Iterable[tuple[int, str, str]], roots: list[str], people: Iterable[tuple[int, str]]) -> NameIndex:
        """Everything at once. rows: (id, folder, file name) of indexed photos; people: (id,
        name) of named people."""
        rows = list(rows)
        idx = cls.from_names({r[1] for r in rows}, roots, people)
        idx._set_files(rows)
        return idx

    def _set_files(self, rows: Iterable[tuple[int, str, str]]) -> None:
        by_folder: dict[str, list[int]] = defaultdict(list)
        ids: list[int] = []
        labels: list[str] = []
        for pid, folder, name in rows:
            by_folder[folder].append(pid)
            ids.append(pid)
            dot = name.rfind(".")
            labels.append(name[:dot] if dot > 0 else name)
        self.n_photos = len(ids)
        self.folder_ids = {f: np.asarray(v, dtype=np.int64) for f, v in by_folder.items()}
        if labels:
            keys = np.array([label.casefold() for label in labels])
            order = np.argsort(keys, kind="stable")
            self.stem_keys = keys[order]
            self.stem_ids = np.asarray(ids, dtype=np.int64)[order]
            self.stem_labels = np.array(labels)[order]
        self.files_loader = None

    def _ensure_files(self) -> None:
        if self.files_loader is not None:
            with self._lazy:
                if self.files_loader is not None:
                    n = self.n_photos
                    self._set_files(self.files_loader())
                    self.n_photos = max(n, self.n_photos)

    def _folder_ids(self, folders: list[str]) -> list[np.ndarray]:
        missing = [f for f in folders if f not in self.folder_ids]
        if missing and self.folder_loader is not None:
            with self._lazy:
                found: dict[str, list[int]] = {f: [] for f in missing}
                for folder, pid in self.folder_loader(missing):
                    found[folder].append(pid)
                for folder, ids in found.items():
                    self.folder_ids[folder] = np.asarray(ids, dtype=np.int64)
        return [self.folder_ids[f] for f in folders if f in self.folder_ids]

    @classmethod
    def from_names(cls, folders: Iterable[str], roots: list[str], people: Iterable[tuple[int, str]]) -> NameIndex:
        """The folders' and people's names only (the photos' ids and file names come later)."""
        idx = cls()
        ordered_roots = sorted((r.rstrip(os.sep) for r in roots), key=len, reverse=True)
        comp_folders: dict[str, list[str]] = defaultdict(list)
        hangul: set[str] = set()
        for folder in folders:
            root = next((r for r in ordered_roots if folder == r or folder.startswith(r + os.sep)), None)
            rel = os.path.relpath(folder, root) if root else os.path.basename(folder)
            if rel in (".", ""):
                continue
            idx.folder_paths[folder] = rel
            for comp in rel.split(os.sep):
                key = comp.casefold()
                comp_folders[key].append(folder)
                if key not in idx.component_label:
                    idx.component_label[key] = comp
                    for tok in {key, *word_tokens(comp)}:
                        idx.folder_tokens.setdefault(tok, set()).add(key)
                        if is_hangul(tok):
                            hangul.add(tok)
        idx.component_folders = dict(comp_folders)
        for person_id, name in people:
            name = (name or "").strip()
            if not name:
                continue
            idx.people[person_id] = name
            idx.person_names.setdefault(name.casefold(), set()).add(person_id)
            for tok in [t for t in word_tokens(name) if not t.isdigit()] or [name.casefold()]:
                idx.person_tokens.setdefault(tok, set()).add(person_id)
                if is_hangul(tok):
                    hangul.add(tok)
        idx.sorted_hangul = sorted(hangul)
        return idx

    # -- matching ------------------------------------------------------------------------------

    def _names_in_word(self, word: str, analyse: bool) -> set[str]:
        """The indexed words that a Hangul query word stands for: itself, a name it starts with
        followed by a particle or ending ('제주도에서' -> '제주도'), or a name that it is a noun
        of ('제주도' in '제주도여행')."""
        found = {word} if (word in self.folder_tokens or word in self.person_tokens) else set()
        if found:
            return found
        # Names that are a prefix of the word.
        shorter = [word[:i] for i in range(1, len(word)) if word[:i] in self.folder_tokens or word[:i] in self.person_tokens]
        # Names that start with the word.
        i = bisect.bisect_right(self.sorted_hangul, word)
        longer: list[str] = []
        while i < len(self.sorted_hangul) and self.sorted_hangul[i].startswith(word) and len(longer) < 50:
            longer.append(self.sorted_hangul[i])
            i += 1
        if not shorter and not longer:
            return found
        undecided: list[str] = []
        for name in shorter:
            if _particle_tail(word, name):
                found.add(name)
            else:
                undecided.append(name)
        if undecided and analyse:
            nouns = ANALYZER.nouns(word)
            if nouns is not None:
                found.update(n for n in undecided if n in nouns)
        if longer and analyse:
            for name in longer:
                nouns = ANALYZER.nouns(name)
                if nouns is not None and word in nouns:
                    found.add(name)
        return found

    def match(self, text: str, analyse: bool = True) -> list[NameMatch]:
        """The names that the words of one query term name. analyse=False: without the Korean
        analyser (the particle rule only)."""
        out: list[NameMatch] = []
        words = text.split()
        lowered = [clean_word(w) for w in words]
        # A person's name of several words ('Kim Minji') matches when they are all there.
        for n in range(min(4, len(words)), 1, -1):
            for i in range(len(words) - n + 1):
                phrase = " ".join(lowered[i:i + n])
                for person_id in sorted(self.person_names.get(phrase, ())):
                    for w in words[i:i + n]:
                        out.append(NameMatch("person", self.people[person_id], w, str(person_id)))
        claimed = {m.word for m in out}
        for raw, word in zip(words, lowered, strict=True):
            if not word or raw in claimed:
                continue
            keys = {word, *word_tokens(word)} - STOPWORDS
            if is_hangul(word):
                keys = {k2 for k in keys for k2 in (self._names_in_word(k, analyse) if is_hangul(k) else {k})}
                keys -= STOPWORDS
            persons = sorted({p for k in keys for p in self.person_tokens.get(k, ())})
            for person_id in persons:
                out.append(NameMatch("person", self.people[person_id], raw, str(person_id)))
            for comp in sorted({c for k in keys for c in self.folder_tokens.get(k, ())}):
                out.append(NameMatch("folder", self.component_label[comp], raw, comp))
            for lo in self._stems_for(word):
                out.append(NameMatch("filename", str(self.stem_labels[lo]), raw, str(self.stem_keys[lo])))
        return out

    def _stems_for(self, word: str) -> list[int]:
        """Where (in stem_keys) the file stems that the word names start: equal to it, or
        starting with it when it is long and picks out few files."""
        stem, ext = os.path.splitext(word)
        if ext in (".jpg", ".jpeg", ".png", ".heic", ".webp", ".tif", ".tiff", ".dng"):
            word = stem
        if word in STOPWORDS or not looks_like_file_name(word):
            return []
        self._ensure_files()
        if not len(self.stem_keys):
            return []
        lo = int(np.searchsorted(self.stem_keys, word, "left"))
        if len(word) >= PREFIX_MIN:
            hi = int(np.searchsorted(self.stem_keys, word + "\U0010ffff", "left"))
            if hi - lo <= PREFIX_MAX_FILES:
                keys = self.stem_keys[lo:hi]
                return [lo + int(i) for i in np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])] if hi > lo else []
        return [lo] if lo < len(self.stem_keys) and self.stem_keys[lo] == word else []

    def ids(self, m: NameMatch) -> np.ndarray:
        """Photo ids of a folder or file-name match, unsorted, maybe repeated (a person's come
        from the catalog)."""
        if m.kind == "folder":
            parts = self._folder_ids(self.component_folders.get(m.key, []))
        elif m.kind == "filename":
            lo = int(np.searchsorted(self.stem_keys, m.key, "left"))
            hi = int(np.searchsorted(self.stem_keys, m.key, "right"))
            parts = [self.stem_ids[lo:hi]]
        else:
            raise ValueError(m.kind)
        return np.concatenate(parts) if parts else np.zeros(0, np.int64)

    # -- suggestions -----------------------------------------------------------------------------

    def suggest(self, text: str, limit: int = 8) -> list[Suggestion]:
        """People and folders whose name starts with (or contains) the last word being typed."""
        words = text.split()
        if not words:
            return []
        word = clean_word(words[-1])
        if not word or word in STOPWORDS:
            return []
        out: list[Suggestion] = []
        starts, contains = [], []
        for person_id, name in self.people.items():
            low = name.casefold()
            if low.startswith(word) or any(t.startswith(word) for t in word_tokens(name)) or _particle_tail(word, low):
                starts.append(Suggestion("person", name, str(person_id)))
            elif word in low:
                contains.append(Suggestion("person", name, str(person_id)))
        out += sorted(starts, key=lambda s: s.label) + sorted(contains, key=lambda s: s.label)
        folders: list[tuple[int, str, str]] = []
        for folder, rel in self.folder_paths.items():
            name = os.path.basename(rel)
            low = name.casefold()
            if low.startswith(word) or any(t.startswith(word) for t in word_tokens(name)) or _particle_tail(word, low):
                folders.append((0, rel, folder))
            elif word in low:
                folders.append((1, rel, folder))
        out += [Suggestion("folder", os.path.basename(rel), folder) for _, rel, folder in sorted(folders)]
        return out[:limit]


SYNC_REBUILD_MAX = 20_000
"""Up to this many photos the index is rebuilt before the search that found it stale (about
0.1 s); a bigger library keeps answering from the previous index while a thread rebuilds it
(what changed is a few photos being indexed: their names are found a moment later)."""


class TextMatcher:
    """The NameIndex of one library, rebuilt when its catalog changes. Thread-safe.

    connect: the calling thread's read-only catalog connection (Library.catalog)."""

    def __init__(self, connect: Callable[[], Any]) -> None:
        self._connect = connect
        self._lock = threading.Lock()
        self._index: NameIndex | None = None
        self._state: tuple[Any, ...] | None = None
        self._stamps: dict[int, tuple[int, int]] = {}
        self._rebuilding: threading.Thread | None = None
        self.build_seconds: float | None = None

    def index(self) -> NameIndex:
        """The index, brought up to date with the catalog."""
        cat = self._connect()
        conn = cat.conn
        # Cheap first: data_version moves when another connection commits (per connection).
        stamp = (conn.execute("PRAGMA data_version").fetchone()[0], conn.total_changes)
        index = self._index
        if index is not None and self._stamps.get(id(cat)) == stamp:
            return index
        state = self._catalog_state(conn)
        with self._lock:
            index = self._index
            if index is None or state != self._state:
                photos_only = self._state is not None and state[1:] == self._state[1:]
                if index is not None and photos_only and index.n_photos > SYNC_REBUILD_MAX:
                    if self._rebuilding is None or not self._rebuilding.is_alive():
                        self._rebuilding = threading.Thread(target=self._rebuild_in_background,
                                                            name="name-index", daemon=True)
                        self._rebuilding.start()
                    return index  # the stamp is not kept: the next search checks again
                index = self._build(conn, state)
            self._stamps[id(cat)] = stamp
            return index

    def _build(self, conn: Any, state: tuple[Any, ...]) -> NameIndex:
        t = time.perf_counter()
        index = self._build_unlocked(conn, state)
        self._index, self._state = index, state
        self.build_seconds = time.perf_counter() - t
        log.debug("name index: %d photos in %.3f s", index.n_photos, self.build_seconds)
        return index

    def _rebuild_in_background(self) -> None:
        try:
            conn = self._connect().conn
            state = self._catalog_state(conn)
            index = self._build_unlocked(conn, state)
            with self._lock:
                self._index, self._state = index, state
        except Exception:  # the next search tries again
            log.exception("rebuilding the name index failed")

    def _build_unlocked(self, conn: Any, state: tuple[Any, ...]) -> NameIndex:
        """The folders' and people's names now (one pass over the folder index: tens of ms at
        100k); the photos in a folder when a query names it, the file names when a query word
        looks like one."""
        folders = [r[0] for r in conn.execute("SELECT DISTINCT folder FROM photos")]
        roots = [r[0] for r in conn.execute("SELECT path FROM roots")]
        people = conn.execute("SELECT id, name FROM people WHERE name IS NOT NULL AND hidden = 0").fetchall()
        index = NameIndex.from_names(folders, roots, people)
        index.n_photos = int(state[0][0])
        connect = self._connect

        def folder_rows(wanted: list[str]) -> list[tuple[str, int]]:
            out: list[tuple[str, int]] = []
            for i in range(0, len(wanted), 500):
                chunk = wanted[i:i + 500]
                marks = ",".join("?" * len(chunk))
                out += connect().conn.execute(
                    f"SELECT folder, id FROM photos WHERE folder IN ({marks}) AND status = 'ok'", chunk).fetchall()
            return out

        index.folder_loader = folder_rows
        index.files_loader = lambda: connect().conn.execute(
            "SELECT id, folder, substr(path, length(folder) + 2) FROM photos WHERE status = 'ok'").fetchall()
        return index

    @staticmethod
    def _catalog_state(conn: Any) -> tuple[Any, ...]:
        """What the index depends on, cheaply: the photos (how many are indexed, the newest id
        and the embedding seq, which moves whenever photos are indexed again), the roots and
        people's names. A photo moved on disk without being indexed again is seen by the next
        of those changes."""
        photos = conn.execute("SELECT count(*) FROM photos WHERE status = 'ok'").fetchone()[0]
        meta = tuple(conn.execute("SELECT key, value FROM meta WHERE key IN ('seq.last', 'photos.last_id') ORDER BY key"))
        roots = tuple(r[0] for r in conn.execute("SELECT path FROM roots ORDER BY path"))
        people = tuple(conn.execute("SELECT id, name FROM people WHERE name IS NOT NULL AND hidden = 0 ORDER BY id"))
        return (photos, meta), roots, people


def person_photo_ids(cat: Any, person_ids: Iterable[int]) -> np.ndarray:
    ids = list(person_ids)
    if not ids:
        return np.zeros(0, np.int64)
    marks = ",".join("?" * len(ids))
    rows = cat.conn.execute(f"SELECT photo_id FROM faces WHERE person_id IN ({marks})", ids).fetchall()
    return np.unique(np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows)))
